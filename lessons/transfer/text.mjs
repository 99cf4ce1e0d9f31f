export const text = `A network trained on one task has learned features (edges, strokes, loops) that other tasks need too. **Transfer learning** reuses them: keep the trained layers, put a new head on top for the new classes, and train only what must change. Here a small CNN learns the MNIST digits 0–4; its layers are then reused for 5–9 with only $k$ examples of each, three ways, and every model is trained and scored live by the core.

## The three ways

- **Frozen conv base + new classifier**: the base's two conv blocks are copied and frozen (their weights never move); a new classifier on top, Dense(32) features and a Dense(5) head from random weights, $(144 + 1) \\cdot 32 + (32 + 1) \\cdot 5 = 4{,}805$ parameters, is trained on the $5k$ examples.
- **Fine-tuning the top conv blocks**: the same start, but the top conv block (or both: *Conv blocks fine-tuned*) trains too, from the base's weights. Block 1, which finds strokes any digit has, stays frozen.
- **From scratch**: the same network from random weights, all 6,053 parameters trained on the same $5k$ examples.

Why not keep the base's dense layer too? It learned to tell 0–4 apart: its 32 numbers throw away what separates a 7 from a 9. The lower layers are the general ones (edges and strokes), the top ones the task's own, so the usual recipe freezes the convolutional base and trains a new classifier. With few examples the scratch network must learn strokes and classes from 25 digits; the frozen base brings strokes learned from 1,000. The gap is modest on digits this small and easy (a few points at $k = 5$ with the default seed); on photos, where a base such as VGG or ResNet learned from a million images, it is the difference between a useful model and none. As $k$ grows, scratch catches up and fine-tuning, which can adapt the strokes, does at least as well: the curve shows where.

## Frozen means: no gradient, no update, not counted

Freezing a layer takes its weights out of the optimizer's list, so a step cannot change them, and out of the trainable count; backward computes no gradient for them at all (less work). Keras spells it \`layer.trainable = False\` and asks for \`compile()\` again; PyTorch sets \`requires_grad_(False)\` and gives the optimizer only what still requires gradients. The table counts each layer's parameters as the core does for the three models.

## The features, before and after

The 32 numbers the Dense(32) layer computes for a digit are a point in 32 dimensions. PCA finds the two directions in which these points spread most (the top two eigenvectors of their covariance $C = \\frac{1}{N - 1} \\sum_i (f_i - \\bar f)(f_i - \\bar f)^\\top$, computed in the core by Jacobi rotations) and draws every held-out digit 5–9 there. Before: the base's features, trained only on 0–4, already group some new digits. After: the fine-tuned model's new features, trained on the $5k$ examples, pull the five classes apart.

## Why the base trains here

The base network is small (6,053 parameters) and trains on 1,000 digits in a few seconds, so it trains in the page, in the training worker, with its progress shown, rather than being trained at build time and shipped as weights: nothing extra to download, the same seed gives the same base in Node, the page and the CLI, and you see what "pretrained" means. The big networks below cannot do that.

## VGG and ResNet, by the numbers

The course's sketch of VGG, conv conv MP → conv conv MP → FC FC FC, is its first two blocks and its head; VGG-16 has five blocks of 2, 2, 3, 3 and 3 convolutions (3 × 3, 'same', 64 to 512 filters) and three dense layers: 13 + 3 = 16 layers with weights. The tables below are the core's convolution arithmetic on a 224 × 224 × 3 image: each conv has $(3 \\cdot 3 \\cdot C_{in} + 1) \\cdot C_{out}$ parameters, and the first dense layer alone, $(7 \\cdot 7 \\cdot 512 + 1) \\cdot 4096 = 102{,}764{,}544$, holds three quarters of VGG-16's 138,357,544. ResNet-50's residual blocks (1 × 1, 3 × 3, 1 × 1 convolutions with a shortcut added) and global average pooling reach better accuracy with 25.6 million. Their ImageNet weights (98 to 549 MB) are what you would download to reuse their features; a new head for 5 classes on ResNet-50's 2,048 features is only 10,245 parameters.
`;
