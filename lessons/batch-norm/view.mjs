// The batch-norm lesson's view (page only): per-step batch and moving statistics of one unit, γ and
// β as they learn, the last update written out with its numbers, a probe input in both modes and
// the held-out accuracy three ways. Training runs in the worker (kit.session); every number shown
// comes from its snapshots.
import { fmt } from '../format.mjs';
import { batchNormDefaults } from '../convention.mjs';

export function mount(root, kit) {
  const { el, session } = kit;
  let state = null;
  let last = null;
  let status = { playing: false, done: false };

  const cell = (name, text = '–', value = '') => el('span', { 'data-name': name, 'data-value': String(value) }, text);
  const setCell = (node, v, text = fmt(v)) => { node.textContent = text; node.dataset.value = String(v); };

  // ---- toolbar ---------------------------------------------------------------------------------
  const playBtn = el('button', { type: 'button', 'data-name': 'play' }, 'Play');
  const stepBtn = el('button', { type: 'button', 'data-name': 'step', title: 'Train on one batch' }, 'Step');
  const resetBtn = el('button', { type: 'button', 'data-name': 'reset', title: 'New weights, moving statistics back to 0 and 1' }, 'Reset');
  const progress = el('progress', { max: '1', value: '0', 'aria-label': 'epochs run', style: 'flex:1 1 8rem;align-self:center' });
  const statusLine = el('p', { class: 'big', 'data-name': 'status' });
  const failLine = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'failure' });
  playBtn.addEventListener('click', () => (status.playing ? session.pause() : session.play()));
  stepBtn.addEventListener('click', () => session.step());
  resetBtn.addEventListener('click', () => session.reset());

  // ---- convention ------------------------------------------------------------------------------
  const spelled = el('code', { 'data-name': 'spelled' });
  const defaults = el('p', { class: 'note', 'data-name': 'convention-note' });
  const defaultBtn = el('button', { type: 'button', 'data-name': 'framework-beta' }, 'Use the framework default β');
  defaultBtn.addEventListener('click', () => kit.set('beta', batchNormDefaults(state).beta));

  // ---- the statistics plots ----------------------------------------------------------------------
  const chart = (label, main = false) => {
    const c = el('canvas', { class: 'chart', role: 'img', 'aria-label': label, ...(main ? { 'data-figure': '' } : {}) });
    return { canvas: c, chart: new kit.LineChart(c, {}) };
  };
  const meanC = chart('the plotted unit: each batch mean (thin) and the moving mean (thick), per step', true);
  const varC = chart('the plotted unit: each batch variance (thin) and the moving variance (thick), per step');
  const gbC = chart('the plotted unit: γ and β (the learned scale and shift) per step');
  const accC = chart('held-out accuracy per epoch: inference mode, training mode as one batch, training mode one at a time');
  accC.chart.ymin = 0;
  accC.chart.ymax = 1;
  const legendMean = el('p', { class: 'note' });
  const legendVar = el('p', { class: 'note' });
  const legendGb = el('p', { class: 'note' });
  const legendAcc = el('p', { class: 'note' });

  // The last update, written out: moving ← β·moving + (1 − β)·batch.
  const upd = {
    mean: { prev: cell('prev-mean'), batch: cell('batch-mean'), now: cell('moving-mean') },
    var: { prev: cell('prev-var'), batch: cell('batch-var'), now: cell('moving-var') },
  };
  const betaCells = [cell('beta-1'), cell('beta-2'), cell('one-minus-beta-1'), cell('one-minus-beta-2')];
  const varKind = el('span', { 'data-name': 'var-kind' });
  // One line each (not a table row), so a phone-width screen wraps it.
  const updateTable = el('div', { 'data-name': 'update' },
    el('p', {}, el('strong', {}, 'moving mean'), ' = ', betaCells[0], ' × ', upd.mean.prev, ' + ', betaCells[2], ' × ', upd.mean.batch, ' = ', upd.mean.now),
    el('p', {}, el('strong', {}, 'moving var'), ' = ', betaCells[1], ' × ', upd.var.prev, ' + ', betaCells[3], ' × ', upd.var.batch, ' = ', upd.var.now));
  const stepLabel = el('p', { class: 'note', 'data-name': 'step-label' });

  // ---- train vs inference ---------------------------------------------------------------------------
  const probe = {
    pre: cell('probe-pre'), normInf: cell('probe-norm-inference'), pInf: cell('probe-p-inference'),
    normAlone: cell('probe-norm-alone'), pAlone: cell('probe-p-alone'),
  };
  const aloneNote = el('p', { class: 'note', 'data-name': 'probe-alone-note' });
  const acc = { inf: cell('acc-inference'), batch: cell('acc-train-batch'), one: cell('acc-batch-of-one'), distinct: cell('distinct-outputs') };
  // Lines rather than a three-column table, so a phone-width screen wraps them.
  const modesTable = el('div', { 'data-name': 'modes' },
    el('p', {}, 'Pre-activation of the plotted unit (the same in both modes): x = ', probe.pre),
    el('p', {}, el('strong', {}, 'Inference mode'), ' (moving statistics): y = ', probe.normInf, ', p(class 1) = ', probe.pInf),
    el('p', {}, el('strong', {}, 'Training mode, alone'), ' (its own batch of 1): y = ', probe.normAlone, ', p(class 1) = ', probe.pAlone));
  const accTable = el('div', { 'data-name': 'accuracy' },
    el('p', {}, el('strong', {}, 'Inference mode: '), acc.inf),
    el('p', {}, el('strong', {}, 'Training mode, the held-out set as one batch: '), acc.batch),
    el('p', {}, el('strong', {}, 'Training mode, one point at a time (the bug): '), acc.one, ' (', acc.distinct, ' distinct output values)'));

  const panel = (title, ...kids) => el('div', { class: 'panel' }, el('h3', {}, title), ...kids);
  root.append(
    el('div', { class: 'panel' }, el('div', { class: 'buttons' }, playBtn, stepBtn, resetBtn, progress), statusLine, failLine,
      el('p', { class: 'note' }, 'As the framework would write this layer: ', spelled), defaults, el('div', { class: 'buttons' }, defaultBtn)),
    panel('Mean: batch vs moving', meanC.canvas, legendMean),
    panel('Variance: batch vs moving', varC.canvas, legendVar, el('p', { class: 'note' }, 'The variance averaged: ', varKind)),
    panel('The last update', stepLabel, updateTable),
    panel('γ and β as they learn', gbC.canvas, legendGb),
    panel('Train mode vs inference mode (the probe input)', modesTable, aloneNote),
    panel('Held-out accuracy', accTable, accC.canvas, legendAcc),
  );

  const swatch = (color, label, dash = false) => el('span', { style: `color:${color};margin-right:1em` }, dash ? '┄ ' : '━ ', label);

  function update(snap, st, stat) {
    state = st;
    last = snap;
    status = stat ?? status;
    playBtn.textContent = status.playing ? 'Pause' : 'Play';
    const p = status.progress ?? { value: snap.epoch, total: snap.epochs };
    progress.max = String(p.total || 1);
    progress.value = String(p.value);
    setCell(statusLine, snap.stepCount, `Epoch ${snap.epoch} of ${snap.epochs}, ${snap.stepCount} steps (${snap.nTrain} training points, batches of ${st.batchSize})${status.done && !snap.failure ? ' · done' : ''}`);
    Object.assign(statusLine.dataset, { epoch: String(snap.epoch), steps: String(snap.stepCount), playing: String(!!status.playing), mode: session.mode ?? '' });
    failLine.hidden = !snap.failure;
    failLine.textContent = snap.failure ?? '';
    spelled.textContent = snap.convention.spelled;
    defaults.textContent = `${snap.convention.defaults}. The slider's β = ${fmt(st.beta)} is Keras' momentum ${fmt(st.beta)} and PyTorch's momentum ${fmt(1 - st.beta)}.`;

    const col = kit.colors(root);
    const [c1, c2, c3] = col.series;
    const u = st.unit - 1;
    const steps = snap.steps;
    const x0 = snap.firstStep + 1;
    const xs = (f) => steps.map((r, i) => [x0 + i, f(r)]);
    const unbiased = snap.convention.unbiased;
    const batchVar = (r) => (unbiased ? (r.varUnbiased ? r.varUnbiased[u] : NaN) : r.var[u]);
    meanC.chart.set({ series: [
      { points: xs((r) => r.mean[u]), color: c1, width: 1, dash: [2, 3] },
      { points: [[x0 - 1, 0], ...xs((r) => r.movingMean[u])], color: c2, width: 2.5 }] });
    varC.chart.set({ series: [
      { points: xs(batchVar), color: c1, width: 1, dash: [2, 3] },
      { points: [[x0 - 1, 1], ...xs((r) => r.movingVar[u])], color: c2, width: 2.5 }] });
    gbC.chart.set({ series: [
      { points: [[x0 - 1, 1], ...xs((r) => r.gamma[u])], color: c1 },
      { points: [[x0 - 1, 0], ...xs((r) => r.beta[u])], color: c3 }] });
    legendMean.replaceChildren(swatch(c1, 'batch mean', true), swatch(c2, 'moving mean'));
    legendVar.replaceChildren(swatch(c1, unbiased ? 'batch variance (unbiased)' : 'batch variance (biased)', true), swatch(c2, 'moving variance'));
    legendGb.replaceChildren(swatch(c1, 'γ (scale)'), swatch(c3, 'β (shift)'));
    varKind.textContent = unbiased ? 'unbiased, Σ(x − μ)² / (m − 1) (PyTorch); the batch itself is normalized with the biased one.'
      : 'biased, Σ(x − μ)² / m (Keras), the same one the batch is normalized with.';

    // The last update with its numbers (the moving values before it: the step before, or 0 and 1).
    const r = steps.at(-1);
    const prev = steps.length > 1 ? steps.at(-2) : null;
    for (const c of betaCells.slice(0, 2)) setCell(c, st.beta);
    for (const c of betaCells.slice(2)) setCell(c, 1 - st.beta);
    if (r) {
      const before = prev ?? (snap.firstStep === 0 ? { movingMean: Array(st.units).fill(0), movingVar: Array(st.units).fill(1) } : null);
      setCell(upd.mean.prev, before ? before.movingMean[u] : NaN);
      setCell(upd.var.prev, before ? before.movingVar[u] : NaN);
      setCell(upd.mean.batch, r.mean[u]);
      setCell(upd.var.batch, batchVar(r));
      setCell(upd.mean.now, r.movingMean[u]);
      setCell(upd.var.now, r.movingVar[u]);
      stepLabel.textContent = `Step ${snap.stepCount}, unit ${st.unit}, a batch of m = ${r.size}${r.size === 1 ? ': its variance is 0 and x − μ = 0, so every output is β' : ''}.`;
    } else {
      for (const g of [upd.mean, upd.var]) for (const c of Object.values(g)) setCell(c, NaN, '–');
      stepLabel.textContent = 'No step yet: press Step or Play. The moving statistics start at mean 0, variance 1.';
    }

    const pr = snap.probe;
    setCell(probe.pre, pr.pre[u]);
    setCell(probe.normInf, pr.normalized[u]);
    setCell(probe.pInf, pr.p);
    if (pr.alone.error) {
      setCell(probe.normAlone, NaN, 'refused');
      setCell(probe.pAlone, NaN, 'refused');
      aloneNote.textContent = pr.alone.error;
    } else {
      setCell(probe.normAlone, pr.alone.normalized[u]);
      setCell(probe.pAlone, pr.alone.p);
      aloneNote.textContent = `Alone in training mode the input is its own batch: μ = x, so the output is β = ${fmt(snap.weights.beta[u])} for this unit whatever (x1, x2) is. Inference mode uses the moving statistics and follows the input.`;
    }
    const m = snap.modes;
    setCell(acc.inf, m.inference.accuracy);
    setCell(acc.batch, m.trainMode.accuracy);
    if (m.batchOfOne.accuracy === null) {
      setCell(acc.one, NaN, 'refused');
      setCell(acc.distinct, NaN, '–');
    } else {
      setCell(acc.one, m.batchOfOne.accuracy);
      setCell(acc.distinct, m.batchOfOne.distinct, String(m.batchOfOne.distinct));
    }
    const h = snap.history;
    const ep = (a) => a.map((v, i) => [i + 1, v ?? NaN]);
    accC.chart.set({ series: [
      { points: ep(h.val_accuracy), color: c2, width: 2.5 },
      { points: ep(h.train_mode_accuracy), color: c1 },
      { points: ep(h.batch1_accuracy), color: c3, dash: [4, 3] }] });
    legendAcc.replaceChildren(swatch(c2, 'inference'), swatch(c1, 'training mode, one batch'), swatch(c3, 'training mode, one at a time', true));
  }

  return { update };
}
