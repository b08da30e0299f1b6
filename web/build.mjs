// Builds the static page into dist/: bundles page/main.js (what runs in the page) and
// worker/main.js (what runs in the worker; both import shared/) with esbuild into main.js and
// worker.js (classic scripts, no ES modules, so the worker can importScripts the Emscripten
// module) and copies the page's HTML, CSS, sample text, the evaluation sets (eval/), the sentence
// tests (sts/, ir/cranfield/) and the WebAssembly module beside them, and writes the purchases
// sample (samples/: the Online Retail log of tests/data/recsys with its items' names, as one
// gzipped events CSV). Every path in dist/ is relative, so the folder works from any
// static host and any sub-path. Last, the service worker (page/sw.js), given the list of those files
// and a build id: a hash of their contents, so each new build is picked up.
//
//   node web/build.mjs [--wasm-dir DIR] [--out DIR]
//     --wasm-dir  where embplay.js and embplay.wasm are (default build/wasm)
//     --out       output folder (default dist)
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { eventsWithNames } from './sample-events.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? resolve(process.argv[i + 1]) : join(root, fallback);
}
const wasmDir = option('--wasm-dir', 'build/wasm');
const out = option('--out', 'dist');

async function exists(path) {
  try { await stat(path); return true; } catch { return false; }
}

// The one-thread module, and the module with threads that a cross-origin isolated page loads (with
// the script its helper thread starts from).
const wasmFiles = ['embplay.js', 'embplay.wasm', 'embplay-mt.js', 'embplay-mt.wasm', 'embplay-mt.worker.js'];
const missing = [];
for (const f of wasmFiles) if (!(await exists(join(wasmDir, f)))) missing.push(join(wasmDir, f));
if (missing.length) {
  console.error(`web/build.mjs: missing ${missing.join(' and ')}; build the WebAssembly module first (./build.sh build).`);
  process.exit(1);
}

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

await build({
  absWorkingDir: root,
  entryPoints: { main: 'web/page/main.js', worker: 'web/worker/main.js' },
  outdir: out,
  bundle: true,
  format: 'iife',
  target: ['es2022', 'chrome100', 'firefox110', 'safari16'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'eof',
  logLevel: 'warning',
});

const copies = [
  ['web/page/index.html', 'index.html'],
  ['web/page/style.css', 'style.css'],
  ['web/page/favicon.svg', 'favicon.svg'],
  ['web/page/sample.txt', 'sample.txt'],
  ['node_modules/uplot/dist/uPlot.min.css', 'uPlot.min.css'],
];
for (const [from, to] of copies) await copyFile(join(root, from), join(out, to));
for (const f of wasmFiles) await copyFile(join(wasmDir, f), join(out, f));
// The evaluation sets the Eval panel runs (fetched by the worker on first use), with their sources.
const evalFiles = ['questions-words.txt', 'wordsim353.tsv', 'simlex999.txt', 'README.md'];
await mkdir(join(out, 'eval'), { recursive: true });
for (const f of evalFiles) await copyFile(join(root, 'tests/data/eval', f), join(out, 'eval', f));

// The purchases sample (sample-events.mjs) and its description, which carries the text's SHA-256
// (the page's links name long texts by it).
async function writeItemsSample() {
  const dir = join(root, 'tests/data/recsys/online-retail');
  const text = eventsWithNames(dir);
  await mkdir(join(out, 'samples'), { recursive: true });
  await writeFile(join(out, 'samples/online-retail.csv.gz'), gzipSync(text, { level: 9 }));
  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  const rows = text.split('\n').length - 2;
  await writeFile(join(out, 'samples/online-retail.json'), JSON.stringify({ sha256, chars: text.length, rows }));
  await copyFile(join(dir, 'README.md'), join(out, 'samples/online-retail-README.md'));
  return ['samples/online-retail.csv.gz', 'samples/online-retail.json', 'samples/online-retail-README.md'];
}
const sampleFiles = await writeItemsSample();

// The sentence tests the Eval tab runs (fetched by the worker on first use, not part of the app shell:
// 2 MB that most visits never need; the service worker keeps them once fetched), with their READMEs.
// STS-B ships without its MSRpar and MSRvid rows, whose text is under Microsoft's licence terms
// (tests/data/sts/README.md, "What the page ships").
// The dev split (the sentence encoder's curve) also leaves out its answers-forums rows: StackExchange
// text under CC BY-SA whose authors the dev file does not name.
const MSR_FILES = new Set(['MSRpar', 'MSRvid']);
await mkdir(join(out, 'sts'), { recursive: true });
for (const [split, leftOut] of [['test', MSR_FILES], ['dev', new Set([...MSR_FILES, 'answers-forums'])]]) {
  const stsRows = (await readFile(join(root, `tests/data/sts/sts-${split}.tsv`), 'utf8')).split('\n');
  const shipped = stsRows.filter((line, i) => i === 0 || (line && !leftOut.has(line.split('\t')[1])));
  await writeFile(join(out, `sts/sts-${split}.tsv`), `${shipped.join('\n')}\n`);
}
await copyFile(join(root, 'tests/data/sts/README.md'), join(out, 'sts/README.md'));
await mkdir(join(out, 'ir/cranfield'), { recursive: true });
for (const f of ['documents.jsonl', 'queries.jsonl', 'qrels.tsv', 'README.md']) {
  await copyFile(join(root, 'tests/data/ir/cranfield', f), join(out, 'ir/cranfield', f));
}
const notShell = new Set(['eval', 'sts', 'ir', 'samples']);

// The app shell: every file so far except source maps and the test data, hashed in name order (the
// purchases sample is in it, as before). Both modules are in it: the first load the service worker
// controls is the first isolated one (the threaded module), and it may be offline.
const shell = (await readdir(out)).filter((f) => !f.endsWith('.map') && !notShell.has(f))
  .concat(evalFiles.map((f) => `eval/${f}`), sampleFiles).sort();
const hash = createHash('sha256');
for (const f of shell) hash.update(f).update('\0').update(await readFile(join(out, f)));
const buildId = hash.digest('hex').slice(0, 16);
await build({
  absWorkingDir: root,
  entryPoints: { sw: 'web/page/sw.js' },
  outdir: out,
  bundle: true,
  format: 'iife',
  target: ['es2022'],
  minify: true,
  define: { BUILD_ID: JSON.stringify(buildId), SHELL_FILES: JSON.stringify(shell) },
  logLevel: 'warning',
});

console.log(`web/build.mjs: wrote ${out} (build ${buildId})`);
