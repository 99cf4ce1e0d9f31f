// The optimizers lesson's text (markdown subset rendered by web/text.mjs; backslashes doubled).
export const text = `
Training a network means walking downhill on its loss surface. Here the surface has only two
parameters, $x$ and $y$, so you can see it as a contour map and watch six optimizers walk on it
from the same start. Every path is computed by the core: its real optimizers (the ones models train
with, PyTorch's update rules) step the two parameters, and the gradient of $f(x, y)$ comes from
backward() on the surface's autograd graph. Drag the start point (or set it in the controls).

## The update rules
With the gradient $g_t = \\nabla f(w_t)$ and learning rate $\\alpha$:

- **Gradient descent**: $w \\leftarrow w - \\alpha g$. On an elongated bowl it zig-zags across the steep direction and crawls along the flat one.
- **Momentum** (the course's exponential moving average): $v \\leftarrow \\beta v + (1 - \\beta) g$, $w \\leftarrow w - \\alpha v$. In PyTorch this is \`SGD(momentum=β, dampening=β)\`; the first step takes the whole $g$.
- **Nesterov**: $v \\leftarrow \\beta v + g$, $w \\leftarrow w - \\alpha (g + \\beta v)$, PyTorch's \`SGD(momentum=β, nesterov=True)\` (no dampening): it looks ahead along the velocity. Its steps are up to $1/(1 - \\beta)$ times larger, so it wants a smaller $\\alpha$.
- **Adagrad**: $G \\leftarrow G + g^2$, $w \\leftarrow w - \\alpha\\, g / (\\sqrt{G} + \\epsilon)$: each coordinate gets its own step size, which only shrinks.
- **RMSProp**: $s \\leftarrow \\rho s + (1 - \\rho) g^2$, $w \\leftarrow w - \\alpha\\, g / (\\sqrt{s} + \\epsilon)$: Adagrad with a forgetting average instead of a sum.
- **Adam**: momentum and RMSProp together, with bias correction: $m \\leftarrow \\beta_1 m + (1 - \\beta_1) g$, $v \\leftarrow \\beta_2 v + (1 - \\beta_2) g^2$, $w \\leftarrow w - \\alpha\\, \\hat m / (\\sqrt{\\hat v} + \\epsilon)$ with $\\hat m = m / (1 - \\beta_1^t)$, $\\hat v = v / (1 - \\beta_2^t)$. That is PyTorch's rule ($\\epsilon = 10^{-8}$ added to $\\sqrt{\\hat v}$). Keras adds its $\\epsilon = 10^{-7}$ to $\\sqrt{v}$ instead and folds both corrections into the step, $w \\leftarrow w - \\alpha \\frac{\\sqrt{1 - \\beta_2^t}}{1 - \\beta_1^t} \\frac{m}{\\sqrt{v} + \\epsilon}$: the same as PyTorch's with $\\epsilon / \\sqrt{1 - \\beta_2^t}$, about 32 times larger at the first step. The **Convention** switch at the top picks one; on a plateau where $|g|$ is close to $\\epsilon$ the difference is large (the table under Adam's rule).

## The surfaces
The **elongated bowl** is the classic picture of an ill-conditioned problem. **Rosenbrock**'s banana
valley is easy to find and slow to follow to its minimum at $(1, 1)$. (Rosenbrock is divided by
100 here, Himmelblau and Beale by 10, so that the same learning rates work on every surface;
scaling a loss moves no minimum.) The
**saddle** has no minimum: a path that starts exactly on $y = 0$ never leaves it, any other one
slides off. **Himmelblau** has four minima: which one you reach depends on the start and the
optimizer. **Beale** has steep walls and a flat floor around its minimum at $(3, 0.5)$. Or type your
own $f(x, y)$: it is parsed and differentiated by the core (\`sin cos tan exp log sqrt abs tanh
sigmoid\`, \`^\`, \`pi\`, \`e\`, implicit products like \`2x\`).

A learning rate too large for the surface makes a path explode; the path then stops with a message
instead of drawing nonsense. Try Gradient descent with $\\alpha = 0.6$ on the bowl.
`;
