// The conv/pool kernels of the wasm build are SIMD: read from the kernel object file (which
// keeps function names), their bodies use f32x4/v128 instructions.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const kernelObject = `${root}build/wasm/CMakeFiles/playgrad_kernels.dir/core/src/kernels/kernels_conv_simd.cpp.o`;

test('the conv/pool/upsample kernels are SIMD', () => {
  assert.ok(existsSync(kernelObject), `${kernelObject} is missing: build first (npm run build)`);
  const text = execFileSync('wasm-objdump', ['-d', kernelObject], { maxBuffer: 1 << 30, encoding: 'utf8' });
  const fns = {};
  let name = null;
  for (const line of text.split('\n')) {
    const m = /^[0-9a-f]+ func\[\d+\] <(.+)>:$/.exec(line);
    if (m) fns[(name = m[1])] = '';
    else if (name) fns[name] += `${line}\n`;
  }
  const simdOps = (body) => (body.match(/\b(f32x4|v128|i32x4)\.\w+/g) ?? []).length;
  // pg::kernels::simd::<name>, including lambdas inlined or not (_ZZN... for local entities)
  // (conv2d_direct is conv2d_direct_prepare, the packing, then conv2d_direct_prepared, the sums.)
  for (const k of ['conv2d_direct_prepared', 'col2im', 'max_pool', 'max_pool_backward', 'avg_pool', 'avg_pool_backward',
    'upsample_nearest_backward', 'upsample_bilinear', 'upsample_bilinear_backward', 'depthwise',
    'depthwise_backward_input', 'depthwise_backward_weight']) {
    // The kernel, its lambdas, and the chunk functions the thread pool's run() instantiates for
    // them (run, or for_range; there pg::kernels::simd is a back-reference: _ZZN2pg8parallel9for_range...NS3_6col2imE...).
    const re = new RegExp(`^_ZZ?N2pg(7kernels4simd|8parallel(?:3run|9for_range).*4simd.*(?<![0-9]))${k.length}${k}E`);
    const names = Object.keys(fns).filter((f) => re.test(f));
    assert.ok(names.length > 0, `no function for ${k} in the kernel object`);
    const n = names.reduce((s, f) => s + simdOps(fns[f]), 0);
    assert.ok(n >= 2, `${k}: ${n} SIMD instructions`);
  }
  const all = Object.values(fns).join('');
  assert.ok(/f32x4\.add/.test(all) && /f32x4\.mul/.test(all), 'the kernels add and multiply with f32x4');
});
