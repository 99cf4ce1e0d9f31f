// The gradient-descent lesson's text (markdown subset rendered by web/text.mjs; backslashes doubled).
export const text = `
A line $\\hat y = w x + b$ should pass close to the points. How close is one number, the **mean
squared error** $L(w, b) = \\frac{1}{N} \\sum_i (\\hat y_i - y_i)^2$: the average of the squared
vertical gaps (the *residuals*, drawn in red). Gradient descent starts from some $(w, b)$ and
repeats one rule, for every weight and bias:

$$w_{new} = w_{old} - \\alpha \\frac{\\partial L}{\\partial w}$$

$$b_{new} = b_{old} - \\alpha \\frac{\\partial L}{\\partial b}$$

The **sign** of the derivative says which way is downhill (a negative $\\partial L / \\partial w$
means a larger $w$ lowers the loss, so $w$ grows), and the learning rate $\\alpha$ says how far to
go. Drag the points, click to add one, drag the start on the loss surface, and step through the
path: every number is computed by the core (its autograd for the derivatives, its SGD optimizer for
the step).

## The gradient of the MSE
With $\\hat y_i = w x_i + b$ the chain rule gives

$$\\frac{\\partial L}{\\partial w} = \\frac{2}{N} \\sum_i (\\hat y_i - y_i)\\, x_i$$

$$\\frac{\\partial L}{\\partial b} = \\frac{2}{N} \\sum_i (\\hat y_i - y_i)$$

Each point pulls on the line with its residual; the panel *The update at step t* lists every
point's share, the sum by this formula and what backward() found (they agree). A note on the
course notes: they write $\\partial L / \\partial \\hat y = \\frac{1}{n}(y_i - \\hat y_i)^2$, which is
the loss itself, not its derivative; the derivative is $\\frac{2}{n}(\\hat y_i - y_i)$, and the order
$\\hat y - y$ matters: with $y - \\hat y$ every step would go uphill.

## The loss surface and the learning rate
Over $(w, b)$ the MSE is a bowl (a quadratic), drawn as a contour map with the path on it. Its
curvature is the same everywhere: the Hessian

$$H = \\frac{2}{N} \\begin{pmatrix} \\sum x_i^2 & \\sum x_i \\\\ \\sum x_i & N \\end{pmatrix}$$

with eigenvalues $\\lambda_{min} \\le \\lambda_{max}$. Along each eigen-direction one full-batch step
multiplies the distance to the minimum by $1 - \\alpha \\lambda$. So descent converges when
$|1 - \\alpha \\lambda_{max}| < 1$, that is when $\\alpha < 2 / \\lambda_{max}$; between
$1/\\lambda_{max}$ and $2/\\lambda_{max}$ it overshoots and zig-zags across the valley, and above
$2/\\lambda_{max}$ every zig is larger than the last: the path oscillates outwards and diverges.
The threshold is shown next to the learning rate; set $\\alpha$ just below it and just above it.
The flat direction ($\\lambda_{min}$) decides how slowly the path crawls along the valley: with
points far from $x = 0$ the bowl is long and thin ($\\lambda_{max} / \\lambda_{min}$ large).

## Full batch, mini-batch, stochastic; epochs and steps
**Full batch** uses all $N$ points for every step. **Mini-batch** gradient descent shuffles the
points at the start of each epoch and cuts them into batches of $B$; each batch gives one step,
with the batch's own MSE and gradient ($\\frac{2}{B} \\sum_{i \\in batch} \\dots$).
**Stochastic** is $B = 1$: one point per step. The shuffling is *without replacement*, as in the
course (and in Keras' fit): every point is used exactly once per epoch, so

$$\\text{steps per epoch} = \\lceil N / B \\rceil$$

and an **epoch** is one forward and one backward pass over all the data, whatever $B$ is. The
table *Epochs and steps* lists each epoch's batches; the seed fixes the shuffle, so a shared link
gives the same path. A batch's gradient is a noisy estimate of the full one (both arrows are drawn
on the surface), so the path wanders; each batch also has its own Hessian, so a small batch can
blow up below the full-batch threshold (a single point $x_i$ has $\\lambda_{max} = 2(x_i^2 + 1)$).
`;
