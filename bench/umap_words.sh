#!/usr/bin/env bash
# UMAP of real word vectors: ours (native, and the same C++ as WebAssembly in node) against umap-js
# 1.4.0 (the page's alternative: JavaScript) and umap-learn (Debian's, Python + numba), on one file.
# Issue 16's targets: faster than umap-js, trustworthiness (k = 10) at least umap-learn's.
# The vectors are tsne_words.sh's: word2vec skip-gram, 100 dimensions, trained by our CLI (seed 1)
# on the last 800,000 words of the State of the Union addresses; the N most frequent words, unit
# length (euclidean ranks = cosine ranks). Every layout is scored by scikit-learn's
# trustworthiness(metric="cosine"), one judge for all.
#   N=5000 RUNS=1 bench/umap_words.sh        (results in build/bench/umap-words/, OUT=...)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-5000}
RUNS=${RUNS:-1}
OUT=${OUT:-build/bench/umap-words}
PY=/usr/bin/python3  # Debian's, with python3-sklearn and umap-learn
mkdir -p "$OUT"
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j2 --target bench_umap embplay >/dev/null
if [ -f build/wasm/CMakeCache.txt ]; then cmake --build build/wasm -j2 --target bench_umap_wasm >/dev/null; fi
VEC="$OUT/sotu-sg100.vec"
if [ ! -f "$VEC" ]; then
  build/native/embplay word2vec --input "$(bench/texts.sh --path sotu-800k)" --save "$VEC" \
    --dim 100 --epochs 5 --min_count 3 --seed 1 >/dev/null
fi
$PY bench/tsne_vs_sklearn.py vectors "$VEC" "$N" "$OUT/words.bin"
score() { $PY bench/tsne_vs_sklearn.py score "$OUT/words.bin" "$1" --metric cosine; }
# record CONFIG LAYOUT COMMAND...: runs COMMAND (which writes LAYOUT and prints one JSON line) and
# appends one line: the config, what it printed, the processor seconds of its process (user + system:
# on shared cores they move less than wall time) and the cosine trustworthiness of its layout.
record() {
  local config=$1 layout=$2 line cpu
  shift 2
  line=$(/usr/bin/time -f "%U %S" -o "$OUT/cpu" "$@")
  cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$OUT/cpu")
  echo "{\"config\": \"$config\", ${line#\{}" |
    sed "s/}\$/, \"process_cpu_seconds\": $cpu, \"cosine_trustworthiness\": $(score "$layout")}/" | tee -a "$OUT/results.jsonl"
}
WASM=node  # node 20's fetch cannot load the .wasm beside the glue: without it, the glue reads the file
node --no-experimental-fetch -e 0 2>/dev/null && WASM="node --no-experimental-fetch"
JS_EPOCHS=$(node -e "const n = $N; console.log(n <= 2500 ? 500 : n <= 5000 ? 400 : n <= 7500 ? 300 : 200)")

for run in $(seq "$RUNS"); do
  echo "== run $run/$RUNS (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  record "ours, native, defaults" "$OUT/ours.bin" build/native/bench_umap run "$OUT/words.bin" "$OUT/ours.bin"
  record "ours, native, umap-js's epochs" "$OUT/ours_js.bin" build/native/bench_umap run "$OUT/words.bin" "$OUT/ours_js.bin" "$JS_EPOCHS"
  if [ -f build/wasm/bench_umap.js ]; then
    record "ours, WebAssembly in node, defaults" "$OUT/ours_wasm.bin" $WASM build/wasm/bench_umap.js run "$OUT/words.bin" "$OUT/ours_wasm.bin"
    record "ours, WebAssembly in node, umap-js's epochs" "$OUT/ours_wasm_js.bin" \
      $WASM build/wasm/bench_umap.js run "$OUT/words.bin" "$OUT/ours_wasm_js.bin" "$JS_EPOCHS"
  fi
  if [ -f dist/embplay.wasm ]; then  # the page in headless Chromium: wall time from Run UMAP to done
    record "ours, the page, defaults" "$OUT/ours_page.bin" node bench/tsne_browser.mjs "$OUT/words.bin" "$OUT/ours_page.bin" --method umap
  fi
  record "umap-js 1.4.0 in node, defaults" "$OUT/umapjs.bin" node bench/umap_js.mjs "$OUT/words.bin" "$OUT/umapjs.bin"
  if $PY -c "import umap" 2>/dev/null; then
    record "umap-learn 0.5.3, defaults, 1 thread" "$OUT/umap_learn.bin" \
      env NUMBA_NUM_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $PY bench/umap_learn.py "$OUT/words.bin" "$OUT/umap_learn.bin"
  fi
done
