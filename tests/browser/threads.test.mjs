// Threads in the browser (docs/threads.md): the served page (npm start's server sends COOP/COEP)
// is cross-origin isolated; its own core is the one-thread build (web/app.mjs says why) and the
// lessons' training worker runs the threaded core on the machine's threads, with the same bits at
// 1 and 2 threads. The single file dist/playgrad.html from file:// runs the one-thread core
// everywhere. Both are ready with no console error.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkSharedUrl, checkSingleFile, useBrowser } from './harness.mjs';

const READY = '[data-lesson="neuron"][data-state="ready"]';
const shown = (page) => page.$eval('#core-info', (e) => ({
  page: Number(e.dataset.threads), worker: Number(e.dataset.workerThreads), text: e.textContent,
}));

const env = useBrowser();

test('the served page is cross-origin isolated: one thread in the page, the machine\'s threads in the training worker', async () => {
  await checkSharedUrl(env, {
    hash: '#/neuron',
    ready: READY,
    check: async (page) => {
      await page.waitForSelector('#core-info[data-threads]');
      const r = await page.evaluate(async () => {
        const { load } = await import('./lib/playgrad.mjs');
        const pg = await load(); // the page's core, loaded by app.mjs
        return { isolated: globalThis.crossOriginIsolated, threads: pg.threads(), maxThreads: pg.maxThreads(),
          cores: navigator.hardwareConcurrency };
      });
      assert.equal(r.isolated, true);
      assert.equal(r.threads, 1);
      assert.equal(r.maxThreads, 1);
      const s = await shown(page);
      assert.equal(s.page, 1);
      assert.equal(s.worker, Math.min(r.cores, 16));
      assert.match(s.text, /one thread in the page, (\d+ threads|one thread) for training/);
    },
    // The lessons' training worker (web/session-worker.mjs) runs the threaded core.
    then: async (page) => {
      const expected = (await shown(page)).worker;
      await page.goto(`${env.url}#/playground`);
      await page.waitForSelector('[data-lesson="playground"][data-state="ready"]', { timeout: 60000 });
      let worker = null;
      for (let i = 0; i < 100 && !worker; i++) {
        worker = page.workers().find((w) => w.url().endsWith('/session-worker.mjs'));
        if (!worker) await page.waitForTimeout(100);
      }
      assert.ok(worker, 'no training worker started');
      const w = await worker.evaluate(async () => {
        const { load } = await import(`${location.origin}/lib/playgrad.mjs`);
        const pg = await load(); // the worker's own core, already loaded by its session
        // the same bits at 1 and 2 threads (a product large enough to be split)
        const run = (n) => pg.scope(() => {
          pg.setThreads(n);
          const y = pg.matmul(pg.randn([256, 300], 1), pg.randn([300, 280], 2));
          return Array.from(new Uint32Array(y.toArray().buffer));
        });
        const saved = pg.threads();
        const one = run(1), two = run(2);
        pg.setThreads(saved);
        return { isolated: self.crossOriginIsolated, threads: saved, maxThreads: pg.maxThreads(),
          same: one.length > 0 && one.every((v, i) => v === two[i]) };
      });
      assert.equal(w.isolated, true);
      assert.equal(w.threads, expected);
      assert.ok(w.maxThreads >= w.threads);
      assert.equal(w.same, true, 'matmul: 2 threads give other bits than 1');
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      if (cores > 1) assert.ok(w.threads > 1, `${cores} cores but ${w.threads} thread`);
    },
  });
});

test('dist/playgrad.html from file:// runs the one-thread core', async () => {
  await checkSingleFile(env, {
    hash: '#/neuron',
    ready: READY,
    check: async (page) => {
      await page.waitForSelector('#core-info[data-threads]');
      const s = await shown(page);
      assert.equal(s.page, 1);
      assert.equal(s.worker, 1);
      assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), false);
    },
  });
});
