#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer + UBSan) and runs them, in one of two modes:
#
#   scripts/fuzz.sh [seconds-per-target] [target ...]
#     Exploration (`npm run fuzz`): each target for a set time (default FUZZ_SECONDS or 30) with a
#     random seed (printed as "INFO: Seed: N" in build/sanitize/<name>.log), from the committed seeds
#     plus whatever earlier runs kept in build/sanitize/corpus/<name>/. Finds new bugs; its answer
#     depends on the seed, the time and the machine's speed, so CI does not run it.
#
#   scripts/fuzz.sh --fixed [target ...]
#     The test level (`scripts/test.sh fuzz`, so `npm test` and CI): the same answer for the same
#     commit. Per target: (1) every committed input in tests/fuzz/corpus/<name>/ is run once
#     (regression replay); (2) a fuzzing run of exactly FUZZ_RUNS inputs (default 30000) with
#     FUZZ_SEED (default 1), starting from the committed inputs only, in a fresh scratch corpus.
#     A fixed number of runs and a fixed seed make the mutations the same on every machine,
#     however fast. (The per-input -timeout is a hang detector: no input of these targets comes
#     near it.)
#
# A finding fails the run and leaves its input in build/sanitize/artifacts/; docs/testing.md says how
# it becomes a committed corpus file and a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=time
if [ "${1:-}" = --fixed ]; then
  mode=fixed
  shift
else
  secs=${1:-${FUZZ_SECONDS:-30}}
  shift || true
fi
runs=${FUZZ_RUNS:-30000}
seed=${FUZZ_SEED:-1}

[ -f build/sanitize/CMakeCache.txt ] || cmake --preset sanitize >/dev/null
cmake --build build/sanitize -j2

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi
mkdir -p build/sanitize/artifacts
# In the fixed mode ASLR is turned off for the fuzz binaries: addresses reach the coverage libFuzzer
# steers by (containers keyed by pointers), so with ASLR two runs with the same seed and number of
# runs try different inputs after a few hundred. (setarch -R needs the personality syscall, which
# some containers refuse: then the run goes on with a warning.)
fixed_env=()
if [ "$mode" = fixed ]; then
  if setarch "$(uname -m)" -R true 2>/dev/null; then
    fixed_env=(setarch "$(uname -m)" -R)
  else
    echo "fuzz: warning: cannot turn ASLR off here (setarch -R): two fixed-seed runs may try different inputs"
  fi
fi
common=(-rss_limit_mb=2048 -print_final_stats=1)

# run <log> <what> <where the input is> <command...>: runs a fuzz binary, prints its summary,
# fails on a finding.
run() {
  local log=$1 what=$2 where=$3 code=0
  shift 3
  "$@" >"$log" 2>&1 || code=$?
  grep -E "^(INFO: Seed|Done [0-9]+ runs|stat::number_of_executed_units|Executed .* in|==[0-9]+==ERROR|SUMMARY|.*runtime error)" "$log" || true
  if [ "$code" != 0 ]; then
    tail -40 "$log"
    echo "fuzz: $what found a crash (exit $code); $where (docs/testing.md says what to do)"
    exit 1
  fi
}

for t in "${targets[@]}"; do
  name=${t#fuzz_}
  seeds=tests/fuzz/corpus/$name
  [ -d "$seeds" ] || seeds=""
  artifacts=(-artifact_prefix=build/sanitize/artifacts/"$name"-)
  if [ "$mode" = fixed ]; then
    if [ -n "$seeds" ]; then
      echo "fuzz: $t replays the $(ls "$seeds" | wc -l) committed inputs of $seeds"
      run "build/sanitize/$name.replay.log" "$t (replaying $seeds)" "the input is the committed file it ran last (above)" \
        "${fixed_env[@]}" ./build/sanitize/"$t" -seed="$seed" -timeout=60 "${common[@]}" "${artifacts[@]}" "$seeds"/*
    fi
    work=build/sanitize/fixed/$name
    rm -rf "$work"
    mkdir -p "$work"
    echo "fuzz: $t for $runs runs with seed $seed"
    run "build/sanitize/$name.log" "$t (seed $seed, $runs runs)" "the input is saved under build/sanitize/artifacts/" \
      "${fixed_env[@]}" ./build/sanitize/"$t" -seed="$seed" -runs="$runs" -reload=0 -timeout=60 "${common[@]}" "${artifacts[@]}" "$work" $seeds
  else
    work=build/sanitize/corpus/$name
    mkdir -p "$work"
    echo "fuzz: $t for ${secs}s"
    run "build/sanitize/$name.log" "$t" "the input is saved under build/sanitize/artifacts/" \
      ./build/sanitize/"$t" -max_total_time="$secs" -timeout=10 "${common[@]}" "${artifacts[@]}" "$work" $seeds
  fi
done
if [ "$mode" = fixed ]; then
  echo "fuzz: ${#targets[@]} targets: committed inputs replayed, $runs runs each with seed $seed, no findings"
else
  echo "fuzz: ${#targets[@]} targets ran ${secs}s each, no findings"
fi
