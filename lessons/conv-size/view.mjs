// The conv-size lesson's view (page only): mount(root, kit) builds the DOM once and returns
// { update(result, state) }; every number it shows comes from compute() in ./lesson.mjs.
import { fmt } from '../format.mjs';
import { DIGIT_SIZE, PRESETS, grouped, short } from './lesson.mjs';

// Layout of the figure rows (inline, so the shared stylesheet needs nothing for this lesson).
const PAIR = 'display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start;';
const SMALL = 'font-size:0.88em;';
const FIG = 'margin:0;flex:1 1 12rem;min-width:0;max-width:420px;';

// Grey image (values in [lo, hi]) or a diverging map (signed) into an offscreen canvas.
function imageCanvas(values, rows, cols, { signed = false, lo = 0, hi = 1 } = {}) {
  const c = document.createElement('canvas');
  c.width = cols;
  c.height = rows;
  const g = c.getContext('2d');
  const img = g.createImageData(cols, rows);
  const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  for (let i = 0; i < rows * cols; i++) {
    const v = values[i];
    let r, gg, b;
    if (signed) {
      const t = Math.max(-1, Math.min(1, v / m));
      // white at 0, orange-red for positive, blue for negative
      if (t >= 0) { r = 255; gg = 255 - 170 * t; b = 255 - 225 * t; } else { r = 255 + 220 * t; gg = 255 + 140 * t; b = 255; }
    } else {
      const t = Math.max(0, Math.min(1, (v - lo) / ((hi - lo) || 1)));
      r = gg = b = 255 * (1 - t);
    }
    img.data.set([r, gg, b, 255], i * 4);
  }
  g.putImageData(img, 0, 0);
  return c;
}

/** Builds the view inside `root`; returns { update(result), destroy() }. */
export function mount(root, kit) {
  const { el, tex } = kit;
  let last = null;
  let sel = [0, 0]; // the output cell whose window is shown (view state)
  let timer = null;

  // -- output size panel
  const formula = el('div', { class: 'formula', style: SMALL });
  tex(formula, 'n_{\\text{out}} = \\left\\lfloor \\frac{n + P_{\\text{b}} + P_{\\text{a}} - d\\,(f-1) - 1}{s} \\right\\rfloor + 1', true);
  const formulaNote = el('p', { class: 'note' }, 'P_b, P_a: the padding before (top/left) and after (bottom/right); equal unless \'same\' needs an odd total.');
  const live = el('div', { class: 'formula', style: SMALL, 'data-name': 'size-formula' });
  const outLine = el('p', { class: 'big' }, 'Output: ', el('output', { 'data-name': 'out' }), el('span', { 'data-name': 'volume' }));
  const floorNote = el('p', { class: 'note', 'data-name': 'floor-note' });
  const sizeNotice = el('p', { class: 'notice', role: 'status', 'data-name': 'size-error', hidden: true });
  const rfLine = el('p', { 'data-name': 'rf' });

  // -- grid picture
  const gridCanvas = el('canvas', { class: 'conv-grid', 'data-figure': 'key', tabindex: '0', style: 'display:block;width:100%;', role: 'img',
    'aria-label': 'the padded input grid with the sliding window; arrow keys move the window' });
  const outCanvas = el('canvas', { class: 'conv-grid', tabindex: '0', style: 'display:block;width:100%;', role: 'img',
    'aria-label': 'the output grid; click a cell or use the arrow keys to show its window' });
  const slide = el('button', { type: 'button', 'aria-pressed': 'false' }, 'Slide the window');
  const where = el('p', { class: 'note', 'data-name': 'window' });
  const legend = el('p', { class: 'note' }, 'Grey: padding. Blue: the input pixels the window reads (with dilation, only every d-th). Red: input pixels no window reaches (the floor drops them).');

  // -- parameters
  const pformula = el('div', { class: 'formula' });
  tex(pformula, '\\#\\text{params} = (f \\cdot f \\cdot C_{\\text{in}} + 1) \\cdot C_{\\text{out}}', true);
  const plive = el('div', { class: 'formula' });
  const pcourse = el('div', { class: 'formula' });
  const pcourseLabel = el('p', {}, 'The course\'s example, 500 filters of 5 × 5 over 100 channels:');
  const pvalue = el('output', { 'data-name': 'params' });
  const pline = el('p', { class: 'big' }, 'Parameters of this layer: ', pvalue);

  // -- feature map
  const digitCanvas = el('canvas', { class: 'fmap', style: 'display:block;width:100%;max-width:224px;', role: 'img', 'aria-label': 'the input digit' });
  const mapCanvas = el('canvas', { class: 'fmap', style: 'display:block;width:100%;max-width:224px;', role: 'img', 'aria-label': 'the feature map' });
  const presetBox = el('div', { class: 'buttons', role: 'group', 'aria-label': 'filter presets' });
  const presetButtons = PRESETS.map((p) => {
    const b = el('button', { type: 'button', 'aria-pressed': 'false', 'data-preset': p.value }, p.label);
    b.addEventListener('click', () => kit.set('filter', [...p.filter]));
    presetBox.append(b);
    return b;
  });
  const filterTable = el('table', { class: 'numbers filter', style: 'width:auto;', 'aria-label': 'the 3×3 filter' });
  const fmapInfo = el('p', { 'data-name': 'fmap-info' });
  const convNotice = el('p', { class: 'notice', role: 'status', 'data-name': 'conv-error', hidden: true });
  const cformula = el('div', { class: 'formula' });
  tex(cformula, 'y_{i,j} = \\sum_{u=0}^{2}\\sum_{v=0}^{2} w_{u,v}\\, \\tilde x_{s i + d u,\\; s j + d v}', true);
  const cnote = el('p', { class: 'note' }, 'x̃ is the digit with its padding (zeros); the filter is not flipped (cross-correlation, as TensorFlow and PyTorch).');

  // 'same' padding: the page's convention and what the other framework would do.
  const sameNote = el('p', { class: 'convention-note', 'data-name': 'same-note', hidden: true });

  root.append(
    el('div', { class: 'panel' }, el('h3', {}, 'Output size'), formula, formulaNote, live, outLine, floorNote, sizeNotice, sameNote, rfLine),
    el('div', { class: 'panel wide' }, el('h3', {}, 'The sliding window'),
      el('div', { class: 'conv-pair', style: PAIR },
        el('figure', { style: FIG }, gridCanvas, el('figcaption', {}, 'Padded input')),
        el('figure', { style: FIG }, outCanvas, el('figcaption', {}, 'Output'))),
      el('div', { class: 'buttons' }, slide), where, legend),
    el('div', { class: 'panel' }, el('h3', {}, 'Parameters'), pformula, plive, pline, pcourseLabel, pcourse),
    el('div', { class: 'panel wide' }, el('h3', {}, 'A real convolution (computed by the core)'), cformula, cnote, presetBox,
      el('div', { class: 'conv-pair', style: PAIR },
        el('figure', { style: FIG }, digitCanvas, el('figcaption', {}, 'Input digit (28 × 28)')),
        el('figure', { style: FIG }, filterTable, el('figcaption', {}, 'Filter w')),
        el('figure', { style: FIG }, mapCanvas, el('figcaption', { 'data-name': 'fmap-caption' }, 'Feature map'))),
      fmapInfo, convNotice),
  );

  const texCache = new Map();
  const setTex = (node, latex, display = true) => {
    if (texCache.get(node) === latex) return;
    texCache.set(node, latex);
    tex(node, latex, display);
  };

  // ---- the grid picture
  function geometry(r) {
    const z = r.size;
    const pb = z ? z.padBefore : (r.padding === 'number' ? r.pad : 0);
    const pa = z ? z.padAfter : pb;
    return { pb, pa, n: r.input, total: r.input + pb + pa, out: z ? z.out : 0, keff: z ? z.keff : (r.kernel - 1) * r.dilation + 1 };
  }

  function drawGrid() {
    const r = last;
    if (!r) return;
    const G = geometry(r);
    const col = kit.colors(gridCanvas, { fontScale: 0.8 });
    const side = Math.min(gridCanvas.clientWidth || 300, 420);
    const f = kit.fitCanvas(gridCanvas, { height: side });
    if (!f) return;
    const { g } = f;
    const cell = Math.min(side / Math.max(G.total, G.keff), 28);
    const ox = 0, oy = 0;
    const lines = cell >= 4;
    // covered extent: the last window ends at (out-1) s + keff in padded coordinates
    const reach = G.out ? (G.out - 1) * r.stride + G.keff : 0;
    for (let i = 0; i < G.total; i++) {
      for (let j = 0; j < G.total; j++) {
        const pad = i < G.pb || j < G.pb || i >= G.pb + G.n || j >= G.pb + G.n;
        let fill = pad ? col.grid : col.panel;
        if (!pad && G.out && (i >= reach || j >= reach)) fill = col.bad;
        g.fillStyle = fill;
        g.globalAlpha = fill === col.bad ? 0.35 : 1;
        g.fillRect(ox + j * cell, oy + i * cell, cell, cell);
        g.globalAlpha = 1;
      }
    }
    if (lines) {
      g.strokeStyle = col.muted;
      g.globalAlpha = 0.45;
      g.lineWidth = 0.5;
      g.beginPath();
      for (let k = 0; k <= G.total; k++) {
        g.moveTo(ox + k * cell, oy); g.lineTo(ox + k * cell, oy + G.total * cell);
        g.moveTo(ox, oy + k * cell); g.lineTo(ox + G.total * cell, oy + k * cell);
      }
      g.stroke();
      g.globalAlpha = 1;
    }
    // the original input's border
    g.strokeStyle = col.fg;
    g.lineWidth = 1.5;
    g.strokeRect(ox + G.pb * cell, oy + G.pb * cell, G.n * cell, G.n * cell);
    // the window of the selected output cell: taps at (s i + d u, s j + d v) in padded coordinates
    if (G.out) {
      const [si, sj] = sel;
      const y0 = si * r.stride, x0 = sj * r.stride;
      g.fillStyle = col.accent;
      g.globalAlpha = 0.55;
      for (let u = 0; u < r.kernel; u++) {
        for (let v = 0; v < r.kernel; v++) {
          g.fillRect(ox + (x0 + v * r.dilation) * cell, oy + (y0 + u * r.dilation) * cell, cell, cell);
        }
      }
      g.globalAlpha = 1;
      g.strokeStyle = col.accent;
      g.lineWidth = 2;
      g.strokeRect(ox + x0 * cell, oy + y0 * cell, G.keff * cell, G.keff * cell);
    } else {
      // no valid output: show the (too large) window at the top left
      g.strokeStyle = col.bad;
      g.lineWidth = 2;
      g.setLineDash([4, 3]);
      g.strokeRect(ox, oy, Math.min(G.keff, Math.max(G.total, G.keff)) * cell, G.keff * cell);
      g.setLineDash([]);
    }
  }

  function drawOut() {
    const r = last;
    if (!r) return;
    const G = geometry(r);
    const col = kit.colors(outCanvas, { fontScale: 0.8 });
    const side = Math.min(outCanvas.clientWidth || 300, 420);
    const f = kit.fitCanvas(outCanvas, { height: side });
    if (!f) return;
    const { g } = f;
    if (!G.out) {
      g.fillStyle = col.bad;
      g.font = col.font;
      g.fillText('no valid output', 8, 20);
      return;
    }
    const cellIn = Math.min(side / Math.max(G.total, G.keff), 28);
    const cell = Math.min(cellIn * Math.max(1, r.stride), side / G.out, 40);
    for (let i = 0; i < G.out; i++) {
      for (let j = 0; j < G.out; j++) {
        const on = i === sel[0] && j === sel[1];
        g.fillStyle = on ? col.accent : col.highlight;
        g.fillRect(j * cell, i * cell, cell, cell);
      }
    }
    if (cell >= 4) {
      g.strokeStyle = col.muted;
      g.globalAlpha = 0.45;
      g.lineWidth = 0.5;
      g.beginPath();
      for (let k = 0; k <= G.out; k++) {
        g.moveTo(k * cell, 0); g.lineTo(k * cell, G.out * cell);
        g.moveTo(0, k * cell); g.lineTo(G.out * cell, k * cell);
      }
      g.stroke();
      g.globalAlpha = 1;
    }
    outCanvas.dataset.cell = String(cell);
  }

  function describeWindow() {
    const r = last;
    const G = geometry(r);
    if (!G.out) { where.textContent = ''; return; }
    const [i, j] = sel;
    const y0 = i * r.stride - G.pb, x0 = j * r.stride - G.pb;
    where.textContent = `Output (${i + 1}, ${j + 1}) reads input rows ${y0 + 1}…${y0 + G.keff} and columns ${x0 + 1}…${x0 + G.keff} (numbered from 1; 0 and below or above ${G.n} are padding).`;
  }

  const redrawWindow = () => { drawGrid(); drawOut(); describeWindow(); };
  const moveSel = (di, dj) => {
    const G = geometry(last);
    if (!G.out) return;
    sel = [Math.min(G.out - 1, Math.max(0, sel[0] + di)), Math.min(G.out - 1, Math.max(0, sel[1] + dj))];
    redrawWindow();
  };
  const keys = (e) => {
    const d = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[e.key];
    if (!d) return;
    e.preventDefault();
    moveSel(...d);
  };
  gridCanvas.addEventListener('keydown', keys);
  outCanvas.addEventListener('keydown', keys);
  outCanvas.addEventListener('pointerdown', (e) => {
    const G = geometry(last);
    const cell = Number(outCanvas.dataset.cell);
    if (!G.out || !cell) return;
    const rect = outCanvas.getBoundingClientRect();
    const i = Math.floor((e.clientY - rect.top) / cell), j = Math.floor((e.clientX - rect.left) / cell);
    if (i >= 0 && j >= 0 && i < G.out && j < G.out) { sel = [i, j]; redrawWindow(); }
  });
  const stop = () => {
    clearInterval(timer);
    timer = null;
    slide.textContent = 'Slide the window';
    slide.setAttribute('aria-pressed', 'false');
  };
  slide.addEventListener('click', () => {
    if (timer) { stop(); return; }
    const G = geometry(last);
    if (!G.out) return;
    slide.textContent = 'Stop';
    slide.setAttribute('aria-pressed', 'true');
    sel = [0, 0];
    redrawWindow();
    timer = setInterval(() => {
      const H = geometry(last);
      if (!H.out) { stop(); return; }
      let [i, j] = sel;
      j++;
      if (j >= H.out) { j = 0; i++; }
      if (i >= H.out) { stop(); return; }
      sel = [i, j];
      redrawWindow();
    }, 180);
  });

  // ---- feature map
  let digitImg = null, mapImg = null;
  function drawMaps() {
    for (const [canvas, img] of [[digitCanvas, digitImg], [mapCanvas, mapImg]]) {
      const side = Math.min(canvas.clientWidth || 200, 224);
      const f = kit.fitCanvas(canvas, { height: side });
      if (!f) continue;
      if (!img) continue;
      f.g.imageSmoothingEnabled = false;
      f.g.drawImage(img, 0, 0, side, side);
      f.g.strokeStyle = kit.colors(canvas).border;
      f.g.strokeRect(0.5, 0.5, side - 1, side - 1);
    }
  }

  const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(() => requestAnimationFrame(() => { redrawWindow(); drawMaps(); })) : null;
  resize?.observe(gridCanvas);
  resize?.observe(mapCanvas);

  const num = (name, v, text = String(v)) => el('span', { 'data-name': name, 'data-value': String(v) }, text);

  return {
    update(r) {
      const prev = last;
      last = r;
      const z = r.size;
      if (z) {
        const q = fmt(z.quotient).replace(/\.?0+$/, '');
        const fl = Number.isInteger(z.quotient);
        setTex(live, `\\begin{aligned} n_{\\text{out}} &= \\left\\lfloor \\frac{${r.input} + ${z.padBefore} + ${z.padAfter} - ${r.dilation}\\,(${r.kernel}-1) - 1}{${r.stride}} \\right\\rfloor + 1 \\\\ &= \\lfloor ${q.replace('−', '-')} \\rfloor + 1 = ${z.out}`
          + (r.padding === 'same' ? ` = \\left\\lceil \\tfrac{${r.input}}{${r.stride}} \\right\\rceil` : '') + ' \\end{aligned}');
        outLine.querySelector('output').textContent = String(z.out);
        outLine.querySelector('output').dataset.value = String(z.out);
        outLine.querySelector('[data-name="volume"]').textContent = ` × ${z.out} × ${r.cout}  (n_out × n_out × C_out)`;
        floorNote.textContent = fl
          ? `${z.numerator} / ${r.stride} is a whole number here: the last window ends exactly at the edge, every pixel is reached.`
          : `${z.numerator} / ${r.stride} = ${short(z.quotient)} is not whole: the floor rounds it down, so the output is ${z.out}, not ${short(z.exact)} or ${z.out + 1}. A window only counts if it fits entirely; the last ${z.numerator % r.stride} row(s) and column(s) of the padded input are never reached.`;
        sizeNotice.hidden = true;
        rfLine.replaceChildren('Each output pixel sees ', num('rf-size', z.rf, `${z.rf} × ${z.rf}`),
          ` input pixels (the dilated kernel d(f − 1) + 1); neighbouring outputs are ${z.jump} pixel(s) apart (the stride).`);
      } else {
        setTex(live, '\\text{no valid output}');
        outLine.querySelector('output').textContent = '—';
        outLine.querySelector('output').dataset.value = '';
        outLine.querySelector('[data-name="volume"]').textContent = '';
        floorNote.textContent = '';
        sizeNotice.hidden = false;
        sizeNotice.textContent = `These settings have no valid output. The core says: ${r.sizeError}`;
        rfLine.replaceChildren();
      }
      sameNote.hidden = !r.sameBoth;
      if (r.sameBoth) {
        sameNote.dataset.value = r.sameBoth.map((q) => `${q.convention}:${q.out ?? 'refused'}`).join(',');
        sameNote.textContent = `${r.sameNote}. ` + r.sameBoth.map((q) => `${q.label}${q.convention === r.convention ? ' (this page)' : ''}: ${q.out !== null ? `out = ${q.out}` : 'refused (stride ≠ 1)'}`).join(' · ');
      }
      if (!prev || prev.input !== r.input || prev.kernel !== r.kernel || prev.stride !== r.stride || prev.paddingArg !== r.paddingArg || prev.dilation !== r.dilation) {
        sel = [0, 0];
        if (timer) stop();
      }
      redrawWindow();

      setTex(plive, `(${r.kernel} \\cdot ${r.kernel} \\cdot ${r.cin} + 1) \\cdot ${r.cout} = ${grouped(r.params).replace(/ /g, '\\,')}`);
      pvalue.textContent = grouped(r.params);
      pvalue.dataset.value = String(r.params);
      const c = r.course;
      setTex(pcourse, `(${c.kernel} \\cdot ${c.kernel} \\cdot ${c.inChannels} + 1) \\cdot ${c.outChannels} = ${grouped(c.params).replace(/ /g, '\\,')}`);
      pcourse.dataset.name = 'course-params';
      pcourse.dataset.value = String(c.params);

      presetButtons.forEach((b, i) => {
        const on = PRESETS[i].value === r.preset;
        b.setAttribute('aria-pressed', on ? 'true' : 'false');
        b.style.background = on ? 'var(--accent)' : '';
        b.style.color = on ? 'var(--panel)' : '';
      });
      filterTable.replaceChildren(el('tbody', {}, ...[0, 1, 2].map((i) => el('tr', {}, ...[0, 1, 2].map((j) => {
        const v = r.filter[i * 3 + j];
        return el('td', { 'data-name': `w-${i * 3 + j}`, 'data-value': String(v), style: 'min-width:3.2rem;text-align:center;' }, fmt(v, 3).replace(/\.?0+$/, '') || '0');
      })))));
      if (!prev || prev.digit !== r.digit) digitImg = imageCanvas(r.image, DIGIT_SIZE, DIGIT_SIZE);
      if (r.conv) {
        mapImg = imageCanvas(r.conv.map, r.conv.size, r.conv.width, { signed: true, lo: r.conv.min, hi: r.conv.max });
        convNotice.hidden = true;
        fmapInfo.replaceChildren('Feature map ', num('fmap-size', r.conv.size, `${r.conv.size} × ${r.conv.width}`),
          ` (28 with a 3×3 filter, stride ${r.stride}, ${r.padding === 'number' ? `padding ${r.pad}` : r.padding}, dilation ${r.dilation}); values from `,
          num('fmap-min', r.conv.min, fmt(r.conv.min)), ' (blue) to ', num('fmap-max', r.conv.max, fmt(r.conv.max)), ' (red), white is 0.');
        mapCanvas.dataset.value = String(r.conv.map.slice(0, 4));
      } else {
        mapImg = null;
        convNotice.hidden = false;
        convNotice.textContent = `No feature map: ${r.convError}`;
        fmapInfo.replaceChildren();
      }
      drawMaps();
    },
    destroy() {
      stop();
      resize?.disconnect();
    },
  };
}
