// The WebAssembly module in node: it trains, its loss falls, it refuses bad input with a message,
// and on the same seed it reaches the native build's validation loss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Module, root } from './load-module.mjs';

// A small corpus with next-word structure: subject verb object patterns, seeded.
function corpus() {
  const subjects = ['the cat', 'the dog', 'a bird', 'the king', 'the queen', 'my friend'];
  const verbs = ['sees', 'likes', 'follows', 'finds'];
  const objects = ['the ball', 'a fish', 'the garden', 'the old house', 'a small boat'];
  let state = 12345;
  const pick = (list) => { state = (state * 1103515245 + 12345) % 2147483648; return list[state % list.length]; };
  const sentences = [];
  for (let i = 0; i < 400; i++) sentences.push(`${pick(subjects)} ${pick(verbs)} ${pick(objects)}.`);
  return sentences.join(' ');
}

const settings = { context: 2, dim: 16, hidden: 32, optimizer: 'adam', lr: 0.01, batch: 32, epochs: 3, seed: 7 };
const call = (text) => JSON.parse(text);

function trainToEnd(session) {
  let p;
  do { p = call(session.step(5000)); } while (!p.finished && !p.diverged);
  return p;
}

test('the module trains: the loss falls and predictions are distributions', () => {
  const s = new Module.Workspace();
  try {
    const started = call(s.start(corpus(), JSON.stringify(settings)));
    assert.equal(started.ok, true, started.error);
    assert.ok(started.stats.valid_examples > 0);
    const before = call(s.evaluate());
    const p = trainToEnd(s);
    assert.equal(p.diverged, false);
    const after = call(s.evaluate());
    assert.ok(after.loss < 0.6 * before.loss, `validation loss ${before.loss} -> ${after.loss}`);

    const { words } = call(s.words(100));
    assert.equal(words.length, started.stats.vocab - 2);  // every word but <pad> and <unk>
    const { coords, explained } = s.pca(100);
    assert.ok(coords instanceof Float32Array);
    assert.equal(coords.length, 2 * words.length);
    assert.ok(coords.every(Number.isFinite));
    assert.ok(explained[0] >= explained[1] && explained[0] <= 1);

    const pred = call(s.predict('the', 10));
    assert.deepEqual(pred.context, ['<pad>', 'the']);
    const total = pred.predictions.reduce((sum, x) => sum + x.probability, 0);
    assert.ok(total > 0.5 && total <= 1.0001, `top-10 mass ${total}`);
    // After "the" come nouns: cat, dog, king, queen, ball, garden, old.
    assert.ok(['cat', 'dog', 'king', 'queen', 'ball', 'garden', 'old'].includes(pred.predictions[0].word), pred.predictions[0].word);

    const nb = call(s.neighbors('cat', 5));
    assert.equal(nb.neighbors.length, 5);
    assert.ok(nb.neighbors.every((n) => n.similarity <= 1.0001 && n.similarity >= -1.0001));
  } finally {
    s.delete();
  }
});

test('each step reports its examples and their loss sum: loss_sum / loss_count is their mean loss', () => {
  const s = new Module.Workspace();
  try {
    call(s.start(corpus(), JSON.stringify({ ...settings, schedule: 'linear' })));
    let examples = 0, sum = 0, count = 0, p;
    do {
      p = call(s.step(100));
      assert.ok(p.examples > 0 && p.loss_count === p.examples, JSON.stringify(p));
      examples += p.examples;
      sum += p.loss_sum;
      count += p.loss_count;
      // The calls of this epoch so far: their summed losses over their count are the epoch's mean.
      assert.ok(Math.abs(sum / count - p.train_loss) < 1e-9 * p.train_loss, `${sum / count} vs ${p.train_loss}`);
      assert.equal(examples, p.epoch_end ? p.epoch_size : p.epoch_position);
    } while (!p.epoch_end);
    assert.ok(p.lr > 0 && p.lr < settings.lr, `the scheduled rate of the last step: ${p.lr}`);
    // One call alone: its own mean.
    p = call(s.step(64));
    assert.ok(Math.abs(p.loss_sum / p.loss_count - p.train_loss) < 1e-9 * p.train_loss);

    call(s.startWord2vec(corpus(), JSON.stringify({ dim: 8, min_count: 1, sample: 0, epochs: 1 })));
    const w = call(s.step(500));
    assert.ok(w.examples >= 500 && w.loss_count > 0);
    assert.ok(Math.abs(w.loss_sum / w.loss_count - w.train_loss) < 1e-9 * w.train_loss);
    assert.ok(w.lr > 0);
  } finally {
    s.delete();
  }
});

test('the hierarchical and the sampled softmax train in the module; perplexity and predictions stay exact', () => {
  for (const softmax of ['hierarchical', 'sampled']) {
    const s = new Module.Workspace();
    try {
      const started = call(s.start(corpus(), JSON.stringify({ ...settings, softmax, samples: 8 })));
      assert.equal(started.ok, true, started.error);
      const before = call(s.evaluate());
      assert.equal(trainToEnd(s).diverged, false);
      const after = call(s.evaluate());
      assert.ok(after.loss < 0.6 * before.loss, `${softmax}: validation loss ${before.loss} -> ${after.loss}`);
      // Every word's probability: they sum to 1 (the hierarchical one by its tree, the sampled one
      // because evaluation is the full softmax).
      const all = call(s.predict('the', started.stats.vocab)).predictions;
      assert.equal(all.length, started.stats.vocab);
      const total = all.reduce((sum, x) => sum + x.probability, 0);
      assert.ok(Math.abs(total - 1) < 1e-4, `${softmax}: probabilities sum to ${total}`);
    } finally {
      s.delete();
    }
  }
  const s = new Module.Workspace();
  try {
    assert.match(call(s.start(corpus(), JSON.stringify({ ...settings, softmax: 'sampled', loss: 'mse' }))).error,
      /loss mse needs softmax full/);
  } finally {
    s.delete();
  }
});

test('bad input gets a message, not an exception', () => {
  const s = new Module.Workspace();
  try {
    assert.match(call(s.start('', '{}')).error, /no words/);
    assert.match(call(s.start('!!! ... ???', '{}')).error, /no words/);
    assert.match(call(s.start('hello', '{}')).error, /context size/);
    assert.match(call(s.start(corpus(), '{"dim": 100000}')).error, /dim must be/);
    assert.match(call(s.start(corpus(), 'not json')).error, /JSON/);
    assert.match(call(s.step(10)).error, /start a run/);
    assert.match(call(s.loadModel('{"format": "x"}')).error, /not an Embedding Playground model/);
    // A huge learning rate diverges; the model stays usable.
    assert.equal(call(s.start(corpus(), JSON.stringify({ ...settings, optimizer: 'sgd', lr: 10, epochs: 50 }))).ok, true);
    assert.equal(trainToEnd(s).diverged, true);
    assert.ok(s.pca(10).coords.every(Number.isFinite));
    assert.equal(call(s.predict('the', 3)).predictions.length, 3);
  } finally {
    s.delete();
  }
});

test('a saved model loads back and predicts the same', () => {
  const s = new Module.Workspace();
  const t = new Module.Workspace();
  try {
    call(s.start(corpus(), JSON.stringify({ ...settings, epochs: 1 })));
    trainToEnd(s);
    const saved = s.saveModel();
    assert.equal(call(t.loadModel(saved)).ok, true);
    assert.deepEqual(call(t.predict('the cat', 5)), call(s.predict('the cat', 5)));
    assert.deepEqual(Array.from(t.pca(10).coords), Array.from(s.pca(10).coords));
  } finally {
    s.delete();
    t.delete();
  }
});

// Same seed, same batches, same maths: native x86-64 (with FMA) and WebAssembly differ only in
// float rounding, so each epoch's validation loss must agree within 1e-4 relative (seen: ~1e-7).
const TOLERANCE = 1e-4;
test(`validation loss matches the native build on the same seed (within ${TOLERANCE} relative)`, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embplay-'));
  const input = path.join(dir, 'corpus.txt');
  fs.writeFileSync(input, corpus());
  // Early stopping off: with it, the run ends on the best epoch's weights, while the tool prints
  // each epoch's own validation loss; here both sides must score the same weights every epoch.
  // Every setting named, since the tool takes the values suggested for the text's size for any it
  // is not given, and the module the schema's defaults.
  const defaults = Object.fromEntries(JSON.parse(Module.settingsSchema()).map((f) => [f.name, f.default]));
  const run = { ...defaults, ...settings, patience: 0 };
  const flags = Object.entries(run).flatMap(([k, v]) => [`--${k}`, String(v)]);
  const out = execFileSync(path.join(root, 'build/native/embplay'), ['train', '--input', input, '--json', ...flags], { encoding: 'utf8' });
  // One line per epoch, then a final report line (test and Kneser-Ney figures) without "epoch".
  const nativeLines = out.trim().split('\n').map((line) => JSON.parse(line)).filter((line) => 'epoch' in line);

  const s = new Module.Workspace();
  try {
    call(s.start(corpus(), JSON.stringify(run)));
    const wasmLosses = [];
    let p;
    do {
      p = call(s.step(5000));
      if (p.epoch_end) wasmLosses.push(call(s.evaluate()).loss);
    } while (!p.finished);
    assert.equal(wasmLosses.length, nativeLines.length);
    nativeLines.forEach((line, i) => {
      const diff = Math.abs(line.valid_loss - wasmLosses[i]) / line.valid_loss;
      console.log(`epoch ${i + 1}: native ${line.valid_loss.toFixed(6)}, wasm ${wasmLosses[i].toFixed(6)}, relative difference ${diff.toExponential(2)}`);
      assert.ok(diff < TOLERANCE, `epoch ${i + 1}: native ${line.valid_loss}, wasm ${wasmLosses[i]}`);
    });
  } finally {
    s.delete();
  }
});

test('this module has no threads: setThreads says how many it uses, 1', () => {
  assert.equal(Module.setThreads(2), 1);
  assert.equal(Module.setThreads(1), 1);
});
