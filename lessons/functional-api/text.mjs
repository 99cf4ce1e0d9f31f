// The functional-api lesson's text (the markdown subset of web/text.mjs).
export const text = `
Keras' **functional API** writes a model as a graph, not a chain: every layer is a function
called on the tensors it takes, $h = \\text{Dense}(30)(x)$, so a layer can join two tensors, one
tensor can feed two layers, and a model can have several inputs and outputs. Click a node to edit
it; every edge carries its tensor's shape and every node its parameter count, from the core.

The model is named by its ends, $\\text{Model}(\\text{inputs}=[\\dots], \\text{outputs}=[\\dots])$.
Click a node (or Tab to it and press Enter) to change its units or activation, connect or
disconnect its inputs, add a layer after it or a new head; or type the graph's lines. The table is
Keras' **summary()** from the core's model, and the code panel writes the same graph in three
dialects.

## The course's two cases
**Two inputs, concatenated**: two inputs of 4 features, $\\text{Dense}(30) \\to \\text{Dense}(40)$ on
one and $\\text{Dense}(20) \\to \\text{Dense}(50)$ on the other, joined by Concatenate into
$(\\text{None}, 90)$. **One input, two heads**: $\\text{Dense}(30)$ shared by a head
$\\text{Dense}(45, \\text{relu}) \\to \\text{Dense}(4)$ and a head $\\text{Dense}(30) \\to \\text{Dense}(2)$.

A Dense layer on $n_{in}$ features with $u$ units holds a $n_{in} \\times u$ kernel and $u$ biases:

$$\\text{params} = u \\cdot (n_{in} + 1), \\qquad 4 \\cdot 30 + 30 = 150,\\quad 30 \\cdot 40 + 40 = 1240$$

Concatenate has no weights: it lays its inputs side by side on the last axis, so the widths add
($40 + 50 = 90$) and every other axis must agree.

Two slips in the course notes, corrected here: Concatenate is a layer class, so it is built and
then called, \`Concatenate()([hL2, hL4])\` (or the function \`concatenate([hL2, hL4])\`), not
\`Concatenate([hL2, hL4])\`; and an input of 4 features is \`Input(shape=(4,))\`: the shape is a
tuple, and the comma that makes \`(4,)\` a tuple belongs inside its parentheses.

## Two losses, one set of shared weights
With two outputs the model has one loss per output and trains on their weighted sum (Keras'
\`loss_weights\`):

$$L = w_1 L_1 + w_2 L_2, \\qquad \\frac{\\partial L}{\\partial \\theta} = w_1 \\frac{\\partial L_1}{\\partial \\theta} + w_2 \\frac{\\partial L_2}{\\partial \\theta} = g_1 + g_2$$

A layer only one head uses gets only that head's gradient; a **shared** layer gets the sum. The
core backpropagates each weighted loss alone and reports, for every layer, $|g_k|$ and head $k$'s
**share** of the step

$$s_k = \\frac{g_k \\cdot g}{|g|^2}, \\qquad g = g_1 + g_2, \\qquad s_1 + s_2 = 1$$

A share above 1 with the other below 0 means the heads pull the shared weights in opposite
directions (their cosine is negative). Move the loss-weight sliders: the weights scale each
$g_k$, so they decide which task the shared layers serve. The task here is synthetic: a teacher
network with the same graph and other random weights makes the targets; the output chosen as the
classifier learns the teacher's softmax with cross-entropy, the others its values with MSE.

## Graphs that cannot be built
A functional model must be a directed acyclic graph from its inputs to its outputs. The core
refuses, and names the nodes: a **cycle** (a layer that takes its own output, through others), a
layer **connected to nothing** (its output cannot be reached from any input), a Concatenate of a
single tensor, and **shapes that do not fit**, such as a Concatenate of $(\\text{None}, 2, 30)$ and
$(\\text{None}, 20)$. It also refuses an **unused input** (one that reaches no output), which Keras
and TensorFlow.js accept and silently ignore: every call must still feed it, and it nearly always
means a connection was forgotten. A layer that leads to no output is legal: Keras leaves it out of
the model, and the drawing greys it.
`;
