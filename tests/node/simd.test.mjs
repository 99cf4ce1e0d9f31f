// The wasm build really is SIMD: its .wasm contains f32x4/v128 instructions, and the elementwise,
// reduction and matmul kernels themselves (read from the kernel object file, which keeps function
// names) are made of them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const wasm = `${root}wasm/build/playgrad_core.wasm`;
const kernelObject = `${root}build/wasm/CMakeFiles/playgrad_kernels.dir/core/src/kernels/kernels_simd.cpp.o`;

function disassemble(file) {
  assert.ok(existsSync(file), `${file} is missing: build first (npm run build)`);
  return execFileSync('wasm-objdump', ['-d', file], { maxBuffer: 1 << 30, encoding: 'utf8' });
}

// Splits wasm-objdump output into { functionName: body }.
function functions(text) {
  const out = {};
  let name = null;
  for (const line of text.split('\n')) {
    const m = /^[0-9a-f]+ func\[\d+\] <(.+)>:$/.exec(line);
    if (m) {
      name = m[1];
      out[name] = '';
    } else if (name) {
      out[name] += `${line}\n`;
    }
  }
  return out;
}

const simdOps = (body) => (body.match(/\b(f32x4|v128|i32x4)\.\w+/g) ?? []).length;

test('the built .wasm contains SIMD instructions', () => {
  const n = simdOps(disassemble(wasm));
  assert.ok(n > 100, `only ${n} SIMD instructions in ${wasm}`);
});

test('the elementwise, reduction and matmul kernels are SIMD', () => {
  const fns = functions(disassemble(kernelObject));
  const kernel = (pattern) => {
    const names = Object.keys(fns).filter((f) => pattern.test(f));
    assert.ok(names.length > 0, `no function matching ${pattern} in the kernel object`);
    return names.reduce((sum, f) => sum + simdOps(fns[f]), 0);
  };
  // Itanium-mangled names of pg::kernels::simd::<name>
  for (const [what, pattern] of [
    // (binary and unary split their range over the pool: their vector code is in the *_range
    // functions or inlined into the lambda each hands the pool, a function nested in theirs)
    ['binary (add/sub/mul/div)', /^_ZZ?N2pg7kernels4simd(L12binary_range|6binary)/],
    ['unary (exp, tanh, ...)', /^_ZZ?N2pg7kernels4simd(L11unary_range|5unary)/],
    ['sum', /^_ZN2pg7kernels4simd3sum/],
    ['max', /^_ZN2pg7kernels4simd3max/],
    ['softmax (softmax calls softmax_rows)', /^_ZN2pg7kernels4simd(7softmax|12softmax_rows)/],
    ['gemm', /^_ZN2pg7kernels4simd4gemm/],
  ]) {
    const n = kernel(pattern);
    assert.ok(n >= 4, `${what}: ${n} SIMD instructions`);
  }
  assert.ok(/f32x4\.mul/.test(Object.entries(fns).filter(([f]) => /4gemm/.test(f)).map(([, b]) => b).join('')),
    'gemm multiplies with f32x4.mul');
});
