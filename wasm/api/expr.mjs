// The expression area (raw bindings in wasm/bind_expr.cpp, core in core/src/expr/): pg.expr(source),
// a user-typed f(x, y) parsed by the C++ core and evaluated on its autograd graph (f.eval) or by
// its scalar evaluator (f.at), and pg.optim.path, an optimizer's whole path on such an f.
// Installed onto the API object by wasm/playgrad.mjs (the only importer of the generated glue):
// this module only sees the raw bindings through pg._call.
//
//   const f = pg.expr('(1 - x)^2 + 100 (y - x^2)^2');
//   f.at(0, 0);            // { value: 1, dx: -2, dy: 0 }
//   f.eval(xs, ys);        // a Tensor on the graph (x, y: Tensors or numbers, broadcasting)
//   f.dispose();
// Bad input throws a PlaygradError naming the position: "expr: unknown name 'z' at position 5".

/** Adds expr() to the API prototype. */
export function installExpr(proto, { PlaygradError }) {
  class Expr {
    constructor(pg, handle) {
      this._pg = pg;
      this._h = handle;
      this.source = pg._call((c) => c._exprSource(handle));
      /** How the parser read it, fully parenthesised: '-x^2' gives '-(x ^ 2)'. */
      this.canonical = pg._call((c) => c._exprCanonical(handle));
      this.usesX = pg._call((c) => c._exprUsesX(handle));
      this.usesY = pg._call((c) => c._exprUsesY(handle));
    }
    get _handle() {
      if (this._h === null) throw new PlaygradError('expr: used after dispose()');
      return this._h;
    }
    get disposed() { return this._h === null; }
    /** f and its gradient at (x, y), computed by the core's scalar evaluator (the numbers of eval + backward()). */
    at(x, y) {
      if (typeof x !== 'number' || typeof y !== 'number') {
        throw new PlaygradError('expr: at(x, y) needs two numbers');
      }
      const [value, dx, dy] = this._pg._call((c) => c._exprValueGrad(this._handle, x, y));
      return { value, dx, dy };
    }
    /** f(x, y) as a Tensor on the autograd graph; x and y are Tensors or numbers and broadcast. */
    eval(x, y) {
      const pg = this._pg;
      const [hx, tx] = pg._arg('expr', x);
      let ty = null;
      try {
        const [hy, t] = pg._arg('expr', y);
        ty = t;
        return pg._wrap((c) => c._exprEval(this._handle, hx, hy));
      } finally {
        tx?.dispose();
        ty?.dispose();
      }
    }
    dispose() {
      if (this._h === null) return;
      this._h.delete();
      this._h = null;
    }
    toString() { return `Expr(${this.source})`; }
  }

  proto.expr = function expr(source) {
    if (typeof source !== 'string') {
      throw new PlaygradError(`expr: expected a string, got ${source === null ? 'null' : typeof source}`);
    }
    const handle = this._call((c) => c._exprParse(source));
    return new Expr(this, handle);
  };
}

// ---- pg.optim.path -----------------------------------------------------------------------------
// pg.optim.path(f, kind, options, {x0, y0, steps, limit}): the path of a real optimizer (the core's
// optim::make, PyTorch semantics) minimising a 2-d expression f(x, y), all steps in one call to the
// core (core/src/expr/optim_path.cpp; f and its gradient from the expression's scalar evaluator,
// the numbers of f.eval + backward). For the optimizers lesson: six trajectories of hundreds of
// steps per frame without a JS<->wasm round trip per step.
//
//   const f = pg.expr('(1 - x)^2 + 100 (y - x^2)^2');
//   const p = pg.optim.path(f, 'adam', { lr: 0.05 }, { x0: -1, y0: 1, steps: 200 });
//   p.x, p.y, p.f   // Float32Arrays: the points p_0 .. p_k and f at each (k = p.x.length - 1)
//   p.stop          // '' when every step ran, else why it stopped ('diverged at step 7: ...')
// f may also be a source string (parsed, used, freed). Installed by wasm/playgrad.mjs after
// nn.mjs (pg.optim exists).

/** Adds path() to pg.optim on an API object (call after nn.mjs's install). */
export function installOptimPath(pg, { PlaygradError }) {
  const fail = (msg) => { throw new PlaygradError(msg); };
  pg.optim.path = function path(f, kind, options = {}, { x0 = 0, y0 = 0, steps = 100, limit = 1e4 } = {}) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) fail('optim.path: options must be an object');
    let e = f;
    let own = false;
    if (typeof f === 'string') { e = pg.expr(f); own = true; }
    else if (!f || typeof f.at !== 'function' || !('_h' in f)) fail('optim.path: f must be an expression (pg.expr) or its source');
    try {
      const r = pg._call((c) => c._optimPath(e._handle, kind, pg._options('optim.path', options), x0, y0, steps, limit));
      return { x: r.x, y: r.y, f: r.f, stop: r.stop, stopStep: r.stopStep, steps: r.x.length - 1 };
    } finally {
      if (own) e.dispose();
    }
  };
}
