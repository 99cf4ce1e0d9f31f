// The backprop lesson's text. A small markdown subset rendered by web/text.mjs into DOM nodes
// (never as HTML): '## ' headings, '- ' lists, paragraphs, **bold**, `code`, $inline$ and
// $$display$$ KaTeX.
export const text = `
Training needs $\\partial L / \\partial w$ for every weight. **Backpropagation** gets all of them
in one sweep backwards over the graph the forward pass built, using only the chain rule. The graph
below is the one the core itself recorded (\`pg.trace\`): every box is a tensor, every arrow an
input of an op, and every number was computed by the C++ core, gradients included.

The course's network has two inputs, three neurons and one output:

$$N_1 = w_1 x_1 + w_2 x_2 + b_1,\\quad N_2 = w_3 x_1 + w_4 x_2 + b_2,\\quad N_3 = w_5 x_1 + w_6 x_2 + b_3$$

$$\\hat y = w_7 N_1 + w_8 N_2 + w_9 N_3 + b_4, \\qquad L = \\frac{1}{n} \\sum_i (y_i - \\hat y_i)^2 = (\\hat y - y)^2 \\text{ for one sample}$$

Press **Step ▸** to run the forward pass one node at a time, then the backward pass one edge at a
time; or drag a weight and watch every number follow.

## The chain rule, one edge at a time
Each op knows only its own **local derivative**: for $a \\times b$ it is $b$ towards $a$ and $a$
towards $b$; for $a + b$ it is $1$ towards both. Backward starts with $\\partial L / \\partial L = 1$
and walks the edges from the output back; along each edge it multiplies:

$$\\text{downstream} = \\text{local derivative} \\times \\text{upstream}$$

For the last layer that is one step: $\\hat y = w_7 N_1 + \\dots$, so $\\partial \\hat y / \\partial w_7 = N_1$ and

$$\\frac{\\partial L}{\\partial w_7} = \\frac{\\partial L}{\\partial \\hat y} \\cdot N_1$$

For a first-layer weight the path is longer, one factor per edge:

$$\\frac{\\partial L}{\\partial w_1} = \\frac{\\partial L}{\\partial \\hat y} \\cdot \\frac{\\partial \\hat y}{\\partial N_1} \\cdot \\frac{\\partial N_1}{\\partial w_1} = \\frac{\\partial L}{\\partial \\hat y} \\cdot w_7 \\cdot x_1$$

with $\\partial L / \\partial \\hat y = 2(\\hat y - y)$ for one sample. The course notes write this factor
as $\\frac{1}{n}(y_i - \\hat y_i)^2$, which is the loss itself, not its derivative; the derivative of
$\\frac{1}{n}\\sum_i (y_i - \\hat y_i)^2$ with respect to $\\hat y_i$ is $\\frac{2}{n}(\\hat y_i - y_i)$, and
that is what the core computes.

## Two paths add
When one value feeds two ops, a change in it moves the loss along both, so the gradient is the
**sum** of the two contributions (the core *adds* each contribution into the gradient, it never
overwrites). Here the square is written $L = d \\cdot d$ with $d = \\hat y - y$: $d$ feeds the
multiplication twice and receives $d + d = 2d$, the factor 2 of the MSE derivative. The inputs
$x_1$ and $x_2$ feed all three neurons, so each collects three contributions. Type your own
$f(x, y)$ (choose "Your f(x, y)") such as \`x*y + sin(x)\` to see $x$ collect two.

## Check it by nudging
A gradient is a prediction: change $w$ by a small $\\varepsilon$ and $L$ should change by about
$\\partial L / \\partial w \\cdot \\varepsilon$. The nudge panel shows that prediction next to the change
the core measures by running the forward pass again, and the table checks every gradient against
a central difference $\\big(L(w + h) - L(w - h)\\big) / 2h$. The relative error is about $10^{-4}$,
not $10^{-12}$: the core computes in float32, whose rounding divided by a small $h$ is what remains.
`;
