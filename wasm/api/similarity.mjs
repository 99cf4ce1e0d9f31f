// The similarity area of the API (raw bindings in wasm/bind_similarity.cpp, core in
// core/src/nn/similarity.cpp): judging a Siamese network's pair distances, "same when D <= τ".
//
//   pg.similarity.roc(distances, same)          // {thresholds, fpr, tpr, auc, positives, negatives}
//   pg.similarity.thresholdCounts(d, same, τ)   // {tp, fp, tn, fn, accuracy}
//   pg.similarity.nearest(points, queries, k)   // {index: [q·k], distance: Float32Array [q·k]}
// distances and labels (1 = same, 0 = different): Tensors, arrays or typed arrays; points and
// queries: Tensors of shape [n, dim] and [q, dim] (or arrays of rows).
export function installSimilarity(pg, { Tensor, PlaygradError }) {
  const fail = (msg) => { throw new PlaygradError(msg); };
  const flat = (op, what, v) => {
    if (v instanceof Tensor) return v.toArray();
    if (Array.isArray(v) || ArrayBuffer.isView(v)) return v;
    return fail(`${op}: ${what} must be a Tensor, an array of numbers or a typed array`);
  };
  const rows = (op, what, v) => {
    if (v instanceof Tensor) {
      const s = v.shape;
      if (s.length !== 2) fail(`${op}: ${what} must have shape [n, dim], got [${s}]`);
      return { values: v.toArray(), n: s[0], dim: s[1] };
    }
    if (Array.isArray(v) && v.every((r) => Array.isArray(r) || ArrayBuffer.isView(r))) {
      const dim = v.length ? v[0].length : 0;
      if (!v.every((r) => r.length === dim)) fail(`${op}: the rows of ${what} differ in length`);
      const values = new Float32Array(v.length * dim);
      v.forEach((r, i) => values.set(r, i * dim));
      return { values, n: v.length, dim };
    }
    return fail(`${op}: ${what} must be a Tensor of shape [n, dim] or an array of rows`);
  };
  pg.similarity = {
    roc(distances, same) {
      return pg._call((c) => c._roc(flat('roc', 'distances', distances), flat('roc', 'labels', same)));
    },
    thresholdCounts(distances, same, threshold) {
      const op = 'thresholdCounts';
      if (typeof threshold !== 'number') fail(`${op}: the threshold must be a number, got ${typeof threshold}`);
      return pg._call((c) => c._thresholdCounts(flat(op, 'distances', distances), flat(op, 'labels', same), threshold));
    },
    nearest(points, queries, k = 1) {
      const op = 'nearest';
      const p = rows(op, 'points', points);
      const q = rows(op, 'queries', queries);
      if (q.n > 0 && q.dim !== p.dim) fail(`${op}: queries have dimension ${q.dim}, the points ${p.dim}`);
      if (typeof k !== 'number') fail(`${op}: k must be a number, got ${typeof k}`);
      return pg._call((c) => c._nearest(p.values, p.n, q.values, q.n, p.dim, k));
    },
  };
}
