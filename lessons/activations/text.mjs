// The activations lesson's text. A small markdown subset rendered by web/text.mjs into DOM nodes
// (never as HTML): '## ' headings, '- ' lists, paragraphs, **bold**, `code`, $inline$ and
// $$display$$ KaTeX.
export const text = `
Without an activation, a stack of layers collapses into one linear map. An **activation** is a
function applied to every unit's $z = w \\cdot x + b$ that bends it: the course asks for one that is
continuous and (almost everywhere) differentiable, because backpropagation multiplies by its
derivative at every layer. Each chart below is one activation $f$ (solid) and its derivative $f'$
(dashed), both from the core's forward and backward pass on a grid of $x$; the shaded bands are
where it **saturates**: $f'(x)$ is below 5% of its largest value, so almost no gradient passes.
Click a chart to put that activation into the deep stack further down.

## The five activations
- **Sigmoid** squashes into $(0, 1)$, which makes it the output for probabilities. Its derivative
  $\\sigma' = \\sigma(1 - \\sigma)$ is at most $\\tfrac14$ (at $x = 0$) and vanishes for $|x| > 4.4$.
- **tanh** squashes into $(-1, 1)$ and is centred on 0; $\\tanh' = 1 - \\tanh^2$ reaches 1 at 0 but
  saturates already for $|x| > 2.2$.
- **ReLU**, $\\max(x, 0)$, passes the gradient unchanged for $x > 0$ and not at all for $x < 0$. At
  $x = 0$ it has no derivative; the core, like PyTorch and TensorFlow, uses 0 there.
- **Leaky ReLU** keeps a small slope $\\alpha$ for $x \\le 0$, so a unit on the negative side still
  learns. The course's slope is 0.01. (The notes write this rule under the name ReLU: plain ReLU
  gives 0, not $0.01x$, for $x \\le 0$.) With $\\alpha < 0.05$ the negative side counts as
  saturated here: move the slider past 0.05 and the band disappears.
- **PReLU** makes the slope a weight $a$, one per unit, learned like any other:
  $\\partial f / \\partial a = \\min(x, 0)$.

## PReLU learns its slope
The data are 41 points $y = \\max(x, 0) + a^* \\min(x, 0)$. A PReLU layer starts at $a = 0.25$
(PyTorch's choice) and takes SGD steps on the mean squared error; the core's backward pass gives

$$\\frac{\\partial L}{\\partial a} = \\frac{2}{N} \\sum_i (\\hat y_i - y_i) \\min(x_i, 0), \\qquad a \\leftarrow a - \\alpha \\frac{\\partial L}{\\partial a}$$

Each step shrinks the distance to $a^*$ by the same factor, so too large a learning rate overshoots
and then diverges: the same multiply-per-step story as the deep stack below.

## Vanishing and exploding gradients
Backpropagation through $L$ layers multiplies one factor per layer: the weights and the
activation's derivative $f'(z)$. The course's picture: a factor of 0.99 per layer leaves
$0.99^{365} \\approx 0.026$ of the gradient after 365 layers, a factor of 1.01 makes it
$1.01^{365} \\approx 37.8$ times larger. (The notes write these as fractions such as
$(1.01/1.01)^{365}$, which would be exactly 1; the powers are what is meant.) The stack below
measures it: one real backward pass through $2 \\to$ depth $\\times$ [Dense, activation] $\\to 1$
on the two-class spiral gives $\\lVert \\partial L / \\partial W_k \\rVert$ for every layer, drawn on a
log scale. The factor of a layer is its gradient norm divided by the next one's, and their product
is the ratio first/last.

- Sigmoid passes at most $\tfrac14$ of the gradient per layer through $f'$. With Glorot weights,
  which are small, nothing makes up for it: at depth 10 the first layer's gradient is about
  $10^{-7}$ of the last one's. Large weights (normal, $\sigma = 4$) make up for the $\tfrac14$ but
  saturate most units instead.
- tanh with large weights (normal, $\sigma = 3$) saturates too, and the weights are large enough that
  the gradient *grows* on its way back: the ratio first/last is in the hundreds or thousands
  (exploding).
- ReLU with normal $\sigma = 1$ multiplies activations and back-propagated signals alike by about
  $\sigma \sqrt{\text{width}/2} \approx 2.8$ per layer. A weight's gradient is its input times that
  signal, so every layer's gradient is huge ($10^{3}$ at depth 10, $10^{7}$ at depth 20) while the
  ratio first/last stays near 1. He initialisation ($\operatorname{Var} w = 2 / n_{in}$) brings them
  back to size; Glorot ($\operatorname{Var} w = 2 / (n_{in} + n_{out})$) does the same for tanh.
- A ReLU unit whose $z \le 0$ for every example is **dead**: its derivative is 0 on the whole batch,
  so its incoming weights get no gradient from it. Even He-initialised, a deep narrow ReLU stack has
  many of them on this small batch; leaky ReLU and PReLU units cannot die.

## Zero initialisation and symmetry
If every weight starts at 0 (or at any one constant), every unit of a layer computes the same
$z$, receives the same gradient and takes the same step: the units stay identical forever, and a
layer of 16 units is no better than one unit. (With zeros on this balanced spiral it is worse:
every hidden unit outputs the same number for every example, the output layer's gradient
$\sum_i (p_i - y_i) h_i$ is 0 up to float32 rounding, and nothing moves.) The detail panel shows a layer's weights and
gradients at the start and after the SGD steps: with zeros or a constant all columns are equal,
with a random initialisation they differ. That is why weights start random.
`;
