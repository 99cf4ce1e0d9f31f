// The WebAssembly SIMD128 limit: independent f32x4 multiply and add chains, no loads or stores.
//
// 7 multiply chains square a vector of ones (m = m * m stays 1 exactly) and 7 add chains double a
// vector of zeros (a = a + a stays 0), so no value ever overflows or turns subnormal and no
// constant is needed in the loop: 14 accumulators fit V8's ~15 SIMD registers. 7 independent
// chains per pipe cover the 3-cycle latency of 2 multiply and 2 add pipes, so this runs at the
// machine's f32x4 throughput (2 multiplies + 2 adds per cycle = 16 flops per cycle). The 1 and 0
// come in as arguments so the compiler cannot fold the chains away.
// Built by bench/lib/peers.mjs: emcc -O3 -msimd128 --no-entry, no imports.
// Work of peak(iters, 1, 0): 14 f32x4 operations x 4 lanes = 56 flops per iteration.
#include <wasm_simd128.h>

__attribute__((export_name("peak"))) float peak(int iters, float one, float zero) {
  v128_t m0 = wasm_f32x4_splat(one), m1 = m0, m2 = m0, m3 = m0, m4 = m0, m5 = m0, m6 = m0;
  v128_t a0 = wasm_f32x4_splat(zero), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
  for (int i = 0; i < iters; ++i) {
    m0 = wasm_f32x4_mul(m0, m0); m1 = wasm_f32x4_mul(m1, m1); m2 = wasm_f32x4_mul(m2, m2);
    m3 = wasm_f32x4_mul(m3, m3); m4 = wasm_f32x4_mul(m4, m4); m5 = wasm_f32x4_mul(m5, m5);
    m6 = wasm_f32x4_mul(m6, m6);
    a0 = wasm_f32x4_add(a0, a0); a1 = wasm_f32x4_add(a1, a1); a2 = wasm_f32x4_add(a2, a2);
    a3 = wasm_f32x4_add(a3, a3); a4 = wasm_f32x4_add(a4, a4); a5 = wasm_f32x4_add(a5, a5);
    a6 = wasm_f32x4_add(a6, a6);
  }
  v128_t s = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(m0, m1), wasm_f32x4_add(m2, m3)),
                            wasm_f32x4_add(wasm_f32x4_add(m4, m5), m6));
  s = wasm_f32x4_add(s, wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3)),
                                       wasm_f32x4_add(wasm_f32x4_add(a4, a5), a6)));
  return wasm_f32x4_extract_lane(s, 0);  // 7: the chains were really computed
}
