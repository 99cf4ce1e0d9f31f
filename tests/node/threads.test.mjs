// The threaded core in Node (docs/threads.md): it loads with a pool, setThreads checks its
// argument, and a matmul, conv2d with both gradients, CNN steps and an MLP fit give the same raw
// bits at 1, 2 and 3 threads and in the one-thread build (a child process). The long training runs
// are native (tests/native/test_parallel.cpp); these are short.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { load } from 'playgrad';
import { work } from './threads-work.mjs';

// A pool of at least 3 threads whatever the machine (load's default is the machine's cores).
const pg = await load({ threads: Math.max(3, Math.min(os.availableParallelism(), 16)) });

test('Node loads the threaded core with the pool asked for', () => {
  assert.equal(pg.maxThreads(), Math.max(3, Math.min(os.availableParallelism(), 16)));
  assert.equal(pg.threads(), pg.maxThreads());
});

test('setThreads clamps to the pool and rejects what is not an integer >= 1', () => {
  const saved = pg.threads();
  try {
    pg.setThreads(2);
    assert.equal(pg.threads(), 2);
    pg.setThreads(1000);
    assert.equal(pg.threads(), pg.maxThreads());
    for (const bad of [0, -1, 1.5, NaN, Infinity]) {
      assert.throws(() => pg.setThreads(bad), { name: 'PlaygradError', message: `setThreads: n must be an integer >= 1, got ${bad}` });
    }
    assert.throws(() => pg.setThreads('2'), { name: 'PlaygradError', message: 'setThreads: n must be an integer >= 1, got string' });
    assert.equal(pg.threads(), pg.maxThreads());
  } finally {
    pg.setThreads(saved);
  }
});

// Core errors arrive with the core's own message: the threaded build's C++ catch clauses match by
// type (wasm/mt/wasm_lpad_context.cpp; without it every error was "unknown C++ exception"), in the
// bindings' guard() and inside the core (fit's catch of AnomalyError, the JSON loaders').
test('the threaded core\'s errors carry the core\'s messages, and typed catches inside the core match', () => {
  assert.throws(() => pg.matmul(pg.zeros([2, 3]), pg.zeros([4, 5])),
    { name: 'PlaygradError', message: 'matmul: shapes [2,3] and [4,5] do not align' });
  assert.throws(() => pg.conv2d(pg.zeros([1, 4, 4, 1]), pg.zeros([3, 3, 2, 1])),
    { name: 'PlaygradError', message: 'conv2d: filter [3,3,2,1] expects 2 input channels but the input [1,4,4,1] has 1' });
  assert.throws(() => pg.loadModel('{"layers": 7'),
    { name: 'PlaygradError', message: /^loadModel: invalid JSON \(\[json\.exception\.parse_error\.101\]/ });
  assert.equal(pg.add(pg.ones([2]), pg.ones([2])).toArray()[0], 2, 'the core keeps working');
});

test('matmul, conv2d and its gradients, CNN steps and an MLP fit: the same bits at 1, 2, 3 threads and in the one-thread build', () => {
  const saved = pg.threads();
  const runs = {};
  try {
    for (const n of [1, 2, 3]) {
      pg.setThreads(n);
      runs[n] = work(pg);
    }
  } finally {
    pg.setThreads(saved);
  }
  const child = JSON.parse(execFileSync(process.execPath,
    [fileURLToPath(new URL('./threads-work.mjs', import.meta.url))], { encoding: 'utf8' }));
  assert.equal(child.threads, 1, 'load({ threads: false }) runs the one-thread build');
  assert.equal(child.maxThreads, 1);
  // conv2d's fused max pooling has the bits of maxPool2d on its output (ops/conv.h)
  assert.equal(runs[1].cnnPooled, runs[1].cnnFused, 'the pooled steps differ from conv2d then maxPool2d');
  for (const key of ['matmul', 'conv2d', 'cnn', 'cnnFused', 'cnnPooled', 'mlp']) {
    assert.ok(!runs[1][key].startsWith('0:'), `${key}: no values`);
    assert.equal(runs[2][key], runs[1][key], `${key}: 2 threads differ from 1`);
    assert.equal(runs[3][key], runs[1][key], `${key}: 3 threads differ from 1`);
    assert.equal(child.results[key], runs[1][key], `${key}: the one-thread build differs`);
  }
});

test('PLAYGRAD_THREADS sets the default thread count in Node; a bad value is a clear error', () => {
  const script = "import('playgrad').then(async ({ load }) => { try { const pg = await load(); console.log(JSON.stringify([pg.threads(), pg.maxThreads()])); } catch (e) { console.log(JSON.stringify(e.message)); } })";
  const run = (value) => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script],
    { encoding: 'utf8', env: { ...process.env, PLAYGRAD_THREADS: value }, cwd: fileURLToPath(new URL('../..', import.meta.url)) }));
  const [threads, max] = run('1');
  assert.equal(threads, 1);
  assert.equal(max, Math.min(os.availableParallelism(), 16), 'the pool is still the machine\'s size');
  assert.deepEqual(run('3')[0], 3);
  assert.equal(run('two'), "load: PLAYGRAD_THREADS must be an integer >= 1, got 'two'");
  assert.equal(run('0'), "load: PLAYGRAD_THREADS must be an integer >= 1, got '0'");
});
