// The playground's view (page only): the surface with the points, the network with each hidden
// neuron's own surface and its weights (click one to set it), loss and accuracy curves, a weight
// histogram, the epoch timeline, the numerical-health panel, your own data and the export.
// Training runs in the worker (kit.session); every number drawn comes from its snapshots.
import { fmt } from '../format.mjs';
import { toKeras, toPyTorch } from './export.mjs';
import { DOMAIN, GRID, MAX_ROWS, THUMB, parseCsv } from './lesson.mjs';

const CLASS_KEYS = ['0', '1', '2', '3', '4'];

// One media query object, read on each draw (calling matchMedia() makes a new one every time).
const darkQuery = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
const isDark = () => !!darkQuery?.matches;

function readPalette(node) {
  const cs = getComputedStyle(node);
  const v = (n, f) => cs.getPropertyValue(n).trim() || f;
  const dark = isDark();
  return {
    fg: v('--fg', '#222'), muted: v('--muted', '#666'), grid: v('--grid', '#ddd'), bg: v('--panel', '#fff'),
    pos: v('--accent', '#2563eb'), neg: v('--accent-2', '#d9480f'), bad: v('--bad', '#c92a2a'),
    // Class colours: 0 orange, 1 blue (TensorFlow Playground's pair), then green, purple, grey.
    classes: dark ? ['#ff8a50', '#6ea0ff', '#69db7c', '#e599f7', '#ced4da'] : ['#e8590c', '#1c7ed6', '#2b8a3e', '#9c36b5', '#495057'],
    dark,
  };
}

// The palette is read once per theme (getComputedStyle would otherwise force a style recalculation
// in every draw, several times per frame while training).
let paletteCache = null;
function palette(node) {
  const dark = isDark();
  if (paletteCache?.dark !== dark) paletteCache = { dark, colors: readPalette(node) };
  return paletteCache.colors;
}

const hex = (c) => {
  const m = /^#([0-9a-f]{6})$/i.exec(c.trim());
  if (!m) return [128, 128, 128];
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
};
// A colour ramp from a to b in RAMP steps, packed as 0xRRGGBB: ramp(a, b)[Math.round(t * (RAMP - 1))]
// is the mix at t in [0, 1] (the nearest of 256 steps: one 8-bit colour level at most from the
// exact mix). Cached per pair, so painting a grid allocates nothing per pixel.
const RAMP = 256;
const ramps = new Map();
function ramp(a, b) {
  const key = `${a}|${b}`;
  let r = ramps.get(key);
  if (!r) {
    r = new Uint32Array(RAMP);
    for (let k = 0; k < RAMP; k++) {
      const t = k / (RAMP - 1);
      const c = [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));
      r[k] = (c[0] << 16) | (c[1] << 8) | c[2];
    }
    if (ramps.size > 64) ramps.clear();
    ramps.set(key, r);
  }
  return r;
}
const at = (r, t) => r[Math.round(Math.min(1, Math.max(0, t)) * (RAMP - 1))];

/** A G×G image of `values` through `color(value, i) -> 0xRRGGBB`, drawn scaled into (x, y, w, h). */
const scratch = new Map(); // size -> { off, ctx, img }: one offscreen canvas per grid size, reused every frame
function paintGrid(g, values, size, color, x, y, w, h) {
  let sc = scratch.get(size);
  if (!sc) {
    const off = new OffscreenCanvas(size, size);
    sc = { off, ctx: off.getContext('2d'), img: new ImageData(size, size) };
    scratch.set(size, sc);
  }
  const d = sc.img.data;
  for (let i = 0; i < size * size; i++) {
    const c = color(values[i], i);
    d[4 * i] = c >> 16; d[4 * i + 1] = (c >> 8) & 255; d[4 * i + 2] = c & 255; d[4 * i + 3] = 255;
  }
  sc.ctx.putImageData(sc.img, 0, 0);
  g.imageSmoothingEnabled = true;
  g.drawImage(sc.off, x, y, w, h);
}

// Every hidden neuron's THUMB × THUMB image goes into one atlas, uploaded with one putImageData
// and drawn cell by cell (one upload per network drawing, not one per neuron). Each cell carries a
// one-pixel border copied from its edge, so the smoothed, scaled drawing of a cell samples only
// its own colours, as drawing each image on its own does. images[k] through color(k)(value) ->
// 0xRRGGBB, drawn scaled into the S × S square centred on places[k].
const atlas = { off: null, ctx: null, img: null, cells: 0 };
function paintThumbs(g, images, color, places, S) {
  const C = THUMB + 2;
  const n = images.length;
  if (!n) return; // no hidden layer
  if (atlas.cells < n) {
    atlas.off = new OffscreenCanvas(C, C * n);
    atlas.ctx = atlas.off.getContext('2d');
    atlas.img = new ImageData(C, C * n);
    atlas.cells = n;
  }
  const d = atlas.img.data;
  const edge = (v) => (v < 0 ? 0 : v >= THUMB ? THUMB - 1 : v);
  for (let k = 0; k < n; k++) {
    const img = images[k];
    const paint = color(k);
    for (let y = 0; y < C; y++) {
      const row = edge(y - 1) * THUMB;
      for (let x = 0; x < C; x++) {
        const c = paint(img[row + edge(x - 1)]);
        const o = 4 * ((k * C + y) * C + x);
        d[o] = c >> 16; d[o + 1] = (c >> 8) & 255; d[o + 2] = c & 255; d[o + 3] = 255;
      }
    }
  }
  atlas.ctx.putImageData(atlas.img, 0, 0);
  g.imageSmoothingEnabled = true;
  for (let k = 0; k < n; k++) g.drawImage(atlas.off, 1, k * C + 1, THUMB, THUMB, places[k].x - S / 2, places[k].y - S / 2, S, S);
}

// Writes text only when it changed: every write replaces the node's text and invalidates the
// layout, and update() runs for every snapshot while training.
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

export function mount(root, kit) {
  const { el, session } = kit;
  let last = null; // the newest snapshot
  let state = null;
  let status = { playing: false, done: false };
  let selected = null; // { layer, weight, index } of the weight being edited
  let drawClass = 0;
  let own = []; // the learner's drawn points [[x1, x2, label]]
  let started = null; // wall-clock start of the current play, for the time shown
  let elapsed = 0;

  // ---- toolbar -----------------------------------------------------------------------------
  const playBtn = el('button', { type: 'button', 'data-name': 'play' }, 'Play');
  const stepBtn = el('button', { type: 'button', 'data-name': 'step', title: 'Train on one batch' }, 'Step');
  const resetBtn = el('button', { type: 'button', 'data-name': 'reset', title: 'New weights from the seed' }, 'Reset');
  const progress = el('progress', { max: '1', value: '0', 'aria-label': 'epochs run', style: 'flex:1 1 8rem;align-self:center' });
  const statusLine = el('p', { class: 'big', 'data-name': 'status' });
  const modeLine = el('p', { class: 'note' });
  const noticeLine = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'notice' });
  playBtn.addEventListener('click', () => {
    if (status.playing) session.pause();
    else session.play();
  });
  stepBtn.addEventListener('click', () => session.step());
  resetBtn.addEventListener('click', () => { elapsed = 0; started = null; session.reset(); });

  // ---- the data and the surface -----------------------------------------------------------
  const plot = el('canvas', { 'data-figure': 'click', 'data-name': 'surface', role: 'img', style: 'display:block;width:100%;max-width:520px;aspect-ratio:1;touch-action:none;',
    'aria-label': 'the decision surface over the plane, with the training points (filled) and the held-out points (rings)' });
  const pointsLayer = el('canvas', { 'aria-hidden': 'true', style: 'position:absolute;inset:0;width:100%;height:100%;pointer-events:none' });
  const legend = el('p', { class: 'note' });
  // TensorFlow Playground's "discretize output": each spot in the colour of the class it is
  // given, at full strength, without the shading by probability (a view choice, not a setting).
  const discrete = el('input', { type: 'checkbox', 'data-name': 'discretize' });
  discrete.addEventListener('change', () => { if (last && !last.problem) drawPlot(last); });
  const discreteBox = el('label', { class: 'note' }, discrete, ' Discretize the output (the class only, not its probability)');
  const classBtns = el('div', { class: 'buttons', role: 'group', 'aria-label': 'class of new points' });
  const drawBox = el('div', { hidden: true }, el('p', { class: 'note' }, 'Click the plot to add a point of the chosen class (keys 0–4 choose it); shift-click removes the nearest point.'), classBtns,
    el('div', { class: 'buttons' }, (() => { const b = el('button', { type: 'button', 'data-name': 'clear-points' }, 'Clear points'); b.addEventListener('click', () => setOwn([])); return b; })()));
  const fileInput = el('input', { type: 'file', accept: '.csv,text/csv,text/plain', 'data-name': 'csv-file' });
  const csvMsg = el('p', { class: 'note', role: 'status', 'data-name': 'csv-message' });
  const csvBox = el('div', { hidden: true }, el('label', {}, 'A CSV file of x1,x2,label rows (labels 0–4; read in this page, never uploaded): ', fileInput), csvMsg);
  const problemLine = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'problem' });

  function setOwn(points) {
    own = points;
    session.command('data', { dataset: state.dataset, points: own });
    session.reset();
  }
  fileInput.addEventListener('change', () => {
    const f = fileInput.files?.[0];
    if (!f) return;
    if (f.size > 50e6) { csvMsg.textContent = `${f.name} is ${(f.size / 1e6).toFixed(0)} MB: the playground reads files up to 50 MB (${MAX_ROWS} rows). Your previous data is kept.`; return; }
    const reader = new FileReader();
    reader.onload = () => {
      const r = parseCsv(String(reader.result), { maxClasses: 5 });
      if (r.error) { csvMsg.textContent = `${f.name}: ${r.error} Your previous data is kept.`; csvMsg.dataset.ok = 'false'; return; }
      const k = Math.max(2, ...r.points.map((p) => p[2] + 1));
      csvMsg.textContent = `${f.name}: ${r.points.length} points in ${k} classes.`;
      csvMsg.dataset.ok = 'true';
      own = r.points;
      session.command('data', { dataset: 'csv', points: own });
      if (state.classes !== k) kit.set('classes', k);
      else session.reset();
    };
    reader.onerror = () => { csvMsg.textContent = `${f.name} could not be read. Your previous data is kept.`; };
    reader.readAsText(f);
  });

  const toPlane = (e) => {
    const r = plot.getBoundingClientRect();
    return [-DOMAIN + (2 * DOMAIN * (e.clientX - r.left)) / r.width, DOMAIN - (2 * DOMAIN * (e.clientY - r.top)) / r.height];
  };
  plot.addEventListener('pointerdown', (e) => {
    if (state?.dataset !== 'drawn') return;
    const [x, y] = toPlane(e);
    if (Math.abs(x) > DOMAIN || Math.abs(y) > DOMAIN) return;
    if (e.shiftKey) {
      if (!own.length) return;
      let best = 0;
      own.forEach((p, i) => { if (Math.hypot(p[0] - x, p[1] - y) < Math.hypot(own[best][0] - x, own[best][1] - y)) best = i; });
      setOwn(own.filter((_, i) => i !== best));
    } else {
      setOwn([...own, [Number(x.toFixed(3)), Number(y.toFixed(3)), Math.min(drawClass, (state.classes ?? 2) - 1)]]);
    }
  });
  const keyHandler = (e) => {
    if (state?.dataset !== 'drawn' || !CLASS_KEYS.includes(e.key) || e.target?.closest?.('input, select, textarea')) return;
    drawClass = Math.min(Number(e.key), (state.classes ?? 2) - 1);
    drawClassButtons();
  };
  document.addEventListener('keydown', keyHandler);
  function drawClassButtons() {
    const k = state?.classes ?? 2;
    classBtns.replaceChildren(...Array.from({ length: k }, (_, c) => {
      const b = el('button', { type: 'button', 'aria-pressed': String(c === drawClass), 'data-name': `draw-class-${c}` }, `Class ${c}`);
      b.addEventListener('click', () => { drawClass = c; drawClassButtons(); });
      return b;
    }));
  }

  // ---- the network ------------------------------------------------------------------------
  const net = el('canvas', { 'data-name': 'network', role: 'img', style: 'display:block;width:100%;', 'aria-label': 'the network: inputs, hidden neurons with their own surfaces, the output; lines are weights (blue positive, orange negative, thicker is larger); focus it and use the arrow keys to pick a weight' });
  const weightPick = el('select', { 'aria-label': 'weight to edit', 'data-name': 'weight-pick' });
  const weightIndex = el('input', { type: 'number', min: '0', step: '1', value: '0', 'aria-label': 'index in that weight', style: 'width:5rem' });
  const weightValue = el('input', { type: 'number', step: 'any', 'aria-label': 'new value', 'data-name': 'weight-value', style: 'width:7rem' });
  const weightSet = el('button', { type: 'button', 'data-name': 'weight-set' }, 'Set');
  const weightInfo = el('p', { class: 'note', 'data-name': 'weight-info' });
  // What the network's colours mean (filled in by update() with the theme's colours).
  const netLegend = el('p', { class: 'note', 'data-name': 'net-legend' });
  const swatch = (c) => el('span', { 'aria-hidden': 'true', style: `display:inline-block;width:1.6em;height:0.35em;vertical-align:middle;margin:0 0.3em;background:${c}` });
  let legendKey = '';
  function drawNetLegend(s) {
    const col = palette(net);
    const key = `${col.pos}|${col.neg}|${col.classes.join()}|${s.regression}|${s.surface?.kind}`;
    if (key === legendKey) return;
    legendKey = key;
    netLegend.replaceChildren('Weights:', swatch(col.pos), 'positive,', swatch(col.neg), 'negative; thicker and darker is larger. Neurons: their own output,',
      swatch(col.classes[1]), 'above 0,', swatch(col.classes[0]), 'below. Outputs: circled in their class\'s colour. Tab to the network and use the arrow keys to pick a weight.');
  }
  let edges = []; // hit targets of the last network drawing
  const pickWeight = (sel) => {
    selected = sel;
    weightPick.value = `${sel.layer}/${sel.weight}`;
    weightIndex.value = String(sel.index);
    showSelected();
  };
  weightPick.addEventListener('change', () => { const [layer, weight] = weightPick.value.split('/'); pickWeight({ layer, weight, index: 0 }); });
  weightIndex.addEventListener('change', () => { if (selected) pickWeight({ ...selected, index: Number(weightIndex.value) }); });
  weightSet.addEventListener('click', () => {
    if (!selected) return;
    session.command('setWeight', { ...selected, index: Number(weightIndex.value), value: Number(weightValue.value) });
  });
  net.addEventListener('click', (e) => {
    const r = net.getBoundingClientRect();
    const x = e.clientX - r.left, y = e.clientY - r.top;
    let best = null;
    for (const t of edges) {
      const d = t.kind === 'node' ? Math.hypot(x - t.x, y - t.y) - t.r : segDist(x, y, t);
      if (d < 5 && (!best || d < best.d)) best = { d, t };
    }
    if (best) pickWeight(best.t.sel);
  });
  // The keyboard's way to the same weights: focus the network, arrows walk through every weight
  // and bias in drawing order, Enter goes to the value box.
  net.setAttribute('tabindex', '0');
  net.addEventListener('keydown', (e) => {
    if (!edges.length) return;
    const at = selected ? edges.findIndex((t) => t.sel.layer === selected.layer && t.sel.weight === selected.weight && t.sel.index === selected.index) : -1;
    let next = null;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = (at + 1) % edges.length;
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = at <= 0 ? edges.length - 1 : at - 1;
    else if (e.key === 'Enter' && selected) { e.preventDefault(); weightValue.focus(); weightValue.select(); return; }
    if (next === null) return;
    e.preventDefault();
    pickWeight(edges[next].sel);
    if (last) drawNet(last);
  });
  function showSelected() {
    if (!selected || !last?.weights) { setText(weightInfo, 'Click a line (a weight) or a neuron (its bias) in the network, or pick one here.'); return; }
    const w = last.weights.find((q) => q.layer === selected.layer && q.weight === selected.weight);
    if (!w) { setText(weightInfo, ''); return; }
    const i = Math.min(selected.index, w.values.length - 1);
    let where = `[${i}]`;
    if (w.shape.length === 2) where = `[from ${Math.floor(i / w.shape[1])} to ${i % w.shape[1]}]`;
    setText(weightInfo, `${selected.layer}/${selected.weight}${where} = ${fmt(w.values[i])}`);
    if (weightInfo.dataset.value !== String(w.values[i])) weightInfo.dataset.value = String(w.values[i]);
    if (document.activeElement !== weightValue) weightValue.value = String(Number(w.values[i].toPrecision(5)));
  }

  // ---- curves, histogram, timeline, health, export ----------------------------------------
  const lossCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'loss per epoch: training (solid) and held-out (dashed)' });
  const accCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'accuracy per epoch: training (solid) and held-out (dashed)' });
  const histCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'histogram of the weights' });
  const lossChart = new kit.LineChart(lossCanvas, { xmin: 0, ymin: 0 });
  const accChart = new kit.LineChart(accCanvas, { xmin: 0, ymin: 0, ymax: 1 });
  const hist = new kit.BarChart(histCanvas, { min: 0, max: 1, digits: 0 });
  const charts = [lossChart, accChart, hist];
  const metrics = el('p', { 'data-name': 'metrics' });
  const histNote = el('p', { class: 'note', 'data-name': 'hist-note' });
  const timeline = el('input', { type: 'range', min: '0', max: '0', step: '1', value: '0', 'aria-label': 'epoch to go back to', 'data-name': 'timeline', style: 'width:100%' });
  const timelineLabel = el('p', { class: 'note', 'data-name': 'timeline-label' });
  let scrubbing = false;
  timeline.addEventListener('input', () => { scrubbing = true; timelineLabel.textContent = `Go back to epoch ${timeline.value} (release to load it)`; });
  timeline.addEventListener('change', () => { scrubbing = false; session.command('scrub', { epoch: Number(timeline.value) }); });
  const health = el('div', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'health' });
  const exportBtn = el('button', { type: 'button', 'data-name': 'export' }, 'Export the model');
  const jsonLink = el('a', { download: 'playground-model.json', 'data-name': 'export-json', hidden: true }, 'playground-model.json');
  const exportNote = el('p', { class: 'note' }, 'The file is the core\'s save(): layers, weights, loss and optimizer state; pg.loadModel() reads it back, and so does this page:');
  const loadInput = el('input', { type: 'file', accept: '.json,application/json', 'data-name': 'load-model' });
  const loadMsg = el('p', { class: 'note', role: 'status', 'data-name': 'load-message' });
  let jsonUrl = null;
  exportBtn.addEventListener('click', () => session.command('export', {}));
  // The same network as Keras or PyTorch code (lessons/playground/export.mjs), made on demand
  // from the settings and the points of the newest snapshot.
  const codeBox = el('textarea', { readonly: '', rows: '12', spellcheck: 'false', 'aria-label': 'the generated Python code', 'data-name': 'export-code', hidden: true,
    style: 'width:100%;font-family:ui-monospace,monospace;font-size:0.8rem;white-space:pre' });
  const codeLink = el('a', { 'data-name': 'export-code-file', hidden: true }, '');
  const copyBtn = el('button', { type: 'button', 'data-name': 'export-copy', hidden: true }, 'Copy');
  const codeMsg = el('p', { class: 'note', role: 'status', 'data-name': 'export-code-message' });
  let codeUrl = null;
  const codeBtn = (label, name, file, make) => {
    const b = el('button', { type: 'button', 'data-name': name }, label);
    b.addEventListener('click', () => {
      if (!last?.points || last.problem) { codeMsg.textContent = 'There is no data to export yet.'; return; }
      let code;
      try { code = make(state, last.points); } catch (e) { codeMsg.textContent = e.message; return; }
      codeBox.value = code;
      codeBox.hidden = false;
      codeBox.dataset.framework = name;
      if (codeUrl) URL.revokeObjectURL(codeUrl);
      codeUrl = URL.createObjectURL(new Blob([code], { type: 'text/x-python' }));
      codeLink.href = codeUrl;
      codeLink.download = file;
      codeLink.textContent = `Download ${file} (${(code.length / 1024).toFixed(1)} KB)`;
      codeLink.hidden = false;
      copyBtn.hidden = false;
      codeMsg.textContent = `${label}: the same layers, loss, optimizer, features and data as here; it trains with ${name === 'export-keras' ? 'Keras' : 'PyTorch'}'s own random numbers (not run by Playgrad).`;
    });
    return b;
  };
  const kerasBtn = codeBtn('Keras code', 'export-keras', 'playground_keras.py', toKeras);
  const torchBtn = codeBtn('PyTorch code', 'export-pytorch', 'playground_pytorch.py', toPyTorch);
  copyBtn.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(codeBox.value);
      codeMsg.textContent = 'Copied.';
    } catch {
      codeBox.select(); // the clipboard may be refused (file://, permissions): select for Ctrl+C
      codeMsg.textContent = 'The clipboard is not available here: the code is selected, press Ctrl+C.';
    }
  });
  loadInput.addEventListener('change', () => {
    const f = loadInput.files?.[0];
    if (!f) return;
    const reader = new FileReader();
    reader.onload = () => { loadMsg.textContent = `Loading ${f.name}…`; session.command('loadModel', { json: String(reader.result) }); };
    reader.onerror = () => { loadMsg.textContent = `${f.name} could not be read.`; };
    reader.readAsText(f);
  });

  // Where these settings meet a Keras/PyTorch difference: what the page's convention does.
  const conventionLine = el('ul', { class: 'convention-note', 'data-name': 'convention-notes' });
  const panel = (title, ...kids) => el('div', { class: 'panel' }, el('h3', {}, title), ...kids);
  root.append(
    el('div', { class: 'panel wide', 'data-name': 'train-panel' }, el('h3', {}, 'Train'),
      el('div', { class: 'buttons' }, playBtn, stepBtn, resetBtn, progress), statusLine, noticeLine,
      el('div', { style: 'display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start' },
        el('div', { style: 'flex:1 1 320px;min-width:0;max-width:520px' }, el('div', { style: 'position:relative' }, plot, pointsLayer), legend, discreteBox, problemLine, drawBox, csvBox),
        el('div', { style: 'flex:1 1 320px;min-width:0' }, el('h4', {}, 'The network'), net,
          netLegend, el('div', { class: 'buttons' }, weightPick, weightIndex, weightValue, weightSet), weightInfo)), modeLine, conventionLine),
    panel('Loss', lossCanvas, metrics),
    panel('Accuracy', accCanvas),
    panel('Weights', histCanvas, histNote),
    panel('Timeline', timeline, timelineLabel),
    panel('Numerical health', health, el('p', { class: 'note', 'data-name': 'health-ok' }, 'Every step is checked: a NaN or Infinity stops training before the bad update, and says where it started.')),
    panel('Export', el('div', { class: 'buttons' }, exportBtn, jsonLink), exportNote, el('label', {}, 'Load a model: ', loadInput), loadMsg,
      el('h4', {}, 'As Python code'), el('div', { class: 'buttons' }, kerasBtn, torchBtn, copyBtn, codeLink), codeMsg, codeBox),
  );

  // ---- drawing -----------------------------------------------------------------------------
  function drawPlot(s) {
    const fitted = kit.fitCanvas(plot, { aspect: 1 });
    if (!fitted) return;
    const { g, w, h } = fitted;
    const col = palette(plot);
    const bg = hex(col.bg);
    const cls = col.classes.map(hex);
    if (s.surface) {
      const sf = s.surface;
      const hard = discrete.checked;
      const shade = (t) => (hard ? 0.6 : Math.min(1, t) * 0.7);
      const r = cls.map((c) => ramp(bg, c));
      if (sf.kind === 'probability') {
        paintGrid(g, sf.values, GRID, (p) => (p >= 0.5 ? at(r[1], shade((p - 0.5) * 2)) : at(r[0], shade((0.5 - p) * 2))), 0, 0, w, h);
      } else if (sf.kind === 'classes') {
        const k = s.classes;
        paintGrid(g, sf.values, GRID, (p, i) => at(r[sf.classes[i]], shade(Math.max(0, (p - 1 / k) / (1 - 1 / k)))), 0, 0, w, h);
      } else {
        paintGrid(g, sf.values, GRID, (v) => (v >= 0 ? at(r[1], shade(v)) : at(r[0], shade(-v))), 0, 0, w, h);
      }
    }
    const X = (v) => ((v + DOMAIN) / (2 * DOMAIN)) * w;
    const Y = (v) => ((DOMAIN - v) / (2 * DOMAIN)) * h;
    g.strokeStyle = col.grid;
    g.lineWidth = 1;
    g.beginPath(); g.moveTo(X(0), 0); g.lineTo(X(0), h); g.moveTo(0, Y(0)); g.lineTo(w, Y(0)); g.stroke();
    drawPoints(s, w, h, col);
  }

  // The points sit on their own canvas over the surface and are drawn only when they (or the
  // size, or the theme) change: while training only the surface under them changes, and
  // drawing a thousand rings and discs each frame was a good part of the surface's cost.
  let pointsKey = null;
  function drawPoints(s, w, h, col) {
    const pts = s.points;
    const same = (a, b) => a === b || (a && b && a.length === b.length && a.every((v, i) => v === b[i]));
    const key = pts ? { w, h, col, regression: s.regression, nTrain: pts.nTrain, xy: pts.xy, labels: pts.labels } : { w, h, col };
    const k = pointsKey;
    if (k && k.w === w && k.h === h && k.col === col && k.regression === key.regression && k.nTrain === key.nTrain
      && same(k.xy, key.xy) && same(k.labels, key.labels)) return;
    pointsKey = key;
    const fitted = kit.fitCanvas(pointsLayer);
    if (!fitted || !pts) return;
    const { g } = fitted;
    const X = (v) => ((v + DOMAIN) / (2 * DOMAIN)) * w;
    const Y = (v) => ((DOMAIN - v) / (2 * DOMAIN)) * h;
    const n = pts.labels.length;
    const r = n > 1000 ? 2.5 : 3.5;
    for (let i = 0; i < n; i++) {
      const x = X(pts.xy[2 * i]), y = Y(pts.xy[2 * i + 1]);
      const lab = pts.labels[i];
      const c = s.regression ? (lab >= 0 ? col.classes[1] : col.classes[0]) : col.classes[lab];
      g.beginPath();
      g.arc(x, y, r, 0, 2 * Math.PI);
      if (i < pts.nTrain) { g.fillStyle = c; g.fill(); g.strokeStyle = col.bg; g.lineWidth = 1; g.stroke(); }
      else { g.strokeStyle = c; g.lineWidth = 1.5; g.stroke(); }
    }
  }

  function drawNet(s) {
    const cols = [s.features.length, ...s.widths, s.surface?.kind === 'classes' || (s.weights.at(-1)?.shape[1] ?? 1) > 1 ? s.weights.find((q) => q.layer === 'output' && q.weight === 'kernel').shape[1] : 1];
    const most = Math.max(...cols);
    const S = Math.max(12, Math.min(34, Math.floor(440 / most) - 6));
    const height = most * (S + 6) + 24;
    const fitted = kit.fitCanvas(net, { height });
    if (!fitted) return;
    const { g, w } = fitted;
    const col = palette(net);
    const bg = hex(col.bg);
    const nodeXY = cols.map((k, c) => Array.from({ length: k }, (_, i) => ({
      x: 30 + ((w - 60) * c) / Math.max(1, cols.length - 1), y: 12 + (height - 24) * (i + 0.5) / k,
    })));
    edges = [];
    // Edges: each Dense kernel [in, out] joins column c to c + 1.
    const kernels = [...s.widths.map((_, i) => `hidden${i + 1}`), 'output'].map((name) => s.weights.find((q) => q.layer === name && q.weight === 'kernel'));
    kernels.forEach((k, c) => {
      if (!k) return;
      const [nin, nout] = k.shape;
      let maxAbs = 1e-6;
      for (const v of k.values) maxAbs = Math.max(maxAbs, Math.abs(v));
      for (let i = 0; i < nin; i++) {
        for (let j = 0; j < nout; j++) {
          const v = k.values[i * nout + j];
          const a = nodeXY[c][i], b = nodeXY[c + 1][j];
          const sel = selected && selected.layer === k.layer && selected.weight === 'kernel' && selected.index === i * nout + j;
          g.strokeStyle = v >= 0 ? col.pos : col.neg;
          g.globalAlpha = sel ? 1 : 0.25 + 0.6 * Math.min(1, Math.abs(v) / maxAbs);
          g.lineWidth = sel ? 4 : 0.5 + 3 * Math.min(1, Math.abs(v) / Math.max(1, maxAbs));
          g.beginPath(); g.moveTo(a.x, a.y); g.lineTo(b.x, b.y); g.stroke();
          edges.push({ kind: 'edge', x1: a.x, y1: a.y, x2: b.x, y2: b.y, sel: { layer: k.layer, weight: 'kernel', index: i * nout + j } });
        }
      }
    });
    g.globalAlpha = 1;
    // Nodes: inputs as labels, hidden neurons as their own surfaces, outputs as discs.
    g.font = '11px system-ui, sans-serif';
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    nodeXY[0].forEach((p, i) => {
      g.fillStyle = col.bg; g.strokeStyle = col.muted; g.lineWidth = 1;
      g.fillRect(p.x - S / 2, p.y - S / 2, S, S); g.strokeRect(p.x - S / 2, p.y - S / 2, S, S);
      g.fillStyle = col.fg; g.fillText(s.features[i], p.x, p.y);
    });
    const cls = col.classes.map(hex);
    const r0 = [ramp(bg, cls[0]), ramp(bg, cls[1])];
    // Each neuron's own surface, scaled by its largest |value|.
    const thumbs = s.neurons.flat();
    const places = s.neurons.flatMap((layer, l) => layer.map((_, u) => nodeXY[l + 1][u]));
    paintThumbs(g, thumbs, (k) => {
      let m = 1e-6;
      for (const v of thumbs[k]) m = Math.max(m, Math.abs(v));
      return (v) => (v >= 0 ? at(r0[1], v / m) : at(r0[0], -v / m));
    }, places, S);
    s.neurons.forEach((layer, l) => {
      layer.forEach((img, u) => {
        const p = nodeXY[l + 1][u];
        const sel = selected && selected.layer === `hidden${l + 1}` && selected.weight === 'bias' && selected.index === u;
        g.strokeStyle = sel ? col.fg : col.muted; g.lineWidth = sel ? 3 : 1;
        g.strokeRect(p.x - S / 2, p.y - S / 2, S, S);
        edges.push({ kind: 'node', x: p.x, y: p.y, r: S / 2, sel: { layer: `hidden${l + 1}`, weight: 'bias', index: u } });
      });
    });
    nodeXY.at(-1).forEach((p, u) => {
      const sel = selected && selected.layer === 'output' && selected.weight === 'bias' && selected.index === u;
      g.fillStyle = col.bg; g.strokeStyle = sel ? col.fg : col.muted; g.lineWidth = sel ? 3 : 1.5;
      g.beginPath(); g.arc(p.x, p.y, S / 2, 0, 2 * Math.PI); g.fill(); g.stroke();
      // Each output unit in its class's colour (one sigmoid unit: p(class 1); regression: the value).
      const many = nodeXY.at(-1).length > 1;
      if (!s.regression) {
        g.strokeStyle = col.classes[many ? u : 1]; g.lineWidth = sel ? 4 : 2.5;
        g.beginPath(); g.arc(p.x, p.y, S / 2 - 1, 0, 2 * Math.PI); g.stroke();
      }
      g.fillStyle = col.fg; g.fillText(s.regression ? 'ŷ' : (many ? `c${u}` : 'p(1)'), p.x, p.y);
      edges.push({ kind: 'node', x: p.x, y: p.y, r: S / 2, sel: { layer: 'output', weight: 'bias', index: u } });
    });
  }

  const pts = (a) => a.map((v, i) => [i + 1, v]);
  function drawLoss(s) {
    const col = palette(lossCanvas);
    const h = s.history;
    lossChart.set({ series: [{ points: pts(h.loss), color: col.pos }, { points: pts(h.val_loss), color: col.neg, dash: [6, 4] }],
      markers: s.bestEpoch ? [{ x: s.bestEpoch, y: h.val_loss[s.bestEpoch - 1], label: 'best' }] : [] });
  }
  function drawAccuracy(s) {
    const col = palette(accCanvas);
    const h = s.history;
    accChart.set({ series: [{ points: pts(h.accuracy), color: col.pos }, { points: pts(h.val_accuracy), color: col.neg, dash: [6, 4] }] });
  }
  let histKey = '';
  function drawHistogram(s) {
    const all = s.weights.filter((q) => q.weight === 'kernel').flatMap((q) => Array.from(q.values));
    const lo = Math.min(-1, ...all), hi = Math.max(1, ...all);
    const bins = 15;
    const counts = new Array(bins).fill(0);
    for (const v of all) counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))] += 1;
    const bars = counts.map((c, i) => ({ label: fmt(lo + ((i + 0.5) * (hi - lo)) / bins, 1), value: c }));
    // The weights move a little each epoch, the binned counts and labels far less often: redrawn
    // only when what the chart shows changed.
    const key = bars.map((b) => `${b.label}:${b.value}`).join('|');
    if (key !== histKey) {
      histKey = key;
      hist.max = Math.max(1, ...counts);
      hist.set(bars);
    }
    setText(histNote, `How many of the ${all.length} Dense weights (biases not included) fall in each of ${bins} bins from ${fmt(lo, 2)} to ${fmt(hi, 2)}; each bar is labelled with its bin's centre.`);
  }
  // While training plays, a snapshot comes every frame or two, and redrawing every canvas for
  // each made the page's longest tasks (the browser copies each redrawn canvas for the
  // compositor). So a playing snapshot redraws two canvases: the surface or the network, in turn,
  // and one of the loss, accuracy and histogram charts, in turn; none is more than two snapshots
  // behind (about a tenth of a second). A snapshot that is not playing (paused, a step, the end,
  // a command's answer) redraws them all.
  const primary = [drawPlot, drawNet];
  const secondary = [drawLoss, drawAccuracy, drawHistogram];
  let turn = 0;
  function drawCanvases(s, playing) {
    if (!playing) {
      for (const draw of [...primary, ...secondary]) draw(s);
    } else {
      primary[turn % primary.length](s);
      secondary[turn % secondary.length](s);
      turn = (turn + 1) % (primary.length * secondary.length);
    }
    // A snapshot is drawn inside an animation frame (web/session-host.mjs): the charts draw in
    // that frame too, not in one of their own (one frame for the page to commit per snapshot).
    for (const chart of charts) chart.flush();
    if (!warm.started) warmCanvases();
  }

  // A canvas that redraws every frame cycles through two or three buffers, and the browser
  // allocates each on first need; in Chromium that is a round trip to its GPU process on the
  // page's main thread, tens of milliseconds on a busy 2-core machine. Drawn only once at open,
  // every canvas needed its other buffers in the first second after Play, which held the page's
  // longest tasks while training (bench/figures/playground.mjs). So, once the lesson has opened,
  // the same snapshot is drawn again on a few frames, while nothing else is going on.
  const WARM_FRAMES = 4;
  const warm = { started: false, left: WARM_FRAMES, frame: 0 };
  function warmCanvases() {
    warm.started = true;
    const again = () => {
      warm.frame = 0;
      if (last && !last.problem && !status.playing) drawCanvases(last, false);
      if (--warm.left > 0) warm.frame = requestAnimationFrame(again);
    };
    warm.frame = requestAnimationFrame(again);
  }

  // A turned phone or a resized window: redraw the surface and the network at their new size
  // (the snapshot is unchanged; training may be paused, so no update would come).
  let resizeFrame = 0;
  const resizer = typeof ResizeObserver === 'function' ? new ResizeObserver(() => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(() => { if (last && !last.problem) { drawPlot(last); drawNet(last); } });
  }) : null;
  resizer?.observe(plot);
  resizer?.observe(net);

  return {
    update(s, st, stat = status) {
      const prevDataset = state?.dataset;
      last = s;
      state = st;
      status = stat ?? status;
      // The canvases first: each reads its size (fitCanvas), which is free while the layout is
      // clean and forces a layout once any text below has been written.
      if (s.problem) {
        drawPlot({ points: null });
      } else {
        drawCanvases(s, status.playing);
      }
      const notes = s.conventionNotes ?? [];
      if (conventionLine.dataset.value !== notes.join('|')) {
        conventionLine.dataset.value = notes.join('|');
        conventionLine.replaceChildren(...notes.map((n) => el('li', {}, n)));
      }
      noticeLine.hidden = !status.notice;
      setText(noticeLine, status.notice ? `Not done: ${status.notice.replace(/^playground: /, '')}` : '');
      if (status.notice && loadMsg.textContent.startsWith('Loading')) loadMsg.textContent = '';
      if (status.playing && started === null) started = performance.now();
      if (!status.playing && started !== null) { elapsed += performance.now() - started; started = null; }
      setText(playBtn, status.playing ? 'Pause' : 'Play');
      if (playBtn.getAttribute('aria-pressed') !== String(status.playing)) playBtn.setAttribute('aria-pressed', String(status.playing));
      playBtn.disabled = !!s.problem || (status.done && !status.playing);
      stepBtn.disabled = !!s.problem || status.done;
      if (progress.max !== s.epochs) progress.max = s.epochs;
      if (progress.value !== s.epoch) progress.value = s.epoch;
      const secs = (elapsed + (started !== null ? performance.now() - started : 0)) / 1000;
      setText(statusLine, `Epoch ${s.epoch} of ${s.epochs}${s.batch ? `, batch ${s.batch}` : ''} · ${secs.toFixed(1)} s${s.stoppedEarly ? ' · stopped early' : ''}${status.done && !s.stoppedEarly && !s.failure && !s.problem ? ' · done' : ''}`);
      statusLine.dataset.epoch = String(s.epoch);
      statusLine.dataset.batch = String(s.batch ?? 0);
      statusLine.dataset.resumes = String(s.resumed?.count ?? 0);
      statusLine.dataset.mode = session.mode;
      statusLine.dataset.playing = String(status.playing);
      setText(modeLine, session.mode === 'worker' ? 'Training runs in a Web Worker with its own copy of the core: the page stays responsive.' : 'Opened from a file: training runs on this page in short slices between frames.');
      drawBox.hidden = st.dataset !== 'drawn';
      csvBox.hidden = st.dataset !== 'csv';
      if (st.dataset !== prevDataset) { drawClassButtons(); }
      problemLine.hidden = !s.problem;
      setText(problemLine, s.problem ?? '');
      if (s.problem) return;
      setText(legend, s.regression
        ? 'Colour: the predicted value (blue above 0, orange below). Filled: training points; rings: held out.'
        : `Colour: the predicted class and its probability. Filled: ${s.points.nTrain} training points; rings: ${s.points.labels.length - s.points.nTrain} held out.`);
      drawNetLegend(s);
      const options = s.weights.filter((q) => q.weight === 'kernel' || q.weight === 'bias').map((q) => `${q.layer}/${q.weight}`);
      if (weightPick.options.length !== options.length || [...weightPick.options].some((o, i) => o.value !== options[i])) {
        weightPick.replaceChildren(...options.map((o) => el('option', { value: o }, o)));
        if (selected && !options.includes(`${selected.layer}/${selected.weight}`)) selected = null;
        if (selected) weightPick.value = `${selected.layer}/${selected.weight}`;
      }
      showSelected();
      const h = s.history;
      const lastOf = (a) => (a.length ? fmt(a.at(-1)) : '–');
      setText(metrics, `loss ${lastOf(h.loss)} · val_loss ${lastOf(h.val_loss)}${s.regression ? '' : ` · accuracy ${lastOf(h.accuracy)} · val_accuracy ${lastOf(h.val_accuracy)}`} · learning rate ${fmt(s.lr)} · ${s.params} parameters`);
      metrics.dataset.loss = String(h.loss.at(-1) ?? '');
      metrics.dataset.valAccuracy = String(h.val_accuracy.at(-1) ?? '');
      if (!scrubbing) {
        timeline.max = String(s.epoch);
        timeline.value = String(s.epoch);
        setText(timelineLabel, `Saved epochs: ${s.timeline.length} (0 to ${s.epoch}). Drag back to see an earlier epoch; training resumes from there.${s.resumed ? ` Last went back to epoch ${s.resumed.epoch}.` : ''}`);
      }
      health.hidden = !s.failure;
      const healthKey = s.failure ? `${s.failure}|${s.suggestion ?? ''}` : '';
      if (health.dataset.shown !== healthKey) {
        health.dataset.shown = healthKey;
        health.replaceChildren(...(s.failure ? [el('strong', {}, 'Training stopped: '), s.failure, el('br'), s.suggestion ?? ''] : []));
      }
      if (s.exported) {
        // The worker holds the model: Export asks it for save(), which arrives with a snapshot.
        if (jsonUrl) URL.revokeObjectURL(jsonUrl);
        jsonUrl = URL.createObjectURL(new Blob([s.exported], { type: 'application/json' }));
        jsonLink.href = jsonUrl;
        jsonLink.hidden = false;
        jsonLink.textContent = `playground-model.json (${(s.exported.length / 1024).toFixed(1)} KB, epoch ${s.epoch})`;
      }
      if (!status.notice && loadMsg.textContent.startsWith('Loading')) loadMsg.textContent = 'Loaded: training continues from the loaded weights.';
    },
    destroy() {
      resizer?.disconnect();
      cancelAnimationFrame(resizeFrame);
      cancelAnimationFrame(warm.frame);
      document.removeEventListener('keydown', keyHandler);
      if (jsonUrl) URL.revokeObjectURL(jsonUrl);
      if (codeUrl) URL.revokeObjectURL(codeUrl);
    },
  };
}

function segDist(px, py, { x1, y1, x2, y2 }) {
  const dx = x2 - x1, dy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
}
