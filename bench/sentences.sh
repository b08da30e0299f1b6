#!/usr/bin/env bash
# The sentence tools' figures in bench/README.md (Sentences), reproduced:
#   1. vectors trained here with `embplay word2vec` (GloVe is not available offline):
#      cran-sg100   skip-gram 100-d on the 1,398 non-empty Cranfield abstracts (225k words), 30 epochs
#      mix-sg100    skip-gram 100-d on GCIDE (Debian's dict-gcide, cleaned as in word2vec_vs_fasttext.sh,
#                   4.68M words) + the Cranfield abstracts + the STS-B train sentences (114k words), 5 epochs
#      mix-sts5     the same text with the STS-B train sentences five times, 5 epochs
#      mix-sts20    ... twenty times
#   2. STS Benchmark test Spearman per pooling, and the pooling (and its blend weight with TF-IDF)
#      chosen on the dev split (read from $STS, the team's copy with all three splits);
#   3. Cranfield nDCG@10 / Recall@100 of embedding, BM25 and hybrid, with --tune (odd query ids
#      tune, even ones report);
#   4. bench_sentences: indexing and pooling 100,000 paragraphs, query latency, memory (native, and
#      WebAssembly in node when em++ is present).
# Nothing it makes is committed: all goes to $OUT. Trainings run under nice, one at a time.
#
#   bench/sentences.sh            OUT=build/bench/sent STS=/work/shared/data/sts
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build/native}
OUT=${OUT:-$ROOT/build/bench/sent}
STS=${STS:-/work/shared/data/sts}
E="$BUILD/embplay"
mkdir -p "$OUT"
for exe in embplay bench_sentences; do
  [ -x "$BUILD/$exe" ] || { echo "$BUILD/$exe missing: ./build.sh build" >&2; exit 1; }
done

# The texts.
DZ=/usr/share/dictd/gcide.dict.dz
if [ ! -f "$DZ" ]; then
  DZ="$OUT/gcide/usr/share/dictd/gcide.dict.dz"
  [ -f "$DZ" ] || (cd "$OUT" && apt-get download dict-gcide >/dev/null && dpkg-deb -x dict-gcide_*.deb gcide)
fi
[ -s "$OUT/gcide-clean.txt" ] || zcat "$DZ" | perl -0777 -pe 'tr/A-Z/a-z/; s/\\[^\\\n]*\\//g; s/\[[^\]\n]*\]//g;
    s/[^a-z0-9\n]+/ /g; s/[ ]*\n[ ]*/\n/g; s/([^\n])\n(?!\n)/$1 /g; s/\n{3,}/\n\n/g' > "$OUT/gcide-clean.txt"
# One paragraph per abstract, one per STS-B train sentence (split on tabs only: columns 6 and 7).
node -e '
  const fs = require("fs");
  const docs = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l).text.trim());
  fs.writeFileSync(process.argv[3], docs.filter(Boolean).map((t) => t + "\n\n").join(""));
  const rows = fs.readFileSync(process.argv[2], "utf8").split("\n").slice(1).filter(Boolean).map((l) => l.split("\t"));
  fs.writeFileSync(process.argv[4], rows.map((c) => c[5] + "\n\n" + c[6] + "\n\n").join(""));
' "$ROOT/tests/data/ir/cranfield/documents.jsonl" "$STS/sts-train.tsv" "$OUT/cranfield.txt" "$OUT/sts-train.txt"
cat "$OUT/gcide-clean.txt" "$OUT/cranfield.txt" "$OUT/sts-train.txt" > "$OUT/mix.txt"
for n in 5 20; do
  { cat "$OUT/gcide-clean.txt" "$OUT/cranfield.txt"; for i in $(seq $n); do cat "$OUT/sts-train.txt"; done; } > "$OUT/mix-sts$n.txt"
done

train() {  # name text epochs min_count sample
  [ -s "$OUT/$1.vec" ] || nice -n 15 "$E" word2vec --input "$OUT/$2" --model skipgram --dim 100 --window 5 --negative 5 \
      --min_count "$4" --epochs "$3" --sample "$5" --seed 1 --save "$OUT/$1.vec" > "$OUT/$1.log"
}
train cran-sg100 cranfield.txt 30 2 1e-3
train mix-sg100 mix.txt 5 3 1e-4
train mix-sts5-sg100 mix-sts5.txt 5 3 1e-4
train mix-sts20-sg100 mix-sts20.txt 5 3 1e-4

for v in mix-sg100 mix-sts5-sg100 mix-sts20-sg100; do
  echo "== STS-B, $v"
  "$E" sts --vectors "$OUT/$v.vec" --sts_dir "$STS" --tune_split dev
  "$E" sts --vectors "$OUT/$v.vec" --sts_dir "$STS" --tune_split dev --unit_words | tail -3
done
for v in cran-sg100 mix-sg100; do
  echo "== Cranfield, $v"
  "$E" ir --vectors "$OUT/$v.vec" --tune | grep -v tuning
done
echo "== 100,000 paragraphs"
"$BUILD/bench_sentences"
if command -v em++ >/dev/null && [ -d "$ROOT/build/wasm" ]; then
  echo "== 100,000 paragraphs, WebAssembly in node (the page's compile flags)"
  [ -d /usr/share/nodejs ] && export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
  cmake --build "$ROOT/build/wasm" --target bench_sentences_wasm >/dev/null
  # Emscripten 3.1.6's loader would fetch() the .wasm under node 18+; make it read the file.
  WASM="node"
  node --no-experimental-fetch -e 0 2>/dev/null && WASM="node --no-experimental-fetch"
  $WASM "$ROOT/build/wasm/bench_sentences.js"
fi
