// The log-loss lesson's view (page only): mount(root, kit) builds the DOM once and returns
// { update(result, state) }; every number it shows comes from compute() in ./lesson.mjs.
import { fmt } from '../format.mjs';
import { WEATHER } from './lesson.mjs';

export function mount(root, kit) {
  const { el, tex } = kit;
  const cell = (name, v, text = fmt(v)) => el('td', { 'data-name': name, 'data-value': String(v) }, text);
  const out = (name) => el('output', { 'data-name': name });
  const show = (o, v) => { o.textContent = fmt(v); o.dataset.value = String(v); };
  const texEl = (tag, latex, display = false, attrs = {}) => { const e = el(tag, attrs); tex(e, latex, display); return e; };

  // Binary panel: the curves, the draggable point (pointer and arrow keys).
  const canvas = el('canvas', {
    class: 'chart', 'data-figure': 'drag', tabindex: '0', role: 'slider', 'aria-label': 'predicted probability p (drag, or arrow keys)',
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

  const clipNote = el('p', { class: 'convention-note', 'data-name': 'clip-note' });
  // A certain mistake under both frameworks' rules (the page's convention highlighted).
  const satBody = el('tbody');
  const satNote = el('p', { class: 'convention-note', 'data-name': 'saturated-note' });

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
      el('p', {}, 'In bits (log₂): ', bBits, '   ·   slope ', texEl('span', '\\partial L / \\partial \\hat p'), ' = ', bGrad),
      clipNote),
    el('div', { class: 'panel' }, el('h3', {}, 'A certain mistake: p̂ = 0, y = 1'),
      el('div', { class: 'scroll' }, el('table', { class: 'numbers' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'convention'), el('th', { scope: 'col' }, 'binary log loss'),
          el('th', { scope: 'col' }, 'categorical (ŷ_true = 0)'))),
        satBody)),
      satNote),
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
          { points: b.curveP.map((x, i) => [x, b.curve0[i]]), dash: [6, 4], width: b.y === 0 ? 3 : 1.5, color: kit.colors(canvas).accent2 },
        ],
        markers: [{ x: b.p, y: Math.min(7, b.loss), label: b.p < 0.6 ? `L = ${fmt(b.loss)}` : '' }],
      });
      const bt = b.y === 1 ? `L = -\\ln ${b.p}` : `L = -\\ln(1 - ${b.p})`;
      if (bt !== lastB) { tex(bFormula, bt); lastB = bt; }
      show(bLoss, b.loss); show(bBits, b.bits); show(bGrad, b.grad);
      clipNote.textContent = `${r.clipNote} (the Convention switch at the top).`;
      satBody.replaceChildren(...r.saturated.map((x) => el('tr', { class: x.convention === r.convention ? 'true-class' : '' },
        el('th', { scope: 'row' }, x.convention === r.convention ? `${x.label} (this page)` : x.label),
        cell(`saturated-bce-${x.convention}`, x.binary), cell(`saturated-cce-${x.convention}`, x.categorical))));
      const mine = r.saturated.find((x) => x.convention === r.convention);
      satNote.textContent = `${mine.note}. Categorical: ${mine.categoricalNote}.`;

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
