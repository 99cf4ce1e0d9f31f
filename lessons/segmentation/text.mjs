// The segmentation lesson's text (the markdown subset of web/text.mjs).
export const text = `
Segmentation labels every pixel: the network's output is an image of class probabilities, as big as
its input. A classifier shrinks the image to one vector; a segmentation network (FCN, U-Net) shrinks
it to see what is there, then grows it back to say where. Growing back is **upsampling**: repeat
pixels (nearest), blend them (bilinear), or learn the blend with a **transposed convolution**.

## Transposed convolution by the numbers
A transposed convolution runs a convolution backwards: each input pixel, times the $F \\times F$
kernel, paints a patch of the output, the patches start $S$ pixels apart, and where they overlap
their values add up. PyTorch's padding $P$ then cuts $P$ rows and columns from every border, and
the output padding adds rows at the bottom and right:

$$\\text{out} = S\\,(n - 1) + F + \\text{output padding} - 2P$$

The course's case is $F = 2 \\times 2$ with $S = 2 \\times 2$: the patches tile the output
exactly, no pixel is painted twice, and $n$ becomes $2n$. With the all-ones kernel the heatmap
counts how many patches paint each pixel. Make $F$ something that $S$ does not divide ($F = 3$,
$S = 2$) and the counts alternate 1, 2, 1, 2...: a pixel painted twice comes out brighter. That
grid is the **checkerboard artifact** of generated and segmented images (Odena, Dumoulin and Olah,
Distill 2016); choosing $F$ as a multiple of $S$, or upsampling first and then convolving, avoids
it. Click an input cell (or focus the grid and use the arrow keys) to see the patch it paints.

Keras' Conv2DTranspose has no $P$: its 'valid' is $P = 0$ and its 'same' gives $\\text{out} = S n$.

## Three ways up
The same $n \\times n$ feature map, enlarged by $S$: nearest repeats each value in an $S \\times S$
block, bilinear interpolates between pixel centres, and the transposed convolution uses its kernel.
With the all-ones kernel and $F = S$ it *is* nearest upsampling; FCN's bilinear kernel with
$F = 2S$ is close to bilinear, except at the borders where fewer patches add up. In a network the
kernel is learned.

## A U-Net on shapes
The scenes are 16 × 16 grey images of squares, discs and triangles on a noisy background, made by
the core from the seed; every pixel's label is its shape's class (0 is the background). Each kind has
its own brightness band (squares darkest, triangles brightest), blurred by noise, so a pixel's grey
level says roughly what it is, and its neighbourhood says where the outline runs. The network:

- encoder: Conv(f) at 16 × 16, max-pool, Conv(2f) at 8 × 8, max-pool, Conv(4f) at 4 × 4;
- decoder: Conv2DTranspose(F = 2, S = 2) back to 8 × 8, Conv(2f), Conv2DTranspose to 16 × 16, Conv(f);
- head: Conv2D(classes, 1 × 1, softmax), the course's Conv2D(3, activation='softmax'): a softmax over the classes at every pixel, trained with the cross-entropy averaged over all pixels.

The **skip connections** concatenate the encoder's maps of the same size to the decoder's: the
4 × 4 bottleneck knows *what* is where only roughly, the 16 × 16 encoder maps know the edges. Train
it with the skips and the other variant beside it (same seed, same batches) and compare their
masks, especially along the outlines.

## Scoring a mask
Per class $c$, over all held-out pixels: $tp$ pixels predicted $c$ and truly $c$, $fp$ predicted
$c$ but not, $fn$ truly $c$ but missed.

$$\\text{IoU}_c = \\frac{tp}{tp + fp + fn}, \\qquad \\text{Dice}_c = \\frac{2\\,tp}{2\\,tp + fp + fn} = \\frac{2\\,\\text{IoU}_c}{1 + \\text{IoU}_c}$$

Pixel accuracy counts the right pixels over all of them; because the background covers most of
each scene, a network that predicts background everywhere already scores well on it, while its IoU
for every shape is 0. That is why segmentation is judged by IoU (the mean over the classes) or
Dice, not by pixel accuracy.
`;
