// playgrad: the JavaScript API over the WebAssembly core.
//
// This module is the only importer of the generated Emscripten glue (./build/playgrad_core.mjs).
// It turns the raw underscore bindings into the public API: Tensor objects that own a handle
// into the wasm heap, results copied out of wasm memory (no view of it outlives a call), errors
// from C++ as PlaygradError (an Error subclass carrying the C++ message), dispose() and scope()
// to free what was made, and a FinalizationRegistry as a safety net for tensors nobody disposed.
//
//   import { load } from 'playgrad';
//   const pg = await load();
//   const x = pg.tensor([1, 2, 3, 4, 5, 6], [2, 3], { requiresGrad: true });
//   const y = pg.sum(pg.softmax(x, -1)); y.backward(); x.grad.toArray();
import createPlaygradCore from './build/playgrad_core.mjs';
import { installExpr, installOptimPath } from './api/expr.mjs';
import { install as installNn } from './api/nn.mjs';
import { installVision } from './api/vision.mjs';
import { installTrace } from './api/trace.mjs';
import { installSearch } from './api/search.mjs';
import { installSimilarity } from './api/similarity.mjs';
import { installSegmentation } from './api/segmentation.mjs';
import { installGan } from './api/gan.mjs';

export class PlaygradError extends Error {
  constructor(message) {
    super(message);
    this.name = 'PlaygradError';
  }
}

const isNode = typeof process === 'object' && process.versions != null && process.versions.node != null;

let instance = null;

/**
 * Instantiates the SIMD core once and returns the API object. Later calls return the same one.
 * options.threads: false for the one-thread build; a number for that many threads by default
 *   and in the pool (otherwise the machine's cores, at most 16). The threaded build is used in Node and on pages
 *   that are cross-origin isolated (COOP/COEP headers, docs/threads.md); elsewhere (file://, a
 *   host without the headers) the one-thread build is, whatever this says. pg.threads() tells.
 * options.wasmBinary: the .wasm bytes of the build used (otherwise read from disk in Node,
 *   fetched in a browser);
 * options.locateFile: where the browser finds playgrad_core.wasm, playgrad_core_mt.wasm and
 *   playgrad_core_mt.worker.js (Emscripten's hook);
 * options.factory: another build of the glue's factory (the single-file build, for file://).
 */
export function load(options = {}) {
  if (!instance) {
    instance = instantiate(options).catch((e) => {
      instance = null;
      throw e;
    });
  }
  return instance;
}

// The thread pool's size (the calling thread plus preloaded workers) and the default count:
// the machine's cores, at most 16, or options.threads when that is a number (it may exceed the
// cores: the pool is then that large). No more workers are preloaded than that: each one loads
// and instantiates the core before load() resolves.
async function threadPlan(requested) {
  let cores = 1;
  if (isNode) {
    const os = await import(/* webpackIgnore: true */ 'node:os');
    cores = os.availableParallelism?.() ?? os.cpus().length;
  } else if (typeof navigator === 'object' && navigator.hardwareConcurrency) {
    cores = navigator.hardwareConcurrency;
  }
  // In Node, PLAYGRAD_THREADS sets the default as options.threads would (as OMP_NUM_THREADS does
  // for native libraries): e.g. 1 where several processes share the cores, as a test runner's.
  if (requested === undefined && isNode && process.env.PLAYGRAD_THREADS !== undefined) {
    requested = Number(process.env.PLAYGRAD_THREADS);
    if (!Number.isInteger(requested) || requested < 1) {
      throw new PlaygradError(`load: PLAYGRAD_THREADS must be an integer >= 1, got '${process.env.PLAYGRAD_THREADS}'`);
    }
  }
  const wanted = typeof requested === 'number' ? requested : Math.min(cores, 16);
  if (!Number.isInteger(wanted) || wanted < 1) {
    throw new PlaygradError(`load: threads must be false, true or an integer >= 1, got ${requested}`);
  }
  const pool = Math.min(16, Math.max(cores, wanted));
  return { pool, threads: Math.min(wanted, pool) };
}

/**
 * How many threads load() with no options would run here: the machine's cores (at most 16, or
 * PLAYGRAD_THREADS in Node) where the threaded build can run, otherwise 1. A page's main thread
 * loads the one-thread core (web/app.mjs) and names with this what its training worker runs on.
 */
export async function defaultThreads() {
  return threadsAvailable() ? (await threadPlan(undefined)).threads : 1;
}

// Whether the threaded build can run here: Node, or a cross-origin isolated page or worker
// (SharedArrayBuffer needs it). The single-file page never has it (file:// is not isolated).
function threadsAvailable() {
  if (globalThis.PLAYGRAD_SINGLE_FILE) return false;
  if (isNode) return typeof SharedArrayBuffer === 'function';
  return globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
}

// In Node the threaded glue (built for the web) starts its pthreads with `new Worker(url)`:
// this class is that Worker, a worker_threads.Worker running wasm/node-pthread.mjs, which gives
// the worker script the Web Worker globals it expects. It is installed as globalThis.Worker only
// while the glue's factory runs (the pool's workers are all created then: -sPTHREAD_POOL_SIZE
// with PTHREAD_POOL_SIZE_STRICT=2 never starts another), then the previous value is restored.
// The workers keep the process alive until they have loaded the core, then are unref'd: idle
// pool threads do not keep a script from exiting.
async function nodeWorkerClass() {
  const { Worker: NodeWorker } = await import(/* webpackIgnore: true */ 'node:worker_threads');
  const entry = new URL('./node-pthread.mjs', import.meta.url);
  const started = [];
  // The process's flags, less those a worker refuses (`node --input-type=module -e '...'`).
  const execArgv = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const a = process.execArgv[i];
    if (/^(-e|-p|--eval|--print)$/.test(a)) i++;  // and its script
    else if (!/^(--input-type|--eval=|--print=)/.test(a)) execArgv.push(a);
  }
  return class PthreadWorker {
    static unrefAll() { started.splice(0).forEach((w) => w.unref()); }
    constructor(url) {
      this._w = new NodeWorker(entry, { workerData: { script: String(url) }, execArgv });
      this._w.on('message', (data) => this.onmessage?.({ data }));
      this._w.on('error', (e) => this.onerror?.(e));
      started.push(this._w);
    }
    postMessage(message, transfer) { this._w.postMessage(message, transfer); }
    terminate() { this._w.terminate(); }
  };
}

// The glue's warning when the main thread waits on a lock: a kernel waits there for its pool
// threads, which never wait on the main thread, so it cannot deadlock; other messages pass.
const BLOCKING_WARNING = 'Blocking on the main thread is very dangerous';
const printErr = (text) => { if (!String(text).startsWith(BLOCKING_WARNING)) console.warn(text); };

async function instantiate(options) {
  const threaded = !options.factory && options.threads !== false && threadsAvailable();
  const plan = threaded ? await threadPlan(options.threads) : null;
  const moduleArgs = {};
  if (options.wasmBinary) moduleArgs.wasmBinary = options.wasmBinary;
  else if (isNode && !options.factory) {
    // Emscripten 3.1.6's loader cannot fetch in Node 20: read the bytes ourselves.
    const { readFile } = await import(/* webpackIgnore: true */ 'node:fs/promises');
    const file = threaded ? './build/playgrad_core_mt.wasm' : './build/playgrad_core.wasm';
    moduleArgs.wasmBinary = await readFile(new URL(file, import.meta.url));
  }
  if (options.locateFile) moduleArgs.locateFile = options.locateFile;
  let core;
  if (threaded) {
    // Not a static import: the single-file bundle (esbuild) must not pull in the threaded glue.
    const glue = new URL('./build/playgrad_core_mt.mjs', import.meta.url).href;
    const { default: factory } = await import(/* webpackIgnore: true */ glue);
    moduleArgs.pgWorkers = plan.pool - 1; // read by the glue: -sPTHREAD_POOL_SIZE=Module.pgWorkers
    moduleArgs.printErr = printErr;
    const NodeWorker = isNode ? await nodeWorkerClass() : null;
    const saved = globalThis.Worker;
    if (NodeWorker) globalThis.Worker = NodeWorker;
    let started;
    try {
      started = factory(moduleArgs);
    } finally {
      if (NodeWorker) globalThis.Worker = saved;
    }
    core = await started;
    NodeWorker?.unrefAll();
    core._configureThreads(plan.pool, plan.threads);
  } else {
    core = await (options.factory ?? createPlaygradCore)(moduleArgs);
  }
  return new Playgrad(core);
}

// ---- helpers ----------------------------------------------------------------------------------

function toError(e) {
  if (e instanceof PlaygradError) return e;
  if (e instanceof Error) {
    const err = new PlaygradError(e.message);
    return err;
  }
  return new PlaygradError(`playgrad: unexpected error ${String(e)}`);
}

// Flattens nested arrays ([[1,2],[3,4]]) and infers their shape.
function flatten(data) {
  if (ArrayBuffer.isView(data)) return { values: data, shape: [data.length] };
  if (!Array.isArray(data)) {
    if (typeof data === 'number') return { values: [data], shape: [] };
    throw new PlaygradError(`tensor: data must be a number, an array or a typed array, got ${typeof data}`);
  }
  const shape = [];
  for (let level = data; Array.isArray(level); level = level[0]) shape.push(level.length);
  const values = [];
  const walk = (node, depth) => {
    if (depth === shape.length) {
      if (typeof node !== 'number') {
        throw new PlaygradError(`tensor: data must hold numbers, found ${node === null ? 'null' : typeof node}`);
      }
      values.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new PlaygradError(`tensor: nested arrays are ragged at depth ${depth} (expected length ${shape[depth]})`);
    }
    for (const child of node) walk(child, depth + 1);
  };
  walk(data, 0);
  return { values, shape };
}

// The first [key, number] in v that is NaN or ±Infinity, in JSON.stringify's order (toJSON
// applied first, own enumerable keys, array items by index), or null when there is none.
function nonFinite(v, key) {
  if (v !== null && typeof v === 'object' && typeof v.toJSON === 'function') v = v.toJSON(key);
  if (typeof v === 'number') return Number.isFinite(v) ? null : [key, v];
  if (v === null || typeof v !== 'object') return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = nonFinite(v[i], String(i));
      if (bad) return bad;
    }
    return null;
  }
  for (const k of Object.keys(v)) {
    const bad = nonFinite(v[k], k);
    if (bad) return bad;
  }
  return null;
}

function checkShape(op, shape) {
  if (!Array.isArray(shape)) throw new PlaygradError(`${op}: shape must be an array of integers`);
  return shape;
}

// ---- Tensor -----------------------------------------------------------------------------------

const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((handle) => { if (!handle.isDeleted()) handle.delete(); })
  : null;

export class Tensor {
  /** @internal */
  constructor(pg, handle) {
    this._pg = pg;
    this._h = handle;
    registry?.register(this, handle, this);
    pg._track(this);
  }

  /** @internal the live handle, or an Error after dispose() */
  get _handle() {
    if (this._h === null) throw new PlaygradError('tensor: used after dispose()');
    return this._h;
  }

  get shape() { return this._pg._call((c) => c._shape(this._handle)); }
  get size() { return this._pg._call((c) => c._numel(this._handle)); }
  get ndim() { return this.shape.length; }
  get requiresGrad() { return this._pg._call((c) => c._requiresGrad(this._handle)); }
  set requiresGrad(on) { this._pg._call((c) => c._setRequiresGrad(this._handle, Boolean(on))); }
  get disposed() { return this._h === null; }

  /** A Float32Array copy of the values, row-major. */
  toArray() { return this._pg._call((c) => c._toArray(this._handle)); }
  /** Nested JavaScript arrays (row-major), e.g. [[1, 2], [3, 4]]. */
  toNested() {
    const flat = Array.from(this.toArray());
    const shape = this.shape;
    if (shape.length === 0) return flat[0];
    let i = 0;
    const build = (d) => Array.from({ length: shape[d] }, () => (d === shape.length - 1 ? flat[i++] : build(d + 1)));
    return build(0);
  }
  /** The value of a one-element tensor. */
  item() { return this._pg._call((c) => c._item(this._handle)); }

  /** Gradient of this one-element tensor with respect to every leaf that requires grad. */
  backward() { this._pg._call((c) => c._backward(this._handle)); }
  /** The accumulated gradient (a new Tensor each time: dispose it or use scope), or null. */
  get grad() {
    const pg = this._pg;
    return pg._call((c) => (c._hasGrad(this._handle) ? new Tensor(pg, c._grad(this._handle)) : null));
  }
  zeroGrad() { this._pg._call((c) => c._zeroGrad(this._handle)); }
  /** Same values, no graph, requiresGrad false (shares memory). */
  detach() { return this._pg._wrap((c) => c._detach(this._handle)); }

  /** Frees the wasm memory this tensor holds (memory shared with a graph stays until that goes). */
  dispose() {
    if (this._h === null) return;
    registry?.unregister(this);
    this._h.delete();
    this._h = null;
  }

  toString() {
    return this.disposed ? 'Tensor(disposed)' : `Tensor(shape=[${this.shape}])`;
  }
  /**
   * JSON.stringify(tensor) gives the same short description: without it, stringifying options
   * that held a Tensor walked into the wasm module (its whole heap) and took minutes.
   */
  toJSON() { return this.toString(); }
}

function collectTensors(value, out = new Set()) {
  if (value instanceof Tensor) out.add(value);
  else if (Array.isArray(value)) value.forEach((v) => collectTensors(v, out));
  else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    Object.values(value).forEach((v) => collectTensors(v, out));
  }
  return out;
}

// ---- the API object ---------------------------------------------------------------------------

class Playgrad {
  constructor(core) {
    this._core = core;
    this._scopes = [];
    this.version = core._version();
    this.simd = core._simd();
    this.Tensor = Tensor;
    this.PlaygradError = PlaygradError;
    installNn(this, { Tensor, PlaygradError });  // pg.losses, pg.optim, pg.layers, pg.model, ... (wasm/api/nn.mjs)
    installVision(this); // pg.conv2d, pg.maxPool2d, ... and pg.vision.* (wasm/api/vision.mjs)
    installOptimPath(this, { PlaygradError }); // pg.optim.path (wasm/api/expr.mjs)
    installSearch(this, { PlaygradError }); // pg.search.sample, .grid, .choice (wasm/api/search.mjs)
    installSimilarity(this, { Tensor, PlaygradError }); // pg.similarity.roc, .thresholdCounts, .nearest (wasm/api/similarity.mjs)
    installSegmentation(this, { Tensor, PlaygradError }); // pg.data.scenes, pg.metrics.segmentation (wasm/api/segmentation.mjs)
    installGan(this, { Tensor, PlaygradError }); // pg.gan.target, .modeCoverage (wasm/api/gan.mjs)
  }

  /** JSON.stringify never walks into the wasm module (its heap is gigabytes of numbers). */
  toJSON() { return `Playgrad ${this.version}`; }

  /**
   * @internal runs fn(core), turning any error into a PlaygradError. A binding that fails does not
   * throw: it leaves its message in core.pgError and returns an empty value (guard() in
   * wasm/bind_util.h), which _raise() discards before throwing the message.
   */
  _call(fn) {
    const core = this._core;
    let r;
    try {
      r = fn(core);
    } catch (e) {
      core.pgError = undefined;
      throw toError(e);
    }
    if (core.pgError !== undefined) this._raise(r);
    return r;
  }
  /** @internal throws the error a binding reported, after deleting the empty value it returned */
  _raise(r) {
    const message = this._core.pgError;
    this._core.pgError = undefined;
    if (r !== null && typeof r === 'object' && typeof r.delete === 'function') r.delete();
    throw new PlaygradError(message);
  }
  /** @internal runs fn(core) and wraps the returned handle */
  _wrap(fn) { return new Tensor(this, this._call(fn)); }
  /**
   * @internal A call's options for the core: one JSON text, the one options convention of the
   * binding (wasm/bind_util.h). JSON has no NaN or Infinity (JSON.stringify writes null, which the
   * core reads as "use the default"): a non-finite number is an error naming the option.
   */
  _options(op, o) {
    // The check walks the value as JSON.stringify does (so the first bad key is the one a
    // replacer would see), then JSON.stringify runs without a replacer: V8's fast path, several
    // times quicker than with one.
    const bad = nonFinite(o, '');
    if (bad) throw new PlaygradError(`${op}: ${bad[0] || 'option'} must be a finite number, got ${bad[1]}`);
    return JSON.stringify(o);
  }
  /** @internal */
  _track(t) { if (this._scopes.length) this._scopes[this._scopes.length - 1].push(t); }

  // Tensor or number -> [handle, temp-to-dispose]
  _arg(op, x) {
    if (x instanceof Tensor) return [x._handle, null];
    if (typeof x === 'number') {
      const t = new Tensor(this, this._call((c) => c._full([], x)));
      return [t._handle, t];
    }
    throw new PlaygradError(`${op}: expected a Tensor or a number, got ${x === null ? 'null' : typeof x}`);
  }
  // The ops below are the per-op path of every op-by-op loop: one call into the core, no closure
  // and no temporary arrays on the way (bench/figures/basics.mjs measures it).
  _unary(op, raw, x, ...rest) {
    if (!(x instanceof Tensor)) throw new PlaygradError(`${op}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
    const h = x._handle;
    const core = this._core;
    let out;
    try {
      out = core[raw](h, ...rest);
    } catch (e) {
      throw toError(e);
    }
    if (core.pgError !== undefined) this._raise(out);
    return new Tensor(this, out);
  }
  _binary(op, raw, a, b) {
    if (a instanceof Tensor && b instanceof Tensor) {
      const ha = a._handle, hb = b._handle;
      const core = this._core;
      let out;
      try {
        out = core[raw](ha, hb);
      } catch (e) {
        throw toError(e);
      }
      if (core.pgError !== undefined) this._raise(out);
      return new Tensor(this, out);
    }
    const [ha, ta] = this._arg(op, a);
    let tb = null;
    try {
      const [hb, t] = this._arg(op, b);
      tb = t;
      return this._wrap((c) => c[raw](ha, hb));
    } finally {
      ta?.dispose();
      tb?.dispose();
    }
  }

  // creation
  tensor(data, shape, { requiresGrad = false } = {}) {
    const flat = flatten(data);
    const s = shape === undefined ? flat.shape : checkShape('tensor', shape);
    const values = flat.values instanceof Float32Array ? flat.values : Float32Array.from(flat.values);
    return this._wrap((c) => c._tensor(values, s, Boolean(requiresGrad)));
  }
  zeros(shape) { return this._wrap((c) => c._zeros(checkShape('zeros', shape))); }
  ones(shape) { return this._wrap((c) => c._ones(checkShape('ones', shape))); }
  full(shape, value) { return this._wrap((c) => c._full(checkShape('full', shape), value)); }
  arange(start, stop, step = 1) {
    if (stop === undefined) [start, stop] = [0, start];
    return this._wrap((c) => c._arange(start, stop, step));
  }
  /** Uniform in [lo, hi) from the core's seeded generator: same seed, same numbers everywhere. */
  rand(shape, seed = 0, lo = 0, hi = 1) { return this._wrap((c) => c._rand(checkShape('rand', shape), seed, lo, hi)); }
  /** Normal(mean, std) from the core's seeded generator. */
  randn(shape, seed = 0, mean = 0, std = 1) { return this._wrap((c) => c._randn(checkShape('randn', shape), seed, mean, std)); }

  // elementwise (broadcasting; numbers are accepted where a Tensor is)
  add(a, b) { return this._binary('add', '_add', a, b); }
  sub(a, b) { return this._binary('sub', '_sub', a, b); }
  mul(a, b) { return this._binary('mul', '_mul', a, b); }
  div(a, b) { return this._binary('div', '_div', a, b); }
  neg(x) { return this._unary('neg', '_neg', x); }
  pow(x, p) { return this._unary('pow', '_pow', x, p); }
  exp(x) { return this._unary('exp', '_exp', x); }
  log(x) { return this._unary('log', '_log', x); }
  sqrt(x) { return this._unary('sqrt', '_sqrt', x); }
  abs(x) { return this._unary('abs', '_abs', x); }
  sigmoid(x) { return this._unary('sigmoid', '_sigmoid', x); }
  tanh(x) { return this._unary('tanh', '_tanh', x); }
  relu(x) { return this._unary('relu', '_relu', x); }
  sin(x) { return this._unary('sin', '_sin', x); }
  cos(x) { return this._unary('cos', '_cos', x); }
  tan(x) { return this._unary('tan', '_tan', x); }
  leakyRelu(x, alpha = 0.01) { return this._unary('leakyRelu', '_leakyRelu', x, alpha); }

  // linear algebra and shape
  matmul(a, b) { return this._binary('matmul', '_matmul', a, b); }
  transpose(x, axis0 = -2, axis1 = -1) { return this._unary('transpose', '_transpose', x, axis0, axis1); }
  reshape(x, shape) { return this._unary('reshape', '_reshape', x, checkShape('reshape', shape)); }

  // reductions (axis omitted: over all elements)
  sum(x, axis, keepdims = false) { return this._unary('sum', '_sum', x, axis ?? null, Boolean(keepdims)); }
  mean(x, axis, keepdims = false) { return this._unary('mean', '_mean', x, axis ?? null, Boolean(keepdims)); }
  max(x, axis, keepdims = false) { return this._unary('max', '_max', x, axis ?? null, Boolean(keepdims)); }
  min(x, axis, keepdims = false) { return this._unary('min', '_min', x, axis ?? null, Boolean(keepdims)); }
  softmax(x, axis = -1) { return this._unary('softmax', '_softmax', x, axis); }
  logSoftmax(x, axis = -1) { return this._unary('logSoftmax', '_logSoftmax', x, axis); }

  // autograd and memory
  /** Runs fn with graph recording off (like torch.no_grad) and returns its result. */
  noGrad(fn) {
    const prev = this._core._setGradEnabled(false);
    try {
      return fn();
    } finally {
      this._core._setGradEnabled(prev);
    }
  }
  /**
   * Anomaly mode (like torch.autograd.set_detect_anomaly): when on, an op that turns finite inputs
   * into NaN or ±Infinity (forward), or whose backward turns a finite gradient into one, throws a
   * PlaygradError naming the op, its input shapes, the value and its index. detectAnomaly(true |
   * false) sets the mode and returns the previous one; detectAnomaly() returns the current mode.
   */
  detectAnomaly(on) { return this._call((c) => c._detectAnomaly(on)); }
  /**
   * Runs fn (synchronously) and disposes every tensor created inside, except those it returns
   * (a Tensor, or Tensors inside a returned array or plain object), which move to the outer scope.
   */
  scope(fn) {
    const made = [];
    this._scopes.push(made);
    let result;
    try {
      result = fn();
    } finally {
      this._scopes.pop();
      const keep = collectTensors(result);
      for (const t of made) if (!keep.has(t)) t.dispose();
      if (this._scopes.length) this._scopes[this._scopes.length - 1].push(...keep);
    }
    return result;
  }
  /** Bytes allocated in the wasm heap right now (in use, not capacity). */
  memoryBytes() { return this._core._heapBytes(); }
  /** Bytes held by live tensor buffers. */
  tensorBytes() { return this._core._tensorBytes(); }
  /** The limit on tensor memory: a request beyond it is an Error before anything is allocated. */
  memoryLimit() { return this._core._memoryLimit(); }
  /** Threads the core's kernels use (1 in the one-thread build). */
  threads() { return this._core._threads(); }
  /** The most threads setThreads accepts: the pool's size (1 in the one-thread build). */
  maxThreads() { return this._core._maxThreads(); }
  /**
   * Sets the threads the kernels use: n, an integer >= 1, is clamped to maxThreads(). Results
   * are the same bits for any count (work is split by output rows or tiles, never by a sum).
   */
  setThreads(n) {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
      throw new PlaygradError(`setThreads: n must be an integer >= 1, got ${typeof n === 'number' ? n : typeof n}`);
    }
    this._call((c) => c._setThreads(n));
  }
  setMemoryLimit(bytes) {
    if (typeof bytes !== 'number' || !(bytes >= 1) || !Number.isFinite(bytes)) {
      throw new PlaygradError(`setMemoryLimit: the limit must be a finite number of bytes >= 1, got ${typeof bytes === 'number' ? bytes : typeof bytes}`);
    }
    this._call((c) => c._setMemoryLimit(bytes));
  }
}

installExpr(Playgrad.prototype, { Tensor, PlaygradError });
installTrace(Playgrad.prototype, { Tensor, PlaygradError }); // pg.trace (wasm/api/trace.mjs)
