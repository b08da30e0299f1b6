// Asking the geometry through the module: analogies on a planted vector set, neighbours by either
// metric, k-means on separated blobs, t-SNE in steps (and its bad input), and PCA aligned to the
// previous frame. The vectors come in as a small GloVe text, as a user's file would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { Module, root, sessionWith as sessionOf } from './load-module.mjs';
import { matchClusters } from '../../web/page/cluster-match.js';

const call = (text) => JSON.parse(text);

// A session holding the vectors of `lines` (GloVe text), streamed in small chunks.
const sessionWith = (lines) => sessionOf(Module, lines, 64);

// Gender on one axis, royalty on another: king - man + woman is exactly queen.
const PLANTED = [
  'king 1 1 0.1 0',
  'queen 1 -1 0.1 0',
  'man 0 1 0.1 0',
  'woman 0 -1 0.1 0',
  'prince 0.8 1 0.3 0.1',
  'apple 0 0 1 0.2',
  'car 0 0 0.2 1',
  'road 0.1 0 0.3 0.9',
];

// `blobs` groups of `size` points around far-apart centres in 4 dimensions; seeded.
function blobLines(blobs = 3, size = 12, seed = 5) {
  let state = seed;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32 - 0.5; };
  const lines = [];
  for (let b = 0; b < blobs; b += 1) {
    for (let i = 0; i < size; i += 1) {
      const v = [0, 0, 0, 0].map((_, d) => (d === b ? 10 : 0) + 0.3 * next());
      lines.push(`b${b}w${i} ${v.map((x) => x.toFixed(4)).join(' ')}`);
    }
  }
  return lines;
}

test('analogies return the planted answer, with scores, never an input word', () => {
  const s = sessionWith(PLANTED);
  for (const method of ['3CosAdd', '3CosMul']) {
    const r = call(s.analogy('king', 'man', 'woman', 3, method));
    assert.ok(!r.error, r.error);
    assert.deepEqual(r.words, ['king', 'man', 'woman']);
    assert.equal(r.method, method);
    assert.equal(r.answers[0].word, 'queen', `${method}: ${JSON.stringify(r.answers)}`);
    assert.equal(r.answers.length, 3);
    for (let i = 1; i < r.answers.length; i += 1) assert.ok(r.answers[i - 1].score >= r.answers[i].score);
    for (const a of r.answers) assert.ok(!['king', 'man', 'woman'].includes(a.word));
  }
  assert.match(call(s.analogy('king', 'man', 'nosuchword', 3, '3CosAdd')).error, /not in the vocabulary/);
  assert.match(call(s.analogy('king', 'man', 'woman', 3, 'cosine')).error, /3CosAdd or 3CosMul/);
  s.delete();
});

test('neighbours by cosine or euclidean distance', () => {
  const s = sessionWith(PLANTED);
  const cos = call(s.neighborsBy('car', 2, 'cosine', 'input'));
  assert.equal(cos.metric, 'cosine');
  assert.equal(cos.neighbors[0].word, 'road');
  const euc = call(s.neighborsBy('car', 7, 'euclidean', 'input'));
  assert.equal(euc.metric, 'euclidean');
  for (let i = 1; i < euc.neighbors.length; i += 1) assert.ok(euc.neighbors[i - 1].distance <= euc.neighbors[i].distance);
  assert.match(call(s.neighborsBy('car', 2, 'manhattan', 'input')).error, /cosine or euclidean/);
  assert.deepEqual(call(s.neighbors('car', 2)).neighbors.map((n) => n.word), cos.neighbors.map((n) => n.word));
  s.delete();
});

test('k-means separates blobs and names each cluster by its central words', () => {
  const s = sessionWith(blobLines());
  const { words } = call(s.words(36));
  const r = s.kmeans(36, 3, 1, null);
  assert.ok(!r.error, r.error);
  assert.ok(r.assignment instanceof Int32Array);
  assert.equal(r.assignment.length, 36);
  const clusterOf = new Map();
  words.forEach((w, i) => {
    const blob = w.slice(0, 2);
    if (!clusterOf.has(blob)) clusterOf.set(blob, r.assignment[i]);
    assert.equal(r.assignment[i], clusterOf.get(blob), `${w} is with its blob`);
  });
  assert.equal(new Set(clusterOf.values()).size, 3);
  assert.equal(r.central.length, 3);
  for (const [c, members] of r.central.entries()) {
    assert.ok(members.length >= 1 && members.length <= 5);
    for (const w of members) assert.equal(r.assignment[words.indexOf(w)], c);
  }
  assert.match(s.kmeans(36, 0, 1, null).error, /between 1 and/);
  assert.match(s.kmeans(36, 37, 1, null).error, /between 1 and/);
  s.delete();
});

test('t-SNE runs in steps to finite coordinates; bad settings are refused and the last layout stays', () => {
  const s = sessionWith(blobLines(3, 12));
  const started = call(s.tsneStart(36, JSON.stringify({ perplexity: 5, iterations: 120, seed: 3 })));
  assert.equal(started.ok, true, JSON.stringify(started));
  assert.equal(started.warm, false);
  const first = s.tsneStep(50);
  assert.ok(!first.error, first.error);
  assert.ok(first.coords instanceof Float32Array);
  assert.equal(first.coords.length, 72);
  assert.ok(first.coords.every(Number.isFinite));
  assert.equal(first.iteration, 50);
  assert.equal(first.done, false);
  const last = s.tsneStep(500);
  assert.equal(last.iteration, 120);
  assert.equal(last.done, true);

  assert.match(call(s.tsneStart(36, JSON.stringify({ perplexity: 30 }))).error, /perplexity/i);
  assert.match(call(s.tsneStart(3, JSON.stringify({ perplexity: 2 }))).error, /at least 4/);
  assert.match(call(s.tsneStart(36, JSON.stringify({ perplexity: 1 }))).error, /t-SNE option perplexity must be a number from 2 to 100, not 1/);
  assert.match(call(s.tsneStart(36, JSON.stringify({ perplexity: 5, colour: 'red' }))).error, /unknown t-SNE option: colour/);
  assert.match(call(s.tsneStart(36, 'nope')).error, /JSON/);
  const kept = s.tsneStep(0);
  assert.deepEqual(Array.from(kept.coords), Array.from(last.coords), 'the last good layout is kept');

  const warm = call(s.tsneStart(36, JSON.stringify({ perplexity: 5, iterations: 50 })));
  assert.equal(warm.warm, true, 'the same words warm-start from the last layout');
  assert.deepEqual(Array.from(s.tsneStep(0).coords), Array.from(last.coords));
  s.delete();
  const empty = new Module.Workspace();
  assert.match(empty.tsneStep(1).error, /tsneStart/);
  empty.delete();
});

test('t-SNE and k-means options come with schemas: one default, one range, checked by the module at both ends', () => {
  const tsne = call(Module.tsneSchema());
  const field = (schema, name) => schema.find((f) => f.name === name);
  assert.deepEqual([field(tsne, 'perplexity').min, field(tsne, 'perplexity').max, field(tsne, 'perplexity').default], [2, 100, 30]);
  assert.equal(field(tsne, 'iterations').type, 'int');
  assert.equal(field(tsne, 'learning_rate').default, 0);
  assert.equal(field(tsne, 'seed').type, 'int');
  const kmeans = call(Module.kmeansSchema());
  assert.deepEqual([field(kmeans, 'k').min, field(kmeans, 'k').max], [1, 8]);
  assert.ok(field(kmeans, 'seed'));
  // Each end of every t-SNE range is accepted and refused just past it (36 points: perplexity up to 11).
  const s = sessionWith(blobLines(3, 12));
  const base = { perplexity: 5, iterations: 50 };
  for (const f of tsne.filter((x) => x.type === 'int' || x.type === 'float')) {
    if (f.name === 'perplexity') continue;  // its top end is refused for 36 points: checked below
    const step = f.type === 'int' ? 1 : (f.max - f.min) / 1000;
    for (const ok of [f.min, f.max]) {
      const r = call(s.tsneStart(36, JSON.stringify({ ...base, [f.name]: ok })));
      assert.equal(r.ok, true, `${f.name} = ${ok}: ${r.error}`);
    }
    for (const bad of [f.min - step, f.max + step])
      assert.match(call(s.tsneStart(36, JSON.stringify({ ...base, [f.name]: bad }))).error, new RegExp(`${f.name} must be`), `${f.name} = ${bad}`);
  }
  assert.match(call(s.tsneStart(36, JSON.stringify({ perplexity: 100 }))).error, /perplexity 100 is too large for 36 points/);
  assert.match(call(s.tsneStart(36, JSON.stringify({ perplexity: 100.5 }))).error, /perplexity must be a number from 2 to 100/);
  // The seed reaches the core: a random start differs with it and repeats with it.
  const layout = (seed) => {
    call(s.tsneStart(30, JSON.stringify({ perplexity: 5, iterations: 50, random_init: true, seed })));
    return Array.from(s.tsneStep(50).coords);
  };
  const a = layout(4);
  call(s.tsneStart(29, '{"perplexity": 5}'));  // other words: the next start is not a warm one
  assert.deepEqual(layout(4), a);
  call(s.tsneStart(29, '{"perplexity": 5}'));
  assert.notDeepEqual(layout(5), a);
  assert.match(s.kmeans(36, 9, 1, null).error, /k-means option k must be a whole number from 1 to 8/);
  assert.match(s.kmeans(36, 3, -1, null).error, /k-means option seed must be/);
  s.delete();
});

test('aligned PCA matches the previous frame: a flipped copy is turned back', () => {
  const s = sessionWith(blobLines(3, 8));
  const plain = s.pca(24).coords;
  assert.deepEqual(Array.from(s.pcaAligned(24, null).coords), Array.from(plain));
  const flipped = plain.map((v) => -v);
  const aligned = s.pcaAligned(24, flipped).coords;
  for (let i = 0; i < aligned.length; i += 1) assert.ok(Math.abs(aligned[i] - flipped[i]) < 1e-4, `coordinate ${i}`);
  s.delete();
});

test('vectorsOf copies the shown words\' vectors; pcaOf of that copy is the PCA of the words, and aligns to a previous frame', () => {
  const s = sessionWith(PLANTED);
  const v = s.vectorsOf(6);
  assert.equal(v.rows, 6);
  assert.equal(v.dim, 4);
  assert.ok(v.vectors instanceof Float32Array && v.vectors.length === 24);
  assert.deepEqual(Array.from(v.vectors.subarray(0, 4)).map((x) => +x.toFixed(3)), [1, 1, 0.1, 0]);  // king
  const direct = s.pcaAligned(6, null).coords;
  const copy = s.pcaOf(v.vectors, v.rows, v.dim, null).coords;
  for (let j = 0; j < 12; j += 1) assert.ok(Math.abs(direct[j] - copy[j]) < 1e-4, `coordinate ${j}: ${direct[j]} vs ${copy[j]}`);
  // Aligned to a mirrored copy of itself, it comes back mirrored.
  const mirrored = copy.map((x, j) => (j % 2 === 0 ? -x : x));
  const aligned = s.pcaOf(v.vectors, v.rows, v.dim, mirrored).coords;
  for (let j = 0; j < 12; j += 1) assert.ok(Math.abs(aligned[j] - mirrored[j]) < 1e-4, `aligned ${j}`);
  assert.equal(s.pcaOf(v.vectors, v.rows, 5, null).coords, undefined, 'a wrong shape gives nothing');
  s.delete();
});

test('a chosen list of word ids (a search result) is what words, PCA, k-means and t-SNE work on', () => {
  const s = sessionWith([...blobLines(3, 12), 'zero1 0 0 0 0', 'zero2 0 0 0 0', 'zero3 0 0 0 0']);
  const top = call(s.words(39));
  assert.equal(top.ids.length, 39);
  const idOf = new Map(top.words.map((w, i) => [w, top.ids[i]]));
  // Blob 1's words, in an order of our own.
  const chosen = top.words.filter((w) => w.startsWith('b1')).reverse();
  const ids = Int32Array.from(chosen, (w) => idOf.get(w));
  const picked = call(s.words(ids));
  assert.deepEqual(picked.words, chosen);
  assert.deepEqual(picked.ids, Array.from(ids));
  const pca = s.pcaAligned(ids.slice(), null);
  assert.ok(!pca.error, pca.error);
  assert.equal(pca.coords.length, 2 * chosen.length);
  // The same words as the top-N path would give them: PCA of exactly these vectors.
  const v = s.vectorsOf(39);
  const rows = new Float32Array(chosen.length * 4);
  chosen.forEach((w, i) => rows.set(v.vectors.subarray(top.words.indexOf(w) * 4, top.words.indexOf(w) * 4 + 4), i * 4));
  const direct = s.pcaOf(rows, chosen.length, 4, null).coords;
  for (let j = 0; j < direct.length; j += 1) assert.ok(Math.abs(direct[j] - pca.coords[j]) < 1e-4, `coordinate ${j}`);
  const km = s.kmeans(ids.slice(), 2, 1, null);
  assert.ok(!km.error, km.error);
  assert.equal(km.assignment.length, chosen.length);
  for (const members of km.central) for (const w of members) assert.ok(chosen.includes(w), w);
  const tsne = call(s.tsneStart(ids.slice(), JSON.stringify({ perplexity: 3, iterations: 60 })));
  assert.equal(tsne.ok, true, JSON.stringify(tsne));
  assert.equal(tsne.n, chosen.length);
  assert.equal(s.tsneStep(100).coords.length, 2 * chosen.length);

  // Bad choices: a message each, and nothing else changes.
  const few = Int32Array.from(chosen.slice(0, 2), (w) => idOf.get(w));
  assert.match(s.pcaAligned(few, null).error, /2 words are too few for PCA: it needs at least 3/);
  assert.match(call(s.tsneStart(Int32Array.from(chosen.slice(0, 3), (w) => idOf.get(w)), '{"perplexity": 2}')).error, /3 words are too few for t-SNE: it needs at least 4/);
  assert.match(call(s.tsneStart(ids.slice(), '{"perplexity": 30}')).error, /perplexity 30 is too large for 12 points/);
  const zeros = Int32Array.from(['zero1', 'zero2', 'zero3'], (w) => idOf.get(w));
  assert.match(s.pcaAligned(zeros, null).error, /all 3 words have the same vector \(zero\)/);
  assert.match(call(s.tsneStart(Int32Array.from([...zeros, zeros[0] + 0]), '{"perplexity": 2}')).error, /chosen twice/);
  assert.match(s.pcaAligned(Int32Array.from([1, ids[0], ids[1]]), null).error, /word id 1 is not a word/);
  assert.match(call(s.words(Int32Array.from([99999]))).error, /word id 99999/);
  assert.match(call(s.words('three')).error, /Int32Array of word ids/);
  assert.equal(s.tsneStep(0).coords.length, 2 * chosen.length, 'the last good t-SNE stays');
  s.delete();
});

// A run on a small made-up language whose clusters drift while it trains, as the page's do.
function driftingRun() {
  const subjects = ['cat', 'dog', 'bird', 'fox', 'king', 'queen', 'friend', 'horse', 'wolf', 'mouse', 'goat', 'lion'];
  const verbs = ['sees', 'likes', 'follows', 'finds', 'hears', 'meets', 'chases', 'helps'];
  const places = ['garden', 'house', 'river', 'forest', 'field', 'hill', 'town', 'lake'];
  const adjectives = ['old', 'small', 'big', 'green', 'quiet', 'dark'];
  let state = 99;
  const pick = (list) => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return list[Math.floor((state / 2 ** 32) * list.length)]; };
  const text = Array.from({ length: 1500 }, (_, i) => (i % 2
    ? `the ${pick(subjects)} ${pick(verbs)} the ${pick(subjects)} by the ${pick(adjectives)} ${pick(places)}.`
    : `a ${pick(adjectives)} ${pick(subjects)} lived in the ${pick(places)}.`)).join(' ');
  const s = new Module.Workspace();
  assert.equal(call(s.start(text, JSON.stringify({ context: 2, dim: 16, hidden: 32, optimizer: 'adam', lr: 0.01, batch: 32, epochs: 20, seed: 3 }))).ok, true);
  return { s, words: call(s.words(100)).words };
}

test('fresh clusters are numbered by their most frequent word: recomputes keep the colours of clusters that held', () => {
  const { s, words } = driftingRun();
  const k = 5;
  const agree = (assignment, previous) => words.filter((w, i) => assignment[i] === previous.get(w)).length;
  const mapOf = (assignment) => new Map(words.map((w, i) => [w, assignment[i]]));
  call(s.step(3000));
  let shown = mapOf(s.kmeans(100, k, 1, null).assignment);
  let kept = 0;
  const rounds = 10;
  for (let r = 0; r < rounds; r += 1) {
    call(s.step(500));
    const raw = s.kmeans(100, k, 1, null).assignment;
    // Cluster c's first word comes before cluster c + 1's: the numbers depend on the partition alone.
    const firsts = Array.from({ length: k }, (_, c) => raw.indexOf(c));
    assert.deepEqual(firsts, [...firsts].sort((a, b) => a - b), `round ${r}: numbered by first word`);
    assert.equal(raw[0], 0);
    // The page's matching (used while it follows training) never keeps fewer words in place.
    const matched = matchClusters(shown, words, raw, k);
    assert.ok(agree(matched.assignment, shown) >= agree(raw, shown), `round ${r}: the matching never keeps fewer words`);
    kept += agree(raw, shown);
    shown = mapOf(raw);
  }
  assert.ok(kept >= 0.8 * rounds * words.length, `${kept} of ${rounds * words.length} word-rounds kept their colour`);
  s.delete();
});

test('clusters that follow the last ones (a start) keep their numbers while training', () => {
  const { s, words } = driftingRun();
  const k = 5;
  call(s.step(3000));
  let last = s.kmeans(100, k, 1, null).assignment;
  let kept = 0;
  const rounds = 10;
  for (let r = 0; r < rounds; r += 1) {
    call(s.step(500));
    const next = s.kmeans(100, k, 1, last).assignment;
    kept += next.filter((c, i) => c === last[i]).length;
    last = next;
  }
  assert.ok(kept >= 0.95 * rounds * words.length, `${kept} of ${rounds * words.length} word-rounds kept their cluster`);
  assert.match(s.kmeans(100, k, 1, new Int32Array(3)).error, /a start of 3 clusters for \d+ vectors/);
  s.delete();
});
