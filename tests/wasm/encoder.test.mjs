// The sentence encoder through the embind Workspace, as the worker drives it: training by
// encoderStep lowers the loss, the attention of a typed sentence is a distribution per query, the
// sentence map and the STS curve come back with the right shapes, bad input gets a message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { Module, root } from './load-module.mjs';

const call = (text) => JSON.parse(text);

// Sentences of a small world, seeded: who does what where.
function sentences(n) {
  const who = ['the cat', 'the dog', 'a bird', 'the king', 'the queen', 'my friend', 'a child', 'the farmer'];
  const does = ['sees', 'likes', 'follows', 'finds', 'paints', 'carries'];
  const what = ['the ball', 'a fish', 'the garden', 'the old house', 'a small boat', 'the red apple'];
  const where = ['in the morning', 'near the river', 'at night', 'on the hill'];
  let state = 4242;
  const pick = (list) => { state = (state * 1103515245 + 12345) % 2147483648; return list[state % list.length]; };
  return Array.from({ length: n }, () => `${pick(who)} ${pick(does)} ${pick(what)} ${pick(where)}.`).join('\n');
}

const OPTIONS = { dim: 32, heads: 4, layers: 2, ff: 64, batch: 16, lr: 3e-3, mlm_epochs: 4, simcse_epochs: 1, min_count: 1, seed: 3 };

// Trains the whole masked-word phase; the mean loss of its first and last few calls.
function trainMlm(ws) {
  const losses = [];
  let p;
  do {
    p = call(ws.encoderStep(16));
    assert.equal(p.error, undefined, p.error);
    if (p.phase === 'mlm' && p.loss_count > 0) losses.push(p.loss_sum / p.loss_count);
  } while (!p.phase_end);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { first: mean(losses.slice(0, 5)), last: mean(losses.slice(-5)), calls: losses.length, p };
}

test('encoder training through the bindings lowers the masked-word loss', () => {
  const ws = new Module.Workspace();
  try {
    const stats = call(ws.encoderStart(sentences(300), JSON.stringify(OPTIONS), true, '', 0));
    assert.equal(stats.error, undefined, stats.error);
    assert.equal(stats.sentences, 300);
    assert.deepEqual(stats.phases, ['mlm', 'simcse']);
    const { first, last, calls, p } = trainMlm(ws);
    assert.ok(calls >= 20, `${calls} calls`);
    assert.ok(last < 0.7 * first, `masked-word loss ${first.toFixed(3)} -> ${last.toFixed(3)}`);
    assert.equal(p.epoch, OPTIONS.mlm_epochs);
    // Then SimCSE: a loss per example, finite.
    const s = call(ws.encoderStep(16));
    assert.equal(s.phase, 'simcse');
    assert.ok(Number.isFinite(s.loss_sum / s.loss_count));
  } finally {
    ws.delete();
  }
});

test('the attention of a typed sentence: one distribution per query, every layer and head', () => {
  const ws = new Module.Workspace();
  try {
    call(ws.encoderStart(sentences(100), JSON.stringify({ ...OPTIONS, mlm_epochs: 1 }), true, '', 0));
    call(ws.encoderStep(32));
    const a = ws.encoderAttention('The cat sees a zebra near the river');
    assert.equal(a.error, undefined, a.error);
    assert.deepEqual(a.tokens, ['[CLS]', 'the', 'cat', 'sees', 'a', 'zebra', 'near', 'the', 'river']);
    assert.equal(a.known[5], false, 'zebra is not in the vocabulary');
    assert.equal(a.known[2], true);
    const T = a.tokens.length;
    assert.equal(a.layers, 2);
    assert.equal(a.heads, 4);
    assert.ok(a.weights instanceof Float32Array);
    assert.equal(a.weights.length, a.layers * a.heads * T * T);
    for (let row = 0; row < a.layers * a.heads * T; row++) {
      let sum = 0;
      for (let j = 0; j < T; j++) {
        const w = a.weights[row * T + j];
        assert.ok(w >= 0 && w <= 1);
        sum += w;
      }
      assert.ok(Math.abs(sum - 1) < 1e-5, `row ${row} sums to ${sum}`);
    }
    assert.match(ws.encoderAttention('  ... ').error, /at least one word/);
  } finally {
    ws.delete();
  }
});

test('the sentence map and the STS curve: shapes, turned frames, and messages for bad input', () => {
  const ws = new Module.Workspace();
  try {
    // Before a run: a message, nothing thrown.
    assert.match(call(ws.encoderStep(10)).error, /no sentence encoder/);
    assert.match(ws.encoderMap('cls', null).error, /no sentence encoder/);
    assert.match(call(ws.encoderStart('', '{}', false, '', 0)).error, /.+/);
    assert.match(call(ws.encoderStart(sentences(20), '{"heads": 5, "dim": 32}', true, '', 0)).error, /heads/);

    const stats = call(ws.encoderStart(sentences(500), JSON.stringify({ ...OPTIONS, mlm_epochs: 1 }), true, '', 0));
    assert.equal(stats.map, 400, 'the map shows an even sample of at most 400 sentences');
    call(ws.encoderStep(64));
    const first = ws.encoderMap('mean', null);
    assert.equal(first.error, undefined, first.error);
    assert.equal(first.coords.length, 2 * 400);
    assert.equal(first.texts.length, 400);
    assert.ok(first.coords.every(Number.isFinite));
    // The same vectors turned to their own frame: the same picture.
    const again = ws.encoderMap('mean', first.coords);
    for (let i = 0; i < again.coords.length; i++) assert.ok(Math.abs(again.coords[i] - first.coords[i]) < 1e-3);
    assert.match(ws.encoderMap('median', null).error, /cls|mean|max/);

    assert.match(call(ws.encoderSts()).error, /no STS pairs/);
    const sts = fs.readFileSync(path.join(root, 'tests/data/sts/sts-dev.tsv'), 'utf8');
    assert.equal(call(ws.encoderStsLoad(sts)).ok, true);
    const r = call(ws.encoderSts());
    assert.equal(r.pairs, 500);
    for (const p of ['cls', 'mean', 'max']) assert.ok(r[p] > -1 && r[p] < 1, `${p} ${r[p]}`);
    assert.match(call(ws.encoderStsLoad('genre\tfile\nx')).error, /line/);
  } finally {
    ws.delete();
  }
});

test('a pairs file adds the supervised phase after SimCSE; a bad one names its line and the run before stays', () => {
  const ws = new Module.Workspace();
  try {
    const options = JSON.stringify({ ...OPTIONS, mlm_epochs: 0, simcse_epochs: 1, pairs_epochs: 1 });
    const pairs = 'the cat sees the ball\tthe cat finds the ball\t4.5\nthe dog paints a fish\tthe king carries a boat\t0.5\n'
      + 'a bird follows the garden\ta bird finds the garden\t4\n';
    const stats = call(ws.encoderStart(sentences(100), options, true, pairs, 3));
    assert.equal(stats.error, undefined, stats.error);
    assert.equal(stats.pairs, 2, 'the pair scoring 0.5 is left out');
    assert.deepEqual(stats.phases, ['simcse', 'pairs']);
    let p;
    do p = call(ws.encoderStep(64)); while (p.phase !== 'pairs' && !p.finished);
    assert.equal(p.phase, 'pairs');
    assert.ok(Number.isFinite(p.loss_sum / p.loss_count));
    // A pairs file with a line that is not a pair: the message names it; the run above is kept.
    assert.match(call(ws.encoderStart(sentences(100), options, true, 'one\ttwo\nno tab here\n', 0)).error, /line 2/);
    assert.equal(call(ws.encoderStep(8)).error, undefined);
  } finally {
    ws.delete();
  }
});

test('the encoder\'s schema lists its options with ranges', () => {
  const schema = JSON.parse(Module.encoderSchema());
  const byName = Object.fromEntries(schema.map((f) => [f.name, f]));
  for (const name of ['dim', 'heads', 'layers', 'mlm_epochs', 'simcse_epochs', 'temperature', 'pooling']) assert.ok(byName[name], name);
  assert.deepEqual(byName.pooling.choices, ['cls', 'mean', 'max']);
});
