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
  return v.length + (simd ? 1 : 0) + shape.length + size + data.length + (g ? 1 : 0) + bytes + y.item();
}
main();
