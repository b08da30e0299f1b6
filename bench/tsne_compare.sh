#!/usr/bin/env bash
# t-SNE, ours against scikit-learn, in one run: builds bench_tsne, writes 5,000 seeded points of
# 64 dimensions, times ours (native) and scikit-learn's Barnes-Hut t-SNE (1 thread, default
# threads) on that same file, and writes the "## t-SNE" section of bench/README.md.
#   RUNS=3 bench/tsne_compare.sh     (runs per configuration; the medians are reported)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
PY=/usr/bin/python3  # Debian's, with python3-sklearn

cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j2 --target bench_tsne >/dev/null
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
build/native/bench_tsne make-data "$OUT/points.bin" 5000 64 20 1

for run in $(seq "$RUNS"); do
  echo "== run $run/$RUNS: ours" >&2
  line=$(build/native/bench_tsne run "$OUT/points.bin" "$OUT/ours.bin" 1000 30 0.5)
  # scikit-learn scores our layout too, so every trustworthiness comes from one implementation.
  check=$($PY bench/tsne_vs_sklearn.py score "$OUT/points.bin" "$OUT/ours.bin")
  echo "${line%\}}, \"ours_trustworthiness_by_sklearn\": $check}" | tee -a "$OUT/ours.jsonl" >&2
  echo "== run $run/$RUNS: scikit-learn, 1 thread" >&2
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $PY bench/tsne_vs_sklearn.py run "$OUT/points.bin" --n-jobs 1 | tee -a "$OUT/sklearn_1thread.jsonl" >&2
  echo "== run $run/$RUNS: scikit-learn, default threads" >&2
  $PY bench/tsne_vs_sklearn.py run "$OUT/points.bin" | tee -a "$OUT/sklearn_default.jsonl" >&2
done
$PY bench/tsne_vs_sklearn.py report "$OUT" bench/README.md
