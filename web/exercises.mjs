// "Check yourself": renders a lesson's exercises (lessons/exercises.mjs) below its text. The
// learner types or picks an answer; Check asks the core for the answer (exercise.solve) and says
// right or wrong with the worked computation. The question follows the lesson's state; a verdict
// is cleared when the question changes under it.
import { checkAnswer, optionsOf, questionOf } from './lib/lessons/exercises.mjs';
import { renderText } from './text.mjs';

let uid = 0;

/** Builds the exercises panel; returns { element, update(state) } or null when there are none. */
export function mountExercises(lesson, pg, getState, kit) {
  const list = lesson.exercises ?? [];
  if (!list.length) return null;
  const { el } = kit;
  const items = list.map((ex) => {
    const qid = `ex-${lesson.id}-${ex.id}-${++uid}`;
    const question = el('div', { class: 'question', id: qid });
    let input;
    if (ex.answer.type === 'choice') {
      input = el('select', { 'aria-labelledby': qid, 'data-name': `exercise-input-${ex.id}` });
    } else {
      input = el('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', 'aria-labelledby': qid,
        'data-name': `exercise-input-${ex.id}`, placeholder: 'your answer' });
    }
    const button = el('button', { type: 'button', 'data-name': `exercise-check-${ex.id}` }, 'Check');
    const verdict = el('div', { class: 'verdict', role: 'status', 'aria-live': 'polite', 'data-name': `exercise-verdict-${ex.id}` });
    const box = el('li', { class: 'exercise', 'data-exercise': ex.id }, question,
      el('div', { class: 'answer-row' }, input, button), verdict);
    let lastQuestion = null;
    let lastOptions = null;
    const clear = () => { verdict.replaceChildren(); delete verdict.dataset.verdict; };
    const check = () => {
      let r;
      try {
        r = checkAnswer(pg, ex, getState(), input.value);
      } catch (e) {
        verdict.dataset.verdict = 'error';
        verdict.replaceChildren(el('p', {}, `The core could not work this out here: ${e?.message ?? e}`));
        return;
      }
      if (r.error) {
        verdict.dataset.verdict = 'unread';
        verdict.replaceChildren(el('p', {}, r.error));
        return;
      }
      verdict.dataset.verdict = r.correct ? 'right' : 'wrong';
      verdict.dataset.value = String(r.expected);
      const head = r.correct ? `Right: ${r.expectedText}.` : `Not quite: the answer is ${r.expectedText}.`;
      verdict.replaceChildren(el('p', { class: 'verdict-head' }, el('span', { 'aria-hidden': 'true' }, r.correct ? '✓ ' : '✗ '), head),
        ...(r.working.length ? [renderText(r.working.join('\n\n'), kit)] : []));
    };
    button.addEventListener('click', check);
    input.addEventListener('keydown', (e) => { if (e.key === 'Enter') check(); });
    return {
      box,
      update(state) {
        const q = questionOf(ex, state);
        if (q !== lastQuestion) {
          question.replaceChildren(renderText(q, kit));
          if (lastQuestion !== null) clear();
          lastQuestion = q;
        }
        if (ex.answer.type === 'choice') {
          const opts = optionsOf(ex, state);
          const key = JSON.stringify(opts.map((o) => [o.value, o.label]));
          if (key !== lastOptions) {
            const keep = input.value;
            input.replaceChildren(el('option', { value: '' }, 'choose…'),
              ...opts.map((o) => el('option', { value: String(o.value) }, o.label)));
            input.value = opts.some((o) => String(o.value) === keep) ? keep : '';
            if (lastOptions !== null) clear();
            lastOptions = key;
          }
        }
      },
    };
  });
  const element = el('section', { class: 'exercises panel', 'aria-label': 'Check yourself' },
    el('h3', {}, 'Check yourself'),
    el('p', { class: 'note' }, 'Predict first, then check: the core works out each answer and shows the computation.'),
    el('ol', {}, ...items.map((i) => i.box)));
  return { element, update(state) { for (const i of items) i.update(state); } };
}
