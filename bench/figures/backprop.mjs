// The backprop lesson's work for one frame's settings change: compute() with the default settings
// (the course's network traced by pg.trace: forward, backward with every interior gradient, local
// derivative and contribution kept; the chain-rule products; the nudge; the batched central
// differences for 15 parameters), as the page runs it when a weight moves. The figure is the
// median time of one frame over 21 frames after 20 warm-up frames. No peer: the target is
// absolute (< 8 ms per frame, the lessons' budget).
import * as backprop from '../../lessons/backprop/lesson.mjs';
import { defaults } from '../../lessons/settings.mjs';
import { core } from '../lib/peers.mjs';
import { median } from '../lib/timing.mjs';

async function measure() {
  const pg = await core();
  const state = defaults(backprop.settings);
  const frame = () => backprop.compute(pg, state);
  for (let i = 0; i < 20; i++) frame(); // JIT warm-up of the lesson's JavaScript
  const samples = [];
  let r;
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    r = frame();
    samples.push(performance.now() - t0);
  }
  return { value: median(samples), min_ms: Math.min(...samples), samples_ms: samples, loss: r.loss, nodes: r.nodes.length, edges: r.edges.length };
}

export default {
  name: 'backprop',
  order: 68,
  async cases() {
    return [{
      id: 'backprop lesson frame: trace the 2-3-1 network, nudge, 15 finite differences',
      unit: 'ms',
      measure,
      targets: [{ text: '< 8 ms', max: 8 }],
    }];
  },
};
