#!/usr/bin/env node
// The benchmark run behind `./build.sh bench` (after `./build.sh build` has produced
// build/native/bench_train and build/wasm/embplay.{js,wasm}).
//
//   1. writes the seeded corpus (bench/make_corpus.mjs; reused when already there)
//   2. runs each engine as its own child process, one after the other, so they never share the cores:
//        native      build/native/bench_train (-march=native: on x86-64 today, AVX2 or AVX-512 with FMA)
//        native-2t   the same on two threads (the big matrix products cut in parts; same losses, bit for bit)
//        native-portable  build/native-portable/bench_train: the same core at the compiler's baseline
//                    target (on x86-64, SSE2: 128-bit vectors without FMA, the width WebAssembly SIMD has)
//        wasm        bench/wasm_bench.cjs, which also saves the batches it trained on
//        wasm-2t     the same with the module with WebAssembly threads (embplay-mt), on two threads
//        tfjs-wasm   bench/tfjs_bench.cjs on those same batches (TensorFlow.js autodiff)
//        tfjs-wasm-manual  the same with hand-written backprop (for information; not a target)
//   3. prints a table and the target ratios, and writes build/bench/results.json
//
// Targets (bench/README.md): wasm >= 5x TensorFlow.js (wasm backend); issue 16's wasm with two threads
// >= 15x TensorFlow.js and wasm / native >= 0.5 on one thread and on two. A MISS is reported, not
// failed: the exit code is 0 unless a benchmark crashed or its output could not be read.
//
// Usage: node bench/run.mjs [--runs N] [--quick]
//          [--only native,native-2t,native-portable,wasm,wasm-2t,tfjs-wasm,tfjs-wasm-manual]
//   --runs N   N rounds of every engine, keeping each engine's median by tokens/s (default 1)
//   --quick    about a tenth of the work: a smoke test of the harness, not a measurement

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULTS as CORPUS, ensureCorpus } from './make_corpus.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'build', 'bench');
const CORPUS_PATH = path.join(OUT, 'zipf-1m.txt');
const EXAMPLES_PATH = path.join(OUT, 'examples.json');
const RESULTS_PATH = path.join(OUT, 'results.json');
const NATIVE = path.join(ROOT, 'build', 'native', 'bench_train');
const NATIVE_PORTABLE = path.join(ROOT, 'build', 'native-portable', 'bench_train');
const WASM = [path.join(ROOT, 'build', 'wasm', 'embplay.js'), path.join(ROOT, 'build', 'wasm', 'embplay.wasm')];
const WASM_MT = [path.join(ROOT, 'build', 'wasm', 'embplay-mt.js'), path.join(ROOT, 'build', 'wasm', 'embplay-mt.wasm')];

// Timed examples per engine (multiples of the batch of 128), about 10-20 s each.
const BUDGETS = { native: 204800, wasm: 102400, tfjs: 12800 };
const QUICK_BUDGETS = { native: 25600, wasm: 12800, tfjs: 1280 };

const TARGETS = [
  { name: 'wasm / tfjs-wasm', over: 'wasm', under: 'tfjs-wasm', min: 5 },
  { name: 'wasm-2t / tfjs-wasm', over: 'wasm-2t', under: 'tfjs-wasm', min: 15 },
  { name: 'wasm / native', over: 'wasm', under: 'native', min: 0.5 },
  { name: 'wasm-2t / native-2t', over: 'wasm-2t', under: 'native-2t', min: 0.5 },
];
const INFO_RATIOS = [
  // Both 128 bits wide: what is left of wasm / native once the vector width is the same.
  { name: 'wasm / native-portable', over: 'wasm', under: 'native-portable' },
  { name: 'wasm / tfjs-wasm-manual', over: 'wasm', under: 'tfjs-wasm-manual' },
  { name: 'native-2t / native', over: 'native-2t', under: 'native' },
  { name: 'wasm-2t / wasm', over: 'wasm-2t', under: 'wasm' },
];

function parseArgs(argv) {
  const args = { runs: 1, quick: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') args.runs = Number(argv[++i]);
    else if (argv[i] === '--quick') args.quick = true;
    else if (argv[i] === '--only') args.only = new Set(argv[++i].split(','));
    else throw new Error(`unknown option ${argv[i]} (see the header of bench/run.mjs)`);
  }
  if (!(Number.isInteger(args.runs) && args.runs >= 1)) throw new Error('--runs needs a positive integer');
  return args;
}

function engines(budgets) {
  const node = process.execPath;
  const tfjs = (extra) => [node, path.join(ROOT, 'bench', 'tfjs_bench.cjs'), CORPUS_PATH, String(budgets.tfjs),
    '--examples', EXAMPLES_PATH, ...extra];
  return [
    { engine: 'native', needs: [NATIVE], command: [NATIVE, CORPUS_PATH, String(budgets.native)] },
    { engine: 'native-2t', needs: [NATIVE], command: [NATIVE, CORPUS_PATH, String(budgets.native), '2'] },
    { engine: 'native-portable', needs: [NATIVE_PORTABLE], command: [NATIVE_PORTABLE, CORPUS_PATH, String(budgets.wasm)] },
    // Saves the batches for TensorFlow.js: its budget plus room for its warm-up, no more (the file is
    // parsed in the TensorFlow.js process and would count in its memory).
    { engine: 'wasm', needs: WASM, command: [node, path.join(ROOT, 'bench', 'wasm_bench.cjs'), CORPUS_PATH,
      String(budgets.wasm), '--examples-out', EXAMPLES_PATH, '--examples-count', String(budgets.tfjs + 16 * 128)] },
    { engine: 'wasm-2t', needs: WASM_MT, command: [node, path.join(ROOT, 'bench', 'wasm_bench.cjs'), CORPUS_PATH,
      String(budgets.wasm), '--threads', '2'] },
    { engine: 'tfjs-wasm', needs: [EXAMPLES_PATH], command: tfjs([]) },
    { engine: 'tfjs-wasm-manual', needs: [EXAMPLES_PATH], command: tfjs(['--manual']) },
  ];
}

// Runs one benchmark process; returns its JSON result, or {error} when it crashed.
function runOnce({ engine, needs, command }) {
  const missing = needs.filter((file) => !fs.existsSync(file));
  if (missing.length) {
    const hint = missing.includes(EXAMPLES_PATH) ? 'saved by the wasm benchmark' :
      missing.includes(NATIVE_PORTABLE) ? 'built by ./build.sh bench' : 'run ./build.sh build';
    return { engine, error: `missing ${missing.map((f) => path.relative(ROOT, f)).join(', ')} (${hint})` };
  }
  const child = spawnSync(command[0], command.slice(1), {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 20 * 60 * 1000, maxBuffer: 1 << 20,
  });
  if (child.error) return { engine, error: child.error.message };
  if (child.status !== 0) return { engine, error: `exited with ${child.status ?? child.signal}` };
  const lines = child.stdout.trim().split('\n');
  try {
    const result = JSON.parse(lines[lines.length - 1]);
    if (!(result.tokens_per_sec > 0)) throw new Error('no tokens_per_sec');
    return { ...result, engine };  // the engine's name here: native-portable's program calls itself native
  } catch (e) {
    return { engine, error: `unreadable output (${e.message}): ${child.stdout.slice(-200)}` };
  }
}

// The run with the median tokens/s (the lower middle one for an even count), and a median of numbers.
function median(results) {
  const sorted = [...results].sort((a, b) => a.tokens_per_sec - b.tokens_per_sec);
  return sorted[(sorted.length - 1) >> 1];
}
function medianOf(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length ? sorted[(sorted.length - 1) >> 1] : null;
}

function machine() {
  let system = `${os.type()} ${os.release()}`;
  try {
    const name = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(fs.readFileSync('/etc/os-release', 'utf8'));
    if (name) system = `${name[1]}, ${system}`;
  } catch { /* not Linux */ }
  return { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, system, node: process.version };
}

const fmt = (x, digits = 0) => (x == null || !Number.isFinite(x) ? '-' :
  x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));

function table(rows) {
  const header = ['engine', 'tokens/s', 'tokens/CPU-s', 'GFLOP/s', 'MFLOP/token', 'peak RSS MB', 'wasm heap MB', 'setup s', 'runs'];
  const body = rows.map((r) => r.error ? [r.engine, 'CRASHED', '-', '-', '-', '-', '-', '-', '-'] : [
    r.engine, fmt(r.tokens_per_sec), fmt(r.tokens_per_cpu_sec), fmt(r.gflops, 2), fmt(r.flops_per_token / 1e6, 2), fmt(r.peak_rss_mb, 1),
    fmt(r.wasm_heap_mb, 1), fmt(r.setup_s, 2), String(r.runs.length)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const budgets = args.quick ? QUICK_BUDGETS : BUDGETS;

  const loadBefore = os.loadavg()[0];
  const corpus = ensureCorpus(CORPUS_PATH);
  console.log(`corpus: ${path.relative(ROOT, corpus.path)}, ${corpus.tokens.toLocaleString('en-US')} words ` +
    `(${corpus.reused ? 'reused' : 'written'})`);

  // The TensorFlow.js runs train on the batches this run's wasm benchmark saves, never on stale ones.
  if (!args.only || args.only.has('wasm')) fs.rmSync(EXAMPLES_PATH, { force: true });
  // Rounds, not engine after engine: when the machine is busy, each engine meets the same load.
  const specs = engines(budgets).filter((spec) => !args.only || args.only.has(spec.engine));
  const runs = new Map(specs.map((spec) => [spec.engine, []]));
  const failed = new Map();
  for (let round = 1; round <= args.runs; round++) {
    for (const spec of specs) {
      if (failed.has(spec.engine)) continue;
      process.stdout.write(`running ${spec.engine}${args.runs > 1 ? ` (${round}/${args.runs})` : ''} ... `);
      const result = runOnce(spec);
      console.log(result.error ? `CRASHED: ${result.error}` : `${fmt(result.tokens_per_sec)} tokens/s`);
      if (result.error) failed.set(spec.engine, result);
      else runs.get(spec.engine).push(result);
    }
  }
  const rows = specs.map(({ engine }) => {
    if (failed.has(engine)) return failed.get(engine);
    const done = runs.get(engine);
    const cpu = done.map((r) => r.tokens_per_cpu_sec);
    return { ...median(done), tokens_per_cpu_sec: medianOf(cpu), runs: done.map((r) => r.tokens_per_sec), cpu_runs: cpu };
  });

  // Verdicts use wall-clock tokens/s; the same ratio per CPU second is printed beside it as a check,
  // since on a busy machine wall time also counts the time another process held the core.
  const ok = rows.filter((r) => !r.error);
  const speed = Object.fromEntries(ok.map((r) => [r.engine, r.tokens_per_sec]));
  const cpuSpeed = Object.fromEntries(ok.map((r) => [r.engine, r.tokens_per_cpu_sec]));
  const ratio = (table, { over, under }) => (table[over] && table[under] ? table[over] / table[under] : null);
  const targets = TARGETS.map((t) => {
    const value = ratio(speed, t);
    return { ...t, value, cpu_value: ratio(cpuSpeed, t), verdict: value == null ? 'n/a' : value >= t.min ? 'PASS' : 'MISS' };
  });
  const info = INFO_RATIOS.map((t) => ({ ...t, value: ratio(speed, t), cpu_value: ratio(cpuSpeed, t) }));
  const perCpu = (t) => (t.cpu_value == null ? '' : `  per CPU second ${fmt(t.cpu_value, 2)}x`);

  console.log(`\n${table(rows)}\n`);
  for (const r of rows.filter((row) => row.error)) console.log(`${r.engine} crashed: ${r.error}`);
  for (const t of targets) {
    const value = t.value == null ? '-' : `${fmt(t.value, 2)}x`;
    console.log(`${t.name.padEnd(24)} ${value.padStart(7)}  ${`(target >= ${t.min}x)`.padEnd(18)} ${t.verdict}${perCpu(t)}`);
  }
  for (const t of info) {
    if (t.value != null) console.log(`${t.name.padEnd(24)} ${`${fmt(t.value, 2)}x`.padStart(7)}  (for information)${perCpu(t)}`);
  }

  const report = {
    date: new Date().toISOString(),
    machine: machine(),
    // 1-minute load average before and after: above ~0.5 on 2 cores, something else was competing.
    load_average: { before: loadBefore, after: os.loadavg()[0] },
    workload: {
      vocab: 5000, reserved: ['<pad>', '<unk>'], context: 3, dim: 64, hidden: 128, activation: 'tanh', loss: 'full softmax',
      batch: 128, optimizer: 'sgd', lr: 0.1, dtype: 'float32', corpus: { ...CORPUS, file: path.relative(ROOT, CORPUS_PATH) },
    },
    budgets, runs_per_engine: args.runs, quick: args.quick,
    results: rows,
    targets: targets.map(({ name, min, value, cpu_value, verdict }) => ({ name, min, value, cpu_value, verdict })),
    info: info.map(({ name, value, cpu_value }) => ({ name, value, cpu_value })),
  };
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(RESULTS_PATH, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nload average ${fmt(loadBefore, 2)} before, ${fmt(os.loadavg()[0], 2)} after ` +
    `(${os.cpus().length} cores; figures from a busy machine are low)`);
  console.log(`wrote ${path.relative(ROOT, RESULTS_PATH)}`);

  const crashed = rows.filter((r) => r.error);
  if (crashed.length) {
    console.error(`bench: ${crashed.map((r) => r.engine).join(', ')} crashed`);
    process.exit(1);
  }
}

main();
