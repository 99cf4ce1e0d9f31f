// "Predict, then check": the exercises at the end of every lesson (pure; the page, Node tests and
// the CLI share it). A lesson exports
//
//   export const exercises = [{
//     id: 'out-size',                                   // unique within the lesson
//     question: (state) => 'The output size for n = 32, f = 5, s = 2, P = 1?', // or a string;
//                                                       // the lesson text's markdown subset
//     answer: { type: 'number', tolerance: 0 },         // absolute tolerance (default 1e-3 relative)
//          or { type: 'choice', options: (state) => [{ value: 'a', label: 'box a' }, ...] },
//     solve: (pg, state) => ({ value: 15, working: ['floor((32 + 2·1 − 5) / 2) + 1 = 15'] }),
//   }];
//
// solve() computes the answer with the core (through pg, as compute() does) and returns the
// worked computation as lines of text (the same markdown subset). checkAnswer() compares.
import { fmt } from './format.mjs';

/** The question's text for this state. */
export function questionOf(exercise, state) {
  return typeof exercise.question === 'function' ? exercise.question(state) : exercise.question;
}

/** The choices of a 'choice' exercise for this state ([] for a number). */
export function optionsOf(exercise, state) {
  const o = exercise.answer?.options;
  return typeof o === 'function' ? o(state) : (o ?? []);
}

/**
 * Reads what the learner typed or picked. Returns { value } or { error } (a readable message):
 * a number must be a finite number; a choice must be one of the options.
 */
export function parseAnswer(exercise, state, raw) {
  const text = String(raw ?? '').trim();
  if (exercise.answer.type === 'number') {
    if (text === '') return { error: 'Type a number first.' };
    const v = Number(text.replace('−', '-').replace(',', '.'));
    if (!Number.isFinite(v)) return { error: `“${text.slice(0, 20)}” is not a number.` };
    return { value: v };
  }
  if (exercise.answer.type === 'choice') {
    const opt = optionsOf(exercise, state).find((o) => String(o.value) === text);
    if (!opt) return { error: 'Pick one of the answers first.' };
    return { value: opt.value };
  }
  throw new Error(`exercise ${exercise.id}: unknown answer type ${exercise.answer.type}`);
}

/** True when `given` matches the solved value (numbers within the exercise's tolerance). */
export function isRight(exercise, solvedValue, given) {
  if (exercise.answer.type === 'number') {
    if (typeof solvedValue !== 'number' || typeof given !== 'number') return false;
    if (Number.isNaN(solvedValue)) return false;
    const tol = exercise.answer.tolerance ?? Math.max(1e-3 * Math.abs(solvedValue), 1e-6);
    return Math.abs(given - solvedValue) <= tol;
  }
  return String(given) === String(solvedValue);
}

/**
 * Checks an answer: solves with the core, compares, and returns
 * { correct, expected, expectedText, working, error? } (error: the answer could not be read).
 */
export function checkAnswer(pg, exercise, state, raw) {
  const parsed = parseAnswer(exercise, state, raw);
  if (parsed.error) return { correct: false, error: parsed.error };
  const solved = exercise.solve(pg, state);
  const correct = isRight(exercise, solved.value, parsed.value);
  // A whole number (a size, a count) is shown as it is, any other number with fmt's 4 decimals.
  const v = solved.value;
  let expectedText = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : fmt(v)) : String(v);
  if (exercise.answer.type === 'choice') {
    const opt = optionsOf(exercise, state).find((o) => String(o.value) === String(solved.value));
    if (opt) expectedText = opt.label;
  }
  return { correct, expected: solved.value, expectedText, working: solved.working ?? [] };
}
