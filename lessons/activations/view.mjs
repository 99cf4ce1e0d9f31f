// The activations lesson's view (page only): mount(root, kit) builds the DOM once and returns
// { update(result, state), destroy() }; every number it shows comes from compute() in ./lesson.mjs.
import { fmt } from '../format.mjs';
import { ACTIVATIONS } from './lesson.mjs';

const pct = (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : fmt(v));

function palette(node) {
  const cs = getComputedStyle(node);
  const v = (n, d) => cs.getPropertyValue(n).trim() || d;
  return {
    fg: v('--fg', '#222'), muted: v('--muted', '#666'), grid: v('--grid', '#ddd'), accent: v('--accent', '#2563eb'),
    accent2: v('--accent-2', '#d9480f'), bad: v('--bad', '#c92a2a'), good: v('--good', '#2b8a3e'), panel: v('--panel', '#fff'),
    font: `${Math.round(parseFloat(cs.fontSize) * 0.8) || 12}px ${cs.fontFamily || 'sans-serif'}`,
  };
}

// A number cell/output the tests read: data-name + full-precision data-value.
function mark(node, name, v, text = fmt(v)) {
  node.dataset.name = name;
  node.dataset.value = String(v);
  node.textContent = text;
  return node;
}

export function mount(root, kit) {
  const { el, tex } = kit;
  let r = null;
  const frames = new Set();
  const pending = new Set();
  // Runs f on the next animation frame, once however often it is asked for in this frame.
  const later = (f) => {
    if (pending.has(f)) return;
    pending.add(f);
    const id = requestAnimationFrame(() => { frames.delete(id); pending.delete(f); f(); });
    frames.add(id);
  };

  // ---- 1. the five activations -------------------------------------------------------------
  const cards = ACTIVATIONS.map((a) => {
    const canvas = el('canvas', { tabindex: '0', role: 'img', 'data-name': `curve-${a.key}`,
      'aria-label': `${a.name} and its derivative; arrow keys move the readout, Enter uses it in the deep stack` });
    // pan-y: a sideways touch moves the readout, an upward or downward one still scrolls the page.
    canvas.style.cssText = 'display:block;width:100%;cursor:crosshair;touch-action:pan-y';
    const f = el('div', { class: 'formula' });
    const d = el('div', { class: 'formula' });
    tex(f, a.f);
    tex(d, a.d);
    const peak = el('output');
    const sat = el('span');
    const readout = el('output', { class: 'note', 'aria-live': 'polite' });
    const card = el('div', { 'data-name': `card-${a.key}` }, el('h4', {}, a.name), canvas, f, d,
      el('p', { class: 'note' }, "max f' = ", peak, '; saturated: ', sat), readout);
    card.style.cssText = 'border:1px solid var(--border);border-radius:0.5rem;padding:0.5rem;min-width:0';
    const c = { a, canvas, peak, sat, readout, card, cursor: null };
    const toIndex = (e) => {
      const rect = canvas.getBoundingClientRect();
      const t = (e.clientX - rect.left) / rect.width;
      return Math.max(0, Math.min(r.grid.n - 1, Math.round(t * (r.grid.n - 1))));
    };
    canvas.addEventListener('pointermove', (e) => { if (r) { c.cursor = toIndex(e); drawCurve(c); } });
    canvas.addEventListener('pointerleave', () => { c.cursor = null; drawCurve(c); });
    canvas.addEventListener('click', () => kit.set('act', a.key));
    canvas.addEventListener('keydown', (e) => {
      if (!r) return;
      const step = { ArrowLeft: -1, ArrowRight: 1, PageDown: -20, PageUp: 20 }[e.key];
      if (step) {
        e.preventDefault();
        c.cursor = Math.max(0, Math.min(r.grid.n - 1, (c.cursor ?? (r.grid.n - 1) / 2) + step));
        drawCurve(c);
      } else if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        kit.set('act', a.key);
      }
    });
    return c;
  });
  const cardGrid = el('div', { 'data-figure': 'click' }, ...cards.map((c) => c.card));
  cardGrid.style.cssText = 'display:grid;gap:0.75rem;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr))';
  const legend = el('p', { class: 'note' }, 'Solid: f(x). Dashed: f\'(x). Shaded: f\'(x) below 5% of its largest value. Hover (or focus and use the arrow keys) to read values; click (or Enter) to use it in the stack.');

  function drawCurve(c) {
    if (!r) return;
    const cv = r.curves.find((q) => q.key === c.a.key);
    const fitted = kit.fitCanvas(c.canvas, { aspect: 0.62 });
    if (!fitted) return;
    const { g, w, h } = fitted;
    const col = palette(c.canvas);
    const [y0, y1] = [-1.25, 2.25];
    const X = (x) => ((x - r.grid.from) / (r.grid.to - r.grid.from)) * w;
    const Y = (y) => h - ((y - y0) / (y1 - y0)) * h;
    g.font = col.font;
    g.fillStyle = col.accent2;
    g.globalAlpha = 0.15;
    for (const [a, b] of cv.intervals) g.fillRect(X(a - r.grid.step / 2), 0, X(b + r.grid.step / 2) - X(a - r.grid.step / 2), h);
    g.globalAlpha = 1;
    g.strokeStyle = col.grid;
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(0, Y(0)); g.lineTo(w, Y(0)); g.moveTo(X(0), 0); g.lineTo(X(0), h);
    g.moveTo(0, Y(1)); g.lineTo(w, Y(1));
    g.stroke();
    g.fillStyle = col.muted;
    g.textBaseline = 'bottom';
    g.fillText('1', X(0) + 3, Y(1));
    g.textBaseline = 'top';
    g.fillText(String(r.grid.from), 2, Y(0) + 2);
    g.textAlign = 'right';
    g.fillText(String(r.grid.to), w - 2, Y(0) + 2);
    g.textAlign = 'left';
    const line = (ys, color, dash) => {
      g.strokeStyle = color;
      g.lineWidth = 2;
      g.setLineDash(dash);
      g.beginPath();
      ys.forEach((v, i) => { const x = X(r.grid.from + i * r.grid.step); if (i) g.lineTo(x, Y(v)); else g.moveTo(x, Y(v)); });
      g.stroke();
      g.setLineDash([]);
    };
    g.save();
    g.beginPath(); g.rect(0, 0, w, h); g.clip();
    line(cv.value, col.accent, []);
    line(cv.derivative, col.accent2, [5, 4]);
    g.restore();
    if (c.cursor !== null) {
      const i = c.cursor, x = r.grid.from + i * r.grid.step;
      g.strokeStyle = col.muted;
      g.beginPath(); g.moveTo(X(x), 0); g.lineTo(X(x), h); g.stroke();
      for (const [v, color] of [[cv.value[i], col.accent], [cv.derivative[i], col.accent2]]) {
        g.fillStyle = color;
        g.beginPath(); g.arc(X(x), Y(Math.max(y0, Math.min(y1, v))), 4, 0, 2 * Math.PI); g.fill();
      }
      const extra = c.a.key === 'prelu' ? `, ∂f/∂a = ${fmt(cv.slopeGrad[i])}` : '';
      c.readout.textContent = `x = ${fmt(x, 2)}: f = ${fmt(cv.value[i])}, f' = ${fmt(cv.derivative[i])}${extra}`;
    } else {
      c.readout.textContent = '\u00a0';
    }
  }

  // ---- 2. PReLU learns its slope -------------------------------------------------------------
  const slopeCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'PReLU slope a against the SGD step' });
  const slopeChart = new kit.LineChart(slopeCanvas, {});
  const preluA = el('output');
  const preluLoss = el('output');
  const preluBody = el('tbody');
  const preluNote = el('p', { class: 'notice', role: 'status', hidden: true, 'data-name': 'prelu-diverged' });
  const preluFormula = el('div', { class: 'formula' });
  tex(preluFormula, 'a_{t+1} = a_t - \\alpha \\frac{\\partial L}{\\partial a},\\quad \\frac{\\partial L}{\\partial a} = \\frac{2}{N}\\sum_i (\\hat y_i - y_i)\\min(x_i, 0)');

  // ---- 3. the deep stack: gradient norms -------------------------------------------------------
  const gradCanvas = el('canvas', { tabindex: '0', role: 'img', 'data-name': 'grad-chart',
    'aria-label': 'gradient norm of every layer, log scale; click a point or use the arrow keys to pick a layer' });
  gradCanvas.style.cssText = 'display:block;width:100%;height:16rem;cursor:pointer;touch-action:pan-y';
  const ratioOut = el('output');
  const productOut = el('output');
  const perLayerOut = el('output');
  const lossOut = el('output');
  const courseBody = el('tbody');
  let gradFrame = null;
  const layerAt = (e) => {
    if (!gradFrame) return -1;
    const rect = gradCanvas.getBoundingClientRect();
    const { padL, pw, n } = gradFrame;
    const k = Math.round(((e.clientX - rect.left - padL) / pw) * Math.max(1, n - 1)) + 1;
    return k >= 1 && k <= n ? k : -1;
  };
  gradCanvas.addEventListener('click', (e) => { const k = layerAt(e); if (k > 0) kit.set('layer', k); });
  gradCanvas.addEventListener('keydown', (e) => {
    if (!r) return;
    const d = { ArrowLeft: -1, ArrowRight: 1 }[e.key];
    if (!d) return;
    e.preventDefault();
    const k = Math.max(1, Math.min(r.stack.depth + 1, r.stack.layer + d));
    if (k !== r.stack.layer) kit.set('layer', k);
  });

  function drawGrad() {
    if (!r) return;
    const fitted = kit.fitCanvas(gradCanvas);
    if (!fitted) return;
    const { g, w, h } = fitted;
    const col = palette(gradCanvas);
    g.font = col.font;
    const st = r.stack;
    const series = [[st.before.gradNorms, col.accent, []], [st.after.gradNorms, col.accent2, [5, 4]]];
    const logs = series.flatMap(([v]) => v).filter((v) => v > 0 && Number.isFinite(v)).map(Math.log10);
    let lo = logs.length ? Math.floor(Math.min(...logs)) : -1, hi = logs.length ? Math.ceil(Math.max(...logs)) : 1;
    if (hi === lo) { lo -= 1; hi += 1; }
    const padL = 48, padR = 12, padT = 22, padB = 34;  // the legend sits in the top margin
    const n = st.before.gradNorms.length;
    const pw = w - padL - padR, ph = h - padT - padB;
    gradFrame = { padL, pw, n };
    const X = (k) => padL + (n > 1 ? ((k - 1) / (n - 1)) * pw : pw / 2);
    const Y = (lg) => padT + (1 - (lg - lo) / (hi - lo)) * ph;
    g.strokeStyle = col.grid;
    g.fillStyle = col.muted;
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    const every = Math.max(1, Math.ceil((hi - lo) / 8));
    for (let e = lo; e <= hi; e += every) {
      g.beginPath(); g.moveTo(padL, Y(e)); g.lineTo(w - padR, Y(e)); g.stroke();
      g.fillText(`1e${e}`, padL - 4, Y(e));
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (let k = 1; k <= n; k++) if (n <= 12 || k % 2 === 1 || k === n) g.fillText(k === n ? 'out' : String(k), X(k), h - padB + 4);
    g.fillText('layer (1 = nearest the input)', padL + pw / 2, h - padB + 18);
    // the selected layer
    g.fillStyle = col.grid;
    g.fillRect(X(st.layer) - 8, padT, 16, ph);
    for (const [v, color, dash] of series) {
      g.strokeStyle = color;
      g.fillStyle = color;
      g.lineWidth = 2;
      g.setLineDash(dash);
      g.beginPath();
      let pen = false;
      v.forEach((x, i) => {
        if (!(x > 0) || !Number.isFinite(x)) { pen = false; return; }
        const px = X(i + 1), py = Y(Math.log10(x));
        if (pen) g.lineTo(px, py); else g.moveTo(px, py);
        pen = true;
      });
      g.stroke();
      g.setLineDash([]);
      v.forEach((x, i) => {
        if (x > 0 && Number.isFinite(x)) { g.beginPath(); g.arc(X(i + 1), Y(Math.log10(x)), 3.5, 0, 2 * Math.PI); g.fill(); }
        else { g.textBaseline = 'bottom'; g.fillText('0', X(i + 1), padT + ph); }
      });
    }
    g.textAlign = 'left';
    g.textBaseline = 'top';
    g.fillStyle = col.accent;
    g.fillText('— at initialisation', padL, 3);
    g.fillStyle = col.accent2;
    g.fillText(`- - after ${st.steps} SGD step${st.steps === 1 ? '' : 's'}`, padL + g.measureText('— at initialisation').width + 16, 3);
  }

  // ---- 4. per-layer table with histograms ------------------------------------------------------
  const layerBody = el('tbody');
  const histNote = el('p', { class: 'note' });
  const drawHist = (canvas, hist, color) => {
    const fitted = kit.fitCanvas(canvas);
    if (!fitted) return;
    const { g, w, h } = fitted;
    const col = palette(canvas);
    const counts = hist.counts;
    const max = Math.max(1, ...counts);
    const bw = w / counts.length;
    g.fillStyle = color ?? col.accent;
    counts.forEach((c, i) => { const bh = (c / max) * (h - 2); g.fillRect(i * bw + 0.5, h - bh, Math.max(1, bw - 1), bh); });
    g.strokeStyle = col.grid;
    g.beginPath(); g.moveTo(0, h - 0.5); g.lineTo(w, h - 0.5); g.stroke();
  };

  // ---- 5. symmetry ------------------------------------------------------------------------------
  const symTitle = el('h3');
  const mats = ['W at the start', '∂L/∂W at the start', 'W after the steps', '∂L/∂W after the steps'].map((t) => {
    const canvas = el('canvas', { role: 'img', 'aria-label': t });
    canvas.style.cssText = 'display:block;width:100%;image-rendering:pixelated';
    const cap = el('figcaption', { class: 'note' }, t);
    const fig = el('figure', {}, canvas, cap);
    fig.style.margin = '0';
    return { canvas, fig };
  });
  const matGrid = el('div', {}, ...mats.map((m) => m.fig));
  matGrid.style.cssText = 'display:grid;gap:0.75rem;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr))';
  const symBefore = el('p', { 'data-name': 'sym-before-text' });
  const symAfter = el('p', { 'data-name': 'sym-after-text' });
  const spreadB = el('output'), gspreadB = el('output'), spreadA = el('output'), gspreadA = el('output');

  function drawMatrix(canvas, values, shape) {
    const [rows, cols] = shape.length === 2 ? shape : [1, shape[0]];
    const cell = Math.max(4, Math.min(18, Math.floor(260 / Math.max(cols, rows))));
    const fitted = kit.fitCanvas(canvas, { height: Math.min(200, rows * cell + 2) });
    if (!fitted) return;
    const { g, w, h } = fitted;
    const col = palette(canvas);
    let m = 0;
    for (const v of values) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
    const cw = w / cols, ch = (h - 2) / rows;
    const dark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = values[i * cols + j];
        const t = m > 0 && Number.isFinite(v) ? v / m : 0;  // -1 .. 1
        // blue for negative, orange for positive, the panel colour for 0
        const base = dark ? [30, 33, 38] : [255, 255, 255];
        const tip = t < 0 ? [37, 99, 235] : [217, 72, 15];
        const a = Math.abs(t);
        g.fillStyle = `rgb(${base.map((b, k) => Math.round(b + (tip[k] - b) * a)).join(',')})`;
        g.fillRect(j * cw, 1 + i * ch, Math.ceil(cw), Math.ceil(ch));
      }
    }
    g.strokeStyle = col.grid;
    g.strokeRect(0.5, 0.5, w - 1, h - 1);
  }

  const notice = el('p', { class: 'notice', role: 'status', hidden: true, 'data-name': 'stack-notice' });

  root.append(
    el('div', { class: 'panel wide' }, el('h3', {}, 'Five activations and their derivatives'), legend, cardGrid),
    el('div', { class: 'panel' }, el('h3', {}, 'PReLU learns its slope'), preluFormula, slopeCanvas,
      el('p', { class: 'big' }, 'a = ', preluA, ' · loss ', preluLoss), preluNote,
      el('div', { class: 'scroll' }, el('table', { class: 'numbers' },
        el('thead', {}, el('tr', {}, ...['step t', 'a_t', '∂L/∂a', 'a_{t+1}'].map((x) => el('th', { scope: 'col' }, x)))), preluBody))),
    el('div', { class: 'panel wide' }, el('h3', {}, 'Gradient norm of every layer (log scale)'), notice, gradCanvas,
      el('p', { class: 'big' }, '‖∂L/∂W₁‖ / ‖∂L/∂W_last‖ = ', ratioOut, ' = product of the per-layer factors ', productOut,
        ' = ', perLayerOut),
      el('p', { class: 'note' }, 'Loss at initialisation: ', lossOut, '. A factor is a layer\'s gradient norm divided by the next layer\'s (the one nearer the loss).')),
    el('div', { class: 'panel' }, el('h3', {}, 'The course: 0.99³⁶⁵ vs 1.01³⁶⁵'),
      el('div', { class: 'scroll' }, el('table', { class: 'numbers' },
        el('thead', {}, el('tr', {}, ...['factor per layer', 'layers', 'product'].map((x) => el('th', { scope: 'col' }, x)))), courseBody))),
    el('div', { class: 'panel wide' }, el('h3', {}, 'Layer by layer: derivative, saturation, dead units, histogram of the activations'), histNote,
      el('div', { class: 'scroll' }, el('table', { class: 'numbers', 'data-name': 'layer-table' },
        el('thead', {}, el('tr', {}, ...['layer', '‖∂L/∂W‖', 'factor', "mean f'(z)", 'saturated', 'dead units', 'activations (histogram)', 'range']
          .map((x) => el('th', { scope: 'col' }, x)))), layerBody))),
    el('div', { class: 'panel wide' }, symTitle, matGrid,
      el('p', {}, 'Spread max|W[i, j] − W[i, 0]| over the units j: start ', spreadB, ', gradient ', gspreadB, '; after the steps ', spreadA, ', gradient ', gspreadA, '.'),
      symBefore, symAfter),
  );

  function drawAll() {
    if (!r) return;
    cards.forEach(drawCurve);
    drawGrad();
    const st = r.stack;
    st.before.layers.forEach((l, k) => { const c = layerBody.querySelector(`[data-hist="${k}"]`); if (c) drawHist(c, l.hist); });
    drawMatrix(mats[0].canvas, st.before.detail.kernel, st.before.detail.shape);
    drawMatrix(mats[1].canvas, st.before.detail.grad, st.before.detail.shape);
    drawMatrix(mats[2].canvas, st.after.detail.kernel, st.after.detail.shape);
    drawMatrix(mats[3].canvas, st.after.detail.grad, st.after.detail.shape);
  }
  const resizer = typeof ResizeObserver === 'function' ? new ResizeObserver(() => later(drawAll)) : null;
  // (root itself may have no box: on a phone and on wide screens its panels join the page's grid.)
  resizer?.observe(cardGrid);
  resizer?.observe(gradCanvas);

  return {
    update(result, s) {
      r = result;
      // 1. curves
      for (const c of cards) {
        const cv = r.curves.find((q) => q.key === c.a.key);
        mark(c.peak, `peak-${c.a.key}`, cv.peak);
        c.sat.dataset.name = `sat-${c.a.key}`;
        c.sat.textContent = cv.intervals.length ? cv.intervals.map(([a, b]) => `[${fmt(a, 2)}, ${fmt(b, 2)}]`).join(' ∪ ') : 'nowhere';
        c.card.style.outline = s.act === c.a.key ? '2px solid var(--accent)' : '';
        c.card.setAttribute('aria-current', s.act === c.a.key ? 'true' : 'false');
      }
      // 2. PReLU
      const p = r.prelu;
      const last = p.a.length - 1;
      slopeChart.set({
        series: [{ points: p.a.map((v, t) => [t, v]) }, { points: [[0, p.target], [last, p.target]], dash: [5, 4], width: 1 }],
        markers: [{ x: last, y: p.a[last], label: `a = ${fmt(p.a[last], 3)}` }],
      });
      mark(preluA, 'prelu-a', p.a[last]);
      if (p.loss.length) mark(preluLoss, 'prelu-loss', p.loss[p.loss.length - 1]);
      else mark(preluLoss, 'prelu-loss', NaN, '—');
      preluNote.hidden = p.diverged < 0;
      preluNote.textContent = p.diverged < 0 ? '' : `Diverged at step ${p.diverged}: with this learning rate every step overshoots a* by more than the last (|1 − α·(2/N)Σ min(x, 0)²| > 1), so a runs away. The curve above uses the last slope before that.`;
      const shown = [...new Set([0, 1, 2, last - 1].filter((t) => t >= 0 && t < p.grad.length))];
      preluBody.replaceChildren(...shown.map((t) => el('tr', {}, el('th', { scope: 'row' }, String(t)),
        mark(el('td'), `prelu-a-${t}`, p.a[t]), mark(el('td'), `prelu-grad-${t}`, p.grad[t]), mark(el('td'), `prelu-a-${t + 1}`, p.a[t + 1]))));
      // 3. gradients
      const st = r.stack;
      mark(ratioOut, 'ratio', st.ratio);
      mark(productOut, 'product', st.product);
      mark(perLayerOut, 'per-layer', st.perLayer, `${fmt(st.perLayer)}^${st.factors.length}`);
      mark(lossOut, 'loss', st.before.loss);
      const zero = st.before.gradNorms.every((v) => v === 0) || st.before.gradNorms.some((v) => !Number.isFinite(v));
      notice.hidden = !zero;
      notice.textContent = zero ? 'Some gradient norms are 0 or not finite here, so the ratio is not a number: no gradient reaches those layers (a zero initialisation passes nothing back).' : '';
      courseBody.replaceChildren(
        el('tr', {}, el('td', {}, String(r.course.low)), el('td', {}, String(r.course.n)), mark(el('td'), 'course-low', r.course.lowPow)),
        el('tr', {}, el('td', {}, String(r.course.high)), el('td', {}, String(r.course.n)), mark(el('td'), 'course-high', r.course.highPow)),
        el('tr', { class: 'true-class' }, el('td', {}, `${fmt(st.perLayer)} (this stack)`), el('td', {}, String(st.factors.length)), mark(el('td'), 'course-stack', st.ratio)),
      );
      // 4. the table
      const range = st.histRange.lo !== undefined ? `[${st.histRange.lo}, ${st.histRange.hi}] for every layer` : 'each layer\'s own [min, max] (shown on the right)';
      histNote.textContent = `Histograms of the ${st.width} activations × ${st.rows} examples of each layer at initialisation, over ${range}. Saturated: f'(z) < 5% of its largest value. Dead: f'(z) = 0 for every example.`;
      layerBody.replaceChildren(...st.before.gradNorms.map((gn, k) => {
        const l = st.before.layers[k];
        const hc = el('canvas', { 'data-hist': String(k), role: 'img', 'aria-label': `histogram of layer ${k + 1}'s activations` });
        hc.style.cssText = 'display:block;width:9rem;height:1.6rem';
        return el('tr', { class: k + 1 === st.layer ? 'true-class' : '' },
          el('th', { scope: 'row' }, k === st.before.gradNorms.length - 1 ? `${k + 1} (output)` : String(k + 1)),
          mark(el('td'), `grad-${k}`, gn),
          k < st.factors.length ? mark(el('td'), `factor-${k}`, st.factors[k]) : el('td'),
          l ? mark(el('td'), `dmean-${k}`, l.meanDerivative) : el('td'),
          l ? mark(el('td'), `saturated-${k}`, l.saturated, pct(l.saturated)) : el('td'),
          l ? mark(el('td'), `dead-${k}`, l.dead, `${l.deadUnits} (${pct(l.dead)})`) : el('td'),
          el('td', {}, l ? hc : ''),
          el('td', { class: 'note' }, l ? `[${fmt(l.hist.lo, 2)}, ${fmt(l.hist.hi, 2)}]` : ''));
      }));
      // 5. symmetry
      const k = st.layer - 1;
      const dshape = st.before.detail.shape;
      symTitle.textContent = `Layer ${st.layer}${k === st.depth ? ' (output)' : ''}: its ${dshape[1]} units' weights (columns) and their gradients`;
      mark(spreadB, 'spread-before', st.before.spread[k]);
      mark(gspreadB, 'grad-spread-before', st.before.gradSpread[k]);
      mark(spreadA, 'spread-after', st.after.spread[k]);
      mark(gspreadA, 'grad-spread-after', st.after.gradSpread[k]);
      const same = (a, b) => a === 0 && b === 0;
      const unitsWord = dshape[1] === 1 ? 'The output layer has one unit, so there is nothing to compare.' : null;
      symBefore.textContent = unitsWord ?? (same(st.before.spread[k], st.before.gradSpread[k])
        ? `At the start all ${dshape[1]} units are identical: the same weights and the same gradient.`
        : 'At the start the units differ: the random initialisation broke the symmetry.');
      symAfter.textContent = unitsWord ? '' : (same(st.after.spread[k], st.after.gradSpread[k])
        ? `After ${st.steps} SGD step${st.steps === 1 ? '' : 's'} they are still identical: equal gradients keep equal weights equal.`
        : `After ${st.steps} SGD step${st.steps === 1 ? '' : 's'} the units differ.`);
      symBefore.dataset.value = String(same(st.before.spread[k], st.before.gradSpread[k]));
      symAfter.dataset.value = String(same(st.after.spread[k], st.after.gradSpread[k]));
      later(drawAll);
    },
    destroy() {
      for (const id of frames) cancelAnimationFrame(id);
      frames.clear();
      resizer?.disconnect();
    },
  };
}
