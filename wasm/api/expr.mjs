// pg.expr(source): a user-typed f(x, y) parsed by the C++ core (core/src/expr/expr.cpp) and evaluated
// on its autograd graph, so gradients come from backward(). Also pg.sin / pg.cos / pg.tan.
// Installed onto the API object by wasm/playgrad.mjs (the only importer of the generated glue):
// this module only sees the raw bindings through pg._call.
//
//   const f = pg.expr('(1 - x)^2 + 100 (y - x^2)^2');
//   f.at(0, 0);            // { value: 1, dx: -2, dy: 0 }
//   f.eval(xs, ys);        // a Tensor on the graph (x, y: Tensors or numbers, broadcasting)
//   f.dispose();
// Bad input throws a PlaygradError naming the position: "expr: unknown name 'z' at position 5".

/** Adds expr(), sin(), cos(), tan() to the API prototype. */
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
    /** f and its gradient at (x, y), computed by the core (backward() on the expression's graph). */
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
  proto.sin = function sin(x) { return this._unary('sin', '_sin', x); };
  proto.cos = function cos(x) { return this._unary('cos', '_cos', x); };
  proto.tan = function tan(x) { return this._unary('tan', '_tan', x); };
}
