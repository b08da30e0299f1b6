// The worker's map frames (web/worker/frames.js) on the real module: each PCA frame is turned to
// match the previous frame of the same words, whichever projection made it, and the shares of the
// spread it reports (the map's caption) are along its own x and y after the turn.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Module } from './load-module.mjs';
import { Engine } from '../../web/worker/engine.js';
import { VectorFiles } from '../../web/worker/files.js';
import { MapFrames } from '../../web/worker/frames.js';
import { ShownWords } from '../../web/worker/shown-words.js';

const WORDS = 40;

// 40 words in 5 dimensions, seeded, with a different spread along each dimension (so PCA has
// two distinct principal axes), opened the way the page opens a vectors file.
function openedVectors() {
  let state = 11;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32 - 0.5; };
  const lines = Array.from({ length: WORDS }, (_, i) => `w${i} ${Array.from({ length: 5 }, (__, j) => ((5 - j) * next()).toFixed(5)).join(' ')}`);
  const engine = new Engine();
  engine.module = Module;
  const files = new VectorFiles({ engine, stop: () => {}, opened: (kind) => engine.became(kind, false) });
  files.importBegin({ format: 'glove', maxWords: 1000 });
  files.importChunk({ bytes: new TextEncoder().encode(`${lines.join('\n')}\n`).buffer });
  assert.equal(files.importFinish().ok, true);
  const shown = new ShownWords(engine);
  const frames = new MapFrames({ engine, shown, tsne: { active: false, frameOf: () => null } });
  return { engine, shown, frames };
}

const frameOf = (frames) => frames.snapshot({ n: WORDS, only: '' }).result;
const maxGap = (a, b) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

test('a PCA frame is turned to the previous frame of the same words, and its shares of the spread follow its axes', () => {
  const { engine, shown, frames } = openedVectors();
  const first = frameOf(frames);
  const [fx, fy] = first.explained;
  assert.ok(fx > fy && fy > 0, `PCA's first axis keeps more of the spread: ${first.explained}`);

  // The map last showed these words a quarter turn round (as a t-SNE layout might have them): the
  // next PCA frame of the same vectors comes the same way round, and x now keeps what y kept.
  const key = shown.resolve(WORDS, '').key;
  const turned = Float32Array.from(first.coords, (_, i) => (i % 2 === 0 ? -first.coords[i + 1] : first.coords[i - 1]));
  frames.remember(key, turned);
  const second = frameOf(frames);
  const scale = Math.max(...first.coords.map(Math.abs));
  assert.ok(maxGap(second.coords, turned) < 1e-4 * scale, `the frame matches the previous one (${maxGap(second.coords, turned)})`);
  assert.ok(Math.abs(second.explained[0] - fy) < 1e-4 && Math.abs(second.explained[1] - fx) < 1e-4,
    `x keeps what y kept: ${second.explained} against ${first.explained}`);

  // An eighth of a turn: the spread is shared between x and y, and their sum stays.
  const c = Math.SQRT1_2;
  const tilted = Float32Array.from(first.coords, (_, i) => (i % 2 === 0
    ? c * (first.coords[i] - first.coords[i + 1]) : c * (first.coords[i - 1] + first.coords[i])));
  frames.remember(key, tilted);
  const third = frameOf(frames);
  assert.ok(maxGap(third.coords, tilted) < 1e-4 * scale);
  assert.ok(Math.abs(third.explained[0] + third.explained[1] - (fx + fy)) < 1e-5, 'the two axes keep the same spread in all');
  assert.ok(Math.abs(third.explained[0] - (fx + fy) / 2) < 1e-4, `half each: ${third.explained}`);

  // A previous frame of other words is not a reference: plain PCA.
  frames.remember('other\nwords', turned);
  assert.ok(maxGap(frameOf(frames).coords, engine.workspace.pca(WORDS).coords) < 1e-6 * scale, 'plain PCA');
  engine.close();
});
