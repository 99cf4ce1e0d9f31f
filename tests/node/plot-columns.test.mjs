// web/plot.mjs columnExtremes: a long curve (thousands of epochs) is drawn through each pixel
// column's first, lowest, highest and last points, so the line covers the same columns and the
// same extremes as the full one; short, unsorted and gapped curves keep what they need.
import assert from 'node:assert/strict';
import test from 'node:test';

import { columnExtremes } from '../../web/plot.mjs';

const X = (v) => 40 + (v / 5000) * 300; // 5000 epochs across a 300-px plot starting at x = 40
const columns = (pts) => {
  const m = new Map();
  for (const [a, b] of pts) {
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    const c = Math.floor(X(a));
    const [lo, hi] = m.get(c) ?? [Infinity, -Infinity];
    m.set(c, [Math.min(lo, b), Math.max(hi, b)]);
  }
  return m;
};

test('a long curve keeps, in order, every column with its lowest and highest point and both ends', () => {
  const pts = Array.from({ length: 5000 }, (_, i) => [i + 1, Math.sin(i / 50) + ((i * 7919) % 13) / 13]);
  const d = columnExtremes(pts, X, 300);
  assert.ok(d.length <= 4 * 301, `${d.length} points for 300 columns`);
  assert.deepEqual(columns(d), columns(pts));
  assert.equal(d[0], pts[0]);
  assert.equal(d.at(-1), pts.at(-1));
  for (let i = 1; i < d.length; i++) assert.ok(d[i][0] >= d[i - 1][0], `x goes back at ${i}`);
  assert.ok(d.every((p) => pts.includes(p)), 'only points of the curve');
});

test('short curves, curves not sorted by x, and gaps', () => {
  const short = Array.from({ length: 1200 }, (_, i) => [i, i % 7]);
  assert.equal(columnExtremes(short, X, 300), short); // 4 per column or fewer: drawn as given
  const back = Array.from({ length: 2000 }, (_, i) => [2000 - i, i]);
  assert.equal(columnExtremes(back, X, 300), back);
  const gapped = Array.from({ length: 3000 }, (_, i) => [i, i === 1500 ? NaN : Math.cos(i)]);
  const d = columnExtremes(gapped, X, 300);
  assert.ok(d.length < gapped.length);
  assert.ok(d.some((p) => Number.isNaN(p[1])), 'the gap is kept (the pen lifts there)');
  assert.deepEqual(columns(d), columns(gapped));
});
