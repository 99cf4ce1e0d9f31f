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
    if (typeof scale !== 'string') fail(`${op}: scale must be 'linear' or 'log', got ${typeof scale}`);
    if (typeof lo !== 'number' || typeof hi !== 'number') fail(`${op}: lo and hi must be numbers, got ${typeof lo} and ${typeof hi}`);
    return [lo, hi, String(scale)];
  };
  // Counts and seeds: numbers here (the core checks they are integers in range and says which).
  const num = (op, what, v) => {
    if (typeof v !== 'number') fail(`${op}: ${what} must be a number, got ${v === null ? 'null' : typeof v}`);
    return v;
  };
  pg.search = {
    sample(a, n, seed = 0, stream = 0) {
      const op = 'search.sample';
      const [lo, hi, scale] = axis(op, a);
      return pg._call((c) => c._searchSample(lo, hi, scale, num(op, 'n', n), num(op, 'seed', seed), num(op, 'stream', stream)));
    },
    grid(a, n) {
      const op = 'search.grid';
      const [lo, hi, scale] = axis(op, a);
      return pg._call((c) => c._searchGrid(lo, hi, scale, num(op, 'n', n)));
    },
    choice(k, n, seed = 0, stream = 0) {
      const op = 'search.choice';
      return Int32Array.from(pg._call((c) => c._searchChoice(num(op, 'k', k), num(op, 'n', n), num(op, 'seed', seed), num(op, 'stream', stream))));
    },
  };
}
