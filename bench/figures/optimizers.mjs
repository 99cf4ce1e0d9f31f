// The optimizer lesson's work for one frame's settings change: 6 optimizers × 1,000 steps on the
// Rosenbrock surface f = (1 - x)² + 100 (y - x²)² from (-1.5, 2), each path from one call to
// pg.optim.path, as the optimizers lesson makes it (core/src/expr/optim_path.cpp: the core's optimizer,
// f and its gradient from a scalar tape over pg.expr's f, every step in C++; the default box limit
// 1e4, the lesson's). The figure is the median time of one frame (all six paths) over 21 frames
// after 5 warm-up frames; the sample times and the end point of every path are in
// latest.json. No peer: the target is absolute (< 5 ms per frame).
import { core } from '../lib/peers.mjs';
import { median } from '../lib/timing.mjs';

const SURFACE = '(1 - x)^2 + 100 (y - x^2)^2';
export const OPTIMIZERS = [
  ['GD', { kind: 'sgd', lr: 2e-4 }],
  ['momentum', { kind: 'sgd', lr: 2e-4, momentum: 0.9 }],
  ['Nesterov', { kind: 'sgd', lr: 2e-4, momentum: 0.9, nesterov: true }],
  ['Adagrad', { kind: 'adagrad', lr: 0.1 }],
  ['RMSProp', { kind: 'rmsprop', lr: 0.01 }],
  ['Adam', { kind: 'adam', lr: 0.02 }],
];

async function measure() {
  const pg = await core();
  const f = pg.expr(SURFACE);
  const frame = () => OPTIMIZERS.map(([, { kind, ...options }]) => pg.optim.path(f, kind, options, { x0: -1.5, y0: 2, steps: 1000 }));
  for (let i = 0; i < 5; i++) frame();
  const samples = [];
  let paths;
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    paths = frame();
    samples.push(performance.now() - t0);
  }
  f.dispose();
  const ends = Object.fromEntries(OPTIMIZERS.map(([name], k) => {
    const p = paths[k], n = p.x.length - 1;
    return [name, { x: p.x[n], y: p.y[n], f: p.f[n], stop: p.stop }];
  }));
  return { value: median(samples), min_ms: Math.min(...samples), samples_ms: samples, ends };
}

export default {
  name: 'optimizers',
  order: 70,
  async cases() {
    return [{
      id: 'optimizer lesson frame: 6 optimizers × 1,000 steps (pg.optim.path)',
      unit: 'ms',
      measure,
      targets: [{ text: '< 5 ms', max: 5 }],
    }];
  },
};
