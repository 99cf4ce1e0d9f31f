// The siamese lesson's text (the markdown subset of web/text.mjs).
export const text = `
A classifier answers "which of these ten digits is it?". A similarity model answers "are these two
images the same thing?", which still works for classes it never saw (a new face, a new signature).
A **Siamese network** runs both images through the *same* tower, one set of weights, and compares
what comes out. Here the tower is Dense(hidden) → Dense(2) on real 14 × 14 MNIST digits, trained
live, so its output is a point in the plane you can watch.

$$L = y \\cdot D^2 + (1 - y)\\cdot \\max(0,\\; m - D)^2$$

$$D = \\lVert f(a) - f(b) \\rVert$$

## Twin towers, one weight set
The two towers are drawn twice but exist once: the model applies the same two layers to input
$a$ and to input $b$ (the functional API, a layer called on two inputs). The parameter count is one
tower's, and every gradient step changes both towers at once, so similar inputs can only land
close together by the tower learning what makes digits alike, not by two towers agreeing on a
code.

## The contrastive loss, and which label means "similar"
Here, as in the course, $y = 1$ marks a pair of the **same** digit and $y = 0$ a pair of
different digits. A same pair pays $D^2$: it is pulled together at every distance, with slope $2D$.
A different pair pays $\\max(0, m - D)^2$: it is pushed apart only while it is closer than the
margin $m$, with slope $-2(m - D)$, and costs nothing beyond. Without the margin the easy way out
is to push everything infinitely far apart; with it, the different pairs only need to clear $m$.
Move the margin: the curves and the current batch's pairs on them follow at once, and training
continues with the new $m$ from the next batch.

Two warnings about the notes. In one place they write the dissimilar term as
$\\max(0, m - D^2)^2$: the mathematics (and the frameworks' examples) compare $m$ with $D$ itself,
not $D^2$, which is what is plotted here. And their loss is written with a "min" around the sum
and a stray fraction; the loss is simply this term averaged over the pairs of a batch, and
training minimizes it. Not every source uses $y = 1$ for "similar": Hadsell, Chopra and LeCun
(2006), where the loss comes from, write $Y = 0$ for similar pairs and swap the two terms; Keras'
Siamese example uses $y = 1$ for the same digit as here.

## Distance near zero
$\\sqrt{\\;}$ has an infinite slope at 0, so frameworks guard it. Keras' Siamese example computes
$D = \\sqrt{\\max(\\sum (a - b)^2, \\varepsilon)}$ with $\\varepsilon = 10^{-7}$; PyTorch's
\`pairwise_distance\` adds $\\varepsilon = 10^{-6}$ to each difference before the norm. The page's
convention switch picks which one trains here (they differ only for near-identical embeddings).

## Judging pairs: threshold, histograms, ROC
To decide "same" or "different" the model needs a threshold: *same when* $D \\le \\tau$. The
histograms show the held-out pairs' distances, same pairs and different pairs; drag $\\tau$
between them and the counts and accuracy follow. Each $\\tau$ gives one true-positive rate
(same pairs called same) and one false-positive rate (different pairs called same); all of them
together are the **ROC curve**, and the area under it, **AUC**, is the chance that a random same
pair is closer than a random different pair (ties count half). AUC judges the embedding without
choosing $\\tau$: 0.5 is guessing, 1 is a perfect split.

## Find similar
Once trained, similarity search is nearest neighbours in the embedding: embed the query, return the
closest digits. Click a digit in the plane (or set its number), or draw one, and the core lists its
nearest held-out neighbours with their distances. With two dimensions the classes overlap; a real
system embeds in 64 or 128 dimensions, but the idea and the code are the same.
`;
