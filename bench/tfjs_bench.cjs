// tfjs_bench: the reference next-word workload in TensorFlow.js 4.22 (wasm backend, SIMD, one
// thread), to compare our WebAssembly build with the library a web page would otherwise use.
//
// Same model, shapes, loss and plain SGD as the core (src/model.h), trained on the same batches:
//   x = gather(E, contexts)          (B, k*d)   E: (V, d)
//   a = tanh(x W1 + b1)              (B, h)     W1: (k*d, h), b1: (h)
//   z = a W2 + b2                    (B, V)     W2: (h, V),   b2: (V)
//   loss = mean softmax cross-entropy(z, targets)
// The wasm backend cannot differentiate tf.gather, so autodiff stops at x: dL/dx is scattered
// back onto the rows of E with tf.scatterND (which sums repeated ids) and applied by hand.
//
// Batches come, in order of preference, from
//   --examples <file>   the JSON written by `wasm_bench.cjs --examples-out` (what run.mjs does),
//   (default)           our WebAssembly module in this process: Session.examples(limit) on the corpus,
//   --random            seeded uniform random ids of the right shape (no build needed).
// Prints one JSON line: {"engine":"tfjs-wasm","tokens_per_sec",...}.
//
// --manual trains with backpropagation written by hand (engine "tfjs-wasm-manual") instead of
// autodiff: the same maths, but it sidesteps the backend's slow transposed matMul. It shows what a
// TensorFlow.js expert could get; plain "tfjs-wasm" is how the library is meant to be used.
//
// Usage: node bench/tfjs_bench.cjs [corpus.txt] [token-budget] [--examples file | --random] [--manual]
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const common = require('./common.cjs');

const DEFAULT_BUDGET = 12800;  // 100 batches, ~20 s at the ~676 tokens/s PEERS.md reports
const WARMUP_BATCHES = 4;      // untimed: kernel set-up, first allocations

function parseArgs(argv) {
  const args = { corpus: common.DEFAULT_CORPUS, budget: DEFAULT_BUDGET, examples: null, random: false, manual: false };
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--examples') args.examples = path.resolve(argv[++i]);
    else if (argv[i] === '--random') args.random = true;
    else if (argv[i] === '--manual') args.manual = true;
    else if (argv[i].startsWith('--')) throw new Error(`unknown option ${argv[i]}`);
    else positional.push(argv[i]);
  }
  if (positional[0]) args.corpus = path.resolve(positional[0]);
  if (positional[1]) args.budget = Number(positional[1]);
  if (!(Number.isInteger(args.budget) && args.budget > 0)) throw new Error('token budget must be a positive integer');
  return args;
}

// mulberry32, for the weights and the --random batches (never Math.random).
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// {vocab, contexts: Int32Array(limit*k), targets: Int32Array(limit), source}
async function loadExamples(args, limit, settings) {
  const k = settings.context;
  if (args.random) {
    const vocab = settings.max_vocab + common.RESERVED_WORDS;
    const rand = mulberry32(7);
    const contexts = Int32Array.from({ length: limit * k }, () => Math.floor(rand() * vocab));
    const targets = Int32Array.from({ length: limit }, () => Math.floor(rand() * vocab));
    return { vocab, contexts, targets, source: 'random' };
  }
  if (args.examples) {
    const saved = JSON.parse(fs.readFileSync(args.examples, 'utf8'));
    if (saved.context !== k) throw new Error(`${args.examples}: context ${saved.context}, expected ${k}`);
    if (saved.targets.length < limit) throw new Error(`${args.examples} holds ${saved.targets.length} examples, need ${limit}`);
    return {
      vocab: saved.vocab,
      contexts: Int32Array.from(saved.contexts.slice(0, limit * k)),
      targets: Int32Array.from(saved.targets.slice(0, limit)),
      source: path.relative(common.ROOT, args.examples),
    };
  }
  const Module = await common.loadEmbPlay();
  const session = new Module.Workspace();
  try {
    const started = common.callJson(session, 'start', fs.readFileSync(args.corpus, 'utf8'), JSON.stringify(settings));
    const batch = session.examples(limit);
    return {
      vocab: vocabSize(started.stats, settings),
      contexts: Int32Array.from(batch.contexts),
      targets: Int32Array.from(batch.targets),
      source: 'embplay Session.examples (in process)',
    };
  } finally {
    session.delete();
  }
}

// The vocabulary size from the Session's stats, whatever the field is called, else the cap.
function vocabSize(stats, settings) {
  const v = stats && (stats.vocab_size ?? stats.vocab ?? stats.vocabulary);
  return Number.isInteger(v) ? v : settings.max_vocab + common.RESERVED_WORDS;
}

// Uniform(-scale, scale) weights from our seeded generator.
function uniform(tf, shape, scale, rand) {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = (2 * rand() - 1) * scale;
  return tf.variable(tf.tensor(values, shape));
}

class NextWordModelTf {
  constructor(tf, { vocab, context, dim, hidden }, seed) {
    const rand = mulberry32(seed);
    const input = context * dim;
    this.tf = tf;
    this.shape = { vocab, context, dim, hidden };
    this.E = uniform(tf, [vocab, dim], 0.5 / Math.sqrt(dim), rand);                       // (V, d)
    this.W1 = uniform(tf, [input, hidden], Math.sqrt(6 / (input + hidden)), rand);         // (k*d, h)
    this.b1 = tf.variable(tf.zeros([hidden]));                                             // (h)
    this.W2 = uniform(tf, [hidden, vocab], Math.sqrt(6 / (hidden + vocab)), rand);         // (h, V)
    this.b2 = tf.variable(tf.zeros([vocab]));                                              // (V)
  }

  // One SGD step on a batch; contexts: Int32Array(B*k), targets: Int32Array(B). Returns the loss.
  step(contexts, targets, lr) {
    const { tf } = this;
    const { vocab, context, dim } = this.shape;
    const B = targets.length;
    const loss = tf.tidy(() => {
      const ids = tf.tensor1d(contexts, 'int32');                               // (B*k)
      const x = tf.gather(this.E, ids).reshape([B, context * dim]);             // (B, k*d), outside autodiff
      const labels = tf.oneHot(tf.tensor1d(targets, 'int32'), vocab);           // (B, V)
      const forward = (x, W1, b1, W2, b2) => {
        const a = tf.tanh(tf.add(tf.matMul(x, W1), b1));                        // (B, h)
        const z = tf.add(tf.matMul(a, W2), b2);                                 // (B, V)
        return tf.losses.softmaxCrossEntropy(labels, z);                        // mean over B
      };
      const { value, grads } = tf.valueAndGrads(forward)([x, this.W1, this.b1, this.W2, this.b2]);
      const [dx, dW1, db1, dW2, db2] = grads;
      const rate = tf.scalar(lr);
      this.W1.assign(tf.sub(this.W1, tf.mul(dW1, rate)));
      this.b1.assign(tf.sub(this.b1, tf.mul(db1, rate)));
      this.W2.assign(tf.sub(this.W2, tf.mul(dW2, rate)));
      this.b2.assign(tf.sub(this.b2, tf.mul(db2, rate)));
      const dE = tf.scatterND(ids.reshape([B * context, 1]), dx.reshape([B * context, dim]), [vocab, dim]);  // (V, d)
      this.E.assign(tf.sub(this.E, tf.mul(dE, rate)));
      return value;
    });
    const value = loss.dataSync()[0];  // waits for the step, as a training loop reading its loss would
    loss.dispose();
    return value;
  }

  // The same step with backpropagation written out by hand and every transposed product fed to
  // tf.matMul as an explicit tf.transpose: the wasm backend's matMul is ~10x slower when asked to
  // transpose an operand itself, which is what autodiff does in the backward pass.
  stepManual(contexts, targets, lr) {
    const { tf } = this;
    const { vocab, context, dim } = this.shape;
    const B = targets.length;
    const T = (m) => tf.transpose(m);
    const loss = tf.tidy(() => {
      const ids = tf.tensor1d(contexts, 'int32');                               // (B*k)
      const x = tf.gather(this.E, ids).reshape([B, context * dim]);             // (B, k*d)
      const labels = tf.oneHot(tf.tensor1d(targets, 'int32'), vocab);           // (B, V)
      const a = tf.tanh(tf.add(tf.matMul(x, this.W1), this.b1));                // (B, h)
      const z = tf.add(tf.matMul(a, this.W2), this.b2);                         // (B, V)
      const logp = tf.logSoftmax(z);                                            // (B, V)
      const value = tf.div(tf.neg(tf.sum(tf.mul(labels, logp))), B);           // mean cross-entropy
      const dz = tf.div(tf.sub(tf.exp(logp), labels), B);                       // (B, V)
      const da = tf.matMul(dz, T(this.W2));                                     // (B, h)
      const dh = tf.mul(da, tf.sub(1, tf.square(a)));                           // (B, h) through tanh
      const dx = tf.matMul(dh, T(this.W1));                                     // (B, k*d)
      const rate = tf.scalar(lr);
      this.W2.assign(tf.sub(this.W2, tf.mul(tf.matMul(T(a), dz), rate)));       // dW2 = a^T dz   (h, V)
      this.b2.assign(tf.sub(this.b2, tf.mul(tf.sum(dz, 0), rate)));
      this.W1.assign(tf.sub(this.W1, tf.mul(tf.matMul(T(x), dh), rate)));       // dW1 = x^T dh   (k*d, h)
      this.b1.assign(tf.sub(this.b1, tf.mul(tf.sum(dh, 0), rate)));
      const dE = tf.scatterND(ids.reshape([B * context, 1]), dx.reshape([B * context, dim]), [vocab, dim]);
      this.E.assign(tf.sub(this.E, tf.mul(dE, rate)));
      return value;
    });
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  }
}

// Checks that scatterND adds the gradients of a word used twice in a batch (the embedding update
// relies on it), so a backend that overwrote instead of summing would fail loudly, not quietly.
function checkScatterSums(tf) {
  const summed = tf.tidy(() => tf.scatterND(tf.tensor2d([[1], [1], [0]], [3, 1], 'int32'),
    tf.tensor2d([[1, 2], [3, 4], [5, 6]]), [2, 2]).arraySync());
  if (JSON.stringify(summed) !== JSON.stringify([[5, 6], [4, 6]])) {
    throw new Error(`tf.scatterND does not sum repeated indices on this backend: ${JSON.stringify(summed)}`);
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const settings = common.REFERENCE_SETTINGS;
  const B = settings.batch;
  const batches = Math.ceil(args.budget / B);
  const limit = (WARMUP_BATCHES + batches) * B;

  const setupStart = performance.now();
  const data = await loadExamples(args, limit, settings);
  const examplesS = (performance.now() - setupStart) / 1000;

  const tf = require('@tensorflow/tfjs');
  const wasmBackend = require('@tensorflow/tfjs-backend-wasm');
  const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
  wasmBackend.setWasmPaths(wasmDir);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const backendStart = performance.now();
  if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js wasm backend did not initialise');
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  checkScatterSums(tf);

  const shape = { vocab: data.vocab, context: settings.context, dim: settings.dim, hidden: settings.hidden };
  const maxId = Math.max(data.targets.reduce((m, x) => Math.max(m, x), 0), data.contexts.reduce((m, x) => Math.max(m, x), 0));
  if (maxId >= shape.vocab) throw new Error(`example id ${maxId} outside the vocabulary of ${shape.vocab}`);
  const model = new NextWordModelTf(tf, shape, settings.seed);
  const setupS = examplesS + (performance.now() - backendStart) / 1000;

  const k = settings.context;
  const batchAt = (i) => [data.contexts.subarray(i * B * k, (i + 1) * B * k), data.targets.subarray(i * B, (i + 1) * B)];
  const step = (args.manual ? model.stepManual : model.step).bind(model);
  let firstLoss = NaN;
  for (let i = 0; i < WARMUP_BATCHES; i++) {
    const loss = step(...batchAt(i), settings.lr);
    if (i === 0) firstLoss = loss;
  }

  let lossSum = 0;
  const cpuStart = common.cpuSeconds();
  const start = performance.now();
  for (let i = WARMUP_BATCHES; i < WARMUP_BATCHES + batches; i++) lossSum += step(...batchAt(i), settings.lr);
  const seconds = (performance.now() - start) / 1000;
  const cpuS = common.cpuSeconds() - cpuStart;
  if (!Number.isFinite(lossSum)) throw new Error('training loss is not finite');

  const tokens = batches * B;
  const tokensPerSec = tokens / seconds;
  const perToken = common.flopsPerToken(shape);
  common.emit({
    engine: args.manual ? 'tfjs-wasm-manual' : 'tfjs-wasm',
    tokens_per_sec: common.round(tokensPerSec, 1),
    flops_per_token: perToken,
    gflops: common.round(tokensPerSec * perToken / 1e9, 3),
    peak_rss_mb: common.round(common.peakRssMb(), 1),
    setup_s: common.round(setupS, 3),
    tokens,
    seconds: common.round(seconds, 3),
    vocab: shape.vocab,
    wasm_heap_mb: common.round(tf.backend().wasm ? common.wasmHeapMb(tf.backend().wasm) : null, 1),
    first_loss: common.round(firstLoss, 4),
    train_loss: common.round(lossSum / batches, 4),
    simd,
    examples: data.source,
    tfjs: tf.version.tfjs,
    cpu_s: common.round(cpuS, 3),
    tokens_per_cpu_sec: common.round(tokens / cpuS, 1),
  });
}

module.exports = { NextWordModelTf };
if (require.main === module) common.runMain('tfjs_bench', main);
