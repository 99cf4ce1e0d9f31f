// Segmentation's data and scores (raw bindings in wasm/bind_segmentation.cpp, core in
// core/src/vision/segmentation.cpp; the rules in core/include/playgrad/vision/segmentation.h):
//
//   pg.data.scenes({ count, size, classes, seed, noise })  // { x: [count, size, size, 1], y: [count, size, size] }
//   pg.metrics.segmentation(probs, labels)                  // per-class tp/fp/fn, IoU, Dice; pixel accuracy
// Class 0 is the background; 1 square, 2 disc, 3 triangle. probs: a Tensor [..., C]; labels: one
// class index per pixel (a Tensor, an array or a typed array).
export function installSegmentation(pg, { Tensor, PlaygradError }) {
  const fail = (msg) => { throw new PlaygradError(msg); };
  const num = (op, what, v) => {
    if (typeof v !== 'number') fail(`${op}: ${what} must be a number, got ${v === null ? 'null' : typeof v}`);
    return v;
  };
  pg.data.scenes = (o = {}) => {
    const op = 'scenes';
    if (o === null || typeof o !== 'object' || Array.isArray(o)) fail(`${op}: options must be an object`);
    const { count = 64, size = 16, classes = 3, seed = 0, noise = 0.2 } = o;
    const [x, y] = pg._call((c) => c._scenes(num(op, 'count', count), num(op, 'size', size), num(op, 'classes', classes),
      num(op, 'seed', seed), num(op, 'noise', noise)));
    return { x: new Tensor(pg, x), y: new Tensor(pg, y) };
  };
  pg.metrics.segmentation = (probs, labels) => {
    const op = 'segmentationScores';
    if (!(probs instanceof Tensor)) fail(`${op}: probs must be a Tensor [..., classes], got ${probs === null ? 'null' : typeof probs}`);
    const l = labels instanceof Tensor ? labels.toArray() : labels;
    if (!Array.isArray(l) && !ArrayBuffer.isView(l)) fail(`${op}: labels must be a Tensor, an array of class indices or a typed array`);
    return pg._call((c) => c._segmentationScores(probs._handle, l));
  };
}
