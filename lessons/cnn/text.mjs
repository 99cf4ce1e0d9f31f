// The cnn lesson's text (markdown subset rendered by web/text.mjs; see lessons/README.md).
export const text = `
A convolutional layer is a set of small neurons that share their weights across the image. One
filter of size $f \\times f \\times C_{\\text{in}}$ looks at one patch $p$ at a time and computes
$\\text{relu}(p_1 w_1 + p_2 w_2 + \\dots + p_{n} w_{n} + b)$ with $n = f \\cdot f \\cdot C_{\\text{in}}$
(the notes' $3 \\times 3$ filter over a colour image has $n = 27$); sliding it over every position
gives one **feature map**, and $C_{\\text{out}}$ filters give $C_{\\text{out}}$ maps. Because the
weights are shared, the count does not depend on the image size:

$$\\#\\text{params} = (f \\cdot f \\cdot C_{\\text{in}} + 1) \\cdot C_{\\text{out}}$$

$$H' = \\left\\lfloor \\frac{H + P_{\\text{before}} + P_{\\text{after}} - f}{s} \\right\\rfloor + 1$$

The network here is Conv → Pool → Conv → Pool → Dense → softmax over 10 digits, trained by Adam on
real MNIST digits (14 × 14, 8,000 for training, 600 held out) in a worker, so the page stays live.
Press **Play**, then **draw a digit** on the pad: the core centres it as MNIST's digits were (its box
scaled to 20 of 28 pixels, its centre of mass moved to the middle) and runs it through the net. You
see every layer's maps, the filters, and the ten probabilities.

## What the layers see
Point at (or tab to and move with the arrow keys) any unit of a feature map: the box on the input is
its **receptive field**, every input pixel that can change it. With $r_0 = 1$, $j_0 = 1$:

$$r_l = r_{l-1} + (f_l - 1)\\, j_{l-1}, \\qquad j_l = j_{l-1} \\cdot s_l$$

so a $3 \\times 3$ conv, a $2 \\times 2$ pool and another $3 \\times 3$ conv see $3$, then $4$, then
$4 + 2 \\cdot 2 = 8$ pixels: deeper units see more of the digit, which is why the first maps look
like edges and the later ones like parts of strokes.

## Pooling and its gradient
Max pooling keeps the largest value of each $2 \\times 2$ window. Its derivative is 1 for the pixel
that was the maximum and 0 for the other three, so in backpropagation the gradient goes **only to the
max position**; the panel shows it from the core's own backward pass (average pooling, for contrast,
gives each pixel $1/4$). Pooling has no weights, and its size follows the conv formula with $f = 2$,
$s = 2$: the notes write $H' = (H - f + 1)/s$ for it, which is not right in general (for $H = 14$ it
gives $6.5$; the pool gives $\\lfloor (14 - 2)/2 \\rfloor + 1 = 7$).

## Edit a filter of the trained net
Pick a filter of the first conv and change its weights: the core recomputes the held-out accuracy,
so you see how much the network relied on it (zero it, or turn it into an edge detector).
Training on puts the weights back under the optimizer's control.

## Conventions
'same' padding follows the page's convention: Keras pads for any stride ($H' = \\lceil H/s \\rceil$),
PyTorch's \`padding='same'\` exists for stride 1 only, so stride 2 with 'same' is refused under
PyTorch. The convention also picks the initial weights (Keras: Glorot uniform, zero biases;
PyTorch: $U(\\pm 1/\\sqrt{\\text{fan}_{\\text{in}}})$) and Adam's $\\varepsilon$.
`;
