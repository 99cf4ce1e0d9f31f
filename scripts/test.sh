#!/usr/bin/env bash
# Runs every test level: native (GoogleTest via ctest), node (node --test against the wasm build),
# browser (headless Chromium via playwright-core), soak (long sessions), sanitize (the native suite again under
# ASan + UBSan) and fuzz (each libFuzzer target: its committed corpus replayed, then a fixed-seed run
# of a fixed number of inputs, so the same commit gives the same answer).
# `scripts/test.sh node` runs one level.
set -euo pipefail
cd "$(dirname "$0")/.."
level=${1:-all}
# Each level prints how long it took (CI's budget is the sum: keep it well under 30 minutes).
took() { echo "== $1 took $((SECONDS - $2)) s"; }

if [ "$level" = all ] || [ "$level" = native ]; then
  echo "== native tests (ctest)"
  t0=$SECONDS
  ctest --test-dir build/native --output-on-failure -j2
  took native "$t0"
fi
# The node and browser levels compare the wasm build with files the native tests write
# (build/native/parity.json, learn.json, learn.json.model, vision_layers.json).
# Run alone, they first (re)make those files when any is missing or older than the native test
# binary; `all` runs the native level first anyway.
fixtures_fresh() {
  local f
  for f in parity.json learn.json learn.json.model vision_layers.json; do
    [ -f "build/native/$f" ] && [ ! "build/native/playgrad_tests" -nt "build/native/$f" ] || return 1
  done
}
if { [ "$level" = node ] || [ "$level" = browser ]; } && ! fixtures_fresh; then
  echo "== native tests (they write the files the $level level compares against)"
  ctest --test-dir build/native --output-on-failure -j2
fi
if [ "$level" = all ] || [ "$level" = node ]; then
  echo "== node tests (wasm build)"
  t0=$SECONDS
  # Two files at once on two cores: each core instance defaults to one thread (docs/threads.md);
  # tests/node/threads.test.mjs sets 1, 2 and 3 threads itself.
  PLAYGRAD_THREADS=1 node --test --test-reporter=spec --test-concurrency=2 $(ls tests/node/*.test.mjs | grep -v '/soak')
  took node "$t0"
fi
if [ "$level" = all ] || [ "$level" = browser ]; then
  echo "== browser tests (headless Chromium)"
  # Two files at a time: each file has its own server (a free port) and its own Chromium, and
  # most of a test's time is a page loading its modules and compiling the core.
  t0=$SECONDS
  node --test --test-reporter=spec --test-concurrency=2 $(ls tests/browser/*.test.mjs | grep -v '/soak')
  took browser "$t0"
fi
if [ "$level" = all ] || [ "$level" = soak ]; then
  # Long sessions, at the test level's fixed bounds: 3,000 random lesson computes in Node, 30 s of
  # the optimizers lesson animating + 8 s of the softmax lesson + 10 cycles of the playground
  # training and scrubbing in Chromium. `npm run soak` (SOAK=long) runs the long bounds: 100,000
  # computes or 5 minutes, 120 s + 30 s, and 5 minutes of playground training and scrubbing.
  # Two files at a time: the Node soak keeps one core busy while a browser soak animates for a
  # fixed time; each asserts flat heaps, which do not depend on how fast it ran.
  echo "== soak tests (long sessions)"
  t0=$SECONDS
  node --test --test-reporter=spec --test-concurrency=2 tests/node/soak*.test.mjs tests/browser/soak*.test.mjs
  took soak "$t0"
fi
if [ "$level" = all ] || [ "$level" = sanitize ]; then
  # The suite's binary in two processes (ctest would start 181 sanitized processes), from the
  # tree the fuzz level uses too (preset `sanitize`: clang, ASan + UBSan).
  echo "== native tests under AddressSanitizer + UBSan"
  t0=$SECONDS
  [ -f build/sanitize/CMakeCache.txt ] || cmake --preset sanitize >/dev/null
  cmake --build build/sanitize -j2
  # Two shards of the suite at once (GoogleTest's own sharding), one per core; either failing
  # fails the level.
  (
    cd build/sanitize
    pids=()
    for shard in 0 1; do
      GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=$shard ASAN_OPTIONS=detect_leaks=1 \
        ./playgrad_tests --gtest_brief=1 &
      pids+=($!)
    done
    status=0
    for pid in "${pids[@]}"; do wait "$pid" || status=1; done
    exit "$status"
  )
  took sanitize "$t0"
fi
if [ "$level" = all ] || [ "$level" = fuzz ]; then
  # Deterministic: the committed corpus replayed, then FUZZ_RUNS inputs per target with FUZZ_SEED
  # (scripts/fuzz.sh --fixed). Long random fuzzing is `npm run fuzz`, not a test level.
  echo "== fuzzing (libFuzzer, ASan + UBSan; committed corpus + a fixed-seed run of fixed length)"
  t0=$SECONDS
  bash scripts/fuzz.sh --fixed
  took fuzz "$t0"
fi
