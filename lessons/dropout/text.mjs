export const text = `Dropout switches hidden units off at random while the network trains: in every step each unit is dropped with probability $p$, a fresh choice each step and each example. No unit can rely on a particular other unit being there, so the network cannot build the fragile co-adapted features that fit the noise of a few points. Two networks with the same initial weights learn the same noisy points here, batch by batch in the same order: one with $p = 0$, one with the rate you set.

## One step, drawn

The network diagram shows the mask the last training step used, read back from the core's Dropout layer (not a fresh random draw): a dropped unit is crossed out and sends nothing on; a kept unit sends its value multiplied by $1/(1 - p)$. The grid beside it is the whole mask of the batch: one row per example, one column per unit. Step through the batches and watch it change; pick an example to see its row on the network.

## Inverted dropout: why 1/(1 − p)

A unit's output $h$ is kept with probability $1 - p$, so the masked value $m \\cdot h$ with $m \\in \\{0, 1\\}$ has expectation $(1 - p)\\,h$: the next layer would see smaller inputs in training than at test time. Keras and PyTorch both use *inverted* dropout: the kept values are scaled up during training,

$$\\tilde h_j = \\frac{m_j}{1 - p}\\, h_j, \\qquad m_j \\sim \\text{Bernoulli}(1 - p), \\qquad \\mathbb{E}[\\tilde h_j] = h_j,$$

so at inference nothing needs to change: the layer is the identity. (The original paper did the opposite: no scaling in training, outputs multiplied by $1 - p$ at test time. The two agree in expectation.) The table shows the numbers of the selected example: each unit's $h_j$, its mask value $m_j/(1-p)$ and the product, and their sums.

## Training mode and inference mode

\`fit\` runs the network in training mode (masks on); \`predict\` and \`evaluate\` in inference mode (every unit on, no scaling). The faint curves are training-mode forward passes of a copy of the network, each with its own masks: a different, noisier function each time. The solid curve is the inference-mode prediction, roughly their average. Forgetting to switch to inference mode gives noisy predictions; in PyTorch that is \`model.eval()\`, in Keras \`predict\` does it for you.

## Side by side

The curves show the training and test MSE of both networks per epoch, both in inference mode. The network without dropout drives its training MSE towards 0 and its test MSE up: it fits the noise. With dropout the training MSE stays higher and, with the default settings, the test MSE ends lower (the table under the curves); try other seeds: on some the two end close together, since dropout lowers the variance of what is learned, not the noise in the data. Keras' reported training \`loss\` for the dropout network is measured with the masks on (the mean of the batch losses while the epoch runs), so it is noisier and usually higher than its inference-mode training MSE; both are plotted.
`;
