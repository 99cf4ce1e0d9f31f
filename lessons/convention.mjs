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

// ---- the page-wide field ---------------------------------------------------------------------
// The page keeps the convention in the URL as one more query field, `convention=pytorch`, on every
// lesson's route (#/softmax?z=2,1&convention=pytorch); it is written only when it is not the
// default, and carried by the lesson list's links, so it survives moving between lessons and a
// reload. The CLI takes the same field as `--convention pytorch`.

export const FIELD = 'convention';

/**
 * Takes the convention field out of a lesson route's fields (a Map, as parseHash gives).
 * Returns { convention, fields (a new Map without it), problem (a message, or null) }; a bad value
 * keeps `fallback` (the convention in force) with a problem naming it. Never throws.
 */
export function splitConvention(fields, fallback = DEFAULT_CONVENTION) {
  const rest = new Map(fields);
  if (!rest.has(FIELD)) return { convention: fallback, fields: rest, problem: null, given: false };
  const v = String(rest.get(FIELD));
  rest.delete(FIELD);
  if (CONVENTIONS.includes(v)) return { convention: v, fields: rest, problem: null, given: true };
  const shown = v.length > 40 ? `${v.slice(0, 40)}…` : v;
  return {
    convention: fallback, fields: rest, given: false,
    problem: `Convention (${FIELD}=${shown}) is not valid: expected one of ${CONVENTIONS.join(', ')}. Using ${LABELS[fallback]}.`,
  };
}

/** The query part for a convention: '' for the default, else 'convention=pytorch'. */
export function conventionQuery(convention) {
  return convention === DEFAULT_CONVENTION ? '' : `${FIELD}=${convention}`;
}

/** A lesson state with its convention: the lesson's own settings plus `convention`. */
export function withConvention(state, convention = DEFAULT_CONVENTION) {
  if (!CONVENTIONS.includes(convention)) conventionOf({ convention });
  return { ...state, convention };
}

// ---- cross-entropy on probabilities -------------------------------------------------------------
// Keras (keras.losses.binary_crossentropy / categorical_crossentropy with from_logits=False) clips
// p to [ε, 1 − ε], ε = 1e-7 (keras.backend.epsilon()), so a certain wrong answer costs
// −log 1e-7 = 16.118 nats. PyTorch's BCELoss clamps each log at −100 (aten binary_cross_entropy),
// so it costs 100; PyTorch has no categorical loss on probabilities: NLLLoss(log p) is the nearest,
// and it is +∞ at p = 0 (CrossEntropyLoss takes logits and needs no clip).
const LOSS_CLIP = {
  keras: { clip: 'keras', epsilon: 1e-7,
    note: 'Keras clips p to [1e-7, 1 − 1e-7]: p = 0 costs −log 1e-7 = 16.12 nats',
    categoricalNote: 'Keras clips p to [1e-7, 1 − 1e-7] (at most 16.12 nats per row)' },
  pytorch: { clip: 'pytorch', logFloor: -100,
    note: 'PyTorch (BCELoss) clamps log p at −100: p = 0 costs 100 nats',
    categoricalNote: 'PyTorch has no clip here: NLLLoss(log p) is ∞ at p = 0 (CrossEntropyLoss takes logits)' },
};

/** { clip: 'keras' | 'pytorch' (the core's loss option), note, categoricalNote }. */
export function lossClip(state) {
  return LOSS_CLIP[conventionOf(state)];
}

// ---- Adam -----------------------------------------------------------------------------------
// Keras (keras.optimizers.Adam): α_t = lr·√(1 − β2^t)/(1 − β1^t), w −= α_t·m/(√v + ε), ε = 1e-7
// (its docstring: "epsilon hat" of the paper). PyTorch (torch.optim.Adam): w −= lr/(1 − β1^t)·m /
// (√v/√(1 − β2^t) + ε), ε = 1e-8, i.e. ε added to √v̂ (TensorFlow.js's tf.train.adam does the
// same). The core's option epsilonOn: 'v' (Keras) or 'vhat' (PyTorch).
const ADAM = {
  keras: { epsilonOn: 'v', epsilon: 1e-7,
    note: 'Keras: ε = 1e-7 added to √v, the bias correction folded into the step size' },
  pytorch: { epsilonOn: 'vhat', epsilon: 1e-8,
    note: 'PyTorch: ε = 1e-8 added to √v̂ (after the bias correction)' },
};

/** { epsilonOn, epsilon (the framework's default), note }. */
export function adamDefaults(state) {
  return ADAM[conventionOf(state)];
}

// ---- freezing layers (transfer learning) --------------------------------------------------------
// Keras (keras.io, "Transfer learning & fine-tuning"): layer.trainable = False moves its weights to
// non_trainable_weights; changes take effect at the next compile(); a frozen BatchNormalization
// layer runs in inference mode. PyTorch (torch.nn.Module.requires_grad_, the "finetuning torchvision
// models" tutorial): param.requires_grad_(False) and an optimizer over the parameters that still
// require gradients; BatchNorm's running statistics still update in train() mode unless the layer
// is put in eval(). The core's Model.setTrainable does what both do to the weights.
const FREEZE = {
  keras: { code: 'layer.trainable = False  # then model.compile(...) again',
    note: 'Keras: layer.trainable = False, then compile() again (the optimizer is made for the trainable weights only)' },
  pytorch: { code: 'for p in layer.parameters(): p.requires_grad_(False)',
    note: 'PyTorch: requires_grad_(False) on the frozen parameters and an optimizer over those that still require gradients' },
};

/** { code (how the framework freezes a layer), note }. */
export function freezeRule(state) {
  return FREEZE[conventionOf(state)];
}

// ---- NMS --------------------------------------------------------------------------------------
// TensorFlow (tf.image.non_max_suppression, which Keras models use; tfjs-core's
// non_max_suppression_impl: `if (iou >= iouThreshold)` suppresses) vs torchvision.ops.nms
// (csrc/ops/cpu/nms_kernel.cpp: `if (ovr > iou_threshold) suppressed[j] = 1`). They differ only
// when an IoU equals the threshold exactly. The core's option rule: 'tensorflow' | 'torchvision'.
const NMS = {
  keras: { rule: 'tensorflow', op: '≥', note: 'TensorFlow/Keras suppresses at IoU ≥ τ (tf.image.non_max_suppression)' },
  pytorch: { rule: 'torchvision', op: '>', note: 'PyTorch suppresses only at IoU > τ (torchvision.ops.nms)' },
};

/** { rule (the core's NMS option), op ('≥' or '>'), note }. */
export function nmsRule(state) {
  return NMS[conventionOf(state)];
}

// ---- 'same' padding -----------------------------------------------------------------------------
// Keras/TensorFlow: out = ⌈n / s⌉ for any stride, the odd extra pixel of padding at the
// bottom/right. PyTorch (torch.nn.Conv2d(padding='same')): stride 1 only ("padding='same' is not
// supported for strided convolutions"); for stride 1 it pads the same way. The core's option
// sameRule: 'tensorflow' | 'pytorch'.
const SAME = {
  keras: { sameRule: 'tensorflow', note: "Keras: 'same' works for any stride (out = ⌈n / s⌉), the odd extra pixel at the bottom/right" },
  pytorch: { sameRule: 'pytorch', note: "PyTorch: padding='same' only for stride 1 (then as Keras: the odd extra pixel at the bottom/right)" },
};

/** { sameRule (the core's option), note }. */
export function samePadding(state) {
  return SAME[conventionOf(state)];
}

// ---- default initializers ---------------------------------------------------------------------
// Keras Dense: kernel_initializer="glorot_uniform" (U(±√(6 / (fan_in + fan_out)))), bias "zeros".
// PyTorch nn.Linear.reset_parameters: kaiming_uniform_(weight, a=√5), i.e. U(±1/√fan_in), and the
// bias U(±1/√fan_in) with the weight's fan_in. The core's names: glorot_uniform / zeros and
// pytorch_uniform (for both; a Dense bias uses its kernel's fan_in).
const INIT = {
  keras: { kernel: 'glorot_uniform', bias: 'zeros',
    note: 'Keras Dense: kernel Glorot uniform U(±√(6/(fan_in + fan_out))), bias 0' },
  pytorch: { kernel: 'pytorch_uniform', bias: 'pytorch_uniform',
    note: 'PyTorch nn.Linear: weight Kaiming uniform with a = √5, i.e. U(±1/√fan_in); bias U(±1/√fan_in) too' },
};

/** { kernel, bias (the core's initializer names), note }: the framework's default for a dense layer. */
export function initDefaults(state) {
  return INIT[conventionOf(state)];
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

// ---- the distance between two embeddings ------------------------------------------------------
// Neither framework ships a contrastive loss; both spell D = ‖a − b‖ with a guard near 0, where
// √ has an infinite slope. Keras' Siamese example (keras-io examples/vision/siamese_contrastive.py,
// and the older keras/examples/mnist_siamese.py): D = √max(Σ(a − b)², ε) with ε =
// keras.backend.epsilon() = 1e-7. PyTorch: torch.nn.functional.pairwise_distance(a, b) (the
// default eps = 1e-6) = ‖a − b + ε‖₂: ε is added to every difference before the norm. They agree
// to float precision except when a and b nearly coincide (D of 0.000316 vs 0.000001·√dim at a = b).
const PAIR_DISTANCE = {
  keras: { rule: 'max', epsilon: 1e-7, formula: 'D = √max(Σ(a − b)², 1e-7)',
    note: 'Keras (the Siamese example): D = √max(Σ(a − b)², ε), ε = keras.backend.epsilon() = 1e-7' },
  pytorch: { rule: 'shift', epsilon: 1e-6, formula: 'D = ‖a − b + 1e-6‖₂',
    note: 'PyTorch: F.pairwise_distance(a, b) = ‖a − b + ε‖₂, ε = 1e-6 added to each difference' },
};

/** { rule ('max' | 'shift'), epsilon, formula, note }: how the state's convention computes D. */
export function pairDistance(state) {
  return PAIR_DISTANCE[conventionOf(state)];
}
