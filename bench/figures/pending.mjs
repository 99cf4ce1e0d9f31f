// Figures of issue 6 that need work still on other branches. Delete a line when its figure
// module lands (bench/README.md, "Adding a figure").
export default {
  name: 'pending',
  order: 1000,
  pending: [
    'one training step (forward, backward, Adam) of a 2-16-16-1 tanh MLP, batch 256, from JavaScript (≥ 10× tfjs-wasm), with ConvNetJS 0.3 as a peer: needs layers and optimizers (issue 3)',
    'a small CNN training step: needs conv2d and the learning stack (issues 3, 4)',
    'the optimizer lesson (6 optimizers × 1,000 steps on a 2-d surface, < 5 ms per settings change): needs optimizers (issue 3) and the lesson (issue 5)',
    'page load to first lesson ready in headless Chromium (< 500 ms on localhost): needs the page (issue 5)',
  ],
  async cases() {
    return [];
  },
};
