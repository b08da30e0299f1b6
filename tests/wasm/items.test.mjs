// The module's items source in node, on a slice of the Online Retail log (the page's sample): item2vec
// trains, the map's words are item names, neighbours and recommendations name items, a bad file
// names its line and keeps the run, and the evaluation, stepped, agrees with the native CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { eventsWithNames } from '../../web/sample-events.mjs';
import { Module, root } from './load-module.mjs';

const DATA = path.join(root, 'tests/data/recsys/online-retail');
const call = (text) => JSON.parse(text);

const csv = eventsWithNames(DATA, 30000);
const options = { dim: 32, epochs: 2, seed: 3 };

function trainToEnd(ws) {
  let p;
  do { p = call(ws.step(20000)); } while (!p.finished);
  return p;
}

test('item2vec on the sample: item names on the map, bought together, recommendations with reasons', () => {
  const ws = new Module.Workspace();
  try {
    const started = call(ws.startItems(csv, 'events', JSON.stringify(options)));
    assert.equal(started.ok, true, started.error);
    assert.equal(started.stats.tokens, started.items.events);
    assert.ok(started.items.users > 300 && started.items.items > 1000, JSON.stringify(started.items));
    assert.equal(started.items.named, started.items.items);
    assert.equal(ws.kind(), 'items');
    const p = trainToEnd(ws);
    assert.equal(p.epoch, 2);
    assert.ok(Number.isFinite(p.train_loss) && p.train_loss > 0);

    const { words, counts } = call(ws.words(20));
    assert.equal(words.length, 20);
    assert.ok(words.every((w) => / /.test(w)), `names, not stock codes: ${words.slice(0, 3)}`);
    assert.ok(counts[0] >= counts[19], 'most bought first');
    const { coords } = ws.pca(100);
    assert.equal(coords.length, 200);

    // The most bought item's neighbours, found by its name in lower case.
    const nb = call(ws.neighborsBy(words[0].toLowerCase(), 5, 'cosine', 'input'));
    assert.equal(nb.word, words[0], nb.error);
    assert.equal(nb.neighbors.length, 5);
    assert.ok(nb.neighbors.every((n) => n.word !== words[0] && n.similarity <= 1));

    const { user } = call(ws.randomUser(1));
    assert.equal(call(ws.randomUser(1)).user, user, 'seeded');
    const r = call(ws.recommend(user, 10));
    assert.equal(r.recommendations.length, 10, r.error);
    const history = new Set(r.recent);
    for (const rec of r.recommendations) {
      assert.ok(!history.has(rec.item), `${rec.item} is in the history`);
      assert.equal(typeof rec.because, 'string');
    }
    assert.match(call(ws.recommend('nobody', 10)).error, /no user "nobody"/);
    const some = call(ws.users(user.slice(0, 3), 5));
    assert.ok(some.users.includes(user) || some.matches > 5);
  } finally {
    ws.delete();
  }
});

test('a bad events file names its line and the run survives', () => {
  const ws = new Module.Workspace();
  try {
    assert.equal(call(ws.startItems(csv, 'events', JSON.stringify(options))).ok, true);
    call(ws.step(1000));
    const before = call(ws.words(10));
    const lines = csv.split('\n');
    lines.splice(40, 0, '17850,85123A');  // a row with too few cells at line 41
    assert.match(call(ws.startItems(lines.join('\n'), 'events', JSON.stringify(options))).error, /^line 41: expected at least \d+ cells/);
    assert.match(call(ws.startItems('customer,when\n1,2\n', 'events', JSON.stringify(options))).error, /^line 1: no item column/);
    assert.match(call(ws.startItems(csv, 'events', JSON.stringify({ dim: 1 }))).error, /dim/);
    assert.deepEqual(call(ws.words(10)), before);
    assert.equal(ws.kind(), 'items');
  } finally {
    ws.delete();
  }
});

test('the evaluation, stepped in slices, gives the native CLI\'s figures for the baselines', () => {
  const ws = new Module.Workspace();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'items-'));
  try {
    assert.equal(call(ws.startItems(csv, 'events', JSON.stringify(options))).ok, true);
    const started = call(ws.itemsEvalStart('popularity,knn,item2vec,item2vec+knn'));
    assert.equal(started.ok, true, started.error);
    assert.equal(started.splits.length, 2);
    let r;
    let slices = 0;
    do { r = call(ws.itemsEvalStep(0.02)); slices += 1; } while (!r.done);
    assert.ok(slices > 5, `${slices} slices`);
    assert.equal(r.rows.length, 8);
    assert.equal(r.fraction, 1);
    fs.writeFileSync(path.join(dir, 'events.csv'), csv);
    for (const split of ['last-item', 'last-invoice']) {
      const native = JSON.parse(execFileSync(path.join(root, 'build/native/embplay'),
        ['recsys', 'eval', '--events', path.join(dir, 'events.csv'), '--split', split, '--models', 'popularity,knn', '--json'], { encoding: 'utf8' }));
      const ours = r.rows.filter((row) => row.split === split);
      for (const [i, model] of ['popularity', 'knn'].entries()) {
        assert.equal(ours[i].model, model);
        assert.equal(ours[i].cases, native.rows[i].cases);
        assert.ok(Math.abs(ours[i].ndcg - native.rows[i].ndcg) < 1e-6, `${split} ${model}: ${ours[i].ndcg} vs ${native.rows[i].ndcg}`);
      }
      // item2vec learns something popularity does not know.
      assert.ok(ours[3].ndcg > ours[0].ndcg, `${split}: ${JSON.stringify(ours.map((o) => o.ndcg))}`);
    }
    assert.match(call(ws.itemsEvalStart('popularity,svd')).error, /svd/);
  } finally {
    ws.delete();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('baskets have no next basket: the evaluation says so for that split and runs the other', () => {
  const ws = new Module.Workspace();
  try {
    // The sample's invoices as baskets, one per line (a user is a line).
    const byInvoice = new Map();
    const lines = csv.split('\n');
    const header = lines[0].split(',');
    const [invoice, item] = [header.indexOf('invoice'), header.indexOf('item')];
    for (const line of lines.slice(1, 8000)) {
      const cells = line.split(',');
      if (cells.length > item && !line.includes('"')) byInvoice.set(cells[invoice], [...(byInvoice.get(cells[invoice]) ?? []), cells[item]]);
    }
    const baskets = [...byInvoice.values()].map((b) => b.join(' ')).join('\n');
    assert.equal(call(ws.startItems(baskets, 'baskets', JSON.stringify(options))).ok, true);
    const started = call(ws.itemsEvalStart('popularity,knn'));
    assert.equal(started.ok, true, started.error);
    assert.match(started.splits[1].unevaluable, /no user can be evaluated with the last-invoice split .*two baskets/);
    assert.ok(started.splits[0].cases > 100);
    let r;
    do { r = call(ws.itemsEvalStep(0.05)); } while (!r.done);
    assert.deepEqual(r.rows.map((row) => `${row.split} ${row.model}`), ['last-item popularity', 'last-item knn']);
    assert.ok(r.rows[1].hit_rate > r.rows[0].hit_rate, 'kNN finds the rest of a basket better than popularity');
  } finally {
    ws.delete();
  }
});
