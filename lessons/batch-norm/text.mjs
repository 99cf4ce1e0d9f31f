// The batch-norm lesson's text (the markdown subset of web/text.mjs).
export const text = `
Batch normalization standardizes each unit's pre-activation over the batch, then lets the network
rescale it with two learned numbers per unit, $\\gamma$ (scale) and $\\beta$ (shift). Here a network
2 → units → **BN** → tanh → 1 trains for real on points whose inputs sit far from zero; every step
is one batch through the core's \`fit\`, and the plots show that step's numbers.

$$\\hat x = \\frac{x - \\mu_B}{\\sqrt{\\sigma_B^2 + \\varepsilon}}, \\qquad y = \\gamma\\,\\hat x + \\beta$$

## Two sets of statistics
In training, $\\mu_B$ and $\\sigma_B^2$ are the batch's own mean and (biased, divide by $m$)
variance. At inference there may be one example, or none to average over, so the layer keeps a
running average of them, updated after every training batch (the course's rule):

$$\\text{moving mean} \\leftarrow \\beta \\cdot \\text{moving mean} + (1 - \\beta)\\cdot \\text{mean(batch)}$$

$$\\text{moving var} \\leftarrow \\beta \\cdot \\text{moving var} + (1 - \\beta)\\cdot \\text{var(batch)}$$

The dots are each batch's mean and variance of the plotted unit, the line is the moving average.
With $\\beta$ near 1 the line is smooth but slow (it starts at mean 0, variance 1 and needs about
$1/(1-\\beta)$ steps to forget them); with $\\beta$ near 0 it jumps to each batch. The lines under
the plot repeat the last step's update with its numbers. Note that this $\\beta$ (the
moving-average weight) is not the layer's learned shift $\\beta$: the course and the frameworks use
the letter for both.

## Keras and PyTorch write it differently

- Keras' \`momentum\` is $\\beta$ itself (default 0.99) and $\\varepsilon = 10^{-3}$.
- PyTorch's \`momentum\` is $1 - \\beta$ (default 0.1, so $\\beta = 0.9$) and $\\varepsilon = 10^{-5}$.
- Both normalize the batch with its biased variance, but PyTorch averages the **unbiased** one
  (divide by $m - 1$) into the running variance. The course writes var(batch) without saying
  which; switch the convention and the moving variance changes by the factor $m/(m-1)$.

## Batch size 1
A batch of one has $\\mu_B = x$, so $x - \\mu_B = 0$ and $\\sigma_B^2 = 0$: the output is $\\beta$
whatever the input, and no gradient reaches the weights before the layer. Keras trains on (and
learns nothing useful); PyTorch refuses ("expected more than 1 value per channel when training"),
because its unbiased variance would divide by $m - 1 = 0$. Set the batch size to 1 and switch the
convention to see both.

## Train mode vs inference mode
The same input gives different outputs in the two modes: inference uses the moving statistics, a
training-mode pass uses whatever batch the input arrived in. Serving a model left in training
mode (forgetting \`model.eval()\` in PyTorch, or calling a Keras model with \`training=True\`) is a
classic bug: one request at a time is a batch of 1, every output is the same, and the accuracy
falls to a coin flip. The panel below computes the held-out accuracy all three ways.
`;
