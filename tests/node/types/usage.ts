// Compiled by tests/node/types.test.mjs with `tsc --noEmit`: the declarations cover the API as
// README.md and docs/ use it.
import { load, PlaygradError, Tensor } from 'playgrad';
import type { History, Logs, Model, Optimizer, OptimizerState, SymbolicTensor } from 'playgrad';

async function main(): Promise<number> {
  const pg = await load();
  const v: string = pg.version;
  const simd: boolean = pg.simd;
  const x: Tensor = pg.tensor([1, 2, 3, 4, 5, 6], [2, 3], { requiresGrad: true });
  const shape: number[] = x.shape;
  const size: number = x.size;
  const data: Float32Array = x.toArray();
  const y = pg.sum(pg.softmax(x, -1));
  y.backward();
  const g: Tensor | null = x.grad;
  pg.noGrad(() => pg.mul(x, 2));
  const kept: Tensor = pg.scope(() => pg.add(pg.zeros([2, 3]), pg.ones([3])));
  kept.dispose();
  try {
    pg.matmul(pg.rand([2, 3], 1), pg.randn([2, 3], 2));
  } catch (e) {
    if (e instanceof PlaygradError) console.log(e.message);
  }
  const bytes: number = pg.memoryBytes();

  // the learning stack
  const l: Tensor = pg.losses.sparseCategoricalCrossEntropy(pg.tensor([[0.1, 0.3, 0.6]]), [1]);
  const l2: Tensor = pg.losses.categoricalCrossEntropy(x, x, { fromLogits: true, reduction: 'none' });
  pg.losses.contrastive(x, x, 2);
  const opt: Optimizer = pg.optim.adam([x], { lr: 0.01, amsgrad: true });
  opt.zeroGrad();
  l.backward();
  opt.step();
  opt.lr = 0.001;
  const sched = pg.optim.scheduler(opt, { kind: 'cosine', tMax: 10 });
  sched.step();
  const state: OptimizerState = opt.state();
  opt.loadState(state);
  const lp = pg.optim.linePath([1, 2, 3], [3, 5, 7], { lr: 0.05, batchSize: 2, epochs: 3, seed: 1 });
  const lw: Float32Array = lp.w;
  const order: Int32Array = lp.order;
  const perEpoch: number = lp.stepsPerEpoch;
  const ls = pg.optim.lineStats([1, 2, 3], [3, 5, 7]);
  const lrMax: number = ls.lrMax;
  const hess: [number, number, number, number] = ls.hessian;
  const w0: Tensor = pg.init.heNormal([4, 3], 1);
  const inp1 = pg.layers.input([4]);
  const inp2 = pg.layers.input([4]);
  const h2 = pg.layers.dense(40)(pg.layers.dense(30)(inp1));
  const h4 = pg.layers.dense({ units: 50, activation: 'relu', kernelRegularizer: { l1: 0.01, l2: 0.01 } })(pg.layers.dense(20)(inp2));
  const joined: SymbolicTensor = pg.layers.concatenate()([h2, h4]);
  const model: Model = pg.model({ inputs: [inp1, inp2], outputs: joined });
  const text: string = model.summary();
  const cnn = pg.sequential([
    pg.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }),
    pg.layers.maxPooling2d({ poolSize: 2 }),
    pg.layers.depthwiseConv2d({ kernelSize: [3, 3], depthMultiplier: 2, depthwiseRegularizer: { l2: 0.01 } }),
    pg.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }),
    pg.layers.averagePooling2d({ poolSize: [2, 2], strides: null }),
    pg.layers.upSampling2d({ size: 2, interpolation: 'bilinear' }),
    pg.layers.globalAveragePooling2d(),
    pg.layers.dense(10),
  ], { inputShape: [28, 28, 1] });
  const cnnParams: number = cnn.countParams();
  const frozenCnn = pg.sequential([pg.layers.conv2d({ filters: 8, kernelSize: 3, trainable: false, name: 'conv' }), pg.layers.flatten(), pg.layers.dense({ units: 2, name: 'head' })], { inputShape: [28, 28, 1] });
  frozenCnn.setTrainable('conv', true);
  frozenCnn.copyWeightsFrom(frozenCnn, ['head']);
  const headTrainable: number = frozenCnn.layers[2].trainableCount;
  frozenCnn.dispose();
  const vgg = pg.vision.architecture([224, 224, 3], [{ kind: 'conv', filters: 64, kernel: 3, padding: 'same' }, { kind: 'pool', kernel: 2 }, { kind: 'flatten' }, { kind: 'dense', units: 10 }]);
  const vggParams: number = vgg.params;
  const proj = pg.pca(pg.randn([10, 3], 1), 2);
  const explained: Float64Array = proj.explained;
  cnn.dispose();
  const seq = pg.sequential([pg.layers.dense(8, { activation: 'tanh' }), pg.layers.dropout(0.2), pg.layers.batchNormalization(), pg.layers.dense(3)], { inputShape: [2], seed: 1 });
  seq.compile({ optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 }, loss: { kind: 'sparseCategoricalCrossEntropy', fromLogits: true }, metrics: ['accuracy'] });
  const { x: sx, y: sy } = pg.data.spiral(50, 3, 0);
  const history: History = seq.fit(sx, sy, {
    epochs: 2, batchSize: 16, validationSplit: 0.2,
    callbacks: [pg.callbacks.earlyStopping({ monitor: 'val_loss', patience: 3 }), pg.callbacks.learningRateScheduler((e, lr) => lr * 0.9),
      { onEpochEnd: (e: number, logs: Logs) => logs.loss < 0.01, onBatchEnd: (b: number, logs: Logs) => { console.log(b, logs.loss); } }],
  });
  const lossCurve: number[] = history.history.loss;
  const acc: number = seq.evaluate(sx, sy).accuracy;
  const pred = seq.predict(sx);
  const saved: string = seq.save();
  const again: Model = pg.loadModel(saved);
  again.dispose();
  model.dispose();
  // vision
  const img = pg.randn([1, 8, 8, 3], 3);
  const conv: Tensor = pg.conv2d(img, pg.randn([3, 3, 3, 4], 4), { strides: 2, padding: 'same', bias: pg.zeros([4]) });
  const pooled: Tensor = pg.maxPool2d(pg.avgPool2d(conv, { poolSize: [2, 2], padding: 'valid' }), { poolSize: 1 });
  const up: Tensor = pg.upsampling2d(pg.conv2dTranspose(pooled, pg.zeros([2, 2, 5, 4]), { strides: 2, outputPadding: 0 }),
    { size: 2, interpolation: 'bilinear' });
  const gap: Tensor = pg.globalAvgPool2d(pg.depthwiseConv2d(up, pg.zeros([3, 3, 5, 2]), { padding: 1 }));
  const out: number = pg.vision.convOutputSize({ input: 28, kernel: 3, stride: 2, padding: 'valid' });
  const pad = pg.vision.convPadding({ input: 5, kernel: 4, padding: 'same' });
  const params: number = pg.vision.convParams({ kernel: 5, inChannels: 100, outChannels: 500 });
  const overlap: number = pg.vision.iou([0, 0, 2, 2], [1, 1, 3, 3]);
  const keptIdx: number[] = pg.vision.nms([[0, 0, 2, 2], [1, 1, 3, 3]], [0.9, 0.8], { iouThreshold: 0.5, rule: 'torchvision' });
  for (const step of pg.vision.nmsSteps(new Float32Array(8), [0.5, 0.4])) {
    if (step.kind === 'suppress') console.log(step.by, step.iou);
  }
  const parts = pg.vision.iouParts([0, 0, 2, 2], [1, 1, 3, 3]);
  const interBox: [number, number, number, number] | null = parts.intersection;
  const perClassSteps = pg.vision.nmsStepsPerClass([[0, 0, 2, 2], [1, 1, 3, 3]], [0.9, 0.8], [0, 1], { iouThreshold: 0.5 });
  const quotient: number = pad.quotient + pad.span + pad.numerator;
  const lowest: Tensor = pg.min(x, 1, true);
  const soft = pg.vision.softNms([0, 0, 1, 1], [0.5], { sigma: 0.5 });
  const anchors = pg.vision.gridAnchors({ grid: [2, 2], stride: 16, sizes: [32], ratios: [0.5, 1, 2] });
  const km = pg.vision.kmeansAnchors([[1, 2], [2, 1], [3, 3]], { k: 2, seed: 1 });
  const enc = pg.vision.yoloEncode([[0.1, 0.1, 0.3, 0.4]], [0], { grid: 3, numClasses: 2 });
  const dec = pg.vision.yoloDecode(enc.target, { grid: 3, numClasses: 2, confThreshold: 0.5 });
  const visionSum = conv.size + gap.size + out + pad.padAfter + params + overlap + keptIdx.length + soft.scores.length +
    anchors.length + km.meanIou + enc.shape[3] + dec.boxes.length + parts.union + (interBox ? interBox[2] : 0) +
    perClassSteps.length + quotient + lowest.size;
  return visionSum + v.length + (simd ? 1 : 0) + shape.length + size + data.length + (g ? 1 : 0) + bytes + y.item() +
    l2.size + w0.size + text.length + lossCurve.length + acc + (Array.isArray(pred) ? 0 : pred.size) + saved.length +
    lw.length + order.length + perEpoch + lrMax + hess[0];
}
main();
