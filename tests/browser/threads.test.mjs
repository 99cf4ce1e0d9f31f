// Threads in the browser (docs/threads.md): the served page (npm start's server sends COOP/COEP)
// is cross-origin isolated and runs the threaded core with more than one thread, in the page and
// in the lessons' training worker, with the same bits at 1 and 2 threads; the
// single file dist/playgrad.html from file:// runs the one-thread core. Both are ready with no
// console error.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkSharedUrl, checkSingleFile, useBrowser } from './harness.mjs';

const READY = '[data-lesson="neuron"][data-state="ready"]';
const threadsShown = (page) => page.$eval('#core-info', (e) => Number(e.dataset.threads));

const env = useBrowser();

test('the served page is cross-origin isolated and runs the core on the machine\'s threads, page and worker alike', async () => {
  await checkSharedUrl(env, {
    hash: '#/neuron',
    ready: READY,
    check: async (page) => {
      await page.waitForSelector('#core-info[data-threads]');
      const r = await page.evaluate(async () => {
        const { load } = await import('./lib/playgrad.mjs');
        const pg = await load();
        // the same bits at 1 and 2 threads (a product large enough to be split)
        const run = (n) => pg.scope(() => {
          pg.setThreads(n);
          const y = pg.matmul(pg.randn([256, 300], 1), pg.randn([300, 280], 2));
          return Array.from(new Uint32Array(y.toArray().buffer));
        });
        const saved = pg.threads();
        const one = run(1), two = run(2);
        pg.setThreads(saved);
        return {
          isolated: globalThis.crossOriginIsolated, threads: pg.threads(), maxThreads: pg.maxThreads(),
          cores: navigator.hardwareConcurrency, same: one.length > 0 && one.every((v, i) => v === two[i]),
        };
      });
      assert.equal(r.isolated, true);
      assert.equal(r.threads, Math.min(r.cores, 16));
      assert.equal(await threadsShown(page), r.threads);
      assert.ok(r.maxThreads >= r.threads);
      assert.equal(r.same, true, 'matmul: 2 threads give other bits than 1');
      if (r.cores > 1) assert.ok(r.threads > 1, `${r.cores} cores but ${r.threads} thread`);
    },
    // The lessons' training worker (web/session-worker.mjs) runs the threaded core too.
    then: async (page) => {
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
        return { isolated: self.crossOriginIsolated, threads: pg.threads() };
      });
      assert.equal(w.isolated, true);
      assert.equal(w.threads, await page.evaluate(() => Math.min(navigator.hardwareConcurrency, 16)));
    },
  });
});

test('dist/playgrad.html from file:// runs the one-thread core', async () => {
  await checkSingleFile(env, {
    hash: '#/neuron',
    ready: READY,
    check: async (page) => {
      await page.waitForSelector('#core-info[data-threads]');
      assert.equal(await threadsShown(page), 1);
      assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), false);
    },
  });
});
