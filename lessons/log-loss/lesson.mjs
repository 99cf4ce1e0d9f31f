// The log-loss lesson: binary log loss as the curve -log p (and -log(1 - p)) with a draggable
// prediction; the course's categorical example with one-hot vs sparse labels; the weather table
// summed over rows; natural log vs log2.
//
// compute() is pure (no DOM): it runs in the page, in Node (tests/node/lesson-log-loss.test.mjs)
// and in the CLI (npx playgrad lesson log-loss --p 0.9). Every number comes from the C++ core
// (pg.losses.*, pg.log, backward()); JavaScript only lays the numbers out.
import { fmt } from '../format.mjs';
import { CONVENTIONS, LABELS, conventionOf, lossClip } from '../convention.mjs';

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
    // Probabilities of exactly 0 or 1: the convention's rule (Keras clips p, PyTorch clamps the log).
    const { clip } = lossClip(s);
    const bce = pg.losses.binaryCrossEntropy(pLeaf, pg.tensor([s.y]), { clip });
    bce.backward();
    const bceBits = pg.div(bce, ln2);

    // Categorical: one-hot vs sparse label, and -log ŷ_true directly.
    const yhat = pg.tensor(s.yhat, [1, s.yhat.length]);
    const oneHot = s.yhat.map((_, i) => (i === s.cls ? 1 : 0));
    const cce = pg.losses.categoricalCrossEntropy(yhat, pg.tensor(oneHot, [1, oneHot.length]), { reduction: 'sum', clip });
    const scce = pg.losses.sparseCategoricalCrossEntropy(yhat, [s.cls], { reduction: 'sum', clip });
    const direct = pg.neg(pg.log(pg.tensor([s.yhat[s.cls]])));
    const yhatSum = pg.sum(yhat);

    // The weather batch: 4 examples x 4 classes, true classes Sunny, Rainy, Windy, Cloudy.
    const rows = [s.sunny, s.rainy, s.windy, s.cloudy];
    const P = pg.tensor(rows.flat(), [4, 4]);
    const Y = pg.tensor(WEATHER.flatMap((_, i) => WEATHER.map((__, c) => (c === i ? 1 : 0))), [4, 4]);
    const perRow = pg.losses.categoricalCrossEntropy(P, Y, { reduction: 'none', clip });
    const total = pg.losses.categoricalCrossEntropy(P, Y, { reduction: 'sum', clip });
    const mean = pg.losses.categoricalCrossEntropy(P, Y, { reduction: 'mean', clip });
    const rowSums = pg.sum(P, 1);

    // A certain mistake (p̂ = 0 with y = 1; ŷ_true = 0 for the categorical loss) under both rules.
    const saturated = CONVENTIONS.map((c) => {
      const rule = lossClip({ convention: c });
      return {
        convention: c, label: LABELS[c], note: rule.note, categoricalNote: rule.categoricalNote,
        binary: pg.losses.binaryCrossEntropy(pg.tensor([0]), pg.tensor([1]), { clip: rule.clip }).item(),
        categorical: pg.losses.categoricalCrossEntropy(pg.tensor([0, 1], [1, 2]), pg.tensor([1, 0], [1, 2]), { clip: rule.clip }).item(),
      };
    });

    return {
      convention: conventionOf(s), clipNote: lossClip(s).note, saturated,
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
    `binary log loss: L = -(y log p + (1 - y) log(1 - p)), natural log; convention ${LABELS[r.convention]}: ${r.clipNote}`,
    `  p = ${b.p}, y = ${b.y}:  L = ${fmt(b.loss)} nats = ${fmt(b.bits)} bits   dL/dp = ${fmt(b.grad)}`,
    `categorical: y-hat = [${c.yhat.join(', ')}] (sum ${fmt(c.sum)}), true class ${c.cls}`,
    `  one-hot [${c.oneHot.join(', ')}]:  -sum y log y-hat = ${fmt(c.oneHotLoss)}`,
    `  sparse label ${c.cls}:       -log y-hat[${c.cls}]  = ${fmt(c.sparseLoss)}   (-log ${c.yhat[c.cls]} = ${fmt(c.direct)})`,
    'weather batch (one-hot rows Sunny, Rainy, Windy, Cloudy):',
    `  ${pad('true', 8)}${w.classes.map((n) => pad(n, 9)).join('')}${pad('sum', 9)}${pad('loss', 9)}`,
  ];
  w.probs.forEach((row, i) => lines.push(`  ${pad(w.classes[i], 8)}${row.map((v) => pad(fmt(v), 9)).join('')}${pad(fmt(w.rowSums[i]), 9)}${pad(fmt(w.perRow[i]), 9)}`));
  lines.push(`  total (sum over rows) = ${fmt(w.total)} nats = ${fmt(w.bits)} bits; mean = ${fmt(w.mean)}`);
  lines.push('a certain mistake (p = 0, y = 1):');
  for (const x of r.saturated) {
    lines.push(`  ${(x.convention === r.convention ? '* ' : '  ') + x.label.padEnd(8)} binary ${fmt(x.binary)}, categorical ${fmt(x.categorical)}   (${x.note})`);
  }
  return lines;
}

// ---- check yourself (lessons/exercises.mjs) ------------------------------------------------------

/** A Rainy day the model thought probably Windy (the course's −log 0.3). */
const RAINY_ROW = [0.1, 0.3, 0.4, 0.2];
const tx = (v) => fmt(v).replace('−', '-');

/** The categorical log loss of one weather row whose true class is `truth`, from the core. */
function rowLoss(pg, row, truth) {
  return pg.scope(() => {
    const oneHot = row.map((_, c) => (c === truth ? 1 : 0));
    const loss = pg.losses.categoricalCrossEntropy(pg.tensor(row, [1, 4]), pg.tensor(oneHot, [1, 4]), { reduction: 'sum' });
    return { nats: loss.item(), bits: pg.div(loss, pg.log(pg.tensor([2]))).item(), ln2: pg.log(pg.tensor([2])).item(), oneHot };
  });
}

/** Binary log loss at (p̂, y) and its slope dL/dp̂ from the core's backward pass. */
function bceSlope(pg, p, y, clip = 'keras') {
  return pg.scope(() => {
    const leaf = pg.tensor([p], undefined, { requiresGrad: true });
    const loss = pg.losses.binaryCrossEntropy(leaf, pg.tensor([y]), { clip });
    loss.backward();
    return { loss: loss.item(), grad: leaf.grad.item() };
  });
}

const rowText = (row) => WEATHER.map((w, i) => `${w} ${row[i]}`).join(', ');

export const exercises = [
  {
    id: 'rainy',
    question: `A day that was truly **Rainy** was predicted as (${rowText(RAINY_ROW)}). What is its log loss $-\\sum_c y_c \\ln \\hat y_c$ (natural log)?`,
    answer: { type: 'number', tolerance: 5e-4 },
    solve(pg) {
      const r = rowLoss(pg, RAINY_ROW, 1);
      return {
        value: r.nats,
        working: [
          `The one-hot label is $(${r.oneHot.join(', ')})$, so only the Rainy term survives: $-(${r.oneHot.map((y, c) => `${y} \\cdot \\ln ${RAINY_ROW[c]}`).join(' + ')}) = -\\ln ${RAINY_ROW[1]} = ${tx(r.nats)}$.`,
          'The probabilities given to the wrong classes do not enter the loss at all (they only matter through $\\hat y_{\\text{Rainy}}$, since the row sums to 1).',
        ],
      };
    },
  },
  {
    id: 'bits',
    question: 'The same Rainy-day loss measured in **bits** (log base 2)?',
    answer: { type: 'number', tolerance: 5e-4 },
    solve(pg) {
      const r = rowLoss(pg, RAINY_ROW, 1);
      return {
        value: r.bits,
        working: [`$-\\log_2 ${RAINY_ROW[1]} = -\\ln ${RAINY_ROW[1]} / \\ln 2 = ${tx(r.nats)} / ${tx(r.ln2)} = ${tx(r.bits)}$ bits: the unit changes by a constant factor, the minimum does not move.`],
      };
    },
  },
  {
    id: 'certain-mistake',
    question: (s) => `With the page's convention (${LABELS[conventionOf(s)]}), what binary log loss does a model pay for $\\hat p = 0$ when the true label is $y = 1$?`,
    answer: { type: 'number', tolerance: 5e-3 },
    solve(pg, s) {
      const c = conventionOf(s);
      const r = bceSlope(pg, 0, 1, lossClip(s).clip);
      return {
        value: r.loss,
        working: c === 'keras'
          ? [`Keras clips $\\hat p$ to $[10^{-7}, 1 - 10^{-7}]$ first: $-\\ln 10^{-7} = ${tx(r.loss)}$ nats.`,
            'PyTorch\'s BCELoss would clamp the log at −100 instead and charge 100.']
          : [`PyTorch's BCELoss clamps $\\ln \\hat p$ at $-100$: $-\\max(\\ln 0, -100) = ${tx(r.loss)}$ nats.`,
            'Keras would clip $\\hat p$ to $10^{-7}$ instead and charge $-\\ln 10^{-7} = 16.12$.'],
      };
    },
  },
  {
    id: 'slope',
    question: 'A confident mistake: the true label is $y = 1$ but the model says $\\hat p = 0.05$. What is the slope $\\partial L / \\partial \\hat p$ of the binary log loss there?',
    answer: { type: 'number' },
    solve(pg) {
      const wrong = bceSlope(pg, 0.05, 1);
      const fair = bceSlope(pg, 0.7, 1);
      return {
        value: wrong.grad,
        working: [
          `$L = -\\ln \\hat p = ${tx(wrong.loss)}$ and $\\partial L / \\partial \\hat p = -1 / \\hat p = -1 / 0.05 = ${tx(wrong.grad)}$ (from the core's backward pass).`,
          `At $\\hat p = 0.7$ the slope is only $${tx(fair.grad)}$: the log loss pushes hardest on the predictions that are confidently wrong.`,
        ],
      };
    },
  },
];
