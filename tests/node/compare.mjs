// Element-wise comparisons shared by the Node tests: against TensorFlow.js (a tolerance per test)
// and wasm against the native build (parity: 1e-6 relative, at least 1e-6 absolute).
import assert from 'node:assert/strict';

/** |actual - expected| <= atol + rtol |expected| at every index (playgrad vs tfjs). */
export function assertCloseToTfjs(actual, expected, what, atol = 1e-5, rtol = 1e-4) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]),
      `${what}[${i}]: playgrad ${actual[i]} vs tfjs ${expected[i]}`);
  }
}

/** |actual - expected| <= 1e-6 max(1, |expected|) at every index (wasm vs native). */
export function assertParity(actual, expected, what) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= 1e-6 * Math.max(1, Math.abs(expected[i])),
      `${what}[${i}]: wasm ${actual[i]} vs native ${expected[i]}`);
  }
}
