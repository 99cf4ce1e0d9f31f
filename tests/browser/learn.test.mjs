// The learning API in a real page: the spiral model trains in Chromium with the same loss curve
// as the native build (build/native/learn.json), and a natively saved model predicts the same.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { openPage, useBrowser } from './harness.mjs';

const native = (name) => JSON.parse(readFileSync(new URL(`../../build/native/${name}`, import.meta.url), 'utf8'));

const env = useBrowser();

test('in the page: the spiral trains with the native loss curve; a native model predicts the same', async () => {
  const spiral = native('learn.json');
  const saved = native('learn.json.model');
  const { page, assertClean, context } = await openPage(env.browser, env.url);
  const result = await page.evaluate(async ({ model }) => {
    const { load } = await import('./lib/playgrad.mjs');
    const pg = await load();
    return pg.scope(() => {
      const { x, y } = pg.data.spiral(100, 3, 0);
      const m = pg.sequential([
        pg.layers.dense({ units: 64, activation: 'relu' }),
        pg.layers.dense({ units: 64, activation: 'relu' }),
        pg.layers.dense(3),
      ], { inputShape: [2], seed: 42 });
      m.compile({ optimizer: { kind: 'adam', lr: 0.01 }, loss: { kind: 'sparseCategoricalCrossEntropy', fromLogits: true }, metrics: ['accuracy'] });
      const h = m.fit(x, y, { epochs: 150, batchSize: 32, seed: 7 });
      const loaded = pg.loadModel(model.model);
      const [p0, p1] = loaded.predict([pg.tensor(model.x1, [7, 4]), pg.tensor(model.x2, [7, 4])]);
      return { loss: h.history.loss, accuracy: m.evaluate(x, y).accuracy, p0: Array.from(p0.toArray()), p1: Array.from(p1.toArray()) };
    });
  }, { model: saved });
  assert.deepEqual(result.loss, spiral.loss);
  assert.ok(result.accuracy >= 0.95);
  assert.deepEqual(result.p0, saved.pred0.map(Math.fround));
  assert.deepEqual(result.p1, saved.pred1.map(Math.fround));
  assertClean();
  await context.close();
});
