// The neuron lesson's view (page only): mount(root, kit) builds the DOM once and returns
// { update(result, state), destroy() }. Every number it shows comes from compute() in
// ./lesson.mjs; the view draws them and turns pointer and key presses into settings (kit.set):
// the points, the start weights (dragging the line or the arrow w), and `steps` (Step, Train).
import { fmt } from '../format.mjs';
import { BOX, MAX_POINTS, PRESETS, parsePoints, pointsText } from './lesson.mjs';

const dark = () => typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
/** Arrow length in data units per unit of |w|: the arrow is k·w, drawn from the line. */
const ARROW = 0.5;
const round2 = (v) => Math.round(v * 100) / 100;
const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

function hexRgb(s, fallback) {
  const m = /^#([0-9a-f]{6})$/i.exec(String(s).trim());
  if (!m) return fallback;
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function palette(canvas) {
  const cs = getComputedStyle(canvas);
  const v = (name) => cs.getPropertyValue(name).trim();
  const d = dark();
  return {
    one: hexRgb(v('--accent'), d ? [110, 160, 255] : [37, 99, 235]),
    zero: hexRgb(v('--accent-2'), d ? [255, 138, 80] : [217, 72, 15]),
    bg: hexRgb(v('--panel'), d ? [30, 33, 38] : [255, 255, 255]),
    fg: v('--fg') || (d ? '#e6e7ea' : '#1d1f23'),
    muted: v('--muted') || '#888',
    bad: v('--bad') || '#c92a2a',
    panel: v('--panel') || (d ? '#1e2126' : '#fff'),
    font: `${Math.round(parseFloat(cs.fontSize) * 0.8) || 12}px ${cs.fontFamily || 'sans-serif'}`,
  };
}
const rgb = (c, a = 1) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${a})`;
/** The smallest 4·step ≥ v with step 1, 2, 2.5 or 5 × 10^k: four short axis labels. */
function niceMax(v) {
  const e = 10 ** Math.floor(Math.log10(v / 4));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * e).find((st) => 4 * st >= v);
  return 4 * step;
}
/** Terms as a sum with real signs: 1 − 2 + 0.25 (numbers by fmt). */
const sumText = (terms) => terms.map((v, i) => (i === 0 ? fmt(v) : `${v < 0 ? ' − ' : ' + '}${fmt(Math.abs(v))}`)).join('');

/** An n × n image of probabilities: orange below ½, blue above, stronger towards 0 and 1. */
function shadeBitmap(prob, n, pal) {
  const c = document.createElement('canvas');
  c.width = n; c.height = n;
  const g = c.getContext('2d');
  const img = g.createImageData(n, n);
  const strength = dark() ? 0.55 : 0.42;
  for (let r = 0; r < n; r++) {
    for (let col = 0; col < n; col++) {
      const p = prob[r * n + col];
      const o = ((n - 1 - r) * n + col) * 4; // grid row 0 is the lowest x2: drawn at the bottom
      const t = Number.isFinite(p) ? Math.abs(p - 0.5) * 2 * strength : 0;
      const to = p >= 0.5 ? pal.one : pal.zero;
      for (let k = 0; k < 3; k++) img.data[o + k] = Math.round(pal.bg[k] + (to[k] - pal.bg[k]) * t);
      img.data[o + 3] = 255;
    }
  }
  g.putImageData(img, 0, 0);
  return c;
}

/** Segments of the zero level of an n × n grid of values at cell centres xs (marching squares). */
function zeroContour(values, n, xs) {
  const segs = [];
  const at = (r, c) => values[r * n + c];
  for (let r = 0; r + 1 < n; r++) {
    for (let c = 0; c + 1 < n; c++) {
      // Corners: (c, r), (c+1, r), (c+1, r+1), (c, r+1); edges between consecutive corners.
      const cs = [[c, r], [c + 1, r], [c + 1, r + 1], [c, r + 1]];
      const cross = [];
      for (let e = 0; e < 4; e++) {
        const [c0, r0] = cs[e], [c1, r1] = cs[(e + 1) % 4];
        const v0 = at(r0, c0), v1 = at(r1, c1);
        if ((v0 > 0) !== (v1 > 0)) {
          const t = v0 / (v0 - v1);
          cross.push([xs[c0] + (xs[c1] - xs[c0]) * t, xs[r0] + (xs[r1] - xs[r0]) * t]);
        }
      }
      if (cross.length >= 2) segs.push([cross[0], cross[1]]);
      if (cross.length === 4) segs.push([cross[2], cross[3]]);
    }
  }
  return segs;
}

/** The part of the line a·x1 + b·x2 + c = 0 inside [-B, B]², as two points, or null. */
function clipLine(a, b, c, B) {
  const pts = [];
  if (Math.abs(b) > 1e-12) for (const x1 of [-B, B]) { const x2 = -(a * x1 + c) / b; if (Math.abs(x2) <= B + 1e-9) pts.push([x1, x2]); }
  if (Math.abs(a) > 1e-12) for (const x2 of [-B, B]) { const x1 = -(b * x2 + c) / a; if (Math.abs(x1) <= B + 1e-9) pts.push([x1, x2]); }
  if (pts.length < 2) return null;
  let best = [pts[0], pts[1]], d = -1;
  for (let i = 0; i < pts.length; i++) for (let j = i + 1; j < pts.length; j++) {
    const dd = (pts[i][0] - pts[j][0]) ** 2 + (pts[i][1] - pts[j][1]) ** 2;
    if (dd > d) { d = dd; best = [pts[i], pts[j]]; }
  }
  return d > 0 ? best : null;
}

/** Where the arrow w starts: the line's point nearest the origin, or the middle of its visible part. */
function footOf(w, b) {
  const n2 = w[0] * w[0] + w[1] * w[1];
  if (n2 < 1e-12) return [0, 0];
  const f = [(-b * w[0]) / n2, (-b * w[1]) / n2];
  if (Math.abs(f[0]) <= BOX && Math.abs(f[1]) <= BOX) return f;
  const seg = clipLine(w[0], w[1], b, BOX);
  return seg ? [(seg[0][0] + seg[1][0]) / 2, (seg[0][1] + seg[1][1]) / 2] : f;
}

function drawPoint(g, x, y, cls, pal, { ring, wrong } = {}) {
  g.lineWidth = 2;
  g.strokeStyle = pal.panel;
  g.fillStyle = rgb(cls ? pal.one : pal.zero);
  g.beginPath();
  if (cls) g.arc(x, y, 6.5, 0, 2 * Math.PI);
  else g.rect(x - 5.5, y - 5.5, 11, 11); // class 0 is a square, class 1 a disc: not only colour
  g.fill();
  g.stroke();
  if (wrong) { g.strokeStyle = pal.bad; g.lineWidth = 1.5; g.beginPath(); g.arc(x, y, 10, 0, 2 * Math.PI); g.stroke(); }
  if (ring) { g.strokeStyle = pal.fg; g.lineWidth = 2; g.beginPath(); g.arc(x, y, 12.5, 0, 2 * Math.PI); g.stroke(); }
}

export function mount(root, kit) {
  const { el, tex } = kit;
  let r = null;       // the last result
  let st = null;      // the last state
  let selected = -1;  // keyboard-selected or hovered point
  let hover = -1;
  let drag = null;    // { kind: 'point' | 'line' | 'arrow', i?, foot?, moved }
  let training = false;
  let raf = 0;
  let waitingFor = -1; // the steps value asked for by Train and not drawn yet
  let addClass = 1;

  // ---- the neuron panel --------------------------------------------------------------------
  const formula = el('div', { class: 'formula' });
  tex(formula, '\\hat y = \\sigma(w_1 x_1 + w_2 x_2 + b)', true);
  const out = (name) => el('output', { 'data-name': name });
  const o = { w1: out('w1'), w2: out('w2'), b: out('b'), step: out('step'), loss: out('loss'), other: out('other-loss'),
    correct: out('correct'), gw1: out('grad-w1'), gw2: out('grad-w2'), gb: out('grad-b'),
    nw1: out('next-w1'), nw2: out('next-w2'), nb: out('next-b') };
  const setOut = (e, v, text = fmt(v)) => { e.textContent = text; e.dataset.value = String(v); };
  const lossName = el('span');
  const otherName = el('span');
  const signW2 = el('span'), signB = el('span');
  /** A signed term: the sign as text before it, the number's size in the output (data-value keeps the sign). */
  const setSigned = (sign, e, v) => { sign.textContent = v < 0 ? ' − ' : ' + '; setOut(e, v, fmt(Math.abs(v))); };

  const canvas = el('canvas', { class: 'neuron-map', 'data-figure': 'drag', tabindex: '0', role: 'img', 'data-name': 'neuron-canvas',
    'aria-label': 'The points, the probability shading, the decision line and the weight arrow w. Drag the line or the arrow, click to add a point, shift-click to change its class, alt-click to remove it. Keys: see below the picture.' });
  Object.assign(canvas.style, { width: '100%', maxWidth: '34rem', display: 'block', margin: '0 auto', touchAction: 'none', cursor: 'crosshair' });
  const notice = el('p', { class: 'notice', role: 'status', 'data-name': 'view-notice', hidden: true });
  const info = el('p', { 'data-name': 'point-info', 'aria-live': 'polite' });
  const keysHelp = el('p', { class: 'note' },
    'Keys on the picture: Tab to it, then [ and ] pick a point, the arrow keys move it (Shift: faster), C changes its class, Delete removes it, A adds a point at the centre. The weights have sliders in the settings.');

  const presetButtons = Object.entries(PRESETS).map(([key, p]) => {
    const bt = el('button', { type: 'button', 'data-name': `preset-${key}` }, p.label);
    bt.addEventListener('click', () => { selected = -1; kit.set('points', pointsText(p.points)); });
    return bt;
  });
  const classSelect = el('select', { 'aria-label': 'Class of new points', 'data-name': 'new-class' },
    el('option', { value: '1' }, 'New points: class 1 (disc)'), el('option', { value: '0' }, 'New points: class 0 (square)'));
  classSelect.addEventListener('change', () => { addClass = Number(classSelect.value); });
  classSelect.style.width = 'auto';

  const stepBtn = el('button', { type: 'button', 'data-name': 'step-button' }, 'Step');
  const trainBtn = el('button', { type: 'button', 'data-name': 'train-button', 'aria-pressed': 'false' }, 'Train');
  const resetBtn = el('button', { type: 'button', 'data-name': 'reset-button' }, 'Back to step 0');
  const wrongBtn = el('button', { type: 'button', 'data-name': 'wrong-start' }, 'Start confidently wrong');
  stepBtn.addEventListener('click', () => { stopTraining(); if (st) kit.set('steps', Math.min(1000, st.steps + 1)); });
  trainBtn.addEventListener('click', () => (training ? stopTraining() : startTraining()));
  resetBtn.addEventListener('click', () => { stopTraining(); kit.set('steps', 0); });
  wrongBtn.addEventListener('click', () => {
    stopTraining();
    // The arrow turned away from class 1 and made steep: every point far on the wrong side.
    kit.set('w1', -2); kit.set('w2', -2); kit.set('b', 0); kit.set('steps', 0);
  });

  const readout = el('div', { class: 'readout' },
    el('p', { class: 'big' }, 'ŷ = σ(', o.w1, ' x₁', signW2, o.w2, ' x₂', signB, o.b, ')   after step ', o.step),
    el('p', {}, lossName, ' L = ', o.loss, ' (', otherName, ' ', o.other, ');  ', o.correct, ' on the right side of the line'),
    el('p', {}, '∂L/∂w₁ = ', o.gw1, ', ∂L/∂w₂ = ', o.gw2, ', ∂L/∂b = ', o.gb),
    el('p', { 'data-name': 'next-step' }, 'Next step: w₁ ← ', o.nw1, ', w₂ ← ', o.nw2, ', b ← ', o.nb, ' (w ← w − α ∂L/∂w)'));

  // ---- charts ------------------------------------------------------------------------------
  const lossCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'the loss against the gradient-descent step' });
  const lossChart = new kit.LineChart(lossCanvas, { xmin: 0, ymin: 0 });
  const zCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'dL/dz against z for log loss and MSE, class 1 and class 0, with the points on their curves' });
  zCanvas.style.height = '16rem';
  const zChart = new kit.LineChart(zCanvas, { xmin: -8, xmax: 8, ymin: -1, ymax: 1 });
  const zLegend = el('p', { class: 'note', 'data-name': 'zchart-legend' });
  const zNumbers = el('p', { 'data-name': 'zchart-numbers' });

  // ---- the points table ---------------------------------------------------------------------
  const head = ['i', 'x_1', 'x_2', 'y', 'z', 'p = \\sigma(z)', 'L_i', '\\partial L_i/\\partial z', '\\partial L_i/\\partial w_1', '\\partial L_i/\\partial w_2'];
  const tbody = el('tbody');
  const table = el('table', { class: 'numbers', 'aria-labelledby': 'neuron-points-title' },
    el('thead', {}, el('tr', {}, ...head.map((h) => { const th = el('th', { scope: 'col' }); tex(th, h); return th; }))), tbody);
  const tableBox = el('div', { class: 'scroll' }, table);
  tableBox.style.maxHeight = '22rem';
  tableBox.style.overflowY = 'auto';

  // ---- the network panel --------------------------------------------------------------------
  const netCanvas = el('canvas', { class: 'neuron-map', role: 'img', 'data-name': 'net-canvas', 'aria-label': 'the 2-3-1 network\'s output: shading, its boundary (solid) and the line A x1 + B x2 + C = 0 (dashed)' });
  Object.assign(netCanvas.style, { width: '100%', maxWidth: '26rem', display: 'block', margin: '0 auto' });
  const netBody = el('tbody');
  const netTable = el('table', { class: 'numbers', 'aria-label': 'the network\'s nine weights and four biases' },
    el('thead', {}, el('tr', {}, ...['\\text{neuron}', '\\text{weight on } x_1', '\\text{weight on } x_2', '\\text{bias}'].map((h) => { const th = el('th', { scope: 'col' }); tex(th, h); return th; }))), netBody);
  netTable.style.width = 'auto';
  const outLine = el('p', { 'data-name': 'output-neuron' });
  const collapse = el('div', { 'data-name': 'collapse' });
  const netNote = el('p', { 'data-name': 'net-note' });

  root.append(
    el('div', { class: 'panel' }, el('h3', {}, 'One neuron'), formula,
      el('div', { class: 'buttons' }, ...presetButtons, classSelect),
      notice, canvas, info,
      el('div', { class: 'buttons' }, stepBtn, trainBtn, resetBtn, wrongBtn), readout, keysHelp),
    el('div', { class: 'panel' }, el('h3', {}, 'The loss over the steps'), lossCanvas),
    el('div', { class: 'panel' }, el('h3', {}, '∂L/∂z: log loss against MSE'), zCanvas, zLegend, zNumbers),
    el('div', { class: 'panel wide' }, el('h3', { id: 'neuron-points-title' }, 'Every point (from the core)'), tableBox),
    el('div', { class: 'panel wide' }, el('h3', {}, 'Two layers without an activation collapse into one'),
      el('div', { class: 'scroll' }, netTable), outLine, collapse, netCanvas, netNote),
  );

  // ---- geometry -----------------------------------------------------------------------------
  let frame = null; // { w, h } of the neuron canvas in CSS pixels
  const X = (x) => ((x + BOX) / (2 * BOX)) * frame.w;
  const Y = (y) => frame.h - ((y + BOX) / (2 * BOX)) * frame.h;
  const toData = (e) => {
    const rect = canvas.getBoundingClientRect();
    return [((e.clientX - rect.left) / rect.width) * 2 * BOX - BOX, BOX - ((e.clientY - rect.top) / rect.height) * 2 * BOX];
  };
  const pxPerUnit = () => (frame ? frame.w / (2 * BOX) : 50);

  const say = (msg) => { notice.hidden = !msg; notice.textContent = msg ?? ''; };

  /** Sets the points setting (the points as the view holds them). */
  // The points as last set from here (the state the view saw may be a frame old while dragging).
  let livePoints = null;
  const setPoints = (pts) => { livePoints = pts.map((p) => [...p]); kit.set('points', pointsText(pts)); };
  const currentPoints = () => (livePoints ? livePoints.map((p) => [...p]) : st ? (parsePoints(st.points).points ?? []) : []);

  function hit(e) {
    if (!r || !frame) return { kind: 'none' };
    const [x, y] = toData(e);
    const ppu = pxPerUnit();
    let best = -1, bd = Infinity;
    r.points.forEach((p, i) => { const d = Math.hypot(p[0] - x, p[1] - y) * ppu; if (d < bd) { bd = d; best = i; } });
    if (best >= 0 && bd <= 10) return { kind: 'point', i: best };
    const foot = footOf(r.w, r.b);
    const tip = [foot[0] + ARROW * r.w[0], foot[1] + ARROW * r.w[1]];
    if (Math.hypot(tip[0] - x, tip[1] - y) * ppu <= 11) return { kind: 'arrow', foot };
    const n = Math.hypot(r.w[0], r.w[1]);
    if (n > 1e-9 && (Math.abs(r.w[0] * x + r.w[1] * y + r.b) / n) * ppu <= 8) return { kind: 'line' };
    return { kind: 'none', at: [x, y] };
  }

  /** Start weights from the shown neuron: the drag begins where the picture is (and restarts training). */
  const setWeights = (w1, w2, b) => {
    stopTraining();
    kit.set('w1', clamp(round2(w1), -10, 10));
    kit.set('w2', clamp(round2(w2), -10, 10));
    kit.set('b', clamp(round2(b), -20, 20));
    if (st?.steps) kit.set('steps', 0);
  };

  canvas.addEventListener('pointerdown', (e) => {
    if (!r) return;
    e.preventDefault();
    canvas.focus({ preventScroll: true });
    const h = hit(e);
    const pts = currentPoints();
    if (h.kind === 'point') {
      if (e.shiftKey) { pts[h.i] = [pts[h.i][0], pts[h.i][1], 1 - pts[h.i][2]]; selected = h.i; setPoints(pts); return; }
      if (e.altKey) { removePoint(h.i); return; }
      selected = h.i;
      drag = { kind: 'point', i: h.i };
    } else if (h.kind === 'arrow') {
      drag = { kind: 'arrow', foot: h.foot };
    } else if (h.kind === 'line') {
      drag = { kind: 'line', w: [...r.w] };
    } else {
      if (pts.length >= MAX_POINTS) { say(`At most ${MAX_POINTS} points: remove one first (alt-click it).`); return; }
      const [x, y] = h.at;
      pts.push([round2(x), round2(y), addClass]);
      selected = pts.length - 1;
      drag = { kind: 'point', i: selected };
      setPoints(pts);
    }
    say(null);
    canvas.setPointerCapture?.(e.pointerId);
  });

  canvas.addEventListener('pointermove', (e) => {
    if (!r) return;
    if (!drag) {
      const h = hit(e);
      const i = h.kind === 'point' ? h.i : -1;
      canvas.style.cursor = h.kind === 'point' || h.kind === 'arrow' ? 'grab' : h.kind === 'line' ? 'move' : 'crosshair';
      if (i !== hover) { hover = i; showInfo(); draw(); }
      return;
    }
    const [x, y] = toData(e);
    if (drag.kind === 'point') {
      const pts = currentPoints();
      if (!pts[drag.i]) return;
      const out = Math.abs(x) > BOX || Math.abs(y) > BOX;
      say(out ? `Points stay inside the picture ([−${BOX}, ${BOX}] on both axes): this one stops at the edge.` : null);
      pts[drag.i] = [round2(clamp(x, -BOX, BOX)), round2(clamp(y, -BOX, BOX)), pts[drag.i][2]];
      setPoints(pts);
    } else if (drag.kind === 'line') {
      // Same w, the line through the pointer: w·x + b = 0.
      setWeights(drag.w[0], drag.w[1], -(drag.w[0] * x + drag.w[1] * y));
    } else if (drag.kind === 'arrow') {
      // The arrow from the foot to the pointer is ARROW·w; the line keeps passing through the foot.
      const w1 = (x - drag.foot[0]) / ARROW, w2 = (y - drag.foot[1]) / ARROW;
      setWeights(w1, w2, -(round2(w1) * drag.foot[0] + round2(w2) * drag.foot[1]));
    }
  });
  const endDrag = () => { drag = null; };
  canvas.addEventListener('pointerup', endDrag);
  canvas.addEventListener('pointercancel', endDrag);
  canvas.addEventListener('pointerleave', () => { if (!drag && hover !== -1) { hover = -1; showInfo(); draw(); } });

  function removePoint(i) {
    const pts = currentPoints();
    if (pts.length <= 1) { say('The neuron needs at least one point: this one stays.'); return; }
    pts.splice(i, 1);
    selected = Math.min(selected, pts.length - 1);
    if (selected === i) selected = -1;
    hover = -1;
    say(null);
    setPoints(pts);
  }

  canvas.addEventListener('keydown', (e) => {
    if (!r) return;
    const pts = currentPoints();
    const n = pts.length;
    const move = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
    if (e.key === ']' || e.key === '[') {
      e.preventDefault();
      selected = selected < 0 ? (e.key === ']' ? 0 : n - 1) : (selected + (e.key === ']' ? 1 : n - 1)) % n;
      showInfo(); draw();
    } else if (move && selected >= 0 && pts[selected]) {
      e.preventDefault();
      const d = e.shiftKey ? 0.5 : 0.1;
      const [x, y, c] = pts[selected];
      const nx = round2(x + move[0] * d), ny = round2(y + move[1] * d);
      const outside = Math.abs(nx) > BOX || Math.abs(ny) > BOX;
      say(outside ? `Points stay inside the picture ([−${BOX}, ${BOX}] on both axes): this one stops at the edge.` : null);
      pts[selected] = [clamp(nx, -BOX, BOX), clamp(ny, -BOX, BOX), c];
      setPoints(pts);
    } else if ((e.key === 'c' || e.key === 'C') && selected >= 0 && pts[selected]) {
      e.preventDefault();
      pts[selected][2] = 1 - pts[selected][2];
      setPoints(pts);
    } else if ((e.key === 'Delete' || e.key === 'Backspace') && selected >= 0) {
      e.preventDefault();
      removePoint(selected);
    } else if (e.key === 'a' || e.key === 'A') {
      e.preventDefault();
      if (n >= MAX_POINTS) { say(`At most ${MAX_POINTS} points: remove one first.`); return; }
      pts.push([0, 0, addClass]);
      selected = n;
      setPoints(pts);
    }
  });

  // ---- training -----------------------------------------------------------------------------
  function startTraining() {
    if (!st) return;
    if (st.steps >= 1000) kit.set('steps', 0);
    training = true;
    trainBtn.textContent = 'Pause';
    trainBtn.setAttribute('aria-pressed', 'true');
    waitingFor = -1;
    const tick = () => {
      if (!training) return;
      // Ask for more steps once the last request has been drawn (compute runs once per frame).
      if (r && st && (waitingFor < 0 || r.steps === waitingFor)) {
        if (st.steps >= 1000) { stopTraining(); return; }
        const inc = Math.max(1, Math.round(st.steps / 40));
        waitingFor = Math.min(1000, st.steps + inc);
        kit.set('steps', waitingFor);
      }
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
  }
  function stopTraining() {
    training = false;
    cancelAnimationFrame(raf);
    trainBtn.textContent = 'Train';
    trainBtn.setAttribute('aria-pressed', 'false');
  }

  // ---- drawing ------------------------------------------------------------------------------
  let shadeCache = null; // { prob, bitmap }
  let netShadeCache = null;

  function showInfo() {
    const i = hover >= 0 ? hover : selected;
    if (!r || i < 0 || i >= r.points.length) {
      info.textContent = 'Hover a point (or pick one with [ and ]) for its numbers.';
      delete info.dataset.index;
      return;
    }
    const [x1, x2, y] = r.points[i];
    info.dataset.index = String(i);
    const g = r.gradPoint[i];
    info.textContent = `Point ${i + 1}: x = (${x1}, ${x2}), y = ${y};  z = ${fmt(r.z[i])}, p = σ(z) = ${fmt(r.p[i])}, `
      + `L = ${fmt(r.losses[i])};  ∂L/∂z = ${fmt(r.dLdz[i])}${r.lossKind === 'log' ? ' = p − y' : ' = 2(p − y)p(1 − p)'}, `
      + `∂L/∂w = ∂L/∂z · x = (${fmt(g[0])}, ${fmt(g[1])}), ∂L/∂b = ${fmt(r.dLdz[i])}`;
    [...tbody.children].forEach((tr, k) => tr.classList.toggle('true-class', k === i));
  }

  function draw() {
    if (!r) return;
    const fitted = kit.fitCanvas(canvas, { aspect: 1 });
    if (!fitted) return;
    const { g, w, h } = fitted;
    frame = { w, h };
    const pal = palette(canvas);
    if (!shadeCache || shadeCache.prob !== r.pGrid) shadeCache = { prob: r.pGrid, bitmap: shadeBitmap(r.pGrid, r.gridN, pal) };
    g.imageSmoothingEnabled = true;
    g.drawImage(shadeCache.bitmap, 0, 0, w, h);
    // Axes.
    g.strokeStyle = pal.muted; g.lineWidth = 1; g.setLineDash([3, 4]);
    g.beginPath(); g.moveTo(X(0), 0); g.lineTo(X(0), h); g.moveTo(0, Y(0)); g.lineTo(w, Y(0)); g.stroke();
    g.setLineDash([]);
    g.font = pal.font; g.fillStyle = pal.muted; g.textBaseline = 'top';
    g.fillText(`x₁, x₂ ∈ [−${BOX}, ${BOX}]`, 6, 4);
    // The decision line and the arrow w.
    const seg = clipLine(r.w[0], r.w[1], r.b, BOX);
    if (seg) {
      g.strokeStyle = pal.fg; g.lineWidth = 2.5;
      g.beginPath(); g.moveTo(X(seg[0][0]), Y(seg[0][1])); g.lineTo(X(seg[1][0]), Y(seg[1][1])); g.stroke();
    } else {
      g.fillStyle = pal.fg; g.fillText('the line σ(z) = ½ is outside the picture', 6, 22);
    }
    const foot = footOf(r.w, r.b);
    const tip = [foot[0] + ARROW * r.w[0], foot[1] + ARROW * r.w[1]];
    const [fx, fy, tx, ty] = [X(foot[0]), Y(foot[1]), X(tip[0]), Y(tip[1])];
    g.strokeStyle = pal.fg; g.fillStyle = pal.fg; g.lineWidth = 2;
    g.beginPath(); g.moveTo(fx, fy); g.lineTo(tx, ty); g.stroke();
    const ang = Math.atan2(ty - fy, tx - fx);
    if (Math.hypot(tx - fx, ty - fy) > 4) {
      g.beginPath(); g.moveTo(tx, ty);
      g.lineTo(tx - 10 * Math.cos(ang - 0.4), ty - 10 * Math.sin(ang - 0.4));
      g.lineTo(tx - 10 * Math.cos(ang + 0.4), ty - 10 * Math.sin(ang + 0.4));
      g.closePath(); g.fill();
    }
    g.beginPath(); g.arc(tx, ty, 5, 0, 2 * Math.PI); g.strokeStyle = pal.panel; g.stroke();
    g.fillStyle = pal.fg; g.textBaseline = 'bottom';
    g.fillText('w', tx + 6, ty - 4);
    // The points.
    r.points.forEach((p, i) => drawPoint(g, X(p[0]), Y(p[1]), p[2], pal,
      { ring: i === hover || i === selected, wrong: (r.p[i] > 0.5 ? 1 : 0) !== p[2] }));
  }

  function drawNet() {
    if (!r) return;
    const fitted = kit.fitCanvas(netCanvas, { aspect: 1 });
    if (!fitted) return;
    const { g, w, h } = fitted;
    const pal = palette(netCanvas);
    const n = r.net;
    if (!netShadeCache || netShadeCache.prob !== n.prob) netShadeCache = { prob: n.prob, bitmap: shadeBitmap(n.prob, r.gridN, pal) };
    g.imageSmoothingEnabled = true;
    g.drawImage(netShadeCache.bitmap, 0, 0, w, h);
    const NX = (x) => ((x + BOX) / (2 * BOX)) * w, NY = (y) => h - ((y + BOX) / (2 * BOX)) * h;
    // The network's own boundary ŷ = 0 (solid), traced on the core's grid values.
    g.strokeStyle = pal.fg; g.lineWidth = 2.5;
    g.beginPath();
    for (const [a, b] of zeroContour(n.grid, r.gridN, r.gridX)) { g.moveTo(NX(a[0]), NY(a[1])); g.lineTo(NX(b[0]), NY(b[1])); }
    g.stroke();
    // The collapsed line A x1 + B x2 + C = 0 (dashed).
    const seg = clipLine(n.A, n.B, n.C, BOX);
    if (seg) {
      g.strokeStyle = pal.bad; g.lineWidth = 1.5; g.setLineDash([6, 5]);
      g.beginPath(); g.moveTo(NX(seg[0][0]), NY(seg[0][1])); g.lineTo(NX(seg[1][0]), NY(seg[1][1])); g.stroke();
      g.setLineDash([]);
    }
    r.points.forEach((p, i) => drawPoint(g, NX(p[0]), NY(p[1]), p[2], pal, { wrong: (n.yhat[i] > 0 ? 1 : 0) !== p[2] }));
    g.font = pal.font; g.fillStyle = pal.muted; g.textBaseline = 'top';
    g.fillText('solid: ŷ = 0;  dashed: A x₁ + B x₂ + C = 0', 6, 4);
  }

  function drawCharts() {
    const c = r.curve.loss;
    lossChart.xmax = Math.max(10, r.steps);
    lossChart.ymax = niceMax(Math.max(...c.filter(Number.isFinite), 1e-3));
    lossChart.set({ series: [{ points: c.map((v, k) => [k, v]) }], markers: [{ x: r.steps, y: r.loss, label: `step ${r.steps}: ${fmt(r.loss)}` }] });

    const pal = palette(zCanvas);
    const z = r.zCurve.z;
    const cur = r.lossKind;
    const series = [];
    for (const kind of ['log', 'mse']) {
      for (const y of [1, 0]) {
        series.push({ points: z.map((v, i) => [v, r.zCurve[kind][`y${y}`].grad[i]]), color: rgb(y ? pal.one : pal.zero),
          width: kind === cur ? 3 : 1.5, dash: kind === 'mse' ? [6, 4] : [] });
      }
    }
    zChart.set({ series, markers: r.points.map((p, i) => ({ x: clamp(r.z[i], -8, 8), y: r.dLdz[i], color: rgb(p[2] ? pal.one : pal.zero) })) });
    zLegend.textContent = `Solid: log loss, ∂L/∂z = p − y. Dashed: MSE, ∂L/∂z = 2(p − y)·p(1 − p). Blue: class 1, orange: class 0. The thick pair is the loss in use (${cur === 'log' ? 'log loss' : 'MSE'}); the dots are the points (per point, before the mean over the ${r.points.length} points).`;
    const i6 = z.findIndex((v) => Math.abs(v + 6) < 1e-9);
    zNumbers.replaceChildren('At z = −6 with y = 1 (confidently wrong): log loss ',
      el('output', { 'data-name': 'z6-log', 'data-value': String(r.zCurve.log.y1.grad[i6]) }, fmt(r.zCurve.log.y1.grad[i6])),
      ', MSE ', el('output', { 'data-name': 'z6-mse', 'data-value': String(r.zCurve.mse.y1.grad[i6]) }, fmt(r.zCurve.mse.y1.grad[i6])), '.');
  }

  const cell = (name, v, text = fmt(v)) => el('td', { 'data-name': name, 'data-value': String(v) }, text);

  function updateTable() {
    tbody.replaceChildren(...r.points.map((p, i) => el('tr', { class: i === (hover >= 0 ? hover : selected) ? 'true-class' : '' },
      el('th', { scope: 'row' }, String(i + 1)),
      cell(`x1-${i}`, p[0], String(p[0])), cell(`x2-${i}`, p[1], String(p[1])), cell(`y-${i}`, p[2], String(p[2])),
      cell(`z-${i}`, r.z[i]), cell(`p-${i}`, r.p[i]), cell(`loss-${i}`, r.losses[i]), cell(`dz-${i}`, r.dLdz[i]),
      cell(`gw1-${i}`, r.gradPoint[i][0]), cell(`gw2-${i}`, r.gradPoint[i][1]))));
  }

  let lastNetKey = '';
  function updateNet() {
    const n = r.net;
    const key = JSON.stringify([n.W1, n.W2, n.b, n.act, n.A, n.B, n.C, n.maxDev, n.correct, r.points.length]);
    drawNet(); // the points move on it too
    if (key === lastNetKey) return;
    lastNetKey = key;
    const ws = n.W1.flat();
    const sub = '₀₁₂₃₄₅₆₇₈₉';
    const named = (name, k, v, tag = 'td') => el(tag, { 'data-name': `${name}-${k}`, 'data-value': String(v) }, `${name === 'nw' ? 'w' : 'b'}${sub[k + 1]} = ${v}`);
    const row = (label, cells) => el('tr', {}, el('th', { scope: 'row' }, label), ...cells);
    netBody.replaceChildren(
      row('N₁', [named('nw', 0, ws[0]), named('nw', 1, ws[1]), named('nb', 0, n.b[0])]),
      row('N₂', [named('nw', 2, ws[2]), named('nw', 3, ws[3]), named('nb', 1, n.b[1])]),
      row('N₃', [named('nw', 4, ws[4]), named('nw', 5, ws[5]), named('nb', 2, n.b[2])]));
    outLine.replaceChildren('Output: ŷ = w₇N₁ + w₈N₂ + w₉N₃ + b₄ with ', named('nw', 6, n.W2[0], 'output'), ', ', named('nw', 7, n.W2[1], 'output'), ', ',
      named('nw', 8, n.W2[2], 'output'), ', ', named('nb', 3, n.b[3], 'output'), n.act === 'none' ? ' (no activation anywhere).' : ` (${n.act} on N₁, N₂, N₃).`);
    const [w1, w2, w3, w4, w5, w6] = ws;
    const [w7, w8, w9] = n.W2;
    const par = (v) => (v < 0 ? `(${v})` : String(v));
    const termLine = (name, sym, parts, terms, value, extra = '') => el('p', {},
      `${name} = ${sym} = ${parts} = ${sumText(terms)}${extra} = `,
      el('strong', { 'data-name': name, 'data-value': String(value) }, fmt(value)));
    collapse.replaceChildren(
      el('p', {}, 'Multiplied out (each product by the core; A and B as the matrix product W₂W₁, C as W₂b + b₄):'),
      termLine('A', 'w₇w₁ + w₈w₃ + w₉w₅', `${par(w7)}·${par(w1)} + ${par(w8)}·${par(w3)} + ${par(w9)}·${par(w5)}`, n.terms.A, n.A),
      termLine('B', 'w₇w₂ + w₈w₄ + w₉w₆', `${par(w7)}·${par(w2)} + ${par(w8)}·${par(w4)} + ${par(w9)}·${par(w6)}`, n.terms.B, n.B),
      termLine('C', 'w₇b₁ + w₈b₂ + w₉b₃ + b₄', `${par(w7)}·${par(n.b[0])} + ${par(w8)}·${par(n.b[1])} + ${par(w9)}·${par(n.b[2])} + ${par(n.b[3])}`,
        n.terms.C, n.C, `${n.b[3] < 0 ? ' − ' : ' + '}${fmt(Math.abs(n.b[3]))}`),
      el('p', { class: 'big' }, `Without an activation: ŷ = ${fmt(n.A)} x₁ ${n.B < 0 ? '−' : '+'} ${fmt(Math.abs(n.B))} x₂ ${n.C < 0 ? '−' : '+'} ${fmt(Math.abs(n.C))}`));
    const devOut = el('output', { 'data-name': 'max-dev', 'data-value': String(n.maxDev) }, fmt(n.maxDev));
    netNote.replaceChildren(`Largest |ŷ − (A x₁ + B x₂ + C)| over the picture: `, devOut,
      n.act === 'none'
        ? '. Up to float32 rounding the network IS that plane, so its boundary is the dashed line, whatever the thirteen numbers. Pick an activation in the settings to break the collapse.'
        : `. With ${n.act} between the layers the products no longer collect into A, B, C: the boundary bends away from the dashed line.`,
      ` The network puts ${n.correct} of ${r.points.length} points on the right side.`);
  }

  const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(() => requestAnimationFrame(() => { draw(); drawNet(); })) : null;
  resize?.observe(canvas);
  resize?.observe(netCanvas);
  const mq = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  const onScheme = () => { shadeCache = null; netShadeCache = null; draw(); drawNet(); };
  mq?.addEventListener?.('change', onScheme);

  return {
    update(result, state) {
      r = result;
      st = state;
      livePoints = null;
      if (selected >= r.points.length) selected = -1;
      if (hover >= r.points.length) hover = -1;
      setOut(o.w1, r.w[0]); setSigned(signW2, o.w2, r.w[1]); setSigned(signB, o.b, r.b);
      setOut(o.step, r.steps, String(r.steps));
      setOut(o.loss, r.loss); setOut(o.other, r.otherLoss);
      setOut(o.correct, r.correct, `${r.correct} of ${r.points.length} points`);
      lossName.textContent = r.lossKind === 'log' ? 'Log loss' : 'MSE';
      otherName.textContent = r.lossKind === 'log' ? 'MSE would be' : 'log loss would be';
      setOut(o.gw1, r.gradW[0]); setOut(o.gw2, r.gradW[1]); setOut(o.gb, r.gradB);
      const g1 = r.gradW[0] < 0 ? `(${fmt(r.gradW[0])})` : fmt(r.gradW[0]);
      setOut(o.nw1, r.next.w[0], `${fmt(r.w[0])} − ${r.lr} × ${g1} = ${fmt(r.next.w[0])}`);
      setOut(o.nw2, r.next.w[1]); setOut(o.nb, r.next.b);
      stepBtn.disabled = r.steps >= 1000;
      if (training && r.steps >= 1000) stopTraining();
      updateTable();
      showInfo();
      draw();
      drawCharts();
      updateNet();
    },
    destroy() {
      stopTraining();
      resize?.disconnect();
      mq?.removeEventListener?.('change', onScheme);
    },
  };
}
