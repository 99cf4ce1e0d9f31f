// The vision half of the JavaScript API, installed onto the API object by wasm/playgrad.mjs
// (installVision(pg)): the conv/pool ops pg.conv2d, pg.maxPool2d, ... (Tensors, NHWC) and
// pg.vision.* (convolution arithmetic, boxes, IoU, NMS, anchors, YOLO: plain numbers and arrays).
// All math runs in the C++ core (raw bindings in wasm/bind_vision.cpp); this module only
// normalises arguments (options objects, box arrays) and shapes the results. Operands (tensors,
// boxes, scores) cross positionally and options as one JSON text (pg._options; the convention is
// in wasm/bind_util.h): an unbounded maxOutput or a scoreThreshold of -Infinity is sent as an
// absent key, which the core reads as "no limit".
//
// Boxes are accepted as an array of 4-arrays ([[x1, y1, x2, y2], ...]), a flat array or a
// Float32Array of 4N numbers. Boxes come back as arrays of 4-arrays.

const INF = Number.POSITIVE_INFINITY;

function err(pg, msg) { return new pg.PlaygradError(msg); }

function isObject(v) { return v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v); }

function opts(pg, op, o) {
  if (o === undefined || o === null) return {};
  if (!isObject(o)) throw err(pg, `${op}: options must be an object, got ${Array.isArray(o) ? 'an array' : typeof o}`);
  return o;
}

// number | [h, w] -> [h, w]
function pair(pg, op, what, v, dflt) {
  if (v === undefined || v === null) return [dflt, dflt];
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return v;
  throw err(pg, `${op}: ${what} must be a number or [height, width], got ${JSON.stringify(v)}`);
}

// 'valid' | 'same' | P | [Ph, Pw] -> [mode, ph, pw]
function padding(pg, op, p = 'valid') {
  if (typeof p === 'string') return [p.toLowerCase(), 0, 0];
  if (typeof p === 'number') return ['explicit', p, p];
  if (Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number')) return ['explicit', p[0], p[1]];
  throw err(pg, `${op}: padding must be 'valid', 'same', a number of pixels or [height, width], got ${JSON.stringify(p)}`);
}

// Boxes in any accepted form -> Float32Array of 4N.
function flatBoxes(pg, op, what, boxes) {
  if (boxes instanceof Float32Array) return boxes;
  if (ArrayBuffer.isView(boxes)) return Float32Array.from(boxes);
  if (!Array.isArray(boxes)) throw err(pg, `${op}: ${what} must be an array of [x1, y1, x2, y2] boxes or a Float32Array of 4N numbers`);
  if (boxes.length && Array.isArray(boxes[0])) {
    const out = new Float32Array(boxes.length * 4);
    boxes.forEach((b, i) => {
      if (!Array.isArray(b) || b.length !== 4) throw err(pg, `${op}: ${what} box ${i} must have 4 numbers, got ${JSON.stringify(b)}`);
      for (let k = 0; k < 4; k++) {
        if (typeof b[k] !== 'number') throw err(pg, `${op}: ${what} box ${i} has a non-number coordinate`);
        out[i * 4 + k] = b[k];
      }
    });
    return out;
  }
  for (let i = 0; i < boxes.length; i++) {
    if (typeof boxes[i] !== 'number') throw err(pg, `${op}: ${what} must hold numbers, found ${typeof boxes[i]} at ${i}`);
  }
  return Float32Array.from(boxes);
}

function numbers(pg, op, what, v) {
  if (ArrayBuffer.isView(v)) return v;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw err(pg, `${op}: ${what} must be an array of numbers`);
  return v;
}

function toBoxList(flat) {
  const out = [];
  for (let i = 0; i < flat.length; i += 4) out.push([flat[i], flat[i + 1], flat[i + 2], flat[i + 3]]);
  return out;
}

// The NMS options as the core reads them: -Infinity (no score threshold) and Infinity (no output
// limit) are left out, since JSON cannot hold them.
function nmsArgs(pg, op, o) {
  const { iouThreshold = 0.5, scoreThreshold = -INF, maxOutput = INF, rule = 'tensorflow' } = opts(pg, op, o);
  for (const [k, v] of [['iouThreshold', iouThreshold], ['scoreThreshold', scoreThreshold], ['maxOutput', maxOutput]]) {
    if (typeof v !== 'number') throw err(pg, `${op}: ${k} must be a number`);
  }
  if (typeof rule !== 'string') throw err(pg, `${op}: rule must be 'tensorflow' or 'torchvision'`);
  const r = { iouThreshold, rule };
  if (scoreThreshold !== -INF) r.scoreThreshold = scoreThreshold;
  if (maxOutput !== INF) r.maxOutput = maxOutput;
  return r;
}

function tensorArg(pg, op, what, t, optional = false) {
  if (optional && (t === undefined || t === null)) return null;
  if (!(t instanceof pg.Tensor)) throw err(pg, `${op}: ${what} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
  return t._handle;
}

/** Installs pg.conv2d, pg.maxPool2d, ... and pg.vision onto the API object `pg`. */
export function installVision(pg) {
  // ---- ops (Tensors, NHWC) --------------------------------------------------------------------
  const convCall = (op, raw, x, w, o, extra = {}) => {
    o = opts(pg, op, o);
    const hx = tensorArg(pg, op, 'input', x);
    const hw = tensorArg(pg, op, 'filter', w);
    const hb = tensorArg(pg, op, 'bias', o.bias, true);
    const [sh, sw] = pair(pg, op, 'strides', o.strides, 1);
    const [mode, ph, pw] = padding(pg, op, o.padding);
    const [dh, dw] = pair(pg, op, 'dilations', o.dilations, 1);
    const { activation = 'linear' } = o;
    if (typeof activation !== 'string') throw err(pg, `${op}: activation must be 'linear' or 'relu', got ${JSON.stringify(activation)}`);
    // Only what differs from the core's defaults (wasm/bind_vision.cpp): the text is converted and
    // parsed on every call.
    const fields = {};
    if (sh !== 1 || sw !== 1) fields.strides = [sh, sw];
    if (mode !== 'valid') fields.padding = mode;
    if (ph !== 0 || pw !== 0) fields.pad = [ph, pw];
    if (dh !== 1 || dw !== 1) fields.dilations = [dh, dw];
    if (activation !== 'linear') fields.activation = activation;
    Object.assign(fields, extra);
    if (o.maxPool !== undefined && o.maxPool !== null && o.maxPool !== false) {
      if (op !== 'conv2d') throw err(pg, `${op}: maxPool is fused only into conv2d (apply maxPool2d to the output)`);
      fields.maxPool = poolFields(`${op} (maxPool)`, o.maxPool === true ? {} : o.maxPool);
    }
    return pg._wrap((c) => c[raw](hx, hw, hb, pg._options(op, fields)));
  };
  // maxPool2d's and avgPool2d's options as the core reads them.
  const poolFields = (op, o) => {
    o = opts(pg, op, o);
    const [kh, kw] = pair(pg, op, 'poolSize', o.poolSize, 2);
    const [sh, sw] = o.strides === undefined || o.strides === null ? [kh, kw] : pair(pg, op, 'strides', o.strides, 1);
    const [mode, ph, pw] = padding(pg, op, o.padding);
    const fields = {};  // as convCall's: only what differs from the defaults
    if (kh !== 2 || kw !== 2) fields.poolSize = [kh, kw];
    if (sh !== kh || sw !== kw) fields.strides = [sh, sw];
    if (mode !== 'valid') fields.padding = mode;
    if (ph !== 0 || pw !== 0) fields.pad = [ph, pw];
    return fields;
  };
  /** x [N,H,W,C] * filter [KH,KW,C,OC] (+ bias [OC]) -> [N,OH,OW,OC], then activation 'linear' or 'relu'
   *  (fused: applied as each sum leaves the kernel, one graph node; the other conv ops apply it as an op).
   *  maxPool (true: 2 x 2, or maxPool2d's options): the output max-pooled, fused too (the same numbers as
   *  pg.maxPool2d on the output, without writing the convolution's output to memory). */
  pg.conv2d = (x, filter, o) => convCall('conv2d', '_conv2d', x, filter, o);
  /** x [N,H,W,C], filter [KH,KW,C,M] (+ bias [C*M]) -> [N,OH,OW,C*M]. */
  pg.depthwiseConv2d = (x, filter, o) => convCall('depthwiseConv2d', '_depthwiseConv2d', x, filter, o);
  /** x [N,H,W,C], filter [KH,KW,OC,C] (+ bias [OC]) -> [N,OH,OW,OC]; OH = s(H-1) + d(KH-1) + outputPadding - 2P + 1, or sH for 'same'. */
  pg.conv2dTranspose = (x, filter, o) => {
    const [oph, opw] = pair(pg, 'conv2dTranspose', 'outputPadding', opts(pg, 'conv2dTranspose', o).outputPadding, 0);
    return convCall('conv2dTranspose', '_conv2dTranspose', x, filter, o, { outputPadding: [oph, opw] });
  };
  const poolCall = (op, raw, x, o) => {
    o = opts(pg, op, o);
    const hx = tensorArg(pg, op, 'input', x);
    const send = pg._options(op, poolFields(op, o));
    return pg._wrap((c) => c[raw](hx, send));
  };
  /** [N,H,W,C] -> [N,OH,OW,C]; poolSize 2 and strides = poolSize by default. */
  pg.maxPool2d = (x, o) => poolCall('maxPool2d', '_maxPool2d', x, o);
  pg.avgPool2d = (x, o) => poolCall('avgPool2d', '_avgPool2d', x, o);
  /** [N,H,W,C] -> [N,C]. */
  pg.globalAvgPool2d = (x) => pg._wrap((c) => c._globalAvgPool2d(tensorArg(pg, 'globalAvgPool2d', 'input', x)));
  /** [N,H,W,C] -> [N,H*fh,W*fw,C]; interpolation 'nearest' (default) or 'bilinear'. */
  pg.upsampling2d = (x, o) => {
    o = opts(pg, 'upsampling2d', o);
    const hx = tensorArg(pg, 'upsampling2d', 'input', x);
    const [fh, fw] = pair(pg, 'upsampling2d', 'size', o.size, 2);
    const interp = o.interpolation ?? 'nearest';
    if (typeof interp !== 'string') throw err(pg, "upsampling2d: interpolation must be 'nearest' or 'bilinear'");
    const send = pg._options('upsampling2d', { size: [fh, fw], interpolation: interp });
    return pg._wrap((c) => c._upsampling2d(hx, send));
  };

  // ---- pg.vision ------------------------------------------------------------------------------
  const sizeArgs = (op, o) => {
    o = opts(pg, op, o);
    const { input, kernel, stride = 1, dilation = 1 } = o;
    for (const [k, v] of [['input', input], ['kernel', kernel], ['stride', stride], ['dilation', dilation]]) {
      if (typeof v !== 'number') throw err(pg, `${op}: ${k} must be a number, got ${v === undefined ? 'nothing' : typeof v}`);
    }
    const p = o.padding ?? 'valid';
    if (typeof p !== 'string' && typeof p !== 'number') throw err(pg, `${op}: padding must be 'valid', 'same' or a number of pixels`);
    const [mode, pad] = typeof p === 'string' ? [p.toLowerCase(), 0] : ['explicit', p];
    // sameRule: whose 'same' ('tensorflow': any stride; 'pytorch': stride 1 only).
    const sameRule = o.sameRule ?? 'tensorflow';
    if (typeof sameRule !== 'string') throw err(pg, `${op}: sameRule must be 'tensorflow' or 'pytorch'`);
    return { input, kernel, stride, padding: mode, pad, dilation, sameRule };
  };
  const call = (fn) => pg._call(fn);

  pg.vision = {
    /** out = floor((input + 2P - dilation (kernel - 1) - 1) / stride) + 1; 'same': ceil(input / stride). */
    convOutputSize(o) {
      const a = pg._options('convOutputSize', sizeArgs('convOutputSize', o));
      return call((c) => c._convOutputSize(a)).out;
    },
    /**
     * { out, padBefore, padAfter, span, numerator, quotient }: the padding a configuration implies
     * ('same': the odd pixel goes after) and the terms of out = floor(numerator / stride) + 1:
     * span = dilation (kernel - 1) + 1, numerator = input + padBefore + padAfter - span, quotient =
     * numerator / stride before the floor.
     */
    convPadding(o) {
      const a = pg._options('convPadding', sizeArgs('convPadding', o));
      return call((c) => c._convOutputSize(a));
    },
    /** out = stride (input - 1) + dilation (kernel - 1) + outputPadding - 2P + 1; 'same': stride input. */
    convTransposeOutputSize(o) {
      const a = sizeArgs('convTransposeOutputSize', o);
      const op = opts(pg, 'convTransposeOutputSize', o).outputPadding ?? 0;
      if (typeof op !== 'number') throw err(pg, 'convTransposeOutputSize: outputPadding must be a number');
      const send = pg._options('convTransposeOutputSize', { ...a, outputPadding: op });
      return call((c) => c._convTransposeOutputSize(send)).out;
    },
    /** (kernelH kernelW inChannels + bias) outChannels. */
    convParams(o) {
      const { kernel, inChannels, outChannels, bias = true } = opts(pg, 'convParams', o);
      const [kh, kw] = pair(pg, 'convParams', 'kernel', kernel, NaN);
      for (const [k, v] of [['inChannels', inChannels], ['outChannels', outChannels]]) {
        if (typeof v !== 'number') throw err(pg, `convParams: ${k} must be a number`);
      }
      const send = pg._options('convParams', { kernel: [kh, kw], inChannels, outChannels, bias: Boolean(bias) });
      return call((c) => c._convParams(send));
    },
    /**
     * A CNN's layer table by the convolution arithmetic alone (no weights are made):
     * architecture([h, w, c], [{kind: 'conv' | 'pool' | 'bn' | 'flatten' | 'gap' | 'dense' | 'mark' |
     * 'shortcut' | 'add', ...}]) -> {rows: [{name, kind, shape, params, trainable}], params,
     * trainable, convLayers, denseLayers}. See core/include/playgrad/vision/architecture.h.
     */
    architecture(input, layers) {
      if (!Array.isArray(layers) || !layers.every(isObject)) throw err(pg, 'architecture: layers must be an array of {kind, ...}');
      if (!Array.isArray(input)) throw err(pg, 'architecture: input must be [height, width, channels]');
      return JSON.parse(call((c) => c._archTable(JSON.stringify({ input, layers }))));
    },
    /**
     * Receptive field of a stack of layers [{ kernel, stride = 1, dilation = 1, pad = 0 }, ...]
     * (pad: the layer's padding before, top/left): { size, jump, start }: output pixel u sees the
     * input pixels start + u jump .. start + u jump + size - 1 (negative ones are padding).
     */
    receptiveField(layers) {
      if (!Array.isArray(layers)) throw err(pg, 'receptiveField: layers must be an array of { kernel, stride, dilation, pad }');
      const k = [], s = [], d = [], p = [];
      layers.forEach((l, i) => {
        if (!isObject(l) || typeof l.kernel !== 'number') throw err(pg, `receptiveField: layer ${i} needs a numeric kernel`);
        k.push(l.kernel); s.push(l.stride ?? 1); d.push(l.dilation ?? 1); p.push(l.pad ?? 0);
      });
      return call((c) => c._receptiveField(k, s, d, p));
    },

    /**
     * A drawn digit prepared as MNIST's were (the core's prepareDigit): the ink's bounding box
     * (pixels > threshold) scaled so its longer side is 20 of 28 pixels (aspect ratio kept,
     * area-weighted), moved so its centre of mass is at (14, 14) of the 28 x 28 field, then (size
     * 14) 2 x 2 means. image: height x width grey levels in [0, 1]. Returns { image (Float32Array
     * size x size), size, box: [x0, y0, x1, y1], scale, centre: [x, y], shift: [x, y] }. An empty
     * drawing is an error ("prepareDigit: the drawing is empty ...").
     */
    prepareDigit(image, o) {
      const { height, width, size = 28, threshold = 0 } = opts(pg, 'prepareDigit', o);
      for (const [k, v] of [['height', height], ['width', width], ['size', size], ['threshold', threshold]]) {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw err(pg, `prepareDigit: ${k} must be a finite number, got ${String(v)}`);
      }
      const img = numbers(pg, 'prepareDigit', 'image', image);
      return call((c) => c._prepareDigit(img, pg._options('prepareDigit', { height, width, size, threshold })));
    },

    /** IoU of two corner boxes [x1, y1, x2, y2] (any corner order); zero-area boxes give 0. */
    iou(a, b) {
      return call((c) => c._iou(flatBoxes(pg, 'iou', 'first box', a), flatBoxes(pg, 'iou', 'second box', b)));
    },
    /**
     * The terms of IoU(a, b): { a, b (corners normalised), areaA, areaB, intersection (the overlap
     * box, or null when the boxes do not overlap), inter, union, iou } with union = areaA + areaB - inter
     * and iou the same number as iou(a, b).
     */
    iouParts(a, b) {
      return call((c) => c._iouParts(flatBoxes(pg, 'iouParts', 'first box', a), flatBoxes(pg, 'iouParts', 'second box', b)));
    },
    /** N x M IoU matrix as an array of N rows. */
    iouMatrix(a, b) {
      const fa = flatBoxes(pg, 'iouMatrix', 'first boxes', a), fb = flatBoxes(pg, 'iouMatrix', 'second boxes', b);
      const m = call((c) => c._iouMatrix(fa, fb));
      const cols = fb.length / 4, rows = [];
      for (let i = 0; i < fa.length / 4; i++) rows.push(Array.from(m.subarray(i * cols, (i + 1) * cols)));
      return rows;
    },
    /** [cx, cy, w, h] -> [x1, y1, x2, y2]. */
    centerToCorners(boxes) { return toBoxList(call((c) => c._boxConvert(flatBoxes(pg, 'centerToCorners', 'boxes', boxes), 'corners'))); },
    /** [x1, y1, x2, y2] (any order) -> [cx, cy, w, h]. */
    cornersToCenter(boxes) { return toBoxList(call((c) => c._boxConvert(flatBoxes(pg, 'cornersToCenter', 'boxes', boxes), 'center'))); },
    /** Corners in any order -> [min x, min y, max x, max y]. */
    normalizeCorners(boxes) { return toBoxList(call((c) => c._boxConvert(flatBoxes(pg, 'normalizeCorners', 'boxes', boxes), 'normalize'))); },

    /**
     * Greedy NMS: candidates with score > scoreThreshold by descending score (ties: lower index);
     * suppressed when IoU with a kept box >= iouThreshold (rule 'tensorflow') or > (rule 'torchvision').
     * Returns kept indices in the order kept.
     */
    nms(boxes, scores, o) {
      const a = nmsArgs(pg, 'nms', o);
      return call((c) => c._nms(flatBoxes(pg, 'nms', 'boxes', boxes), numbers(pg, 'nms', 'scores', scores), pg._options('nms', a)));
    },
    /** The decisions of nms() in order: { kind: 'keep', index } or { kind: 'suppress', index, by, iou }. */
    nmsSteps(boxes, scores, o) {
      const a = nmsArgs(pg, 'nmsSteps', o);
      return call((c) => c._nmsSteps(flatBoxes(pg, 'nmsSteps', 'boxes', boxes), numbers(pg, 'nmsSteps', 'scores', scores), pg._options('nmsSteps', a)));
    },
    /** Gaussian soft-NMS as tf.image.nonMaxSuppressionWithScore: { indices, scores }. */
    softNms(boxes, scores, o) {
      o = opts(pg, 'softNms', o);
      const sigma = o.sigma ?? 0.5;
      if (typeof sigma !== 'number') throw err(pg, 'softNms: sigma must be a number');
      const a = nmsArgs(pg, 'softNms', { iouThreshold: 1, ...o, sigma: undefined });
      return call((c) => c._softNms(flatBoxes(pg, 'softNms', 'boxes', boxes), numbers(pg, 'softNms', 'scores', scores),
        pg._options('softNms', { ...a, sigma })));
    },
    /** NMS within each class; kept boxes of all classes by descending score. */
    nmsPerClass(boxes, scores, classes, o) {
      const a = nmsArgs(pg, 'nmsPerClass', o);
      return call((c) => c._nmsPerClass(flatBoxes(pg, 'nmsPerClass', 'boxes', boxes), numbers(pg, 'nmsPerClass', 'scores', scores),
        numbers(pg, 'nmsPerClass', 'classes', classes), pg._options('nmsPerClass', a)));
    },

    /**
     * The decisions of nmsPerClass() in the order one pass takes them (descending score, ties:
     * lower index), each against the kept boxes of its own class: as nmsSteps().
     */
    nmsStepsPerClass(boxes, scores, classes, o) {
      const a = nmsArgs(pg, 'nmsStepsPerClass', o);
      return call((c) => c._nmsStepsPerClass(flatBoxes(pg, 'nmsStepsPerClass', 'boxes', boxes),
        numbers(pg, 'nmsStepsPerClass', 'scores', scores), numbers(pg, 'nmsStepsPerClass', 'classes', classes),
        pg._options('nmsStepsPerClass', a)));
    },

    /** Anchors (corner boxes) for a grid: cell centres ((j + 0.5) stride, (i + 0.5) stride), w = s sqrt(r), h = s / sqrt(r). */
    gridAnchors(o) {
      const { grid, stride, sizes, ratios = [1] } = opts(pg, 'gridAnchors', o);
      const [gh, gw] = pair(pg, 'gridAnchors', 'grid', grid, NaN);
      const [sy, sx] = pair(pg, 'gridAnchors', 'stride', stride, 1);
      const send = pg._options('gridAnchors', { grid: [gh, gw], stride: [sy, sx] });
      return toBoxList(call((c) => c._gridAnchors(numbers(pg, 'gridAnchors', 'sizes', sizes ?? []),
        numbers(pg, 'gridAnchors', 'ratios', ratios), send)));
    },
    /** k-means of [w, h] sizes with distance 1 - IoU: { centroids: [[w, h], ...], assignments, meanIou, iterations }. */
    kmeansAnchors(sizes, o) {
      const { k = 5, seed = 0, maxIter = 100 } = opts(pg, 'kmeansAnchors', o);
      let flat = sizes;
      if (Array.isArray(sizes) && sizes.length && Array.isArray(sizes[0])) {
        if (!sizes.every((s) => Array.isArray(s) && s.length === 2)) throw err(pg, 'kmeansAnchors: sizes must be [w, h] pairs');
        flat = sizes.flat();
      }
      const send = pg._options('kmeansAnchors', { k, seed, maxIter });
      const r = call((c) => c._kmeansAnchors(numbers(pg, 'kmeansAnchors', 'sizes', flat), send));
      const centroids = [];
      for (let i = 0; i < r.centroids.length; i += 2) centroids.push([r.centroids[i], r.centroids[i + 1]]);
      return { ...r, centroids };
    },

    /**
     * YOLO target [gridH, gridW, anchors, 5 + K] with [pc, bx, by, bh, bw, c1..cK] per cell and anchor,
     * from corner boxes normalised to [0, 1] and their classes: { target: Float32Array, shape, dropped }.
     */
    yoloEncode(boxes, classes, o) {
      const g = yoloGrid('yoloEncode', o);
      const r = call((c) => c._yoloEncode(g.anchors, flatBoxes(pg, 'yoloEncode', 'boxes', boxes),
        numbers(pg, 'yoloEncode', 'classes', classes), pg._options('yoloEncode', g.send)));
      return { ...r, shape: g.shape };
    },
    /** The four steps: confidence threshold, argmax class, class-score threshold, NMS. */
    yoloDecode(pred, o) {
      o = opts(pg, 'yoloDecode', o);
      const g = yoloGrid('yoloDecode', o);
      let data = pred;
      if (pred instanceof pg.Tensor) data = pred.toArray();
      const { confThreshold = 0.5, scoreThreshold = 0, nms = true, perClass = true } = o;
      const n = nmsArgs(pg, 'yoloDecode', { iouThreshold: o.iouThreshold, maxOutput: o.maxOutput, rule: o.rule });
      if (typeof confThreshold !== 'number' || typeof scoreThreshold !== 'number') throw err(pg, 'yoloDecode: thresholds must be numbers');
      const send = pg._options('yoloDecode', { ...g.send, confThreshold, scoreThreshold, nms: Boolean(nms), perClass: Boolean(perClass),
        iouThreshold: n.iouThreshold, rule: n.rule, ...(n.maxOutput === undefined ? {} : { maxOutput: n.maxOutput }) });
      const r = call((c) => c._yoloDecode(g.anchors, numbers(pg, 'yoloDecode', 'prediction', data), send));
      return { ...r, boxes: toBoxList(r.boxes) };
    },
    /**
     * n grey scenes of shapes (0 rectangle, 1 ellipse, 2 triangle, 3 cross) from a seed:
     * { images: Float32Array [n, size, size], boxes: corners in [0, 1], classes, counts }.
     */
    syntheticScenes(o) {
      const { count = 1, size = 32, numClasses = 3, maxObjects = 3, seed = 0 } = opts(pg, 'syntheticScenes', o);
      const r = call((c) => c._syntheticScenes(pg._options('syntheticScenes', { count, size, numClasses, maxObjects, seed })));
      return { ...r, boxes: toBoxList(r.boxes) };
    },
    /** Raw output [..., A (5 + K)] -> [pc, bx, by, bh, bw, c1..cK] per cell and anchor: σ, σ, σ, p e^t, p e^t, softmax. */
    yoloActivate(raw, o) {
      const g = yoloGrid('yoloActivate', o);
      const data = raw instanceof pg.Tensor ? raw.toArray() : raw;
      return call((c) => c._yoloActivate(g.anchors, numbers(pg, 'yoloActivate', 'raw', data), pg._options('yoloActivate', g.send)));
    },
    /** The YOLO loss of a raw prediction [N, S, S, A (5 + K)] against yoloEncode targets: a Tensor [4] (coordinates, objectness, no-object, classes). */
    yoloLoss(pred, target, o) {
      o = opts(pg, 'yoloLoss', o);
      const g = yoloGrid('yoloLoss', o);
      const { lambdaCoord = 5, lambdaNoobj = 0.5 } = o;
      if (typeof lambdaCoord !== 'number' || typeof lambdaNoobj !== 'number') throw err(pg, 'yoloLoss: lambdaCoord and lambdaNoobj must be numbers');
      const hp = tensorArg(pg, 'yoloLoss', 'prediction', pred);
      const ht = tensorArg(pg, 'yoloLoss', 'target', target);
      return pg._wrap((c) => c._yoloLoss(hp, ht, g.anchors, pg._options('yoloLoss', { ...g.send, lambdaCoord, lambdaNoobj })));
    },
  };

  function yoloGrid(op, o) {
    const { grid, numClasses, anchors = [] } = opts(pg, op, o);
    const [gh, gw] = pair(pg, op, 'grid', grid, NaN);
    if (typeof numClasses !== 'number') throw err(pg, `${op}: numClasses must be a number`);
    let flat = anchors;
    if (Array.isArray(anchors) && anchors.length && Array.isArray(anchors[0])) flat = anchors.flat();
    flat = numbers(pg, op, 'anchors', flat);
    const a = Math.max(1, flat.length / 2);
    return { anchors: flat, shape: [gh, gw, a, 5 + numClasses], send: { grid: [gh, gw], numClasses } };
  }
}
