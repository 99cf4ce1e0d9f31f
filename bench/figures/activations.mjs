// The activations lesson's work for one control change: compute() as the page runs it after a
// setting changed, from the lesson's defaults. Two changes, each alternating between two values
// so every frame really recomputes what the change touches: the stack's depth 19 <-> 20 (the deep
// stack of sigmoid layers × 16 units on the 100-point spiral: built, probed (forward + backward
// with per-layer statistics), one SGD step, probed again), and the leaky slope α 0.01 <-> 0.02 at
// depth 20 (the five curves forward + backward on 241 points, and the stack, which uses α too).
// The PReLU run (30 SGD steps) depends on its own three settings only and is reused, as in the
// page. Each figure is the median time of one frame over 21 frames after 5 warm-up frames. No
// peer: the target is absolute (< 8 ms per frame).
import { core } from '../lib/peers.mjs';
import { median } from '../lib/timing.mjs';
import * as lesson from '../../lessons/activations/lesson.mjs';
import { defaults } from '../../lessons/settings.mjs';

function frameCase(id, a, b) {
  return {
    id,
    unit: 'ms',
    async measure() {
      const pg = await core();
      const base = defaults(lesson.settings);
      const states = [{ ...base, ...a }, { ...base, ...b }];
      for (let i = 0; i < 6; i++) lesson.compute(pg, states[i % 2]);
      const samples = [];
      let r;
      for (let i = 0; i < 21; i++) {
        const t0 = performance.now();
        r = lesson.compute(pg, states[i % 2]);
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
      frameCase('activations lesson frame: depth 19 <-> 20 (the stack)', { depth: 19 }, { depth: 20 }),
      frameCase('activations lesson frame: leaky α at depth 20 (curves + stack)', { depth: 20, act: 'leaky_relu', alpha: 0.01 }, { depth: 20, act: 'leaky_relu', alpha: 0.02 }),
    ];
  },
};
