#!/usr/bin/env bash
# bench/quality.sh: does the neural model beat an interpolated Kneser-Ney trigram on real text?
#
# Text: the King James Version of the Bible (1611; its copyright has long expired, see the package's
# copyright file), about 790,000 words, from Debian's bible-kjv-text package, read out with the
# bible tool of the bible-kjv package. Both packages are fetched with `apt-get download` into a
# cache folder and unpacked there (nothing is installed, nothing is committed).
#
# Both models see the same sentences: `embplay train` splits the text by sentence (seeded shuffle,
# 80/10/10), builds the vocabulary on the training split, trains the neural model, and reports the
# test perplexity of the kept (best-validation) model beside the Kneser-Ney trigram's on the same
# split and vocabulary. Figures and settings go in bench/README.md, section "Quality".
#
#   bench/quality.sh              the settings below
#   bench/quality.sh --epochs 2   any embplay setting overrides them
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=${EMBPLAY_BENCH_CACHE:-$ROOT/build/bench-data}
EMBPLAY=$ROOT/build/native/embplay
TEXT=$CACHE/kjv.txt

[ -x "$EMBPLAY" ] || { echo "build first: ./build.sh build (or cmake, see README)" >&2; exit 2; }

if [ ! -s "$TEXT" ]; then
  mkdir -p "$CACHE/debs" "$CACHE/root"
  ( cd "$CACHE/debs" && apt-get download bible-kjv-text bible-kjv >/dev/null 2>&1 ) || {
    echo "cannot download bible-kjv-text and bible-kjv: run 'apt-get update' first" >&2; exit 2; }
  for deb in "$CACHE"/debs/*.deb; do dpkg-deb -x "$deb" "$CACHE/root"; done
  grep -q "copyright for the King James Version text of the Bible is expired" \
    "$CACHE/root/usr/share/doc/bible-kjv-text/copyright"
  # Whole Bible, one verse per line once wrapped lines are joined; chapter headings and verse
  # numbers dropped.
  "$CACHE/root/usr/bin/bible" -p "$CACHE/root/usr/lib" "gen1:1-rev22:21" |
    awk '/^  *[0-9]+ / { if (verse) print verse; sub(/^ *[0-9]+ /, ""); verse = $0; next }
         /^$/ || /^[1-3]? ?[A-Z][a-z]+( [A-Z][a-z]+)* [0-9]+$/ { next }
         { verse = verse " " $0 }
         END { if (verse) print verse }' > "$TEXT.tmp"
  mv "$TEXT.tmp" "$TEXT"
fi
echo "text: $TEXT, $(wc -w < "$TEXT") words"

# Settings (bench/README.md, "Quality", with the tuning runs that chose them on validation
# perplexity): Bengio et al.'s architecture (tanh hidden layer, no direct connections) with an
# 8-word context, regularised by dropout and decoupled weight decay; 6 epochs take about 15 minutes
# on 2 cores.
SETTINGS=(--context 8 --dim 128 --hidden 384 --direct false --max-vocab 8000 --min-count 3
          --optimizer adam --lr 0.002 --batch 128 --epochs 6 --schedule linear --warmup 0.02 --clip 5
          --dropout 0.1 --weight-decay 0.1
          --patience 2 --split shuffle --valid-fraction 0.1 --test-fraction 0.1 --ngram-order 3 --seed 1)
start=$(date +%s)
"$EMBPLAY" train --input "$TEXT" "${SETTINGS[@]}" "$@" | tee "$CACHE/quality.log"
echo "wall time: $(( $(date +%s) - start )) s"
