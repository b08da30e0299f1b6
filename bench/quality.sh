#!/usr/bin/env bash
# bench/quality.sh: does the neural model beat an interpolated Kneser-Ney trigram on real text?
#
# Text: the King James Version of the Bible (1611; its copyright has long expired, see the package's
# copyright file), about 790,000 words, from Debian's bible-kjv-text package, read out with the
# bible tool of the bible-kjv package. bench/texts.sh fetches both packages with `apt-get download`
# into a cache folder and unpacks them there (nothing is installed, nothing is committed).
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

[ -x "$EMBPLAY" ] || { echo "build first: ./build.sh build (or cmake, see README)" >&2; exit 2; }

TEXT=$(bench/texts.sh --path kjv)
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
