export const text = `A real network, trained in your browser by the Playgrad core, on points you can see. Pick a dataset, the input features and the layers; press play and watch the decision surface, every hidden neuron's own surface, the weights and the loss curves change epoch by epoch. Everything the course's middle third talks about is a control here: the loss, the optimizer and its learning rate, the batch size, the initialization, L1 and L2 penalties, dropout, batch normalization and early stopping.

## What one step is

One step trains on one batch: forward pass, loss, backward pass, one optimizer update, exactly as Keras' \`fit\` does it. An epoch is one pass over the training points in a fresh random order (drawn without replacement from the seed), so it takes $\\lceil N_{train} / B \\rceil$ steps for a batch size $B$. The reported *loss* of an epoch is the mean of its batch losses weighted by batch size (penalties included), as Keras reports it; *val_loss* is the loss on the held-out points at the end of the epoch.

## Reading the pictures

- The big plot colours each spot of the plane by what the network predicts there; the points are the data (filled: training, outlined: held out).
- Each hidden neuron's thumbnail is its own output over the same plane: the first layer can only draw lines (one per neuron, bent by its activation); later layers combine them into curves.
- Line thickness and colour show each weight's size and sign; click a weight (or the output bias) to set it by hand.

## Export

The **Convention** switch at the top decides what the frameworks define differently: the initialization *The framework's default* is Keras' Glorot uniform with zero biases or PyTorch's $U(\\pm 1/\\sqrt{\\text{fan}_{in}})$ for weights and biases; Adam's $\\epsilon$ ($10^{-7}$ on $\\sqrt{v}$, or $10^{-8}$ on $\\sqrt{\\hat v}$); and how the cross-entropy keeps $\\log 0$ away (Keras clips $p$ to $[10^{-7}, 1 - 10^{-7}]$, PyTorch's BCELoss clamps the log at $-100$). The lines under the network say which apply.

*Export the model* saves the core's own file (layers, weights, optimizer state), which this page and \`pg.loadModel()\` read back. *Keras code* and *PyTorch code* write the same network as a Python script: the layers in the same order (batch normalization and dropout included), the same initializers, loss, optimizer and hyperparameters (momentum 0.9, Adam's $\\beta_1 = 0.9$, $\\beta_2 = 0.999$ and the convention's $\\epsilon$, as the core uses them), the same input features, your points and labels as NumPy arrays with the same train/held-out split, and the same batch size and epochs. The frameworks draw their own random numbers (initial weights, batch order, dropout), so their runs are not this page's number for number; Playgrad cannot run them (neither framework is installed where it is built and tested), so it checks the scripts for syntax and their layer lists only.

## When the numbers break

With a learning rate that is too large, the loss can overflow to Infinity or NaN. The core checks every step: it refuses the step, leaves the weights as they were, and names the operation and layer where the first non-finite number appeared. Lower the learning rate and press reset.
`;
