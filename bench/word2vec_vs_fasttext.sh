#!/usr/bin/env bash
# Our word2vec beside Debian's fastText (`fasttext skipgram -maxn 0 -thread 1`), same settings:
#   1. speed on the benchmark corpus (build/bench/zipf-1m.txt, from bench/make_corpus.mjs):
#      words per second of training, one thread, median of $RUNS runs each;
#   2. speed and quality on a real English text: the GNU Collaborative International Dictionary
#      of English (Debian's dict-gcide, about 4.7M words once cleaned), scored by Spearman
#      correlation on WordSim-353 and SimLex-999 (embplay eval, both files read the same way).
# Settings: skip-gram, dim 64, window 5, negative 5, min count 5, 1 epoch, lr 0.05 (fastText's
# default; word2vec's 0.025 needs more epochs), subsampling t = 1e-4.
# Needs: the native build (embplay, bench_word2vec), fasttext and dpkg-deb; downloads dict-gcide with
# apt-get when /usr/share/dictd/gcide.dict.dz is absent. Nothing it makes is committed: all goes to $OUT.
#
#   bench/word2vec_vs_fasttext.sh            RUNS=3 EPOCHS_REAL=1 OUT=build/bench/word2vec
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build/native}
OUT=${OUT:-$ROOT/build/bench/word2vec}
RUNS=${RUNS:-3}
EPOCHS_REAL=${EPOCHS_REAL:-1}
CORPUS=${CORPUS:-$ROOT/build/bench/zipf-1m.txt}
DIM=64 WS=5 NEG=5 MINC=5 EPOCH=1 LR=0.05 T=1e-4
mkdir -p "$OUT"

command -v fasttext >/dev/null || { echo "fasttext not found: apt-get install fasttext" >&2; exit 1; }
for exe in embplay bench_word2vec; do
  [ -x "$BUILD/$exe" ] || { echo "$BUILD/$exe missing: cmake --build build/native --target $exe" >&2; exit 1; }
done
if [ ! -f "$CORPUS" ]; then
  [ -f "$ROOT/bench/make_corpus.mjs" ] || { echo "$CORPUS missing and no bench/make_corpus.mjs to make it" >&2; exit 1; }
  node "$ROOT/bench/make_corpus.mjs" "$CORPUS"
fi

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# fastText prints progress lines "... words/sec/thread:  123456 ..." separated by \r; keep the last.
ft_rate() { tr '\r' '\n' < "$1" | grep -o 'words/sec/thread: *[0-9]*' | tail -1 | grep -o '[0-9]*$'; }
json_field() { node -e "const j=JSON.parse(require('fs').readFileSync(0,'utf8'));console.log(String($1))"; }

echo "== 1. speed on $(basename "$CORPUS"), $RUNS runs each"
ours=() theirs=()
for run in $(seq "$RUNS"); do
  r=$("$BUILD/bench_word2vec" "$CORPUS" --model skipgram --dim $DIM --window $WS --negative $NEG \
      --min_count $MINC --epochs $EPOCH --lr $LR --sample $T | json_field 'Math.round(j.words_per_sec)')
  fasttext skipgram -input "$CORPUS" -output "$OUT/ft-zipf" -dim $DIM -ws $WS -neg $NEG -minCount $MINC \
      -epoch $EPOCH -lr $LR -t $T -maxn 0 -thread 1 > "$OUT/ft-zipf.log" 2>&1
  f=$(ft_rate "$OUT/ft-zipf.log")
  echo "  run $run: ours $r words/s, fastText $f words/s/thread"
  ours+=("$r") theirs+=("$f")
done
ours_zipf=$(printf '%s\n' "${ours[@]}" | median)
ft_zipf=$(printf '%s\n' "${theirs[@]}" | median)

echo "== 2. real text: GCIDE"
DZ=/usr/share/dictd/gcide.dict.dz
if [ ! -f "$DZ" ]; then
  DZ="$OUT/gcide/usr/share/dictd/gcide.dict.dz"
  if [ ! -f "$DZ" ]; then
    (cd "$OUT" && apt-get download dict-gcide >/dev/null && dpkg-deb -x dict-gcide_*.deb gcide)
  fi
fi
TEXT="$OUT/gcide-clean.txt"
if [ ! -s "$TEXT" ]; then
  # Lowercase; drop \pro*nun*ci*a"tion\ marks and [bracketed] etymologies and sources; keep letters and
  # digits; one dictionary entry per line with a blank line between, so that both tools see the same
  # tokens and the same sentence ends (fastText: a line; ours: a blank line).
  zcat "$DZ" | perl -0777 -pe 'tr/A-Z/a-z/; s/\\[^\\\n]*\\//g; s/\[[^\]\n]*\]//g; s/[^a-z0-9\n]+/ /g;
      s/[ ]*\n[ ]*/\n/g; s/([^\n])\n(?!\n)/$1 /g; s/\n{3,}/\n\n/g' > "$TEXT"
fi
words=$(wc -w < "$TEXT")
echo "  $TEXT: $words words"
"$BUILD/embplay" word2vec --input "$TEXT" --model skipgram --dim $DIM --window $WS --negative $NEG \
    --min_count $MINC --epochs "$EPOCHS_REAL" --lr $LR --sample $T --save "$OUT/ours-gcide.vec" --json > "$OUT/ours-gcide.log"
ours_real=$(tail -1 "$OUT/ours-gcide.log" | json_field 'Math.round(j.words_per_sec)')
fasttext skipgram -input "$TEXT" -output "$OUT/ft-gcide" -dim $DIM -ws $WS -neg $NEG -minCount $MINC \
    -epoch "$EPOCHS_REAL" -lr $LR -t $T -maxn 0 -thread 1 > "$OUT/ft-gcide.log" 2>&1
ft_real=$(ft_rate "$OUT/ft-gcide.log")
for who in ours ft; do
  "$BUILD/embplay" eval --vectors "$OUT/$who-gcide.vec" --max_words 200000 --json > "$OUT/$who-gcide-eval.json"
done
score() { json_field "j.$2.spearman.toFixed(3) + ' (' + j.$2.covered + '/' + j.$2.total + ')'" < "$OUT/$1-gcide-eval.json"; }
analogy() { json_field "(100*j.analogies.all.accuracy).toFixed(1) + '% of ' + j.analogies.all.covered" < "$OUT/$1-gcide-eval.json"; }

{
  echo "| | ours (embplay, native, 1 thread) | fastText 0.9.2 skipgram -maxn 0 -thread 1 |"
  echo "|---|---|---|"
  echo "| zipf-1m, words/s (median of $RUNS) | $ours_zipf | $ft_zipf |"
  echo "| GCIDE ($words words, $EPOCHS_REAL epoch), words/s | $ours_real | $ft_real |"
  echo "| GCIDE, WordSim-353 Spearman (pairs covered) | $(score ours wordsim353) | $(score ft wordsim353) |"
  echo "| GCIDE, SimLex-999 Spearman (pairs covered) | $(score ours simlex999) | $(score ft simlex999) |"
  echo "| GCIDE, analogy accuracy (questions covered) | $(analogy ours) | $(analogy ft) |"
} | tee "$OUT/summary.md"
