// The anchors-yolo lesson's view (page only): the dragged scene on its S × S grid with the
// anchors of each box, the output tensor as a grid of cells (click one, or Tab + Enter) with its
// vectors, the target vector of each box in both orders and its anchor by IoU, the k-means
// anchors against the hand-picked ones, the detector's four loss terms as it trains, and its
// decoding of a held-out scene (click a cell, or arrow keys, for the raw numbers and how they
// decode), with the link to the iou-nms lesson. Every number comes from the session's snapshot
// (the core); drawing here is layout: scales, colours, hit-testing.
import { fmt } from '../format.mjs';
import { CLASSES, DET, SCENE, SHAPES, boxesText, sceneBoxes } from './lesson.mjs';

const f3 = (v) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toFixed(3)).toString()) : fmt(v));
const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

export function mount(root, kit) {
  const { el, tex, session } = kit;
  let state = null;
  let snap = null;
  let status = { playing: false, done: false };
  let cellSel = null;      // the selected cell of the output tensor: { row, col }
  let detCell = null;      // the selected cell of the detector's grid: { row, col }
  let active = 0;          // the box the keyboard moves
  let cur = null;          // the boxes as last set from the view (several keys may come before an update)
  let drag = null;

  const panel = (title, cls, ...kids) => el('div', { class: cls ? `panel ${cls}` : 'panel' }, el('h3', {}, title), ...kids);
  const note = (name) => el('p', { class: 'note', 'data-name': name });
  const setText = (node, text, value) => { node.textContent = text; if (value !== undefined) node.dataset.value = String(value); };

  // ---- the scene on the grid (the main figure) ------------------------------------------------
  const sceneCanvas = el('canvas', { 'data-figure': 'drag', 'data-name': 'scene', tabindex: '0', role: 'img',
    style: 'display:block;width:100%;max-width:460px;touch-action:none;cursor:move',
    'aria-label': 'The ground-truth boxes on the S × S grid: each box\'s centre cell is shaded and its anchors drawn dashed around the centre. Drag a box or its corners; arrow keys move the selected box, Shift+arrows resize it, Enter picks the next box.' });
  const sceneNote = note('scene-note');
  const encError = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'encoding-error' });

  // ---- the output tensor --------------------------------------------------------------------------
  const shapeLine = el('p', { class: 'big', 'data-name': 'tensor-shape' });
  const cellGrid = el('div', { 'data-name': 'cell-grid', role: 'group', 'aria-label': 'the grid cells: press one to see its vectors', style: 'display:grid;gap:2px;margin:0.4rem 0' });
  const cellTitle = el('p', { 'data-name': 'cell-title' });
  const cellTable = el('table', { 'data-name': 'cell-vectors', class: 'numbers' });
  const cellDecode = el('div', { class: 'formula', 'data-name': 'cell-decode' });

  // ---- target vectors per box ---------------------------------------------------------------------
  const boxesBox = el('div', { 'data-name': 'targets' });
  const orderNote = el('p', { class: 'note' }, 'The lesson and the core write each vector as [pc, bx, by, bh, bw, c1 … cC]; the course\'s person example [bx, by, bh, bw, 1, 0, 0] leaves pc out and puts the box first. Both orders are shown; the lesson uses the first.');

  // ---- anchors ------------------------------------------------------------------------------------
  const anchorCanvas = el('canvas', { class: 'chart', role: 'img', 'data-name': 'anchors', style: 'height:auto',
    'aria-label': 'The training boxes\' widths and heights coloured by their k-means cluster, the k-means anchors as crosses and the hand-picked anchors as squares' });
  const anchorLine = el('p', { 'data-name': 'anchor-line' });
  const curveCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'Mean IoU of the boxes with their k-means centroid against k' });
  const curveChart = new kit.LineChart(curveCanvas, { xmin: 1, ymin: 0, ymax: 1, xlabel: 'k', ylabel: 'mean IoU' });

  // ---- training ------------------------------------------------------------------------------------
  const playBtn = el('button', { type: 'button', 'data-name': 'play' }, 'Play');
  const stepBtn = el('button', { type: 'button', 'data-name': 'step', title: 'Train on one batch of scenes' }, 'Step');
  const resetBtn = el('button', { type: 'button', 'data-name': 'reset', title: 'New weights from the seed' }, 'Reset');
  playBtn.addEventListener('click', () => (status.playing ? session.pause() : session.play()));
  stepBtn.addEventListener('click', () => session.step());
  resetBtn.addEventListener('click', () => session.reset());
  const progress = el('progress', { max: '1', value: '0', 'aria-label': 'epochs run', style: 'flex:1 1 8rem;align-self:center' });
  const statusLine = el('p', { class: 'big', 'data-name': 'status' });
  const failLine = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'failure' });
  const TERMS = [['coord', 'coordinates', 'λcoord Σ 1obj [(σ(tx) − bx)² + (σ(ty) − by)² + (tw − ln(bw/pw))² + (th − ln(bh/ph))²]'],
    ['obj', 'objectness', 'Σ 1obj (σ(to) − 1)²'], ['noobj', 'no-object', 'λnoobj Σ 1noobj σ(to)²'], ['cls', 'classes', 'Σ 1obj −Σk ck log softmax(z)k']];
  const termCharts = TERMS.map(([key, label, formula]) => {
    const c = el('canvas', { class: 'chart', role: 'img', 'data-name': `loss-${key}`, 'aria-label': `the ${label} term of the loss per batch`, style: 'height:120px' });
    const value = el('output', { 'data-name': `term-${key}` }, '–');
    return { key, c, chart: new kit.LineChart(c, { ymin: 0, xlabel: 'batch', ylabel: label }), value,
      box: el('div', {}, el('p', { style: 'margin:0' }, el('b', {}, label), ' = ', value), c, el('p', { class: 'note', style: 'margin:0' }, formula)) };
  });
  const epochLine = el('p', { class: 'note', 'data-name': 'epoch-line' });

  // ---- decoding ------------------------------------------------------------------------------------
  const detCanvas = el('canvas', { 'data-name': 'detections', tabindex: '0', role: 'img', style: 'display:block;width:100%;max-width:360px;cursor:pointer',
    'aria-label': 'A held-out scene with the detector\'s 4 × 4 grid: kept boxes solid, candidates NMS removed dashed, the truth thin. Click a cell, or use the arrow keys, to see its numbers.' });
  const timeline = el('input', { type: 'range', min: '0', max: '0', step: '1', value: '0', 'aria-label': 'epoch shown', 'data-name': 'timeline', style: 'width:100%' });
  const timelineLabel = note('timeline-label');
  timeline.addEventListener('input', () => {
    const e = Number(timeline.value);
    session.command('show', { epoch: snap && e >= snap.detector.epochsRun ? null : e });
  });
  const stepsLine = el('div', { 'data-name': 'decode-steps' });
  const detCellBox = el('div', { 'data-name': 'det-cell' });
  const link = el('a', { 'data-name': 'iou-nms-link', href: '#/iou-nms' }, 'Open these candidates in the IoU and NMS lesson →');
  const linkNote = note('link-note');
  const conventionNote = el('p', { class: 'convention-note', 'data-name': 'nms-convention' });

  root.append(
    panel('The scene on the grid', '', sceneCanvas, sceneNote, encError),
    panel('The output tensor', 'wide', shapeLine, el('div', { class: 'scroll' }, cellGrid), cellTitle, el('div', { class: 'scroll' }, cellTable), cellDecode),
    panel('Each box\'s target vector and anchor', 'wide', boxesBox, orderNote),
    panel('Anchors by k-means (distance 1 − IoU)', '', anchorCanvas, anchorLine, curveCanvas),
    panel('A tiny detector, trained live', 'wide',
      el('div', { class: 'buttons' }, playBtn, stepBtn, resetBtn, progress), statusLine, failLine,
      el('div', { style: 'display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:0.5rem' }, ...termCharts.map((t) => t.box)), epochLine),
    panel('Decoding: pc > threshold, argmax class, class score, NMS', 'wide', detCanvas, timeline, timelineLabel, stepsLine, detCellBox, conventionNote, el('p', {}, link), linkNote),
  );

  // ---- the scene: drawing and dragging ----------------------------------------------------------
  let frame = null;
  function drawScene() {
    if (!snap || !state) return;
    const f = kit.fitCanvas(sceneCanvas, { aspect: 1 });
    if (!f) return;
    const { g, w } = f;
    const k = w / SCENE;
    frame = { k };
    const col = kit.colors(sceneCanvas, { fontScale: 0.8 });
    const e = snap.encoding;
    const S = state.S;
    const boxes = cur ?? sceneBoxes(state).boxes.map((b, i) => [...b.map((x) => x * SCENE), sceneBoxes(state).classes[i] + 1]);
    g.clearRect(0, 0, w, w);
    // the responsible cells
    if (!e.error) {
      e.perBox.forEach((p, i) => {
        g.fillStyle = col.series[p.cls % col.series.length];
        g.globalAlpha = 0.18;
        g.fillRect((p.col * w) / S, (p.row * w) / S, w / S, w / S);
        g.globalAlpha = 1;
        if (cellSel && cellSel.row === p.row && cellSel.col === p.col) void i;
      });
    }
    if (cellSel && cellSel.row < S && cellSel.col < S) {
      g.strokeStyle = col.accent; g.lineWidth = 3;
      g.strokeRect((cellSel.col * w) / S + 1.5, (cellSel.row * w) / S + 1.5, w / S - 3, w / S - 3);
    }
    g.strokeStyle = col.grid; g.lineWidth = 1;
    for (let i = 0; i <= S; i++) {
      const t = Math.round((i * w) / S) + 0.5;
      g.beginPath(); g.moveTo(t, 0); g.lineTo(t, w); g.moveTo(0, t); g.lineTo(w, t); g.stroke();
    }
    g.font = col.font;
    boxes.forEach((b, i) => {
      const c = col.series[(b[4] - 1) % col.series.length];
      const [x1, y1, x2, y2] = b.map((v) => v * k);
      g.strokeStyle = c; g.lineWidth = i === active ? 3 : 2;
      g.strokeRect(x1, y1, x2 - x1, y2 - y1);
      g.fillStyle = c;
      for (const [hx, hy] of [[x1, y1], [x2, y1], [x1, y2], [x2, y2]]) g.fillRect(hx - 4, hy - 4, 8, 8);
      const cx = (x1 + x2) / 2, cy = (y1 + y2) / 2;
      g.beginPath(); g.arc(cx, cy, 4, 0, 2 * Math.PI); g.fill();
      g.textBaseline = 'bottom';
      g.fillText(`${i + 1} ${CLASSES[b[4] - 1] ?? '?'}`, x1 + 3, y1 - 2);
      // its anchors, centred on the box centre, the assigned one solid
      const p = e.error ? null : e.perBox[i];
      if (p) {
        e.anchors.forEach(([aw, ah], a) => {
          g.setLineDash(a === p.anchor ? [] : [4, 4]);
          g.lineWidth = 1;
          g.strokeStyle = a === p.anchor ? col.fg : col.muted;
          g.strokeRect(cx - (aw * w) / 2, cy - (ah * w) / 2, aw * w, ah * w);
        });
        g.setLineDash([]);
      }
    });
  }
  const pointer = (ev) => {
    const r = sceneCanvas.getBoundingClientRect();
    return [((ev.clientX - r.left) / r.width) * SCENE, ((ev.clientY - r.top) / r.height) * SCENE];
  };
  const boxesNow = () => cur ?? (() => { const s = sceneBoxes(state); return s.boxes.map((b, i) => [...b.map((x) => Math.round(x * SCENE * 10) / 10), s.classes[i] + 1]); })();
  const commit = (list) => { cur = list; kit.set('boxes', boxesText(list)); drawScene(); };
  sceneCanvas.addEventListener('pointerdown', (ev) => {
    if (!state) return;
    const [x, y] = pointer(ev);
    const list = boxesNow();
    const near = 3.5;
    let hit = null;
    list.forEach((b, i) => {
      [[0, 1], [2, 1], [0, 3], [2, 3]].forEach(([ix, iy], c) => { if (!hit && Math.abs(b[ix] - x) < near && Math.abs(b[iy] - y) < near) hit = { i, mode: c }; });
    });
    if (!hit) list.forEach((b, i) => { if (x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3]) hit = { i, mode: 'move' }; });
    if (!hit) {
      // a click on the grid outside every box selects that cell
      cellSel = { row: clamp(Math.floor((y / SCENE) * state.S), 0, state.S - 1), col: clamp(Math.floor((x / SCENE) * state.S), 0, state.S - 1) };
      renderTensor();
      drawScene();
      return;
    }
    active = hit.i;
    drag = { ...hit, start: [x, y], box: list[hit.i].slice() };
    sceneCanvas.setPointerCapture(ev.pointerId);
  });
  sceneCanvas.addEventListener('pointermove', (ev) => {
    if (!drag) return;
    const [x, y] = pointer(ev);
    const list = boxesNow().map((b) => b.slice());
    const b = drag.box.slice();
    if (drag.mode === 'move') {
      const w = b[2] - b[0], h = b[3] - b[1];
      const nx = clamp(b[0] + x - drag.start[0], 0, SCENE - w), ny = clamp(b[1] + y - drag.start[1], 0, SCENE - h);
      b[0] = nx; b[1] = ny; b[2] = nx + w; b[3] = ny + h;
    } else {
      const ix = drag.mode % 2 === 0 ? 0 : 2, iy = drag.mode < 2 ? 1 : 3;
      b[ix] = clamp(x, 0, SCENE); b[iy] = clamp(y, 0, SCENE);
      const n = [Math.min(b[0], b[2]), Math.min(b[1], b[3]), Math.max(b[0], b[2]), Math.max(b[1], b[3]), b[4]];
      if (n[2] - n[0] < 1 || n[3] - n[1] < 1) return; // a box keeps a size: zero size has no centre cell
      b.splice(0, 5, ...n);
    }
    list[drag.i] = b.map((v, i) => (i < 4 ? Math.round(v * 10) / 10 : v));
    commit(list);
  });
  const endDrag = () => { drag = null; };
  sceneCanvas.addEventListener('pointerup', endDrag);
  sceneCanvas.addEventListener('pointercancel', endDrag);
  sceneCanvas.addEventListener('keydown', (ev) => {
    if (!state) return;
    const list = boxesNow().map((b) => b.slice());
    if (ev.key === 'Enter') { active = (active + 1) % list.length; drawScene(); ev.preventDefault(); return; }
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[ev.key];
    if (!d) return;
    ev.preventDefault();
    const b = list[active];
    if (!b) return;
    const stepSize = 2;
    if (ev.shiftKey) {
      b[2] = clamp(b[2] + d[0] * stepSize, b[0] + 1, SCENE);
      b[3] = clamp(b[3] + d[1] * stepSize, b[1] + 1, SCENE);
    } else {
      const w = b[2] - b[0], h = b[3] - b[1];
      b[0] = clamp(b[0] + d[0] * stepSize, 0, SCENE - w); b[1] = clamp(b[1] + d[1] * stepSize, 0, SCENE - h);
      b[2] = b[0] + w; b[3] = b[1] + h;
    }
    commit(list);
  });

  // ---- the tensor grid and the selected cell -----------------------------------------------------
  let gridKey = '';
  function renderTensor() {
    const e = snap?.encoding;
    if (!e || e.error) { cellGrid.replaceChildren(); setText(shapeLine, ''); cellTable.replaceChildren(); return; }
    const { S, A, D, C } = e;
    setText(shapeLine, `S × S × B × (5 + C) = ${S} × ${S} × ${A} × (5 + ${C}) = ${S * S * A * D} numbers`, S * S * A * D);
    const key = `${S}:${A}`;
    if (key !== gridKey) {
      gridKey = key;
      cellGrid.style.gridTemplateColumns = `repeat(${S}, minmax(2.6rem, 1fr))`;
      const buttons = [];
      for (let r = 0; r < S; r++) for (let c = 0; c < S; c++) {
        const b = el('button', { type: 'button', 'data-cell': `${r},${c}`, style: 'padding:0.15rem;font-size:0.8rem;min-width:2.6rem' });
        b.addEventListener('click', () => { cellSel = { row: r, col: c }; renderTensor(); drawScene(); });
        buttons.push(b);
      }
      cellGrid.replaceChildren(...buttons);
    }
    if (!cellSel || cellSel.row >= S || cellSel.col >= S) cellSel = { row: e.perBox[0]?.row ?? 0, col: e.perBox[0]?.col ?? 0 };
    [...cellGrid.children].forEach((b, i) => {
      const pcs = [];
      for (let a = 0; a < A; a++) pcs.push(e.target[(i * A + a) * D]);
      b.textContent = pcs.map((v) => (v ? '1' : '0')).join(' ');
      b.setAttribute('aria-label', `cell row ${Math.floor(i / S) + 1}, column ${(i % S) + 1}: pc ${pcs.join(', ')}`);
      b.setAttribute('aria-pressed', String(i === cellSel.row * S + cellSel.col));
      b.style.fontWeight = pcs.some((v) => v) ? '700' : '400';
    });
    const { row, col } = cellSel;
    setText(cellTitle, `Cell (row ${row + 1}, column ${col + 1}): its ${A} vector${A > 1 ? 's' : ''} [pc, bx, by, bh, bw, c1 … c${C}]`);
    const head = el('tr', {}, el('th', {}, 'anchor'), ...['pc', 'bx', 'by', 'bh', 'bw', ...Array.from({ length: C }, (_, i) => `c${i + 1}`)].map((h) => el('th', {}, h)));
    const rows = [];
    for (let a = 0; a < A; a++) {
      const at = ((row * S + col) * A + a) * D;
      const v = Array.from(e.target.subarray(at, at + D));
      rows.push(el('tr', { 'data-anchor': String(a) }, el('td', {}, `${a + 1} (${f3(e.anchors[a][0])}×${f3(e.anchors[a][1])})`), ...v.map((x) => el('td', { 'data-value': String(x) }, f3(x)))));
    }
    cellTable.replaceChildren(head, ...rows);
    // how the owned vectors decode (the core's yoloDecode of the target)
    const lines = [];
    e.decoded.cells.forEach((flat, i) => {
      const cell = Math.floor(flat / A), a = flat % A;
      if (Math.floor(cell / S) !== row || cell % S !== col) return;
      const at = flat * D;
      const [, bx, by, bh, bw] = e.target.subarray(at, at + 5);
      const [x1, y1, x2, y2] = e.decoded.boxes[i];
      lines.push(`\\text{anchor ${a + 1}: } x = \\frac{b_x + c_x}{S} = \\frac{${f3(bx)} + ${col}}{${S}} = ${f3((x1 + x2) / 2)},\\; y = \\frac{${f3(by)} + ${row}}{${S}} = ${f3((y1 + y2) / 2)},\\; w = \\frac{b_w}{S} = \\frac{${f3(bw)}}{${S}} = ${f3(x2 - x1)},\\; h = \\frac{${f3(bh)}}{${S}} = ${f3(y2 - y1)}`);
    });
    if (lines.length) tex(cellDecode, lines.join('\\\\'), true);
    else { cellDecode.replaceChildren(el('p', { class: 'note' }, 'No object is assigned here: pc = 0 and the rest of each vector does not enter the loss (only the no-object term does).')); }
  }

  function renderTargets() {
    const e = snap.encoding;
    if (e.error) { boxesBox.replaceChildren(); return; }
    const items = e.perBox.map((p, i) => {
      const ious = p.ious.map((v, a) => el('span', { 'data-value': String(v), style: a === p.anchor ? 'font-weight:700' : '' }, `${a + 1}: ${f3(v)}`));
      const spaced = ious.flatMap((s, j) => (j ? [', ', s] : [s]));
      return el('div', { 'data-box': String(i), style: 'margin-bottom:0.6rem' },
        el('p', { style: 'margin:0' }, el('b', {}, `Box ${i + 1}, ${CLASSES[p.cls]}`), ` — centre in cell (row ${p.row + 1}, column ${p.col + 1}); IoU of its size with each anchor (aligned at a corner) `, ...spaced,
          ` → anchor ${p.anchor + 1}, the best match${p.dropped ? '. Dropped: that cell and anchor already hold an earlier box' : ''}.`),
        el('p', { style: 'margin:0', 'data-name': `vector-${i}` }, 'Lesson/core [pc, bx, by, bh, bw, c…] = ', el('code', {}, `[${p.vector.map(f3).join(', ')}]`)),
        el('p', { style: 'margin:0', 'data-name': `course-${i}` }, 'Course order [bx, by, bh, bw, c…] = ', el('code', {}, `[${p.courseOrder.map(f3).join(', ')}]`)));
    });
    boxesBox.replaceChildren(...items, el('p', { class: 'note' }, 'Why by IoU: each anchor specialises in one shape, so a box is trained into the anchor whose shape it already resembles most; bx, by are the centre\'s offset inside its cell (0–1), bh, bw the size in cell units (may exceed 1).'));
  }

  // ---- anchors ---------------------------------------------------------------------------------------
  function drawAnchors() {
    const a = snap.anchors;
    const f = kit.fitCanvas(anchorCanvas, { aspect: 0.75 });
    if (f) {
      const { g, w, h } = f;
      const col = kit.colors(anchorCanvas, { fontScale: 0.75 });
      g.clearRect(0, 0, w, h);
      const pad = 30, X = (v) => pad + (v / 0.55) * (w - pad - 8), Y = (v) => h - pad - (v / 0.55) * (h - pad - 8);
      g.strokeStyle = col.grid; g.fillStyle = col.muted; g.font = col.font;
      g.beginPath(); g.moveTo(pad, 4); g.lineTo(pad, h - pad); g.lineTo(w - 4, h - pad); g.stroke();
      g.fillText('w →', w - 40, h - 8); g.fillText('h ↑', 4, 14);
      a.sample.forEach(([bw, bh], i) => { g.fillStyle = col.series[a.assignments[i] % col.series.length]; g.globalAlpha = 0.55; g.fillRect(X(bw) - 2, Y(bh) - 2, 4, 4); });
      g.globalAlpha = 1;
      g.lineWidth = 2;
      a.kmeans.forEach(([bw, bh], i) => { g.strokeStyle = col.series[i % col.series.length]; const x = X(bw), y = Y(bh); g.beginPath(); g.moveTo(x - 7, y - 7); g.lineTo(x + 7, y + 7); g.moveTo(x + 7, y - 7); g.lineTo(x - 7, y + 7); g.stroke(); });
      g.strokeStyle = col.fg;
      a.hand.forEach(([bw, bh]) => g.strokeRect(X(bw) - 5, Y(bh) - 5, 10, 10));
    }
    setText(anchorLine, `k-means (k = ${a.kmeans.length}, ${a.iterations} iterations on ${a.boxes} boxes): ${a.kmeans.map(([w, h]) => `${f3(w)}×${f3(h)}`).join(', ')} — mean IoU ${f3(a.kmeansMeanIou)}. Hand-picked (${a.hand.length}): mean best IoU ${f3(a.handMeanIou)}. The detector trains with the ${a.detectorUses === 'hand' ? 'hand-picked' : 'k-means'} anchors.`, a.kmeansMeanIou);
    const pts = a.curve.k.map((k, i) => [k, a.curve.meanIou[i]]).filter(([, v]) => Number.isFinite(v));
    const cc = kit.colors(curveCanvas);
    curveChart.set({ series: [{ points: pts, color: cc.series[0] }], markers: [{ x: a.kmeans.length, y: a.kmeansMeanIou, label: `k-means, k = ${a.kmeans.length}` }, { x: a.hand.length, y: a.handMeanIou, label: 'hand-picked', color: cc.fg }] });
  }

  // ---- training and decoding ---------------------------------------------------------------------
  function renderTraining() {
    const h = snap.history;
    const last = h.epochs[h.epochs.length - 1];
    termCharts.forEach((t) => {
      const ys = h.steps[t.key];
      const stride = Math.max(1, Math.floor(ys.length / 400));
      const pts = [];
      for (let i = 0; i < ys.length; i += stride) pts.push([i + 1, ys[i]]);
      t.chart.set({ series: [{ points: pts, color: kit.colors(t.c).series[TERMS.findIndex(([k]) => k === t.key)] }] });
      const v = ys[ys.length - 1];
      setText(t.value, v === undefined ? '–' : f3(v), v ?? '');
    });
    const d = snap.detector;
    statusLine.dataset.mode = session?.mode ?? '';
    statusLine.dataset.batches = String(h.steps.total.length);
    statusLine.dataset.done = String(!!status.done);
    setText(statusLine, `${status.done ? 'done: ' : ''}epoch ${d.epochsRun} of ${state.epochs}, ${h.steps.total.length} batches of ${DET.batch} scenes; ${d.params} parameters; anchors ${d.anchors.map(([w, hh]) => `${f3(w)}×${f3(hh)}`).join(', ')}`, d.epochsRun);
    setText(epochLine, last ? `Epoch ${last.epoch}: training loss ${f3(last.trainTotal)}, held-out ${f3(last.heldTotal)} (coordinates ${f3(last.held[0])}, objectness ${f3(last.held[1])}, no-object ${f3(last.held[2])}, classes ${f3(last.held[3])}).` : 'Press Play: the loss terms are plotted per batch as it learns.', last?.heldTotal ?? '');
    failLine.hidden = !snap.failure;
    failLine.textContent = snap.failure ?? '';
  }

  function drawDetections() {
    const d = snap.detector;
    const f = kit.fitCanvas(detCanvas, { aspect: 1 });
    if (!f) return;
    const { g, w } = f;
    const col = kit.colors(detCanvas, { fontScale: 0.8 });
    const n = d.size;
    const img = g.createImageData(n, n);
    for (let i = 0; i < n * n; i++) {
      const v = Math.round(255 * (col.dark ? d.image[i] : 1 - d.image[i] * 0.85));
      img.data.set([v, v, v, 255], i * 4);
    }
    const off = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(n, n) : Object.assign(document.createElement('canvas'), { width: n, height: n });
    off.getContext('2d').putImageData(img, 0, 0);
    g.imageSmoothingEnabled = false;
    g.drawImage(off, 0, 0, w, w);
    const G = d.grid;
    g.strokeStyle = col.grid; g.lineWidth = 1;
    for (let i = 0; i <= G; i++) { const t = Math.round((i * w) / G) + 0.5; g.beginPath(); g.moveTo(t, 0); g.lineTo(t, w); g.moveTo(0, t); g.lineTo(w, t); g.stroke(); }
    if (detCell) { g.strokeStyle = col.accent; g.lineWidth = 3; g.strokeRect((detCell.col * w) / G + 1.5, (detCell.row * w) / G + 1.5, w / G - 3, w / G - 3); }
    g.lineWidth = 1; g.strokeStyle = col.good; g.setLineDash([2, 2]);
    d.truth.boxes.forEach(([x1, y1, x2, y2]) => g.strokeRect(x1 * w, y1 * w, (x2 - x1) * w, (y2 - y1) * w));
    g.setLineDash([]);
    const kept = new Set(d.kept);
    g.font = col.font; g.textBaseline = 'bottom';
    d.candidates.boxes.forEach(([x1, y1, x2, y2], i) => {
      const c = col.series[d.candidates.classes[i] % col.series.length];
      g.strokeStyle = c; g.lineWidth = kept.has(i) ? 2.5 : 1;
      g.setLineDash(kept.has(i) ? [] : [5, 4]);
      g.strokeRect(x1 * w, y1 * w, (x2 - x1) * w, (y2 - y1) * w);
      if (kept.has(i)) { g.fillStyle = c; g.fillText(`${SHAPES[d.candidates.classes[i]]} ${f3(d.candidates.scores[i])}`, x1 * w + 2, y1 * w - 1); }
    });
    g.setLineDash([]);
  }

  function renderDecoding() {
    const d = snap.detector;
    const nStep1 = d.all.cells.filter((c) => d.activated[c * (5 + d.classes)] > state.pc).length;
    stepsLine.replaceChildren(
      el('p', { style: 'margin:0.2rem 0', 'data-name': 'step-counts', 'data-value': `${nStep1},${d.candidates.boxes.length},${d.kept.length}` },
        `① pc > ${state.pc}: ${nStep1} of ${d.all.cells.length} cell-anchors; ② class = argmax c, score = pc·c_max; ③ score ≥ ${state.score}: ${d.candidates.boxes.length} candidates; ④ NMS per class at IoU ${snap.convention.op} ${state.iou}: ${d.kept.length} kept.`),
      el('p', { class: 'note', style: 'margin:0' }, `Truth: ${d.truth.boxes.length} shape${d.truth.boxes.length === 1 ? '' : 's'} (${d.truth.classes.map((c) => SHAPES[c]).join(', ')}), dotted green.`));
    setText(conventionNote, snap.convention.nms);
    timeline.max = String(d.epochsRun);
    timeline.value = String(d.epoch);
    setText(timelineLabel, `Showing the detector after epoch ${d.epoch}${d.epoch === d.epochsRun ? ' (the newest)' : ''}: drag to scrub back.`, d.epoch);
    if (d.link) {
      link.href = d.link.href;
      link.removeAttribute('aria-disabled');
      setText(linkNote, `There: ${d.link.boxes === d.candidates.boxes.length ? `all ${d.link.boxes}` : `the top ${d.link.boxes} of ${d.candidates.boxes.length}`} candidates as its scene, NMS per class at the IoU threshold ${state.iou} (it keeps the same boxes), and as boxes A and B the top candidate and the one overlapping it most (IoU ${f3(d.link.iou)}).`);
    } else {
      link.href = '#/iou-nms';
      link.setAttribute('aria-disabled', 'true');
      setText(linkNote, 'Fewer than two candidates pass the thresholds yet: train a little, or lower the pc threshold.');
    }
    renderDetCell();
  }

  function renderDetCell() {
    const d = snap.detector;
    const G = d.grid, A = d.anchors.length, D = 5 + d.classes;
    if (!detCell) detCell = { row: 0, col: 0 };
    const { row, col } = detCell;
    const kids = [el('p', { style: 'margin:0.3rem 0 0' }, el('b', {}, `Cell (row ${row + 1}, column ${col + 1})`), ': the raw outputs t and how they decode (cx = ', String(col), ', cy = ', String(row), ')')];
    for (let a = 0; a < A; a++) {
      const at = ((row * G + col) * A + a) * D;
      const t = d.raw.slice(at, at + D), y = d.activated.slice(at, at + D);
      const flat = (row * G + col) * A + a;
      const bi = d.all.cells.indexOf(flat);
      const box = bi >= 0 ? d.all.boxes[bi] : null;
      const [pw, ph] = [d.anchors[a][0] * G, d.anchors[a][1] * G];
      const div = el('div', { class: 'formula', 'data-anchor': String(a), 'data-pc': String(y[0]) });
      const probs = y.slice(5).map(f3).join(', ');
      tex(div, `\\begin{aligned}&\\text{anchor ${a + 1}: } t = [${t.map(f3).join(', ')}] \\\\ &p_c = \\sigma(t_o) = ${f3(y[0])},\\quad b_x = \\sigma(t_x) + c_x = ${f3(y[1])} + ${col},\\quad b_y = \\sigma(t_y) + c_y = ${f3(y[2])} + ${row} \\\\ &b_w = p_w e^{t_w} = ${f3(pw)}\\, e^{${f3(t[4])}} = ${f3(y[4])},\\quad b_h = p_h e^{t_h} = ${f3(ph)}\\, e^{${f3(t[3])}} = ${f3(y[3])} \\text{ cells} \\\\ &\\text{softmax}(z) = [${probs}]${box ? `,\\quad \\text{box } [${box.map(f3).join(', ')}]` : ''}\\end{aligned}`, true);
      kids.push(div);
    }
    detCellBox.replaceChildren(...kids);
  }
  const pickDetCell = (ev) => {
    if (!snap) return;
    const r = detCanvas.getBoundingClientRect();
    const G = snap.detector.grid;
    detCell = { row: clamp(Math.floor(((ev.clientY - r.top) / r.height) * G), 0, G - 1), col: clamp(Math.floor(((ev.clientX - r.left) / r.width) * G), 0, G - 1) };
    renderDetCell();
    drawDetections();
  };
  detCanvas.addEventListener('pointerdown', pickDetCell);
  detCanvas.addEventListener('keydown', (ev) => {
    if (!snap) return;
    const d = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] }[ev.key];
    if (!d) return;
    ev.preventDefault();
    const G = snap.detector.grid;
    detCell = { row: clamp((detCell?.row ?? 0) + d[0], 0, G - 1), col: clamp((detCell?.col ?? 0) + d[1], 0, G - 1) };
    renderDetCell();
    drawDetections();
  });

  let lastStatic = null;
  const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(() => { if (snap) { drawScene(); drawAnchors(); drawDetections(); } }) : null;
  ro?.observe(sceneCanvas);
  ro?.observe(detCanvas);

  return {
    update(snapshot, st, stat = {}) {
      const staticChanged = snapshot.staticKey !== lastStatic || st.S !== state?.S;
      snap = snapshot;
      if (st.boxes !== state?.boxes) cur = null;
      state = st;
      status = stat;
      playBtn.textContent = stat.playing ? 'Pause' : 'Play';
      playBtn.dataset.playing = String(!!stat.playing);
      progress.max = String(stat.progress?.total ?? 1);
      progress.value = String(stat.progress?.value ?? 0);
      const e = snap.encoding;
      encError.hidden = !e.error;
      encError.textContent = e.error ?? '';
      setText(sceneNote, e.error ? 'The grid keeps the last boxes that encoded.' : `${e.perBox.length} boxes; ${e.dropped ? `${e.dropped} dropped (their cell and anchor were taken)` : 'none dropped'}. Each centre's cell is shaded; its anchors are drawn around the centre, the one it is assigned to solid.`, e.dropped ?? '');
      if (staticChanged) {
        lastStatic = snapshot.staticKey;
        if (!e.error) { drawScene(); renderTensor(); }
        renderTargets();
        drawAnchors();
      }
      renderTraining();
      renderDecoding();
      drawDetections();
    },
    destroy() { ro?.disconnect(); session?.pause(); },
  };
}
