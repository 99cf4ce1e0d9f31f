// The backprop lesson's view (page only): the traced graph (node boxes are buttons over a canvas
// that draws the edges), the step controls, the current step's formula, the chain-rule products,
// the nudge and the finite-difference table. Every number comes from compute() in ./lesson.mjs.
import { fmt } from '../format.mjs';
import { WEIGHTS, nodeName } from './lesson.mjs';

const COL_W = 120;  // px between columns
const ROW_H = 42;   // px between rows
const BOX_W = 102;
const BOX_H = 34;
const PAD = 10;

/** Where step k stands: how many op nodes are computed and how many backward contributions made. */
export function stepState(r, k) {
  const F = r.forward.length;
  return { forward: Math.min(k, F), seeded: k > F, backward: Math.max(0, k - F - 1) };
}
export const stepCount = (r) => r.forward.length + (r.nodes[r.root].grad ? 1 + r.backward.length : 0);

export function mount(root, kit) {
  const { el, tex } = kit;
  let r = null;      // the last good result (kept when a typed f does not parse)
  let step = 0;
  let selected = null; // node id shown in the details line
  let shapeKey = '';

  // ---- graph --------------------------------------------------------------------------------------
  const canvas = el('canvas', { class: 'bp-edges', 'aria-hidden': 'true' });
  const boxes = el('div', { class: 'bp-boxes' });
  const stage = el('div', { class: 'bp-stage', role: 'group', 'aria-label': 'the traced graph: one button per node' }, canvas, boxes);
  const sizer = el('div', { class: 'bp-sizer' }, stage);
  const scroller = el('div', { class: 'scroll bp-scroll', 'data-figure': 'pan' }, sizer);
  const panHint = el('p', { class: 'note', 'data-name': 'pan-hint', hidden: true }, 'The graph is wider than the screen: swipe it (or scroll it) sideways to see the rest.');
  const notice = el('p', { class: 'notice', role: 'status', 'data-name': 'expr-error', hidden: true });
  const sourceLine = el('p', { class: 'note', 'data-name': 'source' });

  const btn = (label, name, title) => el('button', { type: 'button', 'data-name': name, title }, label);
  const bStart = btn('Start', 'step-start', 'Back to the start: only the leaves are known');
  const bBack = btn('◂ Back', 'step-back', 'One step back');
  const bNext = btn('Step ▸', 'step-next', 'Forward one node, then backward one edge');
  const bEnd = btn('End', 'step-end', 'Every value and every gradient');
  const stepLabel = el('output', { 'data-name': 'step-index' });
  const stepText = el('p', { class: 'big bp-step', 'data-name': 'step-text', 'aria-live': 'polite' });
  const details = el('p', { class: 'note', 'data-name': 'details' });
  const lossName = el('span', {}, 'L = ');
  const lossLine = el('p', { class: 'big' }, lossName, el('output', { 'data-name': 'loss' }));

  root.append(el('div', { class: 'panel wide bp-graph' },
    el('h3', {}, 'The graph the core recorded'),
    notice, sourceLine,
    el('div', { class: 'buttons' }, bStart, bBack, bNext, bEnd, stepLabel),
    stepText,
    scroller, panHint,
    lossLine, details,
    el('p', { class: 'note' }, 'Blue: forward values. Orange: gradients ∂(root)/∂(node). Click a node (or focus it and press Enter) for its contributions; on a weight or an input, ← and → (or dragging sideways) change its value.')));

  // ---- chain rule (network) ----------------------------------------------------------------------
  const chainPanel = el('div', { class: 'panel' }, el('h3', {}, 'The course’s chain-rule products'));
  const chainRows = el('div');
  chainPanel.append(chainRows, el('p', { class: 'note' }, 'Each product multiplies the factors along one path (the core multiplies them); backward() found the same gradient by its sweep. ✓: they agree to float32 precision.'));

  // ---- nudge ----------------------------------------------------------------------------------------
  const nudgePanel = el('div', { class: 'panel' }, el('h3', {}, 'Nudge by ε'));
  const nudgeRows = el('div');
  const applyBtn = btn('Apply the nudge', 'nudge-apply', 'Change the parameter by ε for real');
  nudgePanel.append(nudgeRows, el('div', { class: 'buttons' }, applyBtn));

  // ---- finite differences --------------------------------------------------------------------------
  const fdBody = el('tbody');
  const fdCaption = el('p', { class: 'note' });
  const fdTable = el('table', { class: 'numbers', 'aria-labelledby': 'bp-fd-title' },
    el('thead', {}, el('tr', {}, ...['param.', 'value', 'backprop', 'finite diff.', 'rel. error'].map((h) => el('th', { scope: 'col' }, h)))), fdBody);
  const fdPanel = el('div', { class: 'panel' }, el('h3', { id: 'bp-fd-title' }, 'Gradient check for every parameter'), el('div', { class: 'scroll' }, fdTable), fdCaption);
  root.append(chainPanel, nudgePanel, fdPanel);

  const style = el('style', {}, `
.bp-scroll { margin: 0.5rem 0; overscroll-behavior-x: contain; }
.bp-stage { position: relative; transform-origin: 0 0; }
.bp-sizer { position: relative; }
.bp-edges { position: absolute; left: 0; top: 0; }
.bp-box { position: absolute; width: ${BOX_W}px; height: ${BOX_H}px; padding: 1px 3px; font: 12px/1.25 ui-monospace, monospace; text-align: left;
  background: var(--panel); border: 1px solid var(--border); border-radius: 0.35rem; min-height: 0; white-space: nowrap; overflow: hidden; }
.bp-box.param { border-color: var(--accent); touch-action: none; cursor: ew-resize; }
.bp-box.pending { opacity: 0.45; border-style: dashed; }
.bp-box.current { outline: 3px solid var(--accent-2); outline-offset: 1px; }
.bp-box.selected { background: var(--highlight); }
.bp-box .v { color: var(--accent); display: block; }
.bp-box .g { color: var(--accent-2); display: block; }
.bp-box .n { font-weight: 700; color: var(--fg); }
.bp-step { min-height: 3.2em; }
/* A phone: the graph right under the step buttons, the step's sentence under the graph. */
@media (max-width: 40rem) {
  .bp-graph { display: flex; flex-direction: column; }
  .bp-graph > * { order: 0; }
  .bp-graph > .bp-step { order: 1; margin-top: 0; }
  .bp-graph > .bp-step ~ :not(.bp-scroll, [data-name="pan-hint"]) { order: 2; }
}
.bp-ok { color: var(--good); }
.bp-chain p { margin: 0 0 0.6rem; }
`);
  root.append(style);

  const cell = (name, v, text = fmt(v)) => el('td', { 'data-name': name, 'data-value': String(v) }, text);
  const out = (name, v) => el('output', { 'data-name': name, 'data-value': String(v) }, fmt(v));

  // ---- stepping -------------------------------------------------------------------------------------
  function setStep(k) {
    if (!r) return;
    step = Math.max(0, Math.min(stepCount(r), k));
    draw();
  }
  bStart.addEventListener('click', () => setStep(0));
  bBack.addEventListener('click', () => setStep(step - 1));
  bNext.addEventListener('click', () => setStep(step + 1));
  bEnd.addEventListener('click', () => setStep(stepCount(r)));
  applyBtn.addEventListener('click', () => {
    if (!r) return;
    const n = r.nudge;
    const k = WEIGHTS.indexOf(n.name);
    const [name, i] = k >= 0 ? ['w', k] : ['x', n.name === 'x1' || n.name === 'x' ? 0 : 1];
    const list = [...lastState[name]];
    list[i] = round(list[i] + n.eps);
    kit.set(name, list);
  });
  const round = (v) => Math.round(v * 1e6) / 1e6;
  let lastState = null;
  let lastF = null;

  // A parameter node: its setting and index (weights: 'w'; inputs x1, x2 or f's x, y: 'x').
  function paramOf(node) {
    if (!node.label) return null;
    const k = WEIGHTS.indexOf(node.label);
    if (r.graph === 'network' && k >= 0) return { name: 'w', index: k, step: 0.05, min: -3, max: 3 };
    const j = r.graph === 'network' ? ['x1', 'x2'].indexOf(node.label) : ['x', 'y'].indexOf(node.label);
    if (j >= 0) return { name: 'x', index: j, step: 0.1, min: -3, max: 3 };
    return null;
  }
  function changeParam(p, delta) {
    const list = [...lastState[p.name]];
    list[p.index] = Math.max(p.min, Math.min(p.max, round(list[p.index] + delta)));
    kit.set(p.name, list);
  }

  // ---- drawing --------------------------------------------------------------------------------------
  const pos = (id) => ({ x: PAD + r.layout.col[id] * COL_W, y: PAD + r.layout.row[id] * ROW_H });
  let boxEls = [];

  function buildBoxes() {
    boxEls = r.nodes.map((node) => {
      const p = pos(node.id);
      const param = paramOf(node);
      const b = el('button', {
        type: 'button', class: `bp-box${param ? ' param' : ''}`, 'data-node': String(node.id),
        'data-name': `node-${nodeName(node)}`, style: `left:${p.x}px;top:${p.y}px`,
      });
      b.addEventListener('click', () => { selected = node.id; draw(); });
      if (param) {
        b.addEventListener('keydown', (e) => {
          if (e.key === 'ArrowRight' || e.key === 'ArrowUp') { changeParam(param, param.step); e.preventDefault(); }
          if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') { changeParam(param, -param.step); e.preventDefault(); }
        });
        let drag = null;
        b.addEventListener('pointerdown', (e) => { drag = { x: e.clientX, sent: 0 }; b.setPointerCapture(e.pointerId); });
        b.addEventListener('pointermove', (e) => {
          if (!drag) return;
          const steps = Math.trunc((e.clientX - drag.x) / 8) - drag.sent; // 8 px per step
          if (steps) { drag.sent += steps; changeParam(param, steps * param.step); }
        });
        const end = () => { drag = null; };
        b.addEventListener('pointerup', end);
        b.addEventListener('pointercancel', end);
      }
      return b;
    });
    boxes.replaceChildren(...boxEls);
    const w = PAD * 2 + (r.layout.cols - 1) * COL_W + BOX_W;
    const h = PAD * 2 + (Math.max(...r.layout.row) + 0) * ROW_H + BOX_H;
    stage.style.width = `${w}px`;
    stage.style.height = `${h}px`;
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
    stageSize = { w, h };
    fitStage();
  }

  // Scale the graph down to the panel's width, but not below 60 % (80 % on a phone, so the
  // 12 px labels stay readable): a graph wider than that pans sideways inside its own box (the
  // page itself never scrolls sideways), and a line under it says so.
  let stageSize = null;
  function fitStage() {
    if (!stageSize) return;
    const avail = scroller.clientWidth;
    const least = avail && avail < 480 ? 0.8 : 0.6;
    const k = avail ? Math.max(least, Math.min(1, avail / stageSize.w)) : 1;
    stage.style.transform = k < 1 ? `scale(${k})` : '';
    sizer.style.width = `${Math.ceil(stageSize.w * k)}px`;
    sizer.style.height = `${Math.ceil(stageSize.h * k)}px`;
    panHint.hidden = !avail || Math.ceil(stageSize.w * k) <= avail;
  }

  function colors() {
    const cs = getComputedStyle(root);
    const v = (n, d) => cs.getPropertyValue(n).trim() || d;
    return { fg: v('--fg', '#222'), muted: v('--muted', '#666'), border: v('--border', '#ccc'), accent: v('--accent', '#25e'), accent2: v('--accent-2', '#d40'), bg: v('--panel', '#fff') };
  }

  function draw() {
    if (!r) return;
    const S = stepCount(r);
    const st = stepState(r, step);
    const known = new Set(r.nodes.filter((n) => !n.inputs.length).map((n) => n.id));
    r.forward.slice(0, st.forward).forEach((i) => known.add(i));
    const made = r.backward.slice(0, st.backward);
    const madeEdges = new Set(made.map((b) => b.edge));
    const gradDone = new Set();
    if (st.seeded) gradDone.add(r.root);
    for (const b of made) if (b.total !== null) gradDone.add(b.from);
    const cur = st.backward > 0 ? r.backward[st.backward - 1] : null;
    const curNode = !st.seeded && st.forward > 0 ? r.forward[st.forward - 1] : st.seeded && !cur ? r.root : null;

    r.nodes.forEach((node, i) => {
      const b = boxEls[i];
      const showV = known.has(i), showG = gradDone.has(i) && node.grad;
      b.className = `bp-box${paramOf(node) ? ' param' : ''}${showV ? '' : ' pending'}${i === curNode || (cur && (i === cur.from || i === cur.to)) ? ' current' : ''}${selected === i ? ' selected' : ''}`;
      b.dataset.value = String(node.value[0]);
      b.dataset.grad = showG ? String(node.grad[0]) : '';
      const name = nodeName(node);
      b.replaceChildren(el('span', { class: 'v' }, el('span', { class: 'n' }, name), showV ? ` = ${fmt(node.value[0], 3)}` : ' = ?'),
        el('span', { class: 'g' }, showG ? `∂ ${fmt(node.grad[0], 3)}` : node.grad && st.seeded ? '∂ …' : ''));
      b.setAttribute('aria-label', `${name}: value ${showV ? fmt(node.value[0]) : 'not computed yet'}${showG ? `, gradient ${fmt(node.grad[0])}` : ''}`);
      b.title = node.label ? `${node.label} (${node.op})` : node.op;
    });

    // edges
    const fit = kit.fitCanvas(canvas);
    if (fit) {
      const { g } = fit;
      const c = colors();
      r.edges.forEach((e, ei) => {
        const a = pos(e.from), b = pos(e.to);
        const x0 = a.x + BOX_W, y0 = a.y + BOX_H / 2, x1 = b.x, y1 = b.y + BOX_H / 2 + (e.slot - (r.nodes[e.to].inputs.length - 1) / 2) * 8;
        const isCur = cur && cur.edge === ei;
        const done = madeEdges.has(ei);
        g.strokeStyle = isCur || done ? c.accent2 : c.border;
        g.globalAlpha = !isCur && done ? 0.55 : 1;
        g.lineWidth = isCur ? 3 : 1.3;
        g.beginPath();
        g.moveTo(x0, y0);
        const mx = (x0 + x1) / 2;
        g.bezierCurveTo(mx, y0, mx, y1, x1, y1);
        g.stroke();
        // arrow head
        g.fillStyle = g.strokeStyle;
        g.beginPath(); g.moveTo(x1, y1); g.lineTo(x1 - 6, y1 - 3.5); g.lineTo(x1 - 6, y1 + 3.5); g.fill();
        g.globalAlpha = 1;
        if (isCur) {
          const label = `× ${fmt(cur.local, 3)} → ${fmt(cur.contribution, 3)}`;
          g.font = '12px ui-monospace, monospace';
          const tw = g.measureText(label).width;
          const lx = mx - tw / 2, ly = (y0 + y1) / 2 - 8;
          g.fillStyle = c.bg; g.fillRect(lx - 3, ly - 11, tw + 6, 15);
          g.fillStyle = c.accent2; g.fillText(label, lx, ly);
        }
      });
    }

    // the step's formula
    stepLabel.textContent = `step ${step} of ${S}`;
    stepLabel.dataset.value = String(step);
    bStart.disabled = bBack.disabled = step === 0;
    bNext.disabled = bEnd.disabled = step === S;
    stepText.replaceChildren(...stepSentence(st, cur, curNode));

    // details of the selected node
    if (selected !== null && selected < r.nodes.length) {
      const node = r.nodes[selected];
      const outs = r.backward.filter((b) => b.from === selected);
      const name = nodeName(node);
      const parts = outs.map((b) => `${fmt(b.contribution)} (via ${nodeName(r.nodes[b.to])})`);
      details.textContent = `${name}: value ${fmt(node.value[0])}` + (node.inputs.length ? `, ${node.op} of ${node.inputs.map((i) => nodeName(r.nodes[i])).join(', ')}` : '')
        + (node.grad ? `; gradient ${fmt(node.grad[0])}` + (outs.length > 1 ? ` = ${parts.join(' + ')}` : outs.length === 1 ? ` (${parts[0]})` : ' (the seed)') : '; no gradient (a constant)');
      details.dataset.node = String(selected);
    } else details.textContent = 'Click a node for its value, its gradient and the contributions that make it up.';
  }

  function stepSentence(st, cur, curNode) {
    const N = (i) => nodeName(r.nodes[i]);
    const rootName = N(r.root);
    if (!st.seeded && st.forward === 0) return ['Start: only the leaves (weights, inputs, constants) have values. Step ▸ runs the forward pass.'];
    if (!st.seeded) {
      const node = r.nodes[curNode];
      const ins = node.inputs.map((i) => r.nodes[i]);
      const sym = { add: ' + ', sub: ' − ', mul: ' × ', div: ' ÷ ' }[node.op];
      const names = sym ? ins.map((n) => nodeName(n)).join(sym) : `${node.op}(${ins.map((n) => nodeName(n)).join(', ')})`;
      const vals = sym ? ins.map((n) => fmt(n.value[0])).join(sym) : `${node.op}(${ins.map((n) => fmt(n.value[0])).join(', ')})`;
      return [`Forward ${st.forward}/${r.forward.length}: ${N(curNode)} = ${names} = ${vals} = ${fmt(node.value[0])}`];
    }
    if (!cur) return [`Backward starts at the root: ∂${rootName}/∂${rootName} = ${fmt(r.nodes[r.root].grad[0])}.`];
    const from = N(cur.from), to = N(cur.to);
    const s = [`Backward ${st.backward}/${r.backward.length}, edge ${from} → ${to}: local ∂${to}/∂${from} = ${fmt(cur.local)}; upstream ∂${rootName}/∂${to} = ${fmt(cur.upstream)}; downstream = ${fmt(cur.local)} × ${fmt(cur.upstream)} = ${fmt(cur.contribution)}.`];
    if (cur.of > 1) {
      s.push(el('br'), cur.total !== null
        ? `${from} is used ${cur.of} times: its contributions add, ∂${rootName}/∂${from} = ${cur.parts.map((p) => fmt(p)).join(' + ')} = ${fmt(cur.total)}.`
        : `${from} is used ${cur.of} times: this is contribution ${cur.nth} of ${cur.of}; the sum comes when the last one arrives.`);
    } else if (cur.total !== null) {
      s.push(el('br'), `That is all of ∂${rootName}/∂${from} = ${fmt(cur.total)}.`);
    }
    return s;
  }

  function updatePanels(state) {
    lossName.textContent = r.graph === 'expr' ? 'f(x, y) = ' : 'L = (ŷ − y)² = ';
    lossLine.querySelector('output').replaceWith(out('loss', r.loss));
    // chain rule
    chainPanel.hidden = !r.chain;
    if (r.chain) {
      const c = r.chain;
      const f = (v) => (v < 0 ? `(${fmt(v)})` : fmt(v));
      const row = (name, latex, prod, traced) => {
        const box = el('div', { class: 'formula' });
        tex(box, latex, false);
        const ok = Math.abs(prod - traced) <= 1e-5 * Math.max(1, Math.abs(traced));
        return el('div', { class: 'bp-chain' }, box, el('p', {}, '= ', out(`chain-${name}-prod`, prod), ' (the product); backward() left ', out(`chain-${name}-traced`, traced), ok ? el('span', { class: 'bp-ok' }, ' ✓') : ' ✗'));
      };
      chainRows.replaceChildren(
        row('dyhat', `\\frac{\\partial L}{\\partial \\hat y} = 2(\\hat y - y) = 2 \\times ${f(c.d)}`, c.twoD, c.dLdyhat),
        row('w7', `\\frac{\\partial L}{\\partial w_7} = \\frac{\\partial L}{\\partial \\hat y} \\cdot N_1 = ${f(c.dLdyhat)} \\cdot ${f(c.N1)}`, c.prodW7, c.dLdw7),
        row('N1', `\\frac{\\partial L}{\\partial N_1} = \\frac{\\partial L}{\\partial \\hat y} \\cdot w_7 = ${f(c.dLdyhat)} \\cdot ${f(c.w7)}`, c.prodN1, c.dLdN1),
        row('w1', `\\frac{\\partial L}{\\partial w_1} = \\frac{\\partial L}{\\partial \\hat y} \\cdot w_7 \\cdot x_1 = ${f(c.dLdyhat)} \\cdot ${f(c.w7)} \\cdot ${f(c.x1)}`, c.prodW1, c.dLdw1));
    }
    // nudge
    const n = r.nudge;
    const rootName = r.graph === 'expr' ? 'f' : 'L';
    nudgeRows.replaceChildren(
      el('p', {}, `Change ${n.name} from ${fmt(r.params[n.index].value)} by ε = ${n.eps}.`),
      el('p', { class: 'big' }, `predicted Δ${rootName} = ∂${rootName}/∂${n.name} × ε = ${fmt(n.grad)} × ${n.eps} = `, out('nudge-predicted', n.predicted)),
      el('p', { class: 'big' }, `real Δ${rootName} = ${fmt(n.after)} − ${fmt(n.before)} = `, out('nudge-real', n.real)),
      el('p', { class: 'note' }, `The gap (${fmt(n.gap)}) is the curvature the straight line ignores; halve ε and it shrinks about fourfold.`));
    applyBtn.textContent = `Apply: ${n.name} ${n.eps >= 0 ? '+' : '−'} ${Math.abs(n.eps)}`;
    // finite differences
    fdCaption.textContent = `Central differences (${rootName}(p + h) − ${rootName}(p − h)) / 2h with h = ${r.h}, recomputed by the core in float32; relative error |fd − g| / max(|fd|, |g|).`;
    fdBody.replaceChildren(...r.params.map((p) => el('tr', { class: p.name === n.name ? 'true-class' : '' },
      el('th', { scope: 'row' }, p.name), cell(`fd-value-${p.name}`, p.value), cell(`fd-grad-${p.name}`, p.grad), cell(`fd-fd-${p.name}`, p.fd),
      cell(`fd-rel-${p.name}`, p.relErr, p.relErr.toExponential(1)))));
  }

  const mq = globalThis.matchMedia?.('(prefers-color-scheme: dark)');
  const onTheme = () => draw();
  mq?.addEventListener?.('change', onTheme);
  const onResize = () => { fitStage(); draw(); };
  globalThis.addEventListener('resize', onResize);

  return {
    update(result, state) {
      lastState = state;
      // Switching to f(x, y) leaves a weight in the nudge setting: nudge x instead (the control follows).
      if (state.graph === 'expr' && state.nudge !== 'x1' && state.nudge !== 'x2') kit.set('nudge', 'x1');
      // Typing an f while the network is shown means: show f.
      if (lastF !== null && state.f !== lastF && state.graph === 'network') kit.set('graph', 'expr');
      lastF = state.f;
      notice.hidden = !result.error;
      notice.textContent = result.error ? `Your f(x, y) could not be used (the last graph stays): ${result.error}` : '';
      if (result.error) return;
      const key = `${result.graph}|${result.source}|${result.nodes.length}`;
      const fresh = key !== shapeKey;
      const atEnd = !r || step >= stepCount(r);
      r = result;
      sourceLine.textContent = r.graph === 'expr' ? `f(x, y) = ${r.source}   (read as ${r.canonical}), at x = ${fmt(r.params[0].value)}, y = ${fmt(r.params[1].value)}` : 'N_k = w·x + b, ŷ = w7·N1 + w8·N2 + w9·N3 + b4, L = (ŷ − y)² written as d·d with d = ŷ − y';
      if (fresh) {
        shapeKey = key;
        selected = null;
        buildBoxes();
        step = stepCount(r);
      } else if (atEnd) step = stepCount(r);
      else step = Math.min(step, stepCount(r));
      updatePanels(state);
      draw();
    },
    destroy() {
      mq?.removeEventListener?.('change', onTheme);
      globalThis.removeEventListener('resize', onResize);
    },
  };
}
