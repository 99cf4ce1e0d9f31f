// "Check yourself" (lessons/exercises.mjs): every lesson's exercises, at its default settings, are
// solved by the core, accept their own answer, refuse a wrong one, and explain unreadable input.
// Each lesson's own test checks its exercises' values against the course's worked numbers.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load } from 'playgrad';
import { LESSONS } from '../../lessons/index.mjs';
import { checkAnswer, isRight, optionsOf, parseAnswer, questionOf } from '../../lessons/exercises.mjs';
import { defaults } from '../../lessons/settings.mjs';

const pg = await load();

test('the checker: numbers within tolerance, choices by value, unreadable answers explained', () => {
  const num = { id: 'n', question: 'q', answer: { type: 'number', tolerance: 0.5 }, solve: () => ({ value: 15, working: ['w'] }) };
  assert.equal(checkAnswer(pg, num, {}, '15').correct, true);
  assert.equal(checkAnswer(pg, num, {}, ' 15.4 ').correct, true);
  assert.equal(checkAnswer(pg, num, {}, '16').correct, false);
  assert.equal(checkAnswer(pg, num, {}, '−15').correct, false); // a real minus sign reads as minus
  assert.match(checkAnswer(pg, num, {}, '').error, /number/);
  assert.match(checkAnswer(pg, num, {}, 'fifteen').error, /not a number/);
  assert.deepEqual(checkAnswer(pg, num, {}, '15').working, ['w']);
  const rel = { id: 'r', question: 'q', answer: { type: 'number' }, solve: () => ({ value: 1000 }) };
  assert.equal(isRight(rel, 1000, 1000.9), true); // default: 1e-3 relative
  assert.equal(isRight(rel, 1000, 1002), false);
  assert.equal(isRight(rel, NaN, NaN), false);
  const ch = { id: 'c', question: (s) => `pick ${s.k}`, answer: { type: 'choice', options: (s) => [{ value: 'a', label: 'A' }, { value: s.k, label: 'K' }] },
    solve: (_, s) => ({ value: s.k }) };
  assert.equal(questionOf(ch, { k: 'b' }), 'pick b');
  assert.equal(checkAnswer(pg, ch, { k: 'b' }, 'b').correct, true);
  assert.equal(checkAnswer(pg, ch, { k: 'b' }, 'b').expectedText, 'K');
  assert.equal(checkAnswer(pg, ch, { k: 'b' }, 'a').correct, false);
  assert.match(parseAnswer(ch, { k: 'b' }, 'z').error, /Pick/);
});

for (const lesson of LESSONS) {
  test(`${lesson.id}: exercises solved by the core at the default settings`, () => {
    const exercises = lesson.exercises ?? [];
    assert.ok(exercises.length >= 2 && exercises.length <= 4, `${lesson.id} has ${exercises.length} exercises (two or three expected)`);
    const state = defaults(lesson.settings);
    const ids = new Set();
    for (const ex of exercises) {
      assert.match(ex.id, /^[a-z0-9-]+$/);
      assert.ok(!ids.has(ex.id), `duplicate exercise id ${ex.id}`);
      ids.add(ex.id);
      const q = questionOf(ex, state);
      assert.ok(typeof q === 'string' && q.length > 10, `${ex.id}: a question`);
      assert.ok(['number', 'choice'].includes(ex.answer.type));
      const solved = ex.solve(pg, state);
      assert.ok(Array.isArray(solved.working) && solved.working.length >= 1, `${ex.id}: the worked computation`);
      let right;
      let wrong;
      if (ex.answer.type === 'number') {
        assert.ok(Number.isFinite(solved.value), `${ex.id}: a finite answer (${solved.value})`);
        right = String(solved.value);
        wrong = String(solved.value + Math.max(1, Math.abs(solved.value)));
      } else {
        const opts = optionsOf(ex, state);
        assert.ok(opts.length >= 2, `${ex.id}: at least two choices`);
        assert.ok(opts.some((o) => String(o.value) === String(solved.value)), `${ex.id}: the answer is one of the choices`);
        right = String(solved.value);
        wrong = String(opts.find((o) => String(o.value) !== String(solved.value)).value);
      }
      assert.equal(checkAnswer(pg, ex, state, right).correct, true, `${ex.id}: its own answer is right`);
      assert.equal(checkAnswer(pg, ex, state, wrong).correct, false, `${ex.id}: ${wrong} is wrong`);
      assert.ok(checkAnswer(pg, ex, state, '').error, `${ex.id}: an empty answer is explained`);
    }
  });
}
