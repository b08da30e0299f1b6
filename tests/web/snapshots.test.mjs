// The timeline's memory (web/snapshots.js): bounded by its cap, thinned evenly, epoch 0 kept;
// frames projected newest first and interpolated between kept epochs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EpochSnapshots, interpolate } from '../../web/shared/snapshots.js';

const words = { words: ['a', 'b', 'c'], counts: [3, 2, 1] };
const vectors = (value) => ({ vectors: new Float32Array(3 * 2).fill(value), rows: 3, dim: 2 });

test('snapshots stay under the cap, keep epoch 0 and the newest, and thin out evenly', () => {
  const one = 3 * 2 * 4;
  const s = new EpochSnapshots(5 * one);
  s.begin(words, vectors(0));
  for (let e = 1; e <= 20; e += 1) {
    s.add(e, vectors(e).vectors);
    assert.ok(s.bytes <= 5 * one, `epoch ${e}: ${s.bytes} bytes`);
    assert.equal(s.epochs[0], 0);
    assert.equal(s.epochs[s.epochs.length - 1], e);
  }
  assert.ok(s.epochs.length >= 3, s.epochs.join(','));
  const gaps = s.epochs.slice(1).map((e, i) => e - s.epochs[i]);
  assert.ok(Math.max(...gaps) <= 4 * Math.min(...gaps), `uneven: ${s.epochs}`);
});

test('frames are projected newest first, each aligned to the one after it; interpolation is linear', () => {
  const s = new EpochSnapshots();
  s.begin(words, vectors(0));
  s.add(1, vectors(1).vectors);
  s.add(2, vectors(2).vectors);
  const calls = [];
  // A stand-in projection: the first coordinate of each row, and whether it had a previous frame.
  const project = (v, rows, dim, previous) => {
    calls.push(previous ? previous[0] : null);
    const out = new Float32Array(2 * rows);
    for (let i = 0; i < rows; i += 1) { out[2 * i] = v[i * dim]; out[2 * i + 1] = -v[i * dim]; }
    return out;
  };
  const anchor = new Float32Array(4).fill(9);
  const f = s.frames(2, project, anchor);
  assert.deepEqual(f.words, ['a', 'b']);
  assert.deepEqual(f.epochs, [0, 1, 2]);
  assert.deepEqual(calls, [9, 2, 1]);
  assert.deepEqual(Array.from(f.coords.subarray(0, 4)), [0, -0, 0, -0]);
  assert.deepEqual(Array.from(interpolate(f, 2, 1.5)), [1.5, -1.5, 1.5, -1.5]);
  assert.deepEqual(Array.from(interpolate(f, 2, 2)), [2, -2, 2, -2]);
  assert.deepEqual(Array.from(interpolate(f, 2, 0)), [0, 0, 0, 0]);
});

test('frames of chosen rows (a search result) take exactly those words\' vectors, in the order asked', () => {
  const s = new EpochSnapshots();
  // Row i holds (10 i + epoch, 0): the projection below reads the first coordinate back.
  const at = (epoch) => Float32Array.from([0, 0, 10, 0, 20, 0], (x, j) => (j % 2 === 0 ? x + epoch : 0));
  s.begin(words, { vectors: at(0), rows: 3, dim: 2 });
  s.add(1, at(1));
  const project = (v, rows, dim) => Float32Array.from({ length: 2 * rows }, (_, j) => (j % 2 === 0 ? v[(j / 2) * dim] : 0));
  const f = s.frames([2, 0], project);
  assert.deepEqual(f.words, ['c', 'a']);
  assert.deepEqual(f.counts, [1, 3]);
  assert.deepEqual(Array.from(f.coords), [20, 0, 0, 0, 21, 0, 1, 0]);
  assert.deepEqual(s.frames([7, -1], project).words, [], 'rows that were not kept are left out');
  assert.deepEqual(s.frames([0, 1], project).words, s.frames(2, project).words);
});
