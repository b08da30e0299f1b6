#!/usr/bin/env node
// Writes the benchmark corpus: a seeded, synthetic text whose word frequencies follow Zipf's law,
// so the benchmarks train on the same 1,000,000 words every time without committing data.
//
//   words      w0 .. w9999; rank r is drawn with probability proportional to 1 / (r + 1)
//   sentences  a uniform length of 5..30 words, each ending with " ." and a newline;
//              the last sentence is cut short so the total is exactly `tokens` words
//   randomness our own mulberry32 generator (never Math.random), so the file is byte-identical
//              on every machine and node version
//
// Usage: node bench/make_corpus.mjs [out-path] [--tokens N] [--types N] [--seed N]
//        default out-path: build/bench/zipf-1m.txt (relative to the repository root)
//
// Idempotent: the parameters are written beside the corpus (<out>.params.json); when they match
// and the corpus has the recorded size, nothing is regenerated.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const DEFAULTS = Object.freeze({
  tokens: 1_000_000,   // words in the corpus (sentence-ending " ." not counted)
  types: 10_000,       // distinct words w0 .. w(types-1)
  exponent: 1.0,       // Zipf exponent s: p(r) ∝ 1 / (r + 1)^s
  minLength: 5,        // words per sentence, uniform in [minLength, maxLength]
  maxLength: 30,
  seed: 20030,
});
export const DEFAULT_PATH = path.join(ROOT, 'build', 'bench', 'zipf-1m.txt');

// mulberry32: a 32-bit state generator, good enough for sampling and trivially reproducible.
function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;  // uniform in [0, 1)
  };
}

// Cumulative Zipf distribution over ranks 0..types-1, normalised to end at 1.
function zipfCdf(types, exponent) {
  const cdf = new Float64Array(types);
  let sum = 0;
  for (let r = 0; r < types; r++) {
    sum += 1 / Math.pow(r + 1, exponent);
    cdf[r] = sum;
  }
  for (let r = 0; r < types; r++) cdf[r] /= sum;
  return cdf;
}

// Smallest rank whose cumulative probability exceeds u (binary search).
function sampleRank(cdf, u) {
  let lo = 0, hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] > u) hi = mid; else lo = mid + 1;
  }
  return lo;
}

export function makeCorpusText(params = DEFAULTS) {
  const { tokens, types, exponent, minLength, maxLength, seed } = params;
  const rand = mulberry32(seed);
  const cdf = zipfCdf(types, exponent);
  const words = Array.from({ length: types }, (_, r) => `w${r}`);
  const lines = [];
  let written = 0;
  while (written < tokens) {
    const drawn = minLength + Math.floor(rand() * (maxLength - minLength + 1));
    const length = Math.min(drawn, tokens - written);
    const sentence = new Array(length);
    for (let i = 0; i < length; i++) sentence[i] = words[sampleRank(cdf, rand())];
    lines.push(sentence.join(' ') + ' .\n');
    written += length;
  }
  return { text: lines.join(''), sentences: lines.length, tokens: written };
}

// Writes the corpus unless an identical one is already there. Returns a summary.
export function ensureCorpus(outPath = DEFAULT_PATH, overrides = {}) {
  const params = { ...DEFAULTS, ...overrides };
  const sidecar = `${outPath}.params.json`;
  try {
    const recorded = JSON.parse(fs.readFileSync(sidecar, 'utf8'));
    const sameParams = JSON.stringify(recorded.params) === JSON.stringify(params);
    if (sameParams && fs.statSync(outPath).size === recorded.bytes) {
      return { path: outPath, reused: true, ...recorded };
    }
  } catch { /* missing or unreadable: regenerate */ }

  const { text, sentences, tokens } = makeCorpusText(params);
  fs.mkdirSync(path.dirname(outPath), { recursive: true });
  const bytes = Buffer.byteLength(text);
  fs.writeFileSync(outPath, text);
  const record = { params, sentences, tokens, bytes };
  fs.writeFileSync(sidecar, JSON.stringify(record, null, 2) + '\n');
  return { path: outPath, reused: false, ...record };
}

function parseArgs(argv) {
  let outPath = DEFAULT_PATH;
  const overrides = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const flag = /^--(tokens|types|seed)$/.exec(arg);
    if (flag) {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 0) throw new Error(`${arg} needs a non-negative integer`);
      overrides[flag[1]] = value;
    } else if (arg.startsWith('--')) {
      throw new Error(`unknown option ${arg}`);
    } else {
      outPath = path.resolve(arg);
    }
  }
  return { outPath, overrides };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  const { outPath, overrides } = parseArgs(process.argv.slice(2));
  const summary = ensureCorpus(outPath, overrides);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`${summary.reused ? 'reused' : 'wrote'} ${path.relative(process.cwd(), summary.path)}: ` +
    `${summary.tokens} words, ${summary.sentences} sentences, ${summary.bytes} bytes (${seconds.toFixed(2)} s)`);
}
