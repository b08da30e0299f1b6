#!/usr/bin/env bash
# Embedding Playground: the single source of the build steps.
#
#   ./build.sh deps    install what is missing (Debian/Ubuntu packages, npm packages from the lockfile)
#   ./build.sh build   native core + tests + CLI + benchmarks, the WebAssembly module, the site in dist/
#   ./build.sh serve   build, then serve dist/ on http://localhost:8000 (PORT=... to change)
#   ./build.sh test    build, then every test: C++ unit tests, the module in node, the page in Chromium
#   ./build.sh bench   build, then the benchmarks (figures in bench/README.md)
#   ./build.sh quality build, then bench/quality.sh: neural vs Kneser-Ney on the KJV Bible (~20 min)
#   ./build.sh screenshot   regenerate docs/screenshot.png for the README
#
# Every subcommand is idempotent and installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

log() { printf '\033[1m== %s\033[0m\n' "$*"; }


as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

deps() {
  local packages=(cmake g++ make pkg-config libeigen3-dev nlohmann-json3-dev libgtest-dev chromium)
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
  command -v em++ >/dev/null || packages+=(emscripten)  # an activated emsdk is used as it is
  local missing=()
  for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  # Ubuntu ships chromium as a snap stub; any chromium binary on PATH will do.
  if [[ " ${missing[*]} " == *" chromium "* ]] && command -v chromium >/dev/null; then
    missing=("${missing[@]/chromium}")
  fi
  if [ -n "${missing[*]// /}" ]; then
    log "installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq ${missing[*]}
  fi
  # npm packages exactly as locked; reinstall only when the lockfile changed. A node_modules that is
  # a symbolic link (a git worktree borrowing another checkout's packages) is left alone: npm ci
  # would empty the folder it points to, under the feet of whoever else uses it.
  if [ -L node_modules ]; then
    :
  elif [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

build() {
  deps
  # Debian's emscripten 3.1.6 needs Debian's node modules (acorn) for its optimizer. Set after deps:
  # on a fresh machine the folder only appears when deps installs emscripten.
  if [ -d /usr/share/nodejs ] && [[ ":${NODE_PATH:-}:" != *:/usr/share/nodejs:* ]]; then
    export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
  fi
  log "native build (build/native)"
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/native -j "$(nproc)"

  log "WebAssembly build (build/wasm)"
  emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/wasm -j "$(nproc)"

  log "site (dist/)"
  node web/build.mjs
}

serve() {
  build
  node scripts/serve.mjs dist "${PORT:-8000}"
}

run_tests() {
  build
  log "unit tests (GoogleTest via CTest)"
  ctest --test-dir build/native --output-on-failure -j "$(nproc)"
  log "WebAssembly module in node"
  node --test tests/wasm/
  log "page modules in node (links, sessions)"
  node --test tests/web/
  log "page in headless Chromium"
  node --test --test-concurrency=1 tests/e2e/
}

bench() {
  build
  # The native engine again at the compiler's baseline target (x86-64: SSE2, 128 bits wide, as
  # WebAssembly SIMD), for bench/run.mjs's wasm / native-portable.
  log "native build at the baseline target (build/native-portable)"
  cmake -S . -B build/native-portable -DCMAKE_BUILD_TYPE=Release -DEMBPLAY_NATIVE_ARCH=OFF >/dev/null
  cmake --build build/native-portable -j "$(nproc)" --target bench_train bench_gemm
  node bench/run.mjs
}

quality() {
  build
  bench/quality.sh
}

screenshot() {
  build
  node scripts/screenshot.mjs
}

case "${1:-}" in
  deps) deps ;;
  build) build ;;
  serve) serve ;;
  test) run_tests ;;
  bench) bench ;;
  quality) quality ;;
  screenshot) screenshot ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
