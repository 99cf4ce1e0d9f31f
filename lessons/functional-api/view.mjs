// The functional-api lesson's view (page only): the graph as SVG (a node per layer with its
// parameter count, the tensor shape on every edge, both from the core's summary rows), an editor
// for the selected node (units, activation, inputs, output, add after, add head, delete) that
// rewrites the graph setting, Keras' summary() table, the code in three dialects, and the training
// (each head's loss, each head's part of the shared layers' gradient) from the session's snapshots.
// The layout (rows by longest path from an input) is drawing; every number shown is the core's.
import { fmt } from '../format.mjs';
import { ACTIVATIONS, PRESET_LABELS, PRESETS, graphText, parseGraph } from './lesson.mjs';

const SVG = 'http://www.w3.org/2000/svg';
const NODE_W = 150;
const NODE_H = 50;
const GAP_X = 24;
const GAP_Y = 64;

/** The nodes an error message names: quoted ('h1') or in a cycle's chain (h1 → h3 → h1). */
function blamedNodes(message) {
  const out = new Set();
  if (!message) return out;
  for (const m of message.matchAll(/'([A-Za-z_][A-Za-z0-9_]*)'/g)) out.add(m[1]);
  const cyc = /cycle ([^:]+):/.exec(message);
  if (cyc) for (const n of cyc[1].split(' → ')) out.add(n.trim());
  return out;
}

export function mount(root, kit) {
  const { el, session } = kit;
  let state = null;
  let snap = null;
  let status = { playing: false, done: false };
  let selected = null;
  let dialect = 'keras';
  let drawnKey = null;

  const cell = (name, text = '–', value = '') => el('span', { 'data-name': name, 'data-value': String(value) }, text);
  // Colours are the theme's CSS variables (in style, where var() works), so a theme change needs no redraw.
  const svgEl = (tag, attrs = {}, ...kids) => {
    const n = document.createElementNS(SVG, tag);
    let style = '';
    for (const [k, v] of Object.entries(attrs)) {
      if ((k === 'fill' || k === 'stroke') && String(v).startsWith('var(')) style += `${k}:${v};`;
      else n.setAttribute(k, String(v));
    }
    if (style) n.setAttribute('style', `${style}${n.getAttribute('style') ?? ''}`);
    for (const c of kids) n.append(typeof c === 'string' ? document.createTextNode(c) : c);
    return n;
  };

  // ---- toolbar ---------------------------------------------------------------------------------
  const playBtn = el('button', { type: 'button', 'data-name': 'play' }, 'Train');
  const stepBtn = el('button', { type: 'button', 'data-name': 'step', title: 'Train one epoch' }, 'Step');
  const resetBtn = el('button', { type: 'button', 'data-name': 'reset', title: 'New weights from the seed' }, 'Reset');
  const progress = el('progress', { max: '1', value: '0', 'aria-label': 'epochs run', style: 'flex:1 1 6rem;align-self:center' });
  const statusLine = el('p', { 'data-name': 'status' });
  const failLine = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'failure' });
  playBtn.addEventListener('click', () => (status.playing ? session.pause() : session.play()));
  stepBtn.addEventListener('click', () => session.step());
  resetBtn.addEventListener('click', () => session.reset());
  const presetBtns = PRESET_LABELS.map(([key, label]) => {
    const b = el('button', { type: 'button', 'data-name': `preset-${key}` }, label);
    b.addEventListener('click', () => { selected = null; kit.set('graph', PRESETS[key]); });
    return b;
  });

  // ---- the graph -------------------------------------------------------------------------------
  const graphError = el('p', { class: 'error-box', role: 'alert', hidden: true, 'data-name': 'graph-error' });
  const unusedNote = el('p', { class: 'note', hidden: true, 'data-name': 'unused' });
  const svg = svgEl('svg', { role: 'group', 'aria-label': 'the model graph: a button per node; Enter selects a node to edit', 'data-name': 'graph-svg' });
  const figure = el('div', { class: 'scroll', 'data-figure': 'click' }, svg);
  const totals = el('p', {}, 'Total params: ', cell('total-params'), ' · trainable: ', cell('trainable-params'));

  // ---- the node editor ---------------------------------------------------------------------------
  const edTitle = el('p', { 'data-name': 'editor-title' }, 'Select a node (click it, or Tab to it and press Enter) to edit it.');
  const unitsIn = el('input', { type: 'number', min: '1', max: '512', step: '1', 'data-name': 'edit-units', 'aria-label': 'units', style: 'width:5rem' });
  const actSel = el('select', { 'data-name': 'edit-activation', 'aria-label': 'activation' }, ...ACTIVATIONS.map((a) => el('option', { value: a }, a)));
  const denseRow = el('p', {}, el('label', {}, 'Units ', unitsIn), ' ', el('label', {}, 'Activation ', actSel));
  const inputsBox = el('div', { 'data-name': 'edit-inputs', class: 'buttons' });
  const outputChk = el('input', { type: 'checkbox', 'data-name': 'edit-output' });
  const addAfterBtn = el('button', { type: 'button', 'data-name': 'add-after' }, 'Add Dense after');
  const addHeadBtn = el('button', { type: 'button', 'data-name': 'add-head' }, 'Add a head');
  const addConcatBtn = el('button', { type: 'button', 'data-name': 'add-concat' }, 'Add Concatenate after');
  const deleteBtn = el('button', { type: 'button', 'data-name': 'delete-node' }, 'Delete');
  const addInputBtn = el('button', { type: 'button', 'data-name': 'add-input' }, 'Add an input');
  const editBody = el('div', { hidden: true },
    denseRow,
    el('p', { class: 'note' }, 'Takes (connect / disconnect):'), inputsBox,
    el('p', {}, el('label', {}, outputChk, ' a model output')),
    el('div', { class: 'buttons' }, addAfterBtn, addHeadBtn, addConcatBtn, deleteBtn));

  const current = () => parseGraph(state.graph);
  const commit = (g) => kit.set('graph', graphText(g));
  const freshName = (g, base) => {
    const names = new Set(g.nodes.map((n) => n.name));
    for (let i = 1; ; i++) if (!names.has(`${base}${i}`)) return `${base}${i}`;
  };
  const edit = (fn) => {
    const g = current();
    if (g.error) return;
    const node = g.nodes.find((n) => n.name === selected);
    if (!node) return;
    fn(g, node);
    commit(g);
  };
  unitsIn.addEventListener('change', () => {
    const u = Number(unitsIn.value);
    if (!Number.isInteger(u) || u < 1 || u > 512) { unitsIn.value = ''; return; }
    edit((g, n) => { n.config.units = u; });
  });
  actSel.addEventListener('change', () => edit((g, n) => { n.config.activation = actSel.value; }));
  outputChk.addEventListener('change', () => edit((g, n) => {
    if (outputChk.checked) g.outputs.push(n.name);
    else if (g.outputs.length > 1) g.outputs = g.outputs.filter((o) => o !== n.name);
  }));
  const insertAfter = (kind) => edit((g, n) => {
    const name = freshName(g, kind === 'Dense' ? 'd' : 'cat');
    for (const m of g.nodes) m.inputs = m.inputs?.map((i) => (i === n.name ? name : i));
    g.outputs = g.outputs.map((o) => (o === n.name ? name : o));
    g.nodes.splice(g.nodes.indexOf(n) + 1, 0, kind === 'Dense'
      ? { name, kind, config: { units: 16, activation: 'relu' }, inputs: [n.name] } : { name, kind, config: {}, inputs: [n.name] });
    selected = name;
  });
  addAfterBtn.addEventListener('click', () => insertAfter('Dense'));
  addConcatBtn.addEventListener('click', () => insertAfter('Concatenate'));
  addHeadBtn.addEventListener('click', () => edit((g, n) => {
    const name = freshName(g, 'head');
    g.nodes.push({ name, kind: 'Dense', config: { units: 2, activation: 'linear' }, inputs: [n.name] });
    g.outputs.push(name);
    selected = name;
  }));
  deleteBtn.addEventListener('click', () => edit((g, n) => {
    g.nodes = g.nodes.filter((m) => m !== n);
    for (const m of g.nodes) if (m.inputs) m.inputs = m.inputs.filter((i) => i !== n.name);
    g.outputs = g.outputs.filter((o) => o !== n.name);
    if (g.outputs.length === 0) g.outputs = [g.nodes.at(-1).name];
    selected = null;
  }));
  addInputBtn.addEventListener('click', () => {
    const g = current();
    if (g.error) return;
    const name = freshName(g, 'in');
    g.nodes.unshift({ name, kind: 'Input', shape: [4], inputs: [] });
    selected = name;
    commit(g);
  });

  // ---- summary, code, training ---------------------------------------------------------------------
  const summaryBody = el('tbody', {});
  const summaryTable = el('table', { 'data-name': 'summary' },
    el('thead', {}, el('tr', {}, ...['Layer (type)', 'Output Shape', 'Param #', 'Connected to'].map((h) => el('th', {}, h)))), summaryBody);
  const codeTabs = ['playgrad', 'keras', 'pytorch'].map((d) => {
    const b = el('button', { type: 'button', 'data-name': `dialect-${d}`, 'aria-pressed': 'false' }, { playgrad: 'Playgrad JS', keras: 'Keras', pytorch: 'PyTorch nn.Module' }[d]);
    b.addEventListener('click', () => { dialect = d; drawCode(); });
    return b;
  });
  const codePre = el('pre', { 'data-name': 'code', style: 'font-size:0.8rem;white-space:pre;margin:0' });
  const codeBox = el('div', { class: 'scroll' }, codePre);

  const lossCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'each output\'s loss per epoch (its own loss, before the weight)' });
  const lossChart = new kit.LineChart(lossCanvas, {});
  const lossLegend = el('p', { class: 'note' });
  const shareCanvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': 'each head\'s share of the first shared layer\'s gradient per epoch' });
  const shareChart = new kit.LineChart(shareCanvas, {});
  const shareLegend = el('p', { class: 'note' });
  const shareBody = el('tbody', {});
  const shareHead = el('tr', {});
  const shareTable = el('table', { 'data-name': 'share-table' }, el('thead', {}, shareHead), shareBody);
  const formula = el('p', {});
  kit.tex(formula, 's_k = \\frac{g_k \\cdot g}{|g|^2},\\quad g = \\textstyle\\sum_k g_k,\\quad g_k = \\nabla_\\theta\\, w_k L_k');
  const initNote = el('p', { class: 'note convention-note', 'data-name': 'init-note' });

  const panel = (title, attrs, ...kids) => el('div', { class: 'panel', ...attrs }, el('h3', {}, title), ...kids);
  root.append(
    panel('The graph', {}, graphError, figure, unusedNote, totals,
      el('div', { class: 'buttons' }, ...presetBtns, addInputBtn), edTitle, editBody),
    panel('Training: two losses', {}, el('div', { class: 'buttons' }, playBtn, stepBtn, resetBtn, progress), statusLine, failLine,
      lossCanvas, lossLegend, initNote),
    panel('Gradient reaching each layer, by head', {}, formula, el('div', { class: 'scroll' }, shareTable), shareCanvas, shareLegend),
    panel('summary()', {}, el('div', { class: 'scroll' }, summaryTable)),
    panel('The code', {}, el('div', { class: 'buttons' }, ...codeTabs), codeBox),
  );

  // ---- drawing -------------------------------------------------------------------------------------
  /** Rows by the longest path from an input (capped, so a cycle still gets drawn). */
  function layout(g) {
    const depth = new Map(g.nodes.map((n) => [n.name, 0]));
    for (let it = 0; it < g.nodes.length; it++) {
      let moved = false;
      for (const n of g.nodes) {
        for (const i of n.inputs ?? []) {
          if (!depth.has(i)) continue;
          const d = Math.min(g.nodes.length, depth.get(i) + 1);
          if (d > depth.get(n.name)) { depth.set(n.name, d); moved = true; }
        }
      }
      if (!moved) break;
    }
    const rows = [];
    for (const n of g.nodes) (rows[depth.get(n.name)] ??= []).push(n);
    const width = Math.max(...rows.filter(Boolean).map((r) => r.length)) * (NODE_W + GAP_X) + GAP_X;
    const pos = new Map();
    let y = 16;
    for (const r of rows) {
      if (!r) continue;
      const rw = r.length * (NODE_W + GAP_X) - GAP_X;
      r.forEach((n, i) => pos.set(n.name, { x: (width - rw) / 2 + i * (NODE_W + GAP_X), y }));
      y += NODE_H + GAP_Y;
    }
    return { pos, width, height: y - GAP_Y + 16 };
  }

  function drawGraph() {
    const g = parseGraph(state.graph);
    svg.replaceChildren();
    if (g.error) return;
    const col = { fg: 'var(--fg)', muted: 'var(--muted)', bad: 'var(--bad)', accent: 'var(--accent)', accent2: 'var(--accent-2)',
      border: 'var(--border)', panel: 'var(--panel)', highlight: 'var(--highlight)' };
    const rows = new Map((snap?.rows ?? []).map((r) => [r.name, r]));
    const blamed = blamedNodes(snap?.error);
    const unused = new Set(snap?.unused ?? []);
    const { pos, width, height } = layout(g);
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    svg.style.maxWidth = 'none';
    svg.style.fontFamily = 'inherit';
    svg.append(svgEl('defs', {}, svgEl('marker', { id: 'fapi-arrow', viewBox: '0 0 10 10', refX: '10', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' },
      svgEl('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: col.muted }))));
    const edges = svgEl('g', {});
    const labels = svgEl('g', {});
    const nodesG = svgEl('g', {});
    for (const n of g.nodes) {
      const b = pos.get(n.name);
      (n.inputs ?? []).forEach((i, k) => {
        const a = pos.get(i);
        if (!a) return;
        const x1 = a.x + NODE_W / 2;
        const y1 = a.y + NODE_H;
        const x2 = b.x + NODE_W / 2 + (k - ((n.inputs.length - 1) / 2)) * 24;
        const y2 = b.y;
        const back = y2 <= y1;  // an edge going up: part of a cycle
        const d = back ? `M ${x1} ${a.y} C ${x1 + 90} ${a.y - 40}, ${x2 + 90} ${y2 + NODE_H + 40}, ${x2} ${y2 + NODE_H}` : `M ${x1} ${y1} C ${x1} ${y1 + 30}, ${x2} ${y2 - 30}, ${x2} ${y2}`;
        edges.append(svgEl('path', { d, fill: 'none', stroke: back ? col.bad : col.muted, 'stroke-width': '1.5', 'marker-end': 'url(#fapi-arrow)' }));
        const shape = rows.get(i)?.shapeText ?? '?';
        const lx = back ? (x1 + x2) / 2 + 70 : (x1 + x2) / 2;
        const ly = back ? (a.y + y2 + NODE_H) / 2 : y1 + (y2 - y1) / 2;
        const t = svgEl('text', { x: lx, y: ly + 4, 'text-anchor': 'middle', fill: col.fg, 'font-size': '12', 'data-name': `edge-${i}-${n.name}`, 'data-value': shape }, shape);
        labels.append(svgEl('rect', { x: lx - shape.length * 3.6 - 3, y: ly - 9, width: shape.length * 7.2 + 6, height: 17, rx: '3', fill: col.panel }), t);
      });
    }
    for (const n of g.nodes) {
      const p = pos.get(n.name);
      const r = rows.get(n.name);
      const isOut = g.outputs.includes(n.name);
      const sel = n.name === selected;
      const kindText = n.kind === 'Input' ? `Input(${n.shape.join(', ')})` : n.kind === 'Dense'
        ? `Dense(${n.config.units}${n.config.activation !== 'linear' ? `, ${n.config.activation}` : ''})` : 'Concatenate';
      const stroke = blamed.has(n.name) ? col.bad : sel ? col.accent : isOut ? col.accent2 : col.border;
      const grp = svgEl('g', { tabindex: '0', role: 'button', 'data-name': `node-${n.name}`, 'data-params': r ? String(r.params) : '',
        'aria-label': `${n.name}: ${kindText}${r ? `, ${r.params} parameters, output ${r.shapeText}` : ''}${isOut ? ', a model output' : ''}`,
        'aria-pressed': String(sel), style: `cursor:pointer;opacity:${unused.has(n.name) ? 0.45 : 1}` },
      svgEl('rect', { x: p.x, y: p.y, width: NODE_W, height: NODE_H, rx: '6', fill: sel ? col.highlight : col.panel, stroke, 'stroke-width': sel || blamed.has(n.name) ? '3' : '1.5', ...(isOut ? { 'stroke-dasharray': '' } : {}) }),
      svgEl('text', { x: p.x + 8, y: p.y + 19, fill: col.fg, 'font-size': '13', 'font-weight': 'bold' }, `${n.name}${isOut ? ' ⇥' : ''}`),
      svgEl('text', { x: p.x + NODE_W - 8, y: p.y + 19, fill: col.muted, 'font-size': '12', 'text-anchor': 'end', 'data-name': `params-${n.name}` }, r ? `${r.params} p` : ''),
      svgEl('text', { x: p.x + 8, y: p.y + 39, fill: col.fg, 'font-size': '12' }, kindText));
      const pick = () => {
        selected = sel ? null : n.name;
        drawGraph();
        drawEditor();
        svg.querySelector(`[data-name="node-${n.name}"]`)?.focus();  // the keyboard stays on the node
      };
      grp.addEventListener('click', pick);
      grp.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick(); } });
      nodesG.append(grp);
    }
    svg.append(edges, nodesG, labels);
  }

  function drawEditor() {
    const g = parseGraph(state.graph);
    const n = g.error ? null : g.nodes.find((m) => m.name === selected);
    editBody.hidden = !n;
    if (!n) {
      edTitle.textContent = 'Select a node (click it, or Tab to it and press Enter) to edit it.';
      return;
    }
    const r = snap?.rows?.find((x) => x.name === n.name);
    // The count written out with the core's numbers: units·(fan_in + 1), or the widths that add.
    const rowOf = (name) => snap?.rows?.find((x) => x.name === name);
    let how = '';
    if (r && n.kind === 'Dense' && rowOf(n.inputs[0])) {
      const fin = rowOf(n.inputs[0]).shape.at(-1);
      how = ` = ${n.config.units}·(${fin} + 1)`;
    } else if (r && n.kind === 'Concatenate' && n.inputs.every(rowOf)) {
      how = `; width ${n.inputs.map((i) => rowOf(i).shape.at(-1)).join(' + ')} = ${r.shape.at(-1)}`;
    }
    edTitle.textContent = `${n.name}: ${n.kind}${r ? ` — output ${r.shapeText}, ${r.params} parameters${how}` : ''}`;
    denseRow.hidden = n.kind !== 'Dense';
    if (n.kind === 'Dense') {
      unitsIn.value = String(n.config.units);
      actSel.value = n.config.activation;
    }
    inputsBox.replaceChildren(...(n.kind === 'Input' ? [el('span', { class: 'note' }, 'nothing: an Input starts the graph')] : g.nodes.filter((m) => m !== n).map((m) => {
      const c = el('input', { type: 'checkbox', 'data-name': `edit-input-${m.name}` });
      c.checked = n.inputs.includes(m.name);
      c.addEventListener('change', () => edit((gg, nn) => {
        nn.inputs = c.checked ? [...nn.inputs, m.name] : nn.inputs.filter((i) => i !== m.name);
      }));
      return el('label', {}, c, ` ${m.name}`);
    })));
    outputChk.checked = g.outputs.includes(n.name);
    outputChk.disabled = outputChk.checked && g.outputs.length === 1;
    deleteBtn.disabled = g.outputs.length === 1 && g.outputs[0] === n.name;
  }

  function drawCode() {
    codeTabs.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.name === `dialect-${dialect}`)));
    codePre.textContent = snap?.code ? snap.code[dialect] : `# no code: the graph cannot be built\n# ${snap?.error ?? ''}`;
    codePre.dataset.dialect = dialect;
  }

  function drawSummary() {
    summaryBody.replaceChildren(...(snap.rows ?? []).map((r) => el('tr', {},
      el('td', {}, `${r.name} (${r.kind})`), el('td', {}, r.shapeText),
      el('td', {}, cell(`param-${r.name}`, String(r.params), r.params)), el('td', {}, r.connectedTo.join(', ')))));
  }

  function drawTraining() {
    const h = snap.history;
    const col = kit.colors(root);
    const heads = snap.heads;
    lossChart.set({ series: heads.map((_, k) => ({ points: h.heads.map((v, e) => [e, v[k]]), color: col.series[k % 6], width: 2 })) });
    lossLegend.replaceChildren(...heads.map((hd, k) => el('span', { style: `color:var(--series-${(k % 6) + 1});margin-right:1em` }, `━ ${hd.name}: ${hd.loss}, w = ${fmt(hd.weight)}, L = `,
      cell(`head-loss-${k}`, h.heads.length ? fmt(h.heads.at(-1)[k]) : '–', h.heads.at(-1)?.[k] ?? ''))),
    el('span', {}, ' total Σ w·L = ', cell('total-loss', h.loss.length ? fmt(h.loss.at(-1)) : '–', h.loss.at(-1) ?? '')),
    snap.accuracy === null ? '' : el('span', {}, ' · classifier accuracy (argmax vs the teacher\'s) ', cell('accuracy', fmt(snap.accuracy), snap.accuracy)));
    const grads = snap.grads;
    shareHead.replaceChildren(el('th', {}, 'layer'), el('th', {}, 'fed by'), ...heads.flatMap((hd) => [el('th', {}, `|g| ${hd.name}`), el('th', {}, `share ${hd.name}`)]),
      ...(heads.length === 2 ? [el('th', {}, 'cos(g₁, g₂)')] : []));
    shareBody.replaceChildren(...(grads?.layers ?? []).map((l) => el('tr', { 'data-shared': String(l.feeds.length > 1) },
      el('td', {}, l.feeds.length > 1 ? el('strong', {}, l.name) : l.name),
      el('td', {}, l.feeds.map((k) => heads[k]?.name).join(' + ')),
      ...heads.flatMap((_, k) => [el('td', {}, cell(`norm-${l.name}-${k}`, fmt(l.norms[k]), l.norms[k])), el('td', {}, cell(`share-${l.name}-${k}`, fmt(l.share[k]), l.share[k]))]),
      ...(heads.length === 2 ? [el('td', {}, cell(`cos-${l.name}`, fmt(l.cosine[0][1]), l.cosine[0][1]))] : []))));
    const shared = Object.keys(h.shares);
    const first = shared[0];
    if (first) {
      shareChart.set({ series: heads.map((_, k) => ({ points: h.shares[first].map((s, e) => [e, s[k]]), color: col.series[k % 6], width: 2 })) });
      shareLegend.textContent = `Share of ${first}'s gradient per epoch (shared by ${heads.length} heads; shares add up to 1).`;
    } else {
      shareChart.set({ series: [] });
      shareLegend.textContent = heads.length < 2 ? 'One output: every layer gets all of its one loss\'s gradient. Add a head to share layers.' : 'No layer is shared by two heads.';
    }
  }

  function update(s, st, stat) {
    state = st;
    snap = s;
    status = stat ?? status;
    playBtn.textContent = status.playing ? 'Pause' : 'Train';
    const p = status.progress ?? { value: s.epoch, total: s.epochs };
    progress.max = String(p.total || 1);
    progress.value = String(p.value);
    statusLine.textContent = s.error ? 'Nothing to train: the graph cannot be built.' : `Epoch ${s.epoch} of ${s.epochs}${status.done && !s.failure ? ' · done' : ''}`;
    Object.assign(statusLine.dataset, { epoch: String(s.epoch), playing: String(!!status.playing), mode: session.mode ?? '' });
    failLine.hidden = !s.failure;
    failLine.textContent = s.failure ?? '';
    graphError.hidden = !s.error;
    graphError.textContent = s.error ?? '';
    unusedNote.hidden = !(s.unused?.length);
    unusedNote.textContent = s.unused?.length ? `Left out of the model (they reach no output, as Keras leaves them out): ${s.unused.join(', ')}.` : '';
    const tp = totals.querySelector('[data-name="total-params"]');
    tp.textContent = s.error ? '–' : String(s.total);
    tp.dataset.value = s.error ? '' : String(s.total);
    const tr = totals.querySelector('[data-name="trainable-params"]');
    tr.textContent = s.error ? '–' : String(s.trainable);
    tr.dataset.value = s.error ? '' : String(s.trainable);
    for (const b of [playBtn, stepBtn, resetBtn]) b.disabled = !!s.error;
    initNote.textContent = `Initialization (${s.convention} convention): ${s.init}. Parameter counts are the same in both frameworks.`;
    // The graph, its editor, the summary and the code change with the settings only: redrawn
    // then, not on every training snapshot (which would also take the keyboard focus away).
    const key = JSON.stringify([st, s.error, s.total, s.unused]);
    if (key !== drawnKey) {
      drawnKey = key;
      drawGraph();
      drawEditor();
      drawSummary();
      drawCode();
    }
    drawTraining();
  }

  return { update, destroy() {} };
}
