// pg.trace(fn): the autograd graph a computation recorded, read from the core
// (playgrad/autograd/trace.h), as plain data. Installed onto the API object by wasm/playgrad.mjs
// (the only importer of the generated glue); this module only sees the raw bindings through pg._call.
//
//   const g = pg.trace(() => {
//     const a = pg.tensor(2, [], { requiresGrad: true }), b = pg.tensor(-3, [], { requiresGrad: true });
//     const c = pg.mul(a, b);
//     return { root: pg.add(c, a), labels: { a, b, c } };
//   });
//   g.nodes  // [{ id: 0, op: 'leaf', label: 'a', value: [2], grad: [-2], inputs: [] }, ..., { op: 'add', ... }]
//   g.edges  // [{ from: 0, to: 2, slot: 0, local: [-3], contribution: [-3], step: 2 }, ...]
//
// Nothing is differentiated here: every gradient, local derivative and contribution is what the
// core's own backward functions produced during root.backward().

/** Adds trace() to the API prototype. */
export function installTrace(proto, { Tensor, PlaygradError }) {
  /**
   * Runs fn inside a trace scope and pg.scope (every tensor made inside is freed afterwards), runs
   * backward() on the root it returns (unless options.backward is false, or the root does not
   * require grad) and returns the recorded graph: { nodes, edges, root } (see playgrad.d.ts).
   * fn returns the root Tensor, or { root, labels } where labels names tensors for display.
   */
  proto.trace = function trace(fn, { backward = true } = {}) {
    if (typeof fn !== 'function') {
      throw new PlaygradError(`trace: expected a function that builds the computation, got ${fn === null ? 'null' : typeof fn}`);
    }
    const traceScope = this._call((c) => new c.TraceScope());
    try {
      return this.scope(() => {
        const out = fn();
        const root = out instanceof Tensor ? out : out?.root;
        if (!(root instanceof Tensor)) {
          throw new PlaygradError('trace: fn must return a Tensor or { root: Tensor, labels?: { name: Tensor } }');
        }
        const names = [];
        const handles = [];
        for (const [name, t] of Object.entries((out instanceof Tensor ? null : out.labels) ?? {})) {
          if (!(t instanceof Tensor)) throw new PlaygradError(`trace: label '${name}' is not a Tensor`);
          names.push(name);
          handles.push(t._handle);
        }
        if (backward && root.requiresGrad) root.backward();
        return this._call((c) => c._traceGraph(traceScope, root._handle, names, handles));
      });
    } finally {
      traceScope.delete();
    }
  };
}
