// The TypeScript declarations (wasm/playgrad.d.ts) type-check a program that uses the API.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('playgrad.d.ts type-checks the API usage', () => {
  const tsc = `${root}node_modules/typescript/bin/tsc`;
  const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', '--types', 'node', `${root}tests/node/types/usage.ts`];
  try {
    execFileSync(process.execPath, [tsc, ...args], { cwd: root, encoding: 'utf8' });
  } catch (e) {
    assert.fail(`tsc reported errors:\n${e.stdout}${e.stderr}`);
  }
});
