// The transfer lesson's view (page only): accuracy against k for the three ways (drag or click
// the chart, or arrow keys on it, to set k), the training controls and progress, the base's
// accuracy per epoch, the frozen/trainable table (click a layer's toggle to freeze or fine-tune
// it), the 2-d PCA of the features before and after, and VGG/ResNet by the numbers. Training
// runs in the worker (kit.session); every number shown comes from its snapshots.
import { fmt } from '../format.mjs';
import { CONV_BASE, CURVE_KS, STRATEGIES, STRATEGY_LABEL, settings as SETTINGS } from './lesson.mjs';

const K_MAX = SETTINGS.find((d) => d.name === 'k').max;
const DASH = { frozen: [], finetune: [7, 4], scratch: [2, 3] };

export function mount(root, kit) {
  const { el, session } = kit;
  let last = null;
  let state = null;
  let status = { playing: false, done: false };

  // ---- toolbar ---------------------------------------------------------------------------------
  const playBtn = el('button', { type: 'button', 'data-name': 'play' }, 'Train');
  const stepBtn = el('button', { type: 'button', 'data-name': 'step', title: 'One batch of the base, or one step of the model in training' }, 'Step');
  const resetBtn = el('button', { type: 'button', 'data-name': 'reset', title: 'Start again from a fresh base' }, 'Reset');
  const progress = el('progress', { max: '1', value: '0', 'aria-label': 'training steps done', 'data-name': 'progress', style: 'flex:1 1 8rem;align-self:center' });
  const statusLine = el('p', { class: 'big', 'data-name': 'status', role: 'status' });
  const problemLine = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'problem' });
  const modeLine = el('p', { class: 'note' });
  playBtn.addEventListener('click', () => (status.playing ? session.pause() : session.play()));
  stepBtn.addEventListener('click', () => session.step());
  resetBtn.addEventListener('click', () => session.reset());

  // ---- accuracy against k (the main figure) ----------------------------------------------------
  const curve = el('canvas', { role: 'img', tabindex: '0', 'data-figure': 'drag', 'data-name': 'curve',
    style: 'display:block;width:100%;aspect-ratio:16/10;touch-action:pan-y;cursor:ew-resize',
    'aria-label': 'held-out accuracy on digits 5–9 against k (log scale), one curve per way; drag or click to set k, or focus it and use the arrow keys' });
  const legend = el('p', { class: 'note', 'data-name': 'legend' });
  const cells = el('div', { 'data-name': 'current' });
  let frame = null;
  const kAt = (e) => {
    if (!frame) return null;
    const r = curve.getBoundingClientRect();
    const t = (e.clientX - r.left - frame.padL) / (frame.w - frame.padL - frame.padR);
    return Math.max(1, Math.min(K_MAX, Math.round(10 ** (Math.max(0, Math.min(1, t)) * Math.log10(K_MAX)))));
  };
  let dragging = false;
  curve.addEventListener('pointerdown', (e) => { dragging = true; curve.setPointerCapture(e.pointerId); const k = kAt(e); if (k) kit.set('k', k); });
  curve.addEventListener('pointermove', (e) => { if (dragging) { const k = kAt(e); if (k && k !== state?.k) kit.set('k', k); } });
  const stop = () => { dragging = false; };
  curve.addEventListener('pointerup', stop);
  curve.addEventListener('pointercancel', stop);
  curve.addEventListener('keydown', (e) => {
    if (!state) return;
    const d = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[e.key];
    if (!d) return;
    e.preventDefault();
    kit.set('k', Math.max(1, Math.min(K_MAX, state.k + d)));
  });

  // ---- the base --------------------------------------------------------------------------------
  const baseLine = el('p', { 'data-name': 'base' });
  const baseTable = el('tbody');

  // ---- frozen / trainable ------------------------------------------------------------------------
  const paramBody = el('tbody');
  const paramFoot = el('tfoot');
  const freezeNote = el('p', { class: 'convention-note', 'data-name': 'freeze-note' });
  const freezeCode = el('code', { 'data-name': 'freeze-code' });

  // ---- PCA -----------------------------------------------------------------------------------------
  const pcaCanvas = { before: null, after: null };
  const pcaInfo = { before: el('p', { class: 'note', 'data-name': 'pca-before' }), after: el('p', { class: 'note', 'data-name': 'pca-after' }) };
  for (const w of ['before', 'after']) {
    pcaCanvas[w] = el('canvas', { role: 'img', style: 'display:block;width:100%;aspect-ratio:1/1',
      'aria-label': w === 'before' ? 'held-out digits 5–9 on the first two principal components of the base network\'s features' : 'the same digits on the first two principal components of the fine-tuned network\'s features' });
  }
  const pcaLegend = el('p', { class: 'note' });

  // ---- losses of the current k --------------------------------------------------------------------
  const lossCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'training loss on the k-shot set against the step, one curve per way' });
  const lossChart = new kit.LineChart(lossCanvas, { xmin: 0, ymin: 0 });

  // ---- architectures --------------------------------------------------------------------------------
  const archBox = el('div', { 'data-name': 'architectures' });
  let archBuilt = false;

  root.append(
    el('div', { class: 'panel' }, el('h3', {}, 'Accuracy on new digits 5–9 against k'),
      el('div', { class: 'buttons', style: 'display:flex;gap:0.5rem;flex-wrap:wrap' }, playBtn, stepBtn, resetBtn, progress),
      statusLine, problemLine, curve, legend, cells, modeLine),
    el('div', { class: 'panel' }, el('h3', {}, 'Frozen and trainable parameters'),
      el('div', { class: 'scroll' }, el('table', { class: 'numbers', 'data-name': 'params' },
        el('thead', {}, el('tr', {}, ...['Layer', 'Params', ...STRATEGIES.map((s) => STRATEGY_LABEL[s])].map((h) => el('th', { scope: 'col' }, h)))),
        paramBody, paramFoot)),
      el('p', { class: 'note' }, 'Each cell: trainable / frozen. The transfer models take conv1 and conv2 from the base; features and head are a new classifier. Press a conv layer\'s button to fine-tune it (and the block above it) or freeze it (and the one below).'),
      freezeNote, el('p', {}, freezeCode)),
    el('div', { class: 'panel' }, el('h3', {}, 'The base: a CNN trained on digits 0–4'), baseLine,
      el('div', { class: 'scroll' }, el('table', { class: 'numbers' }, el('thead', {}, el('tr', {}, ...['Epoch', 'Held-out loss', 'Held-out accuracy'].map((h) => el('th', { scope: 'col' }, h)))), baseTable))),
    el('div', { class: 'panel' }, el('h3', {}, 'Training loss on the k-shot set'), lossCanvas, el('p', { class: 'note', 'data-name': 'loss-legend' }, "Across: Adam steps (the whole k-shot set up to 32 digits, else batches of 32); up: the mean cross-entropy of the step's batch (from trainOnBatch).")),
    el('div', { class: 'panel wide' }, el('h3', {}, 'The features of new digits, before and after (PCA by the core)'),
      el('div', { style: 'display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:1rem' },
        el('div', {}, el('h4', {}, 'Base network (trained on 0–4 only)'), pcaCanvas.before, pcaInfo.before),
        el('div', {}, el('h4', {}, 'After fine-tuning on k per class'), pcaCanvas.after, pcaInfo.after)),
      pcaLegend),
    el('div', { class: 'panel wide' }, el('h3', {}, 'VGG-16, VGG-19 and ResNet-50 by the conv arithmetic'), archBox),
  );

  const colorOf = (col, st) => col.series[STRATEGIES.indexOf(st)];

  function drawCurve(s, col) {
    const fit = kit.fitCanvas(curve, { aspect: 10 / 16 });
    if (!fit) return;
    const { g, w, h } = fit;
    g.font = col.font;
    const padL = 44, padR = 12, padT = 12, padB = 30;
    frame = { padL, padR, w };
    const lx = (k) => Math.log10(k) / Math.log10(K_MAX);
    const X = (k) => padL + lx(k) * (w - padL - padR);
    const Y = (a) => padT + (1 - a) * (h - padT - padB);
    g.strokeStyle = col.grid;
    g.fillStyle = col.muted;
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let a = 0; a <= 1.0001; a += 0.2) {
      const y = Math.round(Y(a)) + 0.5;
      g.beginPath(); g.moveTo(padL, y); g.lineTo(w - padR, y); g.stroke();
      g.fillText(a.toFixed(1), padL - 5, y);
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (const k of CURVE_KS) {
      const x = Math.round(X(k)) + 0.5;
      g.beginPath(); g.moveTo(x, padT); g.lineTo(x, h - padB); g.stroke();
      g.fillText(String(k), x, h - padB + 4);
    }
    g.fillText('k examples per class (log scale)', padL + (w - padL - padR) / 2, h - padB + 16);
    // chance level: 1 in 5
    g.setLineDash([3, 3]);
    g.strokeStyle = col.muted;
    g.beginPath(); g.moveTo(padL, Y(0.2)); g.lineTo(w - padR, Y(0.2)); g.stroke();
    g.setLineDash([]);
    // the slider's k
    g.strokeStyle = col.accent2;
    g.lineWidth = 2;
    g.beginPath(); g.moveTo(X(s.k), padT); g.lineTo(X(s.k), h - padB); g.stroke();
    for (const st of STRATEGIES) {
      const pts = s.curve[st];
      g.strokeStyle = colorOf(col, st);
      g.fillStyle = colorOf(col, st);
      g.lineWidth = 2.5;
      g.setLineDash(DASH[st]);
      g.beginPath();
      pts.forEach((p, i) => (i ? g.lineTo(X(p.k), Y(p.accuracy)) : g.moveTo(X(p.k), Y(p.accuracy))));
      g.stroke();
      g.setLineDash([]);
      for (const p of pts) { g.beginPath(); g.arc(X(p.k), Y(p.accuracy), p.k === s.k ? 5.5 : 3.5, 0, 2 * Math.PI); g.fill(); }
    }
    g.fillStyle = col.fg;
    g.textAlign = 'left';
    g.textBaseline = 'top';
    g.fillText(`k = ${s.k}`, Math.min(X(s.k) + 5, w - padR - 40), padT + 2);
  }

  function drawPca(which, p, col) {
    const canvas = pcaCanvas[which];
    const fit = kit.fitCanvas(canvas, { aspect: 1 });
    if (!fit) return;
    const { g, w, h } = fit;
    g.font = col.font;
    g.strokeStyle = col.border;
    g.strokeRect(0.5, 0.5, w - 1, h - 1);
    if (!p) {
      g.fillStyle = col.muted;
      g.textAlign = 'center';
      g.fillText(which === 'before' ? 'after the base has trained' : 'after the fine-tuned model has trained', w / 2, h / 2);
      return;
    }
    const n = p.labels.length;
    let m = 1e-9;
    for (let i = 0; i < 2 * n; i++) m = Math.max(m, Math.abs(p.points[i]));
    const pad = 10;
    const S = (v) => (v / m) * (w / 2 - pad);
    for (let i = 0; i < n; i++) {
      g.fillStyle = col.series[(p.labels[i] - 5) % col.series.length];
      g.globalAlpha = 0.8;
      g.beginPath();
      g.arc(w / 2 + S(p.points[2 * i]), h / 2 - S(p.points[2 * i + 1]), 3, 0, 2 * Math.PI);
      g.fill();
    }
    g.globalAlpha = 1;
  }

  function pcaText(p) {
    if (!p) return '';
    return `PC1 and PC2 explain ${fmt(100 * p.explained[0], 1)}% and ${fmt(100 * p.explained[1], 1)}% of the variance of the ${p.dims} features (λ1 = ${fmt(p.eigenvalues[0])}, λ2 = ${fmt(p.eigenvalues[1])}, trace ${fmt(p.totalVariance)}).`;
  }

  function fineTuneFor(layerIndex, trains) {
    // fineTune f trains the conv blocks CONV_BASE.slice(2 - f): conv layer i trains iff i >= 2 - f.
    return trains ? 1 - layerIndex : 2 - layerIndex;
  }

  function drawParams(s) {
    const rows = s.params.finetune.layers.map((l, i) => {
      const cellsOf = STRATEGIES.map((st) => {
        const r = s.params[st].layers[i];
        const td = el('td', { 'data-name': `param-${st}-${r.layer}`, 'data-value': String(r.trainable), style: r.trainable ? '' : 'color:var(--muted)' }, `${r.trainable} / ${r.frozen}`);
        if (st === 'finetune' && CONV_BASE.includes(r.layer)) {
          const trains = r.trainable > 0;
          const next = fineTuneFor(CONV_BASE.indexOf(r.layer), trains);
          const btn = el('button', { type: 'button', 'data-name': `toggle-${r.layer}`, 'aria-pressed': String(!trains),
            title: trains ? `Freeze ${r.layer} (and the layers below it)` : `Fine-tune ${r.layer} (and the layers above it)` }, trains ? 'trains' : 'frozen');
          if (next < 1) {
            btn.disabled = true;
            btn.title = 'Fine-tuning trains at least conv block 2; with both blocks frozen it is the first way';
          }
          btn.addEventListener('click', () => kit.set('fineTune', next));
          td.append(' ', btn);
        }
        return td;
      });
      return el('tr', {}, el('th', { scope: 'row' }, `${l.layer} (${l.kind})`), el('td', {}, String(l.params)), ...cellsOf);
    });
    paramBody.replaceChildren(...rows);
    paramFoot.replaceChildren(el('tr', {}, el('th', { scope: 'row' }, 'Total'), el('td', {}, String(s.params.frozen.total)),
      ...STRATEGIES.map((st) => el('td', { 'data-name': `trainable-${st}`, 'data-value': String(s.params[st].trainable) }, `${s.params[st].trainable} / ${s.params[st].total - s.params[st].trainable}`))));
  }

  function buildArch(s) {
    if (archBuilt) return;
    archBuilt = true;
    const blocks = s.architectures.map((a) => {
      const head = el('tr', {}, ...['Layer', 'Output shape', 'Params', 'Trainable'].map((c) => el('th', { scope: 'col' }, c)));
      const rows = a.rows.filter((r) => r.kind !== 'mark').map((r) => el('tr', {}, el('td', {}, r.name), el('td', {}, r.shape.join(' × ')),
        el('td', {}, r.params.toLocaleString('en-US')), el('td', {}, r.trainable.toLocaleString('en-US'))));
      const dense = a.rows.filter((r) => r.kind === 'dense').reduce((x, r) => x + r.params, 0);
      return el('details', {}, el('summary', { 'data-name': `arch-${a.id}`, 'data-value': String(a.params) },
        `${a.label}: ${a.convLayers} conv + ${a.denseLayers} dense layers, ${a.params.toLocaleString('en-US')} parameters (${a.trainable.toLocaleString('en-US')} trainable), ${fmt(100 * dense / a.params, 1)}% in the dense layers; ImageNet weights ≈ ${a.weightsMB} MB; a new 5-class head on its ${a.headInputs.toLocaleString('en-US')} features: ${a.newHead5.toLocaleString('en-US')}`),
      el('div', { class: 'scroll' }, el('table', { class: 'numbers' }, el('thead', {}, head), el('tbody', {}, ...rows))));
    });
    archBox.replaceChildren(...blocks);
  }

  function draw(s) {
    const col = kit.colors(root);
    drawCurve(s, col);
    drawPca('before', s.pca.before, col);
    drawPca('after', s.pca.after, col);
    const series = [];
    for (const st of STRATEGIES) {
      const losses = s.current[st]?.losses ?? (s.job && s.job.k === s.k && s.job.strategy === st ? s.job.losses : null);
      if (losses) series.push({ points: losses.map((v, i) => [i + 1, v]), color: colorOf(col, st), width: 2, dash: DASH[st] });
    }
    lossChart.set({ series });
    legend.replaceChildren(...STRATEGIES.flatMap((st) => [el('span', { style: `color:${colorOf(col, st)};font-weight:600` }, `${{ frozen: '—— ', finetune: '- - ', scratch: '··· ' }[st]}${STRATEGY_LABEL[st]}`), ' ']),
      el('span', {}, '· dashed grey: chance (1 in 5)'));
    pcaLegend.replaceChildren('Colours: ', ...[5, 6, 7, 8, 9].flatMap((d) => [el('span', { style: `color:${col.series[d - 5]};font-weight:600` }, `● ${d}`), ' ']));
  }

  const observer = new ResizeObserver(() => { if (last) draw(last); });
  observer.observe(curve);

  return {
    update(s, st, stat = status) {
      last = s;
      state = st;
      status = stat ?? status;
      playBtn.textContent = status.playing ? 'Pause' : 'Train';
      playBtn.setAttribute('aria-pressed', String(status.playing));
      playBtn.disabled = status.done && !status.playing;
      stepBtn.disabled = status.done;
      problemLine.hidden = !s.failure;
      problemLine.textContent = s.failure ?? '';
      const p = s.progress ?? { value: 0, total: 1 };
      progress.max = String(p.total || 1);
      progress.value = String(p.value);
      statusLine.dataset.phase = s.phase;
      statusLine.dataset.playing = String(status.playing);
      statusLine.textContent = s.loading ? (status.playing ? 'Loading the MNIST digits…' : 'Ready: press Train (the base first, then the three ways), or Step for one batch.')
        : s.phase === 'base' ? `Training the base on ${s.base.digits} digits 0–4: epoch ${s.base.epoch + 1} of ${s.base.epochs}, batch ${s.base.batch} of ${s.base.batches}`
          : s.job ? `Training “${STRATEGY_LABEL[s.job.strategy]}” at k = ${s.job.k}: step ${s.job.step} of ${st.steps}`
            : status.done ? `Done: ${p.value} steps` : 'Base trained: press Train for the three ways';
      modeLine.textContent = session.mode === 'worker' ? 'Everything trains in a Web Worker with its own copy of the core: the page stays responsive.' : 'Opened from a file: training runs on this page in short slices between frames.';
      cells.replaceChildren(...STRATEGIES.map((strategy) => {
        const c = s.current[strategy];
        return el('p', { 'data-name': `acc-${strategy}`, 'data-value': c ? String(c.accuracy) : '', style: 'margin:0.2rem 0' },
          el('span', { style: 'font-weight:600' }, `${STRATEGY_LABEL[strategy]}: `),
          c ? `${fmt(100 * c.accuracy, 1)}% of ${s.heldOutNew} held-out digits 5–9 (k = ${s.k}, ${s.shotSize} training digits, ${s.params[strategy].trainable} trainable parameters)` : '–');
      }));
      const lastBase = s.base.history.at(-1);
      baseLine.dataset.value = lastBase ? String(lastBase.accuracy) : '';
      baseLine.textContent = `Conv(8, 3×3) → max-pool → Conv(16, 3×3) → max-pool → Dense(32) features → Dense(5) head; Adam, batches of 32, ${s.base.digits} digits 0–4. ` +
        (lastBase ? `Held-out accuracy on ${s.base.heldOut} digits 0–4: ${fmt(100 * lastBase.accuracy, 1)}%.` : 'Not trained yet.');
      baseTable.replaceChildren(...s.base.history.map((h) => el('tr', {}, el('td', {}, String(h.epoch)), el('td', {}, fmt(h.loss)), el('td', {}, fmt(h.accuracy)))));
      drawParams(s);
      freezeNote.textContent = s.freeze.note;
      freezeCode.textContent = s.freeze.code;
      pcaInfo.before.textContent = pcaText(s.pca.before);
      pcaInfo.after.textContent = pcaText(s.pca.after);
      buildArch(s);
      draw(s);
    },
    destroy() { observer.disconnect(); },
  };
}
