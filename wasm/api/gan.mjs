// The GAN area of the API (raw bindings in wasm/bind_gan.cpp, core in core/src/nn/gan.cpp): the
// data side of a small GAN, drawn from the core's seeded generator.
//
//   pg.gan.target({ kind, n, seed, modes, radius, spread, centre, points })
//       // {dim, samples: Float32Array [n·dim], centres: Float32Array [k·dim], n, k}
//       // kind: 'gaussian1d' | 'mixture1d' | 'mixture' | 'ring' | 'line' | 'drawn' (points: [x0, y0, x1, y1, ...])
//   pg.gan.modeCoverage(samples, modes, { dim, radius, minShare = 0.25 })
//       // {counts: [k], covered, within, k}: each sample counts at its nearest mode when within
//       // the radius; a mode is covered with at least minShare · n / k samples
// samples and modes: Tensors of shape [n, dim] / [k, dim], or flat arrays with options.dim.
export function installGan(pg, { Tensor, PlaygradError }) {
  const fail = (msg) => { throw new PlaygradError(msg); };
  const KEYS = new Set(['kind', 'n', 'seed', 'modes', 'radius', 'spread', 'centre', 'points']);
  const flat = (op, what, v) => {
    if (v instanceof Tensor) return v.toArray();
    if (Array.isArray(v) || ArrayBuffer.isView(v)) return v;
    return fail(`${op}: ${what} must be a Tensor, an array of numbers or a typed array`);
  };
  pg.gan = {
    target(options = {}) {
      const op = 'ganTarget';
      if (typeof options !== 'object' || options === null) fail(`${op}: options must be an object`);
      for (const k of Object.keys(options)) if (!KEYS.has(k)) fail(`${op}: unknown option '${k}'`);
      const { points = [], ...rest } = options;
      for (const [k, v] of Object.entries(rest)) {
        if (k === 'kind' ? typeof v !== 'string' : typeof v !== 'number') fail(`${op}: ${k} must be a ${k === 'kind' ? 'string' : 'number'}, got ${JSON.stringify(v)}`);
        if (k !== 'kind' && !Number.isFinite(v)) fail(`${op}: ${k} must be a finite number, got ${v}`);
      }
      const r = pg._call((c) => c._ganTarget(JSON.stringify(rest), flat(op, 'points', points)));
      return { ...r, n: r.samples.length / r.dim, k: r.centres.length / r.dim };
    },
    modeCoverage(samples, modes, options = {}) {
      const op = 'modeCoverage';
      if (typeof options !== 'object' || options === null) fail(`${op}: options must be an object`);
      let dim = options.dim;
      if (dim === undefined && samples instanceof Tensor) {
        const s = samples.shape;
        if (s.length !== 2) fail(`${op}: samples must have shape [n, dim], got [${s}]`);
        dim = s[1];
      }
      if (typeof dim !== 'number') fail(`${op}: give options.dim (1 or 2) with flat samples`);
      const { radius, minShare = 0.25 } = options;
      if (typeof radius !== 'number') fail(`${op}: radius must be a number, got ${JSON.stringify(radius)}`);
      if (typeof minShare !== 'number') fail(`${op}: minShare must be a number, got ${JSON.stringify(minShare)}`);
      const r = pg._call((c) => c._modeCoverage(flat(op, 'samples', samples), flat(op, 'modes', modes), dim, radius, minShare));
      return { ...r, k: r.counts.length };
    },
  };
}
