// The canvas charts lessons draw with (web/plot.mjs): bars and curves land where their values
// say, in the theme's colours, once per animation frame.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openPage, useBrowser } from './harness.mjs';

const env = useBrowser();

test('BarChart and LineChart draw their data', async () => {
  const { page, context, assertClean } = await openPage(env.browser, `${env.url}#/`, { deviceScaleFactor: 1 });
  await page.waitForSelector('.cards a');
  const r = await page.evaluate(async () => {
    const { BarChart, LineChart } = await import('./plot.mjs');
    const make = () => {
      const c = document.createElement('canvas');
      c.style.cssText = 'display:block;width:400px;height:200px';
      document.body.append(c);
      return c;
    };
    const frame = () => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
    const alphaAt = (c, x, y) => c.getContext('2d').getImageData(x, y, 1, 1).data[3];
    const rgbAt = (c, x, y) => Array.from(c.getContext('2d').getImageData(x, y, 1, 1).data.slice(0, 3));

    // Bars: padL 34, padR 8, padT 18, padB 22 -> plot 358 x 160; two slots of 179 px.
    const bc = make();
    const bars = new BarChart(bc, { min: 0, max: 1 });
    let draws = 0;
    const orig = bars.draw.bind(bars);
    bars.draw = (...a) => { draws++; orig(...a); };
    bars.set([{ label: 'a', value: 0.75, highlight: false }, { label: 'b', value: 0.25, highlight: true }]);
    bars.set([{ label: 'a', value: 0.75, highlight: false }, { label: 'b', value: 0.25, highlight: true }]);
    await frame();
    const drawsFirst = draws;
    // flush() draws what set() scheduled at once, and the scheduled frame then draws nothing.
    bars.set([{ label: 'a', value: 0.75, highlight: false }, { label: 'b', value: 0.25, highlight: true }]);
    bars.flush();
    const drawsFlushed = draws;
    bars.flush();
    await frame();
    const x1 = 34 + 179 * 0.5, x2 = 34 + 179 * 1.5;
    const yOf = (v) => 18 + 160 * (1 - v);
    const bar = {
      draws: drawsFirst, drawsFlushed, drawsAfter: draws,
      aInside: alphaAt(bc, x1, yOf(0.7)), aAbove: alphaAt(bc, x1 + 10, yOf(0.92)),
      bInside: alphaAt(bc, x2, yOf(0.2)), bAbove: alphaAt(bc, x2 + 10, yOf(0.4)),
      aColor: rgbAt(bc, x1, yOf(0.5)), bColor: rgbAt(bc, x2, yOf(0.1)),
      accent: getComputedStyle(bc).getPropertyValue('--accent').trim(),
    };

    // A line y = x from (0,0) to (1,1): padL 40, padR 10, padT 10, padB 26 -> 350 x 164.
    const lc = make();
    const line = new LineChart(lc, { xmin: 0, xmax: 1, ymin: 0, ymax: 1 });
    line.set({ series: [{ points: [[0, 0], [1, 1]], width: 3 }], markers: [{ x: 0.25, y: 0.75 }] });
    await frame();
    const X = (v) => 40 + 350 * v, Y = (v) => 10 + 164 * (1 - v);
    return {
      bar,
      onLine: alphaAt(lc, X(0.5), Y(0.5)),
      offLine: alphaAt(lc, X(0.5), Y(0.2)),
      marker: alphaAt(lc, X(0.25), Y(0.75)),
    };
  });
  assert.equal(r.bar.draws, 1, 'two set() calls in one frame draw once');
  assert.equal(r.bar.drawsFlushed, 2, 'flush() draws what set() scheduled at once');
  assert.equal(r.bar.drawsAfter, 2, 'after flush() (twice), the scheduled frame draws nothing more');
  assert.ok(r.bar.aInside > 0 && r.bar.bInside > 0, 'bars drawn up to their values');
  assert.equal(r.bar.aAbove, 0, 'nothing above bar a');
  assert.equal(r.bar.bAbove, 0, 'nothing above bar b');
  assert.equal(`#${r.bar.aColor.map((v) => v.toString(16).padStart(2, '0')).join('')}`, r.bar.accent);
  assert.notDeepEqual(r.bar.aColor, r.bar.bColor, 'the highlighted bar has another colour');
  assert.ok(r.onLine > 0, 'the curve passes through (0.5, 0.5)');
  assert.equal(r.offLine, 0);
  assert.ok(r.marker > 0, 'the marker is drawn');
  assertClean();
  await context.close();
});
