// Shared by the node benchmarks (wasm_bench.cjs, tfjs_bench.cjs): the reference workload, the FLOP
// count from the shapes, memory readings, and loading our WebAssembly module.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_CORPUS = path.join(ROOT, 'build', 'bench', 'zipf-1m.txt');

// The reference workload, in the names the WebAssembly Session's settings JSON uses.
const REFERENCE_SETTINGS = Object.freeze({
  context: 3,          // k
  dim: 64,             // d
  hidden: 128,         // h, tanh
  max_vocab: 5000,     // V = 5,000 words + <pad> + <unk>
  min_count: 1,
  optimizer: 'sgd',
  lr: 0.1,
  batch: 128,
  epochs: 1,
  seed: 1,
  valid_fraction: 0.01,
});
const RESERVED_WORDS = 2;  // <pad>, <unk>

// Matrix-product FLOPs per example (= per predicted token), from the shapes, as in train_bench.cpp:
// forward 2*(k*d)*h + 2*f*V with f = h (or k*d without a hidden layer); backward does each product
// twice more (input gradient and weight gradient). Element-wise work is left out.
function flopsPerToken({ vocab, context, dim, hidden }) {
  const input = context * dim;
  const hiddenLayer = hidden > 0 ? 2 * input * hidden : 0;
  const outputLayer = 2 * (hidden > 0 ? hidden : input) * vocab;
  return 3 * (hiddenLayer + outputLayer);
}

const MB = 1024 * 1024;
// Peak resident set of this process so far (node reports kilobytes).
function peakRssMb() { return process.resourceUsage().maxRSS / 1024; }
function rssMb() { return process.memoryUsage().rss / MB; }
// CPU seconds this process has run (user + system, all its threads): unlike wall time it does not
// grow while another process holds the core, so tokens per CPU second stays meaningful when busy.
function cpuSeconds() { const { user, system } = process.cpuUsage(); return (user + system) / 1e6; }

// Loads build/wasm/embplay.{js,wasm} (classic MODULARIZE output; an ES6 module would not load here),
// or with name 'embplay-mt' the module with WebAssembly threads that an isolated page loads.
async function loadEmbPlay(root = ROOT, name = 'embplay') {
  const js = path.join(root, 'build', 'wasm', `${name}.js`);
  const wasm = path.join(root, 'build', 'wasm', `${name}.wasm`);
  for (const file of [js, wasm]) {
    if (!fs.existsSync(file)) throw new Error(`${path.relative(root, file)} is missing: run ./build.sh build first`);
  }
  const createEmbPlay = require(js);
  return createEmbPlay({ wasmBinary: fs.readFileSync(wasm), print: () => {}, printErr: (s) => process.stderr.write(`${s}\n`) });
}

// Bytes of a WebAssembly module's linear memory (it only grows, so this is also its peak).
function wasmHeapMb(Module) {
  const memory = Module.HEAPU8?.buffer ?? Module.wasmMemory?.buffer ?? Module.wasmExports?.memory?.buffer ??
    Module.asm?.memory?.buffer;
  return memory ? memory.byteLength / MB : null;
}

// Calls a Session method that answers in JSON; a {error} answer becomes an exception.
function callJson(session, method, ...args) {
  const answer = JSON.parse(session[method](...args));
  if (answer && answer.error) throw new Error(`Session.${method}: ${answer.error}`);
  return answer;
}

function round(x, digits) {
  if (x == null || !Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

// Prints the one result line the orchestrator reads (the last line of stdout).
function emit(result) { process.stdout.write(`${JSON.stringify(result)}\n`); }

// Runs main(); any failure prints one line to stderr and exits 1, so run.mjs sees a crash.
function runMain(name, main) {
  main().then(() => process.exit(0), (error) => {
    process.stderr.write(`${name}: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
}

module.exports = {
  ROOT, DEFAULT_CORPUS, REFERENCE_SETTINGS, RESERVED_WORDS, flopsPerToken, peakRssMb, rssMb, cpuSeconds,
  loadEmbPlay, wasmHeapMb, callJson, round, emit, runMain,
};
