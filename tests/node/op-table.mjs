// The op table of the Node level: one row per op variant, with the same row names as the native
// table (tests/native/op_table.cpp). Every op test of this level iterates it:
//   parity.test.mjs     the native rows' inputs, outputs and gradients (build/native/parity.json)
//                       against the same row run in wasm: bit-identical unless the row allows ulps
//   gradcheck.test.mjs  each row's gradient against central differences (sums in double)
//   tfjs.test.mjs       each row with a TensorFlow.js equivalent: values and gradients
//   op-table.test.mjs   every differentiable op the JS API exports has a row, and the two tables
//                       have the same rows
//
// A row: name; op (the API call it tests, 'losses.mse' for pg.losses.mse); inputs (how each is
// built, below); pg(pg, x) the call on the inputs x; optionally tf(tf, x) the TensorFlow.js
// equivalent, tfTol [atol, rtol] (default [1e-5, 1e-4]), tfGrad false where tfjs's gradient is
// unusable (the reason next to it; `linear` rows then check <x, dL/dx> = L instead), grad
// {eps, atol, rtol} for the central differences.
//
// Adding an op: one row here and one of the same name in tests/native/op_table.cpp.

// How an input is built: uniform in [lo, hi) from the core's seeded generator (seed from the row
// name), then moved `margin` away from each point to avoid (kinks, poles; repeated every
// `period`). distinct: evenly spaced values over [lo, hi) in a seeded order (one argmax per
// window). values: fixed values. grad false: a target or labels (no gradient checked).
const any = (shape, lo = -2, hi = 2) => ({ shape, lo, hi });
const pos = (shape) => ({ shape, lo: 0.5, hi: 2 });
const kink = (shape) => ({ shape, lo: -2, hi: 2, avoid: [0] });
const distinct = (shape, lo = -2, hi = 2) => ({ shape, lo, hi, distinct: true });
const fixed = (shape, values) => ({ shape, values, grad: false });
const target = (shape, lo = 0, hi = 1) => ({ shape, lo, hi, grad: false });

// The shapes of the native table's Dims::fixed().
const s = [2, 3, 4], row = [3, 1], col = [2, 3, 1], ax = -2;
const [M, K, N, B] = [3, 4, 5, 2];

const VISION_TOL = [1e-4, 1e-4];
const LOSS_GRAD = { eps: 1e-3 };
const tanIn = { shape: s, lo: -4, hi: 4, avoid: [Math.PI / 2], margin: 0.3, period: Math.PI };
const tanWide = { shape: [4, 6], lo: -400, hi: 400, avoid: [Math.PI / 2], margin: 0.3, period: Math.PI };
// tfjs padding for an explicit [ph, pw]
const tfPad = (ph, pw) => [[0, 0], [ph, ph], [pw, pw], [0, 0]];
const pool3 = { poolSize: 3, strides: 2, padding: 'same' };
const oneHot43 = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0];
const labels4 = [0, 2, 1, 1];
const dist43 = [0.2, 0.3, 0.5, 0.1, 0.6, 0.3, 0.7, 0.2, 0.1, 0.25, 0.25, 0.5]; // rows sum to 1

export const ROWS = [
  // ---- elementwise, broadcasting ------------------------------------------------------------
  { name: 'add', op: 'add', inputs: [any(s), any(row)], pg: (pg, x) => pg.add(x[0], x[1]), tf: (tf, x) => tf.add(x[0], x[1]) },
  { name: 'add col', op: 'add', inputs: [any(s), any(col)], pg: (pg, x) => pg.add(x[0], x[1]), tf: (tf, x) => tf.add(x[0], x[1]) },
  { name: 'sub', op: 'sub', inputs: [any(row), any(s)], pg: (pg, x) => pg.sub(x[0], x[1]), tf: (tf, x) => tf.sub(x[0], x[1]) },
  { name: 'mul', op: 'mul', inputs: [any(s), any(row)], pg: (pg, x) => pg.mul(x[0], x[1]), tf: (tf, x) => tf.mul(x[0], x[1]) },
  { name: 'mul 3-d by column', op: 'mul', inputs: [any([2, 3, 4]), any([3, 1])], pg: (pg, x) => pg.mul(x[0], x[1]), tf: (tf, x) => tf.mul(x[0], x[1]) },
  { name: 'mul same', op: 'mul', inputs: [any(s)], pg: (pg, x) => pg.mul(x[0], x[0]), tf: (tf, x) => tf.mul(x[0], x[0]) },
  { name: 'div', op: 'div', inputs: [any(s), pos(col)], pg: (pg, x) => pg.div(x[0], x[1]), tf: (tf, x) => tf.div(x[0], x[1]) },
  { name: 'div same shape', op: 'div', inputs: [pos([3, 4]), pos([3, 4])], pg: (pg, x) => pg.div(x[0], x[1]), tf: (tf, x) => tf.div(x[0], x[1]) },
  { name: 'neg', op: 'neg', inputs: [any(s)], pg: (pg, x) => pg.neg(x[0]), tf: (tf, x) => tf.neg(x[0]) },
  { name: 'pow', op: 'pow', inputs: [pos(s)], pg: (pg, x) => pg.pow(x[0], 2.5), tf: (tf, x) => tf.pow(x[0], tf.scalar(2.5)) },
  { name: 'pow negative', op: 'pow', inputs: [pos(s)], pg: (pg, x) => pg.pow(x[0], -1.5), tf: (tf, x) => tf.pow(x[0], tf.scalar(-1.5)) },
  { name: 'pow 3', op: 'pow', inputs: [pos([5])], pg: (pg, x) => pg.pow(x[0], 3), tf: (tf, x) => tf.pow(x[0], tf.scalar(3)) },
  { name: 'exp', op: 'exp', inputs: [any(s)], pg: (pg, x) => pg.exp(x[0]), tf: (tf, x) => tf.exp(x[0]) },
  { name: 'log', op: 'log', inputs: [pos(s)], pg: (pg, x) => pg.log(x[0]), tf: (tf, x) => tf.log(x[0]) },
  { name: 'sqrt', op: 'sqrt', inputs: [pos(s)], pg: (pg, x) => pg.sqrt(x[0]), tf: (tf, x) => tf.sqrt(x[0]) },
  { name: 'abs', op: 'abs', inputs: [kink(s)], pg: (pg, x) => pg.abs(x[0]), tf: (tf, x) => tf.abs(x[0]) },
  { name: 'sigmoid', op: 'sigmoid', inputs: [any(s)], pg: (pg, x) => pg.sigmoid(x[0]), tf: (tf, x) => tf.sigmoid(x[0]) },
  { name: 'tanh', op: 'tanh', inputs: [any(s)], pg: (pg, x) => pg.tanh(x[0]), tf: (tf, x) => tf.tanh(x[0]) },
  { name: 'relu', op: 'relu', inputs: [kink(s)], pg: (pg, x) => pg.relu(x[0]), tf: (tf, x) => tf.relu(x[0]) },
  { name: 'leakyRelu', op: 'leakyRelu', inputs: [kink(s)], pg: (pg, x) => pg.leakyRelu(x[0], 0.2), tf: (tf, x) => tf.leakyRelu(x[0], 0.2) },
  { name: 'sin', op: 'sin', inputs: [any(s, -4, 4)], pg: (pg, x) => pg.sin(x[0]), tf: (tf, x) => tf.sin(x[0]) },
  { name: 'cos', op: 'cos', inputs: [any(s, -4, 4)], pg: (pg, x) => pg.cos(x[0]), tf: (tf, x) => tf.cos(x[0]) },
  { name: 'tan', op: 'tan', inputs: [tanIn], pg: (pg, x) => pg.tan(x[0]), tf: (tf, x) => tf.tan(x[0]) },
  // Mixed lanes: |x| > 200 takes libm (glibc natively, musl in wasm), the rest stays SIMD.
  { name: 'sin wide', op: 'sin', inputs: [any([4, 6], -400, 400)], pg: (pg, x) => pg.sin(x[0]), tf: (tf, x) => tf.sin(x[0]) },
  { name: 'cos wide', op: 'cos', inputs: [any([4, 6], -400, 400)], pg: (pg, x) => pg.cos(x[0]), tf: (tf, x) => tf.cos(x[0]) },
  { name: 'tan wide', op: 'tan', inputs: [tanWide], pg: (pg, x) => pg.tan(x[0]), tf: (tf, x) => tf.tan(x[0]) },

  // ---- linear algebra and shape ---------------------------------------------------------------
  { name: 'matmul', op: 'matmul', inputs: [any([M, K]), any([K, N])], pg: (pg, x) => pg.matmul(x[0], x[1]), tf: (tf, x) => tf.matMul(x[0], x[1]) },
  { name: 'matmul 7x9 @ 9x13', op: 'matmul', inputs: [any([7, 9]), any([9, 13])], pg: (pg, x) => pg.matmul(x[0], x[1]), tf: (tf, x) => tf.matMul(x[0], x[1]) },
  { name: 'matmul batched', op: 'matmul', inputs: [any([B, M, K]), any([B, K, N])], pg: (pg, x) => pg.matmul(x[0], x[1]), tf: (tf, x) => tf.matMul(x[0], x[1]) },
  // tfjs's matMul broadcasts the batch but its gradient then keeps the batch: broadcastTo first.
  { name: 'matmul 3-d @ 2-d', op: 'matmul', inputs: [any([B, M, K]), any([K, N])], pg: (pg, x) => pg.matmul(x[0], x[1]),
    tf: (tf, x) => tf.matMul(x[0], tf.broadcastTo(x[1], [B, K, N])) },
  { name: 'matmul 2-d @ 3-d', op: 'matmul', inputs: [any([M, K]), any([B, K, N])], pg: (pg, x) => pg.matmul(x[0], x[1]),
    tf: (tf, x) => tf.matMul(tf.broadcastTo(x[0], [B, M, K]), x[1]) },
  { name: 'mlp', op: 'matmul', inputs: [any([8, 2]), any([2, 16]), any([16])],
    pg: (pg, x) => pg.sigmoid(pg.add(pg.matmul(x[0], x[1]), x[2])), tf: (tf, x) => tf.sigmoid(tf.add(tf.matMul(x[0], x[1]), x[2])) },
  { name: 'transpose', op: 'transpose', inputs: [any(s)], pg: (pg, x) => pg.transpose(x[0]), tf: (tf, x) => tf.transpose(x[0], [0, 2, 1]) },
  { name: 'transpose 0 2', op: 'transpose', inputs: [any([2, 3, 4])], pg: (pg, x) => pg.transpose(x[0], 0, 2), tf: (tf, x) => tf.transpose(x[0], [2, 1, 0]) },
  { name: 'reshape', op: 'reshape', inputs: [any(s)], pg: (pg, x) => pg.exp(pg.reshape(x[0], [-1])), tf: (tf, x) => tf.exp(tf.reshape(x[0], [-1])) },

  // ---- reductions and softmax -----------------------------------------------------------------
  { name: 'sum', op: 'sum', inputs: [any(s)], pg: (pg, x) => pg.sum(x[0]), tf: (tf, x) => tf.sum(x[0]) },
  { name: 'sum axis', op: 'sum', inputs: [any(s)], pg: (pg, x) => pg.sum(x[0], ax), tf: (tf, x) => tf.sum(x[0], ax) },
  { name: 'sum axis 0', op: 'sum', inputs: [any([3, 5])], pg: (pg, x) => pg.sum(x[0], 0), tf: (tf, x) => tf.sum(x[0], 0) },
  { name: 'sum keepdims', op: 'sum', inputs: [any(s)], pg: (pg, x) => pg.sum(x[0], ax, true), tf: (tf, x) => tf.sum(x[0], ax, true) },
  { name: 'mean', op: 'mean', inputs: [any(s)], pg: (pg, x) => pg.mean(x[0]), tf: (tf, x) => tf.mean(x[0]) },
  { name: 'mean keepdims', op: 'mean', inputs: [any(s)], pg: (pg, x) => pg.mean(x[0], ax, true), tf: (tf, x) => tf.mean(x[0], ax, true) },
  { name: 'mean last axis', op: 'mean', inputs: [any([3, 4])], pg: (pg, x) => pg.mean(x[0], -1), tf: (tf, x) => tf.mean(x[0], -1) },
  { name: 'max', op: 'max', inputs: [distinct(s)], pg: (pg, x) => pg.max(x[0]), tf: (tf, x) => tf.max(x[0]) },
  { name: 'max axis', op: 'max', inputs: [distinct(s)], pg: (pg, x) => pg.max(x[0], ax), tf: (tf, x) => tf.max(x[0], ax) },
  { name: 'max axis 1', op: 'max', inputs: [distinct([3, 5])], pg: (pg, x) => pg.max(x[0], 1), tf: (tf, x) => tf.max(x[0], 1) },
  { name: 'min', op: 'min', inputs: [distinct(s)], pg: (pg, x) => pg.min(x[0]), tf: (tf, x) => tf.min(x[0]) },
  { name: 'min axis', op: 'min', inputs: [distinct(s)], pg: (pg, x) => pg.min(x[0], ax), tf: (tf, x) => tf.min(x[0], ax) },
  { name: 'min axis 1 keepdims', op: 'min', inputs: [distinct([3, 5])], pg: (pg, x) => pg.min(x[0], 1, true), tf: (tf, x) => tf.min(x[0], 1, true) },
  // tfjs's softmax takes the last axis only: axis -2 through a transpose.
  { name: 'softmax', op: 'softmax', inputs: [any(s)], pg: (pg, x) => pg.softmax(x[0], ax),
    tf: (tf, x) => tf.transpose(tf.softmax(tf.transpose(x[0], [0, 2, 1])), [0, 2, 1]) },
  { name: 'softmax last axis', op: 'softmax', inputs: [any([3, 6])], pg: (pg, x) => pg.softmax(x[0]), tf: (tf, x) => tf.softmax(x[0]) },
  { name: 'softmax axis 0', op: 'softmax', inputs: [any([3, 5])], pg: (pg, x) => pg.softmax(x[0], 0),
    tf: (tf, x) => tf.transpose(tf.softmax(tf.transpose(x[0]))) },
  { name: 'logSoftmax', op: 'logSoftmax', inputs: [any(s)], pg: (pg, x) => pg.logSoftmax(x[0], ax),
    tf: (tf, x) => tf.transpose(tf.logSoftmax(tf.transpose(x[0], [0, 2, 1])), [0, 2, 1]) },
  { name: 'logSoftmax last axis', op: 'logSoftmax', inputs: [any([3, 6])], pg: (pg, x) => pg.logSoftmax(x[0]), tf: (tf, x) => tf.logSoftmax(x[0]) },

  // ---- convolution, pooling, upsampling (NHWC) ------------------------------------------------
  { name: 'conv2d same stride 2 + bias', op: 'conv2d', inputs: [any([2, 7, 6, 3]), any([3, 3, 3, 5]), any([5])],
    pg: (pg, x) => pg.conv2d(x[0], x[1], { strides: 2, padding: 'same', bias: x[2] }),
    tf: (tf, x) => tf.add(tf.conv2d(x[0], x[1], 2, 'same'), x[2]), tfTol: VISION_TOL },
  // no pre-activation within reach of the probes (op_table.cpp)
  { name: 'conv2d same + bias relu', op: 'conv2d', inputs: [any([2, 4, 6, 3]), any([3, 3, 3, 4]), any([4])],
    pg: (pg, x) => pg.conv2d(x[0], x[1], { padding: 'same', bias: x[2], activation: 'relu' }),
    tf: (tf, x) => tf.relu(tf.add(tf.conv2d(x[0], x[1], 1, 'same'), x[2])), tfTol: VISION_TOL },
  { name: 'conv2d valid stride 2 relu', op: 'conv2d', inputs: [any([2, 7, 6, 3]), any([3, 2, 3, 4])],
    pg: (pg, x) => pg.conv2d(x[0], x[1], { strides: 2, activation: 'relu' }),
    tf: (tf, x) => tf.relu(tf.conv2d(x[0], x[1], 2, 'valid')), tfTol: VISION_TOL },
  { name: 'conv2d valid stride 2', op: 'conv2d', inputs: [any([2, 7, 6, 3]), any([3, 2, 3, 4])],
    pg: (pg, x) => pg.conv2d(x[0], x[1], { strides: 2 }), tf: (tf, x) => tf.conv2d(x[0], x[1], 2, 'valid'), tfTol: VISION_TOL },
  { name: 'conv2d same stride [2,1]', op: 'conv2d', inputs: [any([2, 6, 5, 2]), any([4, 4, 2, 3])],
    pg: (pg, x) => pg.conv2d(x[0], x[1], { strides: [2, 1], padding: 'same' }), tf: (tf, x) => tf.conv2d(x[0], x[1], [2, 1], 'same'), tfTol: VISION_TOL },
  { name: 'conv2d explicit [1,2] dilation 2', op: 'conv2d', inputs: [any([1, 8, 7, 2]), any([3, 3, 2, 2])],
    pg: (pg, x) => pg.conv2d(x[0], x[1], { padding: [1, 2], dilations: 2 }),
    tf: (tf, x) => tf.conv2d(x[0], x[1], 1, tfPad(1, 2), 'NHWC', 2), tfTol: VISION_TOL,
    tfGrad: false, linear: true }, // tfjs has no gradient for dilated conv2d
  { name: 'conv2d same + bias', op: 'conv2d', inputs: [any([1, 5, 5, 3]), any([3, 3, 3, 4]), any([4])],
    pg: (pg, x) => pg.conv2d(x[0], x[1], { padding: 'same', bias: x[2] }),
    tf: (tf, x) => tf.add(tf.conv2d(x[0], x[1], 1, 'same'), x[2]), tfTol: VISION_TOL },
  // stride (2, 1), dilation (1, 2), in each padding mode (tfjs: strides or dilations must be 1)
  { name: 'conv2d valid s21 d12 + bias', op: 'conv2d', inputs: [any([2, 5, 6, 2]), any([3, 2, 2, 3]), any([3])],
    pg: (pg, x) => pg.conv2d(x[0], x[1], { strides: [2, 1], dilations: [1, 2], bias: x[2] }) },
  { name: 'conv2d same s21 d12 + bias', op: 'conv2d', inputs: [any([2, 5, 6, 2]), any([3, 2, 2, 3]), any([3])],
    pg: (pg, x) => pg.conv2d(x[0], x[1], { strides: [2, 1], dilations: [1, 2], padding: 'same', bias: x[2] }) },
  { name: 'conv2d explicit s21 d12 + bias', op: 'conv2d', inputs: [any([2, 5, 6, 2]), any([3, 2, 2, 3]), any([3])],
    pg: (pg, x) => pg.conv2d(x[0], x[1], { strides: [2, 1], dilations: [1, 2], padding: [1, 2], bias: x[2] }) },
  { name: 'depthwiseConv2d same stride 2', op: 'depthwiseConv2d', inputs: [any([2, 6, 6, 3]), any([3, 3, 3, 2])],
    pg: (pg, x) => pg.depthwiseConv2d(x[0], x[1], { strides: 2, padding: 'same' }),
    tf: (tf, x) => tf.depthwiseConv2d(x[0], x[1], 2, 'same'), tfTol: VISION_TOL },
  { name: 'depthwiseConv2d m=2 + bias', op: 'depthwiseConv2d', inputs: [any([1, 5, 4, 3]), any([3, 2, 3, 2]), any([6])],
    pg: (pg, x) => pg.depthwiseConv2d(x[0], x[1], { strides: [1, 2], padding: 'same', bias: x[2] }),
    tf: (tf, x) => tf.add(tf.depthwiseConv2d(x[0], x[1], [1, 2], 'same'), x[2]), tfTol: VISION_TOL },
  { name: 'depthwiseConv2d m=1', op: 'depthwiseConv2d', inputs: [any([2, 4, 4, 5]), any([2, 2, 5, 1])],
    pg: (pg, x) => pg.depthwiseConv2d(x[0], x[1], { strides: [1, 2], padding: 'same' }),
    tf: (tf, x) => tf.depthwiseConv2d(x[0], x[1], [1, 2], 'same'), tfTol: VISION_TOL },
  { name: 'conv2dTranspose stride [2,3] outputPadding [1,0]', op: 'conv2dTranspose', inputs: [any([2, 3, 4, 3]), any([3, 2, 5, 3])],
    pg: (pg, x) => pg.conv2dTranspose(x[0], x[1], { strides: [2, 3], outputPadding: [1, 0] }),
    tf: (tf, x) => tf.conv2dTranspose(x[0], x[1], [2, 8, 11, 5], [2, 3], 'valid'), tfTol: VISION_TOL },
  { name: 'conv2dTranspose same stride 2', op: 'conv2dTranspose', inputs: [any([2, 3, 4, 3]), any([3, 3, 2, 3])],
    pg: (pg, x) => pg.conv2dTranspose(x[0], x[1], { strides: 2, padding: 'same' }),
    tf: (tf, x) => tf.conv2dTranspose(x[0], x[1], [2, 6, 8, 2], 2, 'same'), tfTol: VISION_TOL },
  { name: 'conv2dTranspose stride 3 outputPadding [2,1]', op: 'conv2dTranspose', inputs: [any([1, 3, 3, 2]), any([2, 3, 4, 2])],
    pg: (pg, x) => pg.conv2dTranspose(x[0], x[1], { strides: 3, outputPadding: [2, 1] }),
    tf: (tf, x) => tf.conv2dTranspose(x[0], x[1], [1, 10, 10, 4], 3, 'valid'), tfTol: VISION_TOL },
  { name: 'conv2dTranspose explicit 1 stride 2 outputPadding 1', op: 'conv2dTranspose', inputs: [any([1, 3, 3, 2]), any([3, 3, 2, 2])],
    pg: (pg, x) => pg.conv2dTranspose(x[0], x[1], { strides: 2, outputPadding: 1, padding: 1 }) },
  { name: 'conv2dTranspose valid s23 + bias', op: 'conv2dTranspose', inputs: [any([2, 3, 3, 2]), any([3, 2, 4, 2]), any([4])],
    pg: (pg, x) => pg.conv2dTranspose(x[0], x[1], { strides: [2, 3], outputPadding: [1, 0], bias: x[2] }) },
  { name: 'conv2dTranspose same s23 + bias', op: 'conv2dTranspose', inputs: [any([2, 3, 3, 2]), any([3, 2, 4, 2]), any([4])],
    pg: (pg, x) => pg.conv2dTranspose(x[0], x[1], { strides: [2, 3], padding: 'same', bias: x[2] }) },
  { name: 'conv2dTranspose explicit s23 + bias', op: 'conv2dTranspose', inputs: [any([2, 3, 3, 2]), any([3, 2, 4, 2]), any([4])],
    pg: (pg, x) => pg.conv2dTranspose(x[0], x[1], { strides: [2, 3], padding: 1, outputPadding: [1, 0], bias: x[2] }) },
  { name: 'maxPool2d same 3/2', op: 'maxPool2d', inputs: [distinct([2, 7, 6, 5], -10, 10)],
    pg: (pg, x) => pg.maxPool2d(x[0], pool3), tf: (tf, x) => tf.maxPool(x[0], 3, 2, 'same'), tfTol: VISION_TOL },
  { name: 'maxPool2d valid', op: 'maxPool2d', inputs: [distinct([2, 6, 6, 3], -10, 10)],
    pg: (pg, x) => pg.maxPool2d(x[0]), tf: (tf, x) => tf.maxPool(x[0], 2, 2, 'valid'), tfTol: VISION_TOL },
  { name: 'maxPool2d [2,3]', op: 'maxPool2d', inputs: [distinct([1, 6, 9, 2], -10, 10)],
    pg: (pg, x) => pg.maxPool2d(x[0], { poolSize: [2, 3] }), tf: (tf, x) => tf.maxPool(x[0], [2, 3], [2, 3], 'valid'), tfTol: VISION_TOL },
  { name: 'avgPool2d same 3/2', op: 'avgPool2d', inputs: [any([2, 7, 6, 5])],
    pg: (pg, x) => pg.avgPool2d(x[0], pool3), tf: (tf, x) => tf.avgPool(x[0], 3, 2, 'same'), tfTol: VISION_TOL,
    // tfjs's cpu AvgPoolGrad divides by the full window (1 / (kh kw)) even where the forward
    // pass divided by the in-bounds count, so its gradient disagrees with its own forward.
    tfGrad: false, linear: true },
  { name: 'avgPool2d valid', op: 'avgPool2d', inputs: [any([2, 6, 4, 3])],
    pg: (pg, x) => pg.avgPool2d(x[0]), tf: (tf, x) => tf.avgPool(x[0], 2, 2, 'valid'), tfTol: VISION_TOL },
  { name: 'avgPool2d explicit 1 3/2', op: 'avgPool2d', inputs: [any([1, 5, 5, 3])],
    pg: (pg, x) => pg.avgPool2d(x[0], { poolSize: 3, strides: 2, padding: 1 }), tf: (tf, x) => tf.avgPool(x[0], 3, 2, 1), tfTol: VISION_TOL,
    tfGrad: false, linear: true }, // as 'avgPool2d same 3/2'
  // kernel (3, 2), stride (2, 1), padding 1, in each mode
  { name: 'maxPool2d valid k32 s21', op: 'maxPool2d', inputs: [distinct([2, 5, 6, 3], -9, 9)],
    pg: (pg, x) => pg.maxPool2d(x[0], { poolSize: [3, 2], strides: [2, 1] }), tf: (tf, x) => tf.maxPool(x[0], [3, 2], [2, 1], 'valid'), tfTol: VISION_TOL },
  { name: 'maxPool2d same k32 s21', op: 'maxPool2d', inputs: [distinct([2, 5, 6, 3], -9, 9)],
    pg: (pg, x) => pg.maxPool2d(x[0], { poolSize: [3, 2], strides: [2, 1], padding: 'same' }), tf: (tf, x) => tf.maxPool(x[0], [3, 2], [2, 1], 'same'), tfTol: VISION_TOL },
  { name: 'maxPool2d explicit k32 s21', op: 'maxPool2d', inputs: [distinct([2, 5, 6, 3], -9, 9)],
    pg: (pg, x) => pg.maxPool2d(x[0], { poolSize: [3, 2], strides: [2, 1], padding: 1 }) },
  { name: 'avgPool2d valid k32 s21', op: 'avgPool2d', inputs: [any([2, 5, 6, 3])],
    pg: (pg, x) => pg.avgPool2d(x[0], { poolSize: [3, 2], strides: [2, 1] }), tf: (tf, x) => tf.avgPool(x[0], [3, 2], [2, 1], 'valid'), tfTol: VISION_TOL },
  { name: 'avgPool2d same k32 s21', op: 'avgPool2d', inputs: [any([2, 5, 6, 3])],
    pg: (pg, x) => pg.avgPool2d(x[0], { poolSize: [3, 2], strides: [2, 1], padding: 'same' }) },
  { name: 'avgPool2d explicit k32 s21', op: 'avgPool2d', inputs: [any([2, 5, 6, 3])],
    pg: (pg, x) => pg.avgPool2d(x[0], { poolSize: [3, 2], strides: [2, 1], padding: 1 }) },
  { name: 'globalAvgPool2d', op: 'globalAvgPool2d', inputs: [any([2, 4, 3, 6])],
    pg: (pg, x) => pg.globalAvgPool2d(x[0]), tf: (tf, x) => tf.mean(x[0], [1, 2]), tfTol: VISION_TOL },
  // batch 1: tfjs's cpu ResizeNearestNeighborGrad gives wrong gradients for batch > 1
  { name: 'upsampling2d nearest', op: 'upsampling2d', inputs: [any([1, 3, 4, 3])],
    pg: (pg, x) => pg.upsampling2d(x[0], { size: [2, 3] }), tf: (tf, x) => tf.image.resizeNearestNeighbor(x[0], [6, 12]), tfTol: VISION_TOL },
  { name: 'upsampling2d nearest batch 2', op: 'upsampling2d', inputs: [any([2, 3, 4, 5])],
    pg: (pg, x) => pg.upsampling2d(x[0], { size: [2, 3] }), tf: (tf, x) => tf.image.resizeNearestNeighbor(x[0], [6, 12]), tfTol: VISION_TOL,
    tfGrad: false, linear: true },
  // Half-pixel centres: tf.image.resizeBilinear(x, size, alignCorners false, halfPixelCenters
  // true). tfjs's ResizeBilinearGrad ignores halfPixelCenters, hence the adjoint identity.
  { name: 'upsampling2d bilinear [3,2]', op: 'upsampling2d', inputs: [any([2, 3, 4, 5])],
    pg: (pg, x) => pg.upsampling2d(x[0], { size: [3, 2], interpolation: 'bilinear' }),
    tf: (tf, x) => tf.image.resizeBilinear(x[0], [9, 8], false, true), tfTol: VISION_TOL, tfGrad: false, linear: true },
  { name: 'upsampling2d bilinear [2,3]', op: 'upsampling2d', inputs: [any([2, 3, 5, 4])],
    pg: (pg, x) => pg.upsampling2d(x[0], { size: [2, 3], interpolation: 'bilinear' }),
    tf: (tf, x) => tf.image.resizeBilinear(x[0], [6, 15], false, true), tfTol: VISION_TOL, tfGrad: false, linear: true },

  // ---- losses (the prediction gets the gradient; mse and contrastive also the target) -------
  { name: 'mse', op: 'losses.mse', inputs: [any([4, 3]), any([4, 3])], grad: LOSS_GRAD,
    pg: (pg, x) => pg.losses.mse(x[0], x[1]), tf: (tf, x) => tf.losses.meanSquaredError(x[1], x[0]) },
  { name: 'binaryCrossEntropy', op: 'losses.binaryCrossEntropy', inputs: [any([4, 3], 0.1, 0.9), target([4, 3])], grad: LOSS_GRAD,
    pg: (pg, x) => pg.losses.binaryCrossEntropy(x[0], x[1]), tf: (tf, x) => tf.mean(tf.metrics.binaryCrossentropy(x[1], x[0])) },
  { name: 'binaryCrossEntropy fromLogits sum', op: 'losses.binaryCrossEntropy', inputs: [any([4, 3]), target([4, 3])], grad: LOSS_GRAD,
    pg: (pg, x) => pg.losses.binaryCrossEntropy(x[0], x[1], { fromLogits: true, reduction: 'sum' }),
    tf: (tf, x) => tf.sum(tf.mean(tf.losses.sigmoidCrossEntropy(x[1], x[0], undefined, 0, tf.Reduction.NONE), -1)) },
  { name: 'binaryCrossEntropyWithLogits none', op: 'losses.binaryCrossEntropyWithLogits', inputs: [any([4, 3]), target([4, 3])], grad: LOSS_GRAD,
    pg: (pg, x) => pg.losses.binaryCrossEntropyWithLogits(x[0], x[1], { reduction: 'none' }),
    tf: (tf, x) => tf.mean(tf.losses.sigmoidCrossEntropy(x[1], x[0], undefined, 0, tf.Reduction.NONE), -1) },
  // tfjs's categoricalCrossentropy renormalises p (which changes d/dp): the formula in tf ops.
  { name: 'categoricalCrossEntropy', op: 'losses.categoricalCrossEntropy', inputs: [any([4, 3], 0.1, 0.9), fixed([4, 3], oneHot43)], grad: LOSS_GRAD,
    pg: (pg, x) => pg.losses.categoricalCrossEntropy(x[0], x[1]),
    tf: (tf, x) => tf.mean(tf.neg(tf.sum(tf.mul(x[1], tf.log(tf.clipByValue(x[0], 1e-7, 1 - 1e-7))), -1))) },
  // Target rows that sum to 1: tfjs's softmaxCrossEntropy gradient is softmax - y, which assumes
  // that (the core's is softmax * sum(y) - y; the native rows check it with any targets).
  { name: 'categoricalCrossEntropy fromLogits none', op: 'losses.categoricalCrossEntropy', inputs: [any([4, 3]), fixed([4, 3], dist43)], grad: LOSS_GRAD,
    pg: (pg, x) => pg.losses.categoricalCrossEntropy(x[0], x[1], { fromLogits: true, reduction: 'none' }),
    tf: (tf, x) => tf.losses.softmaxCrossEntropy(x[1], x[0], undefined, 0, tf.Reduction.NONE) },
  { name: 'categoricalCrossEntropy fromLogits 3-d', op: 'losses.categoricalCrossEntropy', inputs: [any([2, 2, 3]), fixed([2, 2, 3], dist43)], grad: LOSS_GRAD,
    pg: (pg, x) => pg.losses.categoricalCrossEntropy(x[0], x[1], { fromLogits: true, reduction: 'none' }),
    tf: (tf, x) => tf.mean(tf.losses.softmaxCrossEntropy(x[1], x[0], undefined, 0, tf.Reduction.NONE), -1) },
  // labels as a Tensor (natively the Tensor-labels overload)
  { name: 'sparseCategoricalCrossEntropy', op: 'losses.sparseCategoricalCrossEntropy', inputs: [any([4, 3], 0.1, 0.9), fixed([4], labels4)], grad: LOSS_GRAD,
    pg: (pg, x) => pg.losses.sparseCategoricalCrossEntropy(x[0], x[1]),
    tf: (tf, x) => tf.mean(tf.neg(tf.log(tf.sum(tf.mul(tf.oneHot(tf.tensor1d(labels4, 'int32'), 3), tf.clipByValue(x[0], 1e-7, 1 - 1e-7)), -1)))) },
  { name: 'sparseCategoricalCrossEntropy fromLogits', op: 'losses.sparseCategoricalCrossEntropy', inputs: [any([4, 3]), fixed([4], labels4)], grad: LOSS_GRAD,
    pg: (pg, x) => pg.losses.sparseCategoricalCrossEntropy(x[0], labels4, { fromLogits: true }),
    tf: (tf, x) => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels4, 'int32'), 3), x[0]) },
  // max(0, m - d)^2 has a kink in its second derivative at d = m.
  { name: 'contrastive', op: 'losses.contrastive', inputs: [{ shape: [5], lo: 0.1, hi: 2, avoid: [1.5] }, fixed([5], [1, 0, 1, 0, 0])], grad: LOSS_GRAD,
    pg: (pg, x) => pg.losses.contrastive(x[0], x[1], 1.5),
    tf: (tf, x) => tf.mean(tf.add(tf.mul(x[1], tf.square(x[0])), tf.mul(tf.sub(1, x[1]), tf.square(tf.relu(tf.sub(1.5, x[0])))))) },
];

// What the JS API exports that is not a differentiable op, and why. op-table.test.mjs fails on
// an exported function that is neither here nor the op of a row.
export const NOT_OPS = {
  tensor: 'creates a tensor', zeros: 'creates a tensor', ones: 'creates a tensor', full: 'creates a tensor',
  arange: 'creates a tensor', rand: 'creates a tensor', randn: 'creates a tensor',
  noGrad: 'autograd mode', detectAnomaly: 'autograd mode', scope: 'memory', memoryBytes: 'memory',
  tensorBytes: 'memory', memoryLimit: 'memory', setMemoryLimit: 'memory', toJSON: 'description',
  expr: 'parses an expression into the rows\' ops (sin, cos, tan, pow, ...); expr.test.mjs checks its gradients',
  Tensor: 'class', PlaygradError: 'class', Model: 'class', SymbolicTensor: 'class', DenseChainTrainer: 'class',
  model: 'builds a model from layers', graphSpec: 'orders a graph description (no tensors)', sequential: 'builds a model from layers', loadModel: 'reads a model',
  denseChainTrainer: 'trains a model (its steps run the ops and the optimizer)',
  trace: 'records what a computation of the rows\' ops did (trace.test.mjs checks it)',
  activationCurve: 'an activation layer\'s own f and f\' on a grid (lesson-activations.test.mjs checks them)',
  pca: 'principal components of a data matrix, plain numbers out, no gradient (lesson-transfer.test.mjs and test_transfer.cpp check it)',
  threads: 'the thread pool (threads.test.mjs)', maxThreads: 'the thread pool', setThreads: 'the thread pool',
};
// Namespaces of the JS API that hold no tensor ops (numbers and arrays in and out, or objects
// that build on the ops), and why; pg.losses holds ops and is checked name by name.
export const NOT_OP_NAMESPACES = {
  optim: 'optimizers (update parameters in place)', init: 'weight initialisers', layers: 'layers built on the ops',
  callbacks: 'training callbacks', data: 'data sets', vision: 'box and size arithmetic on plain numbers and arrays',
  search: 'hyperparameter draws (plain numbers from the seeded generator)',
  similarity: 'judging pair distances (ROC, counts at a threshold, nearest neighbours): plain numbers out, no gradient',
  gan: 'a GAN\'s data side (seeded targets, mode coverage): plain numbers out, no gradient',
  metrics: 'classification counts (the confusion matrix of argmax predictions: integers, no gradient)',
};

// Builds a row's inputs as { data, shape, grad } (plain numbers) with the core's generator.
export function buildInputs(pg, r, salt = 0) {
  return r.inputs.map((spec, i) => {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const seed = (fnv1a(r.name) + 7919 * i + 104729 * salt) % 2 ** 31;
    let data;
    if (spec.values) {
      data = spec.values.slice();
    } else if (spec.distinct) {
      const order = pg.scope(() => Array.from(pg.rand([n], seed).toArray()));
      const idx = order.map((v, k) => [v, k]).sort((a, b) => a[0] - b[0]).map(([, k]) => k);
      data = new Array(n);
      idx.forEach((k, rank) => { data[k] = spec.lo + (spec.hi - spec.lo) * (rank + 0.5) / n; });
    } else {
      data = pg.scope(() => Array.from(pg.rand([n], seed, spec.lo, spec.hi).toArray()));
      const margin = spec.margin ?? 0.05;
      for (const p0 of spec.avoid ?? []) {
        data = data.map((v) => {
          const p = spec.period ? p0 + spec.period * Math.round((v - p0) / spec.period) : p0;
          const d = v - p;
          return Math.abs(d) >= margin ? v : (d < 0 ? p - margin : p + margin);
        });
      }
    }
    return { data: Float32Array.from(data), shape: spec.shape, grad: spec.grad !== false };
  });
}

function fnv1a(str) {
  let h = 2166136261;
  for (let i = 0; i < str.length; i++) h = Math.imul(h ^ str.charCodeAt(i), 16777619) >>> 0;
  return h;
}
