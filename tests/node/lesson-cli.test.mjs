// The CLI (scripts/cli.mjs, package.json "bin": npx playgrad lesson <id> ...): prints a lesson's
// numbers from its pure compute(); flags are validated by the same setting declarations.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { LESSONS } from '../../lessons/index.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = (...args) => spawnSync(process.execPath, [`${root}scripts/cli.mjs`, ...args], { encoding: 'utf8', cwd: root });

test('package.json exposes the CLI as the playgrad bin', () => {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
  assert.equal(pkg.bin.playgrad, 'scripts/cli.mjs');
  assert.match(readFileSync(`${root}scripts/cli.mjs`, 'utf8'), /^#!\/usr\/bin\/env node/);
});

test('lesson softmax prints the step-by-step numbers', () => {
  const r = cli('lesson', 'softmax');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /softmax of 3 logits at temperature T = 1, true class 1/);
  assert.match(r.stdout, /\n\s+1\s+2\.0000\s+2\.0000\s+0\.0000\s+1\.0000\s+0\.6590/);
  assert.match(r.stdout, /cross-entropy L = -log p_y = 0\.4170/);
});

test('--json gives the numbers, keeping Infinity and NaN from the naive overflow', () => {
  const r = cli('lesson', 'softmax', '--z', '0,-1', '--large', '--y', '2', '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.settings, { z: [0, -1], t: 1, large: true, y: 2, convention: 'keras' });
  assert.deepEqual(out.result.naive.exp, ['Infinity', 'Infinity']);
  assert.deepEqual(out.result.naive.p, ['NaN', 'NaN']);
  assert.ok(Math.abs(out.result.p[0] - 0.7310586) < 1e-6);
  assert.ok(Math.abs(out.result.loss - 1.3132617) < 1e-5); // -log 0.2689414
  // --name=value works too.
  assert.equal(cli('lesson', 'softmax', '--t=2', '--json').status, 0);
});

test('bad flags are errors (exit 2) that say what is expected', () => {
  let r = cli('lesson', 'softmax', '--t', '0');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Temperature T \(t=0\) is not valid: expected a number from 0\.1 to 10\./);
  r = cli('lesson', 'softmax', '--temperature', '2');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown setting --temperature for lesson softmax \(settings: --z --t --large --y\)/);
  r = cli('lesson', 'softmax', '--z', '1,2', '--y', '3');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /expected a whole number from 1 to 2/);
  r = cli('lesson', 'nope');
  assert.equal(r.status, 2);
  assert.match(r.stderr, new RegExp(`no lesson 'nope' \\(lessons: ${LESSONS.map((l) => l.id).join(', ')}\\)`));
  r = cli();
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage: playgrad lesson <id>/);
});

test('--help lists the settings from their declarations; lessons lists the lessons', () => {
  const r = cli('lesson', 'softmax', '--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /--t\s+Temperature T \(number \[0\.1, 10\]; default 1\)/);
  assert.deepEqual(cli('lessons').stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/)[0]), LESSONS.map((l) => l.id));
  assert.match(cli('lessons').stdout, /^softmax\s+Softmax: /m);
  assert.match(cli('lessons').stdout, /^gradient-descent Gradient descent: /m);  // the longest id: one space
});
