// The conv-size lesson: the output size of a convolution (with the floor made visible), its
// padding, its receptive field and its parameter count, and a real 3x3 convolution of an MNIST
// digit shown as a feature map.
//
// compute() is pure (no DOM): it runs in the page, in Node (tests/node/lesson-conv-size.test.mjs)
// and in the CLI (npx playgrad lesson conv-size --input 28 --kernel 3 --stride 2). Every number
// comes from the C++ core: pg.vision.convPadding (output size, padding and the terms of the
// formula), receptiveField, convParams, pg.conv2d, pg.min / pg.max. JavaScript lays out and draws.
import { CONVENTIONS, LABELS, conventionOf, samePadding } from '../convention.mjs';
import { fmt } from '../format.mjs';
import { DIGITS, DIGIT_SIZE } from './digits.mjs';

export { text } from './text.mjs';
export { fmt, DIGITS, DIGIT_SIZE };

export const id = 'conv-size';
export const title = 'Convolution sizes';
export const summary = 'Output size with the floor made visible, padding, dilation, parameter count, and a real 3×3 filter on a digit.';

/** 3x3 filters (row-major) the view offers as presets. Cross-correlation, as TF/PyTorch conv2d. */
export const PRESETS = [
  { value: 'sobel-x', label: 'Sobel x', filter: [-1, 0, 1, -2, 0, 2, -1, 0, 1] },
  { value: 'sobel-y', label: 'Sobel y', filter: [-1, -2, -1, 0, 0, 0, 1, 2, 1] },
  { value: 'laplacian', label: 'Laplacian', filter: [0, 1, 0, 1, -4, 1, 0, 1, 0] },
  { value: 'sharpen', label: 'Sharpen', filter: [0, -1, 0, -1, 5, -1, 0, -1, 0] },
  { value: 'blur', label: 'Blur (Gaussian)', filter: [1, 2, 1, 2, 4, 2, 1, 2, 1].map((v) => v / 16) },
  { value: 'identity', label: 'Identity', filter: [0, 0, 0, 0, 1, 0, 0, 0, 0] },
];

/** The course's parameter-count example: a 5x5 conv from 100 to 500 channels. */
export const COURSE_PARAMS = { kernel: 5, inChannels: 100, outChannels: 500 };

export const settings = [
  { name: 'input', type: 'integer', label: 'Input size n (pixels per side)', default: 28, min: 1, max: 64 },
  { name: 'kernel', type: 'integer', label: 'Kernel size f', default: 3, min: 1, max: 11 },
  { name: 'stride', type: 'integer', label: 'Stride s', default: 2, min: 1, max: 8 },
  {
    name: 'padding', type: 'choice', label: 'Padding', default: 'valid',
    options: [
      { value: 'valid', label: 'valid (none)' },
      { value: 'same', label: 'same (out = ⌈n / s⌉)' },
      { value: 'number', label: 'a number of pixels P' },
    ],
    help: "'same' as the Convention at the top: Keras pads the odd extra pixel at the bottom/right for any stride; PyTorch allows 'same' only for stride 1.",
  },
  { name: 'pad', type: 'integer', label: 'P (pixels each side, for padding = number)', default: 1, min: 0, max: 10 },
  { name: 'dilation', type: 'integer', label: 'Dilation d', default: 1, min: 1, max: 4 },
  { name: 'cin', type: 'integer', label: 'Input channels C_in', default: 100, min: 1, max: 1024 },
  { name: 'cout', type: 'integer', label: 'Filters (output channels) C_out', default: 500, min: 1, max: 1024 },
  {
    name: 'digit', type: 'integer', label: 'Digit to convolve', default: 3, min: 0, max: 9, widget: 'select',
    itemLabel: (v) => `MNIST digit ${v}`,
  },
  {
    name: 'filter', type: 'numbers', label: '3×3 filter (row by row)', default: PRESETS[0].filter,
    min: -8, max: 8, step: 0.0625, digits: 3, minLength: 9, maxLength: 9,
    itemLabel: (i) => `w${Math.floor(i / 3) + 1}${(i % 3) + 1}`, itemName: 'a weight',
    help: 'Applied with the stride, padding and dilation above; the presets are in the feature-map panel.',
  },
];

/** The preset whose weights equal `filter`, or null (a user-edited filter). */
export function presetOf(filter) {
  const p = PRESETS.find((q) => q.filter.every((v, i) => Math.abs(v - filter[i]) < 1e-9));
  return p ? p.value : null;
}

// A PlaygradError from the core becomes { error: message } (an expected user mistake, shown as a
// notice); anything else is a real failure and propagates.
function attempt(pg, fn) {
  try {
    return { value: fn() };
  } catch (e) {
    if (e instanceof pg.PlaygradError) return { error: e.message };
    throw e;
  }
}

/**
 * The lesson's numbers for a state (see settings), all from the core:
 *   size:    { out, padBefore, padAfter, keff (dilated kernel span), numerator, quotient (unfloored
 *            numerator / s), exact (quotient + 1, what the formula would give without the floor), rf and
 *            jump (one layer's receptive field and jump) } or null; sizeError: the core's message
 *   params, paramsNoBias, course: { ..., params } (the course's 5x5x100 -> 500 example)
 *   conv:    { size, map (row-major feature map), min, max, padBefore, padAfter } or null; convError
 *   image:   the digit (28 x 28, [0, 1]); filter, preset
 */
export function compute(pg, s) {
  const padding = s.padding === 'number' ? s.pad : s.padding;
  // Whose 'same' (Keras: any stride; PyTorch: stride 1 only), from the page's convention.
  const { sameRule } = samePadding(s);
  return pg.scope(() => {
    const geo = { input: s.input, kernel: s.kernel, stride: s.stride, padding, dilation: s.dilation, sameRule };
    const sized = attempt(pg, () => {
      // out = floor((n + P_before + P_after - (d (f - 1) + 1)) / s) + 1: the core gives the
      // padding and every term (span = d (f - 1) + 1, the numerator, the quotient before the floor).
      const p = pg.vision.convPadding(geo);
      // One layer's receptive field (= the span) and jump (= the stride), as a stack would have.
      const rf = pg.vision.receptiveField([{ kernel: s.kernel, stride: s.stride, dilation: s.dilation }]);
      return {
        out: p.out, padBefore: p.padBefore, padAfter: p.padAfter, keff: p.span, rf: rf.size, jump: rf.jump,
        numerator: p.numerator, quotient: p.quotient, exact: p.quotient + 1,
      };
    });

    const params = pg.vision.convParams({ kernel: s.kernel, inChannels: s.cin, outChannels: s.cout });
    const paramsNoBias = pg.vision.convParams({ kernel: s.kernel, inChannels: s.cin, outChannels: s.cout, bias: false });
    const course = { ...COURSE_PARAMS, params: pg.vision.convParams(COURSE_PARAMS) };

    // The real convolution: the digit [1, 28, 28, 1] * filter [3, 3, 1, 1] with this stride,
    // padding and dilation (NHWC, cross-correlation as TensorFlow and PyTorch).
    const image = DIGITS[s.digit].map((v) => v / 1000);
    const convGeo = { input: DIGIT_SIZE, kernel: 3, stride: s.stride, padding, dilation: s.dilation, sameRule };
    const conv = attempt(pg, () => {
      const p = pg.vision.convPadding(convGeo);
      const x = pg.tensor(image, [1, DIGIT_SIZE, DIGIT_SIZE, 1]);
      const w = pg.tensor(s.filter, [3, 3, 1, 1]);
      const y = pg.conv2d(x, w, { strides: s.stride, padding, dilations: s.dilation });
      const [, oh, ow] = y.shape;
      return {
        size: oh, width: ow, padBefore: p.padBefore, padAfter: p.padAfter,
        map: Array.from(y.toArray()), min: pg.min(y).item(), max: pg.max(y).item(),
      };
    });

    return {
      ...s,
      paddingArg: padding,
      size: sized.value ?? null,
      sizeError: sized.error ?? null,
      params, paramsNoBias, course,
      conv: conv.value ?? null,
      convError: conv.error ?? null,
      convention: conventionOf(s), sameNote: samePadding(s).note,
      // With padding 'same': the output size (or the core's refusal) under each framework's rule.
      sameBoth: padding !== 'same' ? null : CONVENTIONS.map((c) => {
        const q = attempt(pg, () => pg.vision.convPadding({ ...geo, sameRule: samePadding({ convention: c }).sameRule }));
        return { convention: c, label: LABELS[c], out: q.value?.out ?? null, error: q.error ?? null };
      }),
      image,
      preset: presetOf(s.filter),
    };
  });
}

export const short = (v) => String(Number(v.toFixed(4))).replace('-', '−');
export const grouped = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');

/** The numbers as rows of text, for the terminal (scripts/cli.mjs). */
export function report(r) {
  const lines = [];
  const padText = r.padding === 'number' ? `P = ${r.pad}` : r.padding;
  lines.push(`input ${r.input}, kernel f = ${r.kernel}, stride s = ${r.stride}, padding ${padText}, dilation d = ${r.dilation}`);
  if (r.size) {
    const z = r.size;
    lines.push('out = floor((n + P_before + P_after - (d (f - 1) + 1)) / s) + 1');
    lines.push(`    = floor((${r.input} + ${z.padBefore} + ${z.padAfter} - ${z.keff}) / ${r.stride}) + 1`);
    lines.push(`    = floor(${short(z.quotient)}) + 1 = ${z.out}${Number.isInteger(z.quotient) ? '' : `   (${short(z.quotient)} is not whole: the floor drops the partial window, so ${z.out}, not ${short(z.exact)} or ${z.out + 1})`}`);
    lines.push(`output size: ${z.out}`);
    lines.push(`output volume: ${z.out} x ${z.out} x ${r.cout}`);
  } else {
    lines.push(`no valid output: ${r.sizeError}`);
  }
  if (r.sameBoth) {
    lines.push(`'same' padding, ${LABELS[r.convention]} convention: ${r.sameNote}`);
    for (const q of r.sameBoth) lines.push(`  ${(q.convention === r.convention ? '* ' : '  ') + q.label.padEnd(8)} ${q.out !== null ? `out = ${q.out}` : `refused: ${q.error}`}`);
  }
  lines.push(`parameters: (${r.kernel}*${r.kernel}*${r.cin} + 1) * ${r.cout} = ${r.params} (${r.paramsNoBias} weights + ${r.cout} biases)`);
  lines.push(`course example: (${r.course.kernel}*${r.course.kernel}*${r.course.inChannels} + 1) * ${r.course.outChannels} = ${r.course.params}`);
  if (r.conv) {
    lines.push(`feature map of digit ${r.digit} (28 x 28) with the ${r.preset ?? 'custom'} 3x3 filter: ${r.conv.size} x ${r.conv.width}, values in [${fmt(r.conv.min)}, ${fmt(r.conv.max)}]`);
  } else {
    lines.push(`feature map: ${r.convError}`);
  }
  return lines;
}

// ---- check yourself (lessons/exercises.mjs) ------------------------------------------------------

/** The worked size formula for a convPadding() result, as a line of the lesson's markdown. */
function sizeWorking(g, p) {
  const terms = `${g.input} + ${p.padBefore} + ${p.padAfter} - ${p.span}`;
  return `$\\lfloor (${terms}) / ${g.stride} \\rfloor + 1 = \\lfloor ${short(p.quotient).replace('−', '-')} \\rfloor + 1 = ${p.out}$`;
}

const lastRows = (k) => (k === 1 ? 'the last row and the last column' : `the last ${k} rows and columns`);

export const exercises = [
  {
    id: 'out-size',
    question: 'What is the output size of a convolution with input $n = 32$, kernel $f = 5$, stride $s = 2$ and padding $P = 1$ on each side?',
    answer: { type: 'number', tolerance: 0 },
    solve(pg) {
      const g = { input: 32, kernel: 5, stride: 2, padding: 1 };
      const p = pg.vision.convPadding(g);
      return {
        value: p.out,
        working: [
          `$\\text{out} = \\lfloor (n + 2P - f) / s \\rfloor + 1$: ${sizeWorking(g, p)}.`,
          Number.isInteger(p.quotient)
            ? 'The windows fit exactly: the last one ends at the edge of the padded input.'
            : `$${short(p.quotient)}$ is not whole: a window only counts when it fits entirely, so the floor drops the partial one: ${lastRows(p.numerator % g.stride)} of the padded input are never read.`,
        ],
      };
    },
  },
  {
    id: 'same-size',
    question: "With padding 'same' (TensorFlow's), input $n = 28$, kernel $f = 3$ and stride $s = 2$: what output size?",
    answer: { type: 'number', tolerance: 0 },
    solve(pg) {
      const g = { input: 28, kernel: 3, stride: 2, padding: 'same' };
      const p = pg.vision.convPadding(g);
      return {
        value: p.out,
        working: [
          `'same' pads so that $\\text{out} = \\lceil n / s \\rceil$: here ${p.padBefore} pixel(s) before and ${p.padAfter} after (the odd one goes to the bottom/right).`,
          `Then the usual formula: ${sizeWorking(g, p)}. 'same' keeps the input size only when $s = 1$.`,
        ],
      };
    },
  },
  {
    id: 'params',
    question: 'How many parameters (weights and biases) does a $3 \\times 3$ convolution from 64 to 128 channels have?',
    answer: { type: 'number', tolerance: 0 },
    solve(pg) {
      const o = { kernel: 3, inChannels: 64, outChannels: 128 };
      const params = pg.vision.convParams(o);
      const weights = pg.vision.convParams({ ...o, bias: false });
      return {
        value: params,
        working: [
          `Each of the ${o.outChannels} filters has $${o.kernel} \\cdot ${o.kernel} \\cdot ${o.inChannels}$ weights (it spans every input channel) and one bias: $(${o.kernel} \\cdot ${o.kernel} \\cdot ${o.inChannels} + 1) \\cdot ${o.outChannels} = ${params}$.`,
          `That is ${grouped(weights)} weights and ${o.outChannels} biases; the input's height and width do not matter.`,
        ],
      };
    },
  },
];
