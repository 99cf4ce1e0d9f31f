export const text = `A network with thousands of weights and twenty noisy points can pass through every point and still be wrong everywhere between them: it has high variance, and a small change in the data moves it a lot. Regularization adds a price for large weights to the loss, so the optimizer trades a little training error for a smoother function. Drag λ and the L1 share, and watch the two parts of the loss, the test error and the weights move.

## The total loss

The course writes the loss the optimizer minimizes as the data loss plus a penalty on the weights:

$$TL = \\text{MSE} + \\lambda_2 \\sum_j w_j^2 \\quad \\text{(Ridge, L2)}$$

$$TL = \\text{MSE} + \\lambda_1 \\sum_j |w_j| \\quad \\text{(Lasso, L1)}$$

$$TL = \\text{MSE} + \\lambda_1 \\sum_j |w_j| + \\lambda_2 \\sum_j w_j^2 \\quad \\text{(elastic net)}$$

Here $\\lambda_1$ multiplies $\\sum |w_j|$ and $\\lambda_2$ multiplies $\\sum w_j^2$, as Keras' \`l1_l2(l1, l2)\` names them; the course's notes write the elastic net with the two subscripts the other way round, which is only a naming choice. There is no factor $\\tfrac12$ on the square (Keras and this core add $\\lambda_2 \\sum w^2$; some textbooks write $\\tfrac{\\lambda}{2}\\|w\\|^2$, which halves the effective λ). The penalty is on the kernels only: biases are not penalized. The slider sets λ and the share: $\\lambda_1 = \\text{share}\\cdot\\lambda$, $\\lambda_2 = (1 - \\text{share})\\cdot\\lambda$.

λ is a hyperparameter: it is not learned from the training data (the penalty would always be happiest at λ = 0), it is chosen by the loss on held-out data. The course's table of candidate models shows the trade: the model with the smallest MSE is not the one with the smallest total loss.

## What to look at

- The curves split TL into its two parts: the MSE on the training points and the penalty, both from the core (the penalty is the model's own regularization loss, the same number \`fit\` adds). With λ = 0 the training MSE keeps falling while the test MSE rises: overfitting. A moderate λ keeps the test MSE low.
- The histogram shows where the kernel weights sit. Ridge pulls all of them towards 0 in proportion to their size ($\\partial/\\partial w$ of $\\lambda_2 w^2$ is $2\\lambda_2 w$); Lasso pulls each one by the same amount $\\lambda_1$ whatever its size, so small weights are pushed all the way.
- The regularization path retrains the same network, from the same initial weights and on the same data, for a grid of λ and plots each output weight's final value against λ, with the training and test MSE of each run: the test MSE is how λ is chosen.

## Exact zeros: which optimizer does what

Adam and SGD take (sub)gradient steps: the L1 term contributes $\\lambda_1 \\operatorname{sign}(w)$, a push of fixed size that overshoots 0 and pushes back from the other side. A weight that "should" be 0 keeps jumping around it by about one step and is almost never exactly 0. So the counter shows two numbers: the share with $|w| < 10^{-3}$, and the share exactly 0 (with these optimizers, 0 or almost 0).

A proximal method does get exact zeros: after the gradient step on the MSE it applies the penalty's proximal map, the soft threshold

$$w_j \\leftarrow \\frac{\\operatorname{sign}(v_j)\\,\\max(|v_j| - t\\lambda_1, 0)}{1 + 2t\\lambda_2},$$

which sets $w_j = 0$ whenever the step lands within $t\\lambda_1$ of 0. The two-weight picture runs both on the same problem.

## The geometry of two weights

For a linear model $\\hat y = w_1 x_1 + w_2 x_2$ (40 noisy rows of $y = 2x_1 + 0.5x_2$ with correlated inputs, a smaller cousin of the course's $y = 2x_1 + x_2$) the MSE is a bowl: its contours are ellipses around the least-squares weights. Minimizing MSE + penalty is the same as minimizing the MSE inside a region $\\{w : \\lambda_1\\|w\\|_1 + \\lambda_2\\|w\\|_2^2 \\le c\\}$ (the Lagrange multiplier view of the course's notes): the answer is where the smallest contour touches the region. The L2 region is a disc: contours touch it at a point where both weights are usually non-zero. The L1 region is a diamond with corners on the axes, and a contour usually touches a corner first: a weight exactly 0. The core computes the penalized optimum with proximal gradient (the solid path) and runs plain subgradient descent from the same start with shrinking steps (the dashed path), which zig-zags across the axis ever closer to the corner without landing on it.
`;
