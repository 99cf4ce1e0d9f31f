// The early-stopping lesson's text (the markdown subset of web/text.mjs).
export const text = `
A network with enough units can memorize its training set, wrong labels included. Here a fifth of
the training labels are flipped (the held-out labels stay clean), so as training goes on the
training loss keeps falling while the held-out loss turns and rises: the network is learning the
noise. **Callbacks** are functions \`fit\` calls at the end of every epoch with that epoch's
numbers; the course lists early stopping, reducing the learning rate on a plateau and a learning-rate
schedule. All three here are the core's own (the same rules the core's \`fit\` runs), fed the
epoch's logs.

## Early stopping
\`EarlyStopping(monitor='val_loss', patience, min_delta, restore_best_weights)\` keeps the best
value of the monitored number and a counter, *wait*. Every epoch adds 1 to wait; an epoch
**improves** when it beats the best by more than min_delta, and then wait goes back to 0.
Training stops when wait reaches patience:

$$\\text{a loss improves} \\iff v_t + \\delta < \\text{best}$$

$$\\text{an accuracy improves} \\iff v_t - \\delta > \\text{best}$$

With \`restore_best_weights=True\` the model goes back to the weights of the best epoch when it
stops (Keras restores only when it stops: a run that reaches its last epoch keeps its last
weights). The best epoch is marked on the curves and the counter is shown as it fills.

## Reduce the learning rate on a plateau
\`ReduceLROnPlateau(factor, patience, min_delta=1e-4, cooldown, min_lr)\` has its own counter:
after patience epochs without improvement it multiplies the learning rate by factor (never below
min_lr), then waits cooldown epochs before counting again. Often the lower rate gets the loss
moving again, and early stopping, with a longer patience, ends the run only when that fails too.

## A learning-rate schedule
A schedule sets the rate from the epoch number alone: step (halve every 50 epochs), exponential
(×0.99 per epoch) or cosine (down to 0 over the run). Here a plateau reduction lowers the
schedule's starting rate, so the two combine.

## Try

- Set the label noise to 0: the held-out loss has little to turn on, and early stopping fires
  late or never. Raise it and the gap between the curves opens sooner.
- Shrink the model (fewer units): it cannot memorize as much, and overfits later and less.
- Drag the timeline to any epoch: the surface, the counters and the log go back with it, and
  training resumes from there.
`;
