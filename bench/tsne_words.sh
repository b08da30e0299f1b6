#!/usr/bin/env bash
# t-SNE of real word vectors, ours against scikit-learn side by side in one run (issue 16's target:
# 5,000 vectors in <= 5 s in the page, trustworthiness (k = 10, cosine) at least scikit-learn's).
# GloVe is not available offline, so the vectors are word2vec's: skip-gram, 100 dimensions, trained
# by our CLI (seed 1) on the last 800,000 words of the State of the Union addresses (bench/texts.sh
# sotu-800k); the N most frequent words, scaled to unit length (euclidean ranks = cosine ranks).
# Every configuration runs on that one file:
#   ours, native, today's defaults (750 iterations, theta 0.8, learning rate N / 12)
#   ours, native, the settings scikit-learn uses (1,000 iterations, theta 0.5, learning rate N / 48)
#   ours in the page (headless Chromium, the form's defaults)   [needs dist/]
#   scikit-learn 1.2 Barnes-Hut, 1 thread, its defaults (perplexity 30, angle 0.5, auto learning rate)
# All layouts are scored by scikit-learn's trustworthiness(metric="cosine").
#   N=5000 RUNS=1 bench/tsne_words.sh        (results in build/bench/tsne-words/, OUT=...)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-5000}
RUNS=${RUNS:-1}
OUT=${OUT:-build/bench/tsne-words}
PY=/usr/bin/python3  # Debian's, with python3-sklearn (bench/tsne_compare.sh installs it)
mkdir -p "$OUT"
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j2 --target bench_tsne embplay >/dev/null
VEC="$OUT/sotu-sg100.vec"
if [ ! -f "$VEC" ]; then
  build/native/embplay word2vec --input "$(bench/texts.sh --path sotu-800k)" --save "$VEC" \
    --dim 100 --epochs 5 --min_count 3 --seed 1 >/dev/null
fi
$PY bench/tsne_vs_sklearn.py vectors "$VEC" "$N" "$OUT/words.bin"
OLD_LR=$($PY -c "print(max($N / 48, 50))")
score() { $PY bench/tsne_vs_sklearn.py score "$OUT/words.bin" "$1" --metric cosine; }

for run in $(seq "$RUNS"); do
  echo "== run $run/$RUNS (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  line=$(build/native/bench_tsne run "$OUT/words.bin" "$OUT/ours.bin" 750 30 0.8 2 0)
  echo "{\"config\": \"ours, defaults\", ${line#\{}" | sed "s/}\$/, \"cosine_trustworthiness\": $(score "$OUT/ours.bin")}/" | tee -a "$OUT/results.jsonl"
  line=$(build/native/bench_tsne run "$OUT/words.bin" "$OUT/ours_old.bin" 1000 30 0.5 2 "$OLD_LR")
  echo "{\"config\": \"ours, scikit-learn's settings\", ${line#\{}" | sed "s/}\$/, \"cosine_trustworthiness\": $(score "$OUT/ours_old.bin")}/" | tee -a "$OUT/results.jsonl"
  if [ -f dist/embplay.wasm ]; then
    line=$(node bench/tsne_browser.mjs "$OUT/words.bin" "$OUT/ours_page.bin")
    echo "{\"config\": \"ours, the page\", ${line#\{}" | sed "s/}\$/, \"cosine_trustworthiness\": $(score "$OUT/ours_page.bin")}/" | tee -a "$OUT/results.jsonl"
  fi
  line=$(OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/time -f "%U" -o "$OUT/sk.cpu" \
    $PY bench/tsne_vs_sklearn.py run "$OUT/words.bin" --n-jobs 1 --metric cosine --layout "$OUT/sklearn.bin")
  echo "{\"config\": \"scikit-learn, 1 thread\", \"cpu_seconds\": $(cat "$OUT/sk.cpu"), ${line#\{}" | tee -a "$OUT/results.jsonl"
done
