// The seed-idea bindings in node: the Kneser-Ney yardstick, the test split, the twin with the other
// loss (in lockstep, catching up with a paused or finished run, diverging), padding, empirical
// next-word counts and the row changes of the last batch.
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
  const s = new Module.Workspace();
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

// Trains the twin on its own in slices of `budget` examples until it has caught up with the run:
// every reply, and that it never passed the run's step.
function catchUp(s, budget) {
  const replies = [];
  let t;
  do {
    t = call(s.twinStep(budget));
    assert.ok(t.step <= t.target, `the twin passed the run: step ${t.step} of ${t.target}`);
    replies.push(t);
  } while (!t.caught_up && replies.length < 10_000);
  return replies;
}
const evaluationsOf = (replies) => replies.flatMap((t) => t.evaluations);
// An MSE run whose cross-entropy twin blows up (seeded, so always at the same step in the first epoch).
const DIVERGING_TWIN = { loss: 'mse', optimizer: 'sgd', lr: 10, clip: 0 };

test('a twin started after the run has finished catches up in slices, to the figures it has in lockstep', () => {
  const epochs = 3;
  let lockstep;
  withSession((s) => {
    call(s.twinStart());
    const replies = [];
    let p;
    do {
      p = call(s.step(500));
      replies.push(call(s.twinStep(500)));
    } while (!p.finished);
    assert.ok(replies.at(-1).caught_up);
    lockstep = evaluationsOf(replies);
  }, corpus(), { epochs });

  withSession((s) => {
    let p;
    do p = call(s.step(500)); while (!p.finished);
    assert.equal(call(s.twinStart()).loss, 'mse');
    const replies = catchUp(s, 200);
    assert.ok(replies.length > 3, `in slices: ${replies.length} calls`);
    const last = replies.at(-1);
    assert.equal(last.step, p.step);
    assert.equal(last.target, p.step);
    assert.equal(last.diverged, false);
    const late = evaluationsOf(replies);
    assert.deepEqual(late.map((e) => e.epoch), [1, 2, 3]);
    // The same weights and batches, so the same figures whenever the twin trains them.
    late.forEach((e, i) => {
      assert.ok(Math.abs(e.perplexity - lockstep[i].perplexity) <= 1e-6 * lockstep[i].perplexity, `epoch ${e.epoch}`);
      assert.equal(e.accuracy, lockstep[i].accuracy);
      assert.equal(e.top5, lockstep[i].top5);
    });
    // Caught up, the twin has nothing left to train.
    const again = call(s.twinStep(200));
    assert.ok(again.caught_up && again.step === p.step && again.evaluations.length === 0);
  }, corpus(), { epochs });
});

test('a twin of a paused run catches up to mid-epoch, then follows the resumed run in lockstep', () => {
  withSession((s) => {
    let p;
    do p = call(s.step(100)); while (p.epoch < 1 || p.epoch_position === 0);  // into the second epoch
    call(s.twinStart());
    const replies = catchUp(s, 64);
    assert.equal(replies.at(-1).step, p.step);
    assert.deepEqual(evaluationsOf(replies).map((e) => e.epoch), [1]);
    do {
      p = call(s.step(100));
      const t = call(s.twinStep(100));
      assert.equal(t.step, p.step, 'lockstep');
      replies.push(t);
    } while (!p.finished);
    assert.deepEqual(evaluationsOf(replies).map((e) => e.epoch), [1, 2]);
  });
});

test('a twin that diverges says so, stops where it was and still answers; the run goes on', () => {
  // Squared error between softmax and one-hot has small, bounded gradients; cross-entropy with the
  // same large SGD steps and no clipping blows up.
  withSession((s) => {
    assert.equal(call(s.twinStart()).loss, 'cross_entropy');
    let p;
    let t;
    do {
      p = call(s.step(100));
      t = call(s.twinStep(100));
    } while (!p.finished && !t.diverged);
    assert.equal(t.diverged, true, 'the cross-entropy twin diverged');
    assert.equal(t.caught_up, true, 'a diverged twin has nothing left to train');
    assert.ok(t.step <= p.step);
    assert.equal(p.diverged, false, 'the run did not');
    while (!p.finished) p = call(s.step(1000));
    const after = call(s.twinStep(100));
    assert.ok(after.diverged && after.step === t.step && after.evaluations.length === 0);
    const pred = call(s.twinPredict('the', 5));
    assert.ok(pred.predictions.every((x) => Number.isFinite(x.probability)), 'the twin still answers');
  }, corpus(), DIVERGING_TWIN);
});
