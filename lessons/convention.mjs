// The page-wide framework convention: Keras or PyTorch. Where the two frameworks differ in a
// default or a rule the course touches, a lesson reads the value for the chosen convention here
// and states the difference next to the number. Pure data and helpers (no DOM); the numbers the
// lessons show are still computed by the core with these values as options.
//
// `state.convention` is 'keras' or 'pytorch' in every lesson's state (the page keeps it in the URL
// for all lessons, the CLI takes --convention); lessons do not declare it as a setting.

export const CONVENTIONS = ['keras', 'pytorch'];
export const DEFAULT_CONVENTION = 'keras';

export const LABELS = { keras: 'Keras', pytorch: 'PyTorch' };

// Batch normalization. Both keep moving = β·moving + (1 − β)·batch; Keras names β "momentum"
// (0.99), PyTorch names 1 − β "momentum" (0.1). Keras updates the moving variance with the biased
// batch variance (divide by m), PyTorch with the unbiased one (divide by m − 1); both normalize
// the batch itself with the biased variance.
const BATCH_NORM = {
  keras: { beta: 0.99, epsilon: 1e-3, frameworkMomentum: 0.99, unbiasedMovingVariance: false,
    note: 'Keras: momentum = 0.99 is β itself; ε = 1e-3; moving variance from the biased batch variance' },
  pytorch: { beta: 0.9, epsilon: 1e-5, frameworkMomentum: 0.1, unbiasedMovingVariance: true,
    note: 'PyTorch: momentum = 0.1 means 1 − β (β = 0.9); ε = 1e-5; running variance from the unbiased batch variance' },
};

/** The convention id of a state (default Keras); throws on an unknown id. */
export function conventionOf(state) {
  const c = state?.convention ?? DEFAULT_CONVENTION;
  if (!CONVENTIONS.includes(c)) throw new Error(`convention: expected one of ${CONVENTIONS.join(', ')}, got ${JSON.stringify(c)}`);
  return c;
}

/** Batch-norm defaults of the state's convention. */
export function batchNormDefaults(state) {
  return BATCH_NORM[conventionOf(state)];
}

// L2 regularization. Keras puts the penalty on the layer (kernel_regularizer=l2(λ): λ·Σw² added
// to the loss, gradient 2λ·w; history's "loss" includes it). PyTorch has no per-layer penalty: the
// optimizer's weight_decay = wd adds wd·w to the gradient (torch.optim.SGD/Adam docs), which is the
// gradient of (wd/2)·Σw², so Keras' l2(λ) is weight_decay = 2λ (on every parameter, biases too,
// unless they are put in their own parameter group), and the printed loss does not include it.
// AdamW (decoupled weight decay) is not the same as an L2 term under Adam.
const L2 = {
  keras: { note: (l2) => `Keras: kernel_regularizer=l2(${l2}) adds ${l2}·Σw² to the loss on the kernels only; the reported loss includes it` },
  pytorch: { note: (l2) => `PyTorch: no layer penalty; weight_decay=${Number((2 * l2).toPrecision(6))} in SGD/Adam adds ${Number((2 * l2).toPrecision(6))}·w to the gradient, the gradient of (${Number((2 * l2).toPrecision(6))}/2)·Σw² = ${l2}·Σw² (on every parameter unless biases get their own group); the printed loss leaves it out` },
};

/** How the state's convention writes an L2 penalty λ2·Σw²: { note(l2) }. */
export function l2Convention(state) {
  return L2[conventionOf(state)];
}
