// The softmax lesson's view (page only): mount(root, kit) builds the DOM once and returns
// { update(result, state) }; every number it shows comes from compute() in ./lesson.mjs.
import { fmt } from '../format.mjs';

/**
 * Builds the lesson's view inside `root` once; returns { update(result, state) }, called with
 * each new result from compute(). kit: { el, tex, BarChart, LineChart } from web/kit.mjs, and
 * set(name, value) to change a setting from the view (here: clicking a bar picks the true class).
 */
export function mount(root, kit) {
  const { el, tex } = kit;

  const formula = el('div', { class: 'formula' });
  tex(formula, 'p_i = \\frac{e^{z_i/T - m}}{\\sum_j e^{z_j/T - m}},\\quad m = \\max_j \\frac{z_j}{T}', true);

  const canvas = el('canvas', { class: 'chart', 'data-figure': 'click', role: 'img', 'aria-label': 'bar chart of the probabilities' });
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
  // The loss as the page's convention's usual pipeline computes it (and the other framework's).
  const lossNote = el('p', { class: 'convention-note', 'data-name': 'loss-frameworks' });

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
    el('div', { class: 'panel' }, el('h3', {}, 'Probabilities'), formula, canvas, lossLine, lossNote),
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
      const mine = r.frameworks.find((f) => f.convention === r.convention);
      const other = r.frameworks.find((f) => f.convention !== r.convention);
      lossNote.dataset.value = String(mine.loss);
      lossNote.textContent = `${mine.note}: L = ${fmt(mine.loss)}. ${other.label} would give ${fmt(other.loss)}.`;

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
