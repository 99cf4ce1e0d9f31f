// The regularization lesson's view (page only): the log λ slider, TL = MSE + penalty written out
// with the current numbers, the fit over the noisy points, the loss parts per epoch, the weight
// histogram and the near-zero counter, the regularization path, and the two-weight geometry.
// Every number drawn comes from the session's snapshots (the core); this file lays them out.
import { fmt } from '../format.mjs';
import { NEAR_ZERO, PATH_HI, PATH_LO, penaltyName } from './lesson.mjs';

/** The log slider's range: 10^LOG_MIN .. 10^0; its leftmost notch (below LOG_MIN) is λ = 0. */
const LOG_MIN = -6;
const LOG_STEP = 0.05;

/** Line segments of the level set {f = level} of a grid (marching squares), in grid coordinates. */
function isoSegments(values, g, level) {
  const segs = [];
  const at = (r, c) => values[r * g + c];
  const lerp = (a, b) => (level - a) / (b - a);
  for (let r = 0; r < g - 1; r++) {
    for (let c = 0; c < g - 1; c++) {
      const v = [at(r, c), at(r, c + 1), at(r + 1, c + 1), at(r + 1, c)];
      const pts = [];
      // edges: top (0-1), right (1-2), bottom (3-2), left (0-3)
      if ((v[0] < level) !== (v[1] < level)) pts.push([r, c + lerp(v[0], v[1])]);
      if ((v[1] < level) !== (v[2] < level)) pts.push([r + lerp(v[1], v[2]), c + 1]);
      if ((v[3] < level) !== (v[2] < level)) pts.push([r + 1, c + lerp(v[3], v[2])]);
      if ((v[0] < level) !== (v[3] < level)) pts.push([r + lerp(v[0], v[3]), c]);
      if (pts.length >= 2) segs.push([pts[0], pts[1]]);
      if (pts.length === 4) segs.push([pts[2], pts[3]]);
    }
  }
  return segs;
}

export function mount(root, kit) {
  const { el, session } = kit;
  let last = null;
  let state = null;
  let status = { playing: false, done: false };

  const cell = (name) => el('span', { 'data-name': name, class: 'num' }, '–');
  const setCell = (node, v, digits = 4) => {
    node.textContent = fmt(v, digits);
    node.dataset.value = String(v);
  };

  // ---- toolbar ------------------------------------------------------------------------------
  const playBtn = el('button', { type: 'button', 'data-name': 'play' }, 'Play');
  const stepBtn = el('button', { type: 'button', 'data-name': 'step', title: 'Train one epoch (one full-batch step)' }, 'Step');
  const resetBtn = el('button', { type: 'button', 'data-name': 'reset', title: 'New weights from the seed' }, 'Reset');
  const progress = el('progress', { max: '1', value: '0', 'aria-label': 'training progress', style: 'flex:1 1 8rem;align-self:center' });
  const statusLine = el('p', { class: 'big', 'data-name': 'status' });
  const health = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'health' });
  playBtn.addEventListener('click', () => (status.playing ? session.pause() : session.play()));
  stepBtn.addEventListener('click', () => session.step());
  resetBtn.addEventListener('click', () => session.reset());

  // ---- λ on a log scale -----------------------------------------------------------------------
  const logRange = el('input', { type: 'range', min: String(LOG_MIN - LOG_STEP), max: '0', step: String(LOG_STEP), id: 'reg-log-lambda',
    'data-name': 'log-lambda', 'aria-describedby': 'reg-log-lambda-value' });
  const logValue = el('output', { id: 'reg-log-lambda-value', for: 'reg-log-lambda', 'data-name': 'lambda-shown' });
  logRange.addEventListener('input', () => {
    const p = Number(logRange.value);
    const v = p < LOG_MIN ? 0 : Number((10 ** p).toPrecision(3));
    kit.set('lambda', v);
  });
  const logRow = el('div', { style: 'display:grid;grid-template-columns:auto minmax(0,1fr) auto;gap:0.5rem;align-items:center' }, el('label', { for: 'reg-log-lambda' }, 'λ (log scale)'), logRange, logValue);

  // ---- TL written out -------------------------------------------------------------------------
  const formula = el('div', { 'data-name': 'formula' });
  const kind = el('p', { class: 'note', 'data-name': 'penalty-kind' });
  const tl = cell('tl');
  const mse = cell('mse');
  const pen = cell('penalty');
  const test = cell('test-mse');
  const l1Cell = cell('l1');
  const l2Cell = cell('l2');
  const numbers = el('p', { class: 'big' }, 'TL ', tl, ' = MSE ', mse, ' + penalty ', pen, el('br'), 'test MSE ', test);
  const lambdaLine = el('p', { class: 'note' }, 'λ1 = ', l1Cell, ' (on Σ|w|), λ2 = ', l2Cell, ' (on Σw²)');
  const conventionLine = el('p', { class: 'note', 'data-name': 'convention-note' });

  // ---- charts ----------------------------------------------------------------------------------
  const fitCanvas = el('canvas', { class: 'chart', 'data-figure': '', role: 'img', 'aria-label': 'the network\'s curve over the training points (dots) and sin(πx) (dashed)' });
  const fitChart = new kit.LineChart(fitCanvas, { xmin: -1.1, xmax: 1.1, ymin: -2, ymax: 2 });
  const lossCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'log10 of the training MSE, the penalty, their total and the test MSE per epoch' });
  const lossChart = new kit.LineChart(lossCanvas, {});
  const lossLegend = el('p', { class: 'note' });
  const histCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'histogram of the kernel weights' });
  const hist = new kit.BarChart(histCanvas, { min: 0, max: 1, digits: 0 });
  const histNote = el('p', { class: 'note' });
  const near = cell('near-zero');
  const exact = cell('exact-zero');
  const zeroLine = el('p', {}, `|w| < ${NEAR_ZERO}: `, near, ' · exactly 0: ', exact);
  const pathCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'the output layer\'s weights at the end of training against log10 λ' });
  const pathChart = new kit.LineChart(pathCanvas, { xmin: PATH_LO, xmax: PATH_HI });
  const pathMseCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'training and test MSE at the end of training against log10 λ' });
  const pathMseChart = new kit.LineChart(pathMseCanvas, { xmin: PATH_LO, xmax: PATH_HI });
  const pathNote = el('p', { class: 'note', 'data-name': 'path-status' });

  // ---- the two-weight geometry ------------------------------------------------------------
  const geoCanvas = el('canvas', { role: 'img', style: 'display:block;width:100%;max-width:460px;aspect-ratio:1;',
    'aria-label': 'MSE contours over (w1, w2), the penalty region through the optimum, the proximal path (solid) and the subgradient path (dashed)' });
  const geoOpt = cell('geo-opt');
  const geoOls = cell('geo-ols');
  const geoSub = cell('geo-sub');
  const geoTl = el('p', { class: 'note', 'data-name': 'geo-tl' });
  const geoLegend = el('p', { class: 'note' });

  // Wide screens: the first two panels sit beside the settings; the rest span the width, each
  // with its pictures side by side (lessons/README.md: .panel.wide).
  const cols = (...kids) => el('div', { style: 'display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(17rem,1fr));align-items:start' }, ...kids);
  root.append(
    el('div', { class: 'panel' },
      el('div', { class: 'buttons' }, playBtn, stepBtn, resetBtn, progress), statusLine, health, logRow,
      el('h3', { style: 'margin-top:0.75rem' }, 'The total loss'), formula, numbers, lambdaLine, kind, conventionLine),
    el('div', { class: 'panel' }, el('h3', {}, 'The fit'), fitCanvas,
      el('p', { class: 'note' }, 'Line: the network; dashed: sin(πx), the truth; dots: the training points (the 200 test points are drawn from the same noisy curve).')),
    el('div', { class: 'panel wide' }, cols(
      el('div', {}, el('h3', {}, 'Data loss and penalty per epoch'), lossCanvas, lossLegend),
      el('div', {}, el('h3', {}, 'The kernel weights'), histCanvas, histNote, zeroLine))),
    el('div', { class: 'panel wide' }, el('h3', {}, 'The regularization path'), pathNote,
      cols(el('div', {}, pathCanvas, el('p', { class: 'note' }, 'Each output weight at the end of training, against log₁₀ λ.')),
        el('div', {}, pathMseCanvas, el('p', { class: 'note', 'data-name': 'path-legend' })))),
    el('div', { class: 'panel wide' }, el('h3', {}, 'Two weights: contours, diamond and disc'),
      cols(geoCanvas, el('div', {},
        el('p', {}, 'least squares w* ', geoOls, el('br'), 'penalized optimum ŵ ', geoOpt, el('br'), 'subgradient descent ends at ', geoSub), geoTl, geoLegend))),
  );

  let formulaKey = '';
  function drawFormula(s) {
    const key = `${s.l1 > 0}${s.l2 > 0}`;
    if (key === formulaKey) return;
    formulaKey = key;
    const parts = ['TL = \\text{MSE}'];
    if (s.l1 > 0) parts.push('\\lambda_1 \\sum_j |w_j|');
    if (s.l2 > 0) parts.push('\\lambda_2 \\sum_j w_j^2');
    kit.tex(formula, parts.join(' + '), true);
  }

  const log10 = (v) => (v > 0 ? Math.log10(v) : NaN);

  function drawCharts(s) {
    const col = kit.colors(lossCanvas);
    const [c1, c2, c3, c4] = col.series;
    // The fit.
    const d = s.data;
    fitChart.set({
      series: [
        { points: Array.from(s.curve.x, (x, i) => [x, s.curve.truth[i]]), color: col.muted, dash: [5, 4], width: 1.5 },
        { points: Array.from(s.curve.x, (x, i) => [x, s.curve.y[i]]), color: c1 },
      ],
      markers: Array.from(d.xTrain, (x, i) => ({ x, y: d.yTrain[i], color: c2 })),
    });
    // The loss parts (log10: the penalty can be orders of magnitude below the MSE).
    const h = s.history;
    const pts = (a) => a.map((v, i) => [i, log10(v)]);
    lossChart.set({ series: [
      { points: pts(h.data), color: c1 },
      { points: pts(h.penalty), color: c3 },
      { points: pts(h.loss), color: c4, dash: [2, 3], width: 1.5 },
      { points: pts(h.test), color: c2, dash: [6, 4] },
    ] });
    lossLegend.replaceChildren('log₁₀ of: ', el('span', { style: 'color:var(--series-1)' }, 'training MSE'), ', ',
      el('span', { style: 'color:var(--series-3)' }, 'penalty'), ', ', el('span', { style: 'color:var(--series-4)' }, 'TL (dotted)'), ', ',
      el('span', { style: 'color:var(--series-2)' }, 'test MSE (dashed)'), ', against the epoch.', s.lambda === 0 ? ' With λ = 0 the penalty is 0 (no curve).' : '');
    // Histogram of the kernels.
    const w = s.weights;
    let lo = -0.5;
    let hi = 0.5;
    for (const v of w) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const m = Math.max(-lo, hi);
    lo = -m; hi = m;
    const bins = 21;
    const counts = new Array(bins).fill(0);
    for (const v of w) counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))] += 1;
    hist.max = Math.max(1, ...counts);
    hist.set(counts.map((c, i) => ({ label: i % 5 === 0 || i === bins - 1 ? fmt(lo + ((i + 0.5) * (hi - lo)) / bins, 2) : '', value: c, highlight: i === (bins - 1) / 2 })));
    histNote.textContent = `${s.kernelCount} kernel weights (biases are not penalized) in ${bins} bins from ${fmt(lo, 2)} to ${fmt(hi, 2)}; the highlighted bar is the one around 0.`;
    setCell(near, s.zeros.near, 0);
    near.textContent = `${s.zeros.near} of ${s.zeros.total} (${fmt((100 * s.zeros.near) / s.zeros.total, 1)} %)`;
    setCell(exact, s.zeros.exact, 0);
    exact.textContent = `${s.zeros.exact}`;
    // The path.
    const runs = s.path.runs;
    if (!s.path.lambdas.length) {
      pathNote.textContent = 'The path is off (λ values: 0).';
    } else {
      pathNote.textContent = runs.length < s.path.lambdas.length
        ? `Retrained for ${runs.length} of ${s.path.lambdas.length} values of λ${s.pathRunning ? ` (λ = ${s.path.lambdas[s.pathRunning.k].toExponential(1)}: epoch ${s.pathRunning.epoch})` : ' (after the main run)'}.`
        : `Retrained for all ${runs.length} values of λ, each from the same initial weights for ${s.epochs} epochs.`;
    }
    pathNote.dataset.runs = String(runs.length);
    const units = runs[0]?.output.length ?? 0;
    const series = [];
    for (let u = 0; u < units; u++) series.push({ points: runs.map((r) => [Math.log10(r.lambda), r.output[u]]), color: col.series[u % 6], width: 1.2 });
    const here = s.lambda > 0 ? Math.log10(s.lambda) : null;
    const vline = (ys) => (here !== null && here >= PATH_LO && here <= PATH_HI ? [{ points: [[here, Math.min(...ys)], [here, Math.max(...ys)]], color: col.muted, dash: [2, 3], width: 1 }] : []);
    const allOut = runs.flatMap((r) => r.output);
    pathChart.set({ series: [...series, ...(allOut.length ? vline(allOut) : [])] });
    const mses = runs.flatMap((r) => [r.data, r.test]);
    let best = null;
    for (const r of runs) if (!best || r.test < best.test) best = r;
    pathMseChart.set({
      series: [{ points: runs.map((r) => [Math.log10(r.lambda), r.data]), color: c1 }, { points: runs.map((r) => [Math.log10(r.lambda), r.test]), color: c2, dash: [6, 4] },
        ...(mses.length ? vline(mses) : [])],
      markers: best ? [{ x: Math.log10(best.lambda), y: best.test, color: c2, label: `best λ ≈ ${best.lambda.toExponential(1)}` }] : [],
    });
    const legend = pathMseCanvas.parentNode.querySelector('[data-name="path-legend"]');
    legend.replaceChildren(el('span', { style: 'color:var(--series-1)' }, 'training MSE'), ' and ', el('span', { style: 'color:var(--series-2)' }, 'test MSE (dashed)'),
      ` at the end of each run; the dotted line is the λ you chose.${best ? ` Lowest test MSE ${fmt(best.test)} at λ = ${best.lambda.toExponential(1)}.` : ''}`);
    legend.dataset.best = best ? String(best.lambda) : '';
  }

  function drawGeometry(gm) {
    const fit = kit.fitCanvas(geoCanvas, { aspect: 1 });
    if (!fit) return;
    const { g, w, h } = fit;
    const col = kit.colors(geoCanvas);
    const pad = 30;
    const size = Math.min(w, h) - 2 * pad;
    const X = (v) => pad + ((v - gm.lo) / (gm.hi - gm.lo)) * size;
    const Y = (v) => pad + (1 - (v - gm.lo) / (gm.hi - gm.lo)) * size;
    // axes
    g.strokeStyle = col.grid; g.lineWidth = 1;
    g.strokeRect(pad, pad, size, size);
    g.beginPath(); g.moveTo(X(0), pad); g.lineTo(X(0), pad + size); g.moveTo(pad, Y(0)); g.lineTo(pad + size, Y(0)); g.stroke();
    g.fillStyle = col.muted; g.font = col.font; g.textAlign = 'center'; g.textBaseline = 'top';
    for (let v = Math.ceil(gm.lo); v <= gm.hi; v++) g.fillText(String(v), X(v), pad + size + 4);
    g.fillText('w1', pad + size - 8, Y(0) + 4);
    g.textAlign = 'right'; g.textBaseline = 'middle';
    for (let v = Math.ceil(gm.lo); v <= gm.hi; v++) g.fillText(String(v), pad - 4, Y(v));
    g.fillText('w2', X(0) - 4, pad + 8);
    // contours: the level through ŵ (it touches the region) and levels above the minimum
    const G = gm.grid;
    const cell = (gm.hi - gm.lo) / (G - 1);
    const toXY = ([r, c]) => [X(gm.lo + c * cell), Y(gm.hi - r * cell)];
    const base = Number.isFinite(gm.olsMse) ? gm.olsMse : Math.min(...gm.contour);
    const levels = [0.05, 0.2, 0.5, 1, 2, 4, 8, 16].map((k) => base + k);
    const contour = (level, color, width) => {
      g.strokeStyle = color; g.lineWidth = width;
      g.beginPath();
      for (const [a, b] of isoSegments(gm.contour, G, level)) {
        const [x0, y0] = toXY(a); const [x1, y1] = toXY(b);
        g.moveTo(x0, y0); g.lineTo(x1, y1);
      }
      g.stroke();
    };
    for (const lv of levels) contour(lv, col.grid, 1);
    if (gm.penalty > 0) contour(gm.mse, col.series[0], 1.5);
    // the region through ŵ
    if (gm.region.length) {
      g.fillStyle = col.series[2]; g.globalAlpha = 0.18;
      g.beginPath();
      for (let i = 0; i < gm.region.length; i += 2) {
        if (i === 0) g.moveTo(X(gm.region[i]), Y(gm.region[i + 1])); else g.lineTo(X(gm.region[i]), Y(gm.region[i + 1]));
      }
      g.closePath(); g.fill(); g.globalAlpha = 1;
      g.strokeStyle = col.series[2]; g.lineWidth = 2; g.stroke();
    }
    // paths
    const path = (p, color, dash) => {
      g.strokeStyle = color; g.lineWidth = 1.5; g.setLineDash(dash);
      g.beginPath();
      for (let i = 0; i < p.length; i += 2) { if (i === 0) g.moveTo(X(p[i]), Y(p[i + 1])); else g.lineTo(X(p[i]), Y(p[i + 1])); }
      g.stroke(); g.setLineDash([]);
    };
    path(gm.sub, col.series[3], [4, 3]);
    path(gm.prox, col.series[1], []);
    const dot = (x, y, color, label) => {
      g.fillStyle = color; g.beginPath(); g.arc(X(x), Y(y), 5, 0, 2 * Math.PI); g.fill();
      g.fillStyle = col.fg; g.textAlign = 'left'; g.textBaseline = 'bottom'; g.fillText(label, X(x) + 7, Y(y) - 2);
    };
    if (gm.unique) dot(gm.ols[0], gm.ols[1], col.muted, 'w* (MSE only)');
    dot(gm.opt[0], gm.opt[1], col.series[1], 'ŵ');
  }

  function pair(node, p) {
    node.textContent = `(${fmt(p[0])}, ${fmt(p[1])})`;
    node.dataset.value = `${p[0]},${p[1]}`;
  }

  return {
    update(s, st, stat = status) {
      last = s;
      state = st;
      status = stat ?? status;
      playBtn.textContent = status.playing ? 'Pause' : 'Play';
      playBtn.setAttribute('aria-pressed', String(status.playing));
      playBtn.disabled = status.done && !status.playing;
      stepBtn.disabled = status.done;
      const pr = status.progress ?? { value: s.epoch, total: s.epochs };
      progress.max = String(pr.total || 1);
      progress.value = String(pr.value);
      statusLine.textContent = `Epoch ${s.epoch} of ${s.epochs}${status.progress?.label?.startsWith('epochs (path') ? ` · ${status.progress.label.replace(/^epochs \(|\)$/g, '')}` : ''}${status.done ? ' · done' : ''}`;
      statusLine.dataset.epoch = String(s.epoch);
      statusLine.dataset.mode = session.mode;
      health.hidden = !s.failure;
      health.textContent = s.failure ? `Training stopped: ${s.failure} Lower the learning rate and press reset.` : '';
      // the log slider follows the setting
      const p = st.lambda > 0 ? Math.max(LOG_MIN, Math.min(0, Math.log10(st.lambda))) : LOG_MIN - LOG_STEP;
      if (document.activeElement !== logRange) logRange.value = String(p);
      logValue.textContent = st.lambda > 0 ? `λ = ${Number(st.lambda.toPrecision(3))}` : 'λ = 0 (off)';
      drawFormula(s);
      setCell(tl, s.last.loss);
      setCell(mse, s.last.data);
      setCell(pen, s.last.penalty);
      setCell(test, s.last.test);
      setCell(l1Cell, s.l1, 6);
      setCell(l2Cell, s.l2, 6);
      kind.textContent = `${penaltyName(s.mix, s.lambda)}: the optimizer minimizes TL; the MSE alone is what the model is judged by. TL is Keras' loss (evaluate() in inference mode); the penalty is the model's regularization loss from the core.`;
      conventionLine.hidden = !s.convention;
      conventionLine.textContent = s.convention ?? '';
      drawCharts(s);
      const gm = s.geo;
      pair(geoOls, gm.ols);
      pair(geoOpt, gm.opt);
      pair(geoSub, gm.subLast);
      geoTl.textContent = `At ŵ: MSE ${fmt(gm.mse)} + λ1·‖ŵ‖₁ + λ2·‖ŵ‖² = ${fmt(gm.penalty)} gives TL ${fmt(gm.total)} (λ1 = ${fmt(gm.l1)}, λ2 = ${fmt(gm.l2)}); proximal gradient took ${gm.iterations} steps of t = 1/(λmax(H) + 2λ2) = ${fmt(gm.step)}${gm.converged ? '' : ' (not yet converged)'}. Subgradient descent (steps t/√(k + 1), ${(gm.sub.length / 2) - 1} of them) ends at TL ${fmt(gm.subTotal)} with ${gm.subLast.filter((v) => v === 0).length} weights exactly 0.`;
      geoLegend.textContent = gm.region.length
        ? `Grey: MSE contours; blue: the contour through ŵ, touching the ${gm.l2 === 0 ? 'L1 diamond' : gm.l1 === 0 ? 'L2 disc' : 'elastic-net region'} (green) of the same penalty. Solid: proximal gradient to ŵ; dashed: subgradient descent. ${gm.opt.some((v) => v === 0) ? 'ŵ has a weight exactly 0: the contour touches a corner.' : ''}`
        : 'No penalty: ŵ is the least-squares w*, the centre of the contours.';
      drawGeometry(gm);
    },
    destroy() { void last; void state; },
  };
}
