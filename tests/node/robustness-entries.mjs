// The robustness table: every entry point where input reaches Playgrad, and the bad input each
// gets. ONE data structure drives both the Node test (tests/node/robustness.test.mjs) and the
// table in docs/robustness.md (`node tests/node/robustness-entries.mjs` prints it; a test checks
// the document holds exactly that output).
//
// Entry points are discovered where a registry exists, so new ones are covered when merged:
//  - every function on the API object `pg` and its namespaces (pg.losses, pg.optim, pg.init,
//    pg.layers, pg.callbacks, pg.vision, pg.data, pg.search, pg.similarity, pg.metrics, pg.gan) is probed with every class in BAD_ARGS;
//  - every lesson in lessons/index.mjs, every setting it declares (URL field, control, CLI flag)
//    gets every class in BAD_TEXT for its type;
// and the hand-written SPECIFIC cases below cover what needs a particular shape of mistake
// (shapes that do not align, 10^10 elements, a failed optimizer step, a failed model load, ...).

/** Namespaces of the API object probed function by function. */
export const NAMESPACES = ['', 'losses', 'optim', 'init', 'layers', 'callbacks', 'vision', 'data', 'search', 'similarity', 'metrics', 'gan'];

/** Functions not probed generically, and why (each is covered by a SPECIFIC case or is not an input path). */
export const NOT_PROBED = {
  noGrad: 'takes a callback; what it throws is the callback\'s own error (rethrown unchanged)',
  scope: 'takes a callback; same as noGrad',
  memoryBytes: 'no arguments', tensorBytes: 'no arguments', memoryLimit: 'no arguments',
  threads: 'no arguments', maxThreads: 'no arguments',
  Tensor: 'a class (constructed by the API only)', PlaygradError: 'a class', Model: 'a class',
  SymbolicTensor: 'a class', Optimizer: 'a class', DenseChainTrainer: 'a class (made by pg.denseChainTrainer(model))',
  constructor: 'not an entry point',
};

/** Generic bad arguments: [class, value] (each is passed as every argument position in turn). */
export const BAD_ARGS = [
  ['wrong type: string', 'abc'],
  ['wrong type: null', null],
  ['wrong type: object', { a: 1 }],
  ['wrong type: function', () => 1],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['negative', -3],
  ['huge number', 1e10],
  ['empty array', []],
  ['array of strings', ['a', 'b']],
  ['nested ragged array', [[1, 2], [3]]],
];

/** Bad text for a setting (URL field, control text box, CLI flag): [class, text]. */
export const BAD_TEXT = [
  ['empty', ''],
  ['not a number', 'abc'],
  ['NaN', 'NaN'],
  ['Infinity', 'Infinity'],
  ['overflow to Infinity', '1e400'],
  ['negative', '-1'],
  ['zero', '0'],
  ['huge', '1e12'],
  ['HTML', '<img src=x onerror=globalThis.__pwned=1>'],
  ['javascript: URL', 'javascript:globalThis.__pwned=1'],
  ['unicode digits', '١٢٣'],
  ['unicode and emoji', 'x😀\u202e\u0000'],
  ['only commas', ',,,'],
  ['100,000 characters', '9'.repeat(100000)],
  ['1 MB', '1,'.repeat(500000)],
];

/**
 * Specific cases: { entry, group, input, call(pg, fx) , expect: RegExp for the message, state? }.
 * fx: fixtures made fresh for each case (see makeFixtures in the test). `state(pg, fx)` returns a
 * snapshot that must be the same before and after the failed call (prior state unchanged).
 */
export const SPECIFIC = [
  // ---- core tensor ops ----------------------------------------------------------------------
  { group: 'core', entry: 'pg.tensor', input: 'shape does not match the data length', expect: /tensor/, call: (pg) => pg.tensor([1, 2, 3], [2, 2]) },
  { group: 'core', entry: 'pg.tensor', input: 'string data', expect: /tensor: data must be/, call: (pg) => pg.tensor('123') },
  { group: 'core', entry: 'pg.tensor', input: 'ragged nested arrays', expect: /tensor: nested arrays are ragged/, call: (pg) => pg.tensor([[1, 2], [3]]) },
  { group: 'core', entry: 'pg.tensor', input: 'null inside the data', expect: /tensor: data must hold numbers/, call: (pg) => pg.tensor([1, null]) },
  { group: 'core', entry: 'pg.zeros', input: '10^10 elements (over the memory limit)', expect: /zeros.*(limit|memory)|memory limit/i, call: (pg) => pg.zeros([100000, 100000]) },
  { group: 'core', entry: 'pg.ones', input: 'negative dimension', expect: /ones|shape/, call: (pg) => pg.ones([2, -3]) },
  { group: 'core', entry: 'pg.full', input: 'fractional dimension', expect: /full|shape|integer/, call: (pg) => pg.full([2.5], 1) },
  { group: 'core', entry: 'pg.rand', input: '10^10 elements', expect: /limit|memory/i, call: (pg) => pg.rand([1e10], 0) },
  { group: 'core', entry: 'pg.arange', input: 'step 0 (would never end)', expect: /arange/, call: (pg) => pg.arange(0, 10, 0) },
  { group: 'core', entry: 'pg.arange', input: 'NaN bound', expect: /arange/, call: (pg) => pg.arange(0, NaN) },
  { group: 'core', entry: 'pg.arange', input: '10^10 elements', expect: /arange|limit|memory/i, call: (pg) => pg.arange(0, 1e10) },
  { group: 'core', entry: 'pg.add', input: 'shapes that do not broadcast', expect: /add: .*\[2,3\].*\[4\]|add/, call: (pg, fx) => pg.add(fx.a23, fx.v4) },
  { group: 'core', entry: 'pg.matmul', input: 'shapes that do not align', expect: /matmul: shapes \[2,3\] and \[2,3\]/, call: (pg, fx) => pg.matmul(fx.a23, fx.a23) },
  { group: 'core', entry: 'pg.matmul', input: 'a 0-d operand', expect: /matmul/, call: (pg, fx) => pg.matmul(fx.s, fx.a23) },
  { group: 'core', entry: 'pg.reshape', input: 'wrong element count', expect: /reshape/, call: (pg, fx) => pg.reshape(fx.a23, [4]) },
  { group: 'core', entry: 'pg.reshape', input: 'two -1 dimensions', expect: /reshape/, call: (pg, fx) => pg.reshape(fx.a23, [-1, -1]) },
  { group: 'core', entry: 'pg.transpose', input: 'axis out of range', expect: /transpose/, call: (pg, fx) => pg.transpose(fx.a23, 0, 5) },
  { group: 'core', entry: 'pg.sum', input: 'axis out of range', expect: /sum/, call: (pg, fx) => pg.sum(fx.a23, 7) },
  { group: 'core', entry: 'pg.softmax', input: 'axis out of range', expect: /softmax/, call: (pg, fx) => pg.softmax(fx.a23, -3) },
  { group: 'core', entry: 'pg.softmax', input: 'fractional axis', expect: /softmax/, call: (pg, fx) => pg.softmax(fx.a23, 0.5) },
  { group: 'core', entry: 't.backward', input: 'a tensor of more than one element', expect: /backward/, call: (pg, fx) => fx.a23.backward() },
  { group: 'core', entry: 't.item', input: 'a tensor of more than one element', expect: /item/, call: (pg, fx) => fx.a23.item() },
  { group: 'core', entry: 'any op', input: 'a disposed tensor', expect: /used after dispose/, call: (pg) => { const t = pg.tensor([1]); t.dispose(); return pg.exp(t); } },
  { group: 'core', entry: 'pg.setMemoryLimit', input: 'negative limit', expect: /setMemoryLimit: the limit must be/, call: (pg) => pg.setMemoryLimit(-1) },
  { group: 'core', entry: 'pg.setMemoryLimit', input: 'null (was read as 0)', expect: /setMemoryLimit: the limit must be/, call: (pg) => pg.setMemoryLimit(null) },
  { group: 'core', entry: 'pg.setThreads', input: '0 threads', expect: /setThreads: n must be an integer >= 1, got 0/, state: (pg) => [pg.threads()], call: (pg) => pg.setThreads(0) },
  { group: 'core', entry: 'pg.setThreads', input: 'a fraction', expect: /setThreads: n must be an integer >= 1, got 2.5/, state: (pg) => [pg.threads()], call: (pg) => pg.setThreads(2.5) },
  { group: 'callbacks', entry: 'pg.callbacks.progress', input: 'null (was a TypeError)', expect: /progress: options must be an object/, call: (pg) => pg.callbacks.progress(null) },
  // ---- expressions --------------------------------------------------------------------------------
  { group: 'expr', entry: 'pg.expr', input: 'empty', expect: /expr/, call: (pg) => pg.expr('') },
  { group: 'expr', entry: 'pg.expr', input: '100,000 characters', expect: /expr: .*(long|1000)/, call: (pg) => pg.expr('x+'.repeat(50000) + 'y') },
  { group: 'expr', entry: 'pg.expr', input: '10,000 nested parentheses', expect: /expr: .*(nested|long)/, call: (pg) => pg.expr('('.repeat(400) + 'x' + ')'.repeat(400)) },
  { group: 'expr', entry: 'pg.expr', input: 'unknown name', expect: /expr: unknown name 'z' at position 5/, call: (pg) => pg.expr('x + z') },
  { group: 'expr', entry: 'pg.expr', input: 'HTML', expect: /expr/, call: (pg) => pg.expr('<img src=x onerror=alert(1)>') },
  { group: 'expr', entry: 'pg.expr', input: 'NUL and unicode', expect: /expr/, call: (pg) => pg.expr('x\u0000 + ÿ😀') },
  { group: 'expr', entry: 'pg.expr', input: 'not a string', expect: /expr: expected a string/, call: (pg) => pg.expr(42) },
  { group: 'expr', entry: 'f.at', input: 'a string coordinate', expect: /expr: at\(x, y\) needs two numbers/, call: (pg, fx) => fx.f.at('1', 2) },
  { group: 'expr', entry: 'f.eval', input: 'shapes that do not broadcast', expect: /expr|add|sub|mul|broadcast/, call: (pg, fx) => fx.f.eval(fx.a23, fx.v4) },
  // ---- losses -------------------------------------------------------------------------------------
  { group: 'losses', entry: 'pg.losses.mse', input: 'shapes differ', expect: /mse/, call: (pg, fx) => pg.losses.mse(fx.a23, fx.v4) },
  { group: 'losses', entry: 'pg.losses.mse', input: 'unknown reduction', expect: /mse: reduction/, call: (pg, fx) => pg.losses.mse(fx.a23, fx.a23, { reduction: 'avg' }) },
  { group: 'losses', entry: 'pg.losses.sparseCategoricalCrossEntropy', input: 'label out of range', expect: /sparseCategoricalCrossEntropy: label 3/, call: (pg, fx) => pg.losses.sparseCategoricalCrossEntropy(fx.a23, [0, 3]) },
  { group: 'losses', entry: 'pg.losses.sparseCategoricalCrossEntropy', input: 'fractional / NaN label', expect: /sparseCategoricalCrossEntropy/, call: (pg, fx) => pg.losses.sparseCategoricalCrossEntropy(fx.a23, [0.5, NaN]) },
  { group: 'losses', entry: 'pg.losses.sparseCategoricalCrossEntropy', input: 'wrong label count', expect: /sparseCategoricalCrossEntropy/, call: (pg, fx) => pg.losses.sparseCategoricalCrossEntropy(fx.a23, [0, 1, 2]) },
  { group: 'losses', entry: 'pg.losses.contrastive', input: 'negative margin', expect: /contrastive/, call: (pg, fx) => pg.losses.contrastive(fx.v4, fx.v4, -1) },
  // ---- optimizers (state: the weights and the optimizer state stay as they were) -----------------
  { group: 'optim', entry: 'pg.optim.adam', input: 'negative learning rate', expect: /adam: learning rate/, call: (pg, fx) => pg.optim.adam([fx.w], { lr: -1 }) },
  { group: 'optim', entry: 'pg.optim.sgd', input: 'NaN momentum', expect: /sgd/, call: (pg, fx) => pg.optim.sgd([fx.w], { momentum: NaN }) },
  { group: 'optim', entry: 'pg.optim.sgd', input: 'params not Tensors', expect: /sgd: params must be/, call: (pg) => pg.optim.sgd([1, 2]) },
  { group: 'optim', entry: 'opt.lr = v', input: 'NaN / negative', expect: /lr|learning rate/, state: (pg, fx) => [fx.opt.lr, Array.from(fx.w.toArray())], call: (pg, fx) => { fx.opt.lr = NaN; } },
  { group: 'optim', entry: 'opt.step', input: 'after opt.dispose()', expect: /optimizer: used after dispose/, state: (pg, fx) => [Array.from(fx.w.toArray()), Array.from(fx.w2.toArray())], call: (pg, fx) => { fx.opt.dispose(); return fx.opt.step(); } },
  { group: 'optim', entry: 'pg.optim.adam', input: 'Infinity epsilon (JSON would turn it into null = default)', expect: /adam: epsilon must be a finite number/, call: (pg, fx) => pg.optim.adam([fx.w], { epsilon: Infinity }) },
  { group: 'optim', entry: 'opt.loadState', input: 'malformed JSON', expect: /loadState|state|JSON/, state: (pg, fx) => JSON.stringify(fx.opt.state()), call: (pg, fx) => fx.opt.loadState('{"kind":') },
  { group: 'optim', entry: 'opt.loadState', input: 'state of the wrong shape', expect: /loadState|state/, state: (pg, fx) => JSON.stringify(fx.opt.state()), call: (pg, fx) => { const s = fx.opt.state(); s.state[0].m = [1]; return fx.opt.loadState(s); } },
  // Regression: options holding a Tensor were serialized with the whole wasm module (minutes).
  { group: 'optim', entry: 'pg.optim.scheduledLr', input: 'a Tensor as the schedule', expect: /lrSchedule: options must be a plain object, got Tensor/, call: (pg, fx) => pg.optim.scheduledLr(fx.a23, 0.1, 1) },
  { group: 'layers', entry: 'pg.layers.activation', input: 'a Tensor as the config', expect: /Activation: options must be a plain object/, call: (pg, fx) => pg.layers.activation(fx.a23) },
  { group: 'core', entry: 'JSON.stringify(tensor)', input: 'a Tensor inside data sent as JSON', expect: /loadState|state|kind/, call: (pg, fx) => fx.opt.loadState({ kind: fx.a23 }) },
  { group: 'optim', entry: 'pg.optim.scheduledLr', input: 'unknown schedule kind', expect: /schedule|lr/i, call: (pg) => pg.optim.scheduledLr({ kind: 'wiggle' }, 0.1, 1) },
  // ---- layers and models ---------------------------------------------------------------------------
  { group: 'layers', entry: 'pg.layers.dense', input: 'zero / negative / fractional units', expect: /Dense|dense|units/, call: (pg) => pg.layers.dense(-2) },
  { group: 'layers', entry: 'pg.layers.dense', input: 'unknown activation', expect: /Dense: unknown activation 'gelu'/, call: (pg) => pg.layers.dense({ units: 2, activation: 'gelu' }) },
  { group: 'layers', entry: 'pg.layers.dropout', input: 'rate 1 or NaN', expect: /[Dd]ropout/, call: (pg) => pg.layers.dropout(NaN) },
  { group: 'layers', entry: 'pg.layers.input', input: 'huge shape (10^10 weights downstream)', expect: /limit|memory/i, call: (pg) => pg.sequential([pg.layers.dense(100000)], { inputShape: [100000] }) },
  { group: 'layers', entry: 'pg.layers.create', input: 'unknown kind', expect: /kind|unknown/, call: (pg) => pg.layers.create('Quantum', {}) },
  { group: 'models', entry: 'model.fit', input: 'y rows do not match x', expect: /fit: y 0 has shape \[3\], it needs 4 rows/, state: (pg, fx) => fx.weights(), call: (pg, fx) => fx.net.fit(fx.x, [0, 1, 1]) },
  { group: 'models', entry: 'model.fit', input: 'x of the wrong width', expect: /fit: input 0/, state: (pg, fx) => fx.weights(), call: (pg, fx) => fx.net.fit(pg.zeros([4, 3]), fx.y) },
  { group: 'models', entry: 'model.fit', input: 'NaN in x', expect: /fit: x 0 holds nan at row 0/i, state: (pg, fx) => fx.weights(), call: (pg, fx) => fx.net.fit(pg.full([4, 2], NaN), fx.y, { epochs: 1 }) },
  { group: 'models', entry: 'model.fit', input: 'epochs 0 / negative / NaN; batchSize 0', expect: /fit/, state: (pg, fx) => fx.weights(), call: (pg, fx) => fx.net.fit(fx.x, fx.y, { epochs: -1, batchSize: 0 }) },
  { group: 'models', entry: 'model.fit', input: 'diverging (lr 1e30): the loss becomes non-finite', expect: /^fit: the loss became (NaN|Infinity|-Infinity) at epoch \d+, batch \d+; first non-finite value: op '\w+' .*Training stopped/, call: (pg, fx) => { fx.net.compile({ optimizer: { kind: 'sgd', lr: 1e30 }, loss: { kind: 'sparseCategoricalCrossEntropy', fromLogits: true } }); return fx.net.fit(fx.x, fx.y, { epochs: 20, batchSize: 4 }); } },
  { group: 'models', entry: 'model.fit', input: 'a finite loss with a non-finite gradient (x = 3e38, zero kernel): stops before the step', expect: /^fit: the gradient of weight 'dense\w*\/kernel' became non-finite .*the backward of op 'matmul'/, state: (pg, fx) => JSON.stringify(fx.zeroNet.toJSON().weights), call: (pg, fx) => fx.zeroNet.fit(pg.tensor([[3e38]]), pg.tensor([[1]]), { batchSize: 1 }) },
  { group: 'models', entry: 'denseChainTrainer.step', input: 'NaN in y: the loss is NaN', expect: /^denseChainTrainer\.step: the loss became nan; the step was not taken/, state: (pg, fx) => [JSON.stringify(fx.mseNet.toJSON().weights), fx.fast.steps], call: (pg, fx) => fx.fast.step(pg.zeros([4, 2]), pg.full([4, 1], NaN)) },
  { group: 'models', entry: 'denseChainTrainer.step', input: 'a finite loss whose gradient overflows float32 (y = 3e38)', expect: /^denseChainTrainer\.step: the gradient of layer \d \(2 -> [12]\) is not finite .*the step was not taken/, state: (pg, fx) => [JSON.stringify(fx.mseNet.toJSON().weights), fx.fast.steps], call: (pg, fx) => fx.fast.step(pg.zeros([4, 2]), pg.full([4, 1], 3e38)) },
  { group: 'models', entry: 'model.predict', input: 'wrong input shape', expect: /predict/, state: (pg, fx) => fx.weights(), call: (pg, fx) => fx.net.predict(pg.zeros([2, 5])) },
  { group: 'models', entry: 'model.compile', input: 'unknown loss', expect: /compile|loss/, call: (pg, fx) => fx.net.compile({ optimizer: 'adam', loss: 'hinge-ish' }) },
  { group: 'models', entry: 'model.loadWeights', input: 'wrong shapes', expect: /loadModel: weight/, state: (pg, fx) => fx.weights(), call: (pg, fx) => { const j = fx.net.toJSON(); const k = Object.keys(j.weights)[0]; j.weights[k].shape = [1, 1]; return fx.net.loadWeights(j); } },
  { group: 'models', entry: 'model.loadWeights', input: 'one weight not finite (1e39 overflows float32)', expect: /not a finite float32/, state: (pg, fx) => fx.weights(), call: (pg, fx) => { const j = fx.net.toJSON(); const k = Object.keys(j.weights)[1]; j.weights[k].data[0] = 1e39; return fx.net.loadWeights(j); } },
  { group: 'model JSON', entry: 'pg.loadModel', input: 'empty', expect: /loadModel: invalid JSON/, state: (pg, fx) => fx.weights(), call: (pg) => pg.loadModel('') },
  { group: 'model JSON', entry: 'pg.loadModel', input: 'malformed JSON (truncated file)', expect: /loadModel: invalid JSON/, state: (pg, fx) => fx.weights(), call: (pg, fx) => pg.loadModel(fx.net.save().slice(0, 200)) },
  { group: 'model JSON', entry: 'pg.loadModel', input: 'not a model file', expect: /loadModel: not a playgrad model/, call: (pg) => pg.loadModel('[1, 2]') },
  { group: 'model JSON', entry: 'pg.loadModel', input: 'unsupported version', expect: /loadModel: unsupported version/, call: (pg) => pg.loadModel('{"format": "playgrad-model", "version": 99}') },
  { group: 'model JSON', entry: 'pg.loadModel', input: 'spec with 10^10 weights', expect: /limit|memory/i, call: (pg, fx) => { const j = fx.net.toJSON(); j.spec.layers[0].config.units = 1e10; return pg.loadModel(j); } },
  { group: 'model JSON', entry: 'pg.loadModel', input: 'a weight missing', expect: /loadModel: weight .* is missing/, call: (pg, fx) => { const j = fx.net.toJSON(); delete j.weights[Object.keys(j.weights)[0]]; return pg.loadModel(j); } },
  { group: 'model JSON', entry: 'pg.loadModel', input: 'wrong types inside (string units)', expect: /loadModel|Dense|units/, call: (pg, fx) => { const j = fx.net.toJSON(); j.spec.layers[0].config.units = 'four'; return pg.loadModel(j); } },
  { group: 'model JSON', entry: 'pg.loadModel', input: '1 MB of garbage', expect: /loadModel: invalid JSON/, call: (pg) => pg.loadModel('{'.repeat(1 << 20)) },
  // ---- vision --------------------------------------------------------------------------------------
  { group: 'vision', entry: 'pg.conv2d', input: 'channels do not match the filter', expect: /conv2d/, call: (pg) => pg.conv2d(pg.zeros([1, 4, 4, 2]), pg.zeros([3, 3, 3, 1])) },
  { group: 'vision', entry: 'pg.conv2d', input: 'stride 0', expect: /conv2d/, call: (pg) => pg.conv2d(pg.zeros([1, 4, 4, 1]), pg.zeros([3, 3, 1, 1]), { strides: 0 }) },
  { group: 'vision', entry: 'pg.vision.prepareDigit', input: 'an empty drawing (no ink)', expect: /prepareDigit: the drawing is empty/, call: (pg) => pg.vision.prepareDigit(new Float32Array(16), { height: 4, width: 4 }) },
  { group: 'vision', entry: 'pg.vision.prepareDigit', input: 'a pixel outside [0, 1]', expect: /prepareDigit: pixel \(1, 0\) is 2/, call: (pg) => pg.vision.prepareDigit([0, 2, 0, 0], { height: 2, width: 2 }) },
  { group: 'vision', entry: 'pg.vision.prepareDigit', input: 'fewer pixels than height × width', expect: /prepareDigit: the image has 3 pixels, expected/, call: (pg) => pg.vision.prepareDigit([0, 1, 0], { height: 2, width: 2 }) },
  { group: 'metrics', entry: 'pg.metrics.confusionMatrix', input: 'a label outside the classes', expect: /confusionMatrix: label 0 is 5/, call: (pg, fx) => pg.metrics.confusionMatrix(fx.a23, [5, 0]) },
  { group: 'metrics', entry: 'pg.metrics.segmentation', input: 'fewer labels than pixels', expect: /segmentationScores: 1 labels for 2 pixels/, call: (pg, fx) => pg.metrics.segmentation(fx.a23, [0]) },
  { group: 'data', entry: 'pg.data.scenes', input: 'five classes (the scenes know four)', expect: /scenes: classes must be in \[2, 4\]/, call: (pg) => pg.data.scenes({ classes: 5 }) },
  { group: 'data', entry: 'pg.data.scenes', input: '10^6 scenes', expect: /scenes: count must be in \[1, 4096\]/, call: (pg) => pg.data.scenes({ count: 1e6 }) },
  { group: 'vision', entry: 'pg.vision.convOutputSize', input: 'kernel larger than the padded input', expect: /convOutputSize: kernel 5 is larger/, call: (pg) => pg.vision.convOutputSize({ input: 3, kernel: 5 }) },
  { group: 'vision', entry: 'pg.vision.convOutputSize', input: 'huge sizes (overflow)', expect: /convOutputSize/, call: (pg) => pg.vision.convOutputSize({ input: 2 ** 62, kernel: 3, padding: 2 ** 62 }) },
  { group: 'vision', entry: 'pg.vision.iou', input: 'NaN coordinate', expect: /iou/, call: (pg) => pg.vision.iou([0, 0, NaN, 1], [0, 0, 1, 1]) },
  { group: 'vision', entry: 'pg.vision.iouParts', input: 'a box of 3 numbers', expect: /iouParts: each box must have 4 numbers/, call: (pg) => pg.vision.iouParts([0, 0, 1], [0, 0, 1, 1]) },
  { group: 'vision', entry: 'pg.vision.nmsStepsPerClass', input: 'fewer classes than boxes', expect: /nmsStepsPerClass: 2 boxes but 1 classes/, call: (pg) => pg.vision.nmsStepsPerClass([[0, 0, 1, 1], [0, 0, 2, 2]], [0.5, 0.4], [0]) },
  { group: 'vision', entry: 'pg.vision.nms', input: 'boxes and scores of different lengths', expect: /nms/, call: (pg) => pg.vision.nms([[0, 0, 1, 1]], [0.5, 0.2]) },
  { group: 'vision', entry: 'pg.vision.nms', input: 'IoU threshold outside [0, 1]', expect: /nms/, call: (pg) => pg.vision.nms([[0, 0, 1, 1]], [0.5], { iouThreshold: 2 }) },
  { group: 'vision', entry: 'pg.vision.yoloLoss', input: 'a prediction whose channels do not match the grid', expect: /yoloLoss: prediction shape \[1,2,2,6\] does not match the grid/, call: (pg) => pg.vision.yoloLoss(pg.zeros([1, 2, 2, 6]), pg.zeros([1, 2, 2, 1, 7]), { grid: 2, numClasses: 2 }) },
  { group: 'vision', entry: 'pg.vision.yoloActivate', input: 'a raw output of the wrong length', expect: /yoloActivate: the raw output has 3 numbers/, call: (pg) => pg.vision.yoloActivate([1, 2, 3], { grid: 2, numClasses: 1 }) },
  { group: 'vision', entry: 'pg.vision.syntheticScenes', input: 'more classes than shapes', expect: /syntheticScenes: numClasses must be in \[1, 4\]/, call: (pg) => pg.vision.syntheticScenes({ count: 1, numClasses: 7 }) },
  { group: 'vision', entry: 'pg.vision.yoloDecode', input: 'prediction of the wrong length', expect: /yoloDecode/, call: (pg) => pg.vision.yoloDecode([1, 2, 3], { grid: [2, 2], numClasses: 2, anchors: [[1, 1]] }) },
];

/** The markdown table for docs/robustness.md, generated from the structures above. */
export function markdown({ apiFunctions = [], lessons = [] } = {}) {
  const esc = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [];
  lines.push('### Every API function, probed generically', '');
  lines.push('Every function below is called with each of these as each argument in turn: '
    + BAD_ARGS.map(([c]) => c).join('; ')
    + '. Each call either returns a valid result or throws a `PlaygradError` whose message names the function; '
    + 'afterwards tensor memory is as before and the module still computes `sum([1, 2, 3]) = 6` and a softmax correctly.', '');
  lines.push('| namespace | functions |', '| --- | --- |');
  const byNs = new Map();
  for (const f of apiFunctions) {
    const ns = f.includes('.') ? f.slice(0, f.lastIndexOf('.')) : 'pg';
    if (!byNs.has(ns)) byNs.set(ns, []);
    byNs.get(ns).push(f.slice(f.lastIndexOf('.') + 1));
  }
  for (const [ns, fs] of byNs) lines.push(`| \`${ns}\` | ${fs.map((f) => `\`${f}\``).join(', ')} |`);
  lines.push('', 'Not probed generically: ' + Object.entries(NOT_PROBED).map(([k, v]) => `\`${k}\` (${v})`).join('; ') + '.', '');
  lines.push('### Specific bad input, entry by entry', '');
  lines.push('| group | entry | bad input | error (message matches) | prior state checked unchanged |', '| --- | --- | --- | --- | --- |');
  for (const c of SPECIFIC) {
    lines.push(`| ${esc(c.group)} | \`${esc(c.entry)}\` | ${esc(c.input)} | \`${esc(c.expect.source)}\` | ${c.state ? 'yes' : 'tensor memory'} |`);
  }
  lines.push('', '### Every lesson setting: URL field, control text, CLI flag', '');
  lines.push('Each setting gets each of these texts: ' + BAD_TEXT.map(([c]) => c).join('; ')
    + '. Through the URL (`#/<lesson>?<name>=<text>`, `parseHash` + `parseSettings`) an invalid text falls back to the default with a notice naming the setting; '
    + 'through the CLI (`npx playgrad lesson <id> --<name> <text>`) it is a usage error (exit 2) naming the setting. '
    + 'The resulting state is then computed by the lesson without error. '
    + 'The page-wide `convention` field (`#/<lesson>?convention=<text>`, `--convention <text>`) gets the same texts: in the URL a notice and the convention in force is kept; in the CLI a usage error.', '');
  lines.push('| lesson | settings (type) |', '| --- | --- |');
  for (const l of lessons) lines.push(`| \`${l.id}\` | ${l.settings.map((d) => `\`${d.name}\` (${d.type})`).join(', ')} |`);
  return lines.join('\n');
}

/** The functions of the API object, as 'name' or 'ns.name'. */
export function apiFunctions(pg) {
  const out = [];
  for (const ns of NAMESPACES) {
    const obj = ns ? pg[ns] : pg;
    if (!obj) continue;
    const names = new Set(Object.keys(obj));
    if (!ns) for (let p = Object.getPrototypeOf(obj); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) Object.getOwnPropertyNames(p).forEach((n) => names.add(n));
    for (const name of [...names].sort()) {
      if (name.startsWith('_') || name in NOT_PROBED) continue;
      if (typeof obj[name] !== 'function') continue;
      out.push(ns ? `${ns}.${name}` : name);
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { load } = await import('../../wasm/playgrad.mjs');
  const { LESSONS } = await import('../../lessons/index.mjs');
  const pg = await load();
  process.stdout.write(markdown({ apiFunctions: apiFunctions(pg), lessons: LESSONS }) + '\n');
}
