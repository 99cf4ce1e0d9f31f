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

// ---- view (page only) ---------------------------------------------------------------------------

export function mount(root, kit) {
  const { el, tex } = kit;
  const cell = (name, v, text = fmt(v)) => el('td', { 'data-name': name, 'data-value': String(v) }, text);
  const out = (name) => el('output', { 'data-name': name });
  const show = (o, v) => { o.textContent = fmt(v); o.dataset.value = String(v); };
  const texEl = (tag, latex, display = false, attrs = {}) => { const e = el(tag, attrs); tex(e, latex, display); return e; };

  // Binary panel: the curves, the draggable point (pointer and arrow keys).
  const canvas = el('canvas', {
    class: 'chart', tabindex: '0', role: 'slider', 'aria-label': 'predicted probability p (drag, or arrow keys)',
    'aria-valuemin': '0.001', 'aria-valuemax': '0.999',
  });
  canvas.style.cursor = 'ew-resize';
  canvas.style.touchAction = 'none';
  const chart = new kit.LineChart(canvas, { xmin: 0, xmax: 1, ymin: 0, ymax: 7 });
  let p = 0.7;
  const setP = (v) => kit.set('p', Math.min(0.999, Math.max(0.001, Math.round(v * 1000) / 1000)));
  let dragging = false;
  canvas.addEventListener('pointerdown', (e) => {
    const at = chart.valueAt(e);
    if (!at) return;
    dragging = true;
    canvas.setPointerCapture?.(e.pointerId);
    setP(at.x);
  });
  canvas.addEventListener('pointermove', (e) => { if (dragging) { const at = chart.valueAt(e); if (at) setP(at.x); } });
  const stop = () => { dragging = false; };
  canvas.addEventListener('pointerup', stop);
  canvas.addEventListener('pointercancel', stop);
  canvas.addEventListener('keydown', (e) => {
    const d = { ArrowLeft: -0.01, ArrowDown: -0.01, ArrowRight: 0.01, ArrowUp: 0.01, PageDown: -0.1, PageUp: 0.1 }[e.key];
    if (d === undefined) return;
    e.preventDefault();
    setP(p + d);
  });
  const bLoss = out('bce'), bBits = out('bce-bits'), bGrad = out('bce-grad');
  const bFormula = el('span');
  let lastB = '';
  const legend = el('p', { class: 'note' }, 'Solid: −log p̂ (the loss when y = 1). Dashed: −log(1 − p̂) (when y = 0).');

  // Categorical panel.
  const catBody = el('tbody');
  const cOneHot = out('cce-onehot'), cSparse = out('cce-sparse'), cDirect = out('cce-direct');
  const cNote = el('p', { class: 'note', 'data-name': 'cat-note' });
  const cDirectTex = el('span');
  let lastC = '';

  // Weather panel.
  const wHead = el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'true'),
    ...WEATHER.map((n) => el('th', { scope: 'col' }, `y ${n}`)),
    ...WEATHER.map((n) => el('th', { scope: 'col' }, `ŷ ${n}`)),
    el('th', { scope: 'col' }, 'Σ ŷ'), texEl('th', '-\\log \\hat y_{\\text{true}}', false, { scope: 'col' })));
  const wBody = el('tbody');
  const wFoot = el('tfoot');
  const wTotal = out('weather-total'), wMean = out('weather-mean'), wBits = out('weather-bits');

  root.append(
    el('div', { class: 'panel' }, el('h3', {}, 'Binary log loss'),
      texEl('div', 'L = -\\big(y \\ln \\hat p + (1 - y) \\ln(1 - \\hat p)\\big)', true, { class: 'formula' }),
      canvas, legend,
      el('p', { class: 'big' }, bFormula, ' = ', bLoss, ' nats'),
      el('p', {}, 'In bits (log₂): ', bBits, '   ·   slope ', texEl('span', '\\partial L / \\partial \\hat p'), ' = ', bGrad)),
    el('div', { class: 'panel' }, el('h3', {}, 'One-hot vs sparse labels'),
      el('div', { class: 'scroll' }, el('table', { class: 'numbers' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'class c'), texEl('th', '\\hat y_c', false, { scope: 'col' }),
          el('th', { scope: 'col' }, 'one-hot y_c'), texEl('th', '-y_c \\ln \\hat y_c', false, { scope: 'col' }))),
        catBody)),
      el('p', {}, texEl('span', '-\\sum_c y_c \\ln \\hat y_c'), ' (one-hot) = ', cOneHot),
      el('p', {}, 'sparse label: ', cDirectTex, ' = ', cSparse, '   (-ln directly: ', cDirect, ')'),
      cNote),
    el('div', { class: 'panel wide' }, el('h3', {}, 'The weather batch, summed over rows'),
      texEl('div', 'L = -\\sum_i \\sum_c y_{ic} \\ln \\hat y_{ic}', true, { class: 'formula' }),
      el('div', { class: 'scroll' }, el('table', { class: 'numbers' }, wHead, wBody, wFoot)),
      el('p', { class: 'big' }, 'Sum over rows = ', wTotal, ' nats = ', wBits, ' bits'),
      el('p', {}, 'Mean over rows (the frameworks\' default reduction) = ', wMean)),
  );

  return {
    update(r) {
      const b = r.binary;
      p = b.p;
      canvas.setAttribute('aria-valuenow', String(b.p));
      chart.set({
        series: [
          { points: b.curveP.map((x, i) => [x, b.curve1[i]]), width: b.y === 1 ? 3 : 1.5 },
          { points: b.curveP.map((x, i) => [x, b.curve0[i]]), dash: [6, 4], width: b.y === 0 ? 3 : 1.5, color: getComputedStyle(canvas).getPropertyValue('--accent-2').trim() || '#d9480f' },
        ],
        markers: [{ x: b.p, y: Math.min(7, b.loss), label: b.p < 0.6 ? `L = ${fmt(b.loss)}` : '' }],
      });
      const bt = b.y === 1 ? `L = -\\ln ${b.p}` : `L = -\\ln(1 - ${b.p})`;
      if (bt !== lastB) { tex(bFormula, bt); lastB = bt; }
      show(bLoss, b.loss); show(bBits, b.bits); show(bGrad, b.grad);

      const c = r.categorical;
      catBody.replaceChildren(...c.yhat.map((v, i) => el('tr', { class: i === c.cls ? 'true-class' : '' },
        el('th', { scope: 'row' }, String(i)), cell(`yhat-${i}`, v), cell(`onehot-${i}`, c.oneHot[i], String(c.oneHot[i])),
        cell(`term-${i}`, c.oneHot[i] ? c.direct : 0))));
      const ct = `-\\ln \\hat y_{${c.cls}} = -\\ln ${c.yhat[c.cls]}`;
      if (ct !== lastC) { tex(cDirectTex, ct); lastC = ct; }
      show(cOneHot, c.oneHotLoss); show(cSparse, c.sparseLoss); show(cDirect, c.direct);
      cNote.textContent = Math.abs(c.sum - 1) > 1e-3
        ? `These ŷ add up to ${fmt(c.sum)}, not 1: a softmax output always sums to 1. The loss still reads only ŷ${c.cls}.`
        : `Same number both ways: the one-hot vector only picks out ŷ${c.cls}.`;

      const w = r.weather;
      wBody.replaceChildren(...w.probs.map((row, i) => el('tr', {},
        el('th', { scope: 'row' }, w.classes[i]),
        ...w.oneHot[i].map((v) => el('td', {}, String(v))),
        ...row.map((v, k) => el('td', { class: k === i ? 'true-class' : '', 'data-name': `w-${i}-${k}`, 'data-value': String(v) }, fmt(v))),
        cell(`w-sum-${i}`, w.rowSums[i]), cell(`w-loss-${i}`, w.perRow[i]))));
      wFoot.replaceChildren(el('tr', {}, el('th', { scope: 'row', colspan: '10' }, 'Σ over rows'), cell('w-total', w.total)));
      show(wTotal, w.total); show(wMean, w.mean); show(wBits, w.bits);
    },
  };
}
