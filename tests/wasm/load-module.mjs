// The built WebAssembly module, loaded once for a test file. Emscripten's own fetch of the .wasm
// fails under node 20, so it is handed the bytes; the glue is a classic script, so require() it.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');
const createEmbPlay = createRequire(import.meta.url)(path.join(root, 'build/wasm/embplay.js'));
export const Module = await createEmbPlay({ wasmBinary: fs.readFileSync(path.join(root, 'build/wasm/embplay.wasm')) });

// A Workspace of `module` holding the vectors of `lines` (GloVe text), streamed in chunks of `chunk`
// bytes (all at once by default).
export function sessionWith(module, lines, chunk = Infinity) {
  const s = new module.Workspace();
  const bytes = new TextEncoder().encode(`${lines.join('\n')}\n`);
  assert.equal(JSON.parse(s.importBegin('glove', Math.max(1000, lines.length))).ok, true);
  for (let at = 0; at < bytes.length; at += chunk) {
    const answer = JSON.parse(s.importChunk(bytes.subarray(at, Math.min(bytes.length, at + chunk))));
    assert.ok(!answer.error, answer.error);
  }
  const done = JSON.parse(s.importFinish());
  assert.equal(done.ok, true, JSON.stringify(done));
  return s;
}

// `size` words in each of `blobs` groups (g0_0 .. g0_<size-1>, g1_0 ..) around far-apart centres in
// 6 dimensions, as GloVe lines; seeded.
export function blobLines(blobs = 3, size = 12, seed = 7) {
  let state = seed;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32 - 0.5; };
  const lines = [];
  for (let b = 0; b < blobs; b += 1) {
    const centre = Array.from({ length: 6 }, () => 20 * next());
    for (let i = 0; i < size; i += 1) lines.push(`g${b}_${i} ${centre.map((c) => (c + next()).toFixed(4)).join(' ')}`);
  }
  return lines;
}
