#!/usr/bin/env bash
# bench/defaults.sh: the settings recommended for a text of a given size (issue 12), run on texts of
# 5,000 to 800,000 words beside today's defaults, for both models. Figures and the reasoning are in
# bench/README.md, section "Defaults by text size".
#
# Next-word model: `embplay train` with the settings `suggest_train` gives for the text's token
# count, then with no settings at all (today's defaults), each printing the kept model's validation
# and test perplexity beside the Kneser-Ney trigram's on the same split and vocabulary, the epochs it
# ran, its training time and the 5 nearest neighbours of a few frequent nouns.
# word2vec: `embplay word2vec` with `suggest_word2vec`'s settings and with today's defaults, then
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
[ $# -gt 0 ] || set -- moby-5k sotu-5k moby-20k sotu-20k moby-50k sotu-50k moby-100k sotu-100k sotu-800k kjv

# The rule (bench/README.md, "Defaults by text size"), on the number of tokens in the whole text.
TOO_SMALL=10000  # below this many tokens: say that the text is too small to learn much from

# suggest_train TOKENS: the next-word model's settings, in three bands: small texts want a small,
# heavily regularised model trained for many short epochs; large ones a longer context and a bigger
# model for a few long epochs. Early stopping keeps the best epoch's weights in every band.
suggest_train() {
  local common=(--optimizer adam --schedule linear --min-count 3 --max-vocab 8000)
  if [ "$1" -lt 35000 ]; then
    echo "${common[@]}" --context 2 --dim 64 --hidden 128 --dropout 0.5 --weight-decay 0.1 \
      --lr 0.003 --batch 32 --epochs 25 --patience 3
  elif [ "$1" -lt 300000 ]; then
    echo "${common[@]}" --context 3 --dim 128 --hidden 128 --dropout 0.3 --weight-decay 0.1 \
      --lr 0.003 --batch 32 --epochs 12 --patience 3
  else
    echo "${common[@]}" --context 8 --dim 128 --hidden 256 --dropout 0.1 --weight-decay 0.05 \
      --lr 0.002 --batch 128 --epochs 6 --patience 2 --warmup 0.02 --clip 5
  fi
}

# suggest_word2vec TOKENS: word2vec's settings: enough epochs for about 2 million words seen (5 to
# 50 epochs), and subsampling at 1e-3 rather than 1e-4, which on a small text throws most of it away.
suggest_word2vec() {
  local epochs=$(( (2000000 + $1 / 2) / $1 ))
  [ "$epochs" -ge 5 ] || epochs=5
  [ "$epochs" -le 50 ] || epochs=50
  echo --sample 1e-3 --epochs "$epochs" --min-count "$([ "$1" -lt "$TOO_SMALL" ] && echo 3 || echo 5)"
}

# Frequent nouns of each text, whose neighbours the table shows.
nouns() {
  case $1 in
    moby-*) echo whale ship sea man boat captain water head ;;
    sotu-*) echo government congress people war country law nation world ;;
    kjv) echo god king land man house son people day ;;
  esac
}

# tokens FILE: the core's count of the text's tokens (a 1-epoch run of a tiny model prints it).
tokens() {
  "$EMBPLAY" train --input "$1" --epochs 1 --dim 2 --hidden 0 --max-vocab 10 |
    sed -n 's/^[0-9]* sentences, \([0-9]*\) tokens.*/\1/p'
}

# stats DIR FILE TEXT: vector_stats.mjs on FILE (a model or vectors) with the text's nouns.
stats() {
  local args=() w
  for w in $(nouns "$3"); do args+=(--word "$w"); done
  node bench/vector_stats.mjs "$2" "${args[@]}" > "$1/stats.json"
}

# row DIR TEXT TOKENS LABEL KIND SETTINGS...: one line of results.md from DIR's run.
row() {
  # shellcheck disable=SC2016  # JavaScript, not shell
  node -e '
    const fs = require("fs");
    const [dir, text, tokens, label, kind, settings] = process.argv.slice(1);
    const st = JSON.parse(fs.readFileSync(dir + "/stats.json", "utf8"));
    const nb = Object.entries(st.neighbours).map(([w, n]) => `${w}: ${n ? n.join(" ") : "(not in the vocabulary)"}`).join("; ");
    const f = (x) => x.toFixed(1);
    const seconds = fs.readFileSync(dir + "/seconds", "utf8").trim();
    const collapse = `cos ${st.mean_cos.toFixed(2)}, x ${(100 * st.pca_x).toFixed(0)}% y ${(100 * st.pca_y).toFixed(0)}%`;
    if (kind === "train") {
      const last = fs.readFileSync(dir + "/train.jsonl", "utf8").trim().split("\n").map(JSON.parse).pop();
      const vs = 100 * (last.test_perplexity / last.ngram_test_perplexity - 1);
      console.log(`| ${text} | ${tokens} | next-word, ${label} | ${settings || "(none)"} | ${last.epochs_trained} (best ${last.best_epoch ?? last.epochs_trained}) | ` +
        `${f(last.valid_perplexity)} / **${f(last.test_perplexity)}** | ${f(last.ngram_test_perplexity)} | ${vs > 0 ? "+" : ""}${vs.toFixed(1)}% | ${seconds} | ${collapse} | ${nb} |`);
    } else {
      console.log(`| ${text} | ${tokens} | word2vec, ${label} | ${settings || "(none)"} | | | | | ${seconds} | ${collapse} | ${nb} |`);
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
  echo "| text | tokens | run | settings | epochs | valid / test ppl | KN-3 test ppl | test vs KN-3 | seconds | collapse (mean cos, PCA x y) | neighbours |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} > "$OUT/results.md"
cat "$OUT/results.md"
for text in "$@"; do
  file=$(bench/texts.sh --path "$text")
  n=$(tokens "$file")
  [ "$n" -ge "$TOO_SMALL" ] || echo "$text: $n tokens, below $TOO_SMALL: the page would say the text is too small" >&2
  run "$text" "$file" "$n" rule train "$(suggest_train "$n")"
  run "$text" "$file" "$n" today train ""
  run "$text" "$file" "$n" rule word2vec "$(suggest_word2vec "$n")"
  run "$text" "$file" "$n" today word2vec ""
done
