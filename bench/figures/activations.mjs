// The activations lesson's work for one frame's settings change: compute() with the lesson's
// defaults (five curves forward + backward on 241 points, 30 PReLU SGD steps, the deep stack of 10
// sigmoid layers × 16 units on the 100-point spiral: two probes, i.e. forward + backward with
// per-layer statistics, and one SGD step), and the same with the stack at its deepest (depth 20).
// Each figure is the median time of one frame over 21 frames after 5 warm-up frames. No peer: the
// target is absolute (< 8 ms per frame).
import { core } from '../lib/peers.mjs';
import { median } from '../lib/timing.mjs';
import * as lesson from '../../lessons/activations/lesson.mjs';
import { defaults } from '../../lessons/settings.mjs';

function frameCase(id, change) {
  return {
    id,
    unit: 'ms',
    async measure() {
      const pg = await core();
      const state = { ...defaults(lesson.settings), ...change };
      for (let i = 0; i < 5; i++) lesson.compute(pg, state);
      const samples = [];
      let r;
      for (let i = 0; i < 21; i++) {
        const t0 = performance.now();
        r = lesson.compute(pg, state);
        samples.push(performance.now() - t0);
      }
      return { value: median(samples), min_ms: Math.min(...samples), samples_ms: samples, ratio: r.stack.ratio, loss: r.stack.before.loss };
    },
    targets: [{ text: '< 8 ms', max: 8 }],
  };
}

export default {
  name: 'activations',
  order: 75,
  async cases() {
    return [
      frameCase('activations lesson frame: defaults (depth 10)', {}),
      frameCase('activations lesson frame: the stack at depth 20', { depth: 20 }),
    ];
  },
};
