// pg.data.toy: the playground's datasets from the wasm core (rules checked natively in
// tests/native/test_datasets.cpp): shapes, the listed class ranges, seeds, and readable refusals.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { load } from 'playgrad';

const pg = await load();

test('every listed dataset: [N, 2] points, labels by round robin, the same for the same seed', () => {
  const list = pg.data.toyDatasets();
  assert.deepEqual(list.map((d) => d.name), ['circle', 'xor', 'gaussians', 'spiral', 'moons', 'checkerboard', 'plane', 'wave']);
  for (const d of list) {
    const k = d.maxClasses || 0;
    const a = pg.data.toy(d.name, { points: 50, classes: k, noise: 0.1, seed: 4 });
    const b = pg.data.toy(d.name, { points: 50, classes: k, noise: 0.1, seed: 4 });
    assert.deepEqual(a.x.shape, [50, 2]);
    assert.deepEqual(a.y.shape, [50]);
    assert.deepEqual(a.x.toArray(), b.x.toArray());
    const y = a.y.toArray();
    if (k) y.forEach((v, i) => assert.equal(v, i % k, `${d.name} point ${i}`));
    for (const t of [a.x, a.y, b.x, b.y]) t.dispose();
  }
});

test('xor labels are the sign of x1·x2 (noise 0)', () => {
  const { x, y } = pg.data.toy('xor', { points: 100, seed: 2 });
  const xs = x.toArray();
  y.toArray().forEach((v, i) => assert.equal(v, xs[2 * i] * xs[2 * i + 1] >= 0 ? 0 : 1));
  x.dispose();
  y.dispose();
});

test('bad arguments: a PlaygradError naming the dataset and the value; the core keeps working', () => {
  assert.throws(() => pg.data.toy('donut'), { name: 'PlaygradError', message: /unknown dataset 'donut'/ });
  assert.throws(() => pg.data.toy('moons', { classes: 3 }), /'moons' has 2 classes \(got 3\)/);
  assert.throws(() => pg.data.toy('circle', { points: 1e9 }), /points must be in \[2, 1048576\]/);
  assert.throws(() => pg.data.toy('circle', { noise: Number.NaN }), /noise must be a finite number, got NaN/);
  assert.throws(() => pg.data.toy('circle', { noise: 2 }), /noise must be in \[0, 1\] \(got 2\)/);
  assert.throws(() => pg.data.toy(42), /name must be a string/);
  const { x, y } = pg.data.toy('circle', { points: 10 });
  assert.deepEqual(x.shape, [10, 2]);
  x.dispose();
  y.dispose();
});
