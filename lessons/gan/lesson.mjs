// Two networks in a game: a generator G(z) (noise z -> a sample) and a discriminator D(x) (a sample
// -> the logit a of "real", D = σ(a)), small MLPs trained live in the session by alternating steps:
//   D step: minimize  L_D = BCE(a(x_real), 1 − ε) + BCE(a(G(z)), 0)       (ε: one-sided label smoothing)
//   G step: minimize  L_G = log(1 − D(G(z)))            the minimax form (Goodfellow et al. 2014)
//                 or  L_G = −log D(G(z))               the non-saturating form they use in practice
// with D's weights held still in the G step (only G's optimizer steps). Both losses go through the
// core's pg.losses.binaryCrossEntropyWithLogits (log(1 − σ(a)) = −BCE(a, 0), −log σ(a) = BCE(a, 1)).
// Targets are drawn by the core from a seed (pg.gan.target: a 1-D Gaussian or mixture, a 2-D
// mixture, a ring, a line, or points drawn by the learner) or are the shipped 14 × 14 MNIST digits
// (lessons/digits-data.mjs): an image GAN. Mode coverage is the core's pg.gan.modeCoverage. The
// discriminator's heatmap, the generator's noise-grid mapping (the manifold), the gradient arrows
// ∂L_G/∂x on generated samples and the gradient against D(G(z)) for both losses come from the
// core's forward passes and autograd. This file only moves data around.
import { fmt } from '../format.mjs';
import { digitsNow } from '../digits-data.mjs';
import { adamDefaults, initDefaults } from '../convention.mjs';
import { TensorSession, release } from '../session.mjs';

export { text } from './text.mjs';
export { fmt };

export const id = 'gan';
export const title = 'GANs: two networks in a game';
export const summary = 'A generator and a discriminator trained against each other on 1-D and 2-D targets (or points you draw) and on real digits: the decision heatmap, the noise manifold, gradient arrows, minimax vs non-saturating loss, label smoothing and mode collapse counted.';

/** The square [-DOMAIN, DOMAIN]² of the 2-D targets (and the line [-DOMAIN1, DOMAIN1] of the 1-D ones). */
export const DOMAIN = 4;
export const DOMAIN1 = 5;
/** The discriminator's heatmap: HEAT × HEAT points over the square (1-D: CURVE points). */
export const HEAT = 40;
export const CURVE = 161;
/** Samples shown (fixed noise, so their motion is the generator's learning); real samples shown. */
export const SHOWN = 300;
/** The manifold: MANIFOLD × MANIFOLD noise points on [-Z_RANGE, Z_RANGE]² (1-D noise: MANIFOLD_1D points). */
export const MANIFOLD = 15;
export const MANIFOLD_1D = 41;
export const Z_RANGE = 2;
/** Digits: generated samples shown, the manifold's side (z1, z2 grid), real digits shown. */
export const DIGIT_SAMPLES = 36;
export const DIGIT_MANIFOLD = 8;
export const DIGIT_REAL = 12;
/** A scrubbable frame is kept every FRAME_EVERY iterations (at most MAX_FRAMES: then every other is dropped). */
export const FRAME_EVERY = 25;
const MAX_FRAMES = 240;
/** Points of the gradient-against-D(G(z)) curves. */
const GRAD_POINTS = 99;
/** The drawn target: at most this many points. */
export const MAX_DRAWN = 200;

export const TARGETS = [
  { value: 'gaussian1d', label: '1-D: one Gaussian', dim: 1 },
  { value: 'mixture1d', label: '1-D: a mixture of Gaussians', dim: 1 },
  { value: 'mixture', label: '2-D: a mixture of Gaussians', dim: 2 },
  { value: 'ring', label: '2-D: a ring', dim: 2 },
  { value: 'line', label: '2-D: a line', dim: 2 },
  { value: 'drawn', label: '2-D: drawn by you', dim: 2 },
  { value: 'digits', label: 'Images: 14 × 14 MNIST digits', dim: 196 },
];
const OPTIMIZERS = [{ value: 'adam', label: 'Adam' }, { value: 'rmsprop', label: 'RMSprop' }, { value: 'sgd', label: 'SGD' }];
/**
 * Reads the drawn target's text: 'x,y' pairs separated by ';' (spaces allowed), each in
 * [-DOMAIN, DOMAIN]², at most MAX_DRAWN; empty is allowed (the session then asks for a drawing).
 * Returns { points: [x0, y0, x1, y1, ...] } or { error }.
 */
export function parseDrawn(textValue) {
  const parts = String(textValue).split(';').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length > MAX_DRAWN) return { error: `at most ${MAX_DRAWN} points (got ${parts.length})` };
  const num = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  const points = [];
  for (let i = 0; i < parts.length; i++) {
    const f = parts[i].split(',').map((v) => v.trim());
    const where = `point ${i + 1} ('${parts[i].slice(0, 20)}')`;
    if (f.length !== 2 || !f.every((v) => num.test(v))) return { error: `${where} must be two numbers x,y` };
    const [x, y] = f.map(Number);
    if (!(Math.abs(x) <= DOMAIN && Math.abs(y) <= DOMAIN)) return { error: `${where} must lie in [-${DOMAIN}, ${DOMAIN}]²` };
    points.push(x, y);
  }
  return { points };
}

/** The text of drawn points [x0, y0, ...] (2 decimals). */
export function drawnText(points) {
  const n = (v) => String(Number(v.toFixed(2)));
  const out = [];
  for (let i = 0; i + 1 < points.length; i += 2) out.push(`${n(points[i])},${n(points[i + 1])}`);
  return out.join(';');
}

const is1d = (s) => s.target === 'gaussian1d' || s.target === 'mixture1d';

export const settings = [
  { name: 'target', type: 'choice', label: 'Target distribution', default: 'mixture', section: 'Data', options: TARGETS.map(({ value, label }) => ({ value, label })),
    help: 'Drawn: click or drag on the plane to add points (keyboard: arrow keys move the cross, Enter adds, Backspace removes the last).' },
  { name: 'modes', type: 'integer', label: 'Modes k', default: 8, min: 1, max: 12, section: 'Data',
    help: 'A mixture\'s components; on a ring, a line or a drawing, the k points the coverage counts.' },
  { name: 'radius', type: 'number', label: 'Radius (1-D Gaussian: its mean)', default: 2, min: 0.5, max: 3.5, step: 0.05, section: 'Data' },
  { name: 'spread', type: 'number', label: 'Spread σ', default: 0.1, min: 0.02, max: 1, step: 0.01, section: 'Data' },
  { name: 'points', type: 'text', label: 'Drawn points (x,y; …)', default: '-2,1.5;-1.5,0.5;-1,-0.5;-0.5,-1.5;0,-2;0.5,-1.5;1,-0.5;1.5,0.5;2,1.5', maxLength: 12 * MAX_DRAWN, section: 'Data',
    help: `The drawn target: x,y pairs separated by ';', in [-${DOMAIN}, ${DOMAIN}]². The plane edits it.`,
    check: (v) => { const r = parseDrawn(v); return r.error ? `x,y pairs separated by ';': ${r.error}` : null; } },
  { name: 'digit', type: 'choice', label: 'Digits: which', default: '3', section: 'Data',
    options: [{ value: 'all', label: 'all ten' }, ...Array.from({ length: 10 }, (_, d) => ({ value: String(d), label: `only ${d}s` }))] },
  { name: 'noise', type: 'integer', label: 'Noise z: dimensions', default: 2, min: 1, max: 16, section: 'Networks',
    help: 'z ~ N(0, I). The manifold is drawn over the first two (the rest held at 0).' },
  { name: 'gHidden', type: 'integer', label: 'Generator: hidden units', default: 32, min: 2, max: 128, section: 'Networks' },
  { name: 'gLayers', type: 'integer', label: 'Generator: hidden layers', default: 2, min: 1, max: 3, section: 'Networks' },
  { name: 'dHidden', type: 'integer', label: 'Discriminator: hidden units', default: 32, min: 2, max: 128, section: 'Networks' },
  { name: 'dLayers', type: 'integer', label: 'Discriminator: hidden layers', default: 2, min: 1, max: 3, section: 'Networks' },
  { name: 'activation', type: 'choice', label: 'Hidden activation', default: 'leaky_relu', section: 'Networks',
    options: [{ value: 'leaky_relu', label: 'leaky ReLU (α 0.2)' }, { value: 'relu', label: 'ReLU' }, { value: 'tanh', label: 'tanh' }] },
  { name: 'gLoss', type: 'choice', label: 'Generator loss', default: 'nonsaturating', section: 'The game',
    options: [{ value: 'nonsaturating', label: 'non-saturating: −log D(G(z))' }, { value: 'minimax', label: 'minimax: log(1 − D(G(z)))' }] },
  { name: 'smoothing', type: 'number', label: 'Label smoothing ε (real target 1 − ε)', default: 0, min: 0, max: 0.3, step: 0.05, section: 'The game' },
  { name: 'dSteps', type: 'integer', label: 'D steps per iteration', default: 1, min: 1, max: 5, section: 'The game' },
  { name: 'gSteps', type: 'integer', label: 'G steps per iteration', default: 1, min: 1, max: 5, section: 'The game' },
  { name: 'dOptimizer', type: 'choice', label: 'Discriminator: optimizer', default: 'adam', options: OPTIMIZERS, section: 'Optimizers' },
  { name: 'dLr', type: 'number', label: 'Discriminator: learning rate', default: 0.002, min: 0.0001, max: 1, step: 0.0001, section: 'Optimizers' },
  { name: 'gOptimizer', type: 'choice', label: 'Generator: optimizer', default: 'adam', options: OPTIMIZERS, section: 'Optimizers' },
  { name: 'gLr', type: 'number', label: 'Generator: learning rate', default: 0.002, min: 0.0001, max: 1, step: 0.0001, section: 'Optimizers' },
  { name: 'batch', type: 'integer', label: 'Batch (real and fake each)', default: 64, min: 8, max: 256, section: 'Optimizers' },
  { name: 'iterations', type: 'integer', label: 'Iterations', default: 3000, min: 10, max: 20000, step: 10, section: 'Optimizers' },
  { name: 'seed', type: 'integer', label: 'Seed', default: 1, min: 0, max: 999999, section: 'Optimizers' },
  { name: 'arrows', type: 'boolean', label: 'Show the gradient arrows', default: true, section: 'Show' },
  { name: 'manifold', type: 'boolean', label: 'Show the manifold (G over a noise grid)', default: true, section: 'Show' },
];

/** A short run for the robustness tests and the CLI's quick checks. */
export const quickSettings = { iterations: 10 };

/** Settings under which the game diverges (the tests' bad-input case): SGD at learning rate 1 on both networks. */
export const DIVERGING = { dOptimizer: 'sgd', gOptimizer: 'sgd', dLr: 1, gLr: 1, iterations: 300 };

/** Settings a running session takes in place (the rest make a new session). */
const IN_PLACE = new Set(['smoothing', 'gLoss', 'dSteps', 'gSteps', 'dLr', 'gLr', 'iterations', 'arrows', 'manifold', 'points']);

/** A seed from several integers (the session's per-iteration streams). */
export const mix = (...v) => (v.reduce((h, x) => ((Math.imul(h ^ (x >>> 0), 2654435761) >>> 0) ^ (h >>> 15)) >>> 0, 2166136261) % 2147483647);

// ---- the losses (the core's BCE with logits) ---------------------------------------------------

/**
 * The generator's loss on D's logits a (a Tensor [n, 1]), as the state's form says:
 *   minimax         log(1 − σ(a)) = −BCE(a, 0)      ∂/∂a = −σ(a) = −D
 *   non-saturating  −log σ(a)     =  BCE(a, 1)      ∂/∂a = σ(a) − 1 = −(1 − D)
 * reduction: 'mean' (the training loss) or 'sum' (per-sample gradients).
 */
export function generatorLoss(pg, a, form, reduction = 'mean') {
  const n = a.shape[0];
  if (form === 'minimax') return pg.neg(pg.losses.binaryCrossEntropyWithLogits(a, pg.zeros([n, 1]), { reduction }));
  if (form === 'nonsaturating') return pg.losses.binaryCrossEntropyWithLogits(a, pg.ones([n, 1]), { reduction });
  throw new pg.PlaygradError(`gan: unknown generator loss '${form}' (minimax or nonsaturating)`);
}

/** The discriminator's loss: BCE(a_real, 1 − ε) + BCE(a_fake, 0), each the batch mean. */
export function discriminatorLoss(pg, aReal, aFake, smoothing) {
  return pg.add(pg.losses.binaryCrossEntropyWithLogits(aReal, pg.full([aReal.shape[0], 1], 1 - smoothing)),
    pg.losses.binaryCrossEntropyWithLogits(aFake, pg.zeros([aFake.shape[0], 1])));
}

/**
 * ∂ℓ/∂a of each generator loss per sample, by the core's autograd, at D values d (in (0, 1)):
 * a = log(d / (1 − d)). Returns { minimax: [...], nonsaturating: [...] } (signed).
 */
export function generatorGradients(pg, d) {
  return pg.scope(() => {
    const out = {};
    for (const form of ['minimax', 'nonsaturating']) {
      const a = pg.tensor(Float32Array.from(d, (v) => Math.log(v / (1 - v))), [d.length, 1], { requiresGrad: true });
      generatorLoss(pg, a, form, 'sum').backward();
      out[form] = Array.from(a.grad.toArray());
    }
    return out;
  });
}

/** The curves |∂L_G/∂a| against D(G(z)) in (0, 1) for both forms (the core's autograd). */
export function gradientCurves(pg) {
  const d = Array.from({ length: GRAD_POINTS }, (_, i) => (i + 1) / (GRAD_POINTS + 1));
  const g = generatorGradients(pg, d);
  return { d, minimax: g.minimax.map(Math.abs), nonsaturating: g.nonsaturating.map(Math.abs) };
}

// ---- the networks ------------------------------------------------------------------------------

function mlp(pg, s, { inDim, hidden, layers, outDim, out, seed, prefix }) {
  const ini = initDefaults(s);
  const L = pg.layers;
  const act = (i) => (s.activation === 'leaky_relu' ? [L.dense(hidden, { kernelInitializer: ini.kernel, biasInitializer: ini.bias, name: `${prefix}_dense${i}` }),
    L.activation('leaky_relu', { alpha: 0.2, name: `${prefix}_act${i}` })]
    : [L.dense(hidden, { activation: s.activation, kernelInitializer: ini.kernel, biasInitializer: ini.bias, name: `${prefix}_dense${i}` })]);
  const list = [];
  for (let i = 1; i <= layers; i++) list.push(...act(i));
  list.push(L.dense(outDim, { activation: out, kernelInitializer: ini.kernel, biasInitializer: ini.bias, name: `${prefix}_out` }));
  return pg.sequential(list, { inputShape: [inDim], seed });
}

function optimizer(pg, s, kind, params, lr) {
  if (kind === 'adam') {
    const ad = adamDefaults(s);
    return pg.optim.adam(params, { lr, beta1: 0.5, epsilon: ad.epsilon, epsilonOn: ad.epsilonOn });
  }
  if (kind === 'rmsprop') return pg.optim.rmsprop(params, { lr });
  if (kind === 'sgd') return pg.optim.sgd(params, { lr });
  throw new pg.PlaygradError(`gan: unknown optimizer '${kind}' (adam, rmsprop or sgd)`);
}

/**
 * The two networks, their parameter handles (dispose them with the networks) and their optimizers for the state: G: noise -> hidden layers -> outDim (linear,
 * or sigmoid for images), D: outDim -> hidden layers -> 1 logit. Seeded from the state's seed.
 */
export function buildGan(pg, s, outDim, images = false) {
  const G = mlp(pg, s, { inDim: s.noise, hidden: s.gHidden, layers: s.gLayers, outDim, out: images ? 'sigmoid' : 'linear', seed: mix(s.seed, 1), prefix: 'g' });
  const D = mlp(pg, s, { inDim: outDim, hidden: s.dHidden, layers: s.dLayers, outDim: 1, out: 'linear', seed: mix(s.seed, 2), prefix: 'd' });
  const gParams = G.parameters();
  const dParams = D.parameters();
  return { G, D, gParams, dParams, gOpt: optimizer(pg, s, s.gOptimizer, gParams, s.gLr), dOpt: optimizer(pg, s, s.dOptimizer, dParams, s.dLr) };
}

/** Frees what buildGan made (optimizers, parameter handles, networks). */
export function disposeGan(nets) {
  for (const o of [nets.gOpt, nets.dOpt, ...(nets.gParams ?? []), ...(nets.dParams ?? []), nets.G, nets.D]) o?.dispose();
}

/**
 * One iteration of the game on given batches: for each real batch reals[k] (with noise zD[k]) a D
 * step on L_D, then for each zG[k] a G step on L_G (D's weights held: only G's optimizer steps).
 * Returns the last { dLoss, gLoss, dReal (mean D on real), dFake (mean D(G(z))) }, or { bad } with
 * the loss that went non-finite (no step is taken on it). Call inside pg.scope.
 */
export function ganIteration(pg, { G, D, gOpt, dOpt }, s, { reals, zD, zG }) {
  let dLoss = 0;
  let dReal = 0;
  let dFake = 0;
  for (let k = 0; k < reals.length; k++) {
    const fake = pg.noGrad(() => G.call(zD[k]));
    const aReal = D.call(reals[k], { training: true });
    const aFake = D.call(fake, { training: true });
    const loss = discriminatorLoss(pg, aReal, aFake, s.smoothing);
    dLoss = loss.item();
    if (!Number.isFinite(dLoss)) return { bad: `the discriminator's loss is ${dLoss}` };
    dReal = pg.mean(pg.sigmoid(aReal)).item();
    dFake = pg.mean(pg.sigmoid(aFake)).item();
    dOpt.zeroGrad();
    loss.backward();
    dOpt.step();
  }
  let gLoss = 0;
  for (let k = 0; k < zG.length; k++) {
    const loss = generatorLoss(pg, D.call(G.call(zG[k], { training: true }), { training: true }), s.gLoss);
    gLoss = loss.item();
    if (!Number.isFinite(gLoss)) return { bad: `the generator's loss is ${gLoss}` };
    gOpt.zeroGrad();
    loss.backward();
    gOpt.step();  // D's weights stay: only G's optimizer steps
  }
  return { dLoss, gLoss, dReal, dFake };
}

/** The parameter counts of G and D for the state (data dimension dim). */
export function paramCounts(s, dim) {
  const count = (inDim, hidden, layers, outDim) => {
    let n = 0;
    let prev = inDim;
    for (let i = 0; i < layers; i++) { n += prev * hidden + hidden; prev = hidden; }
    return n + prev * outDim + outDim;
  };
  return { generator: count(s.noise, s.gHidden, s.gLayers, dim), discriminator: count(dim, s.dHidden, s.dLayers, 1) };
}

/** The coverage radius for a target: 2.5σ, at least 0.15 (a sample that far from every mode covers none). */
export const coverageRadius = (s) => Math.max(2.5 * s.spread, 0.15);

// ---- the session -------------------------------------------------------------------------------

class GanSession extends TensorSession {
  constructor(pg, state) {
    super(pg, state);
    this.problem = null;
    this.it = 0;
    this.history = { it: [], dLoss: [], gLoss: [], dReal: [], dFake: [] };
    this.frames = [];
    this.frameStride = FRAME_EVERY;
    this.viewFrame = null;  // a scrubbed frame's index (null: the newest)
    this.images = state.target === 'digits';
    this.dim = this.images ? 0 : is1d(state) ? 1 : 2;
    this.loading = this.images;
    this.cache = null;
    this.curves = gradientCurves(pg);
    if (state.target === 'drawn' && (parseDrawn(state.points).points ?? []).length < 2) {
      this.problem = 'The drawing has no points: click or drag on the plane to draw the target (or pick another target).';
      return;
    }
    if (this.images) this.tryData();
    else this.makeNetworks();
  }

  makeNetworks() {
    const { pg } = this;
    const s = this.state;
    try {
      if (!this.images) this.target = pg.gan.target(this.targetOptions(SHOWN, mix(s.seed, 5)));
      Object.assign(this, buildGan(pg, s, this.images ? this.px : this.dim, this.images));
      const shown = this.images ? DIGIT_SAMPLES : SHOWN;
      this.zShown = this.keep(pg.randn([shown, s.noise], mix(s.seed, 3)));
      this.zGrid = this.keep(this.noiseGrid());
      this.record();
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** The manifold's noise points: a grid over the first two noise coordinates (the rest 0). */
  noiseGrid() {
    const { pg } = this;
    const s = this.state;
    const side = this.images ? DIGIT_MANIFOLD : s.noise === 1 ? MANIFOLD_1D : MANIFOLD;
    const rows = s.noise === 1 ? side : side * side;
    const z = new Float32Array(rows * s.noise);
    const at = (i) => -Z_RANGE + (2 * Z_RANGE * i) / (side - 1);
    for (let r = 0; r < rows; r++) {
      if (s.noise === 1) z[r] = at(r);
      else { z[r * s.noise] = at(r % side); z[r * s.noise + 1] = at(side - 1 - Math.floor(r / side)); }
    }
    return pg.tensor(z, [rows, s.noise]);
  }

  targetOptions(n, seed) {
    const s = this.state;
    const kind = s.target;
    return { kind, n, seed, modes: kind === 'gaussian1d' ? 1 : s.modes, radius: s.radius, spread: s.spread, centre: s.radius,
      ...(kind === 'drawn' ? { points: parseDrawn(s.points).points ?? [] } : {}) };
  }

  tryData() {
    const d = this.dataNow(digitsNow, 'gan');
    if (!d) return;
    const s = this.state;
    this.digits = d;
    this.px = d.side * d.side;
    this.side = d.side;
    this.rows = [];
    for (let i = 0; i < d.count; i++) if (s.digit === 'all' || d.labels[i] === Number(s.digit)) this.rows.push(i);
    this.pool = this.rowsOf(this.rows);  // grey levels in [0, 1], once: a batch copies rows out of it
    this.realShown = this.pool.slice(0, DIGIT_REAL * this.px);
    this.loading = false;
    this.makeNetworks();
  }

  rowsOf(rows) {
    const x = new Float32Array(rows.length * this.px);
    rows.forEach((r, i) => {
      const src = this.digits.pixels.subarray(r * this.px, (r + 1) * this.px);
      for (let j = 0; j < this.px; j++) x[i * this.px + j] = src[j] / 255;
    });
    return x;
  }

  get done() { return !!this.failure || !!this.problem || (!this.loading && this.it >= this.state.iterations); }
  get progress() {
    if (this.loading) return { value: 0, total: 1, label: 'loading the MNIST digits' };
    return { value: this.it, total: this.state.iterations, label: 'iterations' };
  }

  /** A batch of real samples for iteration it, D step k. */
  realBatch(k) {
    const { pg } = this;
    const s = this.state;
    const seed = mix(s.seed, this.it, k, 11);
    if (this.images) {
      const pick = pg.search.choice(this.rows.length, s.batch, seed, 0);
      const x = new Float32Array(s.batch * this.px);
      pick.forEach((r, i) => x.set(this.pool.subarray(r * this.px, (r + 1) * this.px), i * this.px));
      return pg.tensor(x, [s.batch, this.px]);
    }
    const t = pg.gan.target(this.targetOptions(s.batch, seed));
    return pg.tensor(t.samples, [s.batch, t.dim]);
  }

  step() {
    if (this.done) return;
    if (this.loading) {
      this.tryData();
      if (this.loading || this.done) return;
    }
    const { pg } = this;
    const s = this.state;
    let out;
    try {
      out = pg.scope(() => {
        const batches = {
          reals: Array.from({ length: s.dSteps }, (_, k) => this.realBatch(k)),
          zD: Array.from({ length: s.dSteps }, (_, k) => pg.randn([s.batch, s.noise], mix(s.seed, this.it, k, 21))),
          zG: Array.from({ length: s.gSteps }, (_, k) => pg.randn([s.batch, s.noise], mix(s.seed, this.it, k, 31))),
        };
        return ganIteration(pg, this, s, batches);
      });
    } catch (e) {
      if (!(e instanceof pg.PlaygradError)) throw e;
      this.failure = `gan: iteration ${this.it + 1}: ${e.message}`;
      return;
    }
    if (out.bad) {
      this.failure = `gan: iteration ${this.it + 1}: ${out.bad}: the game diverged (lower the learning rates, or use Adam)`;
      return;
    }
    this.it += 1;
    const h = this.history;
    h.it.push(this.it);
    h.dLoss.push(out.dLoss);
    h.gLoss.push(out.gLoss);
    h.dReal.push(out.dReal);
    h.dFake.push(out.dFake);
    this.cache = null;
    if (this.it % this.frameStride === 0 || this.it === s.iterations) this.record();
  }

  /** The picture of the game now (the generated samples, D's view, the manifold, the arrows). */
  picture() {
    if (this.cache) return this.cache;
    const { pg } = this;
    const s = this.state;
    const p = pg.scope(() => {
      const fakeT = pg.noGrad(() => this.G.call(this.zShown));
      const fake = fakeT.toArray();
      if (!fake.every(Number.isFinite)) return { fake, bad: true };
      // D(G(z)) of the shown samples and ∂L_G/∂x on them (the direction G pushes them: −grad).
      const x = pg.tensor(fake, fakeT.shape, { requiresGrad: true });
      const a = this.D.call(x);
      generatorLoss(pg, a, s.gLoss, 'sum').backward();
      const grad = x.grad.toArray();
      this.dOpt.zeroGrad();  // the arrows' backward reached D's weights: clear it
      const dOfFake = pg.sigmoid(a.detach()).toArray();
      const manifold = pg.noGrad(() => this.G.call(this.zGrid)).toArray();
      let heat = null;
      if (this.dim === 2) {
        const g = new Float32Array(HEAT * HEAT * 2);
        for (let r = 0; r < HEAT; r++) {
          for (let c = 0; c < HEAT; c++) {
            g[2 * (r * HEAT + c)] = -DOMAIN + (2 * DOMAIN * (c + 0.5)) / HEAT;
            g[2 * (r * HEAT + c) + 1] = DOMAIN - (2 * DOMAIN * (r + 0.5)) / HEAT;
          }
        }
        heat = pg.noGrad(() => pg.sigmoid(this.D.call(pg.tensor(g, [HEAT * HEAT, 2])))).toArray();
      } else if (this.dim === 1) {
        const g = Float32Array.from({ length: CURVE }, (_, i) => -DOMAIN1 + (2 * DOMAIN1 * i) / (CURVE - 1));
        heat = pg.noGrad(() => pg.sigmoid(this.D.call(pg.tensor(g, [CURVE, 1])))).toArray();
      }
      let dReal = null;
      if (this.images) dReal = pg.noGrad(() => pg.sigmoid(this.D.call(pg.tensor(this.realShown, [DIGIT_REAL, this.px])))).toArray();
      return { fake, grad, dOfFake, manifold, heat, dReal };
    });
    if (p.bad) {
      this.failure = `gan: iteration ${this.it}: a generated sample is not finite: the game diverged (lower the learning rates, or use Adam)`;
      this.cache = p;
      return p;
    }
    const d = Array.from(p.dOfFake, (v) => Math.min(1 - 1e-6, Math.max(1e-6, v)));
    p.perSample = generatorGradients(pg, d);
    if (!this.images) {
      p.coverage = pg.gan.modeCoverage(p.fake, this.target.centres, { dim: this.dim, radius: coverageRadius(s), minShare: 0.25 });
    }
    this.cache = p;
    return p;
  }

  record() {
    const p = this.picture();
    if (p.bad) return;
    // Digits keep their 36 samples per frame, not the 64-image manifold (the current one is shown).
    this.frames.push({ it: this.it, fake: p.fake, heat: p.heat, manifold: this.images ? null : p.manifold, covered: p.coverage?.covered ?? null });
    if (this.frames.length > MAX_FRAMES) {
      this.frames = this.frames.filter((_, i) => i % 2 === 0 || i === this.frames.length - 1);
      this.frameStride *= 2;
      this.viewFrame = null;  // the indices moved: back to now
    }
  }

  setState(state) {
    const changed = Object.keys(state).filter((k) => JSON.stringify(state[k]) !== JSON.stringify(this.state[k]));
    if (!changed.every((k) => IN_PLACE.has(k)) || this.failure || this.problem) return false;
    if (changed.includes('points') && state.target === 'drawn') {
      if ((parseDrawn(state.points).points ?? []).length < 2) return false;  // a new session says what is missing
      this.state = { ...state };
      this.target = this.pg.gan.target(this.targetOptions(SHOWN, mix(state.seed, 5)));
      this.cache = null;
    }
    this.state = { ...state };
    this.gOpt.lr = state.gLr;
    this.dOpt.lr = state.dLr;
    this.cache = null;
    return true;
  }

  command(name, args = {}) {
    if (name === 'scrub') {
      if (args.frame === null || args.frame === undefined) { this.viewFrame = null; return true; }
      const f = Number(args.frame);
      if (!Number.isInteger(f) || f < 0 || f >= this.frames.length) throw new this.pg.PlaygradError(`gan: no frame ${args.frame} to show (0 to ${this.frames.length - 1})`);
      this.viewFrame = f === this.frames.length - 1 ? null : f;
      return true;
    }
    if (name === 'load') {
      if (this.loading) this.tryData();
      return true;
    }
    throw new this.pg.PlaygradError(`gan: unknown command '${name}'`);
  }

  thinHistory(max = 600) {
    const h = this.history;
    const n = h.it.length;
    const stride = Math.max(1, Math.ceil(n / max));
    const pick = (a) => a.filter((_, i) => i % stride === 0 || i === n - 1);
    return { it: pick(h.it), dLoss: pick(h.dLoss), gLoss: pick(h.gLoss), dReal: pick(h.dReal), dFake: pick(h.dFake) };
  }

  snapshot() {
    const s = this.state;
    const base = { target: s.target, dim: this.dim, it: this.it, iterations: s.iterations, failure: this.failure, problem: this.problem,
      loading: this.loading, curves: this.curves, params: this.problem ? null : paramCounts(s, this.images ? (this.px ?? 196) : this.dim) };
    if (this.problem || this.loading || !this.G) return { ...base, history: this.thinHistory() };
    const p = this.picture();
    const frame = this.viewFrame === null ? null : this.frames[this.viewFrame];
    const last = this.history.it.length - 1;
    return {
      ...base,
      history: this.thinHistory(),
      now: last >= 0 ? { dLoss: this.history.dLoss[last], gLoss: this.history.gLoss[last], dReal: this.history.dReal[last], dFake: this.history.dFake[last] } : null,
      frames: this.frames.map((f) => ({ it: f.it, covered: f.covered })),
      viewFrame: this.viewFrame,
      shownIt: frame ? frame.it : this.it,
      fake: frame ? frame.fake : p.fake,
      heat: frame ? frame.heat : p.heat,
      manifold: frame?.manifold ?? p.manifold,
      grad: frame ? null : p.grad,
      dOfFake: p.dOfFake,
      perSample: p.perSample,
      coverage: p.coverage ?? null,
      real: this.images ? this.realShown : this.target.samples,
      dReal: p.dReal ?? null,
      centres: this.images ? null : this.target.centres,
      coverageRadius: coverageRadius(s),
      side: this.side ?? null,
      noise: s.noise,
      manifoldSide: this.images ? DIGIT_MANIFOLD : s.noise === 1 ? MANIFOLD_1D : MANIFOLD,
    };
  }

  result() {
    const snap = this.snapshot();
    const mean = (a) => (a && a.length ? a.reduce((x, y) => x + y, 0) / a.length : null);
    const fakeMean = this.dim === 1 && snap.fake ? mean(Array.from(snap.fake)) : null;
    return {
      target: snap.target, iterations: snap.iterations, iterationsRun: this.it,
      epochsRun: this.it,  // the targets are sampled afresh for every batch: an iteration is the unit of training
      stoppedEarly: !!(this.failure || this.problem) && this.it < this.state.iterations,
      failure: this.failure, problem: this.problem, params: snap.params,
      history: this.history, coverage: snap.coverage, fakeMean,
    };
  }

  dispose() {
    super.dispose();
    for (const o of [this.gOpt, this.dOpt, ...(this.gParams ?? []), ...(this.dParams ?? []), this.G, this.D]) o?.dispose();
    this.gOpt = this.dOpt = this.G = this.D = this.gParams = this.dParams = null;
  }
}

export function session(pg, state) {
  return new GanSession(pg, state);
}

/** The mean of the shown generated samples (1-D targets; plain numbers from the snapshot). */
export function sampleMean(snap) {
  let m = 0;
  for (const v of snap.fake) m += v;
  return m / snap.fake.length;
}

export function report(snap, state) {
  const name = TARGETS.find((t) => t.value === state.target)?.label ?? state.target;
  const lines = [`GAN on ${name}: ${snap.it} of ${snap.iterations} iterations (${state.dSteps} D : ${state.gSteps} G steps each, ${state.gLoss} generator loss, label smoothing ε = ${state.smoothing})`];
  if (snap.problem) return [...lines, snap.problem];
  if (snap.params) lines.push(`Parameters: generator ${snap.params.generator}, discriminator ${snap.params.discriminator}`);
  lines.push(`${initDefaults(state).note}; Adam (β₁ = 0.5): ${adamDefaults(state).note}`);
  if (snap.now) {
    lines.push(`L_D = ${fmt(snap.now.dLoss)}, L_G = ${fmt(snap.now.gLoss)}; mean D(x_real) = ${fmt(snap.now.dReal)}, mean D(G(z)) = ${fmt(snap.now.dFake)}`);
  }
  if (snap.coverage) lines.push(`Modes covered: ${snap.coverage.covered} of ${snap.coverage.k} (counts ${snap.coverage.counts.join(', ')}; radius ${fmt(snap.coverageRadius)})`);
  if (snap.dim === 1 && snap.fake) lines.push(`Mean of the generated samples: ${fmt(sampleMean(snap))} (target ${state.target === 'gaussian1d' ? state.radius : 'mixture'})`);
  if (snap.perSample) {
    const mean = (a) => a.reduce((x, y) => x + Math.abs(y), 0) / a.length;
    lines.push(`Mean |∂L_G/∂a| on the shown samples: minimax ${fmt(mean(snap.perSample.minimax))}, non-saturating ${fmt(mean(snap.perSample.nonsaturating))}`);
  }
  if (snap.failure) lines.push(snap.failure);
  return lines;
}

// ---- exercises -------------------------------------------------------------------------------------

export const exercises = [
  {
    id: 'minimax-grad',
    question: 'The discriminator is sure a fake is fake: D(G(z)) = 0.05. Under the minimax generator loss log(1 − D(G(z))), how large is |∂L_G/∂a|, the gradient reaching the generator through D\'s logit a?',
    answer: { type: 'number', tolerance: 1e-3 },
    solve: (pg) => {
      const g = generatorGradients(pg, [0.05]).minimax[0];
      return { value: Math.abs(g), working: ['$\\partial \\log(1 - \\sigma(a)) / \\partial a = -\\sigma(a) = -D$', `$|\\partial L_G/\\partial a| = D = ${fmt(Math.abs(g))}$ (the core's autograd): almost nothing to learn from`] };
    },
  },
  {
    id: 'ns-grad',
    question: 'The same fake, D(G(z)) = 0.05, under the non-saturating loss −log D(G(z)): how large is |∂L_G/∂a|?',
    answer: { type: 'number', tolerance: 1e-3 },
    solve: (pg) => {
      const g = generatorGradients(pg, [0.05]).nonsaturating[0];
      return { value: Math.abs(g), working: ['$\\partial (-\\log \\sigma(a)) / \\partial a = \\sigma(a) - 1 = -(1 - D)$', `$|\\partial L_G/\\partial a| = 1 - D = ${fmt(Math.abs(g))}$: 19 times the minimax gradient, just when G most needs it`] };
    },
  },
  {
    id: 'equilibrium',
    question: 'At the game\'s equilibrium the generator matches the data and D(x) = ½ everywhere. What is the value V(D, G) = E[log D(x)] + E[log(1 − D(G(z)))] there?',
    answer: { type: 'number', tolerance: 2e-3 },
    solve: (pg) => {
      const v = pg.scope(() => pg.add(pg.log(pg.tensor([0.5])), pg.log(pg.sub(1, pg.tensor([0.5])))).item());
      return { value: v, working: ['$V = \\log \\tfrac12 + \\log(1 - \\tfrac12) = -\\log 4$', `$= ${fmt(v)}$ (the core's log)`] };
    },
  },
];
