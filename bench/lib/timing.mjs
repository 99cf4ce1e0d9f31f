// Timing and checking: warm-up, calibrated samples interleaved across peers, min and median.
//
// V8 compiles wasm in tiers (Liftoff first, TurboFan later), so every implementation is first
// run until WARMUP_MS have passed; that also calibrates how many calls make one sample (at least
// MIN_SAMPLE_MS, so the timer's resolution does not matter). Samples are then taken in rounds,
// one sample per implementation per round, so that noise from the shared machine falls on every
// peer alike and the ratios of one run stay fair.

// threadRounds and threadSampleMs: the rounds and the least sample length of the threaded build's
// pair (1 thread and N threads, bench/run.mjs), more than a peer's: a many-thread sample also
// depends on the second core, the noisier figure.
//
// threadWarmupMs: the threaded pair's longer warm-up (tierUp below), its two sides in turn. V8
// tiers a wasm function up to TurboFan once it has run enough, compiling it on background
// threads, and a 1 MB module's hot functions keep them busy for seconds (bench/README.md: about
// 37% of a core in the first second of the small CNN step, load included, under 1% from the
// seventh). That compiling takes a core from the N-thread samples only (they need every core),
// so it lowers a speed-up it does not belong to.
export const settings = { warmupMs: 300, minSampleMs: 15, rounds: 9, threadRounds: 15, threadSampleMs: 50, threadWarmupMs: 3000 };

// The second-core gauge of a threads target (bench/run.mjs, bench/figures/threads-browser.mjs):
// matmul n x n on the threaded build at 1 and at N threads, timed in the same rounds as the pair
// it stands beside. Its work splits into tiles that share no output and no input worth moving,
// so when the host gives the process N cores it runs about N times as fast or more (2.0-2.2x on
// 2 threads here at quiet moments, above 2 from the second core's own cache); well below that, a
// core was busy with other work during those rounds, and the pair's ratio measures the host as
// much as the code. Printed beside the pair, not used to judge it.
export const gauge = { n: 256 };

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function callMany(run, n, isAsync) {
  const t0 = performance.now();
  if (isAsync) for (let i = 0; i < n; i++) await run();
  else for (let i = 0; i < n; i++) run();
  return performance.now() - t0;
}

/** Warms `impl` up and returns how many calls make one sample. */
export async function warmUp(impl) {
  await impl.activate?.();
  let calls = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < settings.warmupMs || calls < 3) {
    await callMany(impl.run, 1, impl.async);
    calls++;
  }
  const perCall = (performance.now() - t0) / calls;
  return Math.max(1, Math.round(settings.minSampleMs / perCall));
}

/** Runs the implementations in turns of about 100 ms each until `ms` have passed (tier-up). */
export async function tierUp(impls, ms = settings.threadWarmupMs) {
  const t0 = performance.now();
  for (let k = 0; performance.now() - t0 < ms; k++) {
    const impl = impls[k % impls.length];
    await impl.activate?.();
    const t1 = performance.now();
    do await callMany(impl.run, 1, impl.async); while (performance.now() - t1 < 100);
  }
}

/** Times the implementations in interleaved rounds; returns per-call sample times (ms) for each. */
export async function timeRounds(impls, rounds = settings.rounds) {
  const samples = impls.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < impls.length; i++) {
      const impl = impls[i];
      await impl.activate?.();
      samples[i].push((await callMany(impl.run, impl.calls, impl.async)) / impl.calls);
    }
  }
  return samples;
}

/**
 * max |got - want| / max(1, max |want|): the error of a peer's result relative to the core's,
 * scaled by the size of the numbers. NaN or a length mismatch counts as an infinite error.
 */
export function relError(got, want) {
  if (!got || got.length !== want.length) return Infinity;
  let scale = 1;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  let err = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= err)) err = Number.isNaN(d) ? Infinity : d;
  }
  return err / scale;
}
