// The softmax lesson's text. A small markdown subset rendered by web/text.mjs into DOM nodes
// (never as HTML): '## ' headings, '- ' lists, paragraphs, **bold**, `code`, $inline$ and
// $$display$$ KaTeX.
export const text = `
A classifier ends with one number per class, the **logits** $z_1, \\dots, z_n$. Softmax turns them
into probabilities: every $p_i$ is positive and they add up to 1. Larger logits get larger shares,
and only the *differences* between logits matter: adding the same number to every logit changes
nothing.

$$p_i = \\operatorname{softmax}(z / T)_i = \\frac{e^{z_i / T}}{\\sum_j e^{z_j / T}}$$

The course's example: the logits $z = (2.0,\\ 1.0,\\ 0.1)$ give $p \\approx (0.66,\\ 0.24,\\ 0.10)$.
Move the sliders and watch the bars. The temperature $T$ divides every logit first: $T > 1$
flattens the distribution, $T < 1$ sharpens it towards the largest logit.

## Step by step, and why we subtract the maximum
Computed as written, $e^{z_i}$ overflows for large logits: float32 stops at about
$3.4 \\times 10^{38} \\approx e^{88.7}$, so $e^{1000}$ is $\\infty$ and $\\infty / \\infty$ is NaN.
Because only differences matter, the stable form subtracts $m = \\max_j z_j / T$ first; then the
largest exponent is $e^0 = 1$ and nothing overflows:

$$p_i = \\frac{e^{z_i / T - m}}{\\sum_j e^{z_j / T - m}}, \\qquad m = \\max_j z_j / T$$

Switch on **large logits** to add 1000 to every logit and compare the naive and the stable columns.

## The gradient of cross-entropy through softmax
With a true class $y$ (one-hot $y_i$), the loss is $L = -\\log p_y$. Its gradient with respect to
the logits is remarkably simple, and the core's autograd (backward through log-softmax) finds it:

$$\\frac{\\partial L}{\\partial z_i} = \\frac{p_i - y_i}{T}$$

so at $T = 1$ it is just $p - y$: push the true class up by $1 - p_y$, every other class down by its
probability.
`;
