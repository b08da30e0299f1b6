#!/usr/bin/env node
// bench/vector_stats.mjs: has a set of word vectors collapsed? Reads a word2vec text file (.vec, the
// words most frequent first, as `embplay word2vec --save` writes them) or a next-word model's JSON
// (`embplay train --save`; <pad> and <unk> are left out), and prints one JSON line:
//
//   words        how many vectors the file holds
//   top          how many of the most frequent words the figures below use (--top, default 300,
//                the page's default map)
//   mean_cos     mean cosine over all pairs of those words: near 1 when every vector points the
//                same way (collapsed), about 0.1-0.4 for healthy vectors (frequent words share a
//                common direction)
//   pca_x, pca_y share of the spread (variance of the centred vectors) on the first and second
//                PCA axis, as the page's map caption computes it ("x keeps 97%, y 0%")
//   neighbours   for each --word, its 5 nearest words by cosine among all vectors
//
// With --table output, a model's output rows (weights.w2: each word's row of the softmax) are the
// vectors instead of its embedding (the page's Neighbours tab, "output rows").
//
//   node bench/vector_stats.mjs FILE [--top 300] [--table input|output] [--word whale --word ship ...]
import { readFileSync } from 'node:fs';

function parseArgs(argv) {
  const args = { file: null, top: 300, words: [], table: 'input' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--top') args.top = Number(argv[++i]);
    else if (argv[i] === '--table') args.table = argv[++i];
    else if (argv[i] === '--word') args.words.push(argv[++i]);
    else args.file = argv[i];
  }
  if (!args.file || !(args.top >= 2) || !['input', 'output'].includes(args.table)) {
    console.error('usage: node bench/vector_stats.mjs FILE [--top N >= 2] [--table input|output] [--word W ...]');
    process.exit(2);
  }
  return args;
}

// {words: string[], vectors: Float64Array[]} from a word2vec text file or a model JSON.
function readVectors(file, table) {
  const text = readFileSync(file, 'utf8');
  if (text.trimStart().startsWith('{')) {
    const model = JSON.parse(text);
    const { rows, cols, f32le } = table === 'output' ? model.weights.w2 : model.weights.embed;
    const bytes = Buffer.from(f32le, 'base64');
    const all = new Float32Array(bytes.buffer, bytes.byteOffset, rows * cols);
    const words = [], vectors = [];
    model.vocab.words.forEach((w, i) => {
      if (w === '<pad>' || w === '<unk>') return;
      words.push(w);
      vectors.push(Float64Array.from(all.subarray(i * cols, (i + 1) * cols)));
    });
    // The vocabulary is in id order, which is by count already; sort to be sure.
    const counts = model.vocab.counts.filter((_, i) => !['<pad>', '<unk>'].includes(model.vocab.words[i]));
    const order = words.map((_, i) => i).sort((a, b) => counts[b] - counts[a]);
    return { words: order.map((i) => words[i]), vectors: order.map((i) => vectors[i]) };
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const body = /^\d+ \d+$/.test(lines[0].trim()) ? lines.slice(1) : lines;
  const words = [], vectors = [];
  for (const line of body) {
    const parts = line.trim().split(/\s+/);
    words.push(parts[0]);
    vectors.push(Float64Array.from(parts.slice(1), Number));
  }
  return { words, vectors };
}

const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);
const unit = (v) => { const n = Math.sqrt(dot(v, v)) || 1; return v.map((x) => x / n); };

function meanPairwiseCosine(units) {
  let sum = 0, pairs = 0;
  for (let i = 0; i < units.length; i++) {
    for (let j = i + 1; j < units.length; j++) { sum += dot(units[i], units[j]); pairs++; }
  }
  return sum / pairs;
}

// The two largest eigenvalues of the centred vectors' covariance, as shares of its trace, by
// power iteration with deflation (d is at most a few hundred, so this is instant).
function pcaShares(vectors) {
  const n = vectors.length, d = vectors[0].length;
  const mean = new Float64Array(d);
  for (const v of vectors) v.forEach((x, k) => { mean[k] += x / n; });
  const centred = vectors.map((v) => v.map((x, k) => x - mean[k]));
  const cov = Array.from({ length: d }, () => new Float64Array(d));
  for (const v of centred) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a][b] += v[a] * v[b];
  const trace = cov.reduce((s, row, a) => s + row[a], 0) || 1e-30;
  const shares = [];
  for (let axis = 0; axis < 2; axis++) {
    let x = Float64Array.from({ length: d }, (_, k) => 1 + k / d);
    let lambda = 0;
    for (let it = 0; it < 500; it++) {
      const y = cov.map((row) => dot(row, x));
      lambda = Math.sqrt(dot(y, y));
      if (lambda === 0) break;
      x = y.map((v) => v / lambda);
    }
    shares.push(lambda / trace);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a][b] -= lambda * x[a] * x[b];
  }
  return shares;
}

const args = parseArgs(process.argv.slice(2));
const { words, vectors } = readVectors(args.file, args.table);
const top = Math.min(args.top, words.length);
const units = vectors.map(unit);
const [pcaX, pcaY] = pcaShares(vectors.slice(0, top));
const neighbours = {};
for (const w of args.words) {
  const i = words.indexOf(w);
  if (i < 0) { neighbours[w] = null; continue; }
  neighbours[w] = units.map((u, j) => [j, dot(u, units[i])]).filter(([j]) => j !== i)
    .sort((a, b) => b[1] - a[1]).slice(0, 5).map(([j]) => words[j]);
}
const round = (x) => Math.round(x * 1000) / 1000;
console.log(JSON.stringify({
  words: words.length, top, mean_cos: round(meanPairwiseCosine(units.slice(0, top))),
  pca_x: round(pcaX), pca_y: round(pcaY), neighbours,
}));
