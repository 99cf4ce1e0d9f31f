// The peers a figure can be measured against, each loaded once and shared by every figure:
//   core       the Playgrad wasm build through its public JS API (wasm/playgrad.mjs): the
//              one-thread build; figures with a threads dimension (bench/run.mjs) also time the
//              threaded build at 1 and at more threads
//   tfjs-wasm  TensorFlow.js 4.22 + @tensorflow/tfjs-backend-wasm (XNNPACK, SIMD, 1 thread)
//   tfjs-cpu   TensorFlow.js 4.22's pure-JS cpu backend
//   ort-web    ONNX Runtime Web's wasm backend, 1 thread (models built in bench/lib/onnx.mjs)
//   native     this project's core compiled with g++ -O3 -march=native (bench/native/), the ceiling
//   peak       the measured WebAssembly SIMD128 peak (bench/native/simd128_peak.c), the limit
// Every .wasm is read from disk (node_modules or build/bench): nothing is downloaded.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const buildDir = join(root, 'build/bench');
const require = createRequire(import.meta.url);

// ---- core ---------------------------------------------------------------------------------------
// Two builds, each its own instance of wasm/playgrad.mjs (load() keeps one core per module
// instance): 'one-thread' (load({ threads: false }), what every page runs on its main thread, and
// the build the main table measures) and 'threaded' (the pthreads build a training worker and Node
// run, timed by bench/run.mjs at 1 and at N threads for the threads table). core() returns the
// build chosen by useCoreBuild(), so a figure's setup, run again after the switch, binds to it.
const cores = new Map();
let build = 'one-thread';
export function useCoreBuild(name) {
  if (name !== 'one-thread' && name !== 'threaded') throw new Error(`bench: no core build '${name}'`);
  build = name;
}
export function core() {
  if (!cores.has(build)) {
    const url = new URL(`../../wasm/playgrad.mjs?${build}`, import.meta.url).href;
    const options = build === 'threaded' ? {} : { threads: false };
    cores.set(build, import(url).then(async (m) => {
      const pg = await m.load(options);
      pg.setThreads(1); // bench/run.mjs raises it for the threads rows
      return pg;
    }));
  }
  return cores.get(build);
}

// ---- TensorFlow.js ------------------------------------------------------------------------------
let tfPromise = null;
async function loadTf() {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
  // File paths: in Node the Emscripten loader reads them with fs.
  wasm.setWasmPaths({
    'tfjs-backend-wasm.wasm': join(dist, 'tfjs-backend-wasm.wasm'),
    'tfjs-backend-wasm-simd.wasm': join(dist, 'tfjs-backend-wasm-simd.wasm'),
    'tfjs-backend-wasm-threaded-simd.wasm': join(dist, 'tfjs-backend-wasm-threaded-simd.wasm'),
  });
  wasm.setThreadsCount(1);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not initialize');
  if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) throw new Error('tfjs-wasm: no SIMD');
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs: the cpu backend did not initialize');
  return tf;
}
/** TensorFlow.js with `backend` ('wasm' or 'cpu') active. Call again before using it. */
export async function tfjs(backend) {
  tfPromise ??= loadTf();
  const tf = await tfPromise;
  if (tf.getBackend() !== backend) await tf.setBackend(backend);
  return tf;
}

// ---- ONNX Runtime Web ---------------------------------------------------------------------------
let ortPromise = null;
export function ort() {
  ortPromise ??= import('onnxruntime-web').then((m) => {
    const o = m.default ?? m;
    o.env.wasm.numThreads = 1;
    o.env.wasm.simd = true;
    o.env.logLevel = 'error';
    return o;
  });
  return ortPromise;
}

// ---- builds of the native ceiling and the SIMD128 peak -------------------------------------------
function newest(files) {
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}
function sources(dir, ext) {
  return readdirSync(dir, { recursive: true }).filter((f) => ext.some((e) => f.endsWith(e))).map((f) => join(dir, f));
}
function stale(target, deps) {
  return !existsSync(target) || statSync(target).mtimeMs < newest(deps);
}

/** Builds (when its sources changed) and returns the path of the native bench binary. */
export function nativeBinary() {
  mkdirSync(buildDir, { recursive: true });
  const bin = join(buildDir, 'bench_native');
  const srcs = [...sources(join(root, 'core/src'), ['.cpp']), join(root, 'bench/native/bench_native.cpp')];
  const deps = [...srcs, ...sources(join(root, 'core/src'), ['.h']),
    ...sources(join(root, 'core/include/playgrad'), ['.h'])];
  if (stale(bin, deps)) {
    process.stderr.write('bench: building the native ceiling (g++ -O3 -march=native)...\n');
    execFileSync('g++', ['-std=c++17', '-O3', '-march=native', '-ffp-contract=off', '-fno-fast-math',
      '-DNDEBUG', `-I${join(root, 'core/include')}`, `-I${join(root, 'core/src')}`, ...srcs, '-o', bin], { stdio: 'inherit' });
  }
  return bin;
}

/** Builds (when changed) and instantiates the SIMD128 peak module; returns its peak(iters, ...). */
export async function peakModule() {
  mkdirSync(buildDir, { recursive: true });
  const out = join(buildDir, 'simd128_peak.wasm');
  const src = join(root, 'bench/native/simd128_peak.c');
  if (stale(out, [src])) {
    process.stderr.write('bench: building the SIMD128 peak kernel (emcc -O3 -msimd128)...\n');
    execFileSync('emcc', ['-O3', '-msimd128', '--no-entry', src, '-o', out], {
      stdio: 'inherit',
      env: { ...process.env, NODE_PATH: ['/usr/share/nodejs', process.env.NODE_PATH].filter(Boolean).join(':') },
    });
  }
  const { instance } = await WebAssembly.instantiate(readFileSync(out), {});
  return (iters) => {
    const r = instance.exports.peak(iters, 1, 0);
    if (r !== 7) throw new Error(`simd128 peak: expected 7, got ${r}`);
  };
}
/** Floating-point operations of one peak(iters) call: 14 f32x4 ops x 4 lanes per iteration. */
export const peakFlops = (iters) => 56 * iters;

/**
 * Runs the native ceiling for one case. The binary builds the same seeded inputs as the JS core
 * (pg::Tensor::rand), times `spec` (warm-up, then samples of >= minSampleMs) and writes its result
 * to a .f32 file for the correctness check. Returns { samplesMs, result }.
 */
export function runNative(spec, { samples, minSampleMs }) {
  const bin = nativeBinary();
  const outFile = join(buildDir, `${spec.replace(/[^a-z0-9]+/gi, '_')}.f32`);
  const text = execFileSync(bin, [spec, String(samples), String(minSampleMs), outFile], { encoding: 'utf8' });
  const { samples_ms: samplesMs } = JSON.parse(text);
  const buf = readFileSync(outFile);
  return { samplesMs, result: new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4) };
}

/** The SIMD128 peak as an implementation (no result to check): iterations sized like `flops`. */
export async function peakImpl(flops) {
  const peak = await peakModule();
  const iters = Math.max(1000, Math.round(flops / 56));
  return { run: () => peak(iters), flops: peakFlops(iters) };
}
