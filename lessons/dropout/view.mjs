// The dropout lesson's view (page only): the network with the last step's mask, the batch's mask
// grid, the inverted-dropout numbers of one example, the inference curve beside training-mode
// samples, and the train/test curves of p = 0 and p > 0. Every number comes from the session's
// snapshots (the core); this file lays them out.
import { fmt } from '../format.mjs';

export function mount(root, kit) {
  const { el, session } = kit;
  let last = null;
  let status = { playing: false, done: false };
  let row = 0; // the example of the batch shown on the network

  const cell = (name) => el('span', { 'data-name': name }, '–');
  const setCell = (node, v, digits = 4) => { node.textContent = fmt(v, digits); node.dataset.value = String(v); };

  // ---- toolbar ------------------------------------------------------------------------------
  const playBtn = el('button', { type: 'button', 'data-name': 'play' }, 'Play');
  const stepBtn = el('button', { type: 'button', 'data-name': 'step', title: 'Train both networks on one batch' }, 'Step');
  const resetBtn = el('button', { type: 'button', 'data-name': 'reset', title: 'New weights from the seed' }, 'Reset');
  const progress = el('progress', { max: '1', value: '0', 'aria-label': 'epochs run', style: 'flex:1 1 8rem;align-self:center' });
  const statusLine = el('p', { class: 'big', 'data-name': 'status' });
  const health = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'health' });
  playBtn.addEventListener('click', () => (status.playing ? session.pause() : session.play()));
  stepBtn.addEventListener('click', () => session.step());
  resetBtn.addEventListener('click', () => session.reset());

  // ---- the network and the mask ---------------------------------------------------------------
  const netCanvas = el('canvas', { 'data-figure': '', role: 'img', style: 'display:block;width:100%;max-width:560px;aspect-ratio:4/3;',
    'aria-label': 'the network: crossed-out hidden units were dropped in the last training step for the selected example' });
  const rowPick = el('select', { 'data-name': 'row', 'aria-label': 'example of the batch shown on the network' });
  rowPick.addEventListener('change', () => { row = Number(rowPick.value); if (last) drawStep(last); });
  const stepLine = el('p', { class: 'note', 'data-name': 'step-line' });
  const maskCanvas = el('canvas', { role: 'img', style: 'display:block;width:100%;max-width:560px;',
    'aria-label': 'the batch mask: one row per example, one column per unit of each hidden layer; dark = dropped' });
  const maskNote = el('p', { class: 'note' });
  const scaleFormula = el('div', { 'data-name': 'scale-formula' });
  const table = el('table', { 'data-name': 'scale-table' });
  const sums = el('p', { 'data-name': 'scale-sums' });
  const tableWrap = el('div', { class: 'scroll', style: 'max-height:18rem;overflow-y:auto' }, table);

  // ---- curves ----------------------------------------------------------------------------------
  const fitCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'inference-mode curves of both networks, training-mode samples, and the points' });
  const fitChart = new kit.LineChart(fitCanvas, { xmin: -1.1, xmax: 1.1, ymin: -2, ymax: 2 });
  const fitLegend = el('p', { class: 'note' });
  const lossCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'training and test MSE per epoch for p = 0 and p > 0' });
  const lossChart = new kit.LineChart(lossCanvas, {});
  const lossLegend = el('p', { class: 'note' });
  const cmp = {
    plainTrain: cell('plain-train'), plainTest: cell('plain-test'), dropTrain: cell('drop-train'), dropTest: cell('drop-test'), kerasLoss: cell('drop-keras-loss'),
  };
  const pLabel = el('span', { 'data-name': 'p-label' });
  const cmpTable = el('table', {},
    el('tr', {}, el('th', {}, ''), el('th', {}, 'train MSE'), el('th', {}, 'test MSE')),
    el('tr', {}, el('th', {}, 'p = 0'), el('td', {}, cmp.plainTrain), el('td', {}, cmp.plainTest)),
    el('tr', {}, el('th', {}, pLabel), el('td', {}, cmp.dropTrain), el('td', {}, cmp.dropTest)));

  // Wide screens: the first two panels sit beside the settings; the curves span the width.
  const cols = (...kids) => el('div', { style: 'display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(17rem,1fr));align-items:start' }, ...kids);
  root.append(
    el('div', { class: 'panel' }, el('div', { class: 'buttons' }, playBtn, stepBtn, resetBtn, progress), statusLine, health,
      el('h3', { style: 'margin-top:0.75rem' }, 'The last step\'s mask'), stepLine,
      el('label', { class: 'note' }, 'Example of the batch: ', rowPick), netCanvas, maskCanvas, maskNote),
    el('div', { class: 'panel' }, el('h3', {}, 'Inverted dropout, in numbers'), scaleFormula, sums, tableWrap),
    el('div', { class: 'panel wide' }, cols(
      el('div', {}, el('h3', {}, 'Inference mode and training mode'), fitCanvas, fitLegend),
      el('div', {}, el('h3', {}, 'p = 0 and p > 0, side by side'), lossCanvas, lossLegend, cmpTable,
        el('p', { class: 'note' }, 'Keras\' training loss of the dropout network (masks on) this epoch: ', cmp.kerasLoss)))),
  );

  function drawNet(s) {
    const fit = kit.fitCanvas(netCanvas, { aspect: 4 / 3 });
    if (!fit) return;
    const { g, w, h } = fit;
    const col = kit.colors(netCanvas);
    const W = s.width;
    const st = s.step;
    const m1 = st ? st.m1.subarray(row * W, row * W + W) : null;
    const m2 = st ? st.m2.subarray(row * W, row * W + W) : null;
    const xs = [0.08, 0.36, 0.64, 0.92].map((f) => f * w);
    const ys = (k) => Array.from({ length: k }, (_, i) => (k === 1 ? (h - 20) / 2 : 10 + ((h - 40) * i) / (k - 1)));
    const cols = [ys(1), ys(W), ys(W), ys(1)];
    const masks = [null, m1, m2, null];
    const r = Math.max(2.5, Math.min(9, (h - 40) / W / 2.4));
    // edges: faint, and none from a dropped unit
    g.lineWidth = 0.6;
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < cols[c].length; i++) {
        const gone = masks[c] && masks[c][i] === 0;
        if (gone) continue;
        g.strokeStyle = col.grid;
        for (let j = 0; j < cols[c + 1].length; j++) {
          g.beginPath(); g.moveTo(xs[c], cols[c][i]); g.lineTo(xs[c + 1], cols[c + 1][j]); g.stroke();
        }
      }
    }
    for (let c = 0; c < 4; c++) {
      cols[c].forEach((y, i) => {
        const gone = masks[c] && masks[c][i] === 0;
        g.beginPath(); g.arc(xs[c], y, r, 0, 2 * Math.PI);
        g.fillStyle = gone ? col.panel : (c === 0 || c === 3 ? col.muted : col.series[0]);
        g.fill();
        g.strokeStyle = gone ? col.bad : col.fg; g.lineWidth = 1; g.stroke();
        if (gone) {
          g.strokeStyle = col.bad; g.lineWidth = 1.5;
          g.beginPath(); g.moveTo(xs[c] - r, y - r); g.lineTo(xs[c] + r, y + r); g.moveTo(xs[c] + r, y - r); g.lineTo(xs[c] - r, y + r); g.stroke();
        }
      });
    }
    g.fillStyle = col.fg; g.font = col.font; g.textAlign = 'center'; g.textBaseline = 'top';
    g.textBaseline = 'bottom';
    ['x', 'hidden 1 → dropout', 'hidden 2 → dropout', 'ŷ'].forEach((t, c) => g.fillText(t, xs[c], h - 2));
  }

  function drawMask(s) {
    const st = s.step;
    maskCanvas.style.display = st ? 'block' : 'none';  // no step yet: no mask to draw
    if (!st) return;
    const B = st.rows.length;
    const W = s.width;
    const cellPx = Math.max(4, Math.min(16, Math.floor((maskCanvas.clientWidth || 540) / (2 * W + 2))));
    maskCanvas.style.height = `${B * cellPx + 4}px`;
    const fit = kit.fitCanvas(maskCanvas, { height: B * cellPx + 4 });
    if (!fit) return;
    const { g } = fit;
    const col = kit.colors(maskCanvas);
    for (let layer = 0; layer < 2; layer++) {
      const m = layer === 0 ? st.m1 : st.m2;
      const x0 = layer * (W + 2) * cellPx;
      for (let b = 0; b < B; b++) {
        for (let u = 0; u < W; u++) {
          g.fillStyle = m[b * W + u] === 0 ? col.fg : col.highlight;
          g.fillRect(x0 + u * cellPx, 2 + b * cellPx, cellPx - 1, cellPx - 1);
        }
      }
      g.strokeStyle = col.accent; g.lineWidth = 2;
      g.strokeRect(x0 - 1, 2 + row * cellPx - 1, W * cellPx + 1, cellPx + 1);
    }
  }

  let formulaDone = false;
  function drawStep(s) {
    const st = s.step;
    const B = st ? st.rows.length : 0;
    if (rowPick.options.length !== B) {
      rowPick.replaceChildren(...Array.from({ length: B }, (_, i) => el('option', { value: String(i) }, `${i + 1} (point ${st.rows[i] + 1})`)));
      row = Math.min(row, Math.max(0, B - 1));
    }
    rowPick.value = String(row);
    rowPick.disabled = !st;
    drawNet(s);
    drawMask(s);
    if (!formulaDone) {
      kit.tex(scaleFormula, '\\tilde h_j = \\frac{m_j}{1 - p}\\, h_j', true);
      formulaDone = true;
    }
    if (!st) {
      stepLine.textContent = 'No step yet: press Step or Play.';
      table.replaceChildren();
      sums.textContent = '';
      maskNote.textContent = '';
      return;
    }
    const W = s.width;
    const m1 = st.m1.subarray(row * W, row * W + W);
    const dropped = Array.from(m1).filter((v) => v === 0).length;
    const dropped2 = Array.from(st.m2.subarray(row * W, row * W + W)).filter((v) => v === 0).length;
    stepLine.textContent = `Epoch ${st.epoch}, batch ${st.batch}: example ${row + 1} (x = ${fmt(st.x[row], 3)}); layer 1 dropped ${dropped} of ${W}, layer 2 dropped ${dropped2} of ${W}.`;
    stepLine.dataset.dropped = String(dropped);
    let all = 0;
    for (const v of st.m1) if (v === 0) all += 1;
    maskNote.textContent = `The batch's masks (left: after hidden layer 1, right: after hidden layer 2; dark: dropped). Layer 1 dropped ${all} of ${st.m1.length} (${fmt((100 * all) / st.m1.length, 1)} %; expected ${fmt(100 * s.rate, 0)} %).`;
    const head = el('tr', {}, el('th', {}, 'unit j'), el('th', {}, 'h_j'), el('th', {}, 'm_j/(1 − p)'), el('th', {}, 'h̃_j'));
    const rows = [head];
    let sh = 0;
    let sk = 0;
    for (let u = 0; u < W; u++) {
      const hv = st.h1[row * W + u];
      const mv = m1[u];
      const kv = st.kept1[row * W + u];
      sh += hv;
      sk += kv;
      rows.push(el('tr', { 'data-unit': String(u), style: mv === 0 ? 'color:var(--muted)' : '' },
        el('td', {}, String(u + 1)), el('td', {}, fmt(hv)), el('td', { 'data-name': `mask-${u}`, 'data-value': String(mv) }, fmt(mv)), el('td', {}, fmt(kv))));
    }
    table.replaceChildren(...rows);
    sums.replaceChildren(`Hidden layer 1, example ${row + 1}: p = ${s.rate}, so kept units are scaled by 1/(1 − ${s.rate}) = `,
      el('strong', { 'data-name': 'scale', 'data-value': String(s.scale) }, fmt(s.scale)),
      `. Σ h_j = ${fmt(sh)}; Σ h̃_j = ${fmt(sk)} (equal in expectation, not in one draw).`);
  }

  function drawCurves(s) {
    const col = kit.colors(lossCanvas);
    const [c1, c2] = col.series;
    const c = s.curve;
    const line = (ys) => Array.from(c.x, (x, i) => [x, ys[i]]);
    fitChart.set({
      series: [
        ...c.samples.map((smp) => ({ points: line(smp), color: c2, width: 1, dash: [1, 2] })),
        { points: line(c.truth), color: col.muted, dash: [5, 4], width: 1.5 },
        { points: line(c.plain), color: c1 },
        { points: line(c.drop), color: c2, width: 2.5 },
      ],
      markers: Array.from(s.data.xTrain, (x, i) => ({ x, y: s.data.yTrain[i], color: col.fg })),
    });
    fitLegend.replaceChildren(el('span', { style: 'color:var(--series-1)' }, 'p = 0'), ' and ', el('span', { style: 'color:var(--series-2)' }, `p = ${s.rate}`),
      ` in inference mode (solid); dotted: ${c.samples.length} training-mode passes of the p = ${s.rate} network (masks on)${c.samples.length ? '' : ' — none with p = 0'}; dashed: sin(πx); dots: the training points.`);
    const h = s.history;
    const pts = (a) => a.map((v, i) => [i + 1, v]);
    lossChart.set({ series: [
      { points: pts(h.plain_train_mse), color: c1, width: 1.5 },
      { points: pts(h.plain_val_loss), color: c1, dash: [6, 4] },
      { points: pts(h.train_mse), color: c2, width: 1.5 },
      { points: pts(h.val_loss), color: c2, dash: [6, 4] },
      { points: pts(h.loss), color: c2, dash: [1, 3], width: 1 },
    ] });
    lossLegend.replaceChildren('MSE per epoch, ', el('span', { style: 'color:var(--series-1)' }, 'p = 0'), ' and ', el('span', { style: 'color:var(--series-2)' }, `p = ${s.rate}`),
      ': training (solid), test (dashed), both in inference mode; dotted: Keras\' training loss of the dropout network with the masks on.');
    pLabel.textContent = `p = ${s.rate}`;
    for (const k of ['plainTrain', 'plainTest', 'dropTrain', 'dropTest']) setCell(cmp[k], s.last[k] ?? NaN);
    setCell(cmp.kerasLoss, h.loss.at(-1) ?? NaN);
  }

  return {
    update(s, st, stat = status) {
      last = s;
      status = stat ?? status;
      playBtn.textContent = status.playing ? 'Pause' : 'Play';
      playBtn.setAttribute('aria-pressed', String(status.playing));
      playBtn.disabled = status.done && !status.playing;
      stepBtn.disabled = status.done;
      progress.max = String(s.epochs);
      progress.value = String(s.epoch);
      statusLine.textContent = `Epoch ${s.epoch} of ${s.epochs}${s.batch ? `, batch ${s.batch}` : ''}${status.done ? ' · done' : ''}`;
      statusLine.dataset.epoch = String(s.epoch);
      statusLine.dataset.batch = String(s.batch);
      statusLine.dataset.mode = session.mode;
      health.hidden = !s.failure;
      health.textContent = s.failure ? `Training stopped: ${s.failure} Lower the learning rate and press reset.` : '';
      drawStep(s);
      drawCurves(s);
      void st;
    },
  };
}
