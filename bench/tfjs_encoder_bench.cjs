// tfjs_encoder_bench: the reference sentence encoder in TensorFlow.js 4.22 (wasm backend, SIMD, one
// thread), trained on the very batches our WebAssembly build trained on, from the same initial
// weights, to compare with the library a web page would otherwise use.
//
// Same model as src/transformer.h, written with tf ops and trained by autodiff (tf.valueAndGrads)
// and tf.train.adam (the same update rule as the core's Adam; no weight decay, no clipping):
//   x = E[ids] + P[t]                                   (N, d)  N = B*T tokens as rows
//   per layer: h = LN(x); [q k v] = h Wqkv + b; per head softmax(q k^T / sqrt(dh) + padding mask) v;
//              x += (...) Wo + bo;  x += gelu(LN(x) W1 + b1) W2 + b2      (tanh gelu)
//   y = LN(x)
//   mlm:    logits = y[hidden] E^T + b (tied), mean softmax cross-entropy
//   simcse: [CLS] outputs of the two views, cosine / 0.05, cross-entropy both ways, mean
// Dropout 0.1 on the embeddings, attention probabilities and both residual branches (tf.dropout).
// The wasm backend cannot differentiate tf.gather (no UnsortedSegmentSum kernel), so the token rows
// are gathered outside autodiff, their gradient scattered back onto E with tf.scatterND and added to
// the tied head's; the hidden words' rows of y are picked by a one-hot matrix product.
//
// Input: the JSON that bench_encoder --export writes (initial weights as an encoder file, the
// batches of each phase, our losses on them without dropout). Output: one JSON line per phase.
// --check instead replays the first batches without dropout and compares the losses with ours.
//
// Usage: node bench/tfjs_encoder_bench.cjs <batches.json> [--phase mlm|simcse] [--check]
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const common = require('./common.cjs');

const CHECK_STEPS = 5;

function parseArgs(argv) {
  const args = { file: null, phases: ['mlm', 'simcse'], check: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--phase') args.phases = [argv[++i]];
    else if (argv[i] === '--check') args.check = true;
    else if (argv[i].startsWith('--')) throw new Error(`unknown option ${argv[i]}`);
    else args.file = path.resolve(argv[i]);
  }
  if (!args.file) throw new Error('usage: node bench/tfjs_encoder_bench.cjs <batches.json> [--phase mlm|simcse] [--check]');
  return args;
}

// An encoder file's tensor as a Float32Array (base64 of little-endian float32).
function floats(entry) {
  const bytes = Buffer.from(entry.f32le, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

// The encoder's weights as tf variables. The core stores a layer's (r, c) matrix column by
// column, which read row by row is its (c, r) transpose: the matrix a batch of row vectors needs.
function loadWeights(tf, file) {
  const w = {};
  for (const [name, entry] of Object.entries(file.weights)) {
    const data = floats(entry);
    let shape;
    if (name === 'token' || name === 'position') shape = [entry.rows, entry.cols];
    else if (entry.cols === 1) shape = [entry.rows];
    else shape = [entry.cols, entry.rows];
    w[name] = tf.variable(tf.tensor(data, shape), true, name);
  }
  return w;
}

class EncoderTf {
  constructor(tf, file) {
    this.tf = tf;
    const o = file.options;
    this.o = o;
    this.d = o.dim;
    this.heads = o.heads;
    this.layers = o.layers;
    this.w = loadWeights(tf, file);
    this.names = Object.keys(this.w);
  }

  layerNorm(x, gain, bias) {
    const { tf } = this;
    const { mean, variance } = tf.moments(x, -1, true);
    return x.sub(mean).mul(tf.rsqrt(variance.add(1e-5))).mul(gain).add(bias);
  }

  gelu(u) {
    const { tf } = this;
    const inner = u.add(u.mul(u).mul(u).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return u.mul(0.5).mul(tf.tanh(inner).add(1));
  }

  // y (B*T, d) from the gathered token rows xe (B*T, d); w: name -> tensor (inside autodiff).
  forward(xe, w, batch, mask, rate) {
    const { tf, d, heads } = this;
    const B = batch.size, T = batch.length, N = B * T, dh = d / heads;
    const drop = (t) => (rate > 0 ? tf.dropout(t, rate) : t);
    let x = drop(xe.add(tf.tile(tf.slice(w.position, [0, 0], [T, d]), [B, 1])));
    const split = (m) => m.reshape([B, T, heads, dh]).transpose([0, 2, 1, 3]);  // (B, H, T, dh)
    for (let l = 0; l < this.layers; l++) {
      const p = (n) => w[`layer${l}.${n}`];
      const h = this.layerNorm(x, p('ln1_gain'), p('ln1_bias'));
      const qkv = h.matMul(p('wqkv')).add(p('bqkv'));  // (N, 3d)
      const q = split(tf.slice(qkv, [0, 0], [N, d]));
      const k = split(tf.slice(qkv, [0, d], [N, d]));
      const v = split(tf.slice(qkv, [0, 2 * d], [N, d]));
      const scores = q.matMul(k, false, true).mul(1 / Math.sqrt(dh)).add(mask);  // (B, H, T, T)
      const c = drop(tf.softmax(scores)).matMul(v).transpose([0, 2, 1, 3]).reshape([N, d]);
      x = x.add(drop(c.matMul(p('wo')).add(p('bo'))));
      const u = this.layerNorm(x, p('ln2_gain'), p('ln2_bias')).matMul(p('w1')).add(p('b1'));
      x = x.add(drop(this.gelu(u).matMul(p('w2')).add(p('b2'))));
    }
    return this.layerNorm(x, w.lnf_gain, w.lnf_bias);
  }

  // One Adam step on a batch of the phase; returns the loss.
  step(phase, batch, optimizer, rate) {
    const { tf, d } = this;
    const B = batch.size, T = batch.length, N = B * T;
    const V = this.w.token.shape[0];
    const loss = tf.tidy(() => {
      const ids = tf.tensor1d(batch.ids, 'int32');
      const xe = tf.gather(this.w.token, ids);  // (N, d), outside autodiff
      // Additive padding mask over the keys: 0 for real tokens, -1e9 for padding.
      const keep = new Float32Array(N);
      for (let b = 0; b < B; b++) for (let t = 0; t < batch.lengths[b]; t++) keep[b * T + t] = 1;
      const mask = tf.tensor(keep, [B, 1, 1, T]).sub(1).mul(1e9);
      let objective;
      if (phase === 'mlm') {
        const pick = tf.oneHot(tf.tensor1d(batch.positions, 'int32'), N).toFloat();   // (M, N)
        const labels = tf.oneHot(tf.tensor1d(batch.targets, 'int32'), V).toFloat();   // (M, V)
        objective = (y, w) => {
          const logits = pick.matMul(y).matMul(w.token, false, true).add(w.mlm_bias);  // (M, V)
          return tf.losses.softmaxCrossEntropy(labels, logits);
        };
      } else {
        const half = B / 2;
        const labels = tf.oneHot(tf.range(0, half, 1, 'int32'), half).toFloat();
        objective = (y) => {
          const cls = y.reshape([B, T, d]).slice([0, 0, 0], [B, 1, d]).reshape([B, d]);
          const unit = cls.div(tf.norm(cls, 'euclidean', 1, true));
          const s = unit.slice([0, 0], [half, d]).matMul(unit.slice([half, 0], [half, d]), false, true).div(this.o.temperature);
          return tf.losses.softmaxCrossEntropy(labels, s).add(tf.losses.softmaxCrossEntropy(labels, s.transpose())).mul(0.5);
        };
      }
      // Differentiated: every tensor the objective reads. SimCSE reads neither the head's bias nor
      // (the rows being gathered outside) the token table.
      const names = phase === 'mlm' ? this.names : this.names.filter((n) => n !== 'mlm_bias' && n !== 'token');
      const f = (x, ...tensors) => {
        const w = {};
        names.forEach((name, i) => { w[name] = tensors[i]; });
        return objective(this.forward(x, w, batch, mask, rate), w);
      };
      const { value, grads } = tf.valueAndGrads(f)([xe, ...names.map((n) => this.w[n])]);
      const named = {};
      names.forEach((name, i) => { named[name] = grads[i + 1]; });
      const inputSide = tf.scatterND(ids.reshape([N, 1]), grads[0], [V, d]);  // sums repeated ids
      named.token = named.token ? named.token.add(inputSide) : inputSide;
      optimizer.applyGradients(named);
      return value;
    });
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const data = JSON.parse(fs.readFileSync(args.file, 'utf8'));
  const tf = require('@tensorflow/tfjs');
  const wasmBackend = require('@tensorflow/tfjs-backend-wasm');
  wasmBackend.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js wasm backend did not initialise');
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const file = { ...data.encoder, options: data.options };

  for (const phase of args.phases) {
    const { batches, losses, warmup } = data.phases[phase];
    const model = new EncoderTf(tf, file);
    const optimizer = tf.train.adam(data.options.lr, 0.9, 0.999, 1e-8);
    if (args.check) {
      let worst = 0;
      const ours = [], theirs = [];
      for (let i = 0; i < CHECK_STEPS; i++) {
        const loss = model.step(phase, batches[i], optimizer, 0);
        ours.push(losses[i]);
        theirs.push(loss);
        worst = Math.max(worst, Math.abs(loss - losses[i]) / Math.max(1, Math.abs(losses[i])));
      }
      common.emit({ engine: 'tfjs-wasm', phase, check: 'losses without dropout, from the same weights on the same batches',
        ours: ours.map((x) => common.round(x, 6)), tfjs: theirs.map((x) => common.round(x, 6)), worst_relative_difference: worst });
      for (const name of model.names) model.w[name].dispose();
      continue;
    }
    for (let i = 0; i < warmup; i++) model.step(phase, batches[i], optimizer, data.options.dropout);
    let tokens = 0, lossSum = 0;
    const cpuStart = common.cpuSeconds();
    const start = performance.now();
    for (let i = warmup; i < batches.length; i++) {
      lossSum += model.step(phase, batches[i], optimizer, data.options.dropout);
      tokens += batches[i].lengths.reduce((a, b) => a + b, 0);
    }
    const seconds = (performance.now() - start) / 1000;
    const cpuS = common.cpuSeconds() - cpuStart;
    if (!Number.isFinite(lossSum)) throw new Error('training loss is not finite');
    common.emit({
      engine: 'tfjs-wasm', phase,
      tokens_per_sec: common.round(tokens / seconds, 1),
      tokens_per_cpu_sec: common.round(tokens / cpuS, 1),
      batches: batches.length - warmup, tokens, seconds: common.round(seconds, 3), cpu_s: common.round(cpuS, 3),
      train_loss: common.round(lossSum / (batches.length - warmup), 4),
      peak_rss_mb: common.round(common.peakRssMb(), 1),
      wasm_heap_mb: common.round(tf.backend().wasm ? common.wasmHeapMb(tf.backend().wasm) : null, 1),
      simd, tfjs: tf.version.tfjs,
    });
    for (const name of model.names) model.w[name].dispose();
  }
}

common.runMain('tfjs_encoder_bench', main);
