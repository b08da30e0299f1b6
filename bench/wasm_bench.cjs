// wasm_bench: how fast our WebAssembly build (build/wasm/embplay.{js,wasm}) trains the reference
// next-word workload in node, through the same embind Session the page's worker uses.
//
// Recipe, as in train_bench.cpp: read the corpus, Session.start() (tokenise + vocabulary + examples
// + init, timed as setup), warm up a few batches, time Session.step() over a fixed number of
// training examples (one example = one predicted token) in worker-sized chunks, print one JSON line:
//   {"engine":"wasm","tokens_per_sec",..,"flops_per_token",..,"gflops",..,"peak_rss_mb",..,"wasm_heap_mb",..}
// peak_rss_mb is the whole node process; wasm_heap_mb is the module's linear memory.
//
// --examples-out <file> also saves the first training examples (--examples-count of them; default
// warm-up + budget), in the order the first epoch visits them, as JSON {context, vocab, contexts,
// targets}, so tfjs_bench.cjs can train on the same batches without loading this module into its
// own process.
//
// --threads 2 runs the module with WebAssembly threads (embplay-mt, what a cross-origin isolated
// page loads) on two threads; the engine is then "wasm-2t".
//
// Usage: node bench/wasm_bench.cjs [corpus.txt] [token-budget] [--examples-out file [--examples-count N]] [--threads 2]
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const common = require('./common.cjs');

const DEFAULT_BUDGET = 102400;  // 800 batches, ~14 s at ~7,500 tokens/s
const WARMUP_BATCHES = 8;      // untimed, as in train_bench.cpp
const CHUNK = 2048;            // examples per step() call, like the page's worker

function parseArgs(argv) {
  const args = { corpus: common.DEFAULT_CORPUS, budget: DEFAULT_BUDGET, examplesOut: null, examplesCount: null, threads: 1 };
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--examples-out') args.examplesOut = path.resolve(argv[++i]);
    else if (argv[i] === '--examples-count') args.examplesCount = Number(argv[++i]);
    else if (argv[i] === '--threads') args.threads = Number(argv[++i]);
    else if (argv[i].startsWith('--')) throw new Error(`unknown option ${argv[i]}`);
    else positional.push(argv[i]);
  }
  if (positional[0]) args.corpus = path.resolve(positional[0]);
  if (positional[1]) args.budget = Number(positional[1]);
  if (!(Number.isInteger(args.budget) && args.budget > 0)) throw new Error('token budget must be a positive integer');
  if (args.threads !== 1 && args.threads !== 2) throw new Error('--threads must be 1 or 2');
  if (args.examplesCount != null && !(Number.isInteger(args.examplesCount) && args.examplesCount > 0)) {
    throw new Error('--examples-count must be a positive integer');
  }
  return args;
}

// Trains until `examples` more examples are done (or the epoch ends); returns {done, last}.
function train(session, examples, from) {
  let done = 0;
  let last = from;
  while (done < examples) {
    const p = common.callJson(session, 'step', Math.min(CHUNK, examples - done));
    if (p.diverged) throw new Error('training diverged');
    const after = p.epoch_end || p.finished ? p.epoch_size : p.epoch_position;
    if (after <= last.epoch_position && !p.epoch_end) break;
    done += after - last.epoch_position;
    last = p;
    if (p.epoch_end || p.finished) break;
  }
  return { done, last };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const settings = common.REFERENCE_SETTINGS;
  const text = fs.readFileSync(args.corpus, 'utf8');

  const Module = await common.loadEmbPlay(undefined, args.threads === 2 ? 'embplay-mt' : 'embplay');
  if (args.threads === 2 && Module.setThreads(2) !== 2) throw new Error('the threaded module did not start its second thread');
  const session = new Module.Workspace();
  try {
    const setupStart = performance.now();
    const { stats } = common.callJson(session, 'start', text, JSON.stringify(settings));
    const setupS = (performance.now() - setupStart) / 1000;

    const warmup = WARMUP_BATCHES * settings.batch;
    if (warmup + args.budget > stats.train_examples) {
      throw new Error(`token budget ${args.budget} + warm-up exceeds the epoch (${stats.train_examples} examples)`);
    }
    const { last: warm } = train(session, warmup, { epoch_position: 0 });

    const cpuStart = common.cpuSeconds();
    const start = performance.now();
    const { done: tokens, last } = train(session, args.budget, warm);
    const seconds = (performance.now() - start) / 1000;
    const cpuS = common.cpuSeconds() - cpuStart;
    if (tokens < args.budget) throw new Error('the epoch ended before the budget was trained');
    if (!Number.isFinite(last.train_loss)) throw new Error('training loss is not finite');

    if (args.examplesOut) {
      const limit = args.examplesCount ?? warmup + args.budget;
      const ex = session.examples(limit);
      if (ex.targets.length !== limit) throw new Error(`Session.examples(${limit}) returned ${ex.targets.length}`);
      fs.mkdirSync(path.dirname(args.examplesOut), { recursive: true });
      fs.writeFileSync(args.examplesOut, JSON.stringify({
        context: settings.context, vocab: stats.vocab, contexts: Array.from(ex.contexts), targets: Array.from(ex.targets),
      }));
    }

    const shape = { vocab: stats.vocab, context: settings.context, dim: settings.dim, hidden: settings.hidden };
    const perToken = common.flopsPerToken(shape);
    const tokensPerSec = tokens / seconds;
    common.emit({
      engine: args.threads === 2 ? 'wasm-2t' : 'wasm',
      tokens_per_sec: common.round(tokensPerSec, 1),
      flops_per_token: perToken,
      gflops: common.round(tokensPerSec * perToken / 1e9, 3),
      peak_rss_mb: common.round(common.peakRssMb(), 1),
      setup_s: common.round(setupS, 3),
      tokens,
      seconds: common.round(seconds, 3),
      vocab: stats.vocab,
      train_examples: stats.train_examples,
      train_loss: common.round(last.train_loss, 4),
      wasm_heap_mb: common.round(common.wasmHeapMb(Module), 1),
      cpu_s: common.round(cpuS, 3),
      tokens_per_cpu_sec: common.round(tokens / cpuS, 1),
    });
  } finally {
    session.delete();
    if (args.threads === 2) {  // the pool's worker would keep node running
      Module.setThreads(1);
      Module.PThread.terminateAllThreads();
    }
  }
}

common.runMain('wasm_bench', main);
