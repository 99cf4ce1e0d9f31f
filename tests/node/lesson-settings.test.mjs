// The settings declarations (lessons/settings.mjs): one declaration parses the URL field,
// formats it back and validates CLI flags; malformed values fall back to the default with a
// problem; nothing throws on user input. Also the registry and the lesson-module contract.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import { LESSONS, lessonById } from '../../lessons/index.mjs';
import { defaults, normalize, parseHash, parseSettings, parseValue, toQuery } from '../../lessons/settings.mjs';
import * as softmax from '../../lessons/softmax/lesson.mjs';

const S = softmax.settings;

test('a shared URL round-trips: parseHash -> parseSettings -> toQuery', () => {
  const { id, fields } = parseHash('#/softmax?z=3,-1.5,0.2,7&t=0.5&large=1&y=4');
  assert.equal(id, 'softmax');
  const { state, problems } = parseSettings(S, fields);
  assert.deepEqual(problems, []);
  assert.deepEqual(state, { z: [3, -1.5, 0.2, 7], t: 0.5, large: true, y: 4 });
  assert.equal(toQuery(S, state), 'z=3,-1.5,0.2,7&t=0.5&large=1&y=4');
  // Defaults are left out of the URL.
  assert.equal(toQuery(S, defaults(S)), '');
  assert.equal(parseHash('#/softmax').id, 'softmax');
  assert.equal(parseHash('').id, '');
  assert.equal(parseHash('#/').id, '');
});

test('malformed values fall back to their defaults, each with a readable problem', () => {
  const { fields } = parseHash('#/softmax?z=1,abc&t=0&large=maybe&y=1.5&bogus=2');
  const { state, problems } = parseSettings(S, fields);
  assert.deepEqual(state, defaults(S));
  assert.deepEqual(problems.map((p) => p.name), ['z', 't', 'large', 'y', 'bogus']);
  assert.equal(problems[0].message,
    'Logits (z=1,abc) is not valid: expected 2 to 10 comma-separated numbers from -10 to 10. Using the default, 2,1,0.1.');
  assert.equal(problems[1].message, 'Temperature T (t=0) is not valid: expected a number from 0.1 to 10. Using the default, 1.');
  assert.equal(problems[4].message, "Unknown setting 'bogus' ignored.");
});

test('ranges may depend on earlier settings: y must name one of the z logits', () => {
  const ok = parseSettings(S, parseHash('#/softmax?z=1,2,3,4,5&y=5').fields);
  assert.deepEqual(ok.problems, []);
  assert.equal(ok.state.y, 5);
  const bad = parseSettings(S, parseHash('#/softmax?z=1,2&y=3').fields);
  assert.equal(bad.state.y, 1);
  assert.match(bad.problems[0].message, /True class y \(y=3\) is not valid: expected a whole number from 1 to 2/);
  // normalize() after the user removes a logit: y is clamped into the new range.
  assert.deepEqual(normalize(S, { z: [1, 2], t: 1, large: false, y: 4 }), { z: [1, 2], t: 1, large: false, y: 2 });
});

test('hostile hash content is never a value: an HTML injection falls back to defaults', () => {
  const hash = '#/softmax?z=<img src=x onerror=alert(1)>&t=1e999&y=__proto__&__proto__=1&constructor=2';
  const { id, fields } = parseHash(hash);
  assert.equal(id, 'softmax');
  const { state, problems } = parseSettings(S, fields);
  assert.deepEqual(state, defaults(S));
  assert.equal(problems.length, 5);
  assert.ok(problems[0].message.startsWith('Logits (z=<img src=x onerror=alert(1)>) is not valid'));
  assert.equal(Object.getPrototypeOf(state), Object.prototype);
  // Over-long values are cut in messages.
  const long = parseSettings(S, new Map([['z', '9'.repeat(500)]]));
  assert.ok(long.problems[0].message.length < 200);
  // Percent-encoding that does not decode is kept as text, not thrown.
  assert.doesNotThrow(() => parseHash('#/softmax?z=%E0%A4%A'));
});

test('parseValue covers every type', () => {
  const num = { name: 'a', type: 'number', min: -1, max: 1, label: 'A' };
  assert.deepEqual(parseValue(num, '0.5'), { ok: true, value: 0.5 });
  for (const bad of ['', ' ', '1.5', 'NaN', 'Infinity', '0x1', '1e', '--1']) assert.equal(parseValue(num, bad).ok, false, bad);
  assert.deepEqual(parseValue({ ...num, type: 'integer' }, '-1'), { ok: true, value: -1 });
  assert.equal(parseValue({ ...num, type: 'integer' }, '0.5').ok, false);
  const choice = { name: 'f', type: 'choice', options: [{ value: 'bowl', label: 'Bowl' }], label: 'F' };
  assert.deepEqual(parseValue(choice, 'bowl'), { ok: true, value: 'bowl' });
  assert.equal(parseValue(choice, 'toString').ok, false);
  const text = { name: 'e', type: 'text', maxLength: 5, label: 'E' };
  // Text round-trips through the URL, '+' and '&' included.
  const fdecl = { name: 'f', type: 'text', maxLength: 100, default: 'x^2', label: 'f(x, y)' };
  const q = toQuery([fdecl], { f: 'x+y & (x*y)^2' });
  assert.deepEqual(parseSettings([fdecl], parseHash(`#/opt?${q}`).fields).state, { f: 'x+y & (x*y)^2' });
  assert.equal(parseHash('#/opt?f=x+y').fields.get('f'), 'x+y');
  // A list in groups (points x1,y1,x2,y2): the length must be a multiple of the group.
  const pts = { name: 'p', type: 'numbers', min: -5, max: 5, minLength: 2, maxLength: 8, group: 2, label: 'P' };
  assert.deepEqual(parseValue(pts, '1,2,3,4'), { ok: true, value: [1, 2, 3, 4] });
  assert.equal(parseValue(pts, '1,2,3').ok, false);
  assert.match(parseValue(pts, '1,2,3').expected, /in groups of 2/);
  assert.deepEqual(parseValue(text, 'x^2'), { ok: true, value: 'x^2' });
  assert.equal(parseValue(text, 'x^2+y^2').ok, false);
});

test('check(value, state) runs after the type\'s own test and says what was expected', () => {
  const decl = { name: 'pair', type: 'text', maxLength: 20, default: '1,2', label: 'Pair',
    check: (v, st) => (/^\d+,\d+$/.test(v) && Number(v.split(',')[0]) <= st.lim ? null : `two whole numbers, the first at most ${st.lim}`) };
  const lim = { name: 'lim', type: 'integer', min: 0, max: 9, default: 5, label: 'Limit' };
  assert.deepEqual(parseValue(decl, '3,4', { lim: 5 }), { ok: true, value: '3,4' });
  assert.deepEqual(parseValue(decl, '7,4', { lim: 5 }), { ok: false, expected: 'two whole numbers, the first at most 5' });
  assert.deepEqual(parseValue(decl, 'x'.repeat(30), { lim: 5 }), { ok: false, expected: 'text of at most 20 characters' }); // the type first
  const { state, problems } = parseSettings([lim, decl], parseHash('#/t?lim=2&pair=3,4').fields);
  assert.deepEqual(state, { lim: 2, pair: '1,2' });
  assert.equal(problems[0].message, 'Pair (pair=3,4) is not valid: expected two whole numbers, the first at most 2. Using the default, 1,2.');
});

// The page-only names a pure lesson module must not touch (it runs in Node and the CLI too).
const DOM = /\b(document|window)\.|\b(getComputedStyle|requestAnimationFrame|matchMedia)\(|\bHTMLElement\b/;

test('every registered lesson follows the module contract', async () => {
  assert.ok(LESSONS.length >= 1);
  const ids = new Set();
  for (const l of LESSONS) {
    assert.match(l.id, /^[a-z][a-z0-9-]*$/);
    assert.ok(!ids.has(l.id));
    ids.add(l.id);
    assert.equal(typeof l.title, 'string');
    assert.equal(typeof l.summary, 'string');
    assert.equal(typeof l.text, 'string');
    // compute(pg, state) -> result, or (a training lesson) session(pg, state) -> session.
    assert.ok(typeof l.compute === 'function' || typeof l.session === 'function', `${l.id}: compute or session`);
    assert.equal(typeof l.report, 'function');
    assert.equal(l.mount, undefined, `${l.id}: the view lives in view.mjs, not in the pure lesson.mjs`);
    // One folder per lesson: the pure part and the view part.
    const dir = new URL(`../../lessons/${l.id}/`, import.meta.url);
    assert.ok(existsSync(new URL('lesson.mjs', dir)), `${l.id}: lessons/${l.id}/lesson.mjs`);
    const pure = readFileSync(new URL('lesson.mjs', dir), 'utf8').replace(/\/\/.*$/gm, '');
    assert.doesNotMatch(pure, DOM, `${l.id}: lesson.mjs is pure (no DOM)`);
    const view = await import(new URL('view.mjs', dir));
    assert.equal(typeof view.mount, 'function', `${l.id}: view.mjs exports mount(root, kit)`);
    assert.ok(Array.isArray(l.exercises ?? []), `${l.id}: exercises is an array`);
    for (const d of l.settings) {
      for (const k of ['name', 'type', 'label']) assert.ok(d[k] !== undefined, `${l.id}.${d.name}: ${k}`);
      assert.ok('default' in d, `${l.id}.${d.name}: default`);
    }
    // Defaults parse cleanly (parseSettings throws if a default is outside its own range).
    assert.deepEqual(parseSettings(l.settings, new Map()).problems, []);
    assert.equal(lessonById(l.id), l);
  }
  assert.equal(lessonById('nope'), undefined);
});
