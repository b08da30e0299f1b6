#!/usr/bin/env bash
# bench/defaults.sh: the settings recommended for a text of a given size (issue 12), run on texts of
# 5,000 to 800,000 words beside today's defaults, for both models. Figures and the reasoning are in
# bench/README.md, section "Defaults by text size".
#
# Next-word model: `embplay train` with no settings (the rule, for the text's token count), then
# with the defaults from before the rule, each printing the kept model's validation
# and test perplexity beside the Kneser-Ney trigram's on the same split and vocabulary, the epochs it
# ran, its training time and the 5 nearest neighbours of a few frequent nouns, by the embedding's
# rows and by the output layer's (the page's Neighbours tab, "input rows" and "output rows").
# word2vec: `embplay word2vec` with no settings (the rule) and with the defaults before it, then
# bench/vector_stats.mjs: have the vectors collapsed (mean cosine of the 300 most frequent words, the
# PCA axes' shares of the spread), and the same nouns' neighbours.
#
#   bench/defaults.sh                     every text (about an hour on 2 cores: the two 800k-word
#                                         texts take most of it)
#   bench/defaults.sh moby-20k sotu-20k   just these (names as bench/texts.sh knows them)
#
# Runs go under $OUT (default build/bench/defaults): one folder per text and run, with the
# per-epoch JSON, the model or vectors, and a table, results.md, of every row so far.
set -euo pipefail
cd "$(dirname "$0")/.."
EMBPLAY=$PWD/build/native/embplay
OUT=${OUT:-$PWD/build/bench/defaults}
[ -x "$EMBPLAY" ] || { echo "build first: ./build.sh build (or cmake, see README)" >&2; exit 2; }
[ $# -gt 0 ] || set -- moby-5k sotu-5k sotu-early-5k kjv-5k moby-20k sotu-20k moby-50k sotu-50k moby-100k sotu-100k sotu-800k kjv

# The rule (bench/README.md, "Defaults by text size") is the core's (src/suggested_settings.cpp):
# `embplay train` and `embplay word2vec` take it for every setting not given, so the rule's runs
# give no settings. Today's defaults, from before the rule, are given in full.
TODAY_TRAIN="--optimizer adam --schedule constant --min-count 2 --max-vocab 5000 --context 2 --dim 32 --hidden 64
  --dropout 0 --weight-decay 0 --lr 0.002 --batch 64 --epochs 15 --patience 0 --warmup 0 --clip 0"
TODAY_WORD2VEC="--sample 1e-4 --epochs 5 --min-count 5"

# Frequent nouns of each text, whose neighbours the table shows.
nouns() {
  case $1 in
    moby-*) echo whale ship sea man boat captain water head ;;
    sotu-*) echo government congress people war country law nation world ;;
    kjv|kjv-*) echo god king land man house son people day ;;
  esac
}

# tokens FILE: the core's count of the text's tokens (a 1-epoch run of a tiny model prints it).
tokens() {
  "$EMBPLAY" train --input "$1" --epochs 1 --dim 2 --hidden 0 --max-vocab 10 |
    sed -n 's/^[0-9]* sentences, \([0-9]*\) tokens.*/\1/p'
}

# stats DIR FILE TEXT: vector_stats.mjs on FILE (a model or vectors) with the text's nouns; for a
# model also on its output rows (stats-output.json).
stats() {
  local args=() w
  for w in $(nouns "$3"); do args+=(--word "$w"); done
  node bench/vector_stats.mjs "$2" "${args[@]}" > "$1/stats.json"
  case $2 in *.json) node bench/vector_stats.mjs "$2" --table output "${args[@]}" > "$1/stats-output.json" ;; esac
}

# row DIR TEXT TOKENS LABEL KIND SETTINGS...: one line of results.md from DIR's run.
row() {
  # shellcheck disable=SC2016  # JavaScript, not shell
  node -e '
    const fs = require("fs");
    const [dir, text, tokens, label, kind, settings] = process.argv.slice(1);
    const st = JSON.parse(fs.readFileSync(dir + "/stats.json", "utf8"));
    const neighbours = (s) => Object.entries(s.neighbours).map(([w, n]) => `${w}: ${n ? n.join(" ") : "(not in the vocabulary)"}`).join("; ");
    const nb = neighbours(st);
    const f = (x) => x.toFixed(1);
    const seconds = fs.readFileSync(dir + "/seconds", "utf8").trim();
    const collapse = `cos ${st.mean_cos.toFixed(2)}, x ${(100 * st.pca_x).toFixed(0)}% y ${(100 * st.pca_y).toFixed(0)}%`;
    if (kind === "train") {
      const last = fs.readFileSync(dir + "/train.jsonl", "utf8").trim().split("\n").map(JSON.parse).pop();
      const vs = 100 * (last.test_perplexity / last.ngram_test_perplexity - 1);
      console.log(`| ${text} | ${tokens} | next-word, ${label} | ${settings ? "before the rule" : "the rule"} | ${last.epochs_trained} (best ${last.best_epoch ?? last.epochs_trained}) | ` +
        `${f(last.valid_perplexity)} / **${f(last.test_perplexity)}** | ${f(last.ngram_test_perplexity)} | ${vs > 0 ? "+" : ""}${vs.toFixed(1)}% | ${seconds} | ${collapse} | ${nb} | ` +
        `${neighbours(JSON.parse(fs.readFileSync(dir + "/stats-output.json", "utf8")))} |`);
    } else {
      console.log(`| ${text} | ${tokens} | word2vec, ${label} | ${settings ? "before the rule" : "the rule"} | | | | | ${seconds} | ${collapse} | ${nb} | |`);
    }' "$@"
}

# run TEXT FILE TOKENS LABEL KIND SETTINGS: trains (KIND train or word2vec), measures, adds the row.
run() {
  local text=$1 file=$2 tokens=$3 label=$4 kind=$5 settings=$6
  local dir="$OUT/$text/$kind-$label" start end
  mkdir -p "$dir"
  start=$(date +%s.%N)
  if [ "$kind" = train ]; then
    # shellcheck disable=SC2086  # the settings are words
    "$EMBPLAY" train --input "$file" --json --save "$dir/model.json" $settings > "$dir/train.jsonl"
    end=$(date +%s.%N)
    stats "$dir" "$dir/model.json" "$text"
  else
    # shellcheck disable=SC2086
    "$EMBPLAY" word2vec --input "$file" --json --save "$dir/vectors.vec" $settings > "$dir/word2vec.jsonl"
    end=$(date +%s.%N)
    stats "$dir" "$dir/vectors.vec" "$text"
  fi
  printf '%.1f\n' "$(echo "$end - $start" | bc)" > "$dir/seconds"
  row "$dir" "$text" "$tokens" "$label" "$kind" "$settings" | tee -a "$OUT/results.md"
}

mkdir -p "$OUT"
{
  echo "$(date -u +%F), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| text | tokens | run | settings | epochs | valid / test ppl | KN-3 test ppl | test vs KN-3 | seconds | collapse (mean cos, PCA x y) | neighbours | neighbours, output rows |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
} > "$OUT/results.md"
cat "$OUT/results.md"
for text in "$@"; do
  file=$(bench/texts.sh --path "$text")
  n=$(tokens "$file")
  run "$text" "$file" "$n" rule train ""
  run "$text" "$file" "$n" today train "$TODAY_TRAIN"
  run "$text" "$file" "$n" rule word2vec ""
  run "$text" "$file" "$n" today word2vec "$TODAY_WORD2VEC"
done
