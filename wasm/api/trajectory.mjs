// pg.optim.trajectory: the optimizer lesson's work in one call. N steps of one of the core's
// optimizers (pg.optim kinds) on a surface f(x, y) (pg.expr), the gradient from backward() on the
// expression's graph, run in C++ (core/src/trajectory.cpp) and returned as the path.
//
//   const f = pg.expr('(1 - x)^2 + 100 (y - x^2)^2');
//   const p = pg.optim.trajectory(f, { optimizer: { kind: 'sgd', lr: 1e-3, momentum: 0.9 },
//                                      start: [-1.5, 2], steps: 1000 });
//   p.x, p.y, p.value   // Float32Arrays of steps + 1 points (the start, then after each step)
// Installed by wasm/playgrad.mjs; this module never imports the generated glue.

export function installTrajectory(pg, { PlaygradError }) {
  const fail = (msg) => { throw new PlaygradError(`trajectory: ${msg}`); };
  pg.optim.trajectory = (f, o = {}) => {
    if (o === null || typeof o !== 'object' || Array.isArray(o)) fail('options must be an object');
    let opt = o.optimizer ?? 'sgd';
    let kind;
    let params = {};
    if (typeof opt === 'string') kind = opt;
    else if (opt && typeof opt === 'object' && typeof opt.kind === 'string') {
      ({ kind, ...params } = opt);
    } else fail("optimizer must be a kind ('sgd', 'adagrad', 'rmsprop', 'adam', 'adamw') or {kind, ...options}");
    const start = o.start ?? [0, 0];
    if (!Array.isArray(start) || start.length !== 2 || !start.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      fail('start must be [x0, y0], two finite numbers');
    }
    const steps = o.steps ?? 1000;
    if (!Number.isInteger(steps) || steps < 0) fail(`steps must be an integer >= 0, got ${String(steps)}`);
    let expr = f;
    const own = typeof f === 'string';
    if (own) expr = pg.expr(f);
    else if (!f || typeof f._handle !== 'object') fail('f must be a pg.expr() or its source text');
    try {
      const p = pg._call((c) => c._optimTrajectory(expr._handle, kind, JSON.stringify(params), start[0], start[1], steps));
      const n = p.length / 3;
      const x = new Float32Array(n), y = new Float32Array(n), value = new Float32Array(n);
      for (let i = 0; i < n; ++i) {
        x[i] = p[3 * i];
        y[i] = p[3 * i + 1];
        value[i] = p[3 * i + 2];
      }
      return { x, y, value, steps };
    } finally {
      if (own) expr.dispose();
    }
  };
}
