// The early-stopping lesson's view (page only): the decision surface with the (noisy) training and
// the held-out points, loss / accuracy / lr per epoch with the best epoch marked, the patience
// counters filling, the log of when each callback fired, and a timeline to scrub to any epoch.
// Training runs in the worker (kit.session); every number shown comes from its snapshots.
import { fmt } from '../format.mjs';
import { DOMAIN } from './lesson.mjs';

const rgb = (c) => {
  const m = /^#([0-9a-f]{6})$/i.exec(String(c).trim());
  if (m) { const n = parseInt(m[1], 16); return [(n >> 16) & 255, (n >> 8) & 255, n & 255]; }
  const r = /rgba?\(([^)]+)\)/.exec(String(c));
  return r ? r[1].split(',').slice(0, 3).map((v) => Number(v)) : [128, 128, 128];
};

export function mount(root, kit) {
  const { el, session } = kit;
  let status = { playing: false, done: false };
  let last = null;

  const cell = (name) => el('span', { 'data-name': name, 'data-value': '' }, '–');
  const setCell = (node, v, text = fmt(v)) => { node.textContent = text; node.dataset.value = String(v); };

  const playBtn = el('button', { type: 'button', 'data-name': 'play' }, 'Play');
  const stepBtn = el('button', { type: 'button', 'data-name': 'step', title: 'Train on one batch' }, 'Step');
  const resetBtn = el('button', { type: 'button', 'data-name': 'reset', title: 'Start again from the seed' }, 'Reset');
  const progress = el('progress', { max: '1', value: '0', 'aria-label': 'epochs run', style: 'flex:1 1 8rem;align-self:center' });
  const statusLine = el('p', { class: 'big', 'data-name': 'status' });
  const problemLine = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'failure' });
  playBtn.addEventListener('click', () => (status.playing ? session.pause() : session.play()));
  stepBtn.addEventListener('click', () => session.step());
  resetBtn.addEventListener('click', () => session.reset());

  // ---- the surface ------------------------------------------------------------------------------
  const plot = el('canvas', { 'data-figure': '', role: 'img', style: 'display:block;width:100%;max-width:420px;aspect-ratio:1;',
    'aria-label': 'p(class 1) over the plane, the training points (filled, some labels flipped) and the held-out points (rings)' });
  const plotNote = el('p', { class: 'note', 'data-name': 'plot-note' });

  // ---- curves -------------------------------------------------------------------------------------
  const chart = (label, o = {}) => {
    const c = el('canvas', { class: 'chart', role: 'img', 'aria-label': label });
    return { canvas: c, chart: new kit.LineChart(c, { xmin: 0, ...o }) };
  };
  const lossC = chart('loss per epoch: training (thin) and held-out (thick), best epoch marked', { ymin: 0 });
  const accC = chart('accuracy per epoch: training (thin) and held-out (thick)', { ymin: 0, ymax: 1 });
  const lrC = chart('learning rate per epoch', { ymin: 0 });
  const lossLegend = el('p', { class: 'note' });

  // ---- counters and log ---------------------------------------------------------------------------
  const wait = cell('wait');
  const patience = cell('patience');
  const best = cell('best-epoch');
  const bestValue = cell('best-value');
  const plateauWait = cell('plateau-wait');
  const cooldown = cell('cooldown-left');
  const lrNow = cell('lr');
  const boxes = el('div', { 'data-name': 'patience-boxes', role: 'img', style: 'display:flex;flex-wrap:wrap;gap:2px;margin:.3rem 0' });
  const log = el('ol', { 'data-name': 'events', class: 'note', style: 'max-height:14rem;overflow:auto' });

  // ---- timeline -----------------------------------------------------------------------------------
  const timeline = el('input', { type: 'range', min: '0', max: '0', step: '1', value: '0', 'aria-label': 'epoch to go back to', 'data-name': 'timeline', style: 'width:100%' });
  const timelineLabel = el('p', { class: 'note', 'data-name': 'timeline-label' });
  let scrubbing = false;
  timeline.addEventListener('input', () => { scrubbing = true; timelineLabel.textContent = `Go back to epoch ${timeline.value} (release to load it)`; });
  timeline.addEventListener('change', () => { scrubbing = false; session.command('scrub', { epoch: Number(timeline.value) }); });

  const panel = (title, ...kids) => el('div', { class: 'panel' }, el('h3', {}, title), ...kids);
  root.append(
    el('div', { class: 'panel' }, el('div', { class: 'buttons' }, playBtn, stepBtn, resetBtn, progress), statusLine, problemLine),
    panel('The network on noisy labels', plot, plotNote),
    panel('Loss', lossC.canvas, lossLegend),
    panel('Callbacks now',
      el('p', {}, 'EarlyStopping wait ', wait, ' of patience ', patience), boxes,
      el('p', {}, 'best epoch ', best, ' (', bestValue, ')'),
      el('p', {}, 'ReduceLROnPlateau wait ', plateauWait, ', cooldown left ', cooldown, ', lr ', lrNow)),
    panel('When each callback fired', log),
    panel('Accuracy', accC.canvas),
    panel('Learning rate', lrC.canvas),
    el('div', { class: 'panel wide' }, el('h3', {}, 'Timeline'), timeline, timelineLabel),
  );

  function drawSurface(snap, col) {
    const fit = kit.fitCanvas(plot, { aspect: 1 });
    if (!fit || !snap.surface) return;
    const { g, w, h } = fit;
    const G = Math.round(Math.sqrt(snap.surface.values.length));
    const a = rgb(col.series[0]);
    const b = rgb(col.series[1]);
    const bg = rgb(col.panel);
    const img = new ImageData(G, G);
    for (let i = 0; i < G * G; i++) {
      const p = snap.surface.values[i];
      const t = Math.abs(p - 0.5) * 1.2; // strength of the shading
      const c = p > 0.5 ? b : a;
      for (let k = 0; k < 3; k++) img.data[4 * i + k] = Math.round(bg[k] + (c[k] - bg[k]) * t);
      img.data[4 * i + 3] = 255;
    }
    const off = new OffscreenCanvas(G, G);
    off.getContext('2d').putImageData(img, 0, 0);
    g.imageSmoothingEnabled = true;
    g.drawImage(off, 0, 0, w, h);
    const { xy, labels, nTrain } = snap.points;
    const X = (v) => ((v + DOMAIN) / (2 * DOMAIN)) * w;
    const Y = (v) => ((DOMAIN - v) / (2 * DOMAIN)) * h;
    for (let i = 0; i < labels.length; i++) {
      const c = labels[i] > 0.5 ? col.series[1] : col.series[0];
      g.beginPath();
      g.arc(X(xy[2 * i]), Y(xy[2 * i + 1]), 3.5, 0, 2 * Math.PI);
      if (i < nTrain) { g.fillStyle = c; g.fill(); g.strokeStyle = col.fg; g.lineWidth = 0.6; g.stroke(); }
      else { g.strokeStyle = c; g.lineWidth = 1.6; g.stroke(); }
    }
  }

  function update(snap, state, stat) {
    last = snap;
    status = stat ?? status;
    playBtn.textContent = status.playing ? 'Pause' : 'Play';
    problemLine.hidden = !(snap.failure || snap.problem);
    problemLine.textContent = snap.failure ?? snap.problem ?? '';
    if (snap.problem) return;
    const p = status.progress ?? { value: snap.epoch, total: snap.epochs };
    progress.max = String(p.total || 1);
    progress.value = String(p.value);
    Object.assign(statusLine.dataset, { value: String(snap.epoch), epoch: String(snap.epoch), playing: String(!!status.playing), mode: session.mode ?? '', stopped: String(!!snap.stoppedEarly) });
    statusLine.textContent = `Epoch ${snap.epoch} of ${snap.epochs}${snap.stoppedEarly ? ' · stopped early' : ''}${snap.restoredFrom ? ` · weights of epoch ${snap.restoredFrom} restored` : ''}${status.done && !snap.stoppedEarly && !snap.failure ? ' · done' : ''}`;
    const col = kit.colors(root);
    drawSurface(snap, col);
    plotNote.textContent = `${snap.flipped} of ${snap.points.nTrain} training labels flipped (filled dots: training, rings: held out, clean labels).`;

    const h = snap.history;
    const ep = (a) => a.map((v, i) => [i + 1, v]);
    const [c1, c2, c3] = col.series;
    const markers = [];
    const monitored = h[snap.monitor] ?? [];
    if (snap.bestEpoch) markers.push({ x: snap.bestEpoch, y: monitored[snap.bestEpoch - 1], color: c3, label: `best ${snap.monitor}` });
    const onLoss = snap.monitor.includes('loss');
    lossC.chart.set({ series: [{ points: ep(h.loss), color: c1, width: 1.2 }, { points: ep(h.val_loss), color: c2, width: 2.5 }],
      markers: onLoss ? markers : [] });
    accC.chart.set({ series: [{ points: ep(h.accuracy), color: c1, width: 1.2 }, { points: ep(h.val_accuracy), color: c2, width: 2.5 }],
      markers: onLoss ? [] : markers });
    lrC.chart.set({ series: [{ points: ep(h.lr), color: c3 }] });
    lossLegend.replaceChildren(el('span', { style: `color:${c1};margin-right:1em` }, '━ loss (training)'), el('span', { style: `color:${c2};margin-right:1em` }, '━ val_loss (held out)'),
      el('span', { style: `color:${c3}` }, `● best ${snap.monitor}`));

    setCell(wait, snap.wait ?? NaN, snap.wait === null ? 'off' : String(snap.wait));
    setCell(patience, snap.patience, String(snap.patience));
    setCell(best, snap.bestEpoch ?? NaN, snap.bestEpoch ? String(snap.bestEpoch) : '–');
    setCell(bestValue, snap.bestValue ?? NaN, snap.bestValue === null ? '–' : `${snap.monitor} ${fmt(snap.bestValue)}`);
    setCell(plateauWait, snap.plateauWait ?? NaN, snap.plateauWait === null ? 'off' : String(snap.plateauWait));
    setCell(cooldown, snap.cooldownLeft ?? NaN, snap.cooldownLeft === null ? 'off' : String(snap.cooldownLeft));
    setCell(lrNow, snap.lr);
    const shown = Math.min(snap.patience, 60);
    if (boxes.childElementCount !== shown) boxes.replaceChildren(...Array.from({ length: shown }, () => el('span', { style: 'width:10px;height:10px;border:1px solid var(--border);display:inline-block' })));
    const filled = Math.min(snap.wait ?? 0, shown);
    Array.from(boxes.children).forEach((b, i) => { b.style.background = i < filled ? 'var(--accent)' : 'transparent'; });
    boxes.setAttribute('aria-label', `wait ${snap.wait ?? 0} of patience ${snap.patience}${snap.patience > 60 ? ' (the first 60 boxes)' : ''}`);

    const logKey = `${snap.epoch}:${snap.events.length}`;
    if (log.dataset.key !== logKey) {
      log.dataset.key = logKey;
      log.replaceChildren(...snap.events.map((e) => {
        const go = el('button', { type: 'button', class: 'link', title: `go back to epoch ${e.epoch}` }, `epoch ${e.epoch}`);
        go.addEventListener('click', () => session.command('scrub', { epoch: e.epoch }));
        return el('li', { 'data-callback': e.callback }, go, ` ${e.callback}: ${e.text}`);
      }));
      if (!snap.events.length) log.append(el('li', {}, 'Nothing yet.'));
    }
    if (!scrubbing) {
      timeline.max = String(snap.epoch);
      timeline.value = String(snap.epoch);
      timelineLabel.textContent = `Epoch ${snap.epoch}: drag back to any epoch (or use the arrow keys, then Enter/release); training resumes from it.`;
    }
  }

  return { update, destroy() { last = null; } };
}
