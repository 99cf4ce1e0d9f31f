// The softmax lesson: logits -> probabilities, step by step; the naive formula's overflow
// against the stable one; the cross-entropy gradient p - y through the core's autograd.
//
// compute() is pure (no DOM): it runs in the page, in Node (tests/node/lesson-softmax.test.mjs)
// and in the CLI (npx playgrad lesson softmax --z 2,1,0.1). Every number comes from the C++ core
// through the JS API (pg.exp, pg.sum, pg.softmax, pg.logSoftmax, backward()); JavaScript only
// lays the numbers out.
import { fmt } from '../format.mjs';

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
export function compute(pg, { z, t, large, y: trueClass }) {
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
  if (r.naiveOverflows) lines.push('naive formula: exp overflowed float32 to Infinity, so p = Infinity / Infinity = NaN; the stable one is fine.');
  return lines;
}

// ---- view (page only) ---------------------------------------------------------------------------

/**
 * Builds the lesson's view inside `root` once; returns { update(result, state) }, called with
 * each new result from compute(). kit: { el, tex, BarChart, LineChart } from web/kit.mjs, and
 * set(name, value) to change a setting from the view (here: clicking a bar picks the true class).
 */
export function mount(root, kit) {
  const { el, tex } = kit;

  const formula = el('div', { class: 'formula' });
  tex(formula, 'p_i = \\frac{e^{z_i/T - m}}{\\sum_j e^{z_j/T - m}},\\quad m = \\max_j \\frac{z_j}{T}', true);

  const canvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'bar chart of the probabilities' });
  const chart = new kit.BarChart(canvas, { min: 0, max: 1 });
  // Clicking a bar makes it the true class (the drop-down does the same from the keyboard).
  canvas.title = 'Click a bar to make it the true class';
  canvas.style.cursor = 'pointer';
  canvas.addEventListener('click', (e) => {
    const i = chart.indexAt(e);
    if (i >= 0) kit.set('y', i + 1);
  });

  const lossLine = el('p', { class: 'big' });
  const lossValue = el('output', { 'data-name': 'loss' });
  const lossFormula = el('span');
  lossLine.append(lossFormula, ' = ', lossValue);

  // Step-by-step table.
  const head = ['i', 'z_i', 'z_i / T', 'z_i / T - m', 'e^{z_i/T - m}', 'p_i', 'y_i', 'p_i - y_i', '\\partial L / \\partial z_i'];
  const thead = el('thead', {}, el('tr', {}, ...head.map((h) => { const th = el('th', { scope: 'col' }); tex(th, h); return th; })));
  const tbody = el('tbody');
  const tfoot = el('tfoot');
  const table = el('table', { class: 'numbers', 'aria-labelledby': 'softmax-steps-title' }, thead, tbody, tfoot);

  // Naive vs stable.
  const naiveBody = el('tbody');
  const naiveTable = el('table', { class: 'numbers', 'aria-labelledby': 'softmax-naive-title' },
    el('thead', {}, el('tr', {}, ...['i', 'e^{z_i/T}', '\\text{naive } p_i', '\\text{stable } p_i'].map((h) => { const th = el('th', { scope: 'col' }); tex(th, h); return th; }))),
    naiveBody);
  const naiveNote = el('p', { class: 'note', 'data-name': 'naive-note' });

  root.append(
    el('div', { class: 'panel' }, el('h3', {}, 'Probabilities'), formula, canvas, lossLine),
    el('div', { class: 'panel wide' }, el('h3', { id: 'softmax-steps-title' }, 'Step by step (every number from the core)'),
      el('div', { class: 'scroll' }, table)),
    el('div', { class: 'panel' }, el('h3', { id: 'softmax-naive-title' }, 'Naive vs stable'), el('div', { class: 'scroll' }, naiveTable), naiveNote),
  );

  const cell = (name, v) => el('td', { 'data-name': name, 'data-value': String(v) }, fmt(v));
  let lastLossTex = '';

  return {
    update(r) {
      chart.set(r.p.map((v, i) => ({ label: `${i + 1}`, value: v, highlight: i === r.y })));
      const lt = `L = -\\log p_{${r.y + 1}}`;
      if (lt !== lastLossTex) { tex(lossFormula, lt); lastLossTex = lt; }
      lossValue.textContent = fmt(r.loss);
      lossValue.dataset.value = String(r.loss);

      tbody.replaceChildren(...r.p.map((_, i) => el('tr', { class: i === r.y ? 'true-class' : '' },
        el('th', { scope: 'row' }, String(i + 1)),
        cell(`z-${i}`, r.logits[i]), cell(`zt-${i}`, r.scaled[i]), cell(`shifted-${i}`, r.stable.shifted[i]),
        cell(`exp-${i}`, r.stable.exp[i]), cell(`p-${i}`, r.p[i]), cell(`y-${i}`, r.onehot[i]),
        cell(`pmy-${i}`, r.pMinusY[i]), cell(`grad-${i}`, r.grad[i]))));
      tfoot.replaceChildren(el('tr', {},
        el('th', { scope: 'row', colspan: '3' }, `m = ${fmt(r.stable.max)}`),
        el('td', { colspan: '1' }, 'Σ ='), cell('sum', r.stable.sum),
        el('td', { colspan: '4' }, `T = ${r.t}`)));

      naiveBody.replaceChildren(...r.p.map((_, i) => el('tr', {},
        el('th', { scope: 'row' }, String(i + 1)),
        cell(`naive-exp-${i}`, r.naive.exp[i]), cell(`naive-p-${i}`, r.naive.p[i]), cell(`stable-p-${i}`, r.stable.p[i]))));
      naiveNote.textContent = r.naiveOverflows
        ? `The naive sum is ${fmt(r.naive.sum)}: e^x overflows float32 above x ≈ 88.72, and ∞ / ∞ is NaN. Subtracting m = ${fmt(r.stable.max)} first keeps every exponent ≤ 0, so the stable form still gives the probabilities (the same as without the 1000, up to float32 rounding).`
        : `No overflow here (largest exponent ${fmt(Math.max(...r.scaled))} < 88.72): both forms agree. Switch on large logits to see the naive one fail.`;
    },
  };
}
