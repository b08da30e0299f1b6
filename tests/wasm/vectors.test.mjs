// The module's other sources of vectors: word2vec trained through it, vector files streamed in and
// written out in every format, and the standard evaluation sets run on what it holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { Module, root } from './load-module.mjs';

const call = (text) => JSON.parse(text);
const evalDir = path.join(root, 'tests/data/eval');

// Topics that word2vec can tell apart: words of one topic share sentences. Seeded.
function topics(sentences = 1500) {
  const groups = [['cat', 'dog', 'mouse', 'horse'], ['red', 'green', 'blue', 'yellow'], ['one', 'two', 'three', 'four']];
  let state = 99;
  const next = () => { state = (state * 1103515245 + 12345) % 2147483648; return state; };
  const out = [];
  for (let i = 0; i < sentences; i += 1) {
    const g = groups[(next() >>> 8) % groups.length];
    out.push(`${Array.from({ length: 6 }, () => g[(next() >>> 8) % g.length]).join(' ')}.`);
  }
  return out.join(' ');
}

// Streams `data` into a session in chunks of `size` bytes; returns importFinish()'s reply.
function importText(session, data, { format = 'auto', size = 7, metadata = null, maxWords = 20000 } = {}) {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const begun = call(session.importBegin(format, maxWords));
  if (begun.error) return begun;
  for (let at = 0; at < bytes.length; at += size) {
    const r = call(session.importChunk(bytes.subarray(at, at + size)));
    if (r.error) return r;
  }
  if (metadata != null) call(session.importMetadata(metadata));
  return call(session.importFinish());
}

const exported = (session, format) => {
  const out = session.exportVectors(format);
  if (typeof out === 'string') throw new Error(call(out).error);
  assert.ok(out instanceof Uint8Array, `${format}: bytes`);
  return out;
};

// Five words in 3 dimensions, with values that are not round in binary or decimal.
const GLOVE = [
  'the 0.1 -0.25 3.14159',
  'king 1.5e-3 2.75 -0.333333',
  'queen 1.25 2.5 -0.3',
  'Paris -7 0 0.0001',
  'é 0.5 0.5 0.5',
].join('\n') + '\n';

test('word2vec trains through the module: its loss falls and every view of the vectors works', () => {
  const s = new Module.Workspace();
  try {
    const schema = call(Module.word2vecSchema());
    assert.ok(schema.some((f) => f.name === 'window') && schema.some((f) => f.name === 'negative'));
    const started = call(s.startWord2vec(topics(), JSON.stringify({ dim: 16, epochs: 5, min_count: 1, seed: 3, window: 3, sample: 0 })));
    assert.equal(started.ok, true, started.error);
    assert.equal(s.kind(), 'word2vec');
    assert.equal(started.stats.vocab, 14);
    const losses = [];
    let p;
    do {
      p = call(s.step(2000));
      assert.ok(!p.error, p.error);
      if (p.epoch_end) losses.push(p.train_loss);
    } while (!p.finished);
    assert.equal(losses.length, 5);
    assert.ok(losses[4] < 0.9 * losses[0], `loss per epoch ${losses}`);
    assert.equal(p.epochs, 5);

    const { words } = call(s.words(100));
    assert.equal(words.length, 12);
    const { coords } = s.pca(100);
    assert.equal(coords.length, 24);
    assert.ok(coords.every(Number.isFinite));
    const nb = call(s.neighbors('red', 3));
    assert.deepEqual(nb.neighbors.map((n) => n.word).sort(), ['blue', 'green', 'yellow'], JSON.stringify(nb));
    assert.match(call(s.predict('red', 3)).error, /next-word model/);
    assert.match(call(s.saveModel()).error, /export the vectors/);
    assert.match(call(s.evaluate()).error, /next-word model/);
  } finally {
    s.delete();
  }
});

test('vectors stream in from every format and export back to the same vectors', () => {
  const s = new Module.Workspace();
  const t = new Module.Workspace();
  try {
    const opened = importText(s, GLOVE);
    assert.equal(opened.ok, true, opened.error);
    assert.deepEqual([opened.words, opened.dim, opened.format, opened.truncated], [5, 3, 'glove', false]);
    assert.equal(s.kind(), 'vectors');
    assert.deepEqual(call(s.words(10)).words, ['the', 'king', 'queen', 'Paris', 'é']);
    assert.equal(call(s.words(10)).counts[0], null, 'a file has no counts');
    assert.equal(call(s.neighbors('king', 1)).neighbors[0].word, 'queen');
    assert.equal(call(s.neighbors('THE', 1)).word, 'the', 'a word typed in upper case is found in lower case');
    assert.match(call(s.step(10)).error, /cannot be trained/);

    const reference = exported(s, 'glove');
    for (const format of ['word2vec', 'word2vec-bin', 'tsv', 'glove']) {
      const bytes = exported(s, format);
      const metadata = format === 'tsv' ? exported(s, 'tsv-metadata') : null;
      const back = importText(t, bytes, { metadata, size: 5 });
      assert.equal(back.ok, true, `${format}: ${back.error}`);
      assert.equal(back.format, format === 'word2vec' ? 'word2vec' : format, `${format} is recognised`);
      assert.deepEqual(call(t.words(10)).words, call(s.words(10)).words, `${format}: the same words`);
      assert.deepEqual(exported(t, 'glove'), reference, `${format}: the same vectors`);
      assert.deepEqual(Array.from(t.pca(5).coords), Array.from(s.pca(5).coords), `${format}: the same map`);
    }

    // Keep the first N words; a file with more says it was cut.
    const cut = importText(t, GLOVE, { maxWords: 2, size: 1000 });
    assert.deepEqual([cut.words, cut.truncated], [2, true]);
    // Duplicates are counted, the first kept.
    const dup = importText(t, 'a 1 2\nb 3 4\na 5 6\n');
    assert.deepEqual([dup.ok, dup.words, dup.duplicates], [true, 2, 1]);
  } finally {
    s.delete();
    t.delete();
  }
});

test('a malformed file is refused with its line number, and the run before it stays', () => {
  const s = new Module.Workspace();
  try {
    assert.equal(importText(s, GLOVE).ok, true);
    const bad = importText(s, 'a 1 2 3\nb 1 2 3\nc 1 2\n');
    assert.match(bad.error, /line 3/);
    assert.match(importText(s, 'a 1 2 3\nb 1 nan 3\n').error, /line 2/);
    assert.match(importText(s, '3 2\na 1 2\nb 1 2\n', { format: 'word2vec' }).error, /3/);
    assert.match(importText(s, '0.1\t0.2\n0.3\t0.4\n').error ?? '', /metadata/, 'TSV without its words');
    assert.match(importText(s, '').error, /empty/);
    assert.equal(s.kind(), 'vectors');
    assert.equal(call(s.words(10)).words.length, 5, 'the vectors opened before are still there');
    assert.match(call(s.importChunk('x')).error, /importBegin/);
  } finally {
    s.delete();
  }
});

test('a file in another encoding, or not text at all, gets a message the page can show', () => {
  const s = new Module.Workspace();
  const bytes = (text) => Uint8Array.from(text, (c) => c.charCodeAt(0));
  try {
    // cp852's "é" (0x82) on the second line: the message names the byte; it never holds the byte itself.
    const cp852 = importText(s, bytes('word 0.1 0.2\ncaf\x82 1 2 3\n'));
    assert.equal(cp852.error, 'line 2: the word is not valid UTF-8 (byte 0x82 at offset 3); save the file as UTF-8');
    const png = importText(s, bytes('\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR'));
    assert.match(png.error, /^line 1: .*UTF-8/);
    const latin1 = importText(s, bytes('a 1 2\nb 1 \xe9t\xe9\n'));
    assert.match(latin1.error, /^line 2: value 2 of "b" \("\uFFFDt\uFFFD"\) is not a number$/);
    // Windows line ends and a metadata.tsv saved with a byte-order mark open as they should.
    assert.equal(importText(s, '2 2\r\na 1 2\r\nb 3 4\r\n').format, 'word2vec');
    assert.equal(importText(s, '0.5\t2\r\n3\t4\r\n', { metadata: '\uFEFFa\r\nb\r\n' }).format, 'tsv');
    assert.deepEqual(call(s.words(5)).words, ['a', 'b'], 'no byte-order mark in the first word');
  } finally {
    s.delete();
  }
});

test('evaluation on a tiny vector set with the real sets: analogies by section, Spearman with coverage', () => {
  // Cities are e_i, their countries e_i + e_C: every analogy among them is answerable.
  // king/queen/rook/cabbage are ordered by similarity to king as WordSim-353's judges order them.
  const dim = 12;
  const vec = (entries) => { const v = new Array(dim).fill(0); for (const [i, x] of entries) v[i] = x; return v; };
  const rows = [
    ['athens', vec([[0, 1]])], ['greece', vec([[0, 1], [5, 1]])],
    ['baghdad', vec([[1, 1]])], ['iraq', vec([[1, 1], [5, 1]])],
    ['bangkok', vec([[2, 1]])], ['thailand', vec([[2, 1], [5, 1]])],
    ['king', vec([[7, 1]])], ['queen', vec([[7, 1], [8, 0.1]])], ['rook', vec([[7, 1], [9, 1]])], ['cabbage', vec([[10, 1]])],
  ];
  const text = rows.map(([w, v]) => `${w} ${v.join(' ')}`).join('\n');
  const s = new Module.Workspace();
  try {
    assert.match(call(s.evalRun()).error, /no vectors/);
    assert.equal(importText(s, text, { size: 4096 }).ok, true);
    assert.match(call(s.evalRun()).error, /not loaded/);
    for (const [name, file] of [['questions-words', 'questions-words.txt'], ['wordsim353', 'wordsim353.tsv'], ['simlex999', 'simlex999.txt']]) {
      assert.equal(call(s.evalLoad(name, fs.readFileSync(path.join(evalDir, file), 'utf8'))).ok, true, name);
    }
    assert.match(call(s.evalLoad('nope', '')).error, /unknown/);
    const r = call(s.evalRun());
    assert.ok(!r.error, r.error);
    assert.equal(r.analogies.sections.length, 14);
    const capitals = r.analogies.sections.find((x) => x.name === 'capital-common-countries');
    assert.ok(capitals.covered > 0 && capitals.total === 506, JSON.stringify(capitals));
    assert.equal(capitals.correct, capitals.covered, 'each covered analogy is answered');
    assert.equal(r.analogies.all.total, 19544);
    assert.ok(Math.abs(capitals.coverage - capitals.covered / capitals.total) < 1e-12);
    assert.equal(r.wordsim353.covered, 3);
    assert.equal(r.wordsim353.total, 353);
    assert.ok(Math.abs(r.wordsim353.spearman - 1) < 1e-9, `Spearman ${r.wordsim353.spearman}`);
    assert.equal(r.simlex999.total, 999);
  } finally {
    s.delete();
  }
});
