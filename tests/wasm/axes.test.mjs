// Geometry a teacher can point at, through the module and the worker's frames: words placed on
// semantic axes (and the axes that are refused, with the reason), the odd one out, PCA in 3D aligned
// to the map's 2D frame, t-SNE in 3D. The vectors come in as a small GloVe text, as a user's file would.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Module } from './load-module.mjs';
import { Engine } from '../../web/worker/engine.js';
import { VectorFiles } from '../../web/worker/files.js';
import { MapFrames } from '../../web/worker/frames.js';
import { ShownWords } from '../../web/worker/shown-words.js';
import { plantedLines } from '../data/planted-directions.mjs';

const call = (text) => JSON.parse(text);

// The worker's parts around a module workspace holding the vectors, opened as the page opens a file.
function worker() {
  const engine = new Engine();
  engine.module = Module;
  const files = new VectorFiles({ engine, stop: () => {}, opened: (kind) => engine.became(kind, false) });
  files.importBegin({ format: 'glove', maxWords: 1000 });
  files.importChunk({ bytes: new TextEncoder().encode(`${plantedLines(30, 3).join('\n')}\n`).buffer });
  assert.equal(files.importFinish().ok, true);
  const shown = new ShownWords(engine);
  const frames = new MapFrames({ engine, shown, tsne: { active: false, frameOf: () => null } });
  return { engine, shown, frames };
}

const X = 'he-she, man-woman';
const Y = '{young youthful} - {old elderly}';

test('the module places words on two axes by their cosines and says how it read them', () => {
  const { engine } = worker();
  const ws = engine.workspace;
  const words = call(ws.words(12)).words;
  const r = ws.axes(12, X, Y, true);
  assert.ok(!r.error, r.error);
  assert.ok(r.coords instanceof Float32Array);
  assert.equal(r.coords.length, 24);
  const at = (w) => words.indexOf(w);
  // he is (1, 0, 0.1, 0): its cosine with the x axis (mean of he, man minus mean of she, woman on unit vectors).
  const unit = (v) => { const n = Math.hypot(...v); return v.map((x) => x / n); };
  const [he, she, man, woman] = [[1, 0, 0.1, 0], [-1, 0, 0.1, 0], [1, 0.1, 0, 0.1], [-1, 0.1, 0, 0.1]].map(unit);
  const axis = he.map((_, k) => (he[k] + man[k]) / 2 - (she[k] + woman[k]) / 2);
  const cos = he.reduce((s, x, k) => s + x * axis[k], 0) / Math.hypot(...axis);
  assert.ok(Math.abs(r.coords[2 * at('he')] - cos) < 1e-5, `he's x ${r.coords[2 * at('he')]} against ${cos} by hand`);
  assert.ok(r.coords[2 * at('girl')] < -0.5 && r.coords[2 * at('girl') + 1] > 0.5, 'girl: left, up');
  assert.ok(r.coords[2 * at('elderly') + 1] < -0.5, 'elderly: down');
  assert.deepEqual(r.axes.x.positive, ['he', 'man']);
  assert.equal(r.axes.y.label_negative, 'old, elderly');
  assert.equal(r.axes.orthogonal, true);
  assert.ok(Math.abs(r.axes.cosine) < 0.3);
  // Refused with the reason; unknown words named.
  assert.equal(ws.axes(12, 'he-she', Y, true).error,
    'x axis: each side needs at least two different words, and “he-she” is one pair: add another pair (he-she, man-woman)');
  assert.equal(ws.axes(12, X, 'young-old, zebra-unicorn', true).error, 'y axis: not in the vocabulary: zebra, unicorn');
  assert.match(ws.axes(12, X, X, true).error, /almost the x axis/);
  engine.close();
});

test('the odd one out is the planted word, with every distance', () => {
  const { engine } = worker();
  const ws = engine.workspace;
  const r = call(ws.oddOneOut('he man boy table'));
  assert.equal(r.odd, 'table');
  assert.equal(r.distances.length, 4);
  assert.ok(r.distances.every((d, i) => i === 3 || d < r.distances[3]), JSON.stringify(r.distances));
  assert.equal(call(ws.oddOneOut('he man boy zebra unicorn')).error, 'not in the vocabulary: zebra, unicorn');
  assert.match(call(ws.oddOneOut('he man boy')).error, /type 4 to 6 words/);
  engine.close();
});

test('the worker\'s frames: axes from a projection request, PCA in 3D seen from the front of the 2D map', () => {
  const { engine, frames } = worker();
  const n = 42;
  const flat = frames.snapshot({ n, only: '' }).result;
  assert.equal(flat.dims, 2);
  assert.equal(flat.projection, 'pca');

  // 3D PCA of the same words: its x and y match the 2D frame (Procrustes with depth 0).
  frames.usePca(3);
  const deep = frames.snapshot({ n, only: '' }).result;
  assert.equal(deep.dims, 3);
  assert.equal(deep.coords.length, 3 * n);
  assert.equal(deep.explained.length, 3);
  const scale = Math.max(...flat.coords.map(Math.abs));
  let gap = 0;
  for (let i = 0; i < n; i += 1) gap = Math.max(gap, Math.abs(deep.coords[3 * i] - flat.coords[2 * i]), Math.abs(deep.coords[3 * i + 1] - flat.coords[2 * i + 1]));
  assert.ok(gap < 0.05 * scale, `the 3D frame seen from the front is the 2D one (${gap} of ${scale})`);
  assert.ok(deep.explained[2] > 0 && deep.explained[2] <= deep.explained[1]);

  // Axes: bad ones change nothing; good ones make every frame after.
  assert.throws(() => frames.useAxes({ n, only: '', axes: { x: 'he-she', y: Y } }), /each side needs at least two different words/);
  assert.equal(frames.snapshot({ n, only: '' }).result.dims, 3, 'still PCA in 3D');
  const read = frames.useAxes({ n, only: '', axes: { x: X, y: Y, orthogonal: false } });
  assert.equal(read.axes.orthogonal, false);
  const placed = frames.snapshot({ n, only: '' }).result;
  assert.equal(placed.projection, 'axes');
  assert.equal(placed.dims, 2);
  assert.deepEqual(placed.axes.x.negative, ['she', 'woman']);
  assert.ok(placed.coords.every((c) => c >= -1 - 1e-6 && c <= 1 + 1e-6), 'cosines');
  frames.usePca(2);
  assert.equal(frames.snapshot({ n, only: '' }).result.projection, 'pca');
  assert.throws(() => frames.usePca(4), /2 or 3 dimensions/);
  engine.close();
});

test('t-SNE in 3D steps with three coordinates per word, and its dimensions are checked', () => {
  const { engine } = worker();
  const ws = engine.workspace;
  const started = call(ws.tsneStart(42, JSON.stringify({ perplexity: 5, iterations: 60, dimensions: 3 })));
  assert.ok(!started.error, started.error);
  const f = ws.tsneStep(60);
  assert.equal(f.dims, 3);
  assert.equal(f.coords.length, 3 * 42);
  assert.ok(f.done && f.coords.every(Number.isFinite));
  assert.match(call(ws.tsneStart(42, JSON.stringify({ dimensions: 4 }))).error, /dimensions must be a whole number from 2 to 3/);
  engine.close();
});
