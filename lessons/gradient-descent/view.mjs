// The gradient-descent lesson's view (page only): mount(root, kit) builds the DOM once and returns
// { update(result, state), destroy() }; every number it shows comes from compute() in ./lesson.mjs
// (the view maps numbers to pixels and picks array entries, nothing more).
import { fmt } from '../format.mjs';
import { MAX_POINTS, COORD } from './lesson.mjs';

const dark = () => typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
const css = (node, name, fallback) => getComputedStyle(node).getPropertyValue(name).trim() || fallback;
const round2 = (v) => Math.round(v * 100) / 100;
const HIT = 12; // px: how close a pointer must be to grab a point

// Filled contour bands of log(1 + L - min) in GRID × GRID pixels (row 0 = lowest b, drawn at the bottom).
function contourImage(grid) {
  const { n, values } = grid;
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const img = new ImageData(n, n);
  const levels = 14;
  const scale = Math.log1p(Math.max(hi - lo, 1e-12));
  const d = dark();
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const v = values[r * n + c];
      const o = ((n - 1 - r) * n + c) * 4;
      const t = Number.isFinite(v) ? Math.log1p(v - lo) / scale : 1;
      const band = Math.min(levels - 1, Math.floor(t * levels)) / (levels - 1);
      const stripe = Math.floor(t * levels) % 2 ? 0.05 : 0;
      const k = d ? 0.14 + 0.42 * band - stripe : 0.97 - 0.5 * band + stripe;
      img.data[o] = Math.round(255 * Math.min(1, k * (0.8 + 0.45 * band)));
      img.data[o + 1] = Math.round(255 * Math.min(1, k * 0.96));
      img.data[o + 2] = Math.round(255 * Math.min(1, k * (1.2 - 0.45 * band)));
      img.data[o + 3] = 255;
    }
  }
  return img;
}

function arrow(g, x0, y0, x1, y1, color, width = 2, dash = []) {
  const len = Math.hypot(x1 - x0, y1 - y0);
  g.strokeStyle = color;
  g.fillStyle = color;
  g.lineWidth = width;
  g.setLineDash(dash);
  g.beginPath(); g.moveTo(x0, y0); g.lineTo(x1, y1); g.stroke();
  g.setLineDash([]);
  if (len < 4) return;
  const a = Math.atan2(y1 - y0, x1 - x0), h = Math.min(9, len / 2);
  g.beginPath();
  g.moveTo(x1, y1);
  g.lineTo(x1 - h * Math.cos(a - 0.4), y1 - h * Math.sin(a - 0.4));
  g.lineTo(x1 - h * Math.cos(a + 0.4), y1 - h * Math.sin(a + 0.4));
  g.closePath();
  g.fill();
}

export function mount(root, kit) {
  const { el, tex } = kit;
  let r = null;      // the last result
  let st = null;     // the last state
  const cell = (name, v, digits) => el('td', { 'data-name': name, 'data-value': String(v) }, fmt(v, digits));
  const out = (name) => el('output', { 'data-name': name });
  const setOut = (o, v, text) => { o.textContent = text ?? fmt(v); o.dataset.value = String(v); };
  const texIn = (node, s, display = false) => { tex(node, s, display); return node; };

  // ---- panel: the points and the line, with the step bar ------------------------------------------
  const dataCanvas = el('canvas', { 'data-figure': 'drag', tabindex: '0', role: 'img', 'data-name': 'data-plot',
    'aria-label': 'the points, the line and its residuals; drag a point, click to add one, double-click to remove; keys: [ and ] pick a point, arrows move it, + adds, Delete removes' });
  Object.assign(dataCanvas.style, { width: '100%', display: 'block', touchAction: 'none', cursor: 'crosshair' });
  const notice = el('p', { class: 'notice', role: 'status', 'data-name': 'gd-notice', hidden: true });
  const lineOut = el('p', { class: 'note', 'data-name': 'line' });
  const stepOut = out('step'), epochOut = out('epoch'), batchOut = out('batch-index'), modeOut = out('mode');
  const btn = (label, title) => el('button', { type: 'button', title, 'aria-label': title }, label);
  const first = btn('« Start', 'Back to the start (t = 0)'), back = btn('◀', 'One step back'), fwd = btn('▶', 'One step forward');
  const play = btn('Play', 'Play the path step by step'), last = btn('End »', 'The last step');
  play.dataset.name = 'play';
  fwd.dataset.name = 'step-forward';
  const stepBar = el('div', { class: 'buttons', role: 'group', 'aria-label': 'step through the path' }, first, back, play, fwd, last);
  const stepLine = el('p', {}, 'Step ', stepOut, ' · epoch ', epochOut, ' · batch ', batchOut, ' · ', modeOut);
  const keysHelp = el('p', { class: 'note' }, 'Drag a point; click empty space to add one; double-click a point to remove it. Keyboard: focus the plot, [ and ] pick a point, arrow keys move it (Shift: finer), + adds one, Delete removes it.');

  // ---- panel: the loss surface ------------------------------------------------------------------------
  const map = el('canvas', { tabindex: '0', role: 'img', 'data-name': 'surface',
    'aria-label': 'contour map of the MSE over (w, b) with the gradient-descent path; drag the start, or use the arrow keys' });
  Object.assign(map.style, { width: '100%', display: 'block', touchAction: 'none', cursor: 'crosshair', margin: '0 auto' });
  const gradLine = el('p', {}, '∇L at step t: (∂L/∂w, ∂L/∂b) = (', out('grad-w'), ', ', out('grad-b'), ')');
  const legend = el('p', { class: 'note' });
  const stopLine = el('p', { class: 'notice', 'data-name': 'stop', hidden: true });

  // ---- the learning rate against 2/λmax -------------------------------------------------------------
  const lrBar = el('canvas', { role: 'img', 'data-name': 'lr-bar', 'aria-label': 'the learning rate against 1/λmax and 2/λmax; click to set α' });
  Object.assign(lrBar.style, { width: '100%', display: 'block', cursor: 'pointer' });
  const thresholdOut = out('threshold'), verdictOut = el('strong', { 'data-name': 'verdict' });
  const hessOut = el('span'), eigMinOut = out('eig-min'), eigMaxOut = out('eig-max');
  const thresholdLine = el('p', {}, '2/λmax = ', thresholdOut, ': ', verdictOut);
  const hessLine = el('p', { class: 'note' }, hessOut, ' · λmin = ', eigMinOut, ', λmax = ', eigMaxOut);

  // The threshold also sits right under the learning-rate slider (the shell's control).
  const beside = el('p', { class: 'help', 'data-name': 'threshold-beside', 'aria-live': 'polite' });
  const lrControl = root.closest?.('.lesson')?.querySelector('.control[data-setting="lr"]');
  lrControl?.append(beside);

  // ---- loss against the step ----------------------------------------------------------------------
  const lossCanvas = el('canvas', { role: 'img', 'aria-label': 'the MSE against the step, log scale; epochs marked' });
  Object.assign(lossCanvas.style, { width: '100%', display: 'block' });

  // ---- the update at step t -----------------------------------------------------------------------
  const formulaW = el('div', { class: 'formula' },
    texIn(el('div'), '\\frac{\\partial L}{\\partial w} = \\frac{2}{|B|} \\sum_{i \\in B} (\\hat y_i - y_i)\\, x_i', true),
    texIn(el('div'), '\\frac{\\partial L}{\\partial b} = \\frac{2}{|B|} \\sum_{i \\in B} (\\hat y_i - y_i)', true));
  const tbody = el('tbody'), tfoot = el('tfoot');
  const heads = ['i', 'x_i', 'y_i', '\\hat y_i', '\\hat y_i - y_i', '(\\hat y_i - y_i)^2', '(\\hat y_i - y_i)\\,x_i', '\\text{in batch}'];
  const table = el('table', { class: 'numbers', 'aria-label': 'every point at step t' },
    el('thead', {}, el('tr', {}, ...heads.map((h) => texIn(el('th', { scope: 'col' }), h)))), tbody, tfoot);
  const updW = el('p', { 'data-name': 'update-w' }), updB = el('p', { 'data-name': 'update-b' });
  const gradCompare = el('p', { class: 'note', 'data-name': 'grad-compare' });
  const signLine = el('p', { 'data-name': 'sign' });

  // ---- epochs and steps ---------------------------------------------------------------------------
  const scheduleSummary = el('p', { 'data-name': 'schedule' });
  const scheduleBody = el('tbody');
  const scheduleTable = el('table', { class: 'numbers', 'aria-label': 'the batches of each epoch' }, scheduleBody);

  root.append(
    el('div', { class: 'panel' }, el('h3', {}, 'The points and the line ŷ = w·x + b'), notice, stepLine, stepBar, dataCanvas, lineOut, keysHelp),
    el('div', { class: 'panel' }, el('h3', {}, 'The loss surface L(w, b) and the path'), map, gradLine, legend, stopLine,
      el('h3', {}, 'The learning rate and 2/λmax'), lrBar, thresholdLine, hessLine),
    el('div', { class: 'panel wide' }, el('h3', {}, 'The update at step t (every number from the core)'), formulaW,
      signLine, updW, updB, gradCompare, el('div', { class: 'scroll' }, table)),
    el('div', { class: 'panel wide' }, el('h3', {}, 'Loss against the step (log scale; dots: each batch\'s own loss; dashed: L*)'), lossCanvas),
    el('div', { class: 'panel wide' }, el('h3', {}, 'Epochs and steps'), scheduleSummary, el('div', { class: 'scroll' }, scheduleTable)),
  );

  // ---- the data plot: coordinates, drawing, pointer and keys --------------------------------------
  let selected = 0;
  let drag = null; // { i, before: [x, y] }
  const dataFrame = () => {
    const rect = dataCanvas.getBoundingClientRect();
    const [x0, x1, y0, y1] = r.dataBox;
    return { rect, x0, x1, y0, y1, X: (x) => ((x - x0) / (x1 - x0)) * rect.width, Y: (y) => rect.height - ((y - y0) / (y1 - y0)) * rect.height };
  };
  const toData = (e) => {
    const f = dataFrame();
    const px = e.clientX - f.rect.left, py = e.clientY - f.rect.top;
    const inside = px >= 0 && py >= 0 && px <= f.rect.width && py <= f.rect.height;
    return { inside, x: f.x0 + (px / f.rect.width) * (f.x1 - f.x0), y: f.y1 - (py / f.rect.height) * (f.y1 - f.y0), px, py, f };
  };
  const pointAt = (e) => {
    const p = toData(e);
    let best = -1, bd = HIT;
    r.xs.forEach((x, i) => { const d = Math.hypot(p.f.X(x) - p.px, p.f.Y(r.ys[i]) - p.py); if (d < bd) { bd = d; best = i; } });
    return best;
  };
  let fresh = false; // a message said since the last update: it stays for that update
  const say = (text) => { notice.hidden = !text; notice.textContent = text ?? ''; fresh = Boolean(text); };
  const setPoints = (pts) => kit.set('points', pts);
  const movePoint = (i, x, y) => {
    const pts = [...st.points];
    pts[2 * i] = round2(Math.min(COORD, Math.max(-COORD, x)));
    pts[2 * i + 1] = round2(Math.min(COORD, Math.max(-COORD, y)));
    setPoints(pts);
  };
  const addPoint = (x, y) => {
    const n = st.points.length / 2;
    if (n >= MAX_POINTS) { say(`At most ${MAX_POINTS} points: remove one first (double-click it).`); return; }
    const full = st.batch >= n;
    setPoints([...st.points, round2(x), round2(y)]);
    if (full) kit.set('batch', Math.min(MAX_POINTS, n + 1)); // full batch stays full batch
    selected = n;
    say(null);
  };
  const removePoint = (i) => {
    const n = st.points.length / 2;
    if (n <= 2) { say('A line needs at least 2 points: this one stays.'); return; }
    setPoints(st.points.filter((_, k) => k !== 2 * i && k !== 2 * i + 1));
    selected = Math.min(selected, n - 2);
    say(null);
  };
  dataCanvas.addEventListener('pointerdown', (e) => {
    if (!r) return;
    e.preventDefault();
    dataCanvas.focus();
    const i = pointAt(e);
    if (i >= 0) {
      selected = i;
      drag = { i, before: [r.xs[i], r.ys[i]], off: false };
      dataCanvas.setPointerCapture?.(e.pointerId);
      drawData();
    }
  });
  // A click on empty space adds a point (the second click of a double-click adds none).
  let addedAt = -1e9;
  dataCanvas.addEventListener('click', (e) => {
    if (!r || e.detail > 1 || pointAt(e) >= 0) return;
    const p = toData(e);
    if (!p.inside) return;
    addedAt = performance.now();
    addPoint(p.x, p.y);
  });
  dataCanvas.addEventListener('pointermove', (e) => {
    if (!drag || !r) return;
    const p = toData(e);
    if (!p.inside) {
      // Off the plot: the point goes back where it was and the page says why.
      if (!drag.off) movePoint(drag.i, ...drag.before);
      drag.off = true;
      say(`Point ${drag.i + 1} was dragged off the plot, so it stays at (${fmt(drag.before[0], 2)}, ${fmt(drag.before[1], 2)}). To remove a point, double-click it.`);
      return;
    }
    if (drag.off) say(null);
    drag.off = false;
    movePoint(drag.i, p.x, p.y);
  });
  const endDrag = () => { drag = null; };
  dataCanvas.addEventListener('pointerup', endDrag);
  dataCanvas.addEventListener('pointercancel', endDrag);
  dataCanvas.addEventListener('dblclick', (e) => {
    if (!r) return;
    const i = pointAt(e);
    if (i >= 0 && performance.now() - addedAt > 600) removePoint(i); // not the point this double-click just added
  });
  dataCanvas.addEventListener('keydown', (e) => {
    if (!r) return;
    const n = r.xs.length;
    const step = e.shiftKey ? 0.01 : 0.1;
    const d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] }[e.key];
    selected = Math.min(selected, n - 1);
    if (d) {
      e.preventDefault();
      const [x0, x1, y0, y1] = r.dataBox;
      movePoint(selected, Math.min(x1, Math.max(x0, r.xs[selected] + d[0])), Math.min(y1, Math.max(y0, r.ys[selected] + d[1])));
    } else if (e.key === ']' || e.key === '[') {
      e.preventDefault();
      selected = (selected + (e.key === ']' ? 1 : n - 1)) % n;
      drawData();
    } else if (e.key === '+' || e.key === 'Insert') {
      e.preventDefault();
      const [x0, x1, y0, y1] = r.dataBox;
      addPoint((x0 + x1) / 2, (y0 + y1) / 2);
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      removePoint(selected);
    }
  });

  function drawData() {
    if (!r) return;
    const fitted = kit.fitCanvas(dataCanvas, { aspect: 0.75 });
    if (!fitted) return;
    const { g, w, h } = fitted;
    const [x0, x1, y0, y1] = r.dataBox;
    const X = (x) => ((x - x0) / (x1 - x0)) * w, Y = (y) => h - ((y - y0) / (y1 - y0)) * h;
    const fg = css(dataCanvas, '--fg', '#222'), muted = css(dataCanvas, '--muted', '#888'), grid = css(dataCanvas, '--grid', '#ddd');
    const accent = css(dataCanvas, '--accent', '#2563eb'), bad = css(dataCanvas, '--bad', '#c92a2a'), acc2 = css(dataCanvas, '--accent-2', '#d9480f');
    // Grid lines at the integers, axes through 0.
    g.lineWidth = 1;
    for (let v = Math.ceil(x0); v <= x1; v++) { g.strokeStyle = v === 0 ? muted : grid; g.beginPath(); g.moveTo(X(v), 0); g.lineTo(X(v), h); g.stroke(); }
    for (let v = Math.ceil(y0); v <= y1; v++) { g.strokeStyle = v === 0 ? muted : grid; g.beginPath(); g.moveTo(0, Y(v)); g.lineTo(w, Y(v)); g.stroke(); }
    g.font = `${Math.round(parseFloat(getComputedStyle(dataCanvas).fontSize) * 0.8) || 12}px sans-serif`;
    g.fillStyle = muted;
    g.textBaseline = 'top';
    g.fillText(`x ∈ [${fmt(x0, 1)}, ${fmt(x1, 1)}], y ∈ [${fmt(y0, 1)}, ${fmt(y1, 1)}]`, 6, 4);
    // The least-squares line (dashed) and the line at step t: ŷ = w·x + b, drawn through the box's edges.
    if (r.stats.unique) {
      g.strokeStyle = muted; g.setLineDash([5, 5]); g.lineWidth = 1.5;
      g.beginPath(); g.moveTo(X(x0), Y(r.stats.wOpt * x0 + r.stats.bOpt)); g.lineTo(X(x1), Y(r.stats.wOpt * x1 + r.stats.bOpt)); g.stroke();
      g.setLineDash([]);
    }
    // Residuals: from each point to ŷ_i (the core's prediction); a mini-batch's points stand out.
    const inBatch = new Set(r.mode === 'full' ? [] : r.batch);
    r.xs.forEach((x, i) => {
      g.strokeStyle = bad; g.lineWidth = inBatch.has(i) ? 3 : 1.5;
      g.beginPath(); g.moveTo(X(x), Y(r.ys[i])); g.lineTo(X(x), Y(r.all.pred[i])); g.stroke();
    });
    g.strokeStyle = accent; g.lineWidth = 2.5;
    g.beginPath(); g.moveTo(X(x0), Y(r.w * x0 + r.b)); g.lineTo(X(x1), Y(r.w * x1 + r.b)); g.stroke();
    // The points: the current batch filled in the second accent, the selected one ringed.
    r.xs.forEach((x, i) => {
      g.fillStyle = inBatch.has(i) ? acc2 : fg;
      g.beginPath(); g.arc(X(x), Y(r.ys[i]), inBatch.has(i) ? 6 : 5, 0, 2 * Math.PI); g.fill();
      if (i === selected && document.activeElement === dataCanvas) {
        g.strokeStyle = accent; g.lineWidth = 2;
        g.beginPath(); g.arc(X(x), Y(r.ys[i]), 10, 0, 2 * Math.PI); g.stroke();
      }
      g.fillStyle = muted; g.textBaseline = 'bottom';
      g.fillText(String(i + 1), X(x) + 7, Y(r.ys[i]) - 4);
    });
  }
  dataCanvas.addEventListener('focus', () => drawData());
  dataCanvas.addEventListener('blur', () => drawData());

  // ---- the surface: drawing, dragging the start --------------------------------------------------
  let bitmap = null; // { grid, canvas }
  let mapDrag = false;
  const toWB = (e) => {
    const rect = map.getBoundingClientRect();
    const [w0, w1, b0, b1] = r.box;
    const w = w0 + ((e.clientX - rect.left) / rect.width) * (w1 - w0);
    const b = b1 - ((e.clientY - rect.top) / rect.height) * (b1 - b0);
    return [Math.min(w1, Math.max(w0, w)), Math.min(b1, Math.max(b0, b))];
  };
  const setStart = (w, b) => { kit.set('w0', round2(w)); kit.set('b0', round2(b)); };
  map.addEventListener('pointerdown', (e) => {
    if (!r) return;
    e.preventDefault();
    mapDrag = true;
    map.setPointerCapture?.(e.pointerId);
    setStart(...toWB(e));
  });
  map.addEventListener('pointermove', (e) => { if (mapDrag && r) setStart(...toWB(e)); });
  map.addEventListener('pointerup', () => { mapDrag = false; });
  map.addEventListener('pointercancel', () => { mapDrag = false; });
  map.addEventListener('keydown', (e) => {
    if (!r) return;
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
    if (!d) return;
    e.preventDefault();
    const [w0, w1, b0, b1] = r.box;
    const k = e.shiftKey ? 0.01 : 0.1;
    setStart(Math.min(w1, Math.max(w0, r.start[0] + d[0] * k)), Math.min(b1, Math.max(b0, r.start[1] + d[1] * k)));
  });

  function drawMap() {
    if (!r) return;
    const maxW = Math.max(240, 0.62 * (globalThis.innerHeight || 800));
    map.style.maxWidth = `${Math.round(maxW)}px`;
    const fitted = kit.fitCanvas(map, { aspect: (r.box[3] - r.box[2]) / (r.box[1] - r.box[0]) });
    if (!fitted) return;
    const { g, w, h } = fitted;
    const [w0, w1, b0, b1] = r.box;
    const X = (v) => ((v - w0) / (w1 - w0)) * w, Y = (v) => h - ((v - b0) / (b1 - b0)) * h;
    if (!bitmap || bitmap.grid !== r.grid) {
      const c = document.createElement('canvas');
      c.width = r.grid.n; c.height = r.grid.n;
      c.getContext('2d').putImageData(contourImage(r.grid), 0, 0);
      bitmap = { grid: r.grid, canvas: c };
    }
    g.imageSmoothingEnabled = true;
    g.drawImage(bitmap.canvas, 0, 0, w, h);
    const fg = css(map, '--fg', '#222'), muted = css(map, '--muted', '#888'), panel = css(map, '--panel', '#fff');
    const accent = css(map, '--accent', '#2563eb'), acc2 = css(map, '--accent-2', '#d9480f');
    g.font = `${Math.round(parseFloat(getComputedStyle(map).fontSize) * 0.8) || 12}px sans-serif`;
    g.fillStyle = fg; g.textBaseline = 'top';
    g.fillText(`w ∈ [${fmt(w0, 1)}, ${fmt(w1, 1)}] →,  b ∈ [${fmt(b0, 1)}, ${fmt(b1, 1)}] ↑`, 6, 4);
    // The minimum.
    if (r.stats.unique) {
      const cx = X(r.stats.wOpt), cy = Y(r.stats.bOpt);
      g.strokeStyle = fg; g.lineWidth = 2;
      g.beginPath(); g.moveTo(cx - 6, cy - 6); g.lineTo(cx + 6, cy + 6); g.moveTo(cx + 6, cy - 6); g.lineTo(cx - 6, cy + 6); g.stroke();
    }
    // The path: done (solid, up to t) and still to come (faint).
    const p = r.path;
    const line = (from, to, color, width, alpha) => {
      g.globalAlpha = alpha; g.strokeStyle = color; g.lineWidth = width;
      g.beginPath();
      for (let i = from; i <= to; i++) { if (i === from) g.moveTo(X(p.w[i]), Y(p.b[i])); else g.lineTo(X(p.w[i]), Y(p.b[i])); }
      g.stroke();
      g.globalAlpha = 1;
    };
    line(r.t, p.steps, accent, 1.5, 0.35);
    line(0, r.t, accent, 2.2, 1);
    g.fillStyle = accent;
    for (let i = 0; i <= r.t; i++) { g.beginPath(); g.arc(X(p.w[i]), Y(p.b[i]), 2.2, 0, 2 * Math.PI); g.fill(); }
    // The steps from here: the batch's (what SGD does) and the full gradient's (dashed).
    const cx = X(r.w), cy = Y(r.b);
    if (r.update) {
      if (r.mode !== 'full') arrow(g, cx, cy, X(r.fullNext[0]), Y(r.fullNext[1]), muted, 2, [4, 3]);
      arrow(g, cx, cy, X(r.update.w), Y(r.update.b), acc2, 2.5);
    }
    g.fillStyle = acc2; g.strokeStyle = panel; g.lineWidth = 2;
    g.beginPath(); g.arc(cx, cy, 5.5, 0, 2 * Math.PI); g.fill(); g.stroke();
    // The start (drag handle).
    g.fillStyle = fg; g.strokeStyle = panel; g.lineWidth = 2;
    g.beginPath(); g.arc(X(r.start[0]), Y(r.start[1]), 7, 0, 2 * Math.PI); g.fill(); g.stroke();
  }

  // ---- the learning-rate bar: 0 .. max(2.5/λmax, 1.1 α) with 1/λmax and 2/λmax ------------------
  function drawLrBar() {
    if (!r) return;
    const fitted = kit.fitCanvas(lrBar, { height: 46 });
    if (!fitted) return;
    const { g, w, h } = fitted;
    const thr = r.stats.lrMax, hi = Math.max(1.25 * thr, 1.1 * r.lr);
    const X = (v) => 8 + (v / hi) * (w - 16);
    const good = css(lrBar, '--good', '#2b8a3e'), bad = css(lrBar, '--bad', '#c92a2a'), fg = css(lrBar, '--fg', '#222');
    const warn = css(lrBar, '--accent-2', '#d9480f');
    g.globalAlpha = 0.35;
    g.fillStyle = good; g.fillRect(X(0), 8, X(thr / 2) - X(0), 12);
    g.fillStyle = warn; g.fillRect(X(thr / 2), 8, X(thr) - X(thr / 2), 12);
    g.fillStyle = bad; g.fillRect(X(thr), 8, X(hi) - X(thr), 12);
    g.globalAlpha = 1;
    g.font = `${Math.round(parseFloat(getComputedStyle(lrBar).fontSize) * 0.75) || 11}px sans-serif`;
    g.fillStyle = fg; g.textBaseline = 'top'; g.textAlign = 'center';
    g.fillText('1/λmax', X(thr / 2), 24);
    g.fillText('2/λmax', X(thr), 24);
    g.strokeStyle = fg; g.lineWidth = 1;
    for (const v of [thr / 2, thr]) { g.beginPath(); g.moveTo(X(v), 6); g.lineTo(X(v), 22); g.stroke(); }
    g.fillStyle = fg;
    g.beginPath(); g.moveTo(X(r.lr), 20); g.lineTo(X(r.lr) - 6, 2); g.lineTo(X(r.lr) + 6, 2); g.closePath(); g.fill();
    g.textAlign = 'left';
    lrBar._scale = { hi, w };
  }
  lrBar.addEventListener('click', (e) => {
    if (!r || !lrBar._scale) return;
    const rect = lrBar.getBoundingClientRect();
    const v = ((e.clientX - rect.left - 8) / (rect.width - 16)) * lrBar._scale.hi;
    kit.set('lr', Math.min(1, Math.max(0.001, Math.round(v * 1000) / 1000)));
  });

  // ---- the loss curve (log scale), epochs marked -------------------------------------------------
  function drawLoss() {
    if (!r) return;
    const fitted = kit.fitCanvas(lossCanvas, { height: 200 });
    if (!fitted) return;
    const { g, w, h } = fitted;
    const p = r.path;
    const vals = [...p.loss, ...(r.mode === 'full' ? [] : p.batchLoss)].filter((v) => v > 0 && Number.isFinite(v));
    if (r.stats.unique && r.stats.lossOpt > 0) vals.push(r.stats.lossOpt);
    if (!vals.length) return;
    let lo = Math.floor(Math.log10(Math.min(...vals))), hi = Math.ceil(Math.log10(Math.max(...vals)));
    if (hi === lo) hi = lo + 1;
    const padL = 44, padB = 22, padT = 8, padR = 8;
    const total = Math.max(1, r.totalSteps);
    const X = (t) => padL + (t / total) * (w - padL - padR);
    const Y = (v) => padT + (1 - (Math.log10(v) - lo) / (hi - lo)) * (h - padT - padB);
    const muted = css(lossCanvas, '--muted', '#888'), grid = css(lossCanvas, '--grid', '#ddd');
    const accent = css(lossCanvas, '--accent', '#2563eb'), acc2 = css(lossCanvas, '--accent-2', '#d9480f'), fg = css(lossCanvas, '--fg', '#222');
    g.font = `${Math.round(parseFloat(getComputedStyle(lossCanvas).fontSize) * 0.75) || 11}px sans-serif`;
    g.lineWidth = 1;
    g.textAlign = 'right'; g.textBaseline = 'middle';
    const stepK = Math.max(1, Math.ceil((hi - lo) / 6));
    for (let k = lo; k <= hi; k += stepK) {
      g.strokeStyle = grid; g.beginPath(); g.moveTo(padL, Y(10 ** k)); g.lineTo(w - padR, Y(10 ** k)); g.stroke();
      g.fillStyle = muted; g.fillText(`1e${k}`, padL - 4, Y(10 ** k));
    }
    // Epoch boundaries.
    g.textAlign = 'center'; g.textBaseline = 'top';
    const everyEpoch = Math.max(1, Math.ceil(r.epochs / 10));
    for (let e = 0; e <= r.epochs; e += everyEpoch) {
      const x = X(e * r.stepsPerEpoch);
      g.strokeStyle = grid; g.beginPath(); g.moveTo(x, padT); g.lineTo(x, h - padB); g.stroke();
      g.fillStyle = muted; g.fillText(String(e), x, h - padB + 4);
    }
    g.textAlign = 'left';
    g.fillText('epoch →', padL + 2, padT);
    if (r.stats.unique && r.stats.lossOpt > 0) {
      g.strokeStyle = muted; g.setLineDash([4, 4]);
      g.beginPath(); g.moveTo(padL, Y(r.stats.lossOpt)); g.lineTo(w - padR, Y(r.stats.lossOpt)); g.stroke();
      g.setLineDash([]);
    }
    if (r.mode !== 'full') {
      g.fillStyle = acc2; g.globalAlpha = 0.6;
      p.batchLoss.forEach((v, t) => { if (v > 0) { g.beginPath(); g.arc(X(t), Y(v), 1.8, 0, 2 * Math.PI); g.fill(); } });
      g.globalAlpha = 1;
    }
    g.strokeStyle = accent; g.lineWidth = 2;
    g.beginPath();
    let pen = false;
    p.loss.forEach((v, t) => { if (!(v > 0)) { pen = false; return; } if (pen) g.lineTo(X(t), Y(v)); else g.moveTo(X(t), Y(v)); pen = true; });
    g.stroke();
    g.strokeStyle = fg; g.lineWidth = 1;
    g.beginPath(); g.moveTo(X(r.t), padT); g.lineTo(X(r.t), h - padB); g.stroke();
  }

  // ---- stepping and playing -----------------------------------------------------------------------
  let playing = false, timer = 0;
  const setStep = (t) => kit.set('step', Math.max(0, Math.min(r.path.steps, t)));
  const stop = () => { playing = false; clearTimeout(timer); play.textContent = 'Play'; };
  first.addEventListener('click', () => { stop(); setStep(0); });
  back.addEventListener('click', () => { stop(); setStep(r.t - 1); });
  fwd.addEventListener('click', () => { stop(); setStep(r.t + 1); });
  last.addEventListener('click', () => { stop(); setStep(r.path.steps); });
  play.addEventListener('click', () => {
    if (playing) { stop(); return; }
    if (r.t >= r.path.steps) setStep(0);
    playing = true;
    play.textContent = 'Pause';
    const tick = () => {
      if (!playing || !r) return;
      if (r.t >= r.path.steps) { stop(); return; }
      setStep(r.t + 1);
      timer = setTimeout(tick, Math.max(30, Math.min(400, 6000 / Math.max(1, r.path.steps))));
    };
    tick();
  });

  // ---- the numbers ---------------------------------------------------------------------------------
  function updateNumbers() {
    const p = r.path, a = r.all;
    const modeText = { full: 'full batch', mini: 'mini-batch', stochastic: 'stochastic (B = 1)' }[r.mode];
    setOut(stepOut, r.t, `t = ${r.t} of ${p.steps}`);
    setOut(epochOut, r.epoch + 1, r.hasNext ? `${r.epoch + 1} of ${r.epochs}` : `${r.epochs} of ${r.epochs} (done)`);
    setOut(batchOut, r.inEpoch + 1, r.hasNext ? `${r.inEpoch + 1} of ${r.stepsPerEpoch}` : '–');
    setOut(modeOut, r.mode, `${modeText}, B = ${r.batchSize}`);
    first.disabled = back.disabled = r.t === 0;
    fwd.disabled = last.disabled = !r.hasNext;
    lineOut.textContent = `ŷ = ${fmt(r.w)}·x + ${fmt(r.b)};  L = MSE = ${fmt(a.loss)}` +
      (r.stats.unique ? `;  least squares (dashed): ŷ = ${fmt(r.stats.wOpt)}·x + ${fmt(r.stats.bOpt)}, L* = ${fmt(r.stats.lossOpt)}` : ';  every x is the same: no single best line');
    lineOut.dataset.value = String(a.loss);
    setOut(gradLine.querySelector('[data-name="grad-w"]'), a.grad[0]);
    setOut(gradLine.querySelector('[data-name="grad-b"]'), a.grad[1]);
    legend.textContent = r.update
      ? `Orange arrow: this step, −α·∇L of the ${r.mode === 'full' ? 'full batch' : `batch (points ${r.batch.map((i) => i + 1).join(', ')})`}${r.mode === 'full' ? '' : '; dashed: the full-batch step −α·∇L from the same point'}. × the minimum; the big dot the start (drag it).`
      : '× the minimum; the big dot the start (drag it). This is the last point of the path.';
    stopLine.hidden = !p.stop;
    stopLine.textContent = p.stop ? `The path stopped: ${p.stop}. α = ${r.lr} is above 2/λmax = ${fmt(r.stats.lrMax)}${r.mode === 'full' ? '' : ' (or a batch\'s own threshold)'}.` : '';

    // Threshold.
    const s = r.stats;
    setOut(thresholdOut, s.lrMax);
    verdictOut.textContent = r.diverges
      ? `α = ${r.lr} is above it: full-batch descent oscillates outwards and diverges`
      : r.lr > s.lrMax / 2 ? `α = ${r.lr} is below it but above 1/λmax = ${fmt(s.lrMax / 2)}: it zig-zags across the valley and converges`
        : `α = ${r.lr} is below 1/λmax = ${fmt(s.lrMax / 2)}: it converges without overshooting the steep direction`;
    verdictOut.dataset.value = r.diverges ? 'diverges' : 'converges';
    verdictOut.style.color = r.diverges ? 'var(--bad)' : 'var(--good)';
    beside.textContent = `2/λmax = ${fmt(s.lrMax)} for these points: α ${r.diverges ? '>' : '<'} 2/λmax, full batch ${r.diverges ? 'diverges' : 'converges'}.`;
    beside.dataset.value = String(s.lrMax);
    beside.style.color = r.diverges ? 'var(--bad)' : '';
    hessOut.textContent = `H = 2/N [[Σx², Σx], [Σx, N]] = [[${fmt(s.hessian[0])}, ${fmt(s.hessian[1])}], [${fmt(s.hessian[2])}, ${fmt(s.hessian[3])}]]`;
    setOut(eigMinOut, s.eigMin);
    setOut(eigMaxOut, s.eigMax);

    // The update at step t.
    const inBatch = new Set(r.batch);
    tbody.replaceChildren(...r.xs.map((x, i) => el('tr', { class: inBatch.has(i) ? 'true-class' : '' },
      el('th', { scope: 'row' }, String(i + 1)), cell(`x-${i}`, x, 2), cell(`y-${i}`, r.ys[i], 2), cell(`pred-${i}`, a.pred[i]),
      cell(`res-${i}`, a.res[i]), cell(`res2-${i}`, a.res2[i]), cell(`resx-${i}`, a.resX[i]),
      el('td', { 'data-name': `in-batch-${i}` }, inBatch.has(i) ? '●' : ''))));
    tfoot.replaceChildren(
      el('tr', {}, el('th', { scope: 'row', colspan: '5' }, 'all N points: L = mean (ŷ − y)², ∂L/∂w = 2·mean (ŷ − y)x, ∂L/∂b = 2·mean (ŷ − y)'),
        cell('loss', a.loss), cell('formula-w', a.formula[0]), cell('formula-b', a.formula[1])),
      ...(r.onBatch && r.mode !== 'full' ? [el('tr', {}, el('th', { scope: 'row', colspan: '5' }, `the batch (${r.batch.length} points, ●): the same over the batch`),
        cell('batch-loss', r.onBatch.loss), cell('batch-formula-w', r.onBatch.formula[0]), cell('batch-formula-b', r.onBatch.formula[1]))] : []));
    if (r.update) {
      const u = r.update;
      updW.textContent = `w ← w − α·∂L/∂w = ${fmt(r.w)} − ${r.lr} × (${fmt(u.gw)}) = ${fmt(u.w)}`;
      updB.textContent = `b ← b − α·∂L/∂b = ${fmt(r.b)} − ${r.lr} × (${fmt(u.gb)}) = ${fmt(u.b)}`;
      updW.dataset.value = String(u.w);
      updB.dataset.value = String(u.b);
      const g = u.gw;
      signLine.textContent = `∂L/∂w = ${fmt(g)} is ${g < 0 ? 'negative: w grows' : g > 0 ? 'positive: w shrinks' : 'zero: w stays'}; ∂L/∂b = ${fmt(u.gb)} is ${u.gb < 0 ? 'negative: b grows' : u.gb > 0 ? 'positive: b shrinks' : 'zero: b stays'}.`;
      signLine.dataset.value = g < 0 ? 'negative' : g > 0 ? 'positive' : 'zero';
      const src = r.mode === 'full' ? a : r.onBatch;
      gradCompare.textContent = `The step uses the gradient of the ${r.mode === 'full' ? 'MSE of all points' : `batch's MSE (points ${r.batch.map((i) => i + 1).join(', ')})`}: by the formula (${fmt(src.formula[0])}, ${fmt(src.formula[1])}), by backward() (${fmt(u.gw)}, ${fmt(u.gb)}); the new (w, b) is the core's SGD step.`;
    } else {
      updW.textContent = 'The last step: training has ended (or the path stopped).';
      updB.textContent = '';
      signLine.textContent = '';
      gradCompare.textContent = '';
    }

    // Epochs and steps.
    const N = r.n, B = r.batchSize, S = r.stepsPerEpoch;
    scheduleSummary.textContent = `N = ${N} points, B = ${B}: ⌈${N} / ${B}⌉ = ${S} step${S === 1 ? '' : 's'} per epoch; ${r.epochs} epoch${r.epochs === 1 ? '' : 's'} = ${r.totalSteps} steps. ` +
      (r.mode === 'full' ? 'Full batch: every step uses every point, no shuffling needed.' : `Each epoch shuffles the points (seed ${r.seed}) and uses every one exactly once.`);
    scheduleSummary.dataset.value = String(S);
    const e0 = Math.max(0, Math.min(r.epoch - 2, r.epochs - 5)), e1 = Math.min(r.epochs, e0 + 5);
    const rows = [];
    for (let e = e0; e < e1; e++) {
      const cells = [];
      for (let k = 0; k < S; k++) {
        const ids = p.order.slice(e * N + k * B, e * N + Math.min((k + 1) * B, N));
        const t = e * S + k;
        const td = el('td', { 'data-name': `batch-${e}-${k}`, title: `step ${t}` }, ids.map((i) => i + 1).join(' '));
        td.style.textAlign = 'center';
        if (t === r.t && r.hasNext) td.className = 'true-class';
        if (t >= p.steps) td.style.opacity = '0.45';
        cells.push(td);
      }
      rows.push(el('tr', {}, el('th', { scope: 'row' }, `epoch ${e + 1}`), ...(p.order.length > e * N ? cells : [el('td', {}, 'not reached')])));
    }
    scheduleBody.replaceChildren(...rows);
  }

  const redraw = () => { drawData(); drawMap(); drawLrBar(); drawLoss(); };
  const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(() => requestAnimationFrame(redraw)) : null;
  resize?.observe(dataCanvas);
  resize?.observe(map);

  return {
    update(result, state) {
      r = result;
      st = state;
      selected = Math.min(selected, r.xs.length - 1);
      if (fresh) fresh = false;
      else if (!drag?.off) say(null);
      updateNumbers();
      redraw();
    },
    destroy() {
      stop();
      resize?.disconnect();
      beside.remove();
    },
  };
}
