// Long sessions, in Node: every registered lesson's compute with random settings (drawn from each
// setting's own declaration, sometimes out of range, then validated as the page does). The test
// level (`scripts/test.sh soak`, CI) runs a fixed 3,000 iterations after a warm-up over the same
// settings, so the same commit checks exactly the same settings on any machine; `npm run soak` (SOAK=long) runs 100,000
// iterations or 5 minutes, whichever comes first (SOAK_SECONDS changes the 5 minutes). The wasm
// heap, tensor memory and the Embind handle table must come back to their values after warm-up;
// the only errors allowed are PlaygradErrors from validation. Not in the quick node level.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load } from '../../wasm/playgrad.mjs';
import { LESSONS } from '../../lessons/index.mjs';
import { bound, normalize } from '../../lessons/settings.mjs';

const LONG = process.env.SOAK === 'long';
const ITERATIONS = LONG ? 100000 : 3000;
const SECONDS = LONG ? Number(process.env.SOAK_SECONDS ?? 300) : Infinity;
const pgLoaded = await load();

// The project's RNG lives in the core; for drawing settings a small JS PCG-like generator is fine.
function rng(seed) {
  let s = BigInt(seed) | 1n;
  return () => {
    s = (s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return Number(s >> 11n) / 2 ** 53;
  };
}

function randomState(lesson, r) {
  const s = {};
  for (const d of lesson.settings) {
    const lo = bound(d.min, s);
    const hi = bound(d.max, s);
    const u = () => lo + (hi - lo) * r();
    switch (d.type) {
      case 'number': s[d.name] = r() < 0.1 ? (r() < 0.5 ? lo : hi) : u(); break;
      case 'integer': s[d.name] = Math.round(u()); break;
      case 'boolean': s[d.name] = r() < 0.5; break;
      case 'choice': { const o = bound(d.options, s); s[d.name] = o[Math.floor(r() * o.length)].value; break; }
      case 'numbers': {
        const n0 = bound(d.minLength, s);
        const n1 = bound(d.maxLength, s);
        const n = n0 + Math.floor(r() * (n1 - n0 + 1));
        s[d.name] = Array.from({ length: n }, () => (r() < 0.1 ? (r() < 0.5 ? lo : hi) : u()));
        break;
      }
      case 'text': s[d.name] = r() < 0.5 ? d.default : String.fromCharCode(...Array.from({ length: Math.floor(r() * 30) }, () => 32 + Math.floor(r() * 95))); break;
      default: s[d.name] = d.default;
    }
    if (r() < 0.02) s[d.name] = d.type === 'numbers' ? [NaN] : NaN;  // out of range: normalize must repair it
  }
  // The page-wide convention (not a lesson setting): either framework's rules.
  return { ...normalize(lesson.settings, s), convention: r() < 0.5 ? 'keras' : 'pytorch' };
}

test(`soak: every lesson's compute with random settings, ${ITERATIONS} iterations${LONG ? ` or ${SECONDS} s` : ''}`, { timeout: LONG ? (SECONDS + 600) * 1000 : Infinity }, () => {
  const pg = pgLoaded;
  const r = rng(20261128);
  const errors = new Map();
  // The warm-up runs the same settings the measured part starts with, so a path's first-use
  // allocations (function-local statics, the first use of a layer kind or option) happen there
  // whatever the random draws reach; a leak, which costs every time, still shows.
  const WARM_UP = 3000;
  const states = Array.from({ length: WARM_UP }, (_, i) => randomState(LESSONS[i % LESSONS.length], r));
  const step = (i) => {
    const lesson = LESSONS[i % LESSONS.length];
    const state = i < states.length ? states[i] : randomState(lesson, r);
    try {
      if (typeof lesson.compute === 'function') {
        lesson.compute(pg, state);
      } else {
        // A training lesson: its session starts, takes two steps, gives a snapshot and is freed.
        const s = lesson.session(pg, state);
        try {
          for (let k = 0; k < 2 && !s.done; k++) s.step();
          s.snapshot();
        } finally {
          s.dispose();
        }
      }
    } catch (e) {
      assert.ok(e instanceof pg.PlaygradError, `${lesson.id} ${JSON.stringify(state).slice(0, 300)}: ${e?.stack ?? e}`);
      errors.set(e.message.split(':')[0], (errors.get(e.message.split(':')[0]) ?? 0) + 1);
    }
  };
  for (let i = 0; i < WARM_UP; i++) step(i);
  const heap = pg.memoryBytes();
  const tensors = pg.tensorBytes();
  const handles = pg._core.count_emval_handles();
  const t0 = Date.now();
  let i = 0;
  let maxHeap = heap;
  for (; i < ITERATIONS && Date.now() - t0 < SECONDS * 1000; i++) {
    step(i);
    if (i % 1000 === 0) maxHeap = Math.max(maxHeap, pg.memoryBytes());
  }
  console.log(`soak: ${i} iterations in ${((Date.now() - t0) / 1000).toFixed(0)} s; heap ${heap} -> ${pg.memoryBytes()} (max ${maxHeap}); validation errors: ${JSON.stringify(Object.fromEntries(errors))}`);
  assert.ok(i >= Math.min(ITERATIONS, 100), `only ${i} iterations`);
  assert.equal(pg.tensorBytes(), tensors, 'tensor memory');
  assert.equal(pg._core.count_emval_handles(), handles, 'Embind handles');
  assert.equal(pg.memoryBytes(), heap, 'wasm heap');
});

