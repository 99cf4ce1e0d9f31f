#!/usr/bin/env bash
# Builds the native core and its tests, the wasm core (ES module + .wasm, and the single-file
# variant) and the web assets. Incremental: quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

[ -f build/native/CMakeCache.txt ] || cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$jobs"

# Debian's emcc needs Debian's acorn on NODE_PATH.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
[ -f build/wasm/CMakeCache.txt ] || emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/wasm -j"$jobs"

node scripts/build-web.mjs
node scripts/pack-mnist-digits.mjs
node scripts/build-dist.mjs
