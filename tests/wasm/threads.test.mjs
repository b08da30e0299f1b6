// The module with WebAssembly threads (embplay-mt, what a cross-origin isolated page loads) in node:
// it uses two threads, and trains to exactly the one-thread module's losses on the same seed, on
// a vocabulary big enough that the output layer's products are cut in parts (src/parallel.h); and
// its UMAP, whose epochs run in parts of the points, gives the one-thread module's layout.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync, spawnSync } from 'node:child_process';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';

import { Module as OneThread, blobLines, root, sessionWith } from './load-module.mjs';

const dir = path.join(root, 'build/wasm');
const createThreaded = createRequire(import.meta.url)(path.join(dir, 'embplay-mt.js'));
const Threaded = await createThreaded({ wasmBinary: fs.readFileSync(path.join(dir, 'embplay-mt.wasm')) });
// The module's pool keeps a worker thread, which would keep node running after the tests: stop the
// helper, then end the pool's workers (Emscripten's own call, which its glue exports).
after(() => {
  Threaded.setThreads(1);
  Threaded.PThread.terminateAllThreads();
});

// 2,000 sentences of 8 words drawn (seeded) from 1,500.
function manyWords() {
  let state = 7;
  const words = [];
  for (let s = 0; s < 2000; s++) {
    for (let w = 0; w < 8; w++) {
      state = (state * 1103515245 + 12345) % 2147483648;
      words.push(`w${(state >> 8) % 1500}`);
    }
    words.push('.');
  }
  return words.join(' ');
}

function losses(Module) {
  const settings = { dim: 16, hidden: 64, batch: 64, epochs: 1, optimizer: 'adam', lr: 0.01, seed: 3 };
  const s = new Module.Workspace();
  try {
    const started = JSON.parse(s.start(manyWords(), JSON.stringify(settings)));
    assert.equal(started.ok, true, started.error);
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(JSON.parse(s.step(2000)).train_loss);
    seen.push(JSON.parse(s.evaluate()).loss);
    return seen;
  } finally {
    s.delete();
  }
}

test('the threaded module uses two threads and trains to the one-thread module\'s losses exactly', () => {
  assert.equal(Threaded.setThreads(2), 2);
  assert.equal(OneThread.setThreads(2), 1);
  const one = losses(OneThread);
  const two = losses(Threaded);
  assert.ok(one.every(Number.isFinite), `finite losses: ${one}`);
  assert.deepEqual(two, one);
  assert.equal(Threaded.setThreads(1), 1);
});

test('UMAP of 3,000 words on two threads gives the one-thread module\'s layout, bit for bit', () => {
  assert.equal(Threaded.setThreads(2), 2);
  const lines = blobLines(6, 500, 11);  // 3,000 points: the epochs run in two parts
  const layout = (Module) => {
    const s = sessionWith(Module, lines);
    try {
      const started = JSON.parse(s.umapStart(3000, JSON.stringify({ epochs: 20, seed: 5 })));
      assert.ok(!started.error, started.error);
      s.umapStep(20);
      return Array.from(s.umapStep(0).coords);
    } finally {
      s.delete();
    }
  };
  const one = layout(OneThread), two = layout(Threaded);
  assert.equal(one.length, 6000);
  assert.ok(one.every(Number.isFinite));
  assert.deepEqual(two, one);
  assert.equal(Threaded.setThreads(1), 1);
});

test('the command-line tool trains the same model file with --threads 1 and 2, and refuses 3', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embplay-threads-'));
  const input = path.join(dir, 'words.txt');
  fs.writeFileSync(input, manyWords());
  const embplay = path.join(root, 'build/native/embplay');
  const train = (threads) => {
    const out = path.join(dir, `model-${threads}.json`);
    execFileSync(embplay, ['train', '--input', input, '--dim', '16', '--hidden', '64', '--batch', '64', '--epochs', '1',
      '--optimizer', 'adam', '--lr', '0.01', '--seed', '3', '--threads', String(threads), '--save', out, '--json']);
    return fs.readFileSync(out, 'utf8');
  };
  const one = train(1);
  assert.ok(one.includes('"weights"'), 'a model file');
  assert.equal(train(2), one);
  const refused = spawnSync(embplay, ['train', '--input', input, '--threads', '3'], { encoding: 'utf8' });
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /--threads must be 1 or 2/);
  fs.rmSync(dir, { recursive: true, force: true });
});
