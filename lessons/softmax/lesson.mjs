// The softmax lesson: logits -> probabilities, step by step; the naive formula's overflow
// against the stable one; the cross-entropy gradient p - y through the core's autograd.
//
// compute() is pure (no DOM): it runs in the page, in Node (tests/node/lesson-softmax.test.mjs)
// and in the CLI (npx playgrad lesson softmax --z 2,1,0.1). Every number comes from the C++ core
// through the JS API (pg.exp, pg.sum, pg.softmax, pg.logSoftmax, backward()); JavaScript only
// lays the numbers out.
import { fmt } from '../format.mjs';
import { CONVENTIONS, LABELS, conventionOf } from '../convention.mjs';

// How each framework's usual classifier computes this loss: Keras, a softmax output and
// categorical_crossentropy on the probabilities (p clipped to [1e-7, 1 − 1e-7]); PyTorch,
// CrossEntropyLoss on the logits (log-softmax, no clip).
const PIPELINE = {
  keras: { fromLogits: false, note: 'Keras (softmax output, categorical_crossentropy): p clipped to [1e-7, 1 − 1e-7], so L ≤ 16.12' },
  pytorch: { fromLogits: true, note: 'PyTorch (CrossEntropyLoss on the logits): −log_softmax, no clip' },
};

export { text } from './text.mjs';
export { fmt };

export const id = 'softmax';
export const title = 'Softmax';
export const summary = 'Logits to probabilities, the overflow of the naive formula, and the gradient p − y.';

/** Added to every logit by the 'large logits' toggle. */
export const LARGE_SHIFT = 1000;

export const settings = [
  {
    name: 'z', type: 'numbers', label: 'Logits', default: [2, 1, 0.1],
    min: -10, max: 10, step: 0.1, minLength: 2, maxLength: 10,
    itemLabel: (i) => `z${i + 1}`, itemName: 'a logit',
    help: 'From 2 to 10 logits, one slider each.',
  },
  { name: 't', type: 'number', label: 'Temperature T', default: 1, min: 0.1, max: 10, step: 0.1 },
  {
    name: 'large', type: 'boolean', label: 'Large logits (add 1000 to every logit)', default: false,
    help: 'The naive formula overflows float32; the stable one does not.',
  },
  {
    name: 'y', type: 'integer', label: 'True class y', default: 1, min: 1,
    max: (s) => s.z.length, widget: 'select', itemLabel: (i) => `class ${i}`,
    help: 'Numbered from 1, as the rows of the table.',
  },
];

const arr = (t) => Array.from(t.toArray());

/**
 * The lesson's numbers for a state { z, t, large, y } (y: the true class, numbered from 1), all
 * computed by the core. In the result, y is the 0-based index of the true class.
 * Returns plain arrays and numbers (Infinity and NaN where float32 gives them).
 */
export function compute(pg, state) {
  const { z, t, large, y: trueClass } = state;
  const y = trueClass - 1;
  return pg.scope(() => {
    const z0 = pg.tensor(z);
    const logits = large ? pg.add(z0, LARGE_SHIFT) : z0;
    const scaled = pg.div(logits, t); // z / T

    // Naive: exp(z/T) / sum exp(z/T). float32 exp overflows to Infinity above ~88.72.
    const expNaive = pg.exp(scaled);
    const sumNaive = pg.sum(expNaive);
    const pNaive = pg.div(expNaive, sumNaive);

    // Stable, step by step: m = max z/T; exp(z/T - m); their sum; the quotient.
    const m = pg.max(scaled);
    const shifted = pg.sub(scaled, m);
    const expStable = pg.exp(shifted);
    const sumStable = pg.sum(expStable);
    const pSteps = pg.div(expStable, sumStable);

    // The core's own softmax kernel (what the bar chart shows).
    const p = pg.softmax(scaled);

    // Cross-entropy for the true class y, through the core's autograd:
    // L = -sum(onehot * logSoftmax(z / T)); backward() gives dL/dz.
    const onehotData = z.map((_, i) => (i === y ? 1 : 0));
    const onehot = pg.tensor(onehotData);
    const leaf = pg.tensor(arr(logits), undefined, { requiresGrad: true });
    const loss = pg.neg(pg.sum(pg.mul(onehot, pg.logSoftmax(pg.div(leaf, t)))));
    loss.backward();
    const grad = leaf.grad;
    const pMinusY = pg.sub(p, onehot);

    // The same loss as each framework's usual pipeline computes it (they part when p_y < 1e-7).
    const oh2 = pg.tensor(onehotData, [1, z.length]);
    const frameworks = CONVENTIONS.map((c) => {
      const q = PIPELINE[c];
      const input = q.fromLogits ? pg.reshape(scaled, [1, z.length]) : pg.reshape(p, [1, z.length]);
      const l = pg.losses.categoricalCrossEntropy(input, oh2, { fromLogits: q.fromLogits, clip: c });
      return { convention: c, label: LABELS[c], note: q.note, loss: l.item() };
    });

    return {
      n: z.length,
      t,
      y,
      shift: large ? LARGE_SHIFT : 0,
      logits: arr(logits),
      scaled: arr(scaled),
      naive: { exp: arr(expNaive), sum: sumNaive.item(), p: arr(pNaive) },
      stable: { max: m.item(), shifted: arr(shifted), exp: arr(expStable), sum: sumStable.item(), p: arr(pSteps) },
      p: arr(p),
      onehot: onehotData,
      loss: loss.item(),
      pMinusY: arr(pMinusY),
      grad: arr(grad),
      naiveOverflows: arr(expNaive).some((v) => !Number.isFinite(v)),
      convention: conventionOf(state),
      frameworks,
    };
  });
}

/** The numbers as rows of text, for the terminal (scripts/cli.mjs). */
export function report(r) {
  const pad = (s, w) => String(s).padStart(w);
  const lines = [];
  lines.push(`softmax of ${r.n} logits${r.shift ? ` (+${r.shift} each)` : ''} at temperature T = ${r.t}, true class ${r.y + 1}`);
  lines.push('stable: p_i = exp(z_i/T - m) / sum_j exp(z_j/T - m),  m = max_j z_j/T');
  lines.push(['  i', 'z_i', 'z_i/T', 'z_i/T-m', 'exp(.)', 'p_i', 'naive exp', 'naive p', 'p-y', 'dL/dz'].map((h, k) => pad(h, k ? 11 : 3)).join(''));
  for (let i = 0; i < r.n; i++) {
    lines.push([pad(i + 1, 3), ...[r.logits[i], r.scaled[i], r.stable.shifted[i], r.stable.exp[i], r.p[i],
      r.naive.exp[i], r.naive.p[i], r.pMinusY[i], r.grad[i]].map((v) => pad(fmt(v), 11))].join(''));
  }
  lines.push(`m = ${fmt(r.stable.max)}   sum exp (stable) = ${fmt(r.stable.sum)}   sum exp (naive) = ${fmt(r.naive.sum)}`);
  lines.push(`cross-entropy L = -log p_y = ${fmt(r.loss)}`);
  for (const f of r.frameworks) lines.push(`  ${(f.convention === r.convention ? '* ' : '  ') + f.label.padEnd(8)} L = ${fmt(f.loss)}   (${f.note})`);
  if (r.naiveOverflows) lines.push('naive formula: exp overflowed float32 to Infinity, so p = Infinity / Infinity = NaN; the stable one is fine.');
  return lines;
}

// ---- check yourself (lessons/exercises.mjs) ------------------------------------------------------

const zText = (z) => `(${z.map((v) => fmt(v, 2).replace(/\.?0+$/, '')).join(', ')})`;

export const exercises = [
  {
    id: 'p-true',
    question: (s) => `With the logits $z = ${zText(s.z)}$ at $T = ${s.t}$ above, what probability does softmax give the true class $y = ${s.y}$? (4 decimals are enough.)`,
    answer: { type: 'number', tolerance: 5e-4 },
    solve(pg, s) {
      const r = compute(pg, { ...s, large: false });
      const y = r.y;
      return {
        value: r.p[y],
        working: [
          `$m = \\max_j z_j/T = ${fmt(r.stable.max)}$; the shifted exponentials $e^{z_j/T - m}$ are ${r.stable.exp.map((v) => fmt(v)).join(', ')}, their sum is ${fmt(r.stable.sum)}.`,
          `$p_{${y + 1}} = ${fmt(r.stable.exp[y])} / ${fmt(r.stable.sum)} = ${fmt(r.p[y])}$.`,
        ],
      };
    },
  },
  {
    id: 'grad-sign',
    question: (s) => `For the cross-entropy loss with true class $y = ${s.y}$, which way does the gradient $\\partial L / \\partial z_{${s.y}}$ point?`,
    answer: {
      type: 'choice',
      options: [{ value: 'negative', label: 'negative: gradient descent raises that logit' },
        { value: 'zero', label: 'zero' }, { value: 'positive', label: 'positive: gradient descent lowers that logit' }],
    },
    solve(pg, s) {
      const r = compute(pg, s);
      const g = r.grad[r.y];
      return {
        value: g < 0 ? 'negative' : g > 0 ? 'positive' : 'zero',
        working: [`$\\partial L / \\partial z_{${r.y + 1}} = (p_{${r.y + 1}} - 1)/T = (${fmt(r.p[r.y])} - 1) / ${r.t} = ${fmt(g)}$ (from the core's backward pass).`,
          'It is negative whenever $p_y < 1$: the true class is always pushed up, every other class down by its $p_i / T$.'],
      };
    },
  },
  {
    id: 'shift',
    question: (s) => `Now add 1000 to every logit. What does the stable softmax give for class 1? (The naive formula gives NaN; what does the stable one give?)`,
    answer: { type: 'number', tolerance: 5e-4 },
    solve(pg, s) {
      const big = compute(pg, { ...s, large: true });
      const small = compute(pg, { ...s, large: false });
      return {
        value: big.p[0],
        working: [`Softmax does not change when the same number is added to every logit: $e^{z_i + c} / \\sum_j e^{z_j + c} = e^{z_i} / \\sum_j e^{z_j}$.`,
          `So $p_1$ = ${fmt(big.p[0])} with the shift, ${fmt(small.p[0])} without it; the stable form subtracts $m$ first, so nothing overflows.`],
      };
    },
  },
];
