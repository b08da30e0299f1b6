// Units of text through the module (the workspace's units_* methods behind embind) and the worker's
// sentences module on it: built and pooled in steps, BM25 before any vectors, typed arrays out,
// errors as {error} with the units kept, the sentence tests on the shipped data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { Module, root } from './load-module.mjs';
import { Engine } from '../../web/worker/engine.js';
import { Sentences } from '../../web/worker/sentences.js';
import { TimeSlicer } from '../../web/worker/time-slicer.js';

const call = (text) => JSON.parse(text);

// Paragraphs about animals or boats, seeded; the words of each topic share sentences so that
// word2vec trained on them tells the topics apart.
function topics(paragraphs = 200) {
  const animals = ['cat', 'dog', 'mouse', 'horse', 'goat'];
  const boats = ['boat', 'sail', 'harbour', 'ship', 'oar'];
  let state = 5;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state >>> 8; };
  const out = [];
  for (let i = 0; i < paragraphs; i += 1) {
    const g = i % 2 ? boats : animals;
    const sentence = () => `${Array.from({ length: 5 }, () => g[next() % g.length]).join(' ')}.`;
    out.push(`${sentence()} ${sentence()}`);
  }
  return out.join('\n\n');
}

// Steps until the units have nothing left to do; returns the last step's reply.
function toRest(ws, budget = 50) {
  let r;
  let calls = 0;
  do { r = call(ws.unitsStep(budget)); calls += 1; } while (r.busy && calls < 100000);
  return { ...r, calls };
}

function trainedWorkspace() {
  const ws = new Module.Workspace();
  const started = call(ws.startWord2vec(topics(), JSON.stringify({ dim: 16, epochs: 3, min_count: 1, seed: 3, window: 3, sample: 0 })));
  assert.equal(started.ok, true);
  for (let p; !(p = call(ws.step(20000))).finished;);
  return ws;
}

test('units are split, indexed and pooled in steps; BM25 answers before any vectors', () => {
  const ws = new Module.Workspace();
  try {
    assert.deepEqual(call(ws.unitsStatus()), { units: 0, busy: false, next: 'ready' });
    assert.match(call(ws.unitsSearch('boat', 'bm25', 3)).error, /no units yet/);
    assert.deepEqual(call(ws.unitsOpen(topics(), 'paragraphs')), { ok: true });
    const built = toRest(ws, 200);
    assert.ok(built.calls > 10, `many small steps (${built.calls})`);
    assert.equal(built.units, 200);
    assert.equal(built.pooled, false);
    const bm25 = call(ws.unitsSearch('harbour ship', 'bm25', 10));
    assert.equal(bm25.hits.length, 10);
    for (const h of bm25.hits) {
      assert.equal(h.unit % 2, 1, 'boat paragraphs only');
      assert.ok(h.parts.some((p, i) => i % 2 === 1 && (p === 'harbour' || p === 'ship')), 'matched words marked');
    }
    assert.match(call(ws.unitsSearch('the of and', 'bm25', 3)).error, /stopwords/);
    assert.match(call(ws.unitsSearch('boat', 'embedding', 3)).error, /no vectors yet/);
    assert.match(call(ws.unitsPooling('median', false)).error, /mean, max, mean\+max, sif/);
  } finally {
    ws.delete();
  }
});

test('pooled units: the map, clusters, neighbours, compare and t-SNE come out as typed arrays', () => {
  const ws = trainedWorkspace();
  try {
    call(ws.unitsOpen(topics(), 'paragraphs'));
    const pooled = toRest(ws);
    assert.equal(pooled.pooled, true);
    assert.equal(pooled.with_vector, 200);
    const map = ws.unitsMap(50, null);
    assert.ok(map.units instanceof Int32Array && map.coords instanceof Float32Array, 'typed arrays');
    assert.equal(map.units.length, 50);
    assert.equal(map.coords.length, 100);
    assert.equal(map.texts.length, 50);
    assert.equal(map.withVector, 200);
    assert.ok(map.known.every((k, i) => k > 0 && k <= map.words[i]), 'coverage per unit');
    assert.deepEqual(Array.from(map.units.slice(0, 3)), [0, 4, 8], 'an even sample, in text order');
    const all = ws.unitsMap(1000, null);
    assert.equal(all.units.length, 200);
    const clusters = ws.unitsClusters(all.units.slice(), 2, 1);
    assert.ok(clusters.assignment instanceof Int32Array);
    // Cluster 0 holds unit 0 (an animal paragraph); the topics alternate.
    const agree = Array.from(all.units).filter((u, i) => clusters.assignment[i] === u % 2).length;
    assert.ok(agree >= 190, `the clusters are the topics (${agree} of 200 agree)`);
    const labels = clusters.labels.flat();
    assert.ok(labels.includes('harbour') || labels.includes('ship') || labels.includes('boat'), `labels name the topics: ${labels}`);
    assert.match(ws.unitsClusters(new Int32Array([1, 1, 3]), 2, 1).error, /chosen twice/);

    const near = call(ws.unitsNearest(1, 5));
    assert.ok(near.hits.every((h) => h.unit % 2 === 1 && h.unit !== 1), 'a boat paragraph is nearest boat paragraphs');
    const cmp = call(ws.unitsCompare('the cat and the dog', 'a mouse and a horse'));
    const sum = cmp.a.reduce((s, w) => s + w.contribution, 0);
    assert.ok(Math.abs(sum - cmp.cosine) < 1e-4, `shares sum to the cosine (${sum} vs ${cmp.cosine})`);
    assert.equal(cmp.with_units, true);

    const started = call(ws.unitsTsneStart(map.units.slice(), JSON.stringify({ perplexity: 10, iterations: 60 })));
    assert.equal(started.n, 50);
    const frame = ws.tsneStep(100);
    assert.equal(frame.done, true);
    assert.equal(frame.coords.length, 100);
    assert.match(call(ws.unitsTsneStart(new Int32Array([0, 1]), '{}')).error, /too few for t-SNE/);

    // Reset: the source goes, the units stay for BM25.
    ws.dropSource();
    assert.equal(call(ws.unitsStatus()).pooled, false);
    assert.equal(call(ws.unitsSearch('boat', 'bm25', 1)).hits.length, 1);
    assert.match(ws.unitsMap(50, null).error, /no vectors yet/);
  } finally {
    ws.delete();
  }
});

test('a documents file in chunks: a malformed line is named and the units there were stay', () => {
  const ws = new Module.Workspace();
  try {
    call(ws.unitsOpen('one boat.\n\ntwo cats.', 'paragraphs'));
    toRest(ws);
    const bytes = new TextEncoder().encode('{"text": "a harbour"}\n{"text": "a ship"}\n{"text" "no colon"}\n');
    assert.deepEqual(call(ws.unitsDocumentsBegin('jsonl', 'text')), { ok: true });
    for (let at = 0; at < bytes.length; at += 9) call(ws.unitsDocumentsChunk(bytes.subarray(at, at + 9)));
    call(ws.unitsDocumentsFinish());
    const r = toRest(ws, 8);
    assert.equal(r.error, 'line 3: not valid JSON');
    assert.equal(r.units, 2);
    assert.equal(call(ws.unitsSearch('cats', 'bm25', 1)).hits[0].unit, 1);
    call(ws.unitsDocumentsBegin('csv', 'body'));
    call(ws.unitsDocumentsChunk(new TextEncoder().encode('id,body\n1,a harbour\n2,"a ship, two oars"\n')));
    call(ws.unitsDocumentsFinish());
    assert.equal(toRest(ws).units, 2);
    assert.deepEqual(call(ws.unitsSearch('oars', 'bm25', 1)).hits[0].parts, ['a ship, two ', 'oars', '']);
  } finally {
    ws.delete();
  }
});

test('the sentence tests run on the shipped STS-B and Cranfield files', () => {
  const ws = trainedWorkspace();
  try {
    const read = (file) => fs.readFileSync(path.join(root, 'tests/data', file), 'utf8');
    assert.match(call(ws.sentenceEvalRun()).error, /not loaded/);
    call(ws.sentenceEvalLoad('sts', read('sts/sts-test.tsv')));
    call(ws.sentenceEvalLoad('cranfield-documents', read('ir/cranfield/documents.jsonl')));
    call(ws.sentenceEvalLoad('cranfield-queries', read('ir/cranfield/queries.jsonl')));
    call(ws.sentenceEvalLoad('cranfield-qrels', read('ir/cranfield/qrels.tsv')));
    const r = call(ws.sentenceEvalRun());
    assert.equal(r.sts.pairs, 1379);
    assert.deepEqual(r.sts.rows.map((row) => row.pooling), ['mean', 'mean', 'max', 'max', 'mean+max', 'mean+max', 'sif', 'sif']);
    assert.ok(Math.abs(r.sts.tfidf[0].spearman - 0.693) < 0.01, `TF-IDF's Spearman is the collection's: ${r.sts.tfidf[0].spearman}`);
    const bm25 = r.ir.rows.find((row) => row.method === 'bm25');
    assert.ok(Math.abs(bm25.ndcg10 - 0.344) < 0.01, `BM25 nDCG@10: ${bm25.ndcg10}`);
    // A sentence encoder trained beside the vectors is scored on the same pairs, its three poolings.
    assert.equal(r.sts.encoder, null);
    const options = { dim: 16, heads: 2, layers: 1, ff: 32, batch: 16, simcse_epochs: 1, seed: 1 };
    assert.equal(call(ws.encoderStart(topics(), JSON.stringify(options), false, '', 0)).error, undefined);
    call(ws.encoderStep(64));
    const withEncoder = call(ws.sentenceEvalRun());
    for (const pooling of ['cls', 'mean', 'max']) {
      const rho = withEncoder.sts.encoder[pooling];
      assert.ok(Number.isFinite(rho) && Math.abs(rho) <= 1, `${pooling}: ${rho}`);
    }
    assert.deepEqual(withEncoder.sts.tfidf, r.sts.tfidf);
  } finally {
    ws.delete();
  }
});

test('the worker\'s sentences module builds in slices, tells the page, and pools again when the vectors move', async () => {
  const engine = new Engine();
  engine.module = Module;
  const events = [];
  let settle = null;
  const post = (event) => {
    events.push(event);
    if (!event.status.busy) settle?.();
  };
  const rest = () => new Promise((resolve) => { settle = resolve; });
  const tsne = { frameOf: () => null };
  // A turn of node's event loop stands in for the worker's MessageChannel yield (an open channel
  // would keep node from exiting).
  const slicer = new TimeSlicer(() => new Promise((resolve) => setImmediate(resolve)));
  const sentences = new Sentences({ engine, slicer, post, tsne });
  let done = rest();
  sentences.open({ text: topics(), kind: 'sentences' });
  await done;
  const last = events.at(-1).status;
  assert.equal(last.units, 400);
  assert.equal(last.pooled, false, 'no vectors: nothing pooled');
  assert.ok(events.some((e) => e.status.phase === 'indexing'), 'the page hears of the indexing');

  // A run starts (the worker's run loop would say so): the units are pooled from it.
  call(engine.workspace.startWord2vec(topics(), JSON.stringify({ dim: 8, epochs: 2, min_count: 1, seed: 1 })));
  engine.became('word2vec', true);
  done = rest();
  sentences.newSource();
  await done;
  assert.equal(events.at(-1).status.pooled, true);
  const before = sentences.nearest({ unit: 0, k: 3 });
  call(engine.workspace.step(50000));
  done = rest();
  sentences.vectorsMoved();
  assert.equal(sentences.status().fresh, false, 'stale until pooled again');
  await done;
  assert.equal(events.at(-1).status.fresh, true);
  assert.notDeepEqual(sentences.nearest({ unit: 0, k: 3 }), before, 'the moved vectors pooled again');

  const frame = sentences.map({ max: 100 }).result;
  assert.equal(frame.of, 'units');
  assert.equal(frame.units.length, 100);
  const again = sentences.map({ max: 100 }).result;
  const gap = Math.max(...Array.from(frame.coords, (v, i) => Math.abs(v - again.coords[i])));
  assert.ok(gap < 1e-4, `the same vectors, the same frame (turned to the last one): ${gap}`);
  engine.workspace.delete();
});
