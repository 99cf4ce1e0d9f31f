// The gan lesson's view (page only): the plane (D's heatmap, real and generated samples, the
// manifold, the gradient arrows, the modes and their coverage; a drawing surface for the drawn
// target), or the 1-D line, or the digits' sample grid; the losses over time; |∂L_G/∂a| against
// D(G(z)) for both generator losses with the current samples on the curves; a timeline of frames.
// Training runs in the worker (kit.session); every number shown comes from its snapshots.
import { fmt } from '../format.mjs';
import { adamDefaults, initDefaults } from '../convention.mjs';
import { DOMAIN, DOMAIN1, HEAT, CURVE, MAX_DRAWN, Z_RANGE, drawnText, parseDrawn, sampleMean } from './lesson.mjs';

const rgb = (c) => {
  const m = /^#([0-9a-f]{6})$/i.exec(String(c).trim());
  if (m) { const n = parseInt(m[1], 16); return [(n >> 16) & 255, (n >> 8) & 255, n & 255]; }
  const r = /rgba?\(([^)]+)\)/.exec(String(c));
  return r ? r[1].split(',').slice(0, 3).map((v) => Number(v)) : [128, 128, 128];
};
const round2 = (v) => Math.round(v * 100) / 100;

export function mount(root, kit) {
  const { el, session } = kit;
  let status = { playing: false, done: false };
  let snap = null;
  let state = null;
  let drawing = null;  // points being drawn (before kit.set)
  let cursor = { x: 0, y: 0, shown: false };
  let loadTimer = null;
  let pointsNow = null;  // the drawn points as last set (the state follows on the next update)

  const cell = (name) => el('span', { 'data-name': name, 'data-value': '' }, '–');
  const setCell = (node, v, text = fmt(v)) => { node.textContent = text; node.dataset.value = String(v); };

  const playBtn = el('button', { type: 'button', 'data-name': 'play' }, 'Play');
  const stepBtn = el('button', { type: 'button', 'data-name': 'step', title: 'One iteration: the D steps, then the G steps' }, 'Step');
  const resetBtn = el('button', { type: 'button', 'data-name': 'reset', title: 'Start again from the seed' }, 'Reset');
  const progress = el('progress', { max: '1', value: '0', 'aria-label': 'iterations run', style: 'flex:1 1 8rem;align-self:center' });
  const statusLine = el('p', { class: 'big', 'data-name': 'status' });
  const failLine = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'failure' });
  const notice = el('p', { class: 'note', role: 'status', hidden: true, 'data-name': 'notice' });
  playBtn.addEventListener('click', () => (status.playing ? session.pause() : session.play()));
  stepBtn.addEventListener('click', () => session.step());
  resetBtn.addEventListener('click', () => session.reset());

  // ---- the main figure: the plane (2-D), the line (1-D) or the generated digits ------------------
  const plane = el('canvas', { role: 'img', tabindex: '0', 'data-name': 'plane', style: 'display:block;width:100%;max-width:460px;aspect-ratio:1;touch-action:none;',
    'aria-label': 'D(x) as shading, real samples, generated samples with arrows, the manifold; for the drawn target: click, drag or press Enter to add points' });
  const digitsCanvas = el('canvas', { role: 'img', 'data-name': 'fake-digits', style: 'display:none;width:100%;max-width:460px;aspect-ratio:1;image-rendering:pixelated;',
    'aria-label': 'generated digits from fixed noise, with D(G(z)) under each' });
  const figure = el('div', { 'data-figure': 'drag', style: 'touch-action:none' }, plane, digitsCanvas);
  const legend = el('p', { class: 'note', 'data-name': 'legend' });
  const coverage = el('p', {}, 'Modes covered: ', cell('coverage'), el('span', { 'data-name': 'coverage-counts', class: 'note' }));
  const clearBtn = el('button', { type: 'button', 'data-name': 'clear-drawing', hidden: true }, 'Clear drawing');
  clearBtn.addEventListener('click', () => setPoints([]));
  const drawNote = el('p', { class: 'note', hidden: true, 'data-name': 'draw-note' },
    'Draw the target: click or drag on the plane; keyboard: arrow keys move the cross (Shift: faster), Enter adds a point, Backspace removes the last.');
  const timeline = el('input', { type: 'range', min: '0', max: '0', step: '1', value: '0', 'aria-label': 'frame to look back at', 'data-name': 'timeline', style: 'width:100%' });
  const timelineLabel = el('p', { class: 'note', 'data-name': 'timeline-label' });
  const liveBtn = el('button', { type: 'button', 'data-name': 'live' }, 'Back to now');
  timeline.addEventListener('input', () => session.command('scrub', { frame: Number(timeline.value) }));
  liveBtn.addEventListener('click', () => session.command('scrub', { frame: null }));

  // ---- charts ---------------------------------------------------------------------------------
  const chart = (label, o = {}) => {
    const c = el('canvas', { class: 'chart', role: 'img', 'aria-label': label });
    return { canvas: c, chart: new kit.LineChart(c, o) };
  };
  const lossC = chart('L_D and L_G per iteration', { xlabel: 'iteration' });
  const dC = chart('mean D on real and on generated samples per iteration', { ymin: 0, ymax: 1, xlabel: 'iteration' });
  const gradC = chart('|∂L_G/∂a| against D(G(z)) for the minimax and non-saturating losses, the current samples on them', { xmin: 0, xmax: 1, ymin: 0, ymax: 1, xlabel: 'D(G(z))', ylabel: '|∂L_G/∂a|' });
  const lossLegend = el('p', { class: 'note' });
  const dLegend = el('p', { class: 'note' });
  const gradLegend = el('p', { class: 'note' });
  const gradMm = cell('grad-minimax');
  const gradNs = cell('grad-nonsaturating');

  // ---- numbers ---------------------------------------------------------------------------------
  const nums = { dLoss: cell('d-loss'), gLoss: cell('g-loss'), dReal: cell('d-real'), dFake: cell('d-fake'), gParams: cell('g-params'), dParams: cell('d-params'), mean: cell('fake-mean') };
  const meanLine = el('p', { hidden: true }, 'Mean of the generated samples: ', nums.mean);
  const convNote = el('p', { class: 'note convention-note', 'data-name': 'convention-note' });

  const realDigits = el('canvas', { role: 'img', 'data-name': 'real-digits', style: 'display:block;width:100%;max-width:460px;image-rendering:pixelated;', 'aria-label': 'real digits with D(x) under each' });
  const manifoldDigits = el('canvas', { role: 'img', 'data-name': 'manifold-digits', style: 'display:block;width:100%;max-width:460px;aspect-ratio:1;image-rendering:pixelated;', 'aria-label': 'G over an 8 × 8 grid of (z1, z2)' });
  const digitsPanel = el('div', { class: 'panel', hidden: true }, el('h3', {}, 'Real digits and D\'s verdict'), realDigits,
    el('h3', {}, 'The manifold: G over a grid of (z₁, z₂)'), manifoldDigits, el('p', { class: 'note', 'data-name': 'manifold-note' }));

  const panel = (title, ...kids) => el('div', { class: 'panel' }, el('h3', {}, title), ...kids);
  // The game, its controls and the two loss panels stack in one grid cell: the long settings
  // column beside them then stretches no gap between the controls and the figure.
  root.append(
    el('div', { style: 'display:grid;gap:1rem;align-content:start;min-width:0' },
      el('div', { class: 'panel' }, el('h3', {}, 'The game'), el('div', { class: 'buttons' }, playBtn, stepBtn, resetBtn, progress), statusLine, failLine, notice,
        figure, legend, coverage, el('div', { class: 'buttons' }, clearBtn), drawNote, timeline, el('div', { class: 'buttons' }, liveBtn), timelineLabel),
      panel('Losses', lossC.canvas, lossLegend, el('p', {}, 'L_D = ', nums.dLoss, ', L_G = ', nums.gLoss)),
      panel('What D says', dC.canvas, dLegend, el('p', {}, 'mean D(x) on real ', nums.dReal, ', on generated ', nums.dFake), meanLine)),
    panel('Why the minimax loss stalls', gradC.canvas, gradLegend,
      el('p', {}, 'Mean |∂L_G/∂a| on the shown samples: minimax ', gradMm, ', non-saturating ', gradNs)),
    digitsPanel,
    panel('The networks', el('p', {}, 'Parameters: generator ', nums.gParams, ', discriminator ', nums.dParams), convNote),
  );

  // ---- drawing the target (pointer and keyboard) --------------------------------------------------
  const canDraw = () => state?.target === 'drawn';
  const toData = (ev) => {
    const r = plane.getBoundingClientRect();
    const x = -DOMAIN + ((ev.clientX - r.left) / r.width) * 2 * DOMAIN;
    const y = DOMAIN - ((ev.clientY - r.top) / r.height) * 2 * DOMAIN;
    return Math.abs(x) <= DOMAIN && Math.abs(y) <= DOMAIN ? { x: round2(x), y: round2(y) } : null;
  };
  const setPoints = (pts) => { pointsNow = pts; kit.set('points', drawnText(pts)); };
  const commit = () => {
    if (drawing) setPoints(drawing.slice(0, 2 * MAX_DRAWN));
    drawing = null;
  };
  const addPoint = (list, p) => { if (list.length < 2 * MAX_DRAWN) list.push(p.x, p.y); };
  plane.addEventListener('pointerdown', (ev) => {
    if (!canDraw()) return;
    const p = toData(ev);
    if (!p) return;
    plane.setPointerCapture(ev.pointerId);
    drawing = [...(pointsNow ?? [])];
    addPoint(drawing, p);
    draw();
  });
  plane.addEventListener('pointermove', (ev) => {
    if (!drawing) return;
    const p = toData(ev);
    if (!p) return;
    const n = drawing.length;
    if (Math.hypot(p.x - drawing[n - 2], p.y - drawing[n - 1]) >= 0.25) { addPoint(drawing, p); draw(); }
  });
  plane.addEventListener('pointerup', commit);
  plane.addEventListener('pointercancel', commit);
  plane.addEventListener('keydown', (ev) => {
    if (!canDraw()) return;
    const d = ev.shiftKey ? 0.5 : 0.1;
    const move = { ArrowLeft: [-d, 0], ArrowRight: [d, 0], ArrowUp: [0, d], ArrowDown: [0, -d] }[ev.key];
    if (move) {
      cursor = { x: round2(Math.max(-DOMAIN, Math.min(DOMAIN, cursor.x + move[0]))), y: round2(Math.max(-DOMAIN, Math.min(DOMAIN, cursor.y + move[1]))), shown: true };
      ev.preventDefault();
      draw();
    } else if (ev.key === 'Enter' || ev.key === ' ') {
      const pts = [...(pointsNow ?? [])];
      addPoint(pts, cursor);
      cursor.shown = true;
      setPoints(pts);
      ev.preventDefault();
    } else if (ev.key === 'Backspace') {
      setPoints((pointsNow ?? []).slice(0, -2));
      ev.preventDefault();
    }
  });

  // ---- drawing ---------------------------------------------------------------------------------
  function arrow(g, x0, y0, x1, y1) {
    const a = Math.atan2(y1 - y0, x1 - x0);
    const l = Math.hypot(x1 - x0, y1 - y0);
    if (l < 1) return;
    g.beginPath(); g.moveTo(x0, y0); g.lineTo(x1, y1);
    const h = Math.min(5, l / 2);
    g.moveTo(x1, y1); g.lineTo(x1 - h * Math.cos(a - 0.5), y1 - h * Math.sin(a - 0.5));
    g.moveTo(x1, y1); g.lineTo(x1 - h * Math.cos(a + 0.5), y1 - h * Math.sin(a + 0.5));
    g.stroke();
  }

  // D(x) > ½ shades toward the real samples' colour, D(x) < ½ toward the generated ones'.
  function heatImage(values, cols, rows, col) {
    const a = rgb(col.panel);
    const real = rgb(col.series[0]);
    const fake = rgb(col.series[1]);
    const img = new ImageData(cols, rows);
    for (let i = 0; i < cols * rows; i++) {
      const t = 0.5 * Math.abs(2 * values[i] - 1);
      const b = values[i] >= 0.5 ? real : fake;
      for (let k = 0; k < 3; k++) img.data[4 * i + k] = Math.round(a[k] + (b[k] - a[k]) * t);
      img.data[4 * i + 3] = 255;
    }
    const off = new OffscreenCanvas(cols, rows);
    off.getContext('2d').putImageData(img, 0, 0);
    return off;
  }

  function draw2d(g, w, h, s, col) {
    const X = (v) => ((v + DOMAIN) / (2 * DOMAIN)) * w;
    const Y = (v) => ((DOMAIN - v) / (2 * DOMAIN)) * h;
    const [cReal, cFake, cMan] = col.series;
    if (s.heat) {
      g.imageSmoothingEnabled = true;
      g.drawImage(heatImage(s.heat, HEAT, HEAT, col), 0, 0, w, h);
    }
    g.strokeStyle = col.grid;
    g.lineWidth = 1;
    g.beginPath(); g.moveTo(X(0), 0); g.lineTo(X(0), h); g.moveTo(0, Y(0)); g.lineTo(w, Y(0)); g.stroke();
    // The manifold: G over the noise grid, its rows and columns joined.
    if (state.manifold && s.manifold) {
      const m = s.manifold;
      const side = s.manifoldSide;
      g.strokeStyle = cMan;
      g.globalAlpha = 0.55;
      g.lineWidth = 1;
      if (s.noise === 1) {
        g.beginPath();
        for (let i = 0; i < side; i++) (i ? g.lineTo : g.moveTo).call(g, X(m[2 * i]), Y(m[2 * i + 1]));
        g.stroke();
      } else {
        for (let r = 0; r < side; r++) {
          g.beginPath();
          for (let c = 0; c < side; c++) { const i = r * side + c; (c ? g.lineTo : g.moveTo).call(g, X(m[2 * i]), Y(m[2 * i + 1])); }
          g.stroke();
          g.beginPath();
          for (let c = 0; c < side; c++) { const i = c * side + r; (c ? g.lineTo : g.moveTo).call(g, X(m[2 * i]), Y(m[2 * i + 1])); }
          g.stroke();
        }
      }
      g.globalAlpha = 1;
    }
    const dot = (x, y, r, fill) => { g.beginPath(); g.arc(X(x), Y(y), r, 0, 2 * Math.PI); g.fillStyle = fill; g.fill(); };
    if (s.real) for (let i = 0; i < s.real.length; i += 2) dot(s.real[i], s.real[i + 1], 2.2, cReal);
    if (s.fake) for (let i = 0; i < s.fake.length; i += 2) dot(s.fake[i], s.fake[i + 1], 2.6, cFake);
    // The arrows: −∂L_G/∂x, scaled so the longest is 0.6 units.
    if (state.arrows && s.grad) {
      let big = 0;
      for (let i = 0; i < s.grad.length; i += 2) big = Math.max(big, Math.hypot(s.grad[i], s.grad[i + 1]));
      if (big > 0) {
        const k = 0.6 / big;
        g.strokeStyle = col.fg;
        g.lineWidth = 1;
        g.globalAlpha = 0.7;
        for (let i = 0; i < s.grad.length; i += 4) {
          arrow(g, X(s.fake[i]), Y(s.fake[i + 1]), X(s.fake[i] - k * s.grad[i]), Y(s.fake[i + 1] - k * s.grad[i + 1]));
        }
        g.globalAlpha = 1;
      }
    }
    // The modes: a cross each, ringed when covered.
    if (s.centres && s.coverage && s.viewFrame === null) {
      const rr = (s.coverageRadius / (2 * DOMAIN)) * w;
      for (let j = 0; j < s.centres.length / 2; j++) {
        const x = X(s.centres[2 * j]), y = Y(s.centres[2 * j + 1]);
        const covered = s.coverage.counts[j] > 0 && s.coverage.counts[j] >= 0.25 * (s.fake.length / 2) / s.coverage.k;
        g.strokeStyle = covered ? col.good : col.bad;
        g.lineWidth = 1.5;
        g.beginPath(); g.moveTo(x - 4, y); g.lineTo(x + 4, y); g.moveTo(x, y - 4); g.lineTo(x, y + 4); g.stroke();
        g.beginPath(); g.arc(x, y, Math.max(4, rr), 0, 2 * Math.PI); g.setLineDash(covered ? [] : [3, 3]); g.stroke(); g.setLineDash([]);
      }
    }
    // The drawing being made, and the keyboard cross.
    const pts = drawing ?? (canDraw() ? pointsNow : null);
    if (pts) {
      g.strokeStyle = col.accent;
      g.lineWidth = 1.5;
      for (let i = 0; i < pts.length; i += 2) { g.beginPath(); g.arc(X(pts[i]), Y(pts[i + 1]), 3, 0, 2 * Math.PI); g.stroke(); }
    }
    if (canDraw() && cursor.shown) {
      g.strokeStyle = col.fg;
      g.lineWidth = 1;
      const x = X(cursor.x), y = Y(cursor.y);
      g.beginPath(); g.moveTo(x - 7, y); g.lineTo(x + 7, y); g.moveTo(x, y - 7); g.lineTo(x, y + 7); g.stroke();
    }
  }

  function draw1d(g, w, h, s, col) {
    const X = (v) => ((v + DOMAIN1) / (2 * DOMAIN1)) * w;
    const [cReal, cFake, cMan] = col.series;
    const top = h * 0.04, dBottom = h * 0.34;    // D(x) band
    const hTop = h * 0.38, hBottom = h * 0.7;    // histograms
    const zRow = h * 0.95, xRow = h * 0.74;      // manifold: z row -> x row
    g.fillStyle = col.muted;
    g.font = col.font;
    g.textBaseline = 'top';
    g.fillText('D(x)', 4, top);
    g.textAlign = 'right';
    g.fillText('1', w - 2, top);
    g.fillText('½', w - 2, (top + dBottom) / 2 - 6);
    g.fillText('0', w - 2, dBottom - 12);
    g.textAlign = 'left';
    g.strokeStyle = col.grid;
    for (const y of [top, (top + dBottom) / 2, dBottom]) { g.beginPath(); g.moveTo(0, y); g.lineTo(w - 14, y); g.stroke(); }
    if (s.heat) {
      g.strokeStyle = col.accent;
      g.lineWidth = 2;
      g.beginPath();
      for (let i = 0; i < CURVE; i++) {
        const x = X(-DOMAIN1 + (2 * DOMAIN1 * i) / (CURVE - 1));
        const y = dBottom - s.heat[i] * (dBottom - top);
        (i ? g.lineTo : g.moveTo).call(g, x, y);
      }
      g.stroke();
    }
    // Histograms of the shown real and generated samples (binned for drawing).
    const bins = 60;
    const hist = (a) => {
      const c = new Array(bins).fill(0);
      for (const v of a) { const b = Math.floor(((v + DOMAIN1) / (2 * DOMAIN1)) * bins); if (b >= 0 && b < bins) c[b] += 1; }
      return c;
    };
    const hr = hist(s.real), hf = hist(s.fake);
    const peak = Math.max(1, ...hr, ...hf);
    const bw = w / bins;
    g.globalAlpha = 0.5;
    hf.forEach((c, b) => { g.fillStyle = cFake; g.fillRect(b * bw, hBottom - (c / peak) * (hBottom - hTop), bw - 1, (c / peak) * (hBottom - hTop)); });
    g.globalAlpha = 1;
    g.strokeStyle = cReal;
    g.lineWidth = 2;
    g.beginPath();
    hr.forEach((c, b) => { const y = hBottom - (c / peak) * (hBottom - hTop); if (b) g.lineTo(b * bw, y); else g.moveTo(0, y); g.lineTo((b + 1) * bw, y); });
    g.stroke();
    // The manifold: each noise value z (bottom row, on [-2, 2] drawn at the same scale) joined to G(z).
    if (state.manifold && s.manifold) {
      const side = s.manifoldSide;
      const zs = s.noise === 1 ? Array.from({ length: side }, (_, i) => -Z_RANGE + (2 * Z_RANGE * i) / (side - 1)) : null;
      g.strokeStyle = cMan;
      g.globalAlpha = 0.5;
      g.lineWidth = 1;
      const n = s.noise === 1 ? side : side;  // noise ≥ 2: the grid's first row (z1 varies, z2 = +2) is used below
      for (let i = 0; i < n; i++) {
        const z = zs ? zs[i] : -Z_RANGE + (2 * Z_RANGE * i) / (side - 1);
        const x = s.noise === 1 ? s.manifold[i] : s.manifold[(Math.floor(side / 2)) * side + i];
        g.beginPath(); g.moveTo(X(z), zRow); g.lineTo(X(x), xRow); g.stroke();
      }
      g.globalAlpha = 1;
      g.fillStyle = col.muted;
      g.textBaseline = 'bottom';
      g.fillText(s.noise === 1 ? 'z' : 'z₁ (z₂ = 0)', 4, h - 2);
      g.textBaseline = 'top';
      g.textAlign = 'right';
      g.fillText('G(z)', w - 2, xRow + 2);
      g.textAlign = 'left';
    }
    // Arrows on a sample of the generated points, along the line.
    if (state.arrows && s.grad) {
      let big = 0;
      for (const v of s.grad) big = Math.max(big, Math.abs(v));
      if (big > 0) {
        const k = 0.5 / big;
        g.strokeStyle = col.fg;
        g.globalAlpha = 0.7;
        for (let i = 0; i < s.fake.length; i += 6) {
          const y = hBottom + 4 + (i % 5) * 2.5;
          arrow(g, X(s.fake[i]), y, X(s.fake[i] - k * s.grad[i]), y);
        }
        g.globalAlpha = 1;
      }
    }
    g.strokeStyle = col.grid;
    g.beginPath(); g.moveTo(0, hBottom); g.lineTo(w, hBottom); g.stroke();
    g.fillStyle = col.muted;
    g.textBaseline = 'top';
    for (let v = -4; v <= 4; v += 2) g.fillText(String(v), X(v) + 2, hBottom + 16);
  }

  // The generated samples' grid: 36 in 6 columns, each with its D(G(z)) under it.
  const FAKE_COUNT = 36, FAKE_COLS = 6, FAKE_ASPECT = FAKE_COLS / (Math.ceil(FAKE_COUNT / FAKE_COLS) * 1.25);
  function drawDigits(canvas, pixels, count, cols, side, labels, col) {
    const rows = Math.ceil(count / cols);
    const aspect = cols / (rows * (labels ? 1.25 : 1));
    canvas.style.aspectRatio = String(aspect);
    const fit = kit.fitCanvas(canvas, { aspect });
    if (!fit) return;
    const { g, w } = fit;
    const cell = w / cols;
    const bg = rgb(col.panel);
    const ink = rgb(col.fg);
    const off = new OffscreenCanvas(side, side);
    const octx = off.getContext('2d');
    g.imageSmoothingEnabled = false;
    g.font = col.font;
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (let i = 0; i < count; i++) {
      const img = new ImageData(side, side);
      for (let p = 0; p < side * side; p++) {
        const t = Math.max(0, Math.min(1, pixels[i * side * side + p]));
        for (let k = 0; k < 3; k++) img.data[4 * p + k] = Math.round(bg[k] + (ink[k] - bg[k]) * t);
        img.data[4 * p + 3] = 255;
      }
      octx.putImageData(img, 0, 0);
      const x = (i % cols) * cell, y = Math.floor(i / cols) * cell * (labels ? 1.25 : 1);
      g.drawImage(off, x + 2, y + 2, cell - 4, cell - 4);
      if (labels) { g.fillStyle = col.muted; g.fillText(labels[i], x + cell / 2, y + cell); }
    }
  }

  function draw() {
    if (!snap || !state) return;
    const col = kit.colors(root);
    if (snap.dim === 0) {
      if (!snap.fake) {
        // The digits are still loading: the canvases take their size now (blank, the generated
        // grid at the aspect it will have), so nothing is shown stretched from the default
        // 300 × 150 backing store meanwhile.
        digitsCanvas.style.aspectRatio = String(FAKE_ASPECT);
        kit.fitCanvas(digitsCanvas, { aspect: FAKE_ASPECT });
        for (const c of [realDigits, manifoldDigits]) kit.fitCanvas(c);
        return;
      }
      const side = snap.side;
      drawDigits(digitsCanvas, snap.fake, FAKE_COUNT, FAKE_COLS, side, Array.from(snap.dOfFake.slice(0, FAKE_COUNT), (v) => `D ${v.toFixed(2)}`), col);
      drawDigits(realDigits, snap.real, snap.dReal.length, 6, side, Array.from(snap.dReal, (v) => `D ${v.toFixed(2)}`), col);
      if (snap.noise >= 2 && state.manifold) drawDigits(manifoldDigits, snap.manifold, snap.manifoldSide ** 2, snap.manifoldSide, side, null, col);
      return;
    }
    const fit = kit.fitCanvas(plane, { aspect: snap.dim === 1 ? 1.4 : 1 });
    if (!fit) return;
    if (snap.dim === 2) draw2d(fit.g, fit.w, fit.h, snap, col);  // with a problem (no drawing yet): the empty plane to draw on
    else if (snap.fake) draw1d(fit.g, fit.w, fit.h, snap, col);
  }

  function update(s, st, stat) {
    snap = s;
    state = st;
    pointsNow = parseDrawn(st.points).points ?? [];
    status = stat ?? status;
    const col = kit.colors(root);
    const [c1, c2, c3] = col.series;
    playBtn.textContent = status.playing ? 'Pause' : 'Play';
    const p = status.progress ?? { value: s.it, total: s.iterations };
    progress.max = String(p.total || 1);
    progress.value = String(p.value);
    const msg = s.problem ?? s.failure;
    failLine.hidden = !msg;
    failLine.textContent = msg ?? '';
    notice.hidden = !status.notice;
    notice.textContent = status.notice ?? '';
    const images = s.dim === 0;
    plane.style.display = images ? 'none' : 'block';
    digitsCanvas.style.display = images ? 'block' : 'none';
    digitsPanel.hidden = !images;
    clearBtn.hidden = st.target !== 'drawn';
    drawNote.hidden = st.target !== 'drawn';
    plane.style.aspectRatio = s.dim === 1 ? '1.4' : '1';
    plane.style.maxWidth = s.dim === 1 ? '640px' : '460px';
    if (s.loading && !loadTimer && !s.failure) loadTimer = setTimeout(() => { loadTimer = null; session.command('load'); }, 150);
    Object.assign(statusLine.dataset, { it: String(s.it), playing: String(!!status.playing), mode: session.mode ?? '' });
    statusLine.dataset.value = String(s.it);
    statusLine.textContent = s.loading ? 'Loading the MNIST digits…'
      : `Iteration ${s.it} of ${s.iterations} (${st.dSteps} D step${st.dSteps > 1 ? 's' : ''}, then ${st.gSteps} G step${st.gSteps > 1 ? 's' : ''} each)${status.done && !msg ? ' · done' : ''}`;
    if (s.params) { setCell(nums.gParams, s.params.generator, String(s.params.generator)); setCell(nums.dParams, s.params.discriminator, String(s.params.discriminator)); }
    const ad = adamDefaults(st);
    convNote.textContent = `${initDefaults(st).note}. Adam (β₁ = 0.5): ${ad.note}. Both frameworks' BCE with logits is the same formula: Keras from_logits=True, PyTorch BCEWithLogitsLoss.`;
    if (!s.fake) {
      coverage.hidden = true;
      draw();
      return;
    }
    // Coverage.
    coverage.hidden = !s.coverage;
    if (s.coverage) {
      setCell(coverage.querySelector('[data-name="coverage"]'), s.coverage.covered, `${s.coverage.covered} of ${s.coverage.k}`);
      coverage.querySelector('[data-name="coverage-counts"]').textContent = ` (samples within ${fmt(s.coverageRadius)} of each mode: ${s.coverage.counts.join(', ')}; covered: at least a quarter of the fair share ${Number((s.fake.length / s.dim / s.coverage.k).toFixed(1))})`;
    }
    legend.replaceChildren(el('span', { style: `color:${c1};margin-right:1em` }, images ? '' : '● real'), el('span', { style: `color:${c2};margin-right:1em` }, images ? 'generated from fixed noise, D(G(z)) under each' : '● generated'),
      images ? '' : el('span', { style: `color:${c3};margin-right:1em` }, '━ manifold'), images ? '' : '→ −∂L_G/∂x (where G pushes each sample)', images ? '' : el('span', {}, s.dim === 2 ? ' · shading: D(x), toward real where D > ½, toward generated where D < ½' : ' · curve: D(x)'));
    // The timeline.
    const frames = s.frames ?? [];
    timeline.max = String(Math.max(0, frames.length - 1));
    if (document.activeElement !== timeline) timeline.value = String(s.viewFrame ?? Math.max(0, frames.length - 1));
    timelineLabel.textContent = s.viewFrame === null ? `Now: iteration ${s.it}. Drag back to see the game at any of the ${frames.length} kept frames (arrow keys step).`
      : `Showing iteration ${s.shownIt}${frames[s.viewFrame]?.covered !== null && frames[s.viewFrame]?.covered !== undefined ? ` (${frames[s.viewFrame].covered} modes covered then)` : ''}; training goes on.`;
    timelineLabel.dataset.value = String(s.shownIt);
    liveBtn.disabled = s.viewFrame === null;
    // Losses.
    const h = s.history;
    const pts = (a) => a.map((v, i) => [h.it[i], v]);
    lossC.chart.set({ series: [{ points: pts(h.dLoss), color: c1, width: 1.5 }, { points: pts(h.gLoss), color: c2, width: 1.5 },
      { points: h.it.length ? [[h.it[0], 2 * Math.log(2)], [h.it.at(-1), 2 * Math.log(2)]] : [], color: col.muted, width: 1, dash: [4, 4] }] });
    lossLegend.replaceChildren(el('span', { style: `color:${c1};margin-right:1em` }, '━ L_D'), el('span', { style: `color:${c2};margin-right:1em` }, '━ L_G'), el('span', {}, '┄ 2 log 2 = 1.386 (L_D when D = ½ everywhere)'));
    dC.chart.set({ series: [{ points: pts(h.dReal), color: c1, width: 1.5 }, { points: pts(h.dFake), color: c2, width: 1.5 }] });
    dLegend.replaceChildren(el('span', { style: `color:${c1};margin-right:1em` }, '━ mean D(x) on the real batch'), el('span', { style: `color:${c2}` }, '━ mean D(G(z)) on the generated batch'));
    if (s.now) {
      setCell(nums.dLoss, s.now.dLoss); setCell(nums.gLoss, s.now.gLoss); setCell(nums.dReal, s.now.dReal); setCell(nums.dFake, s.now.dFake);
    }
    meanLine.hidden = s.dim !== 1;
    if (s.dim === 1) setCell(nums.mean, sampleMean(s), `${fmt(sampleMean(s))}${st.target === 'gaussian1d' ? ` (target mean ${st.radius})` : ''}`);
    // The gradient against D(G(z)).
    const cv = s.curves;
    const mean = (a) => a.reduce((x, y) => x + Math.abs(y), 0) / a.length;
    if (!s.perSample) { draw(); return; }  // a diverged generator: the message says so
    setCell(gradMm, mean(s.perSample.minimax));
    setCell(gradNs, mean(s.perSample.nonsaturating));
    const markers = [];
    const stride = Math.max(1, Math.floor(s.dOfFake.length / 24));
    const form = st.gLoss;
    for (let i = 0; i < s.dOfFake.length; i += stride) markers.push({ x: s.dOfFake[i], y: Math.abs(s.perSample[form][i]), color: form === 'minimax' ? c1 : c2 });
    gradC.chart.set({ series: [{ points: cv.d.map((d, i) => [d, cv.minimax[i]]), color: c1, width: form === 'minimax' ? 2.5 : 1.2 },
      { points: cv.d.map((d, i) => [d, cv.nonsaturating[i]]), color: c2, width: form === 'nonsaturating' ? 2.5 : 1.2 }], markers });
    gradLegend.replaceChildren(el('span', { style: `color:${c1};margin-right:1em` }, '━ minimax: |∂/∂a log(1 − D)| = D'),
      el('span', { style: `color:${c2};margin-right:1em` }, '━ non-saturating: |∂/∂a (−log D)| = 1 − D'), el('span', {}, `● the shown samples under the ${form} loss in use`));
    const mn = digitsPanel.querySelector('[data-name="manifold-note"]');
    if (mn) mn.textContent = s.noise >= 2 ? 'z₁ left to right, z₂ top to bottom, each from −2 to 2 (the other noise coordinates 0).' : 'The manifold needs at least 2 noise dimensions.';
    draw();
  }

  const ro = new ResizeObserver(() => draw());
  ro.observe(plane);
  ro.observe(digitsCanvas);
  return { update, destroy() { ro.disconnect(); if (loadTimer) clearTimeout(loadTimer); snap = null; } };
}
