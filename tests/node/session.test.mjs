// The training-lesson machinery without a browser: web/session-loop.mjs (what the worker and the
// main-thread fallback run), lessons/session.mjs (runSession, for the CLI and tests) and the CLI's
// training path (progress, --json, exit 1 on a failure), on a counting session.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SessionLoop } from '../../web/session-loop.mjs';
import { runSession } from '../../lessons/session.mjs';
import { train } from '../../scripts/cli.mjs';

// A session that counts to `total`, one per step; fails at `failAt` (throws) or stops with a
// failure message at `divergeAt`.
function counter({ total = 10, failAt = -1, divergeAt = -1, rate = 1 } = {}) {
  const s = {
    n: 0, rate, disposed: false, failure: null,
    get done() { return this.n >= total || !!this.failure; },
    get progress() { return { value: this.n, total, label: 'steps' }; },
    step() {
      if (this.n === failAt) throw new Error(`step ${this.n} failed`);
      if (this.n === divergeAt) { this.failure = `loss is NaN at step ${this.n}`; return; }
      this.n += 1;
    },
    snapshot() { return { n: this.n, rate: this.rate }; },
    setState(st) { if (st.total !== total) return false; this.rate = st.rate; return true; },
    command(name, args) { if (name !== 'set') throw new Error(`no command ${name}`); this.n = args.n; },
    dispose() { this.disposed = true; },
  };
  return s;
}

function harness(make = (st) => counter(st)) {
  const messages = [];
  const timers = [];
  const loop = new SessionLoop(make, (m) => messages.push(m), { slice: 1e9, defer: (f) => timers.push(f) });
  const flush = () => { while (timers.length) timers.shift()(); };
  const last = () => messages.at(-1);
  return { loop, messages, flush, last };
}

test('reset sends the first snapshot; play runs to the end in slices and stops', () => {
  const h = harness();
  h.loop.handle({ type: 'reset', state: { total: 5 } });
  assert.deepEqual(h.last(), { type: 'snapshot', snapshot: { n: 0, rate: 1 }, status: { playing: false, done: false, progress: { value: 0, total: 5, label: 'steps' } } });
  h.loop.handle({ type: 'play' });
  assert.equal(h.last().status.playing, true);
  h.flush();
  assert.equal(h.last().snapshot.n, 5);
  assert.equal(h.last().status.done, true);
  assert.equal(h.last().status.playing, false);
});

test('step runs one unit and pauses; pause stops a running loop before its next slice', () => {
  const h = harness();
  h.loop.handle({ type: 'reset', state: { total: 5 } });
  h.loop.handle({ type: 'step' });
  assert.equal(h.last().snapshot.n, 1);
  h.loop.handle({ type: 'play' });
  h.loop.handle({ type: 'pause' });
  h.flush();
  assert.equal(h.last().snapshot.n, 1);
  assert.equal(h.last().status.playing, false);
});

test('setState: in place when the session takes it, else a new session (the old one disposed)', () => {
  const made = [];
  const h = harness((st) => { const c = counter(st); made.push(c); return c; });
  h.loop.handle({ type: 'reset', state: { total: 5 } });
  h.loop.handle({ type: 'step' });
  h.loop.handle({ type: 'state', state: { total: 5, rate: 3 } });
  assert.deepEqual(h.last().snapshot, { n: 1, rate: 3 });
  assert.equal(made.length, 1);
  h.loop.handle({ type: 'state', state: { total: 7 } });
  assert.equal(made.length, 2);
  assert.equal(made[0].disposed, true);
  assert.equal(h.last().snapshot.n, 0);
});

test('a reset while playing: the old slice does not run the new session twice', () => {
  const h = harness();
  h.loop.handle({ type: 'reset', state: { total: 3 } });
  h.loop.handle({ type: 'play' });
  h.loop.handle({ type: 'reset', state: { total: 3 }, play: true });
  h.flush();
  assert.equal(h.last().snapshot.n, 3);
  assert.equal(h.messages.filter((m) => m.type === 'error').length, 0);
});

test('errors become messages and the loop keeps working: a bad state, a throwing step; a refused command is a notice', () => {
  const h = harness((st) => { if (st.total < 0) throw new Error('total must be >= 0'); return counter(st); });
  h.loop.handle({ type: 'reset', state: { total: -1 } });
  assert.deepEqual(h.last(), { type: 'error', message: 'total must be >= 0' });
  h.loop.handle({ type: 'reset', state: { total: 4, failAt: 2 } });
  h.loop.handle({ type: 'play' });
  h.flush();
  assert.deepEqual(h.last(), { type: 'error', message: 'step 2 failed' });
  h.loop.handle({ type: 'command', name: 'nope' });
  assert.equal(h.last().type, 'snapshot'); // a refused command is a notice, not a crash
  assert.equal(h.last().status.notice, 'no command nope');
  h.loop.handle({ type: 'command', name: 'set', args: { n: 3 } });
  assert.equal(h.last().snapshot.n, 3);
  h.loop.handle({ type: 'bogus' });
  assert.match(h.last().message, /unknown message bogus/);
});

test('runSession runs to the end and reports each new progress value', () => {
  const seen = [];
  const s = runSession(counter({ total: 4 }), { onProgress: (p) => seen.push(p.value) });
  assert.equal(s.n, 4);
  assert.deepEqual(seen, [1, 2, 3, 4]);
  assert.equal(runSession(counter({ total: 100 }), { maxSteps: 7 }).n, 7);
});

function sink() {
  const s = { text: '', isTTY: false, write(t) { s.text += t; } };
  return s;
}
const fakeLesson = (opts) => ({ id: 'fake', session: () => counter(opts), report: (snap) => [`counted to ${snap.n}`] });

test('CLI training path: a progress bar on stderr and the report; --json prints the result; a failure exits 1', () => {
  let out = sink();
  let err = sink();
  assert.equal(train(null, fakeLesson({ total: 20 }), {}, false, out, err), 0);
  assert.equal(out.text, 'counted to 20\n');
  assert.match(err.text, /\[#{30}\] 20\/20 steps/);
  out = sink();
  err = sink();
  assert.equal(train(null, fakeLesson({ total: 3 }), { a: 1 }, true, out, err), 0);
  assert.deepEqual(JSON.parse(out.text), { lesson: 'fake', settings: { a: 1 }, result: { n: 3, rate: 1 } });
  assert.equal(err.text, '');
  out = sink();
  err = sink();
  assert.equal(train(null, fakeLesson({ total: 9, divergeAt: 4 }), {}, false, out, err), 1);
  assert.match(err.text, /training stopped: loss is NaN at step 4/);
});

test('a new session gets the one it replaces (to carry over drawn data), which is disposed after', () => {
  const made = [];
  const h = harness((st, prev) => { const c = counter(st); c.carried = prev ? prev.n : null; made.push(c); return c; });
  h.loop.handle({ type: 'reset', state: { total: 5 } });
  h.loop.handle({ type: 'step' });
  h.loop.handle({ type: 'step' });
  h.loop.handle({ type: 'state', state: { total: 6 } });
  assert.equal(made[1].carried, 2);
  assert.equal(made[0].disposed, true);
  assert.equal(made[0].carried, null);
});

test('while playing, snapshots are throttled to one per frame; the end and every command still answer at once', () => {
  const messages = [];
  const timers = [];
  const loop = new SessionLoop((st) => counter(st), (m) => messages.push(m), { slice: 0, frame: 1e9, defer: (f) => timers.push(f) });
  loop.handle({ type: 'reset', state: { total: 4 } });
  loop.handle({ type: 'play' });
  const before = messages.length;
  timers.shift()();  // one tick: one step (slice 0), no snapshot (the last was just sent)
  timers.shift()();
  assert.equal(messages.length, before);
  loop.handle({ type: 'step' });  // a command answers at once and pauses
  assert.equal(messages.length, before + 1);
  assert.equal(messages.at(-1).snapshot.n, 3);
  loop.handle({ type: 'play' });
  while (timers.length) timers.shift()();
  assert.equal(messages.at(-1).snapshot.n, 4);  // the end is always sent
  assert.equal(messages.at(-1).status.done, true);
});
