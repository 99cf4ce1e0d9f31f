// The siamese lesson's view (page only): the twin towers on their one weight set with the current
// pair, the contrastive loss against distance with the current batch's pairs on it, the held-out
// digits' 2-d embedding (click a digit to find its neighbours; scrub the epochs), the held-out
// pairs' distance histograms with a draggable threshold, the ROC curve, and "find similar" for a
// drawn digit. Training runs in the worker (kit.session); every number shown comes from its
// snapshots (the core). Drawing here is layout: scales, bins of the histograms, hit-testing.
import { fmt } from '../format.mjs';
import { HELD_OUT, NEIGHBOURS } from './lesson.mjs';

const HIST_BINS = 30;

export function mount(root, kit) {
  const { el, session } = kit;
  let state = null;
  let snap = null;
  let tauNow = null;    // the threshold and query last set from the keyboard (until the next update)
  let queryNow = null;
  let status = { playing: false, done: false };

  const cell = (name, text = '–', value = '') => el('span', { 'data-name': name, 'data-value': String(value) }, text);
  const setCell = (node, v, text = fmt(v)) => { node.textContent = text; node.dataset.value = String(v); };
  const panel = (title, cls, ...kids) => el('div', { class: cls ? `panel ${cls}` : 'panel' }, el('h3', {}, title), ...kids);
  const swatch = (color, label, mark = '━ ') => el('span', { style: `color:${color};margin-right:1em` }, mark, label);

  // ---- toolbar and timeline ------------------------------------------------------------------
  const playBtn = el('button', { type: 'button', 'data-name': 'play' }, 'Play');
  const stepBtn = el('button', { type: 'button', 'data-name': 'step', title: 'Train on one batch of pairs' }, 'Step');
  const resetBtn = el('button', { type: 'button', 'data-name': 'reset', title: 'New weights from the seed' }, 'Reset');
  const progress = el('progress', { max: '1', value: '0', 'aria-label': 'epochs run', style: 'flex:1 1 8rem;align-self:center' });
  const statusLine = el('p', { class: 'big', 'data-name': 'status' });
  const failLine = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'failure' });
  playBtn.addEventListener('click', () => (status.playing ? session.pause() : session.play()));
  stepBtn.addEventListener('click', () => session.step());
  resetBtn.addEventListener('click', () => session.reset());
  const timeline = el('input', { type: 'range', min: '0', max: '0', step: '1', value: '0', 'aria-label': 'epoch shown', 'data-name': 'timeline', style: 'width:100%' });
  const timelineLabel = el('p', { class: 'note', 'data-name': 'timeline-label' });
  let scrubbing = false;
  timeline.addEventListener('input', () => { scrubbing = true; session.command('scrub', { epoch: Number(timeline.value) }); });
  timeline.addEventListener('change', () => { scrubbing = false; });

  // ---- the embedding (the main figure) -------------------------------------------------------
  const embCanvas = el('canvas', { class: 'chart', 'data-figure': 'click', 'data-name': 'embedding', tabindex: '0', role: 'img',
    style: 'height:auto;cursor:crosshair',
    'aria-label': 'The held-out digits in the 2-d embedding, each drawn as its class numeral. Click a digit (or use the left and right arrow keys) to find its nearest neighbours.' });
  const embNote = el('p', { class: 'note', 'data-name': 'embedding-note' });
  let embFrame = null;  // data → pixel mapping of the last draw, for picking
  embCanvas.addEventListener('pointerdown', (e) => {
    if (!embFrame || !snap?.embedding) return;
    const r = embCanvas.getBoundingClientRect();
    const px = e.clientX - r.left, py = e.clientY - r.top;
    let best = -1, bd = Infinity;
    for (let i = 0; i < HELD_OUT; i++) {
      const dx = embFrame.X(snap.embedding[2 * i]) - px, dy = embFrame.Y(snap.embedding[2 * i + 1]) - py;
      const d = dx * dx + dy * dy;
      if (d < bd) { bd = d; best = i; }
    }
    if (best >= 0) kit.set('query', best + 1);
  });
  embCanvas.addEventListener('keydown', (e) => {
    if (!state) return;
    const step = e.shiftKey ? 10 : 1;
    const q = queryNow ?? state.query;
    if (e.key === 'ArrowRight' || e.key === 'ArrowUp') queryNow = Math.min(HELD_OUT, q + step);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') queryNow = Math.max(1, q - step);
    else return;
    kit.set('query', queryNow);
    e.preventDefault();
  });

  // ---- twin towers -------------------------------------------------------------------------------
  const towerCanvas = el('canvas', { class: 'chart', role: 'img', 'data-name': 'towers', style: 'height:auto',
    'aria-label': 'Two digits enter two towers that read one shared weight set; their embeddings f(a) and f(b) give the distance D and the loss.' });
  const towerLine = el('p', { 'data-name': 'pair-line' });
  const paramsLine = el('p', { class: 'note', 'data-name': 'params' });

  // ---- loss against distance ---------------------------------------------------------------------
  const lossCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'The contrastive loss against the distance D for a same pair and a different pair, with the current batch\'s pairs on the curves' });
  const lossChart = new kit.LineChart(lossCanvas, { xmin: 0, ymin: 0, xlabel: 'D', ylabel: 'L' });
  const lossLegend = el('p', { class: 'note' });
  const formulaLine = el('p', { 'data-name': 'formula-line' });
  const marginLine = el('p', { class: 'note', 'data-name': 'margin-line' });

  // ---- histograms and threshold ------------------------------------------------------------------
  const histCanvas = el('canvas', { class: 'chart', tabindex: '0', role: 'img', 'data-name': 'histogram', style: 'touch-action:pan-y;cursor:ew-resize',
    'aria-label': 'Histograms of the held-out pairs\' distances, same pairs and different pairs, with the threshold τ: drag it, or use the left and right arrow keys' });
  let histFrame = null;
  let dragging = false;
  const setTau = (e) => {
    if (!histFrame) return;
    const r = histCanvas.getBoundingClientRect();
    const v = histFrame.inv(e.clientX - r.left);
    kit.set('threshold', Math.min(5, Math.max(0, Math.round(v * 100) / 100)));
  };
  histCanvas.addEventListener('pointerdown', (e) => { dragging = true; histCanvas.setPointerCapture(e.pointerId); setTau(e); });
  histCanvas.addEventListener('pointermove', (e) => { if (dragging) setTau(e); });
  const stopDrag = () => { dragging = false; };
  histCanvas.addEventListener('pointerup', stopDrag);
  histCanvas.addEventListener('pointercancel', stopDrag);
  histCanvas.addEventListener('keydown', (e) => {
    if (!state) return;
    const d = (e.shiftKey ? 0.1 : 0.01) * (e.key === 'ArrowRight' || e.key === 'ArrowUp' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowDown' ? -1 : 0);
    if (!d) return;
    e.preventDefault();
    // From the last value set (several presses may come before the next update).
    tauNow = Math.min(5, Math.max(0, Math.round(((tauNow ?? state.threshold) + d) * 100) / 100));
    kit.set('threshold', tauNow);
  });
  const histLegend = el('p', { class: 'note' });
  const counts = { tp: cell('tp'), fp: cell('fp'), tn: cell('tn'), fn: cell('fn'), acc: cell('accuracy'), tau: cell('tau'), best: cell('best-threshold'), bestAcc: cell('best-accuracy') };
  const countsBox = el('div', { 'data-name': 'counts' },
    el('p', {}, 'Same when D ≤ τ = ', counts.tau, ': accuracy ', counts.acc, ' = (TP ', counts.tp, ' + TN ', counts.tn, ') / ', cell('pairs-n', String(0))),
    el('p', { class: 'note' }, 'Same pairs called different (FN): ', counts.fn, '; different pairs called same (FP): ', counts.fp, '.'),
    el('p', { class: 'note' }, 'The best τ on these pairs: ', counts.best, ' (accuracy ', counts.bestAcc, ').'));
  const bestBtn = el('button', { type: 'button', 'data-name': 'use-best' }, 'Use the best τ');
  bestBtn.addEventListener('click', () => { if (snap?.judged) kit.set('threshold', Math.min(5, Math.round(snap.judged.best.threshold * 100) / 100)); });

  // ---- ROC -----------------------------------------------------------------------------------------
  const rocCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'The ROC curve: true-positive rate against false-positive rate over every threshold, the current τ marked' });
  const rocChart = new kit.LineChart(rocCanvas, { xmin: 0, xmax: 1, ymin: 0, ymax: 1, xlabel: 'FPR', ylabel: 'TPR' });
  const aucCell = cell('auc');
  const rocLine = el('p', {}, 'AUC = ', aucCell, el('span', { class: 'note', 'data-name': 'roc-point' }));

  // ---- find similar --------------------------------------------------------------------------------
  const notice = el('p', { class: 'error-box', role: 'status', hidden: true, 'data-name': 'notice' });
  const sendDrawing = (pad) => {
    const im = pad.image();
    session.command('draw', { image: Array.from(im.data), height: im.height, width: im.width });
  };
  const pad = new kit.DrawPad({ label: 'Draw a digit to find similar ones', name: 'drawpad',
    onStroke: (p) => (p.isEmpty() ? session.command('draw', { pixels: null }) : sendDrawing(p)) });
  const findBtn = el('button', { type: 'button', 'data-name': 'find-drawn' }, 'Find digits like my drawing');
  findBtn.addEventListener('click', () => sendDrawing(pad));
  const queryBox = el('div', { 'data-name': 'query', style: 'display:flex;gap:0.5rem;align-items:center;flex-wrap:wrap' });
  const neighboursBox = el('div', { 'data-name': 'neighbours', style: 'display:flex;gap:0.5rem;flex-wrap:wrap' });
  const findNote = el('p', { class: 'note', 'data-name': 'find-note' });

  // ---- history -------------------------------------------------------------------------------------
  const histC = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'Training and held-out loss and held-out AUC per epoch' });
  const historyChart = new kit.LineChart(histC, { xmin: 0, ymin: 0, ymax: 1, xlabel: 'epoch' });
  const historyLegend = el('p', { class: 'note' });

  root.append(
    el('div', { class: 'panel' }, el('div', { class: 'buttons' }, playBtn, stepBtn, resetBtn, progress), statusLine, failLine, timeline, timelineLabel),
    panel('The embedding: held-out digits, f(x) in the plane', 'wide', embCanvas, embNote),
    panel('Twin towers, one weight set', '', towerCanvas, towerLine, paramsLine),
    panel('Contrastive loss against distance', '', lossCanvas, lossLegend, formulaLine, marginLine),
    panel('Distances of held-out pairs, and a threshold', '', histCanvas, histLegend, countsBox, el('div', { class: 'buttons' }, bestBtn)),
    panel('ROC curve', '', rocCanvas, rocLine),
    panel('Find similar', 'wide', el('div', { style: 'display:flex;gap:1rem;flex-wrap:wrap;align-items:flex-start' },
      el('div', {}, pad.element, el('div', { class: 'buttons' }, findBtn)),
      el('div', { style: 'flex:1 1 14rem' }, queryBox, neighboursBox, findNote)), notice),
    panel('Loss and AUC per epoch', '', histC, historyLegend),
  );

  // A 14 × 14 digit (grey levels 0..255 or 0..1) as a small canvas in the theme's ink, its
  // backing store at the device pixel ratio.
  function thumb(pixels, name, title) {
    const side = Math.round(Math.sqrt(pixels.length));
    const css = 42;
    const px = Math.round(css * Math.min(3, globalThis.devicePixelRatio || 1));
    const c = el('canvas', { width: String(px), height: String(px), 'data-name': name, title,
      style: `box-sizing:content-box;width:${css}px;height:${css}px;border:1px solid var(--border);border-radius:3px` });
    const g = c.getContext('2d');
    const col = kit.colors(root);
    const max = pixels.some((v) => v > 1) ? 255 : 1;
    const s = px / side;
    g.fillStyle = col.panel;
    g.fillRect(0, 0, px, px);
    g.fillStyle = col.fg;
    for (let i = 0; i < pixels.length; i++) {
      if (!pixels[i]) continue;
      g.globalAlpha = Math.min(1, pixels[i] / max);
      g.fillRect((i % side) * s, Math.floor(i / side) * s, Math.ceil(s), Math.ceil(s));
    }
    g.globalAlpha = 1;
    return c;
  }
  const drawThumb = (g, pixels, x, y, size, col) => {
    const side = Math.round(Math.sqrt(pixels.length));
    const s = size / side;
    g.fillStyle = col.panel;
    g.fillRect(x, y, size, size);
    g.strokeStyle = col.border;
    g.strokeRect(x + 0.5, y + 0.5, size, size);
    g.fillStyle = col.fg;
    for (let i = 0; i < pixels.length; i++) {
      if (!pixels[i]) continue;
      g.globalAlpha = Math.min(1, pixels[i] / 255);
      g.fillRect(x + (i % side) * s, y + Math.floor(i / side) * s, s + 0.3, s + 0.3);
    }
    g.globalAlpha = 1;
  };

  function drawEmbedding() {
    const f = kit.fitCanvas(embCanvas, { aspect: 0.62 });
    if (!f || !snap?.embedding) return;
    const { g, w, h } = f;
    const col = kit.colors(embCanvas);
    const e = snap.embedding;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < HELD_OUT; i++) {
      x0 = Math.min(x0, e[2 * i]); x1 = Math.max(x1, e[2 * i]);
      y0 = Math.min(y0, e[2 * i + 1]); y1 = Math.max(y1, e[2 * i + 1]);
    }
    const pad = 16;
    const span = Math.max(x1 - x0, y1 - y0, 1e-6);
    const k = Math.min((w - 2 * pad) / (x1 - x0 || span), (h - 2 * pad) / (y1 - y0 || span));
    const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    const X = (v) => w / 2 + (v - cx) * k;
    const Y = (v) => h / 2 - (v - cy) * k;
    embFrame = { X, Y };
    g.strokeStyle = col.grid;
    g.strokeRect(0.5, 0.5, w - 1, h - 1);
    g.font = `bold ${Math.max(12, Math.round(w / 60))}px ${col.font.split('px ').pop()}`;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    for (let i = 0; i < HELD_OUT; i++) {
      g.fillStyle = col.series[snap.labels[i] % col.series.length];
      g.globalAlpha = 0.8;
      g.fillText(String(snap.labels[i]), X(e[2 * i]), Y(e[2 * i + 1]));
    }
    g.globalAlpha = 1;
    // The margin as a circle around the query: different digits inside it are still being pushed.
    const nb = snap.neighbours;
    if (nb) {
      const [qx, qy] = nb.queryEmbedding;
      g.strokeStyle = col.fg;
      g.lineWidth = 1;
      for (const n of nb.list) {
        g.beginPath(); g.moveTo(X(qx), Y(qy)); g.lineTo(X(e[2 * n.index]), Y(e[2 * n.index + 1])); g.stroke();
      }
      g.setLineDash([4, 3]);
      g.beginPath(); g.arc(X(qx), Y(qy), state.margin * k, 0, 2 * Math.PI); g.stroke();
      g.setLineDash([]);
      g.lineWidth = 2.5;
      g.strokeStyle = col.accent;
      g.beginPath(); g.arc(X(qx), Y(qy), 9, 0, 2 * Math.PI); g.stroke();
      g.lineWidth = 1;
    }
  }

  function drawTowers() {
    const f = kit.fitCanvas(towerCanvas, { aspect: 0.5 });
    if (!f || !snap) return;
    const { g, w, h } = f;
    const col = kit.colors(towerCanvas);
    g.font = col.font;
    g.textBaseline = 'middle';
    const first = snap.first;
    const img = Math.min(h * 0.3, w * 0.13);
    const rows = [h * 0.2, h * 0.8];
    const xImg = 4, xTower = xImg + img + w * 0.06, tw = w * 0.3, xOut = xTower + tw + w * 0.05;
    const th = Math.min(h * 0.26, 56);
    // The shared weight set, drawn once between the towers.
    const wx = xTower + tw * 0.1, ww = tw * 0.8, wy = h / 2 - th / 2;
    g.fillStyle = col.highlight;
    g.fillRect(wx, wy, ww, th);
    g.strokeStyle = col.accent;
    g.lineWidth = 2;
    g.strokeRect(wx, wy, ww, th);
    g.fillStyle = col.fg;
    g.textAlign = 'center';
    g.fillText('one weight set', wx + ww / 2, wy + th * 0.33);
    g.fillText(`${snap.params.toLocaleString('en-US')} parameters`, wx + ww / 2, wy + th * 0.7);
    rows.forEach((yc, r) => {
      const pix = first ? (r === 0 ? first.pixelsA : first.pixelsB) : null;
      if (pix) drawThumb(g, pix, xImg, yc - img / 2, img, col);
      g.strokeStyle = col.border;
      g.lineWidth = 1;
      g.strokeRect(xTower + 0.5, yc - th / 4, tw, th / 2);
      g.fillStyle = col.fg;
      g.textAlign = 'center';
      g.fillText(`Dense(${state.hidden}, ${state.activation}) → Dense(2)`, xTower + tw / 2, yc);
      // arrows: image → tower → output; the weights feed both towers (dashed)
      g.strokeStyle = col.muted;
      g.beginPath(); g.moveTo(xImg + img + 2, yc); g.lineTo(xTower - 2, yc); g.stroke();
      g.beginPath(); g.moveTo(xTower + tw + 2, yc); g.lineTo(xOut - 4, yc); g.stroke();
      g.strokeStyle = col.accent;
      g.setLineDash([5, 3]);
      g.beginPath(); g.moveTo(wx + ww / 2, r === 0 ? wy : wy + th); g.lineTo(wx + ww / 2, r === 0 ? yc + th / 4 : yc - th / 4); g.stroke();
      g.setLineDash([]);
      const e = first ? (r === 0 ? first.ea : first.eb) : null;
      g.fillStyle = col.fg;
      g.textAlign = 'left';
      g.fillText(`f(${r === 0 ? 'a' : 'b'}) = ${e ? `(${fmt(e[0], 2)}, ${fmt(e[1], 2)})` : '–'}`, xOut, yc);
    });
    if (snap.batchPairs) {
      const d = snap.batchPairs.d[0];
      const y = snap.batchPairs.same[0];
      g.textAlign = 'left';
      g.fillStyle = col.fg;
      g.fillText(`D = ${fmt(d, 3)}, y = ${y}`, xOut, h / 2 - 9);
      g.fillText(`L = ${fmt(snap.batchPairs.loss[0], 3)}`, xOut, h / 2 + 11);
    }
  }

  function drawHistogram() {
    const f = kit.fitCanvas(histCanvas, { height: 180 });
    if (!f || !snap?.evalD) return;
    const { g, w, h } = f;
    const col = kit.colors(histCanvas);
    g.font = col.font;
    const d = snap.evalD;
    const dMax = Math.max(state.threshold, ...d) * 1.05 || 1;
    const padL = 8, padR = 8, padT = 8, padB = 22;
    const bw = (w - padL - padR) / HIST_BINS;
    const X = (v) => padL + (v / dMax) * (w - padL - padR);
    histFrame = { inv: (px) => ((px - padL) / (w - padL - padR)) * dMax };
    const bins = [new Array(HIST_BINS).fill(0), new Array(HIST_BINS).fill(0)];
    d.forEach((v, i) => { bins[snap.evalSame[i] ? 0 : 1][Math.min(HIST_BINS - 1, Math.floor((v / dMax) * HIST_BINS))] += 1; });
    const top = Math.max(1, ...bins[0], ...bins[1]);
    const [cs, cd] = col.series;
    [[bins[0], cs], [bins[1], cd]].forEach(([b, c]) => {
      g.fillStyle = c;
      g.globalAlpha = 0.35;
      b.forEach((n, i) => g.fillRect(padL + i * bw, h - padB - (n / top) * (h - padT - padB), bw - 1, (n / top) * (h - padT - padB)));
      g.globalAlpha = 1;
      g.strokeStyle = c;
      g.lineWidth = 1.5;
      g.beginPath();
      b.forEach((n, i) => { const y = h - padB - (n / top) * (h - padT - padB); g.moveTo(padL + i * bw, y); g.lineTo(padL + (i + 1) * bw, y); });
      g.stroke();
    });
    g.fillStyle = col.muted;
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (let k = 0; k <= 4; k++) g.fillText(String(Number(((dMax * k) / 4).toPrecision(2))), X((dMax * k) / 4), h - padB + 4);
    g.strokeStyle = col.accent;
    g.lineWidth = 2.5;
    const tx = X(state.threshold);
    g.beginPath(); g.moveTo(tx, padT); g.lineTo(tx, h - padB); g.stroke();
    g.fillStyle = col.accent;
    g.textAlign = tx > w - 40 ? 'right' : 'left';
    g.fillText(`τ = ${state.threshold}`, tx + (tx > w - 40 ? -4 : 4), padT);
  }

  function redraw() {
    drawEmbedding();
    drawTowers();
    drawHistogram();
  }
  const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(() => redraw()) : null;
  for (const c of [embCanvas, towerCanvas, histCanvas]) ro?.observe(c);

  let neighboursKey = null;
  let loadTimer = null;
  function fillNeighbours(s, st, nb) {
    queryBox.replaceChildren();
    if (nb.drawn) {
      queryBox.append(thumb(s.drawing, 'query-image', 'your drawing, prepared as MNIST digits are'), el('span', {}, 'Your drawing (as the core prepared it, 14 × 14), embedded by the newest weights. Its nearest held-out digits:'));
    } else {
      queryBox.append(thumb(nb.queryPixels, 'query-image', `held-out digit #${st.query}`), el('span', {}, `Held-out digit #${st.query} (a ${nb.queryLabel}). Its nearest neighbours in the embedding:`));
    }
    neighboursBox.replaceChildren(...nb.list.map((n, i) => el('figure', { style: 'margin:0;text-align:center', 'data-name': `neighbour-${i}`, 'data-label': String(n.label), 'data-index': String(n.index), 'data-distance': String(n.distance) },
      thumb(n.pixels, `neighbour-image-${i}`, `held-out digit #${n.index + 1}`), el('figcaption', { class: 'note' }, `${n.label} · D ${fmt(n.distance, 2)}`))));
  }

  function update(s, st, stat) {
    snap = s;
    state = st;
    tauNow = st.threshold;
    queryNow = st.query;
    status = stat ?? status;
    const col = kit.colors(root);
    const [c1, c2] = col.series;
    playBtn.textContent = status.playing ? 'Pause' : 'Play';
    const p = status.progress ?? { value: s.epoch, total: s.epochs };
    progress.max = String(p.total || 1);
    progress.value = String(p.value);
    failLine.hidden = !s.failure;
    failLine.textContent = s.failure ?? '';
    notice.hidden = !status.notice;
    notice.textContent = status.notice ?? '';
    if (s.loading && !loadTimer && !s.failure) {
      // The digits arrive by fetch: ask the session to look again soon (it trains nothing), so the
      // untrained embedding shows without pressing Play.
      loadTimer = setTimeout(() => { loadTimer = null; session.command('load'); }, 150);
    }
    if (s.loading) {
      setCell(statusLine, 0, status.playing ? 'Loading the MNIST digits…' : 'Ready: press Play, or Step for one batch (the 3,000 MNIST digits, 0.6 MB, load first).');
      Object.assign(statusLine.dataset, { epoch: '0', batches: '0', playing: String(!!status.playing), mode: session.mode ?? '' });
      return;
    }
    const batchesDone = s.epoch * s.batches + s.batch;
    setCell(statusLine, batchesDone, `Epoch ${s.epoch} of ${s.epochs}, batch ${s.batch} of ${s.batches} (${s.nTrain} training digits, ${st.batch} pairs per batch)${status.done && !s.failure ? ' · done' : ''}`);
    Object.assign(statusLine.dataset, { epoch: String(s.epoch), batches: String(batchesDone), playing: String(!!status.playing), mode: session.mode ?? '' });
    timeline.max = String(s.newest);
    if (!scrubbing) timeline.value = String(s.shown);
    setCell(timelineLabel, s.shown, s.shown === s.newest ? `Showing epoch ${s.shown} (the newest; drag back to see an earlier one)` : `Showing epoch ${s.shown} of ${s.newest} (training goes on from the newest)`);
    embNote.textContent = `${HELD_OUT} held-out digits (never trained on) after epoch ${s.shown}, each drawn as its numeral. The ring marks digit #${st.query}; the dashed circle has the margin m = ${st.margin} as radius.`;

    // Towers
    paramsLine.textContent = `The model applies the same two layers to both inputs: ${s.params.toLocaleString('en-US')} parameters = 196·${st.hidden} + ${st.hidden} + ${st.hidden}·2 + 2, one tower's worth (two separate towers would hold ${(2 * s.towerParams).toLocaleString('en-US')}). ${s.distance.note}.`;
    if (s.first && s.batchPairs) {
      const y = s.batchPairs.same[0];
      towerLine.textContent = `The current batch's first pair: a ${s.first.labelA} and a ${s.first.labelB}, y = ${y} (${y ? 'same digit' : 'different digits'}).`;
    } else {
      towerLine.textContent = 'No batch yet: press Step or Play.';
    }

    // Loss against distance
    const cv = s.curves;
    const markers = [];
    if (s.batchPairs) {
      s.batchPairs.d.forEach((d, i) => markers.push({ x: d, y: s.batchPairs.loss[i], color: s.batchPairs.same[i] ? c1 : c2 }));
    }
    const yTop = Math.max(st.margin * st.margin, ...markers.map((m) => m.y)) * 1.15;
    lossChart.xmax = cv.d.at(-1);
    lossChart.ymax = yTop;
    lossChart.set({
      series: [
        { points: cv.d.map((d, i) => [d, cv.same[i]]), color: c1, width: 2.5 },
        { points: cv.d.map((d, i) => [d, cv.different[i]]), color: c2, width: 2.5 },
        { points: [[st.margin, 0], [st.margin, yTop]], color: col.muted, width: 1, dash: [4, 4] },
      ],
      markers,
    });
    lossLegend.replaceChildren(swatch(c1, 'same (y = 1): D²'), swatch(c2, 'different (y = 0): max(0, m − D)²'), swatch(col.muted, `m = ${st.margin}`, '┆ '));
    if (s.batchPairs) {
      // The batch's first same pair (index 0) and first different pair (index 1), written out.
      const bp = s.batchPairs;
      const k = bp.same.findIndex((v) => !v);
      const j = bp.same.findIndex((v) => v);
      const lines = [];
      if (j >= 0) lines.push(`same pair: L = 1·D² = ${fmt(bp.d[j])}² = ${fmt(bp.loss[j])}`);
      if (k >= 0) lines.push(`different pair: L = max(0, m − D)² = max(0, ${st.margin} − ${fmt(bp.d[k])})² = ${fmt(bp.loss[k])}`);
      setCell(formulaLine, k >= 0 ? bp.loss[k] : NaN, lines.join(' · '));
      const inside = s.batchPairs.d.filter((v, i) => !s.batchPairs.same[i] && v < st.margin).length;
      const diff = s.batchPairs.same.filter((v) => !v).length;
      setCell(marginLine, inside, `The dots are the ${s.batchPairs.d.length} pairs of batch ${s.batchPairs.batch + 1} of epoch ${s.batchPairs.epoch + 1}, their losses at the margin now. ${inside} of its ${diff} different pairs are inside the margin and still pushed apart.`);
    } else {
      setCell(formulaLine, NaN, 'L = y·D² + (1 − y)·max(0, m − D)²');
      marginLine.textContent = '';
    }

    // Threshold, counts, ROC
    const j = s.judged;
    setCell(counts.tau, st.threshold, String(st.threshold));
    setCell(counts.acc, j.counts.accuracy);
    for (const k of ['tp', 'fp', 'tn', 'fn']) setCell(counts[k], j.counts[k], String(j.counts[k]));
    const pairsN = countsBox.querySelector('[data-name="pairs-n"]');
    setCell(pairsN, s.evalD.length, String(s.evalD.length));
    setCell(counts.best, j.best.threshold);
    setCell(counts.bestAcc, j.best.accuracy);
    histLegend.replaceChildren(swatch(c1, `same pairs (${j.counts.tp + j.counts.fn})`, '■ '), swatch(c2, `different pairs (${j.counts.fp + j.counts.tn})`, '■ '), swatch(col.accent, 'τ', '┃ '));
    setCell(aucCell, j.auc);
    const P = j.counts.tp + j.counts.fn, N = j.counts.fp + j.counts.tn;
    const tpr = j.counts.tp / P, fpr = j.counts.fp / N;
    rocLine.querySelector('[data-name="roc-point"]').textContent = ` · at τ = ${st.threshold}: TPR = ${j.counts.tp}/${P} = ${fmt(tpr)}, FPR = ${j.counts.fp}/${N} = ${fmt(fpr)}`;
    rocChart.set({
      series: [
        { points: [[0, 0], [1, 1]], color: col.muted, width: 1, dash: [4, 4] },
        { points: j.fpr.map((x, i) => [x, j.tpr[i]]), color: col.accent, width: 2.5 },
      ],
      markers: [{ x: fpr, y: tpr, color: col.accent2, label: `τ = ${st.threshold}` }],
    });

    // Find similar
    const nb = s.neighbours;
    // Rebuilt only when the query or its neighbours changed (not on every training frame).
    const key = JSON.stringify([nb.drawn ? s.drawing : st.query, nb.list.map((n) => [n.index, n.distance]), kit.isDark()]);
    if (key !== neighboursKey) {
      neighboursKey = key;
      fillNeighbours(s, st, nb);
    }
    setCell(findNote, nb.drawn ? NaN : nb.sameClass, nb.drawn ? `The ${NEIGHBOURS} nearest by Euclidean distance in the plane (the core's nearest neighbours). Clear the pad to go back to digit #${st.query}.`
      : `${nb.sameClass} of the ${NEIGHBOURS} nearest are also a ${nb.queryLabel} (the core's nearest neighbours, Euclidean in the plane, epoch ${s.shown}).`);

    // History
    const ep = (a) => a.map((v, i) => [i + 1, v]);
    historyChart.xmax = Math.max(1, s.epochs);
    historyChart.set({ series: [
      { points: ep(s.history.loss), color: c1 },
      { points: ep(s.history.val_loss), color: c2, dash: [4, 3] },
      { points: s.aucs.map((v, i) => [i, v]), color: col.accent, width: 2.5 },
    ] });
    historyLegend.replaceChildren(swatch(c1, 'training loss'), swatch(c2, 'held-out loss', '┄ '), swatch(col.accent, 'held-out AUC (epoch 0: before training)'));
    redraw();
  }

  return {
    update,
    destroy() { ro?.disconnect(); clearTimeout(loadTimer); },
  };
}
