// The log-loss lesson: binary log loss as the curve -log p (and -log(1 - p)) with a draggable
// prediction; the course's categorical example with one-hot vs sparse labels; the weather table
// summed over rows; natural log vs log2.
//
// compute() is pure (no DOM): it runs in the page, in Node (tests/node/lesson-log-loss.test.mjs)
// and in the CLI (npx playgrad lesson log-loss --p 0.9). Every number comes from the C++ core
// (pg.losses.*, pg.log, backward()); JavaScript only lays the numbers out.
import { fmt } from '../format.mjs';

export { text } from './text.mjs';
export { fmt };

export const id = 'log-loss';
export const title = 'Log loss';
export const summary = 'Binary and categorical cross-entropy: -log p, one-hot vs sparse labels, a batch summed, nats vs bits.';

/** The weather classes, in one-hot column order. */
export const WEATHER = ['Sunny', 'Rainy', 'Windy', 'Cloudy'];
/** The x positions of the drawn curves (probabilities; the core computes the losses). */
export const CURVE_P = Array.from({ length: 199 }, (_, i) => (i + 1) / 200);

const probs = (name, label, def) => ({
  name, type: 'numbers', label, default: def, min: 0, max: 1, step: 0.01, minLength: 4, maxLength: 4,
  itemLabel: (i) => WEATHER[i], itemName: 'a probability',
});

export const settings = [
  {
    name: 'p', type: 'number', label: 'Predicted probability p̂ of class 1', default: 0.7,
    min: 0.001, max: 0.999, step: 0.001, help: 'Or drag the point on the curve.',
  },
  {
    name: 'y', type: 'integer', label: 'True label y', default: 1, min: 0, max: 1, widget: 'select',
    itemLabel: (v) => `y = ${v}`,
  },
  {
    name: 'yhat', type: 'numbers', label: 'Categorical prediction ŷ', default: [0.1, 0.3, 0.6],
    min: 0, max: 1, step: 0.01, minLength: 3, maxLength: 3, itemLabel: (i) => `ŷ${i}`, itemName: 'a probability',
  },
  {
    name: 'cls', type: 'integer', label: 'True class (sparse label)', default: 1, min: 0, max: 2, widget: 'select',
    itemLabel: (v) => `class ${v}`,
  },
  probs('sunny', 'Example 1 (truly Sunny): predicted', [0.7, 0.1, 0.1, 0.1]),
  probs('rainy', 'Example 2 (truly Rainy): predicted', [0.1, 0.6, 0.1, 0.2]),
  probs('windy', 'Example 3 (truly Windy): predicted', [0.2, 0.2, 0.4, 0.2]),
  probs('cloudy', 'Example 4 (truly Cloudy): predicted', [0.1, 0.3, 0.1, 0.5]),
];

const arr = (t) => Array.from(t.toArray());

/** All the lesson's numbers for a state, computed by the core. */
export function compute(pg, s) {
  return pg.scope(() => {
    const ln2 = pg.log(pg.tensor([2]));

    // Binary: the curves -log p and -log(1 - p), and the loss at the chosen p with its slope.
    const grid = pg.tensor(CURVE_P);
    const curve1 = pg.neg(pg.log(grid));
    const curve0 = pg.neg(pg.log(pg.sub(pg.tensor([1]), grid)));
    const pLeaf = pg.tensor([s.p], undefined, { requiresGrad: true });
    const bce = pg.losses.binaryCrossEntropy(pLeaf, pg.tensor([s.y]));
    bce.backward();
    const bceBits = pg.div(bce, ln2);

    // Categorical: one-hot vs sparse label, and -log ŷ_true directly.
    const yhat = pg.tensor(s.yhat, [1, s.yhat.length]);
    const oneHot = s.yhat.map((_, i) => (i === s.cls ? 1 : 0));
    const cce = pg.losses.categoricalCrossEntropy(yhat, pg.tensor(oneHot, [1, oneHot.length]), { reduction: 'sum' });
    const scce = pg.losses.sparseCategoricalCrossEntropy(yhat, [s.cls], { reduction: 'sum' });
    const direct = pg.neg(pg.log(pg.tensor([s.yhat[s.cls]])));
    const yhatSum = pg.sum(yhat);

    // The weather batch: 4 examples x 4 classes, true classes Sunny, Rainy, Windy, Cloudy.
    const rows = [s.sunny, s.rainy, s.windy, s.cloudy];
    const P = pg.tensor(rows.flat(), [4, 4]);
    const Y = pg.tensor(WEATHER.flatMap((_, i) => WEATHER.map((__, c) => (c === i ? 1 : 0))), [4, 4]);
    const perRow = pg.losses.categoricalCrossEntropy(P, Y, { reduction: 'none' });
    const total = pg.losses.categoricalCrossEntropy(P, Y, { reduction: 'sum' });
    const mean = pg.losses.categoricalCrossEntropy(P, Y, { reduction: 'mean' });
    const rowSums = pg.sum(P, 1);

    return {
      binary: {
        p: s.p, y: s.y, loss: bce.item(), bits: bceBits.item(), grad: pLeaf.grad.item(),
        curveP: CURVE_P, curve1: arr(curve1), curve0: arr(curve0),
      },
      categorical: {
        yhat: [...s.yhat], cls: s.cls, oneHot, oneHotLoss: cce.item(), sparseLoss: scce.item(),
        direct: direct.item(), sum: yhatSum.item(),
      },
      weather: {
        classes: WEATHER, probs: rows.map((r) => [...r]), oneHot: WEATHER.map((_, i) => WEATHER.map((__, c) => (c === i ? 1 : 0))),
        perRow: arr(perRow), total: total.item(), mean: mean.item(), bits: pg.div(total, ln2).item(), rowSums: arr(rowSums),
      },
      ln2: ln2.item(),
    };
  });
}

/** The numbers as text lines for the terminal. */
export function report(r) {
  const b = r.binary, c = r.categorical, w = r.weather;
  const pad = (v, n) => String(v).padStart(n);
  const lines = [
    'binary log loss: L = -(y log p + (1 - y) log(1 - p)), natural log, p clipped to [1e-7, 1 - 1e-7]',
    `  p = ${b.p}, y = ${b.y}:  L = ${fmt(b.loss)} nats = ${fmt(b.bits)} bits   dL/dp = ${fmt(b.grad)}`,
    `categorical: y-hat = [${c.yhat.join(', ')}] (sum ${fmt(c.sum)}), true class ${c.cls}`,
    `  one-hot [${c.oneHot.join(', ')}]:  -sum y log y-hat = ${fmt(c.oneHotLoss)}`,
    `  sparse label ${c.cls}:       -log y-hat[${c.cls}]  = ${fmt(c.sparseLoss)}   (-log ${c.yhat[c.cls]} = ${fmt(c.direct)})`,
    'weather batch (one-hot rows Sunny, Rainy, Windy, Cloudy):',
    `  ${pad('true', 8)}${w.classes.map((n) => pad(n, 9)).join('')}${pad('sum', 9)}${pad('loss', 9)}`,
  ];
  w.probs.forEach((row, i) => lines.push(`  ${pad(w.classes[i], 8)}${row.map((v) => pad(fmt(v), 9)).join('')}${pad(fmt(w.rowSums[i]), 9)}${pad(fmt(w.perRow[i]), 9)}`));
  lines.push(`  total (sum over rows) = ${fmt(w.total)} nats = ${fmt(w.bits)} bits; mean = ${fmt(w.mean)}`);
  return lines;
}
