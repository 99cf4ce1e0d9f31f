// The tuning lesson's view (page only): the race's controls and progress, the best-so-far curves
// of the three strategies, the learning rate × λ heatmap filling in as trials finish, log vs
// linear sampling on the learning-rate axis, and every trial with its executions' spread. The race
// runs in the training worker (kit.session); every number drawn comes from its snapshots.
import { fmt } from '../format.mjs';
import { STRATEGIES, STRATEGY_LABEL, describe } from './lesson.mjs';

const log10 = Math.log10;

export function mount(root, kit) {
  const { el, session } = kit;
  let last = null;
  let state = null;
  let status = { playing: false, done: false };
  let hover = null; // the trial under the pointer or chosen with the keyboard on the heatmap: {strategy, index}

  // ---- toolbar -----------------------------------------------------------------------------
  const playBtn = el('button', { type: 'button', 'data-name': 'play' }, 'Run');
  const stepBtn = el('button', { type: 'button', 'data-name': 'step', title: 'Train one batch of the next trial' }, 'Step');
  const cancelBtn = el('button', { type: 'button', 'data-name': 'cancel', title: 'Stop the search and keep the trials finished so far' }, 'Cancel');
  const resetBtn = el('button', { type: 'button', 'data-name': 'reset', title: 'Start the race again' }, 'Reset');
  const progress = el('progress', { max: '1', value: '0', 'aria-label': 'epochs spent', 'data-name': 'progress', style: 'flex:1 1 8rem;align-self:center' });
  const statusLine = el('p', { class: 'big', 'data-name': 'status', role: 'status' });
  const modeLine = el('p', { class: 'note' });
  const problemLine = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'problem' });
  const noticeLine = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'notice' });
  playBtn.addEventListener('click', () => (status.playing ? session.pause() : session.play()));
  stepBtn.addEventListener('click', () => session.step());
  cancelBtn.addEventListener('click', () => session.command('cancel'));
  resetBtn.addEventListener('click', () => session.reset());

  // ---- best so far -------------------------------------------------------------------------
  const bestCanvas = el('canvas', { class: 'chart', 'data-figure': '', role: 'img', 'aria-label': 'best validation accuracy so far against epochs spent, one curve per strategy' });
  const bestChart = new kit.LineChart(bestCanvas, { ymin: 0, ymax: 1, xmin: 0 });
  const bestLegend = el('p', { class: 'note', 'data-name': 'best-legend' });
  const bestCells = el('div', { class: 'buttons' });

  // ---- heatmap -----------------------------------------------------------------------------
  const heat = el('canvas', { role: 'img', tabindex: '0', style: 'display:block;width:100%;max-width:560px;aspect-ratio:4/3;touch-action:none;',
    'aria-label': 'learning rate (across, log scale) by L2 lambda (up, log scale); each finished trial coloured by its validation accuracy. Focus it and use the arrow keys to walk through the trials.' });
  const heatInfo = el('p', { class: 'note', 'data-name': 'heat-info', 'aria-live': 'polite' });
  const heatLegend = el('p', { class: 'note' });

  // ---- log vs linear -----------------------------------------------------------------------
  const strips = el('canvas', { role: 'img', style: 'display:block;width:100%;height:7.5rem;',
    'aria-label': 'the same draws of the learning rate on a log scale (top) and a linear scale (bottom), on a log axis' });
  const stripInfo = el('p', { class: 'note', 'data-name': 'strip-info' });
  const stripFormula = el('p', { 'data-name': 'strip-formula', style: 'overflow-x:auto' });
  let stripTex = '';

  // ---- trials ------------------------------------------------------------------------------
  const tables = el('div', { 'data-name': 'trials' });

  root.append(
    el('div', { class: 'panel' }, el('h3', {}, 'The race'),
      el('div', { class: 'buttons', style: 'display:flex;gap:0.5rem;flex-wrap:wrap' }, playBtn, stepBtn, cancelBtn, resetBtn, progress),
      statusLine, problemLine, noticeLine,
      el('h3', { style: 'margin-top:0.75rem' }, 'Best so far (validation accuracy)'), bestCanvas, bestLegend, bestCells, modeLine),
    el('div', { class: 'panel' }, el('h3', {}, 'Learning rate × λ'), heat, heatLegend, heatInfo),
    el('div', { class: 'panel wide' }, el('h3', {}, 'Log vs linear sampling of the learning rate'), strips, stripInfo, stripFormula),
    el('div', { class: 'panel wide' }, el('h3', {}, 'Trials (mean ± sd over executions)'), tables),
  );

  const allTrials = (s) => STRATEGIES.filter((n) => s.strategies[n]).flatMap((n) => s.strategies[n].trials.map((t) => ({ strategy: n, t })));
  const seriesColor = (col, name) => col.series[STRATEGIES.indexOf(name)];
  // A score in [0, 1] as the theme's accent at that strength (over the panel): darker is more accurate.
  const fillScore = (g, col, score, shape) => {
    g.fillStyle = col.panel;
    shape();
    g.fill();
    if (score === null) return;
    g.globalAlpha = 0.12 + 0.88 * Math.max(0, Math.min(1, score));
    g.fillStyle = col.accent;
    shape();
    g.fill();
    g.globalAlpha = 1;
  };

  function drawBest(s, col) {
    const names = STRATEGIES.filter((n) => s.strategies[n]);
    const xmax = Math.max(1, ...names.map((n) => s.strategies[n].budget));
    bestChart.xmax = xmax;
    bestChart.set({
      series: names.map((n) => {
        const st = s.strategies[n];
        const pts = [];
        for (const [x, y] of st.bestSoFar) {
          if (y === null) continue;
          if (pts.length) pts.push([x, pts.at(-1)[1]]);
          pts.push([x, y]);
        }
        if (pts.length) pts.push([st.spent, pts.at(-1)[1]]);
        return { points: pts, color: seriesColor(col, n), width: 2.5, dash: n === 'grid' ? [6, 4] : n === 'halving' ? [2, 3] : [] };
      }),
    });
    bestLegend.replaceChildren('Across: epochs spent (each execution counts); up: the best mean validation accuracy of a finished trial. ',
      ...names.flatMap((n) => [el('span', { style: `color:${seriesColor(col, n)};font-weight:600` }, `${{ grid: '- - ', random: '—— ', halving: '··· ' }[n]}${STRATEGY_LABEL[n]}`), ' ']));
    bestCells.replaceChildren(...names.map((n) => {
      const st = s.strategies[n];
      return el('span', { class: 'note', 'data-name': `best-${n}`, 'data-value': st.best ? String(st.best.score) : '', style: 'margin-right:1rem' },
        `${STRATEGY_LABEL[n]}: ${st.best ? fmt(st.best.score) : "–"} after ${fmt(st.spent, 1)} of ${st.budget} epochs${st.done ? ' (done)' : ''}`);
    }));
  }

  // The heatmap's axes (log10 of the state's ranges) and its marks, for drawing and hit tests.
  let marks = [];
  function drawHeat(s, col) {
    const fit = kit.fitCanvas(heat, { aspect: 0.75 });
    if (!fit) return;
    const { g, w, h } = fit;
    g.font = col.font;
    const padL = 52, padR = 10, padT = 10, padB = 34;
    const [x0, x1] = [log10(state.lrMin), log10(state.lrMax)];
    const [y0, y1] = [log10(state.l2Min), log10(state.l2Max)];
    const X = (v) => padL + ((log10(v) - x0) / (x1 - x0)) * (w - padL - padR);
    const Y = (v) => padT + (1 - (log10(v) - y0) / (y1 - y0)) * (h - padT - padB);
    g.strokeStyle = col.grid;
    g.strokeRect(padL, padT, w - padL - padR, h - padT - padB);
    g.fillStyle = col.muted;
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (let d = Math.ceil(x0); d <= Math.floor(x1); d++) g.fillText(`1e${d}`, X(10 ** d), h - padB + 4);
    g.fillText('learning rate (log)', padL + (w - padL - padR) / 2, h - 14);
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let d = Math.ceil(y0); d <= Math.floor(y1); d++) g.fillText(`1e${d}`, padL - 4, Y(10 ** d));
    marks = [];
    // The grid's cells: each trial a rectangle around its point (the heatmap proper).
    const gs = s.strategies.grid;
    if (gs && s.grid) {
      const { rows, cols } = s.grid;
      const cw = (w - padL - padR) / rows, chh = (h - padT - padB) / cols;
      for (const t of gs.trials) {
        const cx = padL + (t.config.row + 0.5) * cw, cy = padT + (cols - t.config.col - 0.5) * chh;
        fillScore(g, col, t.score, () => { g.beginPath(); g.rect(cx - cw / 2 + 1, cy - chh / 2 + 1, cw - 2, chh - 2); });
        if (t.status === 'diverged') { g.strokeStyle = col.bad; g.lineWidth = 2; g.beginPath(); g.moveTo(cx - 8, cy - 8); g.lineTo(cx + 8, cy + 8); g.moveTo(cx + 8, cy - 8); g.lineTo(cx - 8, cy + 8); g.stroke(); }
        if (t.score !== null) { g.fillStyle = t.score > 0.5 ? col.panel : col.fg; g.textAlign = 'center'; g.fillText(fmt(t.score, 2), cx, cy); }
        marks.push({ strategy: 'grid', t, x: cx, y: cy });
      }
    }
    // Random search and successive halving: one dot per configuration.
    for (const n of ['random', 'halving']) {
      const st = s.strategies[n];
      if (!st) continue;
      for (const t of st.trials) {
        const x = X(t.config.lr), y = Y(t.config.l2);
        const r = n === 'random' ? 6 : 4;
        const shape = () => { g.beginPath(); if (n === 'random') g.arc(x, y, r, 0, 2 * Math.PI); else g.rect(x - r, y - r, 2 * r, 2 * r); };
        fillScore(g, col, t.score, shape);
        shape();
        g.lineWidth = 1.5;
        g.strokeStyle = t.status === 'diverged' ? col.bad : seriesColor(col, n);
        g.stroke();
        marks.push({ strategy: n, t, x, y });
      }
    }
    if (hover) {
      const m = marks.find((k) => k.strategy === hover.strategy && k.t.index === hover.index);
      if (m) { g.strokeStyle = col.fg; g.lineWidth = 2; g.beginPath(); g.arc(m.x, m.y, 10, 0, 2 * Math.PI); g.stroke(); }
    }
    heatLegend.replaceChildren('Grid search: the cells (their mean accuracy written in); ',
      el('span', { style: `color:${seriesColor(col, 'random')};font-weight:600` }, 'random search: circles'), '; ',
      el('span', { style: `color:${seriesColor(col, 'halving')};font-weight:600` }, 'successive halving: squares'),
      '. Darker is more accurate; empty marks have not finished; a red cross or ring: diverged. Other axes (layers, units, activation, batch norm) are in the table.');
  }

  function showHover() {
    if (!hover || !last) { heatInfo.textContent = 'Point at a trial (or focus the map and use the arrow keys) to read it.'; return; }
    const st = last.strategies[hover.strategy];
    const t = st?.trials[hover.index];
    if (!t) return;
    heatInfo.textContent = `${STRATEGY_LABEL[hover.strategy]}, trial ${t.index + 1}: ${describe(t.config)} · ${t.status}${t.score !== null ? ` · accuracy ${fmt(t.score)}` : ''}${t.diverged ? ` · ${t.diverged}` : ''}`;
  }
  heat.addEventListener('pointermove', (e) => {
    const r = heat.getBoundingClientRect();
    const x = e.clientX - r.left, y = e.clientY - r.top;
    let best = null;
    for (const m of marks) {
      const d = Math.hypot(m.x - x, m.y - y);
      if (d < 14 && (!best || d < best.d)) best = { d, m };
    }
    const next = best ? { strategy: best.m.strategy, index: best.m.t.index } : null;
    if (JSON.stringify(next) !== JSON.stringify(hover)) { hover = next; showHover(); if (last) draw(last); }
  });
  heat.addEventListener('keydown', (e) => {
    if (!marks.length || !['ArrowRight', 'ArrowLeft', 'ArrowDown', 'ArrowUp'].includes(e.key)) return;
    e.preventDefault();
    const at = hover ? marks.findIndex((m) => m.strategy === hover.strategy && m.t.index === hover.index) : -1;
    const k = (at + (e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : marks.length - 1)) % marks.length;
    hover = { strategy: marks[k].strategy, index: marks[k].t.index };
    showHover();
    draw(last);
  });

  function drawStrips(s, col) {
    const fit = kit.fitCanvas(strips, {});
    if (!fit || !s.samples) return;
    const { g, w, h } = fit;
    g.font = col.font;
    const padL = 70, padR = 12;
    const [x0, x1] = [log10(state.lrMin), log10(state.lrMax)];
    const X = (v) => padL + ((log10(v) - x0) / (x1 - x0)) * (w - padL - padR);
    const rows = [['log', h * 0.25], ['linear', h * 0.6]];
    g.textBaseline = 'middle';
    for (const [name, y] of rows) {
      g.fillStyle = col.fg;
      g.textAlign = 'right';
      g.fillText(name, padL - 8, y);
      g.strokeStyle = col.grid;
      g.beginPath(); g.moveTo(padL, y); g.lineTo(w - padR, y); g.stroke();
      g.strokeStyle = name === state.lrScale ? col.accent : col.muted;
      g.lineWidth = 2;
      for (const v of s.samples[name]) { g.beginPath(); g.moveTo(X(v), y - 12); g.lineTo(X(v), y + 12); g.stroke(); }
      g.lineWidth = 1;
    }
    g.fillStyle = col.muted;
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (let d = Math.ceil(x0); d <= Math.floor(x1); d++) {
      g.fillText(`1e${d}`, X(10 ** d), h * 0.8);
      g.strokeStyle = col.grid;
      g.beginPath(); g.moveTo(X(10 ** d), h * 0.1); g.lineTo(X(10 ** d), h * 0.78); g.stroke();
    }
    // The first draw both ways, with the formula and the numbers.
    const u = s.samples.u[0], lo = state.lrMin, hi = state.lrMax;
    const n4 = (v) => String(Number(v.toPrecision(4)));
    const tex = `u_1 = ${n4(u)}:\\quad \\text{log: } e^{\\ln ${n4(lo)} + (\\ln ${n4(hi)} - \\ln ${n4(lo)})\\cdot ${n4(u)}} = ${n4(s.samples.log[0])}`
      + `,\\qquad \\text{linear: } ${n4(lo)} + (${n4(hi)} - ${n4(lo)})\\cdot ${n4(u)} = ${n4(s.samples.linear[0])}`;
    if (tex !== stripTex) { stripTex = tex; kit.tex(stripFormula, tex); }
    stripFormula.dataset.value = `${s.samples.u[0]},${s.samples.log[0]},${s.samples.linear[0]}`;
    const decades = Math.max(1, Math.ceil(x1 - x0 - 1e-9));
    const count = (name) => Array.from({ length: decades }, (_, k) => s.samples[name].filter((v) => log10(v) >= x0 + k && log10(v) < x0 + k + 1).length);
    stripInfo.replaceChildren(`The same ${s.samples.log.length} uniform numbers u from the core's generator, mapped both ways (the one in use is highlighted; random search uses it). Draws per decade from the lowest: `,
      el('span', { 'data-name': 'decades-log', 'data-value': count('log').join(',') }, `log ${count('log').join(' / ')}`), ', ',
      el('span', { 'data-name': 'decades-linear', 'data-value': count('linear').join(',') }, `linear ${count('linear').join(' / ')}`), '.');
  }

  let tableKey = '';
  function drawTables(s) {
    // Rebuilt only when a trial changed (a run finished an epoch, a status changed).
    const key = STRATEGIES.map((n) => s.strategies[n]?.trials.map((t) => `${t.status}${t.epochs}:${t.runs.map((r) => r.accuracy.length).join('.')}`).join()).join('|');
    if (key === tableKey) return;
    tableKey = key;
    const blocks = [];
    for (const n of STRATEGIES) {
      const st = s.strategies[n];
      if (!st) continue;
      const head = el('tr', {}, ...['#', 'Configuration', 'Status', 'Epochs', 'Accuracy', 'Spread (min–max)', 'Executions'].map((c) => el('th', { scope: 'col' }, c)));
      const rows = st.trials.map((t) => el('tr', { 'data-name': `trial-${n}-${t.index}`, 'data-status': t.status, 'data-score': t.score === null ? '' : String(t.score),
        class: st.best?.trial === t.index ? 'highlight' : '' },
        el('td', {}, String(t.index + 1)),
        el('td', {}, describe(t.config)),
        el('td', { style: t.status === 'diverged' ? 'color:var(--bad)' : '' }, t.status + (t.diverged ? `: ${t.diverged}` : '')),
        el('td', {}, String(t.epochs)),
        el('td', {}, t.spread ? `${fmt(t.spread.mean, 3)} ± ${fmt(t.spread.sd, 3)}` : '–'),
        el('td', {}, t.spread ? `${fmt(t.spread.min, 3)}–${fmt(t.spread.max, 3)}` : '–'),
        el('td', {}, t.runs.map((r) => (r.diverged ? 'diverged' : r.accuracy.length ? fmt(r.accuracy.at(-1), 3) : '·')).join(', '))));
      const note = n === 'halving' ? ` · rungs at ${st.rungs.join(', ')} epochs, keeping the best 1/3 each time` : n === 'grid' ? ' · other axes at their first choice' : '';
      blocks.push(el('details', { open: '' }, el('summary', {}, `${STRATEGY_LABEL[n]}: ${st.trials.length} configurations${note}`),
        el('div', { style: 'overflow-x:auto' }, el('table', { class: 'numbers' }, el('thead', {}, head), el('tbody', {}, ...rows)))));
    }
    tables.replaceChildren(...blocks);
  }

  function draw(s) {
    const col = kit.colors(root);
    drawBest(s, col);
    drawHeat(s, col);
    drawStrips(s, col);
  }

  return {
    update(s, st, stat = status) {
      last = s;
      state = st;
      status = stat ?? status;
      noticeLine.hidden = !status.notice;
      noticeLine.textContent = status.notice ? `Not done: ${status.notice}` : '';
      const finished = !!s.problem || status.done;
      playBtn.textContent = status.playing ? 'Pause' : 'Run';
      playBtn.setAttribute('aria-pressed', String(status.playing));
      playBtn.disabled = finished && !status.playing;
      stepBtn.disabled = finished;
      cancelBtn.disabled = finished;
      problemLine.hidden = !s.problem && !s.failure;
      problemLine.textContent = s.problem ?? s.failure ?? '';
      const p = s.progress ?? { value: 0, total: 1 };
      progress.max = String(p.total || 1);
      progress.value = String(p.value);
      modeLine.textContent = session.mode === 'worker' ? 'The trials train in a Web Worker with its own copy of the core: the page stays responsive.' : 'Opened from a file: the trials train on this page in short slices between frames.';
      statusLine.dataset.playing = String(status.playing);
      statusLine.dataset.spent = String(p.value);
      if (s.problem) {
        statusLine.textContent = 'Nothing to search.';
        tables.replaceChildren();
        tableKey = '';
        return;
      }
      statusLine.textContent = s.loading ? (status.playing ? 'Loading the MNIST digits…' : 'Ready: press Run, or Step for one batch (the 3,000 MNIST digits, 0.6 MB, load first).')
        : `${fmt(p.value, 1)} of ${p.total} epochs spent${s.cancelled ? ' · cancelled' : status.done ? ' · done' : ''}${s.best ? ` · best ${fmt(s.best.score, 3)} (${STRATEGY_LABEL[s.best.strategy]})` : ''}`;
      draw(s);
      drawTables(s);
      showHover();
    },
  };
}
