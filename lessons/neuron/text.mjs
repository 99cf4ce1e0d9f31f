// The neuron lesson's text (markdown subset rendered by web/text.mjs; backslashes doubled).
export const text = `
A **neuron** takes its inputs, weighs each one, adds a bias and squashes the sum through an
activation. With two inputs and the sigmoid it is exactly **logistic regression**:

$$z = w_1 x_1 + w_2 x_2 + b, \\qquad \\hat y = \\sigma(z) = \\frac{1}{1 + e^{-z}}$$

$\\hat y$ is the probability the neuron gives class 1. It is exactly $\\tfrac12$ where $z = 0$, so the
**decision boundary** $w_1 x_1 + w_2 x_2 + b = 0$ is a straight line; the weight vector
$w = (w_1, w_2)$ (the arrow) is perpendicular to it and points towards class 1, and its length sets
how fast the probability goes from 0 to 1 across the line. Drag the line to move it (that changes
$b$), drag the tip of the arrow to turn and steepen it ($w$ changes), click to add a point,
shift-click a point to change its class, alt-click to remove it; hover a point for its numbers.
The canvas takes the keyboard too (focus it: the help is below it).

## Log loss and its gradient
For one point the log loss is $L = -\\big(y \\log \\hat y + (1 - y) \\log(1 - \\hat y)\\big)$, and the
chain rule through the sigmoid ($\\sigma' = \\sigma (1 - \\sigma)$) cancels the awkward parts:

$$\\frac{\\partial L}{\\partial z} = \\hat y - y, \\qquad \\frac{\\partial L}{\\partial w_j} = (\\hat y - y)\\, x_j, \\qquad \\frac{\\partial L}{\\partial b} = \\hat y - y$$

The error times the input: a point pulls on the weights in proportion to how wrong it is and to
how large its coordinates are. Over $n$ points the loss is the mean, and so is the gradient. The
core computes the loss from $z$ directly ($\\max(z, 0) - z y + \\log(1 + e^{-|z|})$), which equals the
formula above but never takes the logarithm of a probability that rounded to 0.

## Log loss or MSE?
Mean squared error on the probability, $L = (\\hat y - y)^2$, looks just as reasonable, but its
gradient keeps the sigmoid's slope:

$$\\frac{\\partial L}{\\partial z} = 2 (\\hat y - y)\\, \\hat y (1 - \\hat y)$$

When the neuron is confidently wrong ($y = 1$ but $z = -6$, so $\\hat y \\approx 0.0025$), the factor
$\\hat y (1 - \\hat y)$ is almost 0: MSE's gradient is $-0.0049$ where log loss's is $-0.9975$. The worst
mistakes are the slowest to fix. The chart of $\\partial L / \\partial z$ shows both losses for both
classes, and every point sits on its curve. To see it in training, press **Start confidently
wrong** (the arrow turned away from class 1), then train once with each loss: log loss turns the
line round in a few dozen steps, MSE crawls.

## Gradient descent
Training repeats one rule for every weight and the bias, with a learning rate $\\alpha$:

$$w_j \\leftarrow w_j - \\alpha \\frac{\\partial L}{\\partial w_j}, \\qquad b \\leftarrow b - \\alpha \\frac{\\partial L}{\\partial b}$$

**Step** takes one, **Train** keeps stepping; each step builds $z$, the loss and its gradient on the
core's autograd graph and lets the core's SGD optimizer update the weights. The weight sliders are
where training starts (step 0): moving them, or the line, starts over. On data a line can separate,
log loss never stops: the weights keep growing, the line stays put and gets sharper.

## Why depth needs non-linearity
Stack neurons without an activation: two inputs, three hidden neurons, one output, as in the course.

$$N_1 = w_1 x_1 + w_2 x_2 + b_1, \\quad N_2 = w_3 x_1 + w_4 x_2 + b_2, \\quad N_3 = w_5 x_1 + w_6 x_2 + b_3$$

$$\\hat y = w_7 N_1 + w_8 N_2 + w_9 N_3 + b_4$$

Multiply out and collect the terms:

$$\\hat y = x_1 (w_7 w_1 + w_8 w_3 + w_9 w_5) + x_2 (w_7 w_2 + w_8 w_4 + w_9 w_6) + (w_7 b_1 + w_8 b_2 + w_9 b_3 + b_4) = A x_1 + B x_2 + C$$

Thirteen parameters, and the network is one linear function of three: its boundary $\\hat y = 0$ is
a line, whatever the weights, and no number of such layers changes that. The picture below the
weights shades $\\sigma(\\hat y)$, draws the network's own boundary $\\hat y = 0$ (solid, traced on its
real forward pass) and the line $A x_1 + B x_2 + C = 0$ (dashed): without an activation they are the
same line. In matrices it is one line
of algebra: $W_2 (W_1 x + b) + b_4 = (W_2 W_1) x + (W_2 b + b_4)$. Switch on an activation between the
layers and the products no longer collapse: the boundary bends, which is what lets a network
separate XOR or a circle that no line can.
`;
