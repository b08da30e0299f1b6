#!/usr/bin/env bash
# The Encoder figures of bench/README.md, reproduced. Nothing it makes is committed: all goes to $OUT.
#
#   speed   encoder training tokens/s: bench_encoder natively, bench_encoder_wasm in node (the page's
#           compile flags), TensorFlow.js 4.22 (wasm backend, SIMD, one thread) on the batches the
#           wasm run trained on, from the same initial weights; then TensorFlow.js's loss check
#           (the first steps without dropout, against our losses). $ROUNDS rounds (default 3).
#   sts     STS-B Spearman of the encoder (masked words, then SimCSE; SimCSE alone; then supervised pairs, apart)
#           against word2vec trained on the same text: the STS-B train split's sentences, both
#           sides, each once, no labels (tests/data/sts ships only the test split: $STS holds the
#           team's copy of all three). Settings are the ones chosen on dev; test is reported.
#           Trainings run under nice, one at a time.
#
#   bench/encoder.sh [speed|sts|all]      OUT=build/bench/enc STS=/work/shared/data/sts ROUNDS=3
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build/native}
OUT=${OUT:-$ROOT/build/bench/enc}
STS=${STS:-/work/shared/data/sts}
ROUNDS=${ROUNDS:-3}
WHAT=${1:-all}
E="$BUILD/embplay"
mkdir -p "$OUT"
for exe in embplay bench_encoder; do
  [ -x "$BUILD/$exe" ] || { echo "$BUILD/$exe missing: ./build.sh build" >&2; exit 1; }
done

speed() {
  [ -d /usr/share/nodejs ] && export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
  cmake --build "$ROOT/build/wasm" --target bench_encoder_wasm >/dev/null
  # Emscripten 3.1.6's loader would fetch() the .wasm under node 18+; make it read the file.
  local wasm="node"
  node --no-experimental-fetch -e 0 2>/dev/null && wasm="node --no-experimental-fetch"
  echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F)"
  for round in $(seq "$ROUNDS"); do
    echo "== round $round"
    "$BUILD/bench_encoder" --batches 400
    $wasm "$ROOT/build/wasm/bench_encoder.js" --batches 200 --export "$OUT/encoder-batches.json" --count 30
    node "$ROOT/bench/tfjs_encoder_bench.cjs" "$OUT/encoder-batches.json"
  done
  echo "== TensorFlow.js against our losses (no dropout, the same weights and batches)"
  node "$ROOT/bench/tfjs_encoder_bench.cjs" "$OUT/encoder-batches.json" --check
}

sts() {
  # The training text: every sentence of the train split once (columns 6 and 7, split on tabs only).
  node -e '
    const fs = require("fs");
    const rows = fs.readFileSync(process.argv[1], "utf8").split("\n").slice(1).filter(Boolean).map((l) => l.split("\t"));
    const seen = new Set(), out = [];
    for (const r of rows) for (const s of [r[5].trim(), r[6].trim()]) if (s && !seen.has(s)) seen.add(s), out.push(s);
    fs.writeFileSync(process.argv[2], out.join("\n") + "\n");
  ' "$STS/sts-train.tsv" "$OUT/sts-train-sentences.txt"
  local text="$OUT/sts-train-sentences.txt" dev="$STS/sts-dev.tsv"

  echo "== word2vec on the same text (skip-gram 100-d, window 5, 50 epochs, every word), pooled"
  [ -s "$OUT/w2v.vec" ] || nice -n 15 "$E" word2vec --input "$text" --model skipgram --dim 100 --window 5 --negative 5 \
      --min_count 1 --epochs 50 --seed 1 --save "$OUT/w2v.vec" >/dev/null
  for split in dev test; do
    echo "-- $split"
    "$E" sts --vectors "$OUT/w2v.vec" --sts_dir "$STS" --split "$split" | grep -E "^  (mean|max|sif|tf-idf) "
  done

  # Settings chosen on dev (bench/README.md, Sentence encoder, lists the runs tried); test is reported.
  echo "== encoder: masked-word pre-training (30 epochs), then SimCSE (tau 0.1, lr 3e-3, 6 epochs)"
  [ -s "$OUT/enc-mlm.json" ] || nice -n 15 "$E" encoder train --input "$text" --lines --min_count 1 --mlm_epochs 30 \
      --simcse_epochs 0 --dev "$dev" --save "$OUT/enc-mlm.json"
  [ -s "$OUT/enc-mlm-simcse.json" ] || nice -n 15 "$E" encoder train --input "$text" --lines --init "$OUT/enc-mlm.json" \
      --mlm_epochs 0 --simcse_epochs 6 --contrastive_lr 3e-3 --temperature 0.1 --dev "$dev" --save "$OUT/enc-mlm-simcse.json"
  echo "== encoder: SimCSE alone from random weights (tau 0.1, lr 1e-3, 6 epochs, every word in the vocabulary)"
  [ -s "$OUT/enc-simcse.json" ] || nice -n 15 "$E" encoder train --input "$text" --lines --min_count 1 --max_vocab 20000 \
      --mlm_epochs 0 --simcse_epochs 6 --contrastive_lr 1e-3 --temperature 0.1 --dev "$dev" --save "$OUT/enc-simcse.json"
  for model in enc-mlm enc-mlm-simcse enc-simcse; do
    for split in dev test; do "$E" encoder sts --model "$OUT/$model.json" --sts_dir "$STS" --split "$split"; done
  done

  echo "== encoder: then supervised pairs, STS-B train pairs scoring 4 or more (uses labels: reported apart)"
  [ -s "$OUT/enc-pairs.json" ] || nice -n 15 "$E" encoder train --input "$text" --lines --init "$OUT/enc-simcse.json" \
      --mlm_epochs 0 --simcse_epochs 0 --pairs "$STS/sts-train.tsv" --min_score 4 --pairs_epochs 4 \
      --contrastive_lr 1e-3 --temperature 0.1 --dev "$dev" --save "$OUT/enc-pairs.json"
  for split in dev test; do "$E" encoder sts --model "$OUT/enc-pairs.json" --sts_dir "$STS" --split "$split"; done
}

case "$WHAT" in
  speed) speed ;;
  sts) sts ;;
  all) speed; sts ;;
  *) echo "usage: bench/encoder.sh [speed|sts|all]" >&2; exit 2 ;;
esac
