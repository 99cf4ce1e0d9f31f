// The cnn lesson's view (page only): the draw pad and the digit looked at with its softmax bars;
// training (Play / Step / Reset, curves, save and load); every layer's feature maps with the
// receptive field of the unit pointed at; the layer table (sizes and parameters from the core's
// conv arithmetic); the filters, one of them editable with the accuracy change; max pooling's
// gradient; the confusion matrix. Training runs in the worker (kit.session); every number shown
// comes from its snapshots; this file lays them out and draws.
import { fmt } from '../format.mjs';
import { HELD_OUT, SIDE } from './lesson.mjs';

const pct = (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(2)}%` : '–');

export function mount(root, kit) {
  const { el, session } = kit;
  let state = null;
  let last = null;
  let status = { playing: false, done: false };
  let selected = { layer: 'conv1', c: 0, y: 7, x: 7 }; // the unit whose receptive field is shown
  let editFilter = 0;
  let poolChannel = 0;
  let jsonUrl = null;
  let loadTimer = null;

  const cell = (name, text = '–', value = '') => el('span', { 'data-name': name, 'data-value': String(value) }, text);
  const setCell = (node, v, text = fmt(v)) => { node.textContent = text; node.dataset.value = String(v); };
  const panel = (title, ...kids) => el('div', { class: 'panel' }, el('h3', {}, title), ...kids);
  const button = (name, label, title) => el('button', { type: 'button', 'data-name': name, ...(title ? { title } : {}) }, label);

  // ---- toolbar ------------------------------------------------------------------------------------
  const playBtn = button('play', 'Play');
  const stepBtn = button('step', 'Step', 'Train on one batch of 32');
  const resetBtn = button('reset', 'Reset', 'New weights from the seed');
  const progress = el('progress', { max: '1', value: '0', 'aria-label': 'epochs run', style: 'flex:1 1 8rem;align-self:center' });
  const statusLine = el('p', { class: 'big', 'data-name': 'status' });
  const problemLine = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'problem' });
  const noticeLine = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'notice' });
  playBtn.addEventListener('click', () => (status.playing ? session.pause() : session.play()));
  stepBtn.addEventListener('click', () => session.step());
  resetBtn.addEventListener('click', () => session.reset());

  // ---- the draw pad, the digit looked at, the probabilities ----------------------------------------
  const sendDrawing = (pad) => {
    const img = pad.image();
    session.command('draw', { data: img.data, height: img.height, width: img.width });
  };
  const pad = new kit.DrawPad({ label: 'Draw a digit', name: 'drawpad', onChange: (p) => { if (!p.isEmpty()) sendDrawing(p); }, onStroke: sendDrawing });
  pad.canvas.setAttribute('data-figure', 'drag');
  const inputCanvas = el('canvas', { 'data-name': 'input', role: 'img', style: 'display:block;width:100%;max-width:12rem;image-rendering:pixelated',
    'aria-label': 'the 14 × 14 digit the network sees, with the receptive field of the selected unit' });
  const probeLine = el('p', { class: 'note', 'data-name': 'probe' });
  const prepLine = el('p', { class: 'note', 'data-name': 'prep' });
  const predLine = el('p', { class: 'big', 'data-name': 'prediction' });
  const barsCanvas = el('canvas', { class: 'chart', role: 'img', style: 'height:10rem', 'aria-label': 'the ten softmax probabilities', 'data-name': 'probs' });
  const bars = new kit.BarChart(barsCanvas, { min: 0, max: 1, digits: 3 });
  const sampleInput = el('input', { type: 'number', min: '0', max: String(HELD_OUT - 1), step: '1', value: '0', 'data-name': 'sample-index', style: 'width:5rem', 'aria-label': 'held-out digit number' });
  const prevBtn = button('sample-prev', '◀', 'The previous held-out digit');
  const nextBtn = button('sample-next', '▶', 'The next held-out digit');
  const showSample = (i) => {
    const k = ((Math.round(i) % HELD_OUT) + HELD_OUT) % HELD_OUT;
    sampleInput.value = String(k);
    session.command('sample', { index: k });
  };
  sampleInput.addEventListener('change', () => showSample(Number(sampleInput.value)));
  prevBtn.addEventListener('click', () => showSample(Number(sampleInput.value) - 1));
  nextBtn.addEventListener('click', () => showSample(Number(sampleInput.value) + 1));
  const padSide = el('div', { style: 'display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start' },
    pad.element,
    el('div', { style: 'flex:1 1 10rem;min-width:0' }, el('p', { class: 'note' }, 'What the network sees (14 × 14):'), inputCanvas, prepLine));

  // ---- curves, save / load ------------------------------------------------------------------------------
  const accCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'training and held-out accuracy per epoch', 'data-name': 'accuracy-chart' });
  const accChart = new kit.LineChart(accCanvas, { xmin: 0, ymin: 0, ymax: 1 });
  const lossCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'training and held-out loss per epoch', 'data-name': 'loss-chart' });
  const lossChart = new kit.LineChart(lossCanvas, { xmin: 0, ymin: 0 });
  const accLegend = el('p', { class: 'note' });
  const accLine = el('p', { 'data-name': 'held-out' });
  const saveBtn = button('save', 'Save the model');
  const saveLink = el('a', { download: 'cnn-model.json', 'data-name': 'save-link', hidden: true }, 'cnn-model.json');
  const fileInput = el('input', { type: 'file', accept: '.json,application/json', 'data-name': 'load-file', 'aria-label': 'load a saved model (JSON)' });
  const loadLine = el('p', { class: 'note', 'data-name': 'loaded' });
  saveBtn.addEventListener('click', () => session.command('export', {}));
  fileInput.addEventListener('change', () => {
    const f = fileInput.files?.[0];
    if (!f) return;
    const reader = new FileReader();
    reader.onload = () => session.command('loadModel', { json: String(reader.result) });
    reader.readAsText(f);
    fileInput.value = '';
  });

  // ---- feature maps -----------------------------------------------------------------------------------
  const mapsBox = el('div', { 'data-name': 'feature-maps' });
  const rfLine = el('p', { class: 'note', 'data-name': 'receptive-field' });
  const mapViews = new Map(); // layer name -> { canvas, caption, layout }

  // ---- layer table ------------------------------------------------------------------------------------
  const tableBody = el('tbody');
  const table = el('table', { class: 'numbers', 'data-name': 'layers' },
    el('thead', {}, el('tr', {}, ...['layer', 'output', 'size: ⌊(n + P_b + P_a − f)/s⌋ + 1', 'parameters', 'receptive field'].map((h) => el('th', {}, h)))), tableBody);
  const totalLine = el('p', { 'data-name': 'total-params' });
  const conventionLine = el('p', { class: 'note', 'data-name': 'convention-note' });

  // ---- filters and the editor ------------------------------------------------------------------------
  const filtersCanvas = el('canvas', { 'data-name': 'filters1', role: 'img', tabindex: '0', style: 'display:block;width:100%;touch-action:manipulation',
    'aria-label': 'conv1 filters: click one (or use the arrow keys) to edit it' });
  const filters2Canvas = el('canvas', { 'data-name': 'filters2', role: 'img', style: 'display:block;width:100%', 'aria-label': 'conv2 filters: one row per filter, one square per input map' });
  const filterSelect = el('select', { 'data-name': 'edit-filter', 'aria-label': 'the conv1 filter to edit', style: 'width:auto' });
  const gridBox = el('div', { 'data-name': 'filter-grid', style: 'display:grid;gap:0.25rem;max-width:18rem' });
  const zeroBtn = button('filter-zero', 'Zero it');
  const flipBtn = button('filter-negate', 'Negate it');
  const restoreBtn = button('filter-restore', 'Restore');
  const editLine = el('p', { 'data-name': 'edit-accuracy' });
  filterSelect.addEventListener('change', () => { editFilter = Number(filterSelect.value); redrawAll(); });
  const editValues = (f) => {
    const fl = last?.filters?.conv1;
    if (!fl) return;
    const [k, , , F] = fl.shape;
    const cur = Array.from({ length: k * k }, (_, i) => fl.kernel[i * F + editFilter]);
    session.command('editFilter', { filter: editFilter, values: f(cur) });
  };
  zeroBtn.addEventListener('click', () => editValues((w) => w.map(() => 0)));
  flipBtn.addEventListener('click', () => editValues((w) => w.map((v) => -v)));
  restoreBtn.addEventListener('click', () => session.command('restoreFilter', { filter: editFilter }));
  const pickFilter = (f) => {
    const F = last?.filters?.conv1?.shape[3] ?? 1;
    editFilter = Math.max(0, Math.min(F - 1, f));
    filterSelect.value = String(editFilter);
    redrawAll();
  };
  filtersCanvas.addEventListener('pointerdown', (e) => {
    const lay = filtersCanvas._layout;
    if (!lay) return;
    const b = filtersCanvas.getBoundingClientRect();
    const i = lay.hit(e.clientX - b.left, e.clientY - b.top);
    if (i !== null) pickFilter(i.c);
  });
  filtersCanvas.addEventListener('keydown', (e) => {
    const d = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1 }[e.key];
    if (d === undefined) return;
    e.preventDefault();
    pickFilter(editFilter + d);
  });

  // ---- max pooling's gradient ----------------------------------------------------------------------------
  const poolCanvas = el('canvas', { 'data-name': 'pool-gradient', role: 'img', style: 'display:block;width:100%;max-width:34rem',
    'aria-label': 'the pool input (one map), its 2 × 2 windows and the gradient each pixel gets; the pooled map beside it' });
  const poolSelect = el('select', { 'data-name': 'pool-channel', 'aria-label': 'the map whose pooling gradient is shown', style: 'width:auto' });
  poolSelect.addEventListener('change', () => { poolChannel = Number(poolSelect.value); redrawAll(); });
  const poolLine = el('p', { class: 'note', 'data-name': 'pool-gradient-line' });

  // ---- confusion matrix ------------------------------------------------------------------------------------
  const confBox = el('div', { class: 'scroll', 'data-name': 'confusion' });
  const confLine = el('p', { class: 'note' });

  root.append(
    el('div', { class: 'panel' }, el('h3', {}, 'Draw a digit'), padSide,
      el('div', { class: 'buttons' }, el('span', { class: 'note', style: 'align-self:center' }, 'or a held-out digit:'), prevBtn, sampleInput, nextBtn),
      probeLine, predLine, barsCanvas),
    el('div', { class: 'panel' }, el('h3', {}, 'Training'), el('div', { class: 'buttons' }, playBtn, stepBtn, resetBtn, progress), statusLine, problemLine, noticeLine,
      accLine, accCanvas, accLegend, lossCanvas,
      el('div', { class: 'buttons' }, saveBtn, saveLink), el('p', { class: 'note' }, 'Load a saved model of the same network: ', fileInput), loadLine),
    el('div', { class: 'panel wide' }, el('h3', {}, 'Feature maps of the digit looked at'),
      el('p', { class: 'note' }, 'Point at a unit (or tab to a layer and use the arrow keys; [ and ] change the map): the box on the 14 × 14 input is its receptive field.'), rfLine, mapsBox),
    el('div', { class: 'panel wide' }, el('h3', {}, 'Layers: sizes and parameters from the conv arithmetic'), el('div', { class: 'scroll' }, table), totalLine, conventionLine),
    panel('Filters (conv1: edit one)', filtersCanvas, el('p', { class: 'note' }, 'Filter ', filterSelect, ' of conv1, its weights (type a number):'), gridBox,
      el('div', { class: 'buttons' }, zeroBtn, flipBtn, restoreBtn), editLine, el('p', { class: 'note' }, 'conv2: each row a filter, each square its weights over one conv1 map'), filters2Canvas),
    panel("Max pooling's gradient", el('p', { class: 'note' }, 'Map ', poolSelect, ' of pool1\'s input: the gradient of Σ(pool outputs) from the core\'s backward.'), poolCanvas, poolLine),
    panel('Confusion matrix (held-out digits)', confBox, confLine),
  );

  // ---- drawing helpers ------------------------------------------------------------------------------------
  // A grid of maps (h × w each, `count` of them, channel-last data) in a canvas; returns the layout.
  function drawMaps(canvas, { data, h, w, count, channelLast = true, signed = false, highlight = null, rf = null, cols: wantCols }) {
    const cw = canvas.clientWidth || 300;
    const gap = 4;
    const cols0 = Math.max(1, Math.min(count, wantCols ?? 8));
    const cell = Math.max(2, Math.min(Math.max(12, Math.floor(84 / Math.max(w, 1))), Math.floor(((cw + gap) / cols0 - gap) / Math.max(w, 1))));
    const tile = cell * w;
    const cols = wantCols ? Math.min(count, wantCols) : Math.max(1, Math.min(count, Math.floor((cw + gap) / (tile + gap))));
    const rows = Math.ceil(count / cols);
    const height = rows * (cell * h + gap);
    const fit = kit.fitCanvas(canvas, { height });
    if (!fit) return null;
    const { g } = fit;
    const col = kit.colors(canvas);
    let lo = Infinity, hi = -Infinity;
    for (const v of data) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const span = signed ? Math.max(Math.abs(lo), Math.abs(hi)) || 1 : (hi - lo) || 1;
    for (let c = 0; c < count; c++) {
      const ox = (c % cols) * (tile + gap), oy = Math.floor(c / cols) * (cell * h + gap);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const v = channelLast ? data[(y * w + x) * count + c] : data[c * h * w + y * w + x];
          if (signed) {
            g.fillStyle = v >= 0 ? col.accent : col.accent2;
            g.globalAlpha = Math.min(1, Math.abs(v) / span);
          } else {
            g.fillStyle = col.fg;
            g.globalAlpha = Math.min(1, Math.max(0, (v - (signed ? 0 : Math.min(lo, 0))) / span));
          }
          g.fillRect(ox + x * cell, oy + y * cell, cell, cell);
        }
      }
      g.globalAlpha = 1;
      g.strokeStyle = highlight === c ? col.accent : col.border;
      g.lineWidth = highlight === c ? 2 : 1;
      g.strokeRect(ox + 0.5, oy + 0.5, tile - 1, cell * h - 1);
      if (rf && rf.c === c) {
        g.strokeStyle = col.accent2;
        g.lineWidth = 2;
        g.strokeRect(ox + rf.x * cell + 1, oy + rf.y * cell + 1, cell - 2, cell - 2);
      }
    }
    const layout = {
      cell, cols, h, w, count,
      hit(px, py) {
        const c = Math.floor(px / (tile + gap)) + cols * Math.floor(py / (cell * h + gap));
        const x = Math.floor((px % (tile + gap)) / cell), y = Math.floor((py % (cell * h + gap)) / cell);
        if (c < 0 || c >= count || x < 0 || x >= w || y < 0 || y >= h) return null;
        return { c, x, y };
      },
    };
    canvas._layout = layout;
    return layout;
  }

  function drawInput(snap) {
    const fit = kit.fitCanvas(inputCanvas, { aspect: 1 });
    if (!fit || !snap.probe) return;
    const { g, w } = fit;
    const col = kit.colors(inputCanvas);
    const cs = w / SIDE;
    g.fillStyle = col.panel;
    g.fillRect(0, 0, w, w);
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        g.fillStyle = col.fg;
        g.globalAlpha = snap.probe.image[y * SIDE + x];
        g.fillRect(x * cs, y * cs, cs, cs);
      }
    }
    g.globalAlpha = 1;
    g.strokeStyle = col.border;
    g.strokeRect(0.5, 0.5, w - 1, w - 1);
    const rf = rfOf(snap);
    if (rf) {
      g.strokeStyle = col.accent2;
      g.lineWidth = 2;
      g.fillStyle = col.accent2;
      g.globalAlpha = 0.15;
      g.fillRect(rf.x0 * cs, rf.y0 * cs, (rf.x1 - rf.x0 + 1) * cs, (rf.y1 - rf.y0 + 1) * cs);
      g.globalAlpha = 1;
      g.strokeRect(rf.x0 * cs + 1, rf.y0 * cs + 1, (rf.x1 - rf.x0 + 1) * cs - 2, (rf.y1 - rf.y0 + 1) * cs - 2);
    }
  }

  // The input pixels the selected unit sees: start + u·jump .. + size − 1 (the core's receptive
  // field), clipped to the image (the rest is padding).
  function rfOf(snap) {
    const layer = snap.layers?.find((l) => l.name === selected.layer);
    if (!layer?.rf) return null;
    const { size, jump, start } = layer.rf;
    const a = (u) => start + u * jump;
    return {
      size, jump, start,
      rawY: [a(selected.y), a(selected.y) + size - 1], rawX: [a(selected.x), a(selected.x) + size - 1],
      y0: Math.max(0, a(selected.y)), y1: Math.min(SIDE - 1, a(selected.y) + size - 1),
      x0: Math.max(0, a(selected.x)), x1: Math.min(SIDE - 1, a(selected.x) + size - 1),
    };
  }

  function ensureMapViews(snap) {
    const names = snap.maps.filter((m) => m.shape.length === 3 && m.kind !== 'Input').map((m) => m.name);
    const key = names.join(',');
    if (mapsBox.dataset.layers === key) return;
    mapsBox.dataset.layers = key;
    mapViews.clear();
    mapsBox.replaceChildren();
    for (const name of names) {
      const canvas = el('canvas', { 'data-name': `maps-${name}`, role: 'img', tabindex: '0', style: 'display:block;width:100%;touch-action:manipulation',
        'aria-label': `${name}: its feature maps; point at a unit or use the arrow keys` });
      const caption = el('p', { class: 'note', 'data-name': `maps-caption-${name}` });
      const pickAt = (e) => {
        const lay = canvas._layout;
        if (!lay) return;
        const b = canvas.getBoundingClientRect();
        const hit = lay.hit(e.clientX - b.left, e.clientY - b.top);
        if (hit) select({ layer: name, ...hit });
      };
      canvas.addEventListener('pointermove', pickAt);
      canvas.addEventListener('pointerdown', pickAt);
      canvas.addEventListener('keydown', (e) => {
        const m = last?.maps.find((x) => x.name === name);
        if (!m) return;
        const [h, w, C] = m.shape;
        const cur = selected.layer === name ? selected : { layer: name, c: 0, y: Math.floor(h / 2), x: Math.floor(w / 2) };
        const mv = { ArrowLeft: [0, -1, 0], ArrowRight: [0, 1, 0], ArrowUp: [-1, 0, 0], ArrowDown: [1, 0, 0], '[': [0, 0, -1], ']': [0, 0, 1] }[e.key];
        if (!mv) return;
        e.preventDefault();
        select({ layer: name, y: Math.max(0, Math.min(h - 1, cur.y + mv[0])), x: Math.max(0, Math.min(w - 1, cur.x + mv[1])), c: (cur.c + mv[2] + C) % C });
      });
      canvas.addEventListener('focus', () => { if (selected.layer !== name) { const m = last?.maps.find((x) => x.name === name); if (m) select({ layer: name, c: 0, y: Math.floor(m.shape[0] / 2), x: Math.floor(m.shape[1] / 2) }); } });
      mapsBox.append(caption, canvas);
      mapViews.set(name, { canvas, caption });
    }
  }

  function select(s) {
    selected = s;
    if (last) { drawInput(last); drawFeatureMaps(last); writeRf(last); }
  }

  function writeRf(snap) {
    const rf = rfOf(snap);
    const m = snap.maps?.find((x) => x.name === selected.layer);
    if (!rf || !m) { rfLine.textContent = ''; return; }
    const v = m.data[(selected.y * m.shape[1] + selected.x) * m.shape[2] + selected.c];
    rfLine.textContent = `${selected.layer}, map ${selected.c}, unit (row ${selected.y}, column ${selected.x}) = ${fmt(v)}: it sees input rows ${rf.rawY[0]}..${rf.rawY[1]} and columns ${rf.rawX[0]}..${rf.rawX[1]} `
      + `(r = ${rf.size}, jump ${rf.jump}, start ${rf.start}: a + u·j .. a + u·j + r − 1${rf.rawY[0] < 0 || rf.rawX[0] < 0 || rf.rawY[1] >= SIDE || rf.rawX[1] >= SIDE ? '; outside 0..13 is padding' : ''}).`;
    rfLine.dataset.size = String(rf.size);
    rfLine.dataset.value = String(v);
  }

  function drawFeatureMaps(snap) {
    ensureMapViews(snap);
    for (const m of snap.maps) {
      const view = mapViews.get(m.name);
      if (!view) continue;
      const [h, w, C] = m.shape;
      let lo = Infinity, hi = -Infinity;
      for (const v of m.data) { if (v < lo) lo = v; if (v > hi) hi = v; }
      const layer = snap.layers.find((l) => l.name === m.name);
      view.caption.textContent = `${m.name} (${m.kind}): ${C} maps of ${h} × ${w}, values ${fmt(lo)} to ${fmt(hi)}${layer?.rf ? `; a unit sees ${layer.rf.size} × ${layer.rf.size} input pixels` : ''}`;
      view.canvas.dataset.sum = String(m.data.reduce((a, b) => a + b, 0));
      drawMaps(view.canvas, { data: m.data, h, w, count: C, highlight: selected.layer === m.name ? selected.c : null, rf: selected.layer === m.name ? selected : null });
    }
  }

  function drawFilters(snap) {
    const f1 = snap.filters?.conv1;
    if (f1) {
      const [k, , , F] = f1.shape;
      if (filterSelect.options.length !== F) {
        filterSelect.replaceChildren(...Array.from({ length: F }, (_, i) => el('option', { value: String(i) }, String(i))));
        if (editFilter >= F) editFilter = 0;
      }
      filterSelect.value = String(editFilter);
      drawMaps(filtersCanvas, { data: f1.kernel, h: k, w: k, count: F, signed: true, highlight: editFilter, cols: 8 });
      // The editor: one number box per weight of the chosen filter.
      const want = `${k}x${F}x${editFilter}`;
      if (gridBox.dataset.key !== want) {
        gridBox.dataset.key = want;
        gridBox.style.gridTemplateColumns = `repeat(${k}, minmax(0, 1fr))`;
        gridBox.replaceChildren(...Array.from({ length: k * k }, (_, i) => {
          const inp = el('input', { type: 'number', step: '0.1', min: '-100', max: '100', 'data-name': `filter-w-${i}`, 'aria-label': `weight row ${Math.floor(i / k)}, column ${i % k}`, style: 'width:100%;min-width:0' });
          inp.addEventListener('change', () => {
            const v = Number(inp.value);
            if (inp.value.trim() === '' || !Number.isFinite(v)) return;
            session.command('editFilter', { filter: editFilter, index: i, value: v });
          });
          return inp;
        }));
      }
      [...gridBox.children].forEach((inp, i) => {
        if (document.activeElement === inp) return;
        inp.value = String(Number(f1.kernel[i * F + editFilter].toFixed(4)));
      });
    }
    const f2 = snap.filters?.conv2;
    filters2Canvas.hidden = !f2;
    if (f2) {
      const [k, , Cin, Cout] = f2.shape;
      // kernel [k, k, Cin, Cout] as Cout·Cin squares: tile t = o·Cin + i.
      const data = new Float32Array(k * k * Cin * Cout);
      for (let o = 0; o < Cout; o++) for (let i = 0; i < Cin; i++) for (let p = 0; p < k * k; p++) data[(o * Cin + i) * k * k + p] = f2.kernel[(p * Cin + i) * Cout + o];
      drawMaps(filters2Canvas, { data, h: k, w: k, count: Cin * Cout, channelLast: false, signed: true, cols: Cin });
    }
  }

  function drawPool(snap) {
    const pg = snap.poolGrad;
    poolCanvas.hidden = !pg;
    if (!pg) { poolLine.textContent = 'No pooling layer in this network (Pooling: None).'; return; }
    const [h, w, C] = pg.shape;
    if (poolSelect.options.length !== C) {
      poolSelect.replaceChildren(...Array.from({ length: C }, (_, i) => el('option', { value: String(i) }, String(i))));
      if (poolChannel >= C) poolChannel = 0;
    }
    poolSelect.value = String(poolChannel);
    const [oh, ow] = pg.outShape;
    const cw = poolCanvas.clientWidth || 300;
    const cs = Math.max(6, Math.min(26, Math.floor(cw / (w + 2 + 2 * ow))));
    const fit = kit.fitCanvas(poolCanvas, { height: cs * h + 4 });
    if (!fit) return;
    const { g } = fit;
    const col = kit.colors(poolCanvas);
    let hi = 0;
    for (let i = poolChannel; i < pg.input.length; i += C) hi = Math.max(hi, pg.input[i]);
    let toMax = 0, zero = 0;
    g.font = `${Math.max(10, Math.floor(cs * 0.55))}px sans-serif`;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = (y * w + x) * C + poolChannel;
        g.fillStyle = col.fg;
        g.globalAlpha = hi > 0 ? Math.max(0, pg.input[i]) / hi : 0;
        g.fillRect(x * cs, y * cs, cs, cs);
        g.globalAlpha = 1;
        const gr = pg.grad[i];
        if (gr !== 0) {
          toMax += 1;
          g.strokeStyle = col.accent2;
          g.lineWidth = 2;
          g.strokeRect(x * cs + 1.5, y * cs + 1.5, cs - 3, cs - 3);
          if (cs >= 14) {
            g.fillStyle = col.accent2;
            g.fillText(gr === 1 ? '1' : fmt(gr).replace(/0+$/, ''), x * cs + cs / 2, y * cs + cs / 2);
          }
        } else zero += 1;
      }
    }
    g.strokeStyle = col.border;
    g.lineWidth = 1;
    for (let y = 0; y <= h; y += 2) { g.beginPath(); g.moveTo(0, y * cs); g.lineTo(w * cs, y * cs); g.stroke(); }
    for (let x = 0; x <= w; x += 2) { g.beginPath(); g.moveTo(x * cs, 0); g.lineTo(x * cs, h * cs); g.stroke(); }
    const ox = (w + 2) * cs;
    let ohi = 0;
    for (let i = poolChannel; i < pg.output.length; i += C) ohi = Math.max(ohi, pg.output[i]);
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        g.fillStyle = col.fg;
        g.globalAlpha = ohi > 0 ? Math.max(0, pg.output[(y * ow + x) * C + poolChannel]) / ohi : 0;
        g.fillRect(ox + x * 2 * cs, y * 2 * cs, 2 * cs, 2 * cs);
      }
    }
    g.globalAlpha = 1;
    g.strokeStyle = col.border;
    g.strokeRect(ox + 0.5, 0.5, ow * 2 * cs - 1, oh * 2 * cs - 1);
    poolLine.dataset.nonzero = String(toMax);
    poolLine.dataset.zero = String(zero);
    poolLine.textContent = pg.kind === 'MaxPooling2D'
      ? `Each 2 × 2 window passes on its maximum, so the gradient goes to ${toMax} pixels (ringed, 1 each: the max of each window) and ${zero} get exactly 0. Right: the pooled ${oh} × ${ow} map. (A window of equal values sends it to the first maximum, as the core's backward does.)`
      : `Average pooling: every pixel of a window gets 1/4 of the gradient (${toMax} pixels with 0.25, ${zero} with 0: only the rows or columns the windows do not reach). Right: the pooled ${oh} × ${ow} map.`;
  }

  function drawConfusion(snap) {
    const c = snap.confusion;
    const key = JSON.stringify([c?.matrix ?? null, kit.isDark()]);
    if (confBox.dataset.key === key) return;
    confBox.dataset.key = key;
    if (!c) { confBox.replaceChildren(el('p', { class: 'note' }, 'After the first epoch: the held-out digits by true class (rows) and prediction (columns).')); confLine.textContent = ''; return; }
    const max = Math.max(1, ...c.matrix.flat());
    const col = kit.colors(confBox);
    const head = el('tr', {}, el('th', {}, 'true ↓ predicted →'), ...c.matrix.map((_, j) => el('th', {}, String(j))));
    let right = 0, all = 0;
    const rows = c.matrix.map((row, i) => el('tr', {}, el('th', {}, String(i)), ...row.map((n, j) => {
      all += n;
      if (i === j) right += n;
      const bg = i === j ? col.good : col.bad;
      const td = el('td', { 'data-name': `conf-${i}-${j}`, 'data-value': String(n), style: `text-align:center;background:color-mix(in srgb, ${bg} ${Math.round((60 * n) / max)}%, transparent)` }, String(n));
      return td;
    })));
    confBox.replaceChildren(el('table', { class: 'numbers' }, el('thead', {}, head), el('tbody', {}, ...rows)));
    confLine.textContent = `The diagonal holds ${right} of ${all} digits right (${pct(right / all)}, the held-out accuracy); each off-diagonal count is a digit of the row's class read as the column's.`;
  }

  function drawTable(snap) {
    const key = JSON.stringify([snap.layers, snap.params, snap.convention]);
    if (tableBody.dataset.key === key) return;
    tableBody.dataset.key = key;
    tableBody.replaceChildren(...(snap.layers ?? []).map((l) => {
      const sizeCell = l.kernel
        ? `⌊(${l.input[0]} + ${l.pad[0]} + ${l.pad[1]} − ${l.kernel}) / ${l.stride}⌋ + 1 = ⌊${fmt(l.quotient).replace(/\.?0+$/, '')}⌋ + 1 = ${l.output[0]}`
        : (l.kind === 'Flatten' ? `${l.input.join(' · ')} = ${l.output[0]}` : '');
      const paramCell = l.kind === 'Conv2D'
        ? `(${l.kernel}·${l.kernel}·${l.input[2]} + 1)·${l.output[2]} = ${l.params}`
        : (l.kind === 'Dense' ? `(${l.input[0]} + 1)·${l.output[0]} = ${l.params}` : '0');
      return el('tr', { 'data-name': `layer-${l.name}` }, el('td', {}, `${l.name} (${l.kind}${l.activation ? `, ${l.activation}` : ''})`),
        el('td', { 'data-name': `out-${l.name}`, 'data-value': l.output.join('x') }, l.output.join(' × ')), el('td', {}, sizeCell),
        el('td', { 'data-name': `params-${l.name}`, 'data-value': String(l.params) }, paramCell),
        el('td', {}, l.rf ? `${l.rf.size} × ${l.rf.size} (jump ${l.rf.jump})` : ''));
    }));
    setCell(totalLine, snap.params, `Total: ${snap.params} parameters (the model's own count)`);
    const cv = snap.convention;
    conventionLine.textContent = `${cv.framework} convention: ${cv.same}. ${cv.init}. Adam: ${cv.adam}.`;
  }

  function redrawAll() {
    if (!last || last.problem) return;
    if (!last.maps) {
      // The digits are still loading: the canvases take their size now (blank), so nothing is
      // shown stretched from the default 300 × 150 backing store meanwhile.
      kit.fitCanvas(inputCanvas, { aspect: 1 });
      for (const c of [filtersCanvas, filters2Canvas, poolCanvas]) kit.fitCanvas(c);
      return;
    }
    drawInput(last);
    drawFeatureMaps(last);
    writeRf(last);
    drawFilters(last);
    drawPool(last);
  }

  // Redraw when the panel's width changes (the maps' heights follow from it), on the next frame.
  let resizer = null;
  let width = 0;
  if (typeof ResizeObserver === 'function') {
    resizer = new ResizeObserver(() => {
      if (mapsBox.clientWidth === width) return;
      width = mapsBox.clientWidth;
      requestAnimationFrame(redrawAll);
    });
    resizer.observe(mapsBox);
  }

  function update(snap, st, stat) {
    state = st;
    last = snap;
    status = stat ?? status;
    playBtn.textContent = status.playing ? 'Pause' : 'Play';
    const p = status.progress ?? { value: snap.epoch, total: snap.epochs };
    progress.max = String(p.total || 1);
    progress.value = String(p.value);
    problemLine.hidden = !(snap.problem || snap.failure);
    problemLine.textContent = snap.problem ?? snap.failure ?? '';
    noticeLine.hidden = !status.notice;
    noticeLine.textContent = status.notice ?? '';
    statusLine.dataset.epoch = String(snap.epoch);
    statusLine.dataset.batch = String(snap.batch);
    statusLine.dataset.playing = String(!!status.playing);
    statusLine.dataset.mode = session.mode ?? '';
    for (const b of [playBtn, stepBtn, saveBtn]) b.disabled = Boolean(snap.problem);
    if (snap.problem) {
      statusLine.textContent = 'The network cannot be built with these settings.';
      drawTable(snap);
      return;
    }
    // The digits arrive by fetch in the worker: ask again until they are in (a snapshot answers).
    if (snap.loading && !loadTimer) loadTimer = setTimeout(() => { loadTimer = null; session.command('load', {}); }, 150);
    statusLine.textContent = snap.loading ? 'Loading the MNIST digits…'
      : `Epoch ${snap.epoch} of ${snap.epochs}, batch ${snap.batch} of ${snap.batches} (${snap.nTrain} training digits, batches of 32)${status.done && !snap.failure ? ' · done' : ''}`;
    drawTable(snap);
    const h = snap.history;
    const ep = (a) => [[0, NaN], ...a.map((v, i) => [i + 1, v])].filter((q) => Number.isFinite(q[1]));
    const col = kit.colors(root);
    const [c1, c2] = col.series;
    accChart.xmax = Math.max(1, snap.epochs);
    lossChart.xmax = Math.max(1, snap.epochs);
    // Each batch's loss and accuracy (thin) against epochs run; the held-out numbers per epoch (thick, dots).
    const per = (k) => snap.batchLoss.map((r) => [r[0], r[k]]);
    const dots = (a) => a.map((v, i) => ({ x: i + 1, y: v, color: c2 }));
    accChart.set({ series: [{ points: per(2), color: c1, width: 1 }, { points: ep(h.valAccuracy), color: c2, width: 2.5 }], markers: dots(h.valAccuracy) });
    lossChart.set({ series: [{ points: per(1), color: c1, width: 1 }, { points: ep(h.valLoss), color: c2, width: 2.5 }], markers: dots(h.valLoss) });
    accLegend.replaceChildren(el('span', { style: `color:${c1};margin-right:1em` }, '— each training batch'), el('span', { style: `color:${c2}` }, '● held-out, per epoch'), ' (top: accuracy, bottom: loss; x: epochs)');
    const va = h.valAccuracy.at(-1);
    setCell(accLine, va ?? NaN, va === undefined ? `Held-out accuracy (${HELD_OUT} digits): after the first epoch.` : `Held-out accuracy after epoch ${h.valAccuracy.length}: ${pct(va)} (loss ${fmt(h.valLoss.at(-1))})`);
    if (snap.loaded) setCell(loadLine, snap.loaded.accuracy, `Loaded: held-out accuracy ${pct(snap.loaded.accuracy)}, loss ${fmt(snap.loaded.loss)} (the core evaluated the loaded weights).`);
    if (snap.exported) {
      if (jsonUrl) URL.revokeObjectURL(jsonUrl);
      jsonUrl = URL.createObjectURL(new Blob([snap.exported], { type: 'application/json' }));
      saveLink.href = jsonUrl;
      saveLink.hidden = false;
      saveLink.textContent = `cnn-model.json (${(snap.exported.length / 1024).toFixed(1)} KB, epoch ${snap.epoch}): download`;
    }
    drawConfusion(snap);
    // No probe yet (the digits are still loading): the canvases still take their size.
    if (!snap.probe) { redrawAll(); return; }
    const pr = snap.probe;
    probeLine.textContent = pr.source === 'drawn' ? 'Your drawing, prepared by the core.' : `Held-out digit #${pr.index}: a ${pr.label}.`;
    prepLine.textContent = pr.prep
      ? `Ink box ${pr.prep.box[2] - pr.prep.box[0]} × ${pr.prep.box[3] - pr.prep.box[1]} px scaled by ${fmt(pr.prep.scale)} (longer side to 20 of 28), centre of mass moved by (${pr.prep.shift.join(', ')}) to the middle, then 2 × 2 means to 14 × 14.`
      : '';
    const best = snap.probs.indexOf(Math.max(...snap.probs));
    setCell(predLine, best, `Predicted: ${best} (p = ${fmt(snap.probs[best])})`);
    predLine.dataset.probs = snap.probs.join(',');
    bars.set(snap.probs.map((v, i) => ({ label: String(i), value: v, highlight: i === best })));
    const edit = snap.edit;
    if (edit && edit.filter === editFilter) {
      const d = edit.after.accuracy - edit.before.accuracy;
      setCell(editLine, edit.after.accuracy, `Held-out accuracy: ${pct(edit.before.accuracy)} as trained → ${pct(edit.after.accuracy)} with your filter ${edit.filter} (${d >= 0 ? '+' : '−'}${pct(Math.abs(d))}).`);
      editLine.dataset.before = String(edit.before.accuracy);
    } else {
      setCell(editLine, NaN, 'Change a weight (or zero the filter) to see what the trained net loses.');
      delete editLine.dataset.before;
    }
    redrawAll();
  }

  return {
    update,
    destroy() {
      clearTimeout(loadTimer);
      pad.destroy();
      resizer?.disconnect();
      if (jsonUrl) URL.revokeObjectURL(jsonUrl);
    },
  };
}
