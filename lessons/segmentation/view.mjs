// The segmentation lesson's view (page only): the transposed convolution's input grid beside its
// output's overlap-count heatmap (click an input cell, or focus the figure and use the arrow keys,
// to see the patch it paints), the output-size formula with the numbers; nearest, bilinear and
// transposed-convolution upsampling of one feature map; the U-Net's training controls, a held-out
// scene with its true mask and each variant's predicted mask (live, or at any finished epoch), the
// per-class IoU and Dice table and the mean IoU per epoch. Every number comes from the session's
// snapshots (the core in the training worker).
import { fmt } from '../format.mjs';
import { CLASS_NAMES, sizeWorking } from './lesson.mjs';

export function mount(root, kit) {
  const { el, session } = kit;
  let last = null;
  let state = null;
  let status = { playing: false, done: false };
  let sel = [0, 0]; // the input cell looked at (row, column)
  let epochShown = null; // null: live; else an epoch index whose masks are shown

  // ---- transposed convolution --------------------------------------------------------------------
  const grid = el('canvas', { role: 'img', tabindex: '0', 'data-figure': 'click', 'data-name': 'overlap',
    style: 'display:block;width:100%;aspect-ratio:2/1;cursor:pointer',
    'aria-label': 'the n × n input (left) and the output of the transposed convolution (right), each output pixel coloured and labelled by how many input patches paint it; click an input cell, or use the arrow keys, to see its patch' });
  const formula = el('div', { class: 'scroll', 'data-name': 'formula' });
  const sizeLine = el('p', { 'data-name': 'out-size' });
  const countLine = el('p', { 'data-name': 'counts' });
  const patchLine = el('p', { class: 'note', 'data-name': 'patch' });
  const arithError = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'arith-error' });
  let layout = null;
  const pick = (r, c) => {
    const a = last?.arith;
    if (!a) return;
    sel = [Math.max(0, Math.min(a.n - 1, r)), Math.max(0, Math.min(a.n - 1, c))];
    drawGrid();
  };
  grid.addEventListener('pointerdown', (e) => {
    if (!layout) return;
    const b = grid.getBoundingClientRect();
    const x = e.clientX - b.left - layout.x0, y = e.clientY - b.top - layout.y0;
    if (x < 0 || y < 0 || x >= layout.cell * layout.n || y >= layout.cell * layout.n) return;
    pick(Math.floor(y / layout.cell), Math.floor(x / layout.cell));
  });
  grid.addEventListener('keydown', (e) => {
    const d = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[e.key];
    if (!d) return;
    e.preventDefault();
    pick(sel[0] + d[0], sel[1] + d[1]);
  });

  // ---- three ways up -------------------------------------------------------------------------------
  const ups = ['map', 'nearest', 'bilinear', 'transposed'];
  const upTitle = { map: 'The feature map (n × n)', nearest: 'Nearest (UpSampling2D)', bilinear: 'Bilinear (UpSampling2D)', transposed: 'Transposed conv (this kernel)' };
  const upCanvas = Object.fromEntries(ups.map((k) => [k, el('canvas', { role: 'img', 'data-name': `up-${k}`, style: 'display:block;width:100%;aspect-ratio:1/1', 'aria-label': upTitle[k] })]));
  const upSize = Object.fromEntries(ups.map((k) => [k, el('p', { class: 'note', 'data-name': `up-size-${k}` })]));
  const kernelLine = el('p', { class: 'note', 'data-name': 'kernel' });

  // ---- U-Net -----------------------------------------------------------------------------------------
  const playBtn = el('button', { type: 'button', 'data-name': 'play' }, 'Train');
  const stepBtn = el('button', { type: 'button', 'data-name': 'step', title: 'One batch of 8 scenes for each network' }, 'Step');
  const resetBtn = el('button', { type: 'button', 'data-name': 'reset', title: 'Start again from fresh weights' }, 'Reset');
  const progress = el('progress', { max: '1', value: '0', 'aria-label': 'epochs done', 'data-name': 'progress', style: 'flex:1 1 8rem;align-self:center' });
  playBtn.addEventListener('click', () => (status.playing ? session.pause() : session.play()));
  stepBtn.addEventListener('click', () => session.step());
  resetBtn.addEventListener('click', () => { epochShown = null; session.reset(); });
  const statusLine = el('p', { class: 'big', 'data-name': 'status', role: 'status' });
  const problemLine = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'problem' });
  const modeLine = el('p', { class: 'note' });
  const scrub = el('input', { type: 'range', min: '0', max: '0', step: '1', value: '0', 'data-name': 'epoch-scrub', 'aria-label': 'the epoch whose masks are shown (rightmost: live)', style: 'flex:1 1 10rem' });
  const scrubLabel = el('span', { 'data-name': 'epoch-shown' }, 'live');
  scrub.addEventListener('input', () => {
    const n = last ? Object.values(last.runs)[0].masks.length : 0;
    const v = Number(scrub.value);
    epochShown = v >= n ? null : v;
    drawScenes();
  });
  const sceneRow = el('div', { 'data-name': 'masks', style: 'display:grid;grid-template-columns:repeat(auto-fit,minmax(7rem,1fr));gap:0.75rem' });
  const sceneCanvas = {};
  const sceneCaption = {};
  const thumbs = el('div', { 'data-name': 'thumbs', style: 'display:flex;flex-wrap:wrap;gap:0.4rem' });
  const thumbBtns = [];
  const legend = el('p', { class: 'note', 'data-name': 'legend' });
  const table = el('table', { class: 'numbers', 'data-name': 'scores' });
  const iouCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'held-out mean IoU per epoch, one curve per network' });
  const iouChart = new kit.LineChart(iouCanvas, { xmin: 0, ymin: 0, ymax: 1 });
  const lossCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'training loss per batch, one curve per network' });
  const lossChart = new kit.LineChart(lossCanvas, { xmin: 0, ymin: 0 });
  const chartLegend = el('p', { class: 'note', 'data-name': 'chart-legend' });
  const layerTable = el('table', { class: 'numbers', 'data-name': 'layers' });
  const conventionNote = el('p', { class: 'convention-note', 'data-name': 'convention-note' });

  root.append(
    el('div', { class: 'panel' }, el('h3', {}, 'Transposed convolution: where each input pixel paints'),
      grid, arithError, formula, sizeLine, countLine, patchLine),
    el('div', { class: 'panel' }, el('h3', {}, 'Three ways up, on the same feature map'),
      el('div', { style: 'display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:0.75rem' },
        ...ups.map((k) => el('div', {}, el('h4', {}, upTitle[k]), upCanvas[k], upSize[k]))),
      kernelLine),
    el('div', { class: 'panel wide' }, el('h3', {}, 'A U-Net trained live on shapes'),
      el('div', { class: 'buttons', style: 'display:flex;gap:0.5rem;flex-wrap:wrap' }, playBtn, stepBtn, resetBtn, progress),
      statusLine, problemLine,
      el('div', { style: 'display:flex;gap:0.5rem;align-items:center;flex-wrap:wrap' }, el('span', {}, 'Masks at epoch:'), scrub, scrubLabel),
      sceneRow, legend,
      el('p', { class: 'note' }, 'Held-out scenes (press one to look at it):'), thumbs, modeLine),
    el('div', { class: 'panel' }, el('h3', {}, 'IoU and Dice per class (all held-out pixels)'),
      el('div', { class: 'scroll' }, table), conventionNote),
    el('div', { class: 'panel' }, el('h3', {}, 'Learning curves'), iouCanvas, lossCanvas, chartLegend),
    el('div', { class: 'panel' }, el('h3', {}, 'The network'), el('div', { class: 'scroll' }, layerTable)),
  );

  // ---- drawing helpers --------------------------------------------------------------------------------
  const classColor = (col, c) => (c === 0 ? col.grid : col.series[(c - 1) % col.series.length]);
  function drawCells(canvas, side, fill, { label, frame } = {}) {
    const fit = kit.fitCanvas(canvas, { aspect: 1 });
    if (!fit) return;
    const { g, w } = fit;
    const cell = w / side;
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        g.fillStyle = fill(r * side + c);
        g.fillRect(c * cell, r * cell, Math.ceil(cell), Math.ceil(cell));
      }
    }
    if (frame) { g.strokeStyle = frame; g.lineWidth = 1; g.strokeRect(0.5, 0.5, w - 1, w - 1); }
    if (label) label(g, cell);
  }
  const grey = (v) => { const k = Math.round(255 * Math.max(0, Math.min(1, v))); return `rgb(${k},${k},${k})`; };

  function drawGrid() {
    const s = last;
    if (!s) return;
    const a = s.arith;
    const fit = kit.fitCanvas(grid, { aspect: 0.5 });
    if (!fit || a.error) return;
    const col = kit.colors(grid);
    const { g, w, h } = fit;
    const pad = 8;
    const right = w * 0.62; // the output gets the larger share
    const top = 20; // room for the grids' labels
    const oc = Math.min((right - 2 * pad) / a.out, (h - top - pad) / a.out);
    const ic = Math.min((w - right - 3 * pad) / a.n, (h - top - pad) / a.n, oc * a.S);
    const x0 = pad, y0 = top + (h - top - ic * a.n) / 2;
    layout = { x0, y0, cell: ic, n: a.n };
    g.font = col.font;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    const [sr, sc] = [Math.min(sel[0], a.n - 1), Math.min(sel[1], a.n - 1)];
    for (let r = 0; r < a.n; r++) {
      for (let c = 0; c < a.n; c++) {
        g.fillStyle = r === sr && c === sc ? col.accent : col.highlight;
        g.fillRect(x0 + c * ic + 1, y0 + r * ic + 1, ic - 2, ic - 2);
      }
    }
    g.fillStyle = col.muted;
    g.fillText(`input ${a.n} × ${a.n}`, x0 + (ic * a.n) / 2, y0 - 10);
    const ox = w - pad - oc * a.out, oy = top + (h - top - oc * a.out) / 2;
    const span = Math.max(1, a.countMax);
    for (let r = 0; r < a.out; r++) {
      for (let c = 0; c < a.out; c++) {
        const v = a.counts[r * a.out + c];
        g.globalAlpha = 0.15 + 0.85 * (v / span);
        g.fillStyle = col.accent2;
        g.fillRect(ox + c * oc, oy + r * oc, oc - 1, oc - 1);
        g.globalAlpha = 1;
        if (oc >= 14) { g.fillStyle = col.fg; g.fillText(String(v), ox + (c + 0.5) * oc, oy + (r + 0.5) * oc); }
      }
    }
    // the selected cell's patch: rows S·r − P .. S·r − P + F − 1 of the output (cut at the borders)
    const r0 = a.S * sr - a.P, c0 = a.S * sc - a.P;
    g.strokeStyle = col.accent;
    g.lineWidth = 2;
    g.setLineDash([4, 3]);
    g.strokeRect(ox + c0 * oc, oy + r0 * oc, a.F * oc - 1, a.F * oc - 1);
    g.setLineDash([]);
    g.fillStyle = col.muted;
    g.fillText(`output ${a.out} × ${a.out}`, ox + (oc * a.out) / 2, oy - 10);
    patchLine.textContent = `Input pixel (${sr}, ${sc}) paints output rows ${r0} … ${r0 + a.F - 1} and columns ${c0} … ${c0 + a.F - 1} (S·i − P to S·i − P + F − 1; outside 0 … ${a.out - 1} is cut off).`;
  }

  function drawUps() {
    const a = last?.arith;
    if (!a || a.error) return;
    const col = kit.colors(root);
    const all = [...a.map, ...a.up.transposed.data];
    const lo = Math.min(0, ...all), hi = Math.max(1e-6, ...all);
    const norm = (v) => (v - lo) / (hi - lo);
    drawCells(upCanvas.map, a.n, (i) => grey(norm(a.map[i])), { frame: col.border });
    for (const k of ['nearest', 'bilinear', 'transposed']) {
      const u = a.up[k];
      drawCells(upCanvas[k], u.side, (i) => grey(norm(u.data[i])), { frame: col.border });
    }
  }

  function masksOf(run) {
    if (epochShown === null || epochShown >= run.masks.length) return run.now.mask;
    return run.masks[epochShown];
  }

  function drawScenes() {
    const s = last;
    if (!s) return;
    const col = kit.colors(root);
    const side = s.side;
    const keys = ['image', 'truth', ...Object.keys(s.runs)];
    if (sceneRow.dataset.keys !== keys.join()) {
      sceneRow.dataset.keys = keys.join();
      sceneRow.replaceChildren(...keys.map((k) => {
        sceneCanvas[k] = el('canvas', { role: 'img', 'data-name': `mask-${k}`, style: 'display:block;width:100%;aspect-ratio:1/1', 'aria-label': k === 'image' ? 'the held-out scene' : k === 'truth' ? 'its true mask' : `the mask ${s.runs[k].label} predicts` });
        sceneCaption[k] = el('p', { class: 'note', 'data-name': `caption-${k}` });
        return el('figure', { style: 'margin:0' }, sceneCanvas[k], sceneCaption[k]);
      }));
    }
    drawCells(sceneCanvas.image, side, (i) => grey(s.image[i]), { frame: col.border });
    sceneCaption.image.textContent = `Scene ${s.shown} (${side} × ${side})`;
    drawCells(sceneCanvas.truth, side, (i) => classColor(col, s.truth[i]), { frame: col.border });
    sceneCaption.truth.textContent = 'Truth';
    const n = Object.values(s.runs)[0].masks.length;
    scrub.max = String(n);
    if (epochShown === null) scrub.value = String(n);
    scrubLabel.textContent = epochShown === null ? `live (epoch ${s.epoch}${s.batch ? ` + ${s.batch} batches` : ''})` : `after epoch ${epochShown + 1}`;
    scrubLabel.dataset.value = epochShown === null ? 'live' : String(epochShown + 1);
    for (const [k, run] of Object.entries(s.runs)) {
      const mask = masksOf(run);
      drawCells(sceneCanvas[k], side, (i) => classColor(col, mask[i]), {
        frame: col.border,
        label: (g, cell) => {
          // pixels the prediction gets wrong, crossed
          g.strokeStyle = col.bad;
          g.lineWidth = Math.max(1, cell / 8);
          for (let i = 0; i < mask.length; i++) {
            if (mask[i] === s.truth[i]) continue;
            const x = (i % side) * cell, y = Math.floor(i / side) * cell;
            g.beginPath(); g.moveTo(x + cell * 0.25, y + cell * 0.25); g.lineTo(x + cell * 0.75, y + cell * 0.75); g.stroke();
          }
        },
      });
      const wrong = mask.reduce((m, v, i) => m + (v !== s.truth[i] ? 1 : 0), 0);
      sceneCaption[k].textContent = `${run.label}: ${wrong} of ${mask.length} pixels wrong (crossed)`;
      sceneCaption[k].dataset.value = String(wrong);
    }
    legend.replaceChildren('Classes: ', ...Array.from({ length: s.classes }, (_, c) => [el('span', { style: `display:inline-block;width:0.9em;height:0.9em;vertical-align:middle;border:1px solid var(--border);background:${classColor(col, c)}` }), ` ${CLASS_NAMES[c]} `]).flat());
  }

  function drawThumbs() {
    const s = last;
    const col = kit.colors(root);
    const px = s.side * s.side;
    if (thumbBtns.length !== s.thumbs.count) {
      thumbBtns.length = 0;
      thumbs.replaceChildren(...Array.from({ length: s.thumbs.count }, (_, i) => {
        const c = el('canvas', { style: 'display:block;width:3rem;height:3rem', 'aria-hidden': 'true' });
        const b = el('button', { type: 'button', 'data-name': `thumb-${i}`, 'aria-label': `held-out scene ${i}`, style: 'padding:2px' }, c);
        b.addEventListener('click', () => kit.set('shown', i));
        thumbBtns.push({ b, c });
        return b;
      }));
    }
    thumbBtns.forEach(({ b, c }, i) => {
      b.setAttribute('aria-pressed', String(i === s.shown));
      drawCells(c, s.side, (k) => grey(s.thumbs.images[i * px + k]), { frame: i === s.shown ? col.accent : col.border });
    });
  }

  function drawCharts(s) {
    const col = kit.colors(root);
    const keys = Object.keys(s.runs);
    iouChart.set({ series: keys.map((k, j) => ({ points: s.runs[k].history.meanIou.map((v, e) => [e + 1, v]), color: col.series[j], width: 2, dash: j ? [6, 4] : [] })) });
    lossChart.set({ series: keys.map((k, j) => ({ points: s.runs[k].batchLoss.map(([x, v]) => [x, v]), color: col.series[j], width: 1.5, dash: j ? [6, 4] : [] })) });
    chartLegend.replaceChildren('Top: held-out mean IoU after each epoch; bottom: each batch\'s training loss (cross-entropy averaged over the pixels). ',
      ...keys.map((k, j) => el('span', { style: `color:${col.series[j]};font-weight:600` }, `${j ? '- - ' : '—— '}${s.runs[k].label} `)));
  }

  function fillTable(s) {
    const keys = Object.keys(s.runs);
    const head = el('tr', {}, el('th', { scope: 'col' }, 'Class'), ...keys.flatMap((k) => [el('th', { scope: 'col' }, `IoU: ${s.runs[k].label}`), el('th', { scope: 'col' }, 'Dice')]));
    const cell = (name, v) => el('td', { 'data-name': name, 'data-value': String(v) }, v === null || v === undefined ? '–' : fmt(v, 3));
    const rows = Array.from({ length: s.classes }, (_, c) => el('tr', {}, el('th', { scope: 'row' }, CLASS_NAMES[c]),
      ...keys.flatMap((k) => { const h = s.runs[k].history; return [cell(`iou-${k}-${c}`, h.iou.at(-1)?.[c] ?? null), cell(`dice-${k}-${c}`, h.dice.at(-1)?.[c] ?? null)]; })));
    const mean = el('tr', {}, el('th', { scope: 'row' }, 'mean IoU | pixel accuracy'),
      ...keys.flatMap((k) => { const h = s.runs[k].history; return [cell(`mean-iou-${k}`, h.meanIou.at(-1) ?? null), cell(`pixel-accuracy-${k}`, h.pixelAccuracy.at(-1) ?? null)]; }));
    table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows, mean));
    const epochs = Object.values(s.runs)[0].history.meanIou.length;
    conventionNote.textContent = `${epochs ? `After epoch ${epochs}, over ${s.heldOut} held-out scenes. ` : 'Scores appear after the first epoch. '}IoU = tp / (tp + fp + fn), Dice = 2tp / (2tp + fp + fn) (pg.metrics.segmentation). ${s.convention.framework} convention: ${s.convention.init} ${s.convention.adam}`;
  }

  function fillLayers(s) {
    const key = s.layers.map((l) => l.name).join();
    if (layerTable.dataset.key === key) return;
    layerTable.dataset.key = key;
    layerTable.replaceChildren(el('thead', {}, el('tr', {}, ...['Layer', 'Kind', 'Parameters'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...s.layers.map((l) => el('tr', {}, el('td', {}, l.name), el('td', {}, l.kind), el('td', {}, String(l.params))))));
  }

  function showArith(s) {
    const a = s.arith;
    arithError.hidden = !a.error;
    arithError.textContent = a.error ? `Not drawn: ${a.error}` : '';
    if (a.error) return; // the figures keep the last good settings' drawing
    kit.tex(formula, `\\text{out} = S(n - 1) + F + \\text{op} - 2P = ${sizeWorking(a).replace(/·/g, '\\cdot ').replace(/−/g, '-')}`, true);
    sizeLine.textContent = `Output ${a.out} × ${a.out} from ${a.n} × ${a.n}: the patches cover S(n − 1) + F = ${a.full} pixels, ${a.op ? `plus ${a.op} of output padding, ` : ''}${a.P ? `minus ${a.P} cut from each side` : 'nothing cut (P = 0)'}.`;
    sizeLine.dataset.value = String(a.out);
    countLine.textContent = a.even
      ? `F = ${a.F} is a multiple of S = ${a.S}: away from the borders every pixel is painted by the same number of patches (${a.countMax}); no checkerboard. Counts from ${a.countMin} to ${a.countMax}.`
      : `F = ${a.F} is not a multiple of S = ${a.S}: the counts alternate between ${a.countMin} and ${a.countMax}, a checkerboard that an all-ones kernel turns into brighter and darker pixels.`;
    countLine.dataset.min = String(a.countMin);
    countLine.dataset.max = String(a.countMax);
    countLine.dataset.even = String(a.even);
    for (const k of ups) {
      const side = k === 'map' ? a.n : a.up[k].side;
      upSize[k].textContent = `${side} × ${side}`;
      upSize[k].dataset.value = String(side);
    }
    kernelLine.textContent = `The transposed convolution's kernel (${a.F} × ${a.F}, stride ${a.S}${a.P ? `, P = ${a.P}` : ''}): ${a.kernel.map((v) => fmt(v, 3)).join(', ')}. Nearest and bilinear enlarge by S = ${a.S}; grey levels share one scale.`;
  }

  const observer = new ResizeObserver(() => { if (last) { drawGrid(); drawUps(); drawScenes(); } });
  observer.observe(grid);

  return {
    update(s, st, stat = status) {
      last = s;
      state = st;
      status = stat ?? status;
      playBtn.textContent = status.playing ? 'Pause' : 'Train';
      playBtn.setAttribute('aria-pressed', String(status.playing));
      playBtn.disabled = status.done && !status.playing;
      stepBtn.disabled = status.done;
      problemLine.hidden = !s.failure && !status.notice;
      problemLine.textContent = s.failure ?? status.notice ?? '';
      const p = status.progress ?? { value: 0, total: 1 };
      progress.max = String(p.total || 1);
      progress.value = String(p.value);
      statusLine.dataset.epoch = String(s.epoch);
      statusLine.textContent = status.done ? `Done: ${s.epoch} epochs of ${s.batches} batches` : s.epoch === 0 && s.batch === 0
        ? 'Ready: press Train (or Step for one batch of 8 scenes).'
        : `Epoch ${s.epoch + 1} of ${s.epochs}, batch ${s.batch} of ${s.batches}${status.playing ? '' : ' (paused)'}`;
      modeLine.textContent = session.mode === 'worker' ? 'The networks train in a Web Worker with its own copy of the core: the page stays responsive.' : 'Opened from a file: training runs on this page in short slices between frames.';
      showArith(s);
      drawGrid();
      drawUps();
      drawScenes();
      drawThumbs();
      fillTable(s);
      drawCharts(s);
      fillLayers(s);
      if (state && sel[0] >= s.arith.n) sel = [0, 0];
    },
    destroy() { observer.disconnect(); },
  };
}
