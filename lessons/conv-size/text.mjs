// The conv-size lesson's text (markdown subset rendered by web/text.mjs; see lessons/README.md).
export const text = `
A convolution slides an $f \\times f$ window over an $n \\times n$ input, $s$ pixels at a time, and
writes one number per position. How many positions fit? Only windows that lie *entirely* inside the
(padded) input count, so the size is rounded **down**:

$$n_{\\text{out}} = \\left\\lfloor \\frac{n + 2P - f}{s} \\right\\rfloor + 1$$

The course's example: $n = 28$, $f = 3$, $s = 2$ and no padding give
$\\lfloor 25 / 2 \\rfloor + 1 = \\lfloor 12.5 \\rfloor + 1 = 13$, not 14: the last input column is
never reached. Change the controls and watch the window, the output grid and the formula.

## Padding, 'same' and dilation
- **valid**: no padding, $P = 0$; the output shrinks by $f - 1$ (at stride 1).
- **same** (TensorFlow/Keras): pad just enough that $n_{\\text{out}} = \\lceil n / s \\rceil$; the total padding $\\max((n_{\\text{out}} - 1)s + f - n, 0)$ is split with the odd pixel at the bottom/right, so $P_{\\text{before}}$ and $P_{\\text{after}}$ can differ. PyTorch's \`padding='same'\` exists only for stride 1 (where it pads the same way); at stride 2 it refuses, and the page does too when the **Convention** switch at the top says PyTorch.
- **a number** $P$ of zero pixels on every side (PyTorch's \`padding=P\`).
- **Dilation** $d$ spreads the kernel's taps $d$ pixels apart: it covers $d(f - 1) + 1$ pixels with only $f \\times f$ weights, and that span replaces $f$ in the formula.

When no window fits (a kernel larger than the padded input) there is no output; the lesson shows the
core's own explanation.

## Parameters
Each of the $C_{\\text{out}}$ filters has $f \\cdot f \\cdot C_{\\text{in}}$ weights and one bias, and the
count does not depend on the input size:

$$\\#\\text{params} = (f \\cdot f \\cdot C_{\\text{in}} + 1) \\cdot C_{\\text{out}}$$

The course's example, 500 filters of $5 \\times 5$ over 100 channels:
$(5 \\cdot 5 \\cdot 100 + 1) \\cdot 500 = 1\\,250\\,500$.

## A real filter
The last panel convolves a real MNIST digit with a $3 \\times 3$ filter, with the stride, padding
and dilation chosen above, in the Playgrad core (\`pg.conv2d\`, which like TensorFlow and PyTorch
computes a cross-correlation: the filter is not flipped). **Sobel x** responds to left-to-right
changes of brightness (vertical edges), **Sobel y** to top-to-bottom ones, the **Laplacian** to
both, **sharpen** adds the Laplacian's edges to the image, **blur** averages, and **identity**
copies the input (at stride 1). Edit the nine weights to make your own.
`;
