// The gradient-descent lesson's work for one frame while a point is dragged: compute() with the
// default settings (8 points, full batch, 20 epochs) and point 8's y moved each frame, so
// nothing is reused: the core's stats (lineStats), the whole path (linePath: every step the batch
// MSE's graph, backward() and the SGD step), the 64 × 64 contour grid (one broadcast of pg ops)
// and the numbers at the shown step. Second case, no target: the longest path the settings allow
// with the most points, stochastic (30 points, B = 1, 100 epochs = 3,000 steps). The figure is the
// median of 21 frames after 5 warm-up frames.
import { core } from '../lib/peers.mjs';
import { median } from '../lib/timing.mjs';
import * as lesson from '../../lessons/gradient-descent/lesson.mjs';
import { defaults } from '../../lessons/settings.mjs';

async function measure(state) {
  const pg = await core();
  let i = 0;
  const frame = () => {
    const points = [...state.points];
    points[points.length - 1] += ((i++ % 20) - 10) / 100; // a dragged point: a new path and a new grid
    return lesson.compute(pg, { ...state, points });
  };
  for (let k = 0; k < 5; k++) frame();
  const samples = [];
  let r;
  for (let k = 0; k < 21; k++) {
    const t0 = performance.now();
    r = frame();
    samples.push(performance.now() - t0);
  }
  return { value: median(samples), min_ms: Math.min(...samples), samples_ms: samples, steps: r.path.steps, loss: r.path.loss[r.path.steps], lrMax: r.stats.lrMax };
}

export default {
  name: 'gradient-descent',
  order: 72,
  async cases() {
    const base = defaults(lesson.settings);
    const many = Array.from({ length: 30 }, (_, i) => [i / 6 - 1, 1.5 * (i / 6 - 1) + 1 + ((i * 7) % 5 - 2) / 5]).flat();
    return [
      {
        id: 'gradient-descent lesson frame: drag a point (defaults: 8 points, full batch, 20 epochs)',
        unit: 'ms',
        measure: () => measure(base),
        targets: [{ text: '< 8 ms', max: 8 }],
      },
      {
        id: 'gradient-descent lesson frame: 30 points, stochastic, 100 epochs (3,000 steps)',
        unit: 'ms',
        measure: () => measure({ ...base, points: many, batch: 1, epochs: 100, lr: 0.05 }),
      },
    ];
  },
};
