// pg.optim.path(f, kind, options, {x0, y0, steps, limit}): the path of a real optimizer (the core's
// optim::make, PyTorch semantics) minimising a 2-d expression f(x, y), all steps in one call to the
// core (core/src/expr/optim_path.cpp; f and its gradient from a scalar tape over the expression, the
// numbers of f.eval + backward). For the optimizers lesson: six trajectories of hundreds of steps
// per frame without a JS<->wasm round trip per step.
//
//   const f = pg.expr('(1 - x)^2 + 100 (y - x^2)^2');
//   const p = pg.optim.path(f, 'adam', { lr: 0.05 }, { x0: -1, y0: 1, steps: 200 });
//   p.x, p.y, p.f   // Float32Arrays: the points p_0 .. p_k and f at each (k = p.x.length - 1)
//   p.stop          // '' when every step ran, else why it stopped ('diverged at step 7: ...')
// f may also be a source string (parsed, used, freed). Installed by wasm/playgrad.mjs after
// learn.mjs (pg.optim exists); this module never imports the generated glue.

/** Adds path() to pg.optim on an API object (call after learn.mjs's install). */
export function installOptimPath(pg, { PlaygradError }) {
  const fail = (msg) => { throw new PlaygradError(msg); };
  pg.optim.path = function path(f, kind, options = {}, { x0 = 0, y0 = 0, steps = 100, limit = 1e4 } = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) fail('optim.path: options must be an object');
    let e = f;
    let own = false;
    if (typeof f === 'string') { e = pg.expr(f); own = true; }
    else if (!f || typeof f.at !== 'function' || !('_h' in f)) fail('optim.path: f must be an expression (pg.expr) or its source');
    try {
      const r = pg._call((c) => c._optimPath(e._handle, kind, JSON.stringify(options), x0, y0, steps, limit));
      return { x: r.x, y: r.y, f: r.f, stop: r.stop, stopStep: r.stopStep, steps: r.x.length - 1 };
    } finally {
      if (own) e.dispose();
    }
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

/** Adds linePath() and lineStats() to pg.optim on an API object (call after learn.mjs's install). */
export function installLinePath(pg, { PlaygradError }) {
  const fail = (msg) => { throw new PlaygradError(msg); };
  const points = (op, v, what) => {
    if (!Array.isArray(v) && !ArrayBuffer.isView(v)) fail(`${op}: ${what} must be an array of numbers`);
    return v;
  };
  pg.optim.linePath = function linePath(x, y, options = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) fail('linePath: options must be an object');
    for (const k of Object.keys(options)) if (!(k in LINE_PATH_DEFAULTS)) fail(`linePath: unknown option '${k}'`);
    const o = { ...LINE_PATH_DEFAULTS, ...options };
    const r = pg._call((c) => c._linePath(points('linePath', x, 'x'), points('linePath', y, 'y'), o));
    return { ...r, steps: r.w.length - 1 };
  };
  pg.optim.lineStats = function lineStats(x, y) {
    return pg._call((c) => c._lineStats(points('lineStats', x, 'x'), points('lineStats', y, 'y')));
  };
}
