// Compiled by tests/node/types.test.mjs with `tsc --noEmit`: the declarations cover the API as
// the README uses it.
import { load, PlaygradError, Tensor } from 'playgrad';

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
  const soft = pg.vision.softNms([0, 0, 1, 1], [0.5], { sigma: 0.5 });
  const anchors = pg.vision.gridAnchors({ grid: [2, 2], stride: 16, sizes: [32], ratios: [0.5, 1, 2] });
  const km = pg.vision.kmeansAnchors([[1, 2], [2, 1], [3, 3]], { k: 2, seed: 1 });
  const enc = pg.vision.yoloEncode([[0.1, 0.1, 0.3, 0.4]], [0], { grid: 3, numClasses: 2 });
  const dec = pg.vision.yoloDecode(enc.target, { grid: 3, numClasses: 2, confThreshold: 0.5 });
  const visionSum = conv.size + gap.size + out + pad.padAfter + params + overlap + keptIdx.length + soft.scores.length +
    anchors.length + km.meanIou + enc.shape[3] + dec.boxes.length;
  return visionSum + v.length + (simd ? 1 : 0) + shape.length + size + data.length + (g ? 1 : 0) + bytes + y.item();
}
main();
