#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer + UBSan) and runs each for a set time:
#   scripts/fuzz.sh [seconds-per-target] [target ...]
# Seeds come from tests/fuzz/corpus/<target>/ (copied to a scratch corpus, so the repository's
# seeds stay as committed). A crash leaves its input in build/fuzz/artifacts/ and fails the run:
# turn it into a regression test (a native test, or a seed in the corpus).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-${FUZZ_SECONDS:-30}}
shift || true

[ -f build/fuzz/CMakeCache.txt ] || cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j2

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi
mkdir -p build/fuzz/artifacts
for t in "${targets[@]}"; do
  name=${t#fuzz_}
  work=build/fuzz/corpus/$name
  mkdir -p "$work"
  echo "fuzz: $t for ${secs}s"
  seeds=tests/fuzz/corpus/$name
  [ -d "$seeds" ] || seeds=""
  log=build/fuzz/$name.log
  code=0
  ./build/fuzz/"$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix=build/fuzz/artifacts/"$name"- "$work" $seeds >"$log" 2>&1 || code=$?
  grep -E "^(Done [0-9]+ runs|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY|.*runtime error)" "$log" || true
  if [ "$code" != 0 ]; then
    tail -40 "$log"
    echo "fuzz: $t found a crash (exit $code); input saved under build/fuzz/artifacts/"
    exit 1
  fi
done
echo "fuzz: ${#targets[@]} targets ran ${secs}s each, no findings"
