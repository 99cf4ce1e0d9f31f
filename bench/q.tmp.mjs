import { load } from 'playgrad';
const pg = await load();
for (const n of [64, 128, 256, 512]) {
  const a = pg.rand([n, n], 1), b = pg.rand([n, n], 2);
  let best = 1e9;
  for (let r = 0; r < 10; r++) { const reps = Math.max(1, Math.floor(2e8 / (2*n*n*n))); const t = performance.now(); for (let i = 0; i < reps; i++) pg.matmul(a, b).dispose(); best = Math.min(best, (performance.now() - t) / reps); }
  console.log(n, (2*n*n*n / best / 1e6).toFixed(1), 'GFLOPS');
}
const x = pg.rand([1024, 1000], 3, -5, 5);
let best = 1e9; for (let r = 0; r < 20; r++) { const t = performance.now(); pg.softmax(x, -1).dispose(); best = Math.min(best, performance.now() - t); }
console.log('softmax ms', best.toFixed(3));
