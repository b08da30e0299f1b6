// UMAP through the module, as the page's worker drives it: umapStart on the shown words, umapStep
// in slices to a layout that keeps the blobs apart, the same seed the same layout, bad options
// refused while the last layout stays, and umapSchema() for the page's form.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Module, blobLines, sessionWith as sessionOf } from './load-module.mjs';

const call = (text) => JSON.parse(text);
const sessionWith = (lines) => sessionOf(Module, lines);  // three groups of 12 words by default (blobLines)

// The layout's words in the order the module holds them (most frequent first: here file order).
const groupOf = (row) => Math.floor(row / 12);

test('UMAP runs in epochs to a layout whose nearest neighbours share their blob', () => {
  const s = sessionWith(blobLines());
  const started = call(s.umapStart(36, JSON.stringify({ neighbours: 8, epochs: 200, seed: 3 })));
  assert.equal(started.ok, true, JSON.stringify(started));
  assert.deepEqual([started.n, started.epochs, started.warm], [36, 200, false]);
  const first = s.umapStep(50);
  assert.ok(!first.error, first.error);
  assert.ok(first.coords instanceof Float32Array);
  assert.deepEqual([first.coords.length, first.dims, first.iteration, first.iterations, first.done], [72, 2, 50, 200, false]);
  const last = s.umapStep(1000);
  assert.deepEqual([last.iteration, last.done], [200, true]);
  assert.ok(last.coords.every(Number.isFinite));
  const { coords } = last;
  for (let i = 0; i < 36; i += 1) {
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < 36; j += 1) {
      const d = (coords[2 * i] - coords[2 * j]) ** 2 + (coords[2 * i + 1] - coords[2 * j + 1]) ** 2;
      if (j !== i && d < bestD) [best, bestD] = [j, d];
    }
    assert.equal(groupOf(best), groupOf(i), `word ${i}'s nearest on the map is from its own blob`);
  }

  // Another session, the same seed: the same layout, whatever the slices.
  const again = sessionWith(blobLines());
  call(again.umapStart(36, JSON.stringify({ neighbours: 8, epochs: 200, seed: 3 })));
  for (let k = 0; k < 20; k += 1) again.umapStep(10);
  assert.deepEqual(Array.from(again.umapStep(0).coords), Array.from(coords));
  again.delete();

  // Bad options: refused with the reason, and the last layout stays.
  assert.match(call(s.umapStart(36, JSON.stringify({ neighbours: 1 }))).error, /UMAP option neighbours must be a whole number from 2 to 200/);
  assert.match(call(s.umapStart(36, JSON.stringify({ min_dist: 2 }))).error, /min_dist 2 must not exceed spread 1/);
  assert.match(call(s.umapStart(36, JSON.stringify({ colour: 'red' }))).error, /unknown UMAP option: colour/);
  assert.match(call(s.umapStart(3, '{}')).error, /at least 4/);
  assert.deepEqual(Array.from(s.umapStep(0).coords), Array.from(coords), 'the last good layout is kept');

  // The same words again: from the last layout; in 3D: three coordinates a word.
  assert.equal(call(s.umapStart(36, JSON.stringify({ epochs: 20 }))).warm, true);
  assert.deepEqual(Array.from(s.umapStep(0).coords), Array.from(coords));
  call(s.umapStart(36, JSON.stringify({ epochs: 20, dimensions: 3 })));
  const cloud = s.umapStep(20);
  assert.deepEqual([cloud.dims, cloud.coords.length, cloud.done], [3, 108, true]);
  s.delete();

  const empty = new Module.Workspace();
  assert.match(empty.umapStep(1).error, /umapStart/);
  empty.delete();
});

test('umapSchema names every option with its range and default', () => {
  const schema = call(Module.umapSchema());
  const byName = Object.fromEntries(schema.map((f) => [f.name, f]));
  assert.deepEqual(Object.keys(byName).slice(0, 4), ['neighbours', 'min_dist', 'spread', 'epochs']);
  assert.deepEqual([byName.neighbours.min, byName.neighbours.max, byName.neighbours.default], [2, 200, 15]);
  assert.equal(byName.min_dist.default, 0.1);
  assert.equal(byName.epochs.default, 0);
  assert.equal(byName.seed.type, 'int');
});
