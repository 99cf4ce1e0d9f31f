// The optimizers lesson's view (page only): mount(root, kit) builds the DOM once and returns
// { update(result, state) }; every number it shows comes from compute() in ./lesson.mjs.
import { fmt } from '../format.mjs';
import { OPTIMIZERS } from './lesson.mjs';

// Each optimizer has the theme's categorical colour of its place in OPTIMIZERS (kit.colors().series
// on the canvas, the same --series-k variable in the DOM).
const seriesIndex = (key) => OPTIMIZERS.findIndex((q) => q.key === key);
const cssColorOf = (key) => `var(--series-${seriesIndex(key) + 1})`;

// The contour picture of a grid: bands of log(1 + f - min), quantised, into an n x n image.
function contourImage(grid, d) {
  const { n, values } = grid;
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const img = new ImageData(n, n);
  const levels = 16;
  const scale = Math.log1p(Math.max(hi - lo, 1e-12));
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const v = values[r * n + c];
      const o = ((n - 1 - r) * n + c) * 4; // row 0 is the lowest y: draw it at the bottom
      if (!Number.isFinite(v)) { img.data.set(d ? [60, 20, 20, 255] : [255, 220, 220, 255], o); continue; }
      const t = Math.log1p(v - lo) / scale; // 0 at the minimum, 1 at the maximum
      const band = Math.min(levels - 1, Math.floor(t * levels)) / (levels - 1);
      const stripe = Math.floor(t * levels) % 2 ? 0.06 : 0;
      const k = d ? 0.12 + 0.45 * band - stripe : 0.97 - 0.55 * band + stripe;
      // A blue-to-amber ramp at brightness k.
      img.data[o] = Math.round(255 * Math.min(1, k * (0.75 + 0.5 * band)));
      img.data[o + 1] = Math.round(255 * Math.min(1, k * 0.95));
      img.data[o + 2] = Math.round(255 * Math.min(1, k * (1.25 - 0.5 * band)));
      img.data[o + 3] = 255;
    }
  }
  return { img, lo, hi };
}

export function mount(root, kit) {
  const { el, tex } = kit;
  const map = el('canvas', { class: 'opt-map', 'data-figure': 'drag', tabindex: '0', role: 'img', 'aria-label': 'contour map of f with the optimizer paths; drag the start point, or use the arrow keys' });
  map.style.width = '100%';
  map.style.display = 'block';
  map.style.margin = '0 auto';
  map.style.touchAction = 'none';
  map.style.cursor = 'crosshair';
  const lossCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'f against the step for each optimizer' });
  const lossChart = new kit.LineChart(lossCanvas, {});
  const notice = el('p', { class: 'notice', role: 'status', 'data-name': 'expr-error', hidden: true });
  const stops = el('ul', { class: 'note', 'data-name': 'stops' });
  const sourceLine = el('p', { class: 'note' });
  const stepOut = el('output', { 'data-name': 'step' });
  const replay = el('button', { type: 'button' }, 'Replay');
  const legendBody = el('tbody');
  const formulas = new Map();

  const rules = el('div', { class: 'opt-rules' });
  for (const o of OPTIMIZERS) {
    const f = el('div', { class: 'formula' });
    tex(f, o.formula);
    const dot = el('span', { 'aria-hidden': 'true' }, '● ');
    const item = el('div', { 'data-name': `rule-${o.key}` }, el('strong', {}, dot, o.name), f);
    item.style.marginBottom = '0.5rem';
    formulas.set(o.key, { dot, item });
    rules.append(item);
  }

  // Adam's ε: where Keras and PyTorch differ (the page's convention), with a plateau's first step.
  const adamNote = el('p', { class: 'convention-note', 'data-name': 'adam-note' });
  const plateauBody = el('tbody');
  formulas.get('adam').item.append(adamNote, el('div', { class: 'scroll' }, el('table', { class: 'numbers' },
    el('caption', {}, 'Adam\'s first step on a plateau, ∂f/∂x = 10⁻⁶ (same α, β₁, β₂)'),
    el('thead', {}, el('tr', {}, ...['convention', 'ε', 'ε added to', 'step', 'step / α'].map((h) => el('th', { scope: 'col' }, h)))),
    plateauBody)));

  root.append(
    el('div', { class: 'panel wide' }, el('h3', {}, 'The surface and the paths'), notice, map,
      el('p', {}, 'Step ', stepOut, ' ', replay), sourceLine, stops),
    el('div', { class: 'panel wide' }, el('h3', {}, 'f against the step'), lossCanvas),
    el('div', { class: 'panel wide' }, el('h3', {}, 'Where each path ended'),
      el('div', { class: 'scroll' }, el('table', { class: 'numbers' },
        el('thead', {}, el('tr', {}, ...['optimizer', 'steps', 'x', 'y', 'f'].map((h) => el('th', { scope: 'col' }, h)))),
        legendBody))),
    el('div', { class: 'panel wide' }, el('h3', {}, 'The update rules (g = ∇f, α the learning rate)'), rules),
  );

  let r = null;
  let shown = 0;       // steps drawn so far (animation)
  let raf = 0;
  let animStart = 0;
  let cached = null;   // { grid, bitmap canvas }
  let dragging = false;

  const toXY = (e) => {
    const rect = map.getBoundingClientRect();
    const [x0, x1, y0, y1] = r.box;
    const x = x0 + ((e.clientX - rect.left) / rect.width) * (x1 - x0);
    const y = y1 - ((e.clientY - rect.top) / rect.height) * (y1 - y0);
    return [Math.min(x1, Math.max(x0, x)), Math.min(y1, Math.max(y0, y))];
  };
  const setStart = (x, y) => { kit.set('x0', Math.round(x * 100) / 100); kit.set('y0', Math.round(y * 100) / 100); };
  map.addEventListener('pointerdown', (e) => {
    if (!r) return;
    e.preventDefault();
    dragging = true;
    map.setPointerCapture?.(e.pointerId);
    setStart(...toXY(e));
  });
  map.addEventListener('pointermove', (e) => { if (dragging && r) setStart(...toXY(e)); });
  const end = () => { if (dragging) { dragging = false; animate(); } };
  map.addEventListener('pointerup', end);
  map.addEventListener('pointercancel', end);
  map.addEventListener('keydown', (e) => {
    if (!r) return;
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
    if (!d) return;
    e.preventDefault();
    const [x0, x1, y0, y1] = r.box;
    const sx = (x1 - x0) / 50, sy = (y1 - y0) / 50;
    setStart(Math.min(x1, Math.max(x0, r.start[0] + d[0] * sx)), Math.min(y1, Math.max(y0, r.start[1] + d[1] * sy)));
  });
  replay.addEventListener('click', () => animate());

  function drawMap() {
    if (!r) return;
    // At most ~70% of the window's height tall, so the paths and the step counter stay in view.
    const aspect = (r.box[3] - r.box[2]) / (r.box[1] - r.box[0]);
    const maxW = Math.max(240, (0.7 * (globalThis.innerHeight || 800)) / aspect);
    map.style.maxWidth = `${Math.round(maxW)}px`;
    const fitted = kit.fitCanvas(map, { aspect });
    if (!fitted) return;
    const { g, w, h } = fitted;
    const [x0, x1, y0, y1] = r.box;
    const X = (x) => ((x - x0) / (x1 - x0)) * w;
    const Y = (y) => h - ((y - y0) / (y1 - y0)) * h;
    const col = kit.colors(map, { fontScale: 0.8 });
    const colorOf = (key) => col.series[seriesIndex(key)];
    if (r.grid) {
      if (!cached || cached.grid !== r.grid || cached.dark !== col.dark) {
        const { img } = contourImage(r.grid, col.dark);
        const c = document.createElement('canvas');
        c.width = r.grid.n; c.height = r.grid.n;
        c.getContext('2d').putImageData(img, 0, 0);
        cached = { grid: r.grid, dark: col.dark, bitmap: c };
      }
      g.imageSmoothingEnabled = true;
      g.drawImage(cached.bitmap, 0, 0, w, h);
    }
    const fg = col.fg;
    // Axes through 0.
    g.strokeStyle = col.muted;
    g.lineWidth = 1;
    g.setLineDash([3, 4]);
    g.beginPath();
    if (x0 < 0 && x1 > 0) { g.moveTo(X(0), 0); g.lineTo(X(0), h); }
    if (y0 < 0 && y1 > 0) { g.moveTo(0, Y(0)); g.lineTo(w, Y(0)); }
    g.stroke();
    g.setLineDash([]);
    g.font = col.font;
    g.fillStyle = fg;
    g.textBaseline = 'top';
    g.fillText(`x ∈ [${x0}, ${x1}], y ∈ [${y0}, ${y1}]`, 6, 4);
    for (const p of r.paths) {
      const n = Math.min(p.x.length, shown + 1);
      g.strokeStyle = colorOf(p.key);
      g.fillStyle = colorOf(p.key);
      g.lineWidth = 2;
      g.beginPath();
      for (let i = 0; i < n; i++) { if (i) g.lineTo(X(p.x[i]), Y(p.y[i])); else g.moveTo(X(p.x[i]), Y(p.y[i])); }
      g.stroke();
      const k = n - 1;
      g.beginPath();
      g.arc(X(p.x[k]), Y(p.y[k]), 4, 0, 2 * Math.PI);
      g.fill();
      if (p.stop && shown >= p.x.length - 1) {
        // The path stopped here: an X at its last good point.
        const cx = X(p.x[k]), cy = Y(p.y[k]);
        g.lineWidth = 3;
        g.beginPath(); g.moveTo(cx - 7, cy - 7); g.lineTo(cx + 7, cy + 7); g.moveTo(cx + 7, cy - 7); g.lineTo(cx - 7, cy + 7); g.stroke();
      }
    }
    // The start point (drag handle).
    g.fillStyle = fg;
    g.strokeStyle = col.panel;
    g.lineWidth = 2;
    g.beginPath();
    g.arc(X(r.start[0]), Y(r.start[1]), 7, 0, 2 * Math.PI);
    g.fill();
    g.stroke();
  }

  function drawLoss() {
    if (!r) return;
    lossChart.set({
      series: r.paths.map((p) => ({ points: p.f.slice(0, shown + 1).map((v, i) => [i, v]), color: kit.colors(lossCanvas).series[seriesIndex(p.key)] })),
    });
    lossChart.xmin = 0;
    lossChart.xmax = r.steps;
    // y from the lowest f reached up to the highest start value: a diverging path leaves the
    // plot at the top instead of squashing the others flat.
    const all = r.paths.flatMap((p) => p.f);
    const lo = all.length ? Math.min(...all) : 0;
    const hi = r.paths.length ? Math.max(...r.paths.map((p) => p.f[0])) : 1;
    lossChart.ymin = lo;
    lossChart.ymax = hi > lo ? hi + (hi - lo) * 0.05 : lo + 1;
  }

  function frameAt(k) {
    shown = k;
    stepOut.textContent = String(k);
    stepOut.dataset.value = String(k);
    drawMap();
    drawLoss();
  }

  function animate() {
    cancelAnimationFrame(raf);
    if (!r || !r.paths.length) { frameAt(r?.steps ?? 0); return; }
    const total = r.steps;
    const duration = Math.min(2500, 400 + total * 12);
    animStart = performance.now();
    const tick = (now) => {
      const k = Math.min(total, Math.round(((now - animStart) / duration) * total));
      frameAt(k);
      if (k < total) raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    frameAt(0);
  }

  const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(() => requestAnimationFrame(drawMap)) : null;
  resize?.observe(map);

  return {
    update(result) {
      r = result;
      notice.hidden = !r.error;
      notice.textContent = r.error ? `Your f(x, y) could not be used: ${r.error}` : '';
      sourceLine.textContent = r.error ? '' : `f(x, y) = ${r.source}   (read as ${r.canonical});  start f = ${fmt(r.startValue)}`;
      stops.replaceChildren(...r.paths.filter((p) => p.stop).map((p) => el('li', { 'data-name': `stop-${p.key}` }, `${p.name}: ${p.stop}.`)));
      legendBody.replaceChildren(...OPTIMIZERS.map((o) => {
        const p = r.paths.find((q) => q.key === o.key);
        const k = p ? p.x.length - 1 : -1;
        const sw = el('span', { 'aria-hidden': 'true' }, '● ');
        sw.style.color = cssColorOf(o.key);
        const cell = (name, v) => (p ? el('td', { 'data-name': name, 'data-value': String(v) }, fmt(v)) : el('td', {}, '–'));
        formulas.get(o.key).dot.style.color = cssColorOf(o.key);
        return el('tr', {}, el('th', { scope: 'row' }, sw, o.name, p ? '' : ' (off)'),
          p ? el('td', { 'data-name': `steps-${o.key}` }, p.stop ? `${k} (stopped)` : String(k)) : el('td', {}, '–'),
          cell(`x-${o.key}`, p?.x[k]), cell(`y-${o.key}`, p?.y[k]), cell(`f-${o.key}`, p?.f[k]));
      }));
      if (r.adamPlateau) {
        adamNote.textContent = `This page follows ${r.adamNote}. Where |g| is close to ε the two rules step very differently:`;
        plateauBody.replaceChildren(...r.adamPlateau.map((a) => el('tr', { class: a.convention === r.convention ? 'true-class' : '' },
          el('th', { scope: 'row' }, a.convention === r.convention ? `${a.label} (this page)` : a.label),
          el('td', {}, String(a.epsilon)), el('td', {}, a.epsilonOn === 'v' ? '√v' : '√v̂'),
          el('td', { 'data-name': `plateau-step-${a.convention}`, 'data-value': String(a.step) }, fmt(a.step)),
          el('td', { 'data-name': `plateau-ratio-${a.convention}`, 'data-value': String(a.ratio) }, fmt(a.ratio)))));
      }
      if (dragging) { cancelAnimationFrame(raf); frameAt(r.steps); } else animate();
    },
    destroy() {
      cancelAnimationFrame(raf);
      resize?.disconnect();
    },
  };
}
