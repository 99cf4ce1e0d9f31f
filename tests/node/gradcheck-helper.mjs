// The central-difference gradient check of tests/node/gradcheck.test.mjs: forward passes run in
// the core (float32); the weighted sums and differences are taken here in double.
import assert from 'node:assert/strict';

// Checks d/dx of L = sum(w * f(xs)) for every element of every input whose `grad` is not false
// (inputs: { data, shape, grad }).
export function gradcheck(pg, name, f, inputs, { eps = 1e-2, atol = 2e-3, rtol = 2e-2 } = {}) {
  pg.scope(() => {
    const xs = inputs.map(({ data, shape, grad }) => pg.tensor(data, shape, { requiresGrad: grad !== false }));
    const out = f(xs);
    const w = Array.from(pg.randn(out.shape, 5).toArray());
    const wt = pg.tensor(w, out.shape);
    pg.sum(pg.mul(out, wt)).backward();
    const loss = (values) => pg.scope(() => {
      const o = pg.noGrad(() => f(values.map((v, i) => pg.tensor(v, inputs[i].shape)))).toArray();
      return o.reduce((s, v, i) => s + w[i] * v, 0);
    });
    xs.forEach((x, t) => {
      if (inputs[t].grad === false) return;
      const g = x.grad;
      const analytic = g ? g.toArray() : new Float32Array(x.size);
      const base = inputs.map((inp) => Float32Array.from(inp.data));
      for (let i = 0; i < base[t].length; i++) {
        const orig = base[t][i];
        const hi = Math.fround(orig + eps);
        const lo = Math.fround(orig - eps);
        base[t][i] = hi;
        const lp = loss(base);
        base[t][i] = lo;
        const lm = loss(base);
        base[t][i] = orig;
        const numeric = (lp - lm) / (hi - lo);
        assert.ok(Math.abs(analytic[i] - numeric) <= atol + rtol * Math.abs(numeric),
          `${name}: input ${t} element ${i}: analytic ${analytic[i]} vs numeric ${numeric}`);
      }
    });
  });
}
