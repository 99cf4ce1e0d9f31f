// The iou-nms lesson's view (page only): mount(root, kit) builds the DOM once and returns
// { update(result, state) }; every number it shows comes from compute() in ./lesson.mjs.
import { fmt } from '../format.mjs';
import { SCENE_H, SCENE_W } from './lesson.mjs';

const SMALL = 'font-size:0.88em;';
const norm = (b) => [Math.min(b[0], b[2]), Math.min(b[1], b[3]), Math.max(b[0], b[2]), Math.max(b[1], b[3])];
const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

/** Builds the view inside `root`; returns { update(result), destroy() }. */
export function mount(root, kit) {
  const { el, tex } = kit;
  let last = null;
  let active = 'a'; // the box the keyboard moves
  // The boxes as last set from the view: several key presses can come before the next frame's
  // update(), and each must start from the previous one's result.
  const cur = { a: null, b: null };
  const setBox = (name, box) => { cur[name] = box; kit.set(name, box); };
  let drag = null; // { name, mode: 'move' | corner index, start: [x, y], box }
  let step = 0; // decisions shown in the scene (0..steps.length)
  let playing = null;

  // ---- IoU panel
  const iouCanvas = el('canvas', {
    'data-figure': 'drag',
    tabindex: '0', role: 'img', style: 'display:block;width:100%;max-width:420px;touch-action:none;cursor:move;',
    'aria-label': 'boxes A and B with their intersection and union shaded. Drag a box or its corners; arrow keys move the selected box, Shift+arrows resize it, Enter switches between A and B.',
  });
  const iouFormula = el('div', { class: 'formula', style: SMALL });
  tex(iouFormula, '\\begin{aligned} \\operatorname{IoU}(A, B) &= \\frac{|A \\cap B|}{|A \\cup B|} \\\\ |A \\cup B| &= |A| + |B| - |A \\cap B| \\end{aligned}', true);
  const iouLive = el('div', { class: 'formula', style: SMALL });
  const iouValue = el('output', { 'data-name': 'iou' });
  const iouLine = el('p', { class: 'big' }, 'IoU = ', iouValue);
  const activeNote = el('p', { class: 'note', 'data-name': 'active-box' });

  // ---- NMS panel
  const sceneCanvas = el('canvas', { role: 'img', style: 'display:block;width:100%;max-width:820px;', 'aria-label': 'the scene: candidate boxes, kept ones solid, suppressed ones dashed' });
  const rule = el('div', { class: 'formula', style: SMALL });
  const ruleNote = el('p', { class: 'convention-note', 'data-name': 'rule-note' });
  // Boxes A and B as two detections: suppressed under each framework's rule (they part only at IoU = τ).
  const pairRule = el('p', { class: 'convention-note', 'data-name': 'pair-rule' });
  const b = (label, title) => el('button', { type: 'button', 'aria-label': title, title }, label);
  const first = b('First', 'First step');
  const back = b('◀ Step', 'Step back');
  const play = b('▶ Play', 'Play');
  const fwd = b('Step ▶', 'Step forward');
  const end = b('Last', 'Last step');
  const stepLine = el('p', { 'data-name': 'step', 'aria-live': 'polite' });
  const summaryLine = el('p', { class: 'big', 'data-name': 'nms-summary' });
  const keyLine = el('p', { class: 'note' });

  root.append(
    el('div', { class: 'panel' }, el('h3', {}, 'Intersection over union'), iouFormula,
      iouCanvas, iouLine, iouLive, pairRule, activeNote),
    el('div', { class: 'panel wide' }, el('h3', {}, 'Non-max suppression, step by step'), rule, ruleNote,
      el('div', { class: 'buttons', role: 'group', 'aria-label': 'NMS steps' }, first, back, play, fwd, end),
      stepLine, sceneCanvas, summaryLine, keyLine),
  );

  const setTexOnce = (() => {
    const cache = new Map();
    return (node, latex, display = true) => { if (cache.get(node) !== latex) { cache.set(node, latex); tex(node, latex, display); } };
  })();

  // ---- drawing: IoU
  const S = 100;
  function drawIou() {
    const r = last;
    if (!r) return;
    const f = kit.fitCanvas(iouCanvas, { aspect: 1 });
    if (!f) return;
    const { g, w } = f;
    const k = w / S;
    const col = kit.colors(iouCanvas, { fontScale: 0.75 });
    const A = norm(r.pair.a), B = norm(r.pair.b);
    g.strokeStyle = col.grid;
    g.lineWidth = 1;
    for (let t = 0; t <= S; t += 10) {
      g.beginPath(); g.moveTo(t * k, 0); g.lineTo(t * k, w); g.moveTo(0, t * k); g.lineTo(w, t * k); g.stroke();
    }
    // union (both boxes, lightly), then the intersection (strongly)
    g.fillStyle = col.accent;
    g.globalAlpha = 0.15;
    for (const q of [A, B]) g.fillRect(q[0] * k, q[1] * k, (q[2] - q[0]) * k, (q[3] - q[1]) * k);
    const I = r.pair.intersection; // the overlap box from the core (null: no overlap)
    if (I) {
      g.globalAlpha = 0.55;
      g.fillStyle = col.accent2;
      g.fillRect(I[0] * k, I[1] * k, (I[2] - I[0]) * k, (I[3] - I[1]) * k);
    }
    g.globalAlpha = 1;
    for (const [q, name, c] of [[A, 'A', col.accent], [B, 'B', col.fg]]) {
      g.strokeStyle = c;
      g.lineWidth = active === name.toLowerCase() ? 3 : 1.5;
      g.strokeRect(q[0] * k, q[1] * k, (q[2] - q[0]) * k, (q[3] - q[1]) * k);
      g.fillStyle = c;
      for (const [x, y] of [[q[0], q[1]], [q[2], q[1]], [q[0], q[3]], [q[2], q[3]]]) g.fillRect(x * k - 4, y * k - 4, 8, 8);
      g.font = `bold ${col.font}`;
      g.textBaseline = 'top';
      g.fillText(name, q[0] * k + 6, q[1] * k + 6);
    }
  }

  // ---- drawing: scene
  function drawScene() {
    const r = last;
    if (!r) return;
    const f = kit.fitCanvas(sceneCanvas, { aspect: SCENE_H / SCENE_W });
    if (!f) return;
    const { g, w } = f;
    const k = w / SCENE_W;
    const col = kit.colors(sceneCanvas, { fontScale: 0.75 });
    const { boxes, scores, classes } = r.scene;
    const status = new Map(); // index -> step (decided so far)
    r.steps.slice(0, step).forEach((t) => status.set(t.index, t));
    // The decision just taken is highlighted while stepping; the final state is drawn plain.
    const current = step > 0 && step < r.steps.length ? r.steps[step - 1] : null;
    g.font = col.font;
    g.textBaseline = 'bottom';
    const rect = (q) => [q[0] * k, q[1] * k, (q[2] - q[0]) * k, (q[3] - q[1]) * k];
    // below the score threshold: faint dotted
    g.setLineDash([1, 3]);
    g.lineWidth = 1;
    g.strokeStyle = col.muted;
    g.globalAlpha = 0.5;
    for (const i of r.below) g.strokeRect(...rect(boxes[i]));
    // undecided candidates: thin, class colour
    g.setLineDash([]);
    g.globalAlpha = 0.55;
    boxes.forEach((q, i) => {
      if (status.has(i) || r.below.includes(i)) return;
      g.strokeStyle = col.series[classes[i]];
      g.lineWidth = 1;
      g.strokeRect(...rect(q));
    });
    // suppressed: dashed grey
    g.globalAlpha = 0.8;
    g.setLineDash([5, 4]);
    for (const [i, t] of status) {
      if (t.kind !== 'suppress') continue;
      g.strokeStyle = col.muted;
      g.lineWidth = 1.25;
      g.strokeRect(...rect(boxes[i]));
    }
    g.setLineDash([]);
    g.globalAlpha = 1;
    // kept: thick, class colour, with label
    for (const [i, t] of status) {
      if (t.kind !== 'keep') continue;
      const c = col.series[classes[i]];
      g.strokeStyle = c;
      g.lineWidth = 3;
      const [x, y, ww, hh] = rect(boxes[i]);
      g.strokeRect(x, y, ww, hh);
      const label = `${r.scene.classNames[classes[i]]} ${scores[i].toFixed(2)}`;
      const tw = g.measureText(label).width + 6;
      g.fillStyle = c;
      g.fillRect(x - 1.5, y - 16, tw, 16);
      g.fillStyle = col.panel;
      g.fillText(label, x + 2, y - 2);
    }
    // the current decision, highlighted
    if (current) {
      const [x, y, ww, hh] = rect(boxes[current.index]);
      g.lineWidth = 2;
      g.strokeStyle = current.kind === 'keep' ? col.fg : col.bad;
      g.setLineDash(current.kind === 'keep' ? [] : [5, 4]);
      g.strokeRect(x - 3, y - 3, ww + 6, hh + 6);
      g.setLineDash([]);
      if (current.kind === 'suppress') {
        const [bx, by, bw, bh] = rect(boxes[current.by]);
        g.fillStyle = col.bad;
        g.globalAlpha = 0.25;
        const I = [Math.max(x, bx), Math.max(y, by), Math.min(x + ww, bx + bw), Math.min(y + hh, by + bh)];
        if (I[2] > I[0] && I[3] > I[1]) g.fillRect(I[0], I[1], I[2] - I[0], I[3] - I[1]);
        g.globalAlpha = 1;
      }
    }
  }

  function describeStep() {
    const r = last;
    const n = r.steps.length;
    const name = (i) => `box ${i} (${r.scene.classNames[r.scene.classes[i]]}, score ${r.scene.scores[i].toFixed(3)})`;
    stepLine.dataset.value = String(step);
    stepLine.dataset.total = String(n);
    if (step === 0) {
      stepLine.textContent = `Step 0 of ${n}: ${r.scene.boxes.length - r.below.length} candidates above the score threshold, none decided yet. Next: keep the highest score.`;
    } else {
      const t = r.steps[step - 1];
      stepLine.textContent = t.kind === 'keep'
        ? `Step ${step} of ${n}: keep ${name(t.index)}: the best score left.`
        : `Step ${step} of ${n}: suppress ${name(t.index)}: IoU ${t.iou.toFixed(3)} ${r.ruleOp} ${r.iou} with kept box ${t.by}.`;
    }
    const keptSoFar = r.steps.slice(0, step).filter((t) => t.kind === 'keep').map((t) => t.index);
    summaryLine.dataset.value = keptSoFar.join(',');
    summaryLine.textContent = `Kept ${keptSoFar.length}, suppressed ${step - keptSoFar.length}, below the score threshold ${r.below.length}, of ${r.scene.boxes.length} candidates`
      + (step === n ? ` (final: NMS keeps ${r.kept.length}).` : ' so far.');
    first.disabled = back.disabled = step === 0;
    fwd.disabled = end.disabled = step === n;
  }

  const render = () => { drawScene(); describeStep(); };
  const stopPlay = () => {
    clearInterval(playing);
    playing = null;
    play.textContent = '▶ Play';
    play.setAttribute('aria-label', 'Play');
  };
  const go = (s) => { step = clamp(s, 0, last.steps.length); render(); };
  first.addEventListener('click', () => { stopPlay(); go(0); });
  back.addEventListener('click', () => { stopPlay(); go(step - 1); });
  fwd.addEventListener('click', () => { stopPlay(); go(step + 1); });
  end.addEventListener('click', () => { stopPlay(); go(Infinity); });
  play.addEventListener('click', () => {
    if (playing) { stopPlay(); return; }
    if (step >= last.steps.length) go(0);
    play.textContent = '⏸ Pause';
    play.setAttribute('aria-label', 'Pause');
    playing = setInterval(() => {
      if (step >= last.steps.length) { stopPlay(); return; }
      go(step + 1);
    }, 450);
  });

  // ---- dragging and keyboard on the IoU canvas
  const toUnits = (e) => {
    const rect = iouCanvas.getBoundingClientRect();
    return [(e.clientX - rect.left) * (S / rect.width), (e.clientY - rect.top) * (S / rect.height)];
  };
  const handleTol = () => 8 * (S / (iouCanvas.getBoundingClientRect().width || S));
  function hit([x, y]) {
    for (const name of [active, active === 'a' ? 'b' : 'a']) {
      const q = norm(cur[name]);
      const corners = [[q[0], q[1]], [q[2], q[1]], [q[0], q[3]], [q[2], q[3]]];
      const c = corners.findIndex(([cx, cy]) => Math.abs(cx - x) <= handleTol() && Math.abs(cy - y) <= handleTol());
      if (c >= 0) return { name, mode: c, box: q };
    }
    for (const name of [active, active === 'a' ? 'b' : 'a']) {
      const q = norm(cur[name]);
      if (x >= q[0] && x <= q[2] && y >= q[1] && y <= q[3]) return { name, mode: 'move', box: q };
    }
    return null;
  }
  iouCanvas.addEventListener('pointerdown', (e) => {
    if (!last) return;
    const p = toUnits(e);
    const h = hit(p);
    if (!h) return;
    e.preventDefault();
    active = h.name;
    drag = { ...h, start: p };
    iouCanvas.setPointerCapture?.(e.pointerId);
    drawIou();
  });
  iouCanvas.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const [x, y] = toUnits(e);
    const dx = Math.round(x - drag.start[0]), dy = Math.round(y - drag.start[1]);
    const q = drag.box;
    let nb;
    if (drag.mode === 'move') {
      const mx = clamp(dx, -q[0], S - q[2]), my = clamp(dy, -q[1], S - q[3]);
      nb = [q[0] + mx, q[1] + my, q[2] + mx, q[3] + my];
    } else {
      nb = [...q];
      const xi = drag.mode % 2 === 0 ? 0 : 2, yi = drag.mode < 2 ? 1 : 3;
      nb[xi] = clamp(Math.round(x), 0, S);
      nb[yi] = clamp(Math.round(y), 0, S);
      nb = norm(nb);
    }
    setBox(drag.name, nb);
  });
  const endDrag = () => { drag = null; };
  iouCanvas.addEventListener('pointerup', endDrag);
  iouCanvas.addEventListener('pointercancel', endDrag);
  iouCanvas.addEventListener('keydown', (e) => {
    if (!last) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      active = active === 'a' ? 'b' : 'a';
      drawIou();
      describeActive();
      return;
    }
    const d = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] }[e.key];
    if (!d) return;
    e.preventDefault();
    const q = norm(cur[active]);
    let nb;
    if (e.shiftKey) {
      nb = [q[0], q[1], clamp(q[2] + d[0], q[0], S), clamp(q[3] + d[1], q[1], S)];
    } else {
      const mx = clamp(d[0], -q[0], S - q[2]), my = clamp(d[1], -q[1], S - q[3]);
      nb = [q[0] + mx, q[1] + my, q[2] + mx, q[3] + my];
    }
    setBox(active, nb);
  });
  function describeActive() {
    activeNote.textContent = `Selected: box ${active.toUpperCase()} (Enter switches). Arrow keys move it, Shift+arrows resize it; or drag a box or its corners.`;
  }
  describeActive();

  const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(() => requestAnimationFrame(() => { drawIou(); drawScene(); })) : null;
  resize?.observe(iouCanvas);
  resize?.observe(sceneCanvas);

  return {
    update(r) {
      const prev = last;
      last = r;
      cur.a = r.a;
      cur.b = r.b;
      const p = r.pair;
      iouValue.textContent = fmt(p.iou);
      iouValue.dataset.value = String(p.iou);
      setTexOnce(iouLive, `\\begin{aligned} \\operatorname{IoU} &= \\frac{${fmt(p.inter, 1)}}{${fmt(p.areaA, 0)} + ${fmt(p.areaB, 0)} - ${fmt(p.inter, 1)}} \\\\ &= \\frac{${fmt(p.inter, 1)}}{${fmt(p.union, 1)}} = ${fmt(p.iou)} \\end{aligned}`.replace(/−/g, '-'));
      iouLive.dataset.name = 'iou-terms';
      iouLive.dataset.inter = String(p.inter);
      iouLive.dataset.union = String(p.union);
      drawIou();
      pairRule.dataset.value = r.pairRules.map((q) => `${q.convention}:${q.suppressed ? 'suppress' : 'keep'}`).join(',');
      pairRule.textContent = `As two detections (A scored higher) at τ = ${r.iou}: ` +
        r.pairRules.map((q) => `${q.label}${q.convention === r.convention ? ' (this page)' : ''}, IoU ${q.op} τ: ${q.suppressed ? 'B suppressed' : 'B kept'}`).join(' · ') +
        (r.pairRules[0].suppressed !== r.pairRules[1].suppressed ? '. They differ here because IoU equals τ exactly.' : '.');

      const sceneChanged = !prev || prev.iou !== r.iou || prev.score !== r.score || prev.perClass !== r.perClass || prev.seed !== r.seed || prev.boxes !== r.boxes || prev.convention !== r.convention;
      if (sceneChanged) {
        setTexOnce(rule, `\\begin{aligned} &\\text{keep } b^{*} = \\arg\\max_{j \\text{ left}} s_j \\\\ &\\text{suppress every } j \\text{ with } \\operatorname{IoU}(b_j, b^{*}) ${r.ruleOp === '≥' ? '\\ge' : '>'} \\tau \\\\ &\\text{repeat while boxes are left} \\end{aligned}`);
        ruleNote.textContent = `${r.ruleNote} (the Convention switch at the top; the two differ only when an IoU equals τ exactly). Candidates need a score above the score threshold.`;
        stopPlay();
        step = r.steps.length; // a new setting shows its final result at once; Play replays it
        sceneCanvas.dataset.kept = r.kept.join(',');
        keyLine.replaceChildren(...r.scene.classNames.flatMap((c, i) => [
          el('span', { style: `color:var(--series-${i + 1});font-weight:600` }, `■ ${c}`), ' ']),
        '— solid with a label: kept; dashed grey: suppressed; dotted: below the score threshold; thin: not decided yet.');
        render();
      }
    },
    destroy() {
      stopPlay();
      resize?.disconnect();
    },
  };
}
