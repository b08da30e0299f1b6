#!/usr/bin/env bash
# t-SNE, ours against scikit-learn, in one run: builds bench_tsne, writes 5,000 seeded points of
# 64 dimensions, times ours (native, and WebAssembly in node when em++ is installed) and
# scikit-learn's Barnes-Hut t-SNE (1 thread, default threads) on that same file, and writes the
# "## t-SNE" section of bench/README.md.
#   RUNS=3 bench/tsne_compare.sh     (runs per configuration; the medians are reported)
# About 3 minutes per run on a quiet 2-core machine; results in build/bench/tsne/ (OUT=...).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
PY=/usr/bin/python3  # Debian's, with python3-sklearn
if ! $PY -c 'import sklearn' 2>/dev/null; then
  echo "installing python3-sklearn (Debian's scikit-learn)" >&2
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-sklearn >/dev/null
fi

cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j2 --target bench_tsne >/dev/null
WASM=""
if command -v em++ >/dev/null; then
  # The same benchmark compiled with the page's flags (-O3 -msimd128), run by node.
  [ -d /usr/share/nodejs ] && export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
  emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/wasm -j2 --target bench_tsne_wasm >/dev/null
  # Emscripten 3.1.6's loader would fetch() the .wasm under node 18+; make it read the file.
  WASM="node"
  node --no-experimental-fetch -e 0 2>/dev/null && WASM="node --no-experimental-fetch"
fi
# Points, layouts and the JSON lines of every run stay here; `tsne_vs_sklearn.py report` rereads them.
OUT=${OUT:-build/bench/tsne}
mkdir -p "$OUT"
rm -f "$OUT"/*.jsonl
build/native/bench_tsne make-data "$OUT/points.bin" 5000 64 20 1
# scikit-learn 1.2's "auto" learning rate for these 5,000 points, max(N / 12 / 4, 50), given to ours
# too: this table compares the same settings (our own defaults: bench/tsne_words.sh). The page's
# theta cannot be set from its form: the browser row runs at our default, 0.8.
SKLEARN_LR=104.1667

for run in $(seq "$RUNS"); do
  echo "== run $run/$RUNS: ours" >&2
  line=$(build/native/bench_tsne run "$OUT/points.bin" "$OUT/ours.bin" 1000 30 0.5 2 "$SKLEARN_LR")
  # scikit-learn scores our layout too, so every trustworthiness comes from one implementation.
  check=$($PY bench/tsne_vs_sklearn.py score "$OUT/points.bin" "$OUT/ours.bin")
  echo "${line%\}}, \"ours_trustworthiness_by_sklearn\": $check}" | tee -a "$OUT/ours.jsonl" >&2
  if [ -n "$WASM" ]; then
    echo "== run $run/$RUNS: ours, WebAssembly in node" >&2
    line=$($WASM build/wasm/bench_tsne.js run "$OUT/points.bin" "$OUT/ours_wasm.bin" 1000 30 0.5 2 "$SKLEARN_LR")
    check=$($PY bench/tsne_vs_sklearn.py score "$OUT/points.bin" "$OUT/ours_wasm.bin")
    echo "${line%\}}, \"ours_trustworthiness_by_sklearn\": $check, \"node\": \"$(node --version)\"}" | tee -a "$OUT/ours_wasm.jsonl" >&2
  fi
  if [ -f dist/embplay.wasm ] && [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    echo "== run $run/$RUNS: ours, WebAssembly in headless Chromium (the page)" >&2
    line=$(node bench/tsne_browser.mjs "$OUT/points.bin" "$OUT/ours_browser.bin" --iterations 1000 --lr "$SKLEARN_LR")
    check=$($PY bench/tsne_vs_sklearn.py score "$OUT/points.bin" "$OUT/ours_browser.bin")
    echo "${line%\}}, \"ours_trustworthiness_by_sklearn\": $check}" | tee -a "$OUT/ours_browser.jsonl" >&2
  fi
  echo "== run $run/$RUNS: scikit-learn, 1 thread" >&2
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $PY bench/tsne_vs_sklearn.py run "$OUT/points.bin" --n-jobs 1 | tee -a "$OUT/sklearn_1thread.jsonl" >&2
  echo "== run $run/$RUNS: scikit-learn, default threads" >&2
  $PY bench/tsne_vs_sklearn.py run "$OUT/points.bin" | tee -a "$OUT/sklearn_default.jsonl" >&2
done
$PY bench/tsne_vs_sklearn.py report "$OUT" bench/README.md
