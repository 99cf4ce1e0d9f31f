// The nn area of the API (raw bindings in wasm/bind_nn.cpp, core in core/src/nn/): pg.losses,
// pg.optim, pg.init, pg.layers, pg.callbacks, pg.sequential, pg.model, pg.loadModel,
// pg.denseChainTrainer, pg.data.spiral. The math runs in the C++ core (losses.cpp, optim.cpp,
// layers.cpp, model.cpp, train.cpp, dense_chain_trainer.cpp); this module lays out arguments,
// turns options into JSON for the core (the one options convention: wasm/bind_util.h), wraps
// returned handles as Tensors and keeps callbacks from throwing through the core.
// wasm/playgrad.mjs calls install() on the API object; this module never imports the generated
// glue.

// Default layer names as Keras (and model.cpp): an underscore before a capital that follows a
// lower-case letter or starts a word: Conv2D -> conv2d, Conv2DTranspose -> conv2d_transpose.
function snake(kind) {
  let s = '';
  for (let i = 0; i < kind.length; i++) {
    const c = kind[i];
    if (/[A-Z]/.test(c) && i > 0 && (/[a-z]/.test(kind[i - 1]) || /[a-z0-9]/.test(kind[i + 1] ?? ''))) s += '_';
    s += c.toLowerCase();
  }
  return s;
}

/** A node of a functional graph under construction (the result of an input or a layer call). */
export class SymbolicTensor {
  /** @internal */
  constructor(node) { this._node = node; }
  get name() { return this._node.input ? this._node.name : this._node.layer.name; }
}

// Safety net for models and optimizers nobody disposed (as for Tensors in playgrad.mjs).
const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((handle) => { if (!handle.isDeleted()) handle.delete(); })
  : null;

export function install(pg, { Tensor, PlaygradError }) {
  const fail = (msg) => { throw new PlaygradError(msg); };
  const wrap = (h) => new Tensor(pg, h);
  const wrapAll = (hs) => Array.from(hs, wrap);
  const needTensor = (op, x, what = 'argument') => {
    if (!(x instanceof Tensor)) fail(`${op}: ${what} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
    return x._handle;
  };
  const opts = (op, o) => {
    if (o === undefined) return {};
    if (o === null || typeof o !== 'object' || Array.isArray(o)) fail(`${op}: options must be an object`);
    // Only plain objects: a Tensor (or a model) here is a mistake, and serializing one for the
    // core would walk into the wasm module.
    const proto = Object.getPrototypeOf(o);
    if (proto !== Object.prototype && proto !== null) fail(`${op}: options must be a plain object, got ${o.constructor?.name ?? 'an object'}`);
    return o;
  };

  // Options to JSON for the core (pg._options: NaN and Infinity are errors naming the option).
  const toJson = (op, o) => pg._options(op, o);

  // ---- losses ----------------------------------------------------------------------------------
  // Whose rule keeps log 0 away in a loss on probabilities: 'keras' (clip p) or 'pytorch' (clamp the log).
  const clipArg = (op, o) => {
    const c = o.clip ?? 'keras';
    if (c !== 'keras' && c !== 'pytorch') fail(`${op}: clip must be 'keras' or 'pytorch', got ${JSON.stringify(c)}`);
    return c;
  };
  const reduction = (op, o) => {
    const r = o.reduction ?? 'mean';
    if (r !== 'mean' && r !== 'sum' && r !== 'none') fail(`${op}: reduction must be 'mean', 'sum' or 'none', got ${String(r)}`);
    return r;
  };
  pg.losses = {
    /** mean((p - y)²) per sample, then the reduction. */
    mse(pred, target, o) {
      o = opts('mse', o);
      return pg._wrap((c) => c._lossMse(needTensor('mse', pred), needTensor('mse', target), reduction('mse', o)));
    },
    /**
     * -(y log p̂ + (1 - y) log(1 - p̂)), p̂ = clip(p, 1e-7, 1 - 1e-7) (clip 'keras', the default); clip
     * 'pytorch': torch.nn.BCELoss, each log clamped at -100; fromLogits: the log-sum-exp form.
     */
    binaryCrossEntropy(p, target, o) {
      o = opts('binaryCrossEntropy', o);
      return pg._wrap((c) => c._lossBce(needTensor('binaryCrossEntropy', p), needTensor('binaryCrossEntropy', target),
        Boolean(o.fromLogits), reduction('binaryCrossEntropy', o), clipArg('binaryCrossEntropy', o)));
    },
    /** max(z, 0) - z y + log(1 + e^-|z|). */
    binaryCrossEntropyWithLogits(z, target, o) {
      o = opts('binaryCrossEntropyWithLogits', o);
      return pg._wrap((c) => c._lossBce(needTensor('binaryCrossEntropyWithLogits', z),
        needTensor('binaryCrossEntropyWithLogits', target), true, reduction('binaryCrossEntropyWithLogits', o), 'keras'));
    },
    /**
     * -Σ y log p̂ over the last axis (clip 'keras': p̂ = clip(p, 1e-7, 1 - 1e-7); clip 'pytorch':
     * NLLLoss(log p), no clamp, +Infinity at p = 0); fromLogits: -Σ y log_softmax(z).
     */
    categoricalCrossEntropy(p, oneHot, o) {
      o = opts('categoricalCrossEntropy', o);
      return pg._wrap((c) => c._lossCce(needTensor('categoricalCrossEntropy', p), needTensor('categoricalCrossEntropy', oneHot),
        Boolean(o.fromLogits), reduction('categoricalCrossEntropy', o), clipArg('categoricalCrossEntropy', o)));
    },
    /** -log p̂[label] per row; labels: an array of integers, an Int32Array or a Tensor. */
    sparseCategoricalCrossEntropy(p, labels, o) {
      o = opts('sparseCategoricalCrossEntropy', o);
      const op = 'sparseCategoricalCrossEntropy';
      let l = labels;
      if (labels instanceof Tensor) l = labels.toArray();
      else if (!Array.isArray(labels) && !ArrayBuffer.isView(labels)) fail(`${op}: labels must be an array of integers, an Int32Array or a Tensor`);
      return pg._wrap((c) => c._lossScce(needTensor(op, p), l, Boolean(o.fromLogits), reduction(op, o), clipArg(op, o)));
    },
    /** y d² + (1 - y) max(0, margin - d)². The third argument: the margin, or {margin = 1, reduction}. */
    contrastive(distance, same, marginOrOptions) {
      const o = typeof marginOrOptions === 'number' ? { margin: marginOrOptions } : opts('contrastive', marginOrOptions);
      return pg._wrap((c) => c._lossContrastive(needTensor('contrastive', distance), needTensor('contrastive', same),
        o.margin ?? 1, reduction('contrastive', o)));
    },
  };

  // ---- optimizers ----------------------------------------------------------------------------------
  class Optimizer {
    /** @internal */
    constructor(kind, params, o) {
      if (!Array.isArray(params) || !params.every((t) => t instanceof Tensor)) fail(`${kind}: params must be an array of Tensors`);
      this._o = pg._call((c) => c._optimCreate(kind, params.map((t) => t._handle), toJson(kind, opts(kind, o))));
      registry?.register(this, this._o, this);
      this.params = params.slice();
    }
    get _handle() {
      if (!this._o) fail('optimizer: used after dispose()');
      return this._o;
    }
    get kind() { return this.config.kind; }
    /** The options in effect, defaults included. */
    get config() { return JSON.parse(pg._call((c) => c._optimConfig(this._handle))); }
    get lr() { return pg._call((c) => c._optimLr(this._handle)); }
    set lr(v) { pg._call((c) => c._optimSetLr(this._handle, v)); }
    /** Updates every parameter that has a gradient, in place. */
    step() { pg._call((c) => c._optimStep(this._handle)); }
    zeroGrad() { pg._call((c) => c._optimZeroGrad(this._handle)); }
    /** {kind, config, state: [{step, <slot>: [...]}, ...]} */
    state() { return JSON.parse(pg._call((c) => c._optimState(this._handle))); }
    loadState(s) { pg._call((c) => c._optimLoadState(this._handle, typeof s === 'string' ? s : JSON.stringify(s))); }
    dispose() {
      if (!this._o) return;
      registry?.unregister(this);
      this._o.delete();
      this._o = null;
    }
  }
  const mk = (kind) => (params, o) => new Optimizer(kind, params, o);
  pg.optim = {
    Optimizer,
    sgd: mk('sgd'),
    adagrad: mk('adagrad'),
    rmsprop: mk('rmsprop'),
    adam: mk('adam'),
    adamw: mk('adamw'),
    /** lr for an epoch: {kind: 'step', stepSize, gamma} | {kind: 'exponential', gamma} | {kind: 'cosine', tMax, etaMin}. */
    scheduledLr(schedule, lr0, epoch) {
      return pg._call((c) => c._scheduledLr(toJson('lrSchedule', opts('lrSchedule', schedule)), lr0, epoch));
    },
    /** Sets opt.lr per epoch from a schedule; call step() once per epoch. */
    scheduler(opt, schedule) {
      if (!(opt instanceof Optimizer)) fail('scheduler: expected an optimizer');
      const lr0 = opt.lr;
      pg.optim.scheduledLr(schedule, lr0, 0);  // validates
      let epoch = 0;
      return {
        get epoch() { return epoch; },
        get lr() { return opt.lr; },
        step() { epoch += 1; opt.lr = pg.optim.scheduledLr(schedule, lr0, epoch); },
      };
    },
  };

  /**
   * Principal component analysis of x [N, D] (rows are samples) onto k components, in the core
   * (double precision, cyclic Jacobi on the covariance with 1/(N - 1); core/include/playgrad/nn/pca.h):
   * {mean [D], components [k·D] (unit rows, largest entry positive), eigenvalues [k],
   * totalVariance, explained [k], projected [N·k], rows, dims, k, sweeps} (Float64Arrays).
   */
  pg.pca = (x, k = 2) => {
    if (!(x instanceof Tensor)) fail('pca: x must be a Tensor [N, D]');
    if (!Number.isInteger(k) || Math.abs(k) > 2 ** 30) fail(`pca: k must be an integer (a number of components), got ${String(k)}`);
    return pg._call((c) => c._pca(x._handle, k));
  };

  // ---- initializers --------------------------------------------------------------------------------
  const initFn = (spec) => (shape, seed = 0, extra = {}) =>
    pg._wrap((c) => c._init(JSON.stringify(typeof spec === 'string' && Object.keys(extra).length === 0 ? spec : { name: spec, ...extra }), shape, seed));
  installLinePath(pg, { PlaygradError });

  pg.init = {
    zeros: (shape) => initFn('zeros')(shape),
    ones: (shape) => initFn('ones')(shape),
    constant: (shape, value) => initFn('constant')(shape, 0, { value }),
    uniform: (shape, seed, lo = -0.05, hi = 0.05) => initFn('uniform')(shape, seed, { lo, hi }),
    normal: (shape, seed, mean = 0, std = 0.05) => initFn('normal')(shape, seed, { mean, std }),
    glorotUniform: initFn('glorot_uniform'),
    glorotNormal: initFn('glorot_normal'),
    xavierUniform: initFn('glorot_uniform'),
    xavierNormal: initFn('glorot_normal'),
    heUniform: initFn('he_uniform'),
    heNormal: initFn('he_normal'),
    kaimingUniform: initFn('he_uniform'),
    kaimingNormal: initFn('he_normal'),
    /** PyTorch's nn.Linear default, kaiming_uniform_(a = √5): U(±1/√fan_in). */
    pytorchUniform: initFn('pytorch_uniform'),
  };

  // ---- layers ----------------------------------------------------------------------------------------
  // A layer is a function: layer(symbolicTensor or [symbolic tensors]) -> SymbolicTensor.
  function createLayer(kind, config = {}) {
    config = { ...opts(kind, config) };
    const name = config.name;
    const trainable = config.trainable ?? true;
    delete config.name;
    delete config.trainable;
    if (name !== undefined && (typeof name !== 'string' || name === '')) fail(`${kind}: name must be a non-empty string`);
    if (typeof trainable !== 'boolean') fail(`${kind}: trainable must be true or false`);
    // The core checks the config now (a bad option fails here, where the layer is made); the
    // full config (defaults filled in) is asked for only when someone reads layer.config: a
    // model's spec carries the config as given and the core fills the defaults in when it
    // builds the layer (model.spec shows them).
    const json = toJson(kind, config);
    pg._call((c) => c._layerCheck(kind, json));
    let full = null;
    const layer = (inputs) => layer.apply(inputs);
    Object.defineProperty(layer, 'name', { value: name ?? null, writable: true });
    layer.kind = kind;
    Object.defineProperty(layer, 'config', {
      enumerable: true,
      get: () => (full ??= JSON.parse(pg._call((c) => c._layerConfig(kind, json)))),
    });
    layer._config = JSON.parse(json);  // a copy: changing the options object later changes nothing
    layer.trainable = trainable;
    layer.isLayer = true;
    layer.apply = (inputs) => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      if (list.length === 0 || !list.every((s) => s instanceof SymbolicTensor)) {
        fail(`${kind}: call a layer on the result of pg.layers.input() or of another layer (or an array of them)`);
      }
      return new SymbolicTensor({ layer, inbound: list });
    };
    return layer;
  }
  const shorthand = (kind, key) => (a, b) => createLayer(kind, typeof a === 'object' && a !== null ? a : { ...(a === undefined ? {} : { [key]: a }), ...(b ?? {}) });
  pg.layers = {
    /** A model input of this shape (without the batch axis). */
    input(shape, o = {}) {
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 1)) fail('input: shape must be an array of integers >= 1');
      return new SymbolicTensor({ input: true, shape: shape.slice(), name: opts('input', o).name ?? null });
    },
    dense: shorthand('Dense', 'units'),
    activation: shorthand('Activation', 'activation'),
    dropout: shorthand('Dropout', 'rate'),
    batchNormalization: (o) => createLayer('BatchNormalization', o),
    concatenate: (o) => createLayer('Concatenate', o),
    flatten: (o) => createLayer('Flatten', o),
    /** Any registered layer kind by name, e.g. create('Dense', {units: 3}). */
    create: createLayer,
    /** The registered layer kinds. */
    kinds: () => pg._call((c) => Array.from(c._layerKinds())),
  };

  // Every other registered kind (e.g. a vision layer added to core/src/nn/layer_registry.cpp) gets
  // a factory too: Conv2D -> pg.layers.conv2d(config), MaxPooling2D -> pg.layers.maxPooling2d.
  for (const kind of pg.layers.kinds()) {
    const key = (kind[0].toLowerCase() + kind.slice(1)).replace(/([0-9])D/g, '$1d');
    if (!(key in pg.layers)) pg.layers[key] = (config) => createLayer(kind, config);
  }

  // ---- callbacks -------------------------------------------------------------------------------------
  // A monitor keeps its state here as plain data; each update is one stateless core call.
  const monitor = (op, o, call) => {
    const oj = toJson(op, o);
    const first = JSON.parse(pg._call((c) => call(c, oj, '{}', NaN, 0, 0)));  // validates o
    let state = first.state;
    return {
      options: first.options,
      minimize: first.minimize,
      get state() { return structuredClone(state); },
      setState(s) {
        state = JSON.parse(pg._call((c) => call(c, oj, toJson(op, opts(op, s)), NaN, 0, 0))).state;
      },
      update(epoch, value, lr = 0) {
        if (!Number.isInteger(epoch) || epoch < 0) fail(`${op}: epoch must be an integer >= 0, got ${String(epoch)}`);
        if (typeof value !== 'number') fail(`${op}: the monitored value must be a number, got ${typeof value}`);
        const r = JSON.parse(pg._call((c) => call(c, oj, JSON.stringify(state), epoch, value, lr)));
        state = r.state;
        return r.event;
      },
    };
  };
  pg.callbacks = {
    /** Stops when `monitor` has not improved by more than minDelta for `patience` epochs. */
    earlyStopping: (o = {}) => ({ _earlyStopping: opts('earlyStopping', o) }),
    /** Keras' ReduceLROnPlateau: lr ·= factor after `patience` epochs without improvement. */
    reduceLrOnPlateau: (o = {}) => ({ _reduceLrOnPlateau: opts('reduceLrOnPlateau', o) }),
    /**
     * Keras' EarlyStopping rule fed one value per epoch, for a loop that trains step by step (the
     * same core monitor fit() runs). o: {monitor, mode, patience, minDelta, restoreBestWeights,
     * baseline}. update(epoch, value) -> {improved, stop}; the caller saves/restores weights.
     * state / setState(state): plain data, to rewind the monitor to an earlier epoch.
     */
    earlyStoppingMonitor: (o = {}) => monitor('earlyStopping', opts('earlyStopping', o),
      (c, oj, sj, epoch, value) => c._earlyStoppingStep(oj, sj, epoch, value)),
    /**
     * Keras' ReduceLROnPlateau rule fed one value per epoch: update(epoch, value, lr) ->
     * {improved, reduced, oldLr?, lr?} (lr: the lr to use from now on when reduced).
     * o: {monitor, mode, factor, patience, minDelta, cooldown, minLr}.
     */
    reduceLrOnPlateauMonitor: (o = {}) => monitor('reduceLrOnPlateau', opts('reduceLrOnPlateau', o),
      (c, oj, sj, epoch, value, lr) => c._reduceLrStep(oj, sj, epoch, value, lr)),
    /** lr per epoch: a function (epoch, lr) => lr, or a schedule {kind, ...}. */
    learningRateScheduler: (f) => (typeof f === 'function' ? { _lrFn: f } : { _lrSchedule: opts('learningRateScheduler', f) }),
    /** onEpochEnd(epoch, logs) (return true to stop) and onBatchEnd(batch, logs). */
    progress: (o = {}) => {
      o = opts('progress', o);
      for (const k of ['onEpochEnd', 'onBatchEnd']) {
        if (o[k] !== undefined && typeof o[k] !== 'function') fail(`progress: ${k} must be a function`);
      }
      return { onEpochEnd: o.onEpochEnd, onBatchEnd: o.onBatchEnd };
    },
  };

  // ---- models ----------------------------------------------------------------------------------------
  // x or y: a Tensor, an array of Tensors, or data pg.tensor() accepts (made and freed here).
  function tensorList(op, v, what, temps) {
    if (v instanceof Tensor) return [v._handle];
    if (Array.isArray(v) && v.length > 0 && v.every((t) => t instanceof Tensor)) return v.map((t) => t._handle);
    if (Array.isArray(v) && v.some((t) => t instanceof Tensor)) fail(`${op}: ${what} mixes Tensors and other values`);
    if (Array.isArray(v) || ArrayBuffer.isView(v)) {
      const t = pg.tensor(v);
      temps.push(t);
      return [t._handle];
    }
    return fail(`${op}: ${what} must be a Tensor, an array of Tensors or an array of numbers`);
  }
  const withTemps = (fn) => {
    const temps = [];
    try {
      return fn(temps);
    } finally {
      temps.forEach((t) => t.dispose());
    }
  };

  class Model {
    /** @internal */
    constructor(handle) {
      this._m = handle;
      this._infoCache = null;  // the core's description, read when first asked for (a JSON round trip)
      this._specCache = null;  // its spec, likewise (apart: the largest part, and rarely needed)
      registry?.register(this, handle, this);
    }
    get _info() {
      this._infoCache ??= JSON.parse(pg._call((c) => c._modelInfo(this._handle)));
      return this._infoCache;
    }
    _refresh() { this._infoCache = null; this._specCache = null; }
    get inputShapes() { return this._info.inputShapes; }
    get outputShapes() { return this._info.outputShapes; }
    get spec() {
      this._specCache ??= JSON.parse(pg._call((c) => c._modelSpec(this._handle)));
      return this._specCache;
    }
    get seed() { return this._info.seed; }
    get layers() { return this._info.layers; }
    get _handle() {
      if (!this._m) fail('model: used after dispose()');
      return this._m;
    }
    /** Keras-style table: layers, output shapes, parameter counts. */
    summary() { return pg._call((c) => c._modelSummary(this._handle)); }
    /** summary() as data: [{name, kind, shape, shapeText, params, connectedTo: [names]}], graph order. */
    summaryRows() { return JSON.parse(pg._call((c) => c._modelSummaryRows(this._handle))); }
    /**
     * Each output's part of the gradient on one batch (core: Model::head_gradients): per output
     * {name, loss, weight}; per layer with weights {name, kind, feeds: [output indices], norms:
     * [|g_k|], norm: |g|, share: [g_k·g / |g|²], cosine: [[cos(g_j, g_k)]]}, g_k the gradient of
     * w_k·L_k alone over the layer's weights and g = Σ g_k. The weights do not change.
     */
    headGradients(x, y) {
      return withTemps((temps) => JSON.parse(pg._call((c) => c._modelHeadGradients(this._handle,
        tensorList('headGradients', x, 'x', temps), tensorList('headGradients', y, 'y', temps)))));
    }
    countParams() { return this._info.countParams; }
    get trainableParams() { return this._info.trainableParams; }
    get compiled() { return JSON.parse(pg._call((c) => c._modelInfo(this._handle))).compiled; }
    /** The trainable parameters (new Tensor handles sharing the weights; dispose them or use scope). */
    parameters() { return wrapAll(pg._call((c) => c._modelParams(this._handle))); }
    /**
     * Freezes (false) or unfreezes (true) a layer, as Keras' layer.trainable: a frozen layer's
     * weights leave parameters() and trainableParams, the optimizer never moves them and backward
     * computes no gradient for them. A compiled model's optimizer is made again (its state
     * starts afresh, as Keras asks for compile() after changing trainable).
     */
    setTrainable(layer, on) {
      if (typeof layer !== 'string') fail('setTrainable: layer must be a layer name');
      if (typeof on !== 'boolean') fail(`setTrainable: trainable must be true or false, got ${String(on)}`);
      pg._call((c) => c._modelSetTrainable(this._handle, layer, on));
      this._refresh();
    }
    /** Copies these layers' weights from `from` (a model with layers of the same names and shapes). */
    copyWeightsFrom(from, layers) {
      if (!(from instanceof Model)) fail('copyWeightsFrom: from must be a model');
      if (!Array.isArray(layers) || !layers.every((l) => typeof l === 'string')) fail('copyWeightsFrom: layers must be an array of layer names');
      pg._call((c) => c._modelCopyWeights(this._handle, from._handle, JSON.stringify(layers)));
    }
    /** Every weight by "<layer>/<name>", moving statistics included. */
    weights() {
      const o = pg._call((c) => c._modelNamedWeights(this._handle));
      return Object.fromEntries(Object.entries(o).map(([k, h]) => [k, wrap(h)]));
    }
    /** {optimizer: 'adam' | {kind, lr, ...}, loss: name | [names] | {kind, fromLogits, clip}, lossWeights, metrics}. */
    compile(o) {
      o = opts('compile', o);
      const plain = { ...o };
      if (plain.optimizer instanceof Optimizer) fail('compile: pass the optimizer as a name or {kind, ...options}; the model makes its own');
      pg._call((c) => c._modelCompile(this._handle, toJson('compile', plain)));
      this._refresh();
    }
    get lr() { return pg._call((c) => c._modelLr(this._handle)); }
    set lr(v) { pg._call((c) => c._modelSetLr(this._handle, v)); }
    _out(hs) {
      const ts = wrapAll(hs);
      return ts.length === 1 ? ts[0] : ts;
    }
    /** Forward pass with the graph recorded (for custom training loops). */
    call(x, { training = false } = {}) {
      return withTemps((temps) => this._out(pg._call((c) => c._modelForward(this._handle, tensorList('call', x, 'x', temps), Boolean(training)))));
    }
    /**
     * What every node of the graph makes of x, in graph order (inputs first):
     * [{name, kind ('Input' or the layer kind), shape (without the batch axis), output: Tensor}].
     * training: false (default) runs Dropout as the identity and BatchNormalization on its moving statistics.
     */
    activations(x, { training = false } = {}) {
      const nodes = JSON.parse(pg._call((c) => c._modelNodes(this._handle)));
      const outs = withTemps((temps) => wrapAll(pg._call((c) => c._modelForwardNodes(this._handle, tensorList('activations', x, 'x', temps), Boolean(training)))));
      return nodes.map((n, i) => ({ ...n, output: outs[i] }));
    }
    /** The total loss (weighted losses + regularization) of outputs against targets. */
    loss(outputs, y) {
      return withTemps((temps) => pg._wrap((c) => c._modelTotalLoss(this._handle, tensorList('loss', outputs, 'outputs', temps), tensorList('loss', y, 'y', temps))));
    }
    trainOnBatch(x, y) {
      return withTemps((temps) => pg._call((c) => c._modelTrainOnBatch(this._handle, tensorList('trainOnBatch', x, 'x', temps), tensorList('trainOnBatch', y, 'y', temps))));
    }
    /**
     * Trains; returns {epochs, history: {loss: [...], accuracy, val_loss, lr, ...}, stoppedEarly, bestEpoch}.
     * options: epochs, batchSize, shuffle, seed, validationSplit, validationData: [x, y],
     * callbacks: [pg.callbacks.earlyStopping(...), pg.callbacks.reduceLrOnPlateau(...),
     * pg.callbacks.learningRateScheduler(...), {onEpochEnd, onBatchEnd}], earlyStopping,
     * reduceLrOnPlateau, lrSchedule.
     */
    fit(x, y, o) {
      o = { ...opts('fit', o) };
      const callbacks = o.callbacks ?? [];
      delete o.callbacks;
      const validationData = o.validationData;
      delete o.validationData;
      if (!Array.isArray(callbacks)) fail('fit: callbacks must be an array');
      let lrFn = null;
      const listeners = [];
      for (const cb of callbacks) {
        if (!cb || typeof cb !== 'object') fail('fit: every callback must be an object');
        if (cb._earlyStopping) o.earlyStopping = cb._earlyStopping;
        else if (cb._reduceLrOnPlateau) o.reduceLrOnPlateau = cb._reduceLrOnPlateau;
        else if (cb._lrFn) lrFn = cb._lrFn;
        else if (cb._lrSchedule) o.lrSchedule = cb._lrSchedule;
        else listeners.push(cb);
      }
      let error = null;
      const onEpoch = (epoch, logs) => {
        if (error) return true;
        let stop = false;
        try {
          const l = JSON.parse(logs);
          for (const cb of listeners) if (typeof cb.onEpochEnd === 'function' && cb.onEpochEnd(epoch, l) === true) stop = true;
        } catch (e) {
          error = e;
        }
        return stop || error !== null;
      };
      const batchListeners = listeners.filter((cb) => typeof cb.onBatchEnd === 'function');
      const onBatch = batchListeners.length === 0 ? null : (batch, logs) => {
        if (error) return;
        try {
          const l = JSON.parse(logs);
          for (const cb of batchListeners) cb.onBatchEnd(batch, l);
        } catch (e) {
          error = e;
        }
      };
      const lrWrapped = lrFn && ((epoch, lr) => {
        if (error) return lr;
        try {
          const v = lrFn(epoch, lr);
          if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new PlaygradError(`learningRateScheduler: the function returned ${String(v)}, not a finite lr >= 0`);
          return v;
        } catch (e) {
          error = e;
          return lr;
        }
      });
      const history = withTemps((temps) => {
        let vx = null;
        let vy = null;
        if (validationData !== undefined) {
          if (!Array.isArray(validationData) || validationData.length !== 2) fail('fit: validationData must be [x, y]');
          vx = tensorList('fit', validationData[0], 'validation x', temps);
          vy = tensorList('fit', validationData[1], 'validation y', temps);
        }
        return JSON.parse(pg._call((c) => c._modelFit(this._handle, tensorList('fit', x, 'x', temps), tensorList('fit', y, 'y', temps),
          toJson('fit', o), vx, vy, onEpoch, onBatch, lrWrapped)));
      });
      if (error) throw error;
      return history;
    }
    /** {loss, <metrics>...} over the data, in inference mode. */
    evaluate(x, y, { batchSize = 32 } = {}) {
      return withTemps((temps) => JSON.parse(pg._call((c) => c._modelEvaluate(this._handle, tensorList('evaluate', x, 'x', temps), tensorList('evaluate', y, 'y', temps), batchSize))));
    }
    /** Outputs in inference mode: a Tensor, or an array of Tensors for several outputs. */
    predict(x, { batchSize = 32 } = {}) {
      return withTemps((temps) => this._out(pg._call((c) => c._modelPredict(this._handle, tensorList('predict', x, 'x', temps), batchSize))));
    }
    /**
     * What every layer does on one batch (core/include/playgrad/nn/probe.h): one training-mode
     * forward pass, the total loss, one backward pass; the gradients stay in the parameters' .grad,
     * the weights do not change. Returns {loss, rows, layers: [{name, kind, activation, output,
     * weights: [{name, shape, norm, gradNorm, spread, gradSpread}], derivative?}]}.
     * options: {bins = 20, lo, hi, saturation = 0.05}.
     */
    probe(x, y, o) {
      o = opts('probe', o);
      return withTemps((temps) => unpackProbe(pg._call((c) => c._modelProbe(this._handle, tensorList('probe', x, 'x', temps),
        tensorList('probe', y, 'y', temps), toJson('probe', o)))));
    }
    /** λ1·Σ|w| + λ2·Σw² over the layers' regularizers (a 0-d Tensor; 0 when none has one). */
    regularizationLoss() { return pg._wrap((c) => c._modelRegularizationLoss(this._handle)); }
    /**
     * The mask a Dropout layer used in its latest training-mode forward (the latest training
     * step): a Tensor shaped like that batch's input to the layer, 0 (dropped) or 1/(1 - rate) (kept).
     */
    dropoutMask(layer) { return pg._wrap((c) => c._modelDropoutMask(this._handle, layer)); }
    /** The whole model (graph, weights, compile options, optimizer state) as JSON text. */
    save({ includeOptimizer = true } = {}) { return pg._call((c) => c._modelToJson(this._handle, Boolean(includeOptimizer))); }
    /** For JSON.stringify(model): the saved object. */
    toJSON() { return JSON.parse(this.save()); }
    /** Loads the weights from save() output (text or object) into this model. */
    loadWeights(json) { pg._call((c) => c._modelLoadWeights(this._handle, typeof json === 'string' ? json : JSON.stringify(json))); }
    dispose() {
      if (!this._m) return;
      registry?.unregister(this);
      this._m.delete();
      this._m = null;
    }
  }

  // The probe arrives as numbers and names (the layout: js_model_probe in wasm/bind_nn.cpp) and
  // becomes the object the core's JSON form gives (core: to_json(ProbeResult)), keys in the same
  // (sorted) order and a non-finite number as null.
  function unpackProbe({ numbers: n, names }) {
    let i = 0, k = 0;
    const num = () => { const v = n[i++]; return Number.isFinite(v) ? v : null; };
    const stats = () => {
      const mean = num(), std = num(), min = num(), max = num(), nonFinite = num(), lo = num(), hi = num(), below = num(), above = num();
      const bins = n[i++];
      const counts = new Array(bins);
      for (let b = 0; b < bins; b++) counts[b] = n[i++];
      return { histogram: { above, below, counts, hi, lo }, max, mean, min, nonFinite, std };
    };
    const loss = num(), rows = num(), count = n[i++];
    const layers = [];
    for (let l = 0; l < count; l++) {
      const name = names[k++], kind = names[k++], activation = names[k++];
      const nw = n[i++], hasDerivative = n[i++] === 1;
      const output = stats();
      const weights = [];
      for (let w = 0; w < nw; w++) {
        const wname = names[k++];
        const nd = n[i++];
        const shape = new Array(nd);
        for (let d = 0; d < nd; d++) shape[d] = n[i++];
        const norm = num(), gradNorm = num(), spread = num(), gradSpread = num();
        weights.push({ gradNorm, gradSpread, name: wname, norm, shape, spread });
      }
      let derivative;
      if (hasDerivative) {
        const { histogram, max, mean, min, nonFinite, std } = stats();
        const peak = num(), threshold = num(), saturatedShare = num(), zeroShare = num(), deadShare = num(), deadUnits = num(), units = num();
        derivative = { deadShare, deadUnits, histogram, max, mean, min, nonFinite, peak, saturatedShare, std, threshold, units, zeroShare };
      }
      layers.push(derivative ? { activation, derivative, kind, name, output, weights } : { activation, kind, name, output, weights });
    }
    return { layers, loss, rows };
  }

  // Collects the graph from the outputs back to the inputs into the core's spec.
  function specOf(inputs, outputs) {
    if (!inputs.every((s) => s instanceof SymbolicTensor && s._node.input)) fail('model: inputs must come from pg.layers.input()');
    if (outputs.length === 0 || !outputs.every((s) => s instanceof SymbolicTensor)) fail('model: outputs must be results of layer calls');
    const order = [];
    const index = new Map();
    const stack = outputs.map((s) => [s, false]);
    while (stack.length) {  // iterative post-order: a node after its inbound nodes
      const [s, done] = stack.pop();
      if (index.has(s)) continue;
      if (done || s._node.input) {
        index.set(s, order.length);
        order.push(s);
        continue;
      }
      stack.push([s, true]);
      for (const i of [...s._node.inbound].reverse()) if (!index.has(i)) stack.push([i, false]);
    }
    const layers = [];
    const layerNames = new Map();
    const used = new Set();
    const counts = {};
    const layerName = (l) => {
      if (layerNames.has(l)) return layerNames.get(l);
      let n = l.name;
      if (!n) {
        const base = snake(l.kind);
        do {
          const k = counts[base] ?? 0;
          counts[base] = k + 1;
          n = k === 0 ? base : `${base}_${k}`;
        } while (used.has(n));
      }
      if (used.has(n)) fail(`model: two layers are named '${n}'`);
      used.add(n);
      layerNames.set(l, n);
      layers.push({ kind: l.kind, name: n, config: l._config, ...(l.trainable === false ? { trainable: false } : {}) });
      return n;
    };
    let inputCount = 0;
    const nodes = order.map((s) => (s._node.input
      ? { input: s._node.shape, name: s._node.name ?? `input_${++inputCount}` }
      : { layer: layerName(s._node.layer), inbound: s._node.inbound.map((i) => index.get(i)) }));
    for (const s of inputs) if (!index.has(s)) fail('model: an input is not connected to the outputs');
    return { layers, nodes, inputs: inputs.map((s) => index.get(s)), outputs: outputs.map((s) => index.get(s)) };
  }

  /** The functional API: pg.model({inputs, outputs, seed}). */
  pg.model = (o) => {
    o = opts('model', o);
    if (o.graph !== undefined) o = { ...o, spec: pg.graphSpec(o.graph).spec };
    // A spec as pg.graphSpec or model.spec gives it: {layers, nodes, inputs, outputs}.
    if (o.spec !== undefined) return new Model(pg._call((c) => c._modelCreate(toJson('model', o.spec), o.seed ?? 0)));
    const inputs = Array.isArray(o.inputs) ? o.inputs : [o.inputs];
    const outputs = Array.isArray(o.outputs) ? o.outputs : [o.outputs];
    const spec = specOf(inputs, outputs);
    return new Model(pg._call((c) => c._modelCreate(JSON.stringify(spec), o.seed ?? 0)));
  };
  /**
   * A functional graph described by names, in any order: {nodes: [{name, kind: 'Input', shape} |
   * {name, kind, config, inputs: [names]}], outputs: [names]} -> {spec, unused} (core: graph_spec).
   * Throws the core's reason for a cycle, an input that reaches no output, a layer with no input.
   * pg.model({graph, seed}) builds it; pg.model({spec, seed}) builds a spec this returned.
   */
  pg.graphSpec = (graph) => {
    if (!graph || typeof graph !== 'object') fail('graph: expected {nodes, outputs}');
    return JSON.parse(pg._call((c) => c._graphSpec(JSON.stringify(graph))));
  };
  /** A chain of layers after one input: pg.sequential([layers], {inputShape, seed}). */
  pg.sequential = (layers, o = {}) => {
    o = opts('sequential', o);
    if (!Array.isArray(layers) || !layers.every((l) => typeof l === 'function' && l.isLayer)) fail('sequential: expected an array of layers');
    if (!Array.isArray(o.inputShape)) fail('sequential: options.inputShape (the shape of one sample) is required');
    const inp = pg.layers.input(o.inputShape);
    let cur = inp;
    for (const l of layers) cur = l(cur);
    return pg.model({ inputs: [inp], outputs: [cur], seed: o.seed ?? 0 });
  };
  /** A model from save() output (text or object): graph, weights, compile options, optimizer state. */
  pg.loadModel = (json) => new Model(pg._call((c) => c._modelFromJson(typeof json === 'string' ? json : JSON.stringify(json))));
  pg.Model = Model;
  pg.SymbolicTensor = SymbolicTensor;

  /**
   * An element-wise activation on a 1-d grid x (an array or a Tensor), forward and backward through
   * the layers' own code: {name, alpha, slope, peak, threshold, value, derivative, slopeGrad,
   * saturated, intervals}. options: {alpha (leaky_relu, default 0.01), slope (prelu, 0.25), saturation (0.05)}.
   */
  pg.activationCurve = (name, x, o) => {
    o = opts('activationCurve', o);
    if (typeof name !== 'string') fail('activationCurve: name must be a string');
    const num = (k, d) => {
      const v = o[k] ?? d;
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(`activationCurve: ${k} must be a finite number, got ${String(v)}`);
      return v;
    };
    return withTemps((temps) => {
      let t = x;
      if (!(x instanceof Tensor)) {
        if (!Array.isArray(x) && !ArrayBuffer.isView(x)) fail('activationCurve: x must be a Tensor or an array of numbers');
        t = pg.tensor(x);
        temps.push(t);
      }
      const options = toJson('activationCurve', { alpha: num('alpha', 0.01), slope: num('slope', 0.25), saturation: num('saturation', 0.05) });
      return JSON.parse(pg._call((c) => c._activationCurve(name, t._handle, options)));
    });
  };

  // ---- the fused Dense-chain trainer -----------------------------------------------------------
  // pg.denseChainTrainer(model): for a compiled chain of Dense layers (linear/tanh/relu/sigmoid)
  // with loss 'mse' and any optimizer, step(x, y) runs forward, backward and the optimizer's own
  // step in one call into C++ (core/src/nn/dense_chain_trainer.cpp) with no allocation per step,
  // updating the model's weights in place; it returns the loss before the update and gives the
  // numbers model.trainOnBatch gives (to float rounding). It makes its own optimizer (the model's
  // kind and options), starting from zero state as a freshly compiled model does.
  //
  //   const t = pg.denseChainTrainer(model);  // throws if the model does not fit (the message says why)
  //   for (...) loss = t.step(x, y);          // x [N, features], y [N, outputs]: Tensors
  //   t.dispose();
  const failDc = (msg) => { throw new PlaygradError(`denseChainTrainer: ${msg}`); };
  class DenseChainTrainer {
    constructor(model) {
      if (!(model instanceof pg.Model)) failDc('expected a model (pg.sequential or pg.model)');
      this._t = pg._call((c) => c._denseChainTrainerCreate(model._handle));
      this.model = model;
    }
    get _handle() {
      if (!this._t) failDc('used after dispose()');
      return this._t;
    }
    /** One step on x [N, features], y [N, outputs] (Tensors); returns the loss before the update. */
    step(x, y) {
      const h = this._handle;
      if (!(x instanceof Tensor) || !(y instanceof Tensor)) failDc('step(x, y) needs two Tensors');
      return pg._call((c) => c._denseChainTrainerStep(h, x._handle, y._handle));
    }
    get steps() { return pg._call((c) => c._denseChainTrainerSteps(this._handle)); }
    dispose() {
      if (!this._t) return;
      this._t.delete();
      this._t = null;
    }
  }
  pg.denseChainTrainer = (model) => new DenseChainTrainer(model);
  pg.DenseChainTrainer = DenseChainTrainer;

  pg.metrics = {
    /**
     * The confusion matrix of probs [N, C] (each row's argmax, the first maximum on a tie: the
     * accuracy metric's rule) against integer labels [N]: { classes, matrix: C rows of C counts
     * (row = true class, column = predicted), predicted: [N] }.
     */
    confusionMatrix(probs, labels) {
      const t = needTensor('confusionMatrix', probs, 'probs');
      if (!Array.isArray(labels) && !ArrayBuffer.isView(labels)) fail('confusionMatrix: labels must be an array of class indices');
      const r = pg._call((c) => c._confusionMatrix(t, labels));
      const C = r.classes;
      return { classes: C, matrix: Array.from({ length: C }, (_, i) => r.counts.slice(i * C, (i + 1) * C)), predicted: r.predicted };
    },
  };

  pg.data = {
    /** CS231n's spiral: {x: [classes·points, 2], y: labels [classes·points]} (seeded, from the core). */
    spiral(points = 100, classes = 3, seed = 0) {
      const [x, y] = wrapAll(pg._call((c) => c._spiral(points, classes, seed)));
      return { x, y };
    },
    /**
     * The playground's toy datasets (core/include/playgrad/nn/datasets.h): {x: [points, 2], y: [points]},
     * y the class index (classification) or the target (plane, wave). Points lie in [-6, 6]².
     */
    toy(name, { points = 200, classes = 2, noise = 0, seed = 0 } = {}) {
      if (typeof name !== 'string') fail('data.toy: the dataset name must be a string');
      const [x, y] = wrapAll(pg._call((c) => c._toyDataset(name, toJson('data.toy', { points, classes, noise, seed }))));
      return { x, y };
    },
    /** The playground's input features of points x [N, 2]: names from x1, x2, x1^2, x2^2, x1x2, sinx1, sinx2 -> [N, names.length]. */
    features(x, names) {
      if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) fail('data.features: names must be an array of feature names');
      return pg._wrap((c) => c._toyFeatures(needTensor('data.features', x, 'x'), names));
    },
    /** 0 .. n-1 shuffled by the core's seeded Fisher-Yates (the order fit() uses), as an Int32Array. */
    permutation(n, seed = 0) {
      return Int32Array.from(pg._call((c) => c._permutation(n, seed)));
    },
    /** [{name, minClasses, maxClasses}] (0 classes: a regression dataset). */
    toyDatasets() {
      return JSON.parse(pg._call((c) => c._toyDatasets()));
    },
  };
}

// pg.optim.linePath(x, y, {w0, b0, lr, batchSize, epochs, seed, limit}): gradient descent on the
// line ŷ = w·x + b under the MSE, full batch (batchSize 0 or >= N), mini-batch or stochastic
// (batchSize 1), all steps in one call to the core (core/src/nn/line_fit.cpp): per epoch the rows
// are shuffled as model.fit shuffles them (seeded Fisher-Yates, without replacement) and cut into
// ceil(N / B) batches; per batch the MSE's autograd graph, backward() and the core's SGD step.
//
//   const p = pg.optim.linePath([1, 2, 3], [3, 5, 7], { lr: 0.05, batchSize: 1, epochs: 10, seed: 1 });
//   p.w, p.b, p.loss      // Float32Arrays: the points (w_t, b_t), t = 0 .. k, and the full MSE at each
//   p.gw, p.gb, p.batchLoss // per step: the batch gradient the step used and the batch's MSE
//   p.order               // Int32Array: each epoch's row order (epochs · N); batch s of epoch e is
//                         // order[e·N + s·B .. e·N + min((s + 1)·B, N))
//   p.stop                // '' when every step ran, else why it stopped ('diverged at step 7: ...')
// pg.optim.lineStats(x, y): Σx, Σx², Σy, Σxy, Σy², the MSE's Hessian H = 2/N [[Σx², Σx], [Σx, N]],
// its eigenvalues, the threshold lrMax = 2 / λmax of full-batch descent, and the least-squares
// line (wOpt, bOpt, lossOpt; unique false and NaN when every x is the same).
const LINE_PATH_DEFAULTS = { w0: 0, b0: 0, lr: 0.01, batchSize: 0, epochs: 1, seed: 0, limit: 1e4 };

/** Adds linePath() and lineStats() to pg.optim (called by install() below, once pg.optim exists). */
function installLinePath(pg, { PlaygradError }) {
  const fail = (msg) => { throw new PlaygradError(msg); };
  const points = (op, v, what) => {
    if (!Array.isArray(v) && !ArrayBuffer.isView(v)) fail(`${op}: ${what} must be an array of numbers`);
    return v;
  };
  pg.optim.linePath = function linePath(x, y, options = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) fail('linePath: options must be an object');
    for (const k of Object.keys(options)) if (!(k in LINE_PATH_DEFAULTS)) fail(`linePath: unknown option '${k}'`);
    const o = { ...LINE_PATH_DEFAULTS, ...options };
    const r = pg._call((c) => c._linePath(points('linePath', x, 'x'), points('linePath', y, 'y'), pg._options('linePath', o)));
    return { ...r, steps: r.w.length - 1 };
  };
  // pg.optim.elasticNet2d(x, y, {l1, l2, w0, steps, tol, lo, hi, grid, boundary}): the two-weight
  // elastic net ŷ = w1·x1 + w2·x2 under MSE + λ1‖w‖₁ + λ2‖w‖² (core/include/playgrad/nn/elastic_net.h):
  // least squares (ols), the proximal-gradient path (prox, x/y pairs) to the minimizer opt (exact
  // zeros), the subgradient path (sub) with the same step, the MSE on a grid (contour) and the
  // boundary of the penalty region through opt (region).
  pg.optim.elasticNet2d = function elasticNet2d(x, y, options = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) fail('elasticNet2d: options must be an object');
    const known = ['l1', 'l2', 'w0', 'steps', 'tol', 'lo', 'hi', 'grid', 'boundary'];
    for (const k of Object.keys(options)) if (!known.includes(k)) fail(`elasticNet2d: unknown option '${k}'`);
    return pg._call((c) => c._elasticNet2d(points('elasticNet2d', x, 'x'), points('elasticNet2d', y, 'y'), pg._options('elasticNet2d', options)));
  };
  pg.optim.lineStats = function lineStats(x, y) {
    return pg._call((c) => c._lineStats(points('lineStats', x, 'x'), points('lineStats', y, 'y')));
  };
}
