// The search area of the API (raw bindings in wasm/bind_search.cpp, core in
// core/src/nn/search.cpp): pg.search, the hyperparameter search's draws from the core's seeded
// generator, so the same seed gives the same trials in Node, the page and the CLI.
//
//   pg.search.sample({ lo: 1e-4, hi: 1, scale: 'log' }, 9, seed, stream)  // Float64Array, random
//   pg.search.grid({ lo: 1e-4, hi: 1, scale: 'log' }, 3)                  // [1e-4, 1e-2, 1]
//   pg.search.choice(k, 9, seed, stream)                                   // Int32Array of 0 .. k-1
// stream: which of the generator's independent streams (one per axis of the search space).
export function installSearch(pg, { PlaygradError }) {
  const fail = (msg) => { throw new PlaygradError(msg); };
  const axis = (op, a) => {
    if (a === null || typeof a !== 'object' || Array.isArray(a)) fail(`${op}: the axis must be an object {lo, hi, scale}`);
    const { lo, hi, scale = 'linear' } = a;
    if (typeof lo !== 'number' || typeof hi !== 'number') fail(`${op}: lo and hi must be numbers, got ${typeof lo} and ${typeof hi}`);
    return [lo, hi, String(scale)];
  };
  pg.search = {
    sample(a, n, seed = 0, stream = 0) {
      const [lo, hi, scale] = axis('search.sample', a);
      return pg._call((c) => c._searchSample(lo, hi, scale, n, seed, stream));
    },
    grid(a, n) {
      const [lo, hi, scale] = axis('search.grid', a);
      return pg._call((c) => c._searchGrid(lo, hi, scale, n));
    },
    choice(k, n, seed = 0, stream = 0) {
      return Int32Array.from(pg._call((c) => c._searchChoice(k, n, seed, stream)));
    },
  };
}
