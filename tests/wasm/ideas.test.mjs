// The seed-idea bindings in node: the Kneser-Ney yardstick, the test split, the MSE twin, padding,
// empirical next-word counts and the row changes of the last batch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { Module, root } from './load-module.mjs';

function corpus() {
  const subjects = ['the cat', 'the dog', 'a bird', 'the king', 'the queen', 'my friend'];
  const verbs = ['sees', 'likes', 'follows', 'finds'];
  const objects = ['the ball', 'a fish', 'the garden', 'the old house', 'a small boat'];
  let state = 4242;
  const pick = (list) => { state = (state * 1103515245 + 12345) % 2147483648; return list[state % list.length]; };
  const sentences = [];
  for (let i = 0; i < 300; i++) sentences.push(`${pick(subjects)} ${pick(verbs)} ${pick(objects)}.`);
  return sentences.join(' ');
}

const settings = { context: 2, dim: 16, hidden: 32, optimizer: 'adam', lr: 0.01, batch: 32, epochs: 2, seed: 3 };
const call = (text) => JSON.parse(text);

function withSession(body, text = corpus(), extra = {}) {
  const s = new Module.Session();
  try {
    const started = call(s.start(text, JSON.stringify({ ...settings, ...extra })));
    assert.equal(started.ok, true, started.error);
    body(s, started);
  } finally {
    s.delete();
  }
}

test('the Kneser-Ney yardstick has finite perplexities above 1 on validation and test', () => {
  withSession((s) => {
    const y = call(s.yardstick());
    assert.equal(y.order, 3);
    for (const p of [y.valid_perplexity, y.test_perplexity]) assert.ok(Number.isFinite(p) && p > 1, `perplexity ${p}`);
    assert.equal(y.notice, '');
    const t = call(s.evaluateTest());
    assert.ok(t.examples > 0 && t.perplexity > 1 && t.top5 >= t.accuracy);
  }, corpus(), { ngram_order: 3 });
});

test('a text too small to split gives the notice and no held-out perplexity', () => {
  withSession((s) => {
    const y = call(s.yardstick());
    assert.ok(y.notice.length > 0);
    assert.equal(y.valid_perplexity, null);
  }, 'the cat sat. the dog ran. a bird sang.');
});

test('the MSE twin starts from the same weights and trains the same batches', () => {
  withSession((s) => {
    assert.equal(call(s.twinStart()).loss, 'mse');
    const main = call(s.step(1));  // one batch
    const twin = call(s.twinStep(1));
    assert.equal(twin.step, main.step);  // lockstep
    assert.ok(Number.isFinite(twin.last_batch_loss));
    // Every epoch end, both models are scored the same way: perplexity, top-1 and top-5 (the chart's series).
    const runEvals = []; const twinEvals = [];
    let p;
    do {
      p = call(s.step(2000));
      if (p.epoch_end) runEvals.push(call(s.evaluate()));
      twinEvals.push(...call(s.twinStep(2000)).evaluations);
    } while (!p.finished);
    const t = call(s.twinStep(2000));
    twinEvals.push(...t.evaluations);
    assert.equal(runEvals.length, settings.epochs);
    assert.deepEqual(twinEvals.map((e) => e.epoch), [1, 2]);
    for (const e of [...runEvals, ...twinEvals]) {
      assert.ok(e.examples > 0 && e.perplexity > 1, JSON.stringify(e));
      assert.ok(e.accuracy >= 0 && e.top5 >= e.accuracy && e.top5 <= 1, JSON.stringify(e));
    }
    const pred = call(s.twinPredict('the', 5));
    assert.equal(pred.loss, 'mse');
    assert.equal(pred.predictions.length, 5);
    assert.ok(t.step === p.step);
  });
});

test('a cross-entropy twin of a cross-entropy run has the same first-batch loss', () => {
  // twin() with the other loss of an MSE run is a cross-entropy run: started from the same weights
  // and batch as an ordinary cross-entropy run of the same seed, its first loss is the same.
  let ceLoss;
  withSession((s) => { ceLoss = call(s.step(1)).last_batch_loss; });
  withSession((s) => {
    assert.equal(call(s.twinStart()).loss, 'cross_entropy');
    call(s.step(1));
    const twin = call(s.twinStep(1));
    assert.ok(Math.abs(twin.last_batch_loss - ceLoss) < 1e-5, `${twin.last_batch_loss} vs ${ceLoss}`);
  }, corpus(), { loss: 'mse' });
});

test('sentence starts: the all-<pad> context predicts a distribution; the counts sum to the sentences', () => {
  withSession((s, started) => {
    const pred = call(s.predict('', 50));
    assert.deepEqual(pred.context, ['<pad>', '<pad>']);
    const total = pred.predictions.reduce((sum, x) => sum + x.probability, 0);
    assert.ok(total > 0.99 && total < 1.01, `sum ${total}`);
    const c = call(s.nextWordCounts('', 50));
    assert.equal(c.counts.reduce((sum, x) => sum + x.count, 0), c.total);
    assert.ok(c.total > 0 && c.total <= started.stats.sentences);
    // Sentences start with "the", "a" or "my" (a rare word may be <unk> under the vocabulary's min_count).
    const firsts = c.counts.map((x) => x.word);
    assert.ok(firsts.includes('the') && firsts.every((w) => ['the', 'a', 'my', '<unk>'].includes(w)), firsts.join(' '));
  });
});

test('one context, many targets: a suggested context and its empirical counts', () => {
  withSession((s) => {
    const g = call(s.suggestContext());
    assert.ok(g.context && g.distinct >= 2 && g.occurrences >= g.distinct);
    const c = call(s.nextWordCounts(g.context, 100));
    assert.equal(c.total, g.occurrences);
    assert.equal(c.counts.length, g.distinct);
    assert.equal(c.counts.reduce((sum, x) => sum + x.count, 0), c.total);
  });
});

test('the last batch changed some rows, each by a positive amount', () => {
  withSession((s) => {
    call(s.step(1));
    const { rows, changes } = s.lastRowChanges();
    assert.ok(rows.length > 0);
    assert.equal(changes.length, rows.length);
    assert.ok(Array.from(changes).every((x) => Number.isFinite(x) && x >= 0));
    assert.ok(Array.from(changes).some((x) => x > 0));
  });
});
