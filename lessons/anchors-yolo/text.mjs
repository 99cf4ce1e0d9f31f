// The anchors-yolo lesson's text (markdown subset rendered by web/text.mjs; see lessons/README.md).
export const text = `
A single-stage detector such as YOLO looks at the image once: a convolutional network ends in a
$1 \\times 1$ convolution whose output is an $S \\times S$ grid, and every cell predicts $B$ boxes,
one per **anchor**. Each prediction is a vector of $5 + C$ numbers, so the whole output is a tensor
of $S \\times S \\times B \\times (5 + C)$ numbers.

## From a box to its target vector
The cell that holds a box's **centre** is responsible for it. Among that cell's anchors the box goes
to the one whose shape it matches best, measured by the IoU of the two sizes laid over each other
at a corner (position does not matter, only shape). Its vector is

$$y = [p_c,\\; b_x,\\; b_y,\\; b_h,\\; b_w,\\; c_1, \\dots, c_C]$$

with $p_c = 1$ (an object is here), $b_x, b_y$ the centre's offset inside the cell (between 0 and 1),
$b_h, b_w$ the size in cell units (it may exceed 1: a box can be larger than its cell) and a one-hot
class. Every other vector has $p_c = 0$, and the rest of it does not matter. The course writes the
person example as $[b_x, b_y, b_h, b_w, 1, 0, 0]$: the same numbers without $p_c$ and with the box
first. The page shows both orders; the lesson, the core and the loss use the first.

Drag the boxes (or their corners) and change $S$, $B$ and $C$: the shaded cell, the chosen anchor
and the numbers follow. Two boxes whose centres share a cell *and* an anchor cannot both be
encoded; the second is dropped and the page says so (more anchors, or a finer grid, fix it).

## Decoding: what the network outputs
The network does not output $b_x$ directly. Its raw numbers $t$ are squashed so each lands in range:

$$p_c = \\sigma(t_o), \\quad b_x = \\sigma(t_x) + c_x, \\quad b_y = \\sigma(t_y) + c_y, \\quad b_w = p_w e^{t_w}, \\quad b_h = p_h e^{t_h}$$

where $(c_x, c_y)$ is the cell's corner in grid units and $(p_w, p_h)$ the anchor's size. The
sigmoid keeps a centre inside its cell; the exponential keeps a size positive and makes the anchor
the starting guess ($t_w = 0$ gives $b_w = p_w$). Click a cell of the detector's grid below to see
its raw $t$ and each step of the decoding with its numbers.

## Anchors from k-means
Good anchors are the typical shapes of the boxes. YOLOv2 clusters the training boxes' sizes with
k-means, using $d = 1 - \\operatorname{IoU}$ instead of the Euclidean distance, so a large box is
not penalised more than a small one for the same relative error. The mean IoU between each box and
its centroid rises with $k$ (more anchors fit better, but the output tensor grows). Compare your
hand-picked anchors with the clustered ones: the one with the higher mean IoU gives the network an
easier start.

## Keeping the detections
The course's rules, applied to every cell and anchor:

1. drop it unless $p_c > 0.6$;
2. its class is the argmax of $c_1, \\dots, c_C$;
3. drop it unless the class score $p_c \\cdot c_{\\max}$ reaches the threshold;
4. non-max suppression, per class, removes the duplicates.

The link under the detections opens the IoU and NMS lesson with the best candidate and its closest
rival as boxes A and B, to see that last step up close.

## A tiny detector, trained live
Four convolutions ($32 \\times 32$ input, three $2 \\times 2$ poolings, a $1 \\times 1$ head: a
$4 \\times 4$ grid) learn to find rectangles, ellipses and triangles on synthetic scenes drawn by
the core from the seed. The loss has four terms, plotted separately:

$$\\begin{aligned}
L_{\\text{coord}} &= \\lambda_{\\text{coord}} \\textstyle\\sum \\mathbb{1}^{\\text{obj}} \\big[(\\sigma(t_x) - b_x)^2 + (\\sigma(t_y) - b_y)^2 + (t_w - \\ln\\tfrac{b_w}{p_w})^2 + (t_h - \\ln\\tfrac{b_h}{p_h})^2\\big] \\\\
L_{\\text{obj}} &= \\textstyle\\sum \\mathbb{1}^{\\text{obj}} (\\sigma(t_o) - 1)^2, \\qquad
L_{\\text{noobj}} = \\lambda_{\\text{noobj}} \\textstyle\\sum \\mathbb{1}^{\\text{noobj}} \\sigma(t_o)^2 \\\\
L_{\\text{class}} &= \\textstyle\\sum \\mathbb{1}^{\\text{obj}} \\big(-\\sum_k c_k \\log \\operatorname{softmax}(z)_k\\big)
\\end{aligned}$$

each summed over cells and anchors and averaged over the batch. Most cells hold no object, so the
no-object term would swamp the rest; $\\lambda_{\\text{noobj}} = 0.5$ turns it down and
$\\lambda_{\\text{coord}} = 5$ turns the boxes up (YOLOv1's values). The size term compares
logarithms, as YOLOv2 does, so a box twice too large costs as much as one half too small. Watch the
no-object term fall first, then objectness and the classes; scrub the epochs to see the detections
sharpen.
`;
