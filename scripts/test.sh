#!/usr/bin/env bash
# Runs every test level: native (GoogleTest via ctest), node (node --test against the wasm build),
# browser (headless Chromium via playwright-core). `scripts/test.sh node` runs one level.
set -euo pipefail
cd "$(dirname "$0")/.."
level=${1:-all}

if [ "$level" = all ] || [ "$level" = native ]; then
  echo "== native tests (ctest)"
  ctest --test-dir build/native --output-on-failure -j2
fi
if [ "$level" = all ] || [ "$level" = node ]; then
  echo "== node tests (wasm build)"
  node --test --test-reporter=spec tests/node/*.test.mjs
fi
if [ "$level" = all ] || [ "$level" = browser ]; then
  echo "== browser tests (headless Chromium)"
  node --test --test-reporter=spec --test-concurrency=1 tests/browser/*.test.mjs
fi
