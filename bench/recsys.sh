#!/usr/bin/env bash
# Recommendations on UCI Online Retail (tests/data/recsys/online-retail, CC BY 4.0): quality and speed.
#   1. quality: `embplay recsys eval` on both splits (last-item, last-invoice), every model, item2vec
#      alone and blended with item kNN with seeds 1..$SEEDS (the options tuned for each split; EASE's
#      lambda chosen on validation); and, with TUNE=1, the validation-split grid that chose item2vec's
#      options and the blend's weight (never the test cases);
#   2. speed: bench_recsys (reading, item2vec on the whole log, item kNN, one EASE solve), natively
#      and, when em++ is present, as WebAssembly in node (bench_recsys_wasm, the page's compile flags).
# Needs the native build (embplay, bench_recsys). Writes to $OUT; nothing it makes is committed.
#
#   bench/recsys.sh            SEEDS=3 RUNS=3 TUNE=0 OUT=build/bench/recsys
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:=$ROOT/build/native}" "${OUT:=$ROOT/build/bench/recsys}" "${SEEDS:=3}" "${RUNS:=3}" "${TUNE:=0}"
DATA=$ROOT/tests/data/recsys/online-retail
mkdir -p "$OUT"
for exe in embplay bench_recsys; do
  [ -x "$BUILD/$exe" ] || { echo "$BUILD/$exe missing: cmake --build build/native --target $exe" >&2; exit 1; }
done
EVENTS=$OUT/interactions.csv
[ -f "$EVENTS" ] || zcat "$DATA/interactions.csv.gz" > "$EVENTS"

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F)"

echo "== quality (test split; HitRate@10 / NDCG@10 in %)"
for split in last-item last-invoice; do
  "$BUILD/embplay" recsys eval --events "$EVENTS" --split "$split" --models popularity,knn,ease --json \
    > "$OUT/baselines-$split.json"
  for seed in $(seq 1 "$SEEDS"); do
    "$BUILD/embplay" recsys eval --events "$EVENTS" --split "$split" --models item2vec,item2vec+knn --seed "$seed" --json \
      > "$OUT/item2vec-$split-seed$seed.json"
  done
done
node -e '
const fs = require("fs"), out = process.argv[1], seeds = +process.argv[2];
const pct = (r) => `${(100 * r.hit_rate).toFixed(2)} / ${(100 * r.ndcg).toFixed(2)}`;
for (const split of ["last-item", "last-invoice"]) {
  const base = JSON.parse(fs.readFileSync(`${out}/baselines-${split}.json`));
  console.log(`${split}: ${base.splits[0].cases} users evaluated`);
  for (const r of base.rows)
    console.log(`  ${r.label.padEnd(28)} ${pct(r)}` + (r.details.lambda ? `  (lambda ${r.details.lambda})` : "") + `  ${r.seconds.toFixed(1)} s`);
  const runs = [];
  for (let s = 1; s <= seeds; s++) runs.push(JSON.parse(fs.readFileSync(`${out}/item2vec-${split}-seed${s}.json`)).rows);
  for (const [i, label] of runs[0].map((r, i) => [i, r.label])) {
    const mean = (f) => runs.reduce((a, rows) => a + rows[i][f], 0) / runs.length;
    console.log(`  ${label.padEnd(28)} ${pct({ hit_rate: mean("hit_rate"), ndcg: mean("ndcg") })}  (mean of ${seeds} seeds: ` +
                runs.map((rows) => (100 * rows[i].hit_rate).toFixed(2)).join(", ") + `)`);
  }
}' "$OUT" "$SEEDS"

if [ "$TUNE" = 1 ]; then
  echo "== item2vec options on the validation split (HitRate@10 / NDCG@10 in %)"
  for split in last-item last-invoice; do
    for opts in "--window 5 --epochs 3 --sample 0" "--window 3 --epochs 2 --sample 0" "--window 8 --epochs 3 --sample 0" \
                "--window 5 --epochs 5 --sample 0.001" "--window 3 --epochs 2 --sample 0.001" \
                "--similarity output --half_life 0.3" "--similarity output --half_life 1" \
                "--similarity projected --half_life 30 --ridge 0.3" "--similarity projected --half_life 0 --ridge 0.1" \
                "--similarity cosine --half_life 1"; do
      # shellcheck disable=SC2086
      line=$("$BUILD/embplay" recsys eval --events "$EVENTS" --split "$split" --models item2vec --validation --json $opts)
      node -e 'const r = JSON.parse(process.argv[1]).rows[0];
        console.log(`  ${process.argv[2].padEnd(12)} ${process.argv[3].padEnd(52)} ${(100 * r.hit_rate).toFixed(2)} / ${(100 * r.ndcg).toFixed(2)}`)' \
        "$line" "$split" "$opts"
    done
    for w in 0.3 0.5 0.7 1 1.5 2 3 5 10; do
      line=$("$BUILD/embplay" recsys eval --events "$EVENTS" --split "$split" --models item2vec+knn --validation --json --knn_weight "$w")
      node -e 'const r = JSON.parse(process.argv[1]).rows[0];
        console.log(`  ${process.argv[2].padEnd(12)} ${("item2vec + kNN, knn_weight " + process.argv[3]).padEnd(52)} ${(100 * r.hit_rate).toFixed(2)} / ${(100 * r.ndcg).toFixed(2)}`)' \
        "$line" "$split" "$w"
    done
  done
fi

echo "== speed, native (median of $RUNS)"
"$BUILD/bench_recsys" "$EVENTS" --runs "$RUNS" | tee "$OUT/speed-native.jsonl"
if command -v em++ >/dev/null && [ -d "$ROOT/build/wasm" ]; then
  export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
  cmake --build "$ROOT/build/wasm" --target bench_recsys_wasm >/dev/null
  # Emscripten 3.1.6's loader would fetch() the .wasm under node 18+; make it read the file.
  node_flags=()
  node --no-experimental-fetch -e 0 2>/dev/null && node_flags=(--no-experimental-fetch)
  echo "== speed, WebAssembly in node (median of $RUNS)"
  node "${node_flags[@]}" "$ROOT/build/wasm/bench_recsys.js" "$EVENTS" --runs "$RUNS" | tee "$OUT/speed-wasm.jsonl"
fi
