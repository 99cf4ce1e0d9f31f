// The neuron lesson's work for one frame's settings change, as the page runs it: compute() of
// lessons/neuron/lesson.mjs (the probability grid, every point's numbers, the gradient-against-z
// curves, the 2-3-1 network on the grid, and the gradient-descent path through the core's
// autograd and SGD). Two cases: a start-weight slider moved at the default settings (the path is
// one step), and a point dragged after 200 trained steps (the whole 200-step path runs again,
// since the data changed). Each frame changes the setting (alternating two values), so the
// lesson's path memo never answers. The figure is the median over 21 frames after 5 warm-up
// frames; the loss and weights of the last frame are in latest.json. Target: < 8 ms per frame.
import { core } from '../lib/peers.mjs';
import { median } from '../lib/timing.mjs';
import * as neuron from '../../lessons/neuron/lesson.mjs';
import { defaults } from '../../lessons/settings.mjs';

function measureWith(states) {
  return async () => {
    const pg = await core();
    let r;
    for (let i = 0; i < 5; i++) r = neuron.compute(pg, states[i % 2]);
    const samples = [];
    for (let i = 0; i < 21; i++) {
      const t0 = performance.now();
      r = neuron.compute(pg, states[i % 2]);
      samples.push(performance.now() - t0);
    }
    return { value: median(samples), min_ms: Math.min(...samples), samples_ms: samples, last: { loss: r.loss, w: r.w, b: r.b, steps: r.steps } };
  };
}

export default {
  name: 'neuron',
  order: 72,
  async cases() {
    const d = defaults(neuron.settings);
    const pts = neuron.parsePoints(d.points).points;
    const moved = (dx) => neuron.pointsText(pts.map((p, i) => (i ? p : [p[0] + dx, p[1], p[2]])));
    return [
      {
        id: 'neuron lesson frame: a start-weight slider at the defaults',
        unit: 'ms',
        measure: measureWith([{ ...d, w1: 1.01 }, { ...d, w1: 0.99 }]),
        targets: [{ text: '< 8 ms', max: 8 }],
      },
      {
        id: 'neuron lesson frame: a point dragged after 200 GD steps',
        unit: 'ms',
        measure: measureWith([{ ...d, steps: 200, points: moved(0.05) }, { ...d, steps: 200, points: moved(-0.05) }]),
        targets: [{ text: '< 8 ms', max: 8 }],
      },
    ];
  },
};
