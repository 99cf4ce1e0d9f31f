// The iou-nms lesson: intersection over union of two draggable boxes, then greedy non-max
// suppression on a scene of scored candidate boxes, step by step, class-agnostic or per class.
//
// compute() is pure (no DOM): it runs in the page, in Node (tests/node/lesson-iou-nms.test.mjs)
// and in the CLI (npx playgrad lesson iou-nms --iou 0.5 --score 0.6). Every number comes from the
// C++ core: pg.vision.iou, tensor ops for the areas, the core's seeded RNG (pg.randn, pg.rand) and
// tensor ops for the candidate boxes, pg.vision.nmsSteps / nms / nmsPerClass for the decisions.
// JavaScript lays out and draws.
import { fmt } from '../format.mjs';

export { text } from './text.mjs';
export { fmt };

export const id = 'iou-nms';
export const title = 'IoU and non-max suppression';
export const summary = 'Drag two boxes to see intersection over union; watch NMS keep the best box and suppress its overlaps, step by step.';

/** The scene is SCENE_W x SCENE_H units; the IoU playground 100 x 100. */
export const SCENE_W = 160;
export const SCENE_H = 100;
export const CLASSES = ['person', 'car', 'bike', 'dog'];

/** The true objects of the scene: corner boxes and classes (a person riding a bike: IoU 0.536). */
export const OBJECTS = [
  { box: [6, 48, 58, 90], cls: 1 },
  { box: [70, 26, 102, 86], cls: 0 },
  { box: [64, 44, 106, 90], cls: 2 },
  { box: [116, 14, 138, 80], cls: 0 },
  { box: [124, 62, 156, 94], cls: 3 },
];
/** Candidates per object, and false positives scattered over the scene. */
export const PER_OBJECT = 7;
export const FALSE_POSITIVES = 5;

const box4 = { type: 'numbers', min: 0, max: 100, step: 1, minLength: 4, maxLength: 4 };
const corner = (i) => ['x1', 'y1', 'x2', 'y2'][i];

export const settings = [
  { name: 'a', label: 'Box A (x1, y1, x2, y2)', default: [10, 14, 60, 64], ...box4, itemLabel: (i) => `A ${corner(i)}`,
    help: 'Or drag box A on the picture (its corners resize it); arrow keys move the selected box, Shift+arrows resize it.' },
  { name: 'b', label: 'Box B (x1, y1, x2, y2)', default: [34, 30, 90, 84], ...box4, itemLabel: (i) => `B ${corner(i)}` },
  { name: 'iou', type: 'number', label: 'NMS IoU threshold', default: 0.5, min: 0, max: 1, step: 0.05,
    help: 'A candidate is suppressed when its IoU with a kept box is ≥ this (TensorFlow\'s rule).' },
  { name: 'score', type: 'number', label: 'Score threshold', default: 0.6, min: 0, max: 1, step: 0.05,
    help: 'Candidates need a score above this (the course discards p_c ≤ 0.6).' },
  { name: 'perClass', type: 'boolean', label: 'Per-class NMS (suppress only within a class)', default: false },
  { name: 'seed', type: 'integer', label: 'Scene seed (candidate boxes)', default: 1, min: 0, max: 99 },
];

function arr(t) { return Array.from(t.toArray()); }

/**
 * The candidate boxes of the scene for a seed, from the core's seeded RNG:
 * per object, [cx, cy, w, h] = truth + N(0, 1) * (0.07 w, 0.07 h, 0.12 w, 0.12 h), score in
 * [0.3, 0.98); false positives uniform over the scene, 14 to 34 units wide, score in [0.2, 0.75).
 * Returns { boxes: [[x1, y1, x2, y2], ...], scores, classes, object (index of the true object or -1) }.
 */
export function scene(pg, seed) {
  return pg.scope(() => {
    const truth = pg.vision.cornersToCenter(OBJECTS.map((o) => o.box));
    const base = [], scale = [], classes = [], object = [];
    truth.forEach(([cx, cy, w, h], k) => {
      for (let i = 0; i < PER_OBJECT; i++) {
        base.push(cx, cy, w, h);
        scale.push(w, h, w, h);
        classes.push(OBJECTS[k].cls);
        object.push(k);
      }
    });
    const n = base.length / 4;
    const jitter = pg.mul(pg.randn([n, 4], seed * 4 + 1), pg.tensor([0.07, 0.07, 0.12, 0.12]));
    const centers = pg.add(pg.tensor(base, [n, 4]), pg.mul(jitter, pg.tensor(scale, [n, 4])));
    const scores = arr(pg.rand([n], seed * 4 + 2, 0.3, 0.98));
    // False positives: centre uniform in the scene, size uniform in [14, 34).
    const fpc = pg.mul(pg.rand([FALSE_POSITIVES, 2], seed * 4 + 3), pg.tensor([SCENE_W, SCENE_H]));
    const fps = pg.rand([FALSE_POSITIVES, 2], seed * 4 + 4, 14, 34);
    const fpScores = arr(pg.rand([FALSE_POSITIVES], seed * 4 + 5, 0.2, 0.75));
    const fpc2 = fpc.toNested(), fps2 = fps.toNested();
    const fpCenters = fpc2.map((c, i) => [c[0], c[1], fps2[i][0], fps2[i][1]]);
    for (let i = 0; i < FALSE_POSITIVES; i++) { classes.push(i % CLASSES.length); object.push(-1); }
    const boxes = pg.vision.centerToCorners([...centers.toNested(), ...fpCenters]);
    return { boxes, scores: [...scores, ...fpScores], classes, object };
  });
}

// Per-class NMS as the steps of one greedy NMS per class (the core's nmsSteps on each class's
// boxes), interleaved by descending score (ties: lower index), the order a single pass would take.
function perClassSteps(pg, boxes, scores, classes, opts) {
  const all = [];
  for (let c = 0; c < CLASSES.length; c++) {
    const idx = classes.map((k, i) => (k === c ? i : -1)).filter((i) => i >= 0);
    if (!idx.length) continue;
    const steps = pg.vision.nmsSteps(idx.map((i) => boxes[i]), idx.map((i) => scores[i]), opts);
    for (const s of steps) all.push({ ...s, index: idx[s.index], by: s.kind === 'suppress' ? idx[s.by] : -1 });
  }
  return all.sort((p, q) => (scores[q.index] - scores[p.index]) || (p.index - q.index));
}

/**
 * The lesson's numbers for a state { a, b, iou, score, perClass, seed }, all from the core:
 *   pair:  { a, b, iou, areaA, areaB, inter, union }
 *   scene: { boxes, scores, classes, object }
 *   steps: [{ kind: 'keep' | 'suppress', index, by, iou }] in the order NMS decides
 *   kept:  kept indices (descending score), below: indices with score <= the score threshold
 */
export function compute(pg, s) {
  return pg.scope(() => {
    // IoU of the two boxes, and the areas behind it: |A|, |B| from the corners; then
    // |A ∩ B| = IoU (|A| + |B|) / (1 + IoU) and |A ∪ B| = |A| + |B| - |A ∩ B|.
    const iou = pg.vision.iou(s.a, s.b);
    const corners = pg.tensor([...s.a, ...s.b], [2, 4]);
    const toWH = pg.tensor([-1, 0, 0, -1, 1, 0, 0, 1], [4, 2]);
    const wh = pg.abs(pg.matmul(corners, toWH)); // [[w_A, h_A], [w_B, h_B]]
    const swap = pg.tensor([0, 1, 1, 0], [2, 2]);
    const areas = pg.mul(pg.sum(pg.mul(wh, pg.matmul(wh, swap)), 1), 0.5); // [w h, w h]
    const sumAreas = pg.sum(areas);
    const inter = pg.div(pg.mul(sumAreas, iou), pg.add(pg.tensor([1]), iou));
    const union = pg.sub(sumAreas, inter);
    const [areaA, areaB] = arr(areas);

    const sc = scene(pg, s.seed);
    const opts = { iouThreshold: s.iou, scoreThreshold: s.score };
    const steps = s.perClass
      ? perClassSteps(pg, sc.boxes, sc.scores, sc.classes, opts)
      : pg.vision.nmsSteps(sc.boxes, sc.scores, opts);
    const kept = s.perClass
      ? pg.vision.nmsPerClass(sc.boxes, sc.scores, sc.classes, opts)
      : pg.vision.nms(sc.boxes, sc.scores, opts);
    const visited = new Set(steps.map((t) => t.index));
    const below = sc.scores.map((_, i) => i).filter((i) => !visited.has(i));

    return {
      ...s,
      pair: { a: s.a, b: s.b, iou, areaA, areaB, inter: inter.item(), union: union.item() },
      scene: sc,
      steps,
      kept: Array.from(kept),
      below,
    };
  });
}

/** The numbers as rows of text, for the terminal (scripts/cli.mjs). */
export function report(r) {
  const p = r.pair;
  const lines = [];
  lines.push(`IoU of A = [${p.a.join(', ')}] and B = [${p.b.join(', ')}]: |A ∩ B| / |A ∪ B| = ${fmt(p.inter)} / ${fmt(p.union)} = ${fmt(p.iou)}`);
  lines.push(`  |A| = ${fmt(p.areaA)}, |B| = ${fmt(p.areaB)}`);
  lines.push(`NMS (${r.perClass ? 'per class' : 'all classes together'}), scene seed ${r.seed}: ${r.scene.boxes.length} candidates, score > ${r.score}, suppress when IoU >= ${r.iou}`);
  lines.push(`  ${r.below.length} candidates at or below the score threshold are dropped first`);
  r.steps.forEach((t, k) => {
    const what = `box ${t.index} (${CLASSES[r.scene.classes[t.index]]}, score ${fmt(r.scene.scores[t.index], 3)})`;
    lines.push(t.kind === 'keep'
      ? `  ${String(k + 1).padStart(3)}. keep ${what}`
      : `  ${String(k + 1).padStart(3)}. suppress ${what}: IoU ${fmt(t.iou, 3)} >= ${r.iou} with kept box ${t.by}`);
  });
  lines.push(`kept ${r.kept.length}: ${r.kept.join(', ')}`);
  return lines;
}

// ---- view (page only) ---------------------------------------------------------------------------

const SMALL = 'font-size:0.88em;';
const CLASS_COLORS = ['#2563eb', '#d9480f', '#2b8a3e', '#9c36b5'];
const CLASS_COLORS_DARK = ['#6ea0ff', '#ff8a50', '#69db7c', '#e599f7'];

function colors(node) {
  const cs = getComputedStyle(node);
  const v = (n, f) => cs.getPropertyValue(n).trim() || f;
  const dark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  return {
    fg: v('--fg', '#222'), muted: v('--muted', '#666'), grid: v('--grid', '#ddd'), border: v('--border', '#ccc'),
    accent: v('--accent', '#2563eb'), accent2: v('--accent-2', '#d9480f'), bad: v('--bad', '#c92a2a'),
    panel: v('--panel', '#fff'), classes: dark ? CLASS_COLORS_DARK : CLASS_COLORS,
    font: `${Math.round(parseFloat(cs.fontSize) * 0.75) || 12}px ${cs.fontFamily || 'sans-serif'}`,
  };
}

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
  tex(rule, '\\begin{aligned} &\\text{keep } b^{*} = \\arg\\max_{j \\text{ left}} s_j \\\\ &\\text{suppress every } j \\text{ with } \\operatorname{IoU}(b_j, b^{*}) \\ge \\tau \\\\ &\\text{repeat while boxes are left} \\end{aligned}', true);
  const ruleNote = el('p', { class: 'note' }, 'Suppression at IoU ≥ τ, as TensorFlow (tf.image.nonMaxSuppression); torchvision suppresses at > τ. Candidates need a score above the score threshold.');
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
      iouCanvas, iouLine, iouLive, activeNote),
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
    const col = colors(iouCanvas);
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
    const I = [Math.max(A[0], B[0]), Math.max(A[1], B[1]), Math.min(A[2], B[2]), Math.min(A[3], B[3])];
    if (I[2] > I[0] && I[3] > I[1]) {
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
    const col = colors(sceneCanvas);
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
      g.strokeStyle = col.classes[classes[i]];
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
      const c = col.classes[classes[i]];
      g.strokeStyle = c;
      g.lineWidth = 3;
      const [x, y, ww, hh] = rect(boxes[i]);
      g.strokeRect(x, y, ww, hh);
      const label = `${CLASSES[classes[i]]} ${scores[i].toFixed(2)}`;
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
    const name = (i) => `box ${i} (${CLASSES[r.scene.classes[i]]}, score ${r.scene.scores[i].toFixed(3)})`;
    stepLine.dataset.value = String(step);
    stepLine.dataset.total = String(n);
    if (step === 0) {
      stepLine.textContent = `Step 0 of ${n}: ${r.scene.boxes.length - r.below.length} candidates above the score threshold, none decided yet. Next: keep the highest score.`;
    } else {
      const t = r.steps[step - 1];
      stepLine.textContent = t.kind === 'keep'
        ? `Step ${step} of ${n}: keep ${name(t.index)}: the best score left.`
        : `Step ${step} of ${n}: suppress ${name(t.index)}: IoU ${t.iou.toFixed(3)} ≥ ${r.iou} with kept box ${t.by}.`;
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

      const sceneChanged = !prev || prev.iou !== r.iou || prev.score !== r.score || prev.perClass !== r.perClass || prev.seed !== r.seed;
      if (sceneChanged) {
        stopPlay();
        step = r.steps.length; // a new setting shows its final result at once; Play replays it
        sceneCanvas.dataset.kept = r.kept.join(',');
        keyLine.replaceChildren(...CLASSES.flatMap((c, i) => [
          el('span', { style: `color:${CLASS_COLORS[i]};font-weight:600` }, `■ ${c}`), ' ']),
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
