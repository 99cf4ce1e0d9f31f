// Element-wise comparisons shared by the Node tests: against TensorFlow.js (a tolerance per row
// or test) and wasm against the native build (parity: bit-identical, or within a few units in
// the last place where a row allows them).
import assert from 'node:assert/strict';

/** |actual - expected| <= atol + rtol |expected| at every index (playgrad vs tfjs). */
export function assertCloseToTfjs(actual, expected, what, atol = 1e-5, rtol = 1e-4) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]),
      `${what}[${i}]: playgrad ${actual[i]} vs tfjs ${expected[i]}`);
  }
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
// A float32's position on the number line in ulps (+0 and -0 both 0), for ulp distances.
function ordinal(x) {
  f32[0] = x;
  return i32[0] < 0 ? -(i32[0] & 0x7fffffff) : i32[0];
}

/** Float32 equality at every index, or at most `ulps` apart (wasm vs native; NaN equals NaN). */
export function assertParity(actual, expected, what, ulps = 0) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = Math.fround(actual[i]), e = Math.fround(expected[i]);
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    const d = Math.abs(ordinal(a) - ordinal(e));
    assert.ok(d <= ulps, `${what}[${i}]: wasm ${a} vs native ${e} (${d} ulps apart, ${ulps} allowed)`);
  }
}
