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
