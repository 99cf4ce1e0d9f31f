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
