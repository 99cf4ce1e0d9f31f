#!/usr/bin/env bash
# Installs whatever is missing, and nothing else: Debian packages with apt-get (as root, or via
# sudo) and the npm packages from the committed lockfile with `npm ci`. Quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(cmake make g++ clang libclang-rt-14-dev emscripten libeigen3-dev libxsimd-dev nlohmann-json3-dev
      googletest libgtest-dev chromium-headless-shell wabt)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ci when the lockfile differs from the one last installed.
stamp=node_modules/.playgrad-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
