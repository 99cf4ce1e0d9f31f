// The iou-nms lesson: intersection over union of two draggable boxes, then greedy non-max
// suppression on a scene of scored candidate boxes, step by step, class-agnostic or per class.
//
// compute() is pure (no DOM): it runs in the page, in Node (tests/node/lesson-iou-nms.test.mjs)
// and in the CLI (npx playgrad lesson iou-nms --iou 0.5 --score 0.6). Every number comes from the
// C++ core: pg.vision.iouParts (IoU and its terms), the core's seeded RNG (pg.randn, pg.rand) and
// tensor ops for the candidate boxes (or the learner's own list, the `boxes` setting: e.g. every
// candidate of the anchors-yolo lesson's detector), pg.vision.nmsSteps / nmsStepsPerClass / nms / nmsPerClass
// for the decisions.
// JavaScript lays out and draws.
import { CONVENTIONS, LABELS, conventionOf, nmsRule } from '../convention.mjs';
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
/** The `boxes` setting: at most MAX_BOXES candidates of at most MAX_LABELS classes (one colour each). */
export const MAX_BOXES = 80;
export const MAX_LABELS = 6;

const NUM = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const LABEL = /^[A-Za-z][A-Za-z0-9_-]{0,15}$/;

/**
 * Parses the `boxes` setting: candidates "x1,y1,x2,y2,score,class" separated by ';', corners in the
 * SCENE_W x SCENE_H scene or within one scene size of it (a detector's box may stick out of the
 * picture; the canvas clips it, IoU does not), score in [0, 1], class a word (e.g. person, ellipse).
 * Empty: no list.
 * Returns { boxes, scores, classes (indices into classNames), classNames } or { error }.
 */
export function parseBoxes(textValue) {
  const parts = String(textValue).split(';').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length > MAX_BOXES) return { error: `at most ${MAX_BOXES} boxes (got ${parts.length})` };
  const boxes = [], scores = [], classes = [], classNames = [];
  for (let i = 0; i < parts.length; i++) {
    const f = parts[i].split(',').map((x) => x.trim());
    const where = `box ${i + 1} ('${parts[i].slice(0, 24)}')`;
    if (f.length !== 6) return { error: `${where} must be x1,y1,x2,y2,score,class` };
    if (!f.slice(0, 5).every((x) => NUM.test(x))) return { error: `${where} must start with five numbers` };
    const [x1, y1, x2, y2, score] = f.slice(0, 5).map(Number);
    if ([x1, x2].some((x) => x < -SCENE_W || x > 2 * SCENE_W) || [y1, y2].some((y) => y < -SCENE_H || y > 2 * SCENE_H)) {
      return { error: `${where} must lie within one scene size of the ${SCENE_W} × ${SCENE_H} scene (x in [${-SCENE_W}, ${2 * SCENE_W}], y in [${-SCENE_H}, ${2 * SCENE_H}])` };
    }
    if (!(x2 > x1 && y2 > y1)) return { error: `${where} must have x2 > x1 and y2 > y1` };
    if (!(score >= 0 && score <= 1)) return { error: `${where} must have a score in [0, 1]` };
    if (!LABEL.test(f[5])) return { error: `${where} must end with a class name (a word of at most 16 letters or digits)` };
    let c = classNames.indexOf(f[5]);
    if (c < 0) {
      if (classNames.length === MAX_LABELS) return { error: `at most ${MAX_LABELS} classes (${where} adds a 7th)` };
      c = classNames.push(f[5]) - 1;
    }
    boxes.push([x1, y1, x2, y2]);
    scores.push(score);
    classes.push(c);
  }
  return { boxes, scores, classes, classNames };
}

/** The text form of a candidate list (the `boxes` setting): corners to `digits` decimals, scores to 6 significant digits. */
export function boxesText({ boxes, scores, classes, classNames }, digits = 3) {
  const corner = (x) => String(Number(x.toFixed(digits)));
  const score = (x) => String(Number(x.toPrecision(6)));
  return boxes.map((b, i) => [...b.map(corner), score(scores[i]), classNames[classes[i]]].join(',')).join(';');
}

const box4 = { type: 'numbers', min: 0, max: 100, step: 1, minLength: 4, maxLength: 4 };
export const corner = (i) => ['x1', 'y1', 'x2', 'y2'][i];

/** Two boxes whose IoU is exactly 1/2 (200 / 400): where IoU ≥ τ and IoU > τ part at τ = 0.5. */
export const EDGE_A = [0, 0, 30, 10];
export const EDGE_B = [10, 0, 40, 10];

export const settings = [
  { name: 'a', label: 'Box A (x1, y1, x2, y2)', default: [10, 14, 60, 64], ...box4, itemLabel: (i) => `A ${corner(i)}`,
    help: 'Or drag box A on the picture (its corners resize it); arrow keys move the selected box, Shift+arrows resize it.' },
  { name: 'b', label: 'Box B (x1, y1, x2, y2)', default: [34, 30, 90, 84], ...box4, itemLabel: (i) => `B ${corner(i)}` },
  { name: 'iou', type: 'number', label: 'NMS IoU threshold', default: 0.5, min: 0, max: 1, step: 0.05,
    help: 'A candidate is suppressed when its IoU with a kept box is ≥ this (Keras/TensorFlow) or > this (PyTorch/torchvision): the Convention switch at the top.' },
  { name: 'score', type: 'number', label: 'Score threshold', default: 0.6, min: 0, max: 1, step: 0.05,
    help: 'Candidates need a score above this (the course discards p_c ≤ 0.6).' },
  { name: 'perClass', type: 'boolean', label: 'Per-class NMS (suppress only within a class)', default: false },
  { name: 'seed', type: 'integer', label: 'Scene seed (candidate boxes)', default: 1, min: 0, max: 99 },
  {
    name: 'boxes', type: 'text', label: 'Your own candidates (x1,y1,x2,y2,score,class; …)', default: '', maxLength: MAX_BOXES * 64,
    help: `Empty: the seeded scene. Otherwise these boxes replace it: corners in the ${SCENE_W} × ${SCENE_H} scene (or sticking out of it), a score in [0, 1] and a class name, e.g. 70,26,102,86,0.9,person; 64,44,106,90,0.8,bike. Press Enter to apply. The anchors-yolo lesson's link fills it with its detector's candidates.`,
    check: (v) => { const r = parseBoxes(v); return r.error ? `candidates x1,y1,x2,y2,score,class separated by ';': ${r.error}` : null; },
  },
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
    return { boxes, scores: [...scores, ...fpScores], classes, object, classNames: CLASSES, custom: false };
  });
}

/** The state's candidates: the learner's `boxes` list when given, else the seeded scene. */
export function sceneOf(pg, s) {
  const own = s.boxes ? parseBoxes(s.boxes) : null;
  if (own?.error) throw new Error(`iou-nms: boxes: ${own.error}`);
  if (own && own.boxes.length) return { ...own, object: own.boxes.map(() => -1), custom: true };
  return scene(pg, s.seed);
}

/**
 * The lesson's numbers for a state { a, b, iou, score, perClass, seed, boxes }, all from the core:
 *   pair:  { a, b, iou, areaA, areaB, intersection (the overlap box or null), inter, union }
 *   scene: { boxes, scores, classes, classNames, object, custom (the learner's own list) }
 *   steps: [{ kind: 'keep' | 'suppress', index, by, iou }] in the order NMS decides
 *   kept:  kept indices (descending score), below: indices with score <= the score threshold
 */
export function compute(pg, s) {
  return pg.scope(() => {
    // IoU of the two boxes with its terms: |A|, |B|, the overlap box and |A ∩ B|, |A ∪ B|.
    const parts = pg.vision.iouParts(s.a, s.b);

    const sc = sceneOf(pg, s);
    const { rule } = nmsRule(s);
    const opts = { iouThreshold: s.iou, scoreThreshold: s.score, rule };
    const steps = s.perClass
      ? pg.vision.nmsStepsPerClass(sc.boxes, sc.scores, sc.classes, opts)
      : pg.vision.nmsSteps(sc.boxes, sc.scores, opts);
    const kept = s.perClass
      ? pg.vision.nmsPerClass(sc.boxes, sc.scores, sc.classes, opts)
      : pg.vision.nms(sc.boxes, sc.scores, opts);
    const visited = new Set(steps.map((t) => t.index));
    const below = sc.scores.map((_, i) => i).filter((i) => !visited.has(i));

    // Boxes A and B as two detections (A scored higher): is B suppressed, under each framework's rule?
    const pairRules = CONVENTIONS.map((c) => {
      const n = nmsRule({ convention: c });
      const t = pg.vision.nmsSteps([s.a, s.b], [0.9, 0.8], { iouThreshold: s.iou, rule: n.rule });
      return { convention: c, label: LABELS[c], op: n.op, note: n.note, suppressed: t[1]?.kind === 'suppress' };
    });

    return {
      ...s,
      convention: conventionOf(s), ruleOp: nmsRule(s).op, ruleNote: nmsRule(s).note, pairRules,
      pair: {
        a: s.a, b: s.b, iou: parts.iou, areaA: parts.areaA, areaB: parts.areaB,
        intersection: parts.intersection, inter: parts.inter, union: parts.union,
      },
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
  const names = r.scene.classNames;
  lines.push(`NMS (${r.perClass ? 'per class' : 'all classes together'}), ${r.scene.custom ? 'your boxes' : `scene seed ${r.seed}`}: ${r.scene.boxes.length} candidates, score > ${r.score}, suppress when IoU ${r.ruleOp === '≥' ? '>=' : '>'} ${r.iou} (${r.ruleNote})`);
  lines.push(`  ${r.below.length} candidates at or below the score threshold are dropped first`);
  r.steps.forEach((t, k) => {
    const what = `box ${t.index} (${names[r.scene.classes[t.index]]}, score ${fmt(r.scene.scores[t.index], 3)})`;
    lines.push(t.kind === 'keep'
      ? `  ${String(k + 1).padStart(3)}. keep ${what}`
      : `  ${String(k + 1).padStart(3)}. suppress ${what}: IoU ${fmt(t.iou, 3)} ${r.ruleOp === '≥' ? '>=' : '>'} ${r.iou} with kept box ${t.by}`);
  });
  lines.push(`A and B as two detections (A scored higher), tau = ${r.iou}: ${r.pairRules.map((q) => `${q.label} (IoU ${q.op === '≥' ? '>=' : '>'} tau) ${q.suppressed ? 'suppresses B' : 'keeps B'}`).join('; ')}`);
  lines.push(`kept ${r.kept.length}: ${r.kept.join(', ')}`);
  return lines;
}

// ---- check yourself (lessons/exercises.mjs) ------------------------------------------------------

const tx = (v, d = 4) => fmt(v, d).replace('−', '-');
const boxText = (b) => `[${b.join(', ')}]`;
/** Two 10 x 10 boxes, one shifted by half its width. */
export const HALF_A = [0, 0, 10, 10];
export const HALF_B = [5, 0, 15, 10];

export const exercises = [
  {
    id: 'half',
    question: `Box A = ${boxText(HALF_A)} and box B = ${boxText(HALF_B)}: two equal squares, B shifted by half the width. What is their IoU?`,
    answer: { type: 'number', tolerance: 5e-4 },
    solve(pg) {
      const p = pg.vision.iouParts(HALF_A, HALF_B);
      return {
        value: p.iou,
        working: [
          `The overlap is ${boxText(p.intersection)}: $|A \\cap B| = ${tx(p.inter, 0)}$, and $|A| = |B| = ${tx(p.areaA, 0)}$.`,
          `$\\operatorname{IoU} = \\frac{${tx(p.inter, 0)}}{${tx(p.areaA, 0)} + ${tx(p.areaB, 0)} - ${tx(p.inter, 0)}} = \\frac{${tx(p.inter, 0)}}{${tx(p.union, 0)}} = ${tx(p.iou)}$, not 0.5: the union counts the shared half once.`,
        ],
      };
    },
  },
  {
    id: 'suppress',
    question: (s) => `Say boxes A and B above were two detections of the same class, A with the higher score. Does NMS with the IoU threshold $\\tau = ${s.iou}$ suppress B?`,
    answer: {
      type: 'choice',
      options: [{ value: 'suppress', label: 'yes: B is suppressed' }, { value: 'keep', label: 'no: B is kept too' }],
    },
    solve(pg, s) {
      const n = nmsRule(s);
      const steps = pg.vision.nmsSteps([s.a, s.b], [0.9, 0.8], { iouThreshold: s.iou, rule: n.rule });
      const iou = pg.vision.iou(s.a, s.b);
      const strict = n.op === '>';
      const rel = steps[1].kind === 'suppress' ? (strict ? '>' : '\\ge') : (strict ? '\\le' : '<');
      return {
        value: steps[1].kind,
        working: [
          `NMS keeps A (the best score), then compares B with it: $\\operatorname{IoU}(A, B) = ${tx(iou)} ${rel} \\tau = ${s.iou}$.`,
          steps[1].kind === 'suppress'
            ? `So B counts as a second detection of the same object and is suppressed (${n.note}).`
            : `So B is far enough from A to be taken as another object, and is kept (${n.note}).`,
        ],
      };
    },
  },
  {
    id: 'edge',
    question: (s) => `Boxes ${boxText(EDGE_A)} (score 0.9) and ${boxText(EDGE_B)} (score 0.8), IoU threshold $\\tau = 0.5$, with the page's convention (${LABELS[conventionOf(s)]}): how many boxes does NMS keep?`,
    answer: { type: 'number', tolerance: 0 },
    solve(pg, s) {
      const n = nmsRule(s);
      const iou = pg.vision.iou(EDGE_A, EDGE_B);
      const kept = pg.vision.nms([EDGE_A, EDGE_B], [0.9, 0.8], { iouThreshold: 0.5, rule: n.rule });
      return {
        value: kept.length,
        working: [
          `$\\operatorname{IoU} = 200 / (300 + 300 - 200) = ${tx(iou)}$: exactly the threshold.`,
          `${n.note}, so ${kept.length === 1 ? 'the second box is suppressed: 1 box' : 'the second box survives: 2 boxes'}. The two frameworks differ only at this exact equality.`,
        ],
      };
    },
  },
  {
    id: 'per-class',
    question: (s) => `In the scene (${s.boxes ? 'your boxes' : `seed ${s.seed}`}, score threshold ${s.score}, IoU threshold ${s.iou}), how many more boxes does **per-class** NMS keep than NMS over all classes together?`,
    answer: { type: 'number', tolerance: 0 },
    solve(pg, s) {
      const sc = sceneOf(pg, s);
      const names = sc.classNames;
      const opts = { iouThreshold: s.iou, scoreThreshold: s.score, rule: nmsRule(s).rule };
      const all = pg.vision.nms(sc.boxes, sc.scores, opts);
      const per = pg.vision.nmsPerClass(sc.boxes, sc.scores, sc.classes, opts);
      const extra = per.filter((i) => !all.includes(i));
      const lines = [`NMS over all classes keeps ${all.length} boxes, per-class NMS keeps ${per.length}: ${per.length - all.length} more.`];
      if (extra.length) {
        const steps = pg.vision.nmsSteps(sc.boxes, sc.scores, opts);
        const why = extra.map((i) => {
          const t = steps.find((q) => q.index === i);
          return t?.kind === 'suppress'
            ? `box ${i} (${names[sc.classes[i]]}) overlaps kept box ${t.by} (${names[sc.classes[t.by]]}) with IoU ${tx(t.iou, 3)}`
            : `box ${i} (${names[sc.classes[i]]})`;
        });
        lines.push(`Across classes, ${why.join('; ')}: one object's box removes another object's. Per class, a box only competes with boxes of its own class.`);
      } else {
        lines.push('No kept box of one class overlaps a box of another class enough to suppress it here.');
      }
      return { value: per.length - all.length, working: lines };
    },
  },
];
