// The log-loss lesson's text (markdown subset rendered by web/text.mjs; backslashes doubled).
export const text = `
A classifier that outputs a probability is scored by how much probability it gave to what really
happened. The **log loss** (cross-entropy) is minus the logarithm of that probability: near 0 when
the model was confidently right, growing without bound as the probability of the truth goes to 0.

$$L = -\\big(y \\log \\hat p + (1 - y) \\log (1 - \\hat p)\\big)$$

For a true label $y = 1$ only $-\\log \\hat p$ is left, for $y = 0$ only $-\\log(1 - \\hat p)$. Drag the
point along the curve (or focus the chart and use the arrow keys): a prediction of 0.9 for the true
class costs 0.105, one of 0.1 costs 2.303, and 0.001 costs 6.9. Confident mistakes are what the loss
punishes most.

## Categorical cross-entropy: one-hot or sparse labels
With $C$ classes the prediction is a probability vector $\\hat y$ (a softmax output) and the loss is
$-\\sum_c y_c \\log \\hat y_c$. With a one-hot label only the true class's term survives, so the
loss is $-\\log \\hat y_{\\text{true}}$. The course's example: the true class is 1 (counting from 0) and
$\\hat y = (0.1,\\ 0.3,\\ 0.6)$, so $L = -\\log 0.3 = 1.204$.

The same label can be written two ways: one-hot, $y = (0, 1, 0)$ (Keras's
\`categorical_crossentropy\`), or sparse, just the index $1$ (\`sparse_categorical_crossentropy\`,
PyTorch's \`nll_loss\`/\`cross_entropy\` targets). They give the same number; the sparse form
saves building the one-hot vectors.

## A batch: the weather table
The four weather classes Sunny, Rainy, Windy and Cloudy, one-hot encoded: each class is a row of the
identity matrix. Below, four examples, one of each true class, with the model's predicted
probabilities (edit them). Each row's loss is $-\\log$ of the probability in its true class's
column; the batch loss is their sum (or, with the frameworks' default reduction, their mean).

$$L_{\\text{batch}} = -\\sum_{i} \\sum_{c} y_{ic} \\log \\hat y_{ic}$$

What a probability of exactly 0 costs depends on the framework (the **Convention** switch at the
top of the page picks one; the panel "A certain mistake" shows both). Keras clips probabilities into
$[10^{-7},\\ 1 - 10^{-7}]$ first (its epsilon), so it costs $-\\ln 10^{-7} = 16.12$, never infinity.
PyTorch's \`BCELoss\` instead clamps each logarithm at $-100$, so it costs exactly 100; and PyTorch has
no categorical loss on probabilities at all (\`CrossEntropyLoss\` takes logits): the nearest,
\`NLLLoss\` of $\\ln \\hat y$, gives $\\infty$. Between $10^{-7}$ and $1 - 10^{-7}$ the two agree. A row
that does not add up to 1 is used as given: the loss only reads the true class's entry.

## Which logarithm?
The frameworks (PyTorch, TensorFlow, this core) use the **natural** logarithm: the loss is in
*nats*. Information theory often uses $\\log_2$, which measures the loss in **bits**:
$-\\log_2 \\hat p = -\\ln \\hat p / \\ln 2$. The base only rescales the loss by the constant
$1/\\ln 2 \\approx 1.4427$, so it moves no minimum and changes no ranking; it does scale the gradients,
which a learning rate absorbs.
`;
