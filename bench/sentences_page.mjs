// The Sentences view's figures in the page (bench/README.md, Sentences in the page): headless
// Chromium opens 100,000 paragraphs as a documents file (one per line, 2-4 sentences each drawn
// with a seeded generator from the Cranfield abstracts) with random 100-d vectors for their words,
// and measures the time to read, split, index and pool them, the queries (embedding, BM25, hybrid:
// the module's time and the page's, from the click to the three lists shown), the longest
// main-thread task meanwhile (PerformanceObserver 'longtask'), the module's memory, and how fast the
// worker answers a search while it indexes. Then a larger text: 10,000 paragraphs of it in the text
// box as sentence units while word2vec trains on it (units pooled again at each epoch's end), the
// page's longest task and the search latency meanwhile. Not a test: figures, not assertions.
//
//   node bench/sentences_page.mjs [--paragraphs 100000] [--queries 50]     (./build.sh build first)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, withPage } from './page.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const PARAGRAPHS = arg('--paragraphs', 100_000);
const QUERIES = arg('--queries', 50);
const OUT = join(ROOT, 'build/bench/sentences-page');
mkdirSync(OUT, { recursive: true });

// ---- the data ------------------------------------------------------------------------------------

const lcg = (seed) => () => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed / 2 ** 32; };
const cranfield = readFileSync(join(ROOT, 'tests/data/ir/cranfield/documents.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const sentences = cranfield.flatMap((d) => d.text.split(/ \. ?/).map((s) => s.trim()).filter((s) => s.split(' ').length > 3).map((s) => `${s} .`));
const queries = readFileSync(join(ROOT, 'tests/data/ir/cranfield/queries.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).text);

function paragraphs(n, seed) {
  const next = lcg(seed);
  return Array.from({ length: n }, () => Array.from({ length: 2 + Math.floor(3 * next()) }, () => sentences[Math.floor(next() * sentences.length)]).join(' '));
}
const lines = paragraphs(PARAGRAPHS, 1);
const documentsPath = join(OUT, 'paragraphs.txt');
writeFileSync(documentsPath, `${lines.join('\n')}\n`);
const words = [...new Set(sentences.join(' ').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean))];
const next = lcg(2);
const vectorsPath = join(OUT, 'vectors.txt');
writeFileSync(vectorsPath, `${words.map((w) => `${w} ${Array.from({ length: 100 }, () => (2 * next() - 1).toFixed(4)).join(' ')}`).join('\n')}\n`);
const bigText = paragraphs(10_000, 3).join('\n\n');
console.log(`${PARAGRAPHS} paragraphs, ${(Buffer.byteLength(lines.join('\n')) / 1e6).toFixed(1)} MB; vectors for ${words.length} words`);

// ---- in the page --------------------------------------------------------------------------------

// Long tasks on the main thread, from the start.
const observeLongTasks = () => {
  window.__longtasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, ms: e.duration }); })
    .observe({ type: 'longtask', buffered: true });
};

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.round(q * (s.length - 1)))];
  return s.length ? { median: at(0.5), p95: at(0.95), max: s[s.length - 1], n: s.length } : null;
};
const fmt = (x) => (x == null ? '–' : `median ${x.median.toFixed(1)} ms, 95th percentile ${x.p95.toFixed(1)} ms, max ${x.max.toFixed(1)} ms (${x.n})`);
const longest = (page, from, to) => page.evaluate(([a, b]) => Math.max(0, ...window.__longtasks.filter((t) => t.start >= a && t.start <= b).map((t) => t.ms)), [from, to]);

// Types a query and waits for the three rankings; returns the page's time and the module's per ranking.
async function timedSearch(page, query) {
  return page.evaluate(async (q) => {
    const before = window.__embplay.sentences.searched;
    const input = document.getElementById('units-query');
    input.value = q;
    const t0 = performance.now();
    document.querySelector('#units-search-form button').click();
    while (window.__embplay.sentences.searched === before) await new Promise((r) => setTimeout(r, 1));
    return { page: performance.now() - t0, modes: window.__embplay.sentences.searchMs };
  }, query);
}

const result = await withPage(async (page) => {
  await page.setInputFiles('#vectors-file', vectorsPath);
  await page.waitForFunction(() => window.__embplay.state === 'vectors', null, { timeout: 60_000 });
  await page.click('#view-sentences');
  await page.waitForFunction(() => window.__embplay.sentences.status.pooled && !window.__embplay.sentences.status.busy, null, { timeout: 60_000 });
  await page.selectOption('#units-kind', 'documents');

  // The phases as the page sees them, from its 'sentences' events.
  await page.evaluate(() => {
    window.__phases = [];
    let last = '';
    const watch = () => {
      const s = window.__embplay.sentences.status;
      const key = `${s.phase}:${s.units}:${s.busy}:${s.pooled}`;
      if (key !== last) { last = key; window.__phases.push({ t: performance.now(), phase: s.phase, units: s.units, busy: s.busy, pooled: s.pooled, heap: s.heap }); }
      if (!(s.units >= 100 && s.pooled && !s.busy && s.phase === 'pooling' && s.units !== window.__sampleUnits)) requestAnimationFrame(watch);
    };
    window.__sampleUnits = window.__embplay.sentences.status.units;
    window.__t0 = performance.now();
    requestAnimationFrame(watch);
  });
  const t0 = await page.evaluate(() => window.__t0);
  await page.setInputFiles('#units-file', documentsPath);
  // While it builds, a search every 300 ms: how fast the worker answers meanwhile.
  const during = [];
  for (;;) {
    const s = await page.evaluate(() => window.__embplay.sentences.status);
    if (s.units === PARAGRAPHS && s.pooled && !s.busy) break;
    during.push((await timedSearch(page, 'wing flutter')).page);
    await page.waitForTimeout(300);
  }
  const phases = await page.evaluate(() => window.__phases);
  const t1 = phases.at(-1).t;
  const firstOf = (name) => phases.find((p) => p.phase === name)?.t;
  const built = phases.find((p) => p.units === PARAGRAPHS)?.t;
  const building = {
    total_s: (t1 - t0) / 1000,
    read_and_split_s: ((firstOf('indexing') ?? built) - t0) / 1000,
    index_s: (built - (firstOf('indexing') ?? built)) / 1000,
    pool_s: (t1 - built) / 1000,
    longest_task_ms: await longest(page, t0, t1),
    search_while_building: stats(during),
  };
  const status = await page.evaluate(() => window.__embplay.sentences.status);

  // Queries on the 100,000 paragraphs.
  const q0 = await page.evaluate(() => performance.now());
  const pageMs = [];
  const modeMs = { embedding: [], bm25: [], hybrid: [] };
  for (const q of queries.slice(0, QUERIES)) {
    const r = await timedSearch(page, q);
    pageMs.push(r.page);
    for (const m of Object.keys(modeMs)) if (r.modes[m] != null) modeMs[m].push(r.modes[m]);
  }
  const q1 = await page.evaluate(() => performance.now());
  const querying = {
    page: stats(pageMs),
    ...Object.fromEntries(Object.entries(modeMs).map(([m, xs]) => [m, stats(xs)])),
    longest_task_ms: await longest(page, q0, q1),
  };
  return { building, querying, status };
}, { initScript: observeLongTasks });

console.log(`\n100,000 paragraphs as a documents file, in the page:`);
const b = result.building;
console.log(`  read, split, index, pool: ${b.total_s.toFixed(1)} s (reading and splitting ${b.read_and_split_s.toFixed(1)} s, indexing ${b.index_s.toFixed(1)} s, pooling ${b.pool_s.toFixed(1)} s)`);
console.log(`  longest main-thread task meanwhile: ${b.longest_task_ms.toFixed(0)} ms`);
console.log(`  a search while it builds (page's time): ${fmt(b.search_while_building)}`);
const m = result.status.memory;
console.log(`  memory: index and text ${(m.text_index / 1e6).toFixed(0)} MB, unit vectors ${(m.vectors / 1e6).toFixed(0)} MB; the module's linear memory ${(result.status.heap / 2 ** 20).toFixed(0)} MiB`);
console.log(`queries (${QUERIES} Cranfield queries; three rankings each):`);
for (const k of ['embedding', 'bm25', 'hybrid']) console.log(`  ${k}, the module's time: ${fmt(result.querying[k])}`);
console.log(`  the page, click to three lists shown: ${fmt(result.querying.page)}`);
console.log(`  longest main-thread task meanwhile: ${result.querying.longest_task_ms.toFixed(0)} ms`);

// ---- a larger text, training ------------------------------------------------------------------

// word2vec trains 3 epochs on the larger text, with the Sentences view shown (its sentences pooled
// again at each epoch's end, a search every 250 ms) or, for comparison, the word map alone.
const train = (sentencesView) => withPage(async (page) => {
  await page.evaluate((text) => {
    const box = document.getElementById('text');
    box.value = text;
    box.dispatchEvent(new Event('input', { bubbles: true }));
  }, bigText);
  await page.selectOption('#model-kind', 'skipgram');
  await page.fill('#w2v-setting-epochs', '3');
  if (sentencesView) {
    await page.click('#view-sentences');
    await page.waitForFunction(() => window.__embplay.sentences.status.units > 10_000 && !window.__embplay.sentences.status.busy, null, { timeout: 120_000 });
  }
  const t0 = await page.evaluate(() => performance.now());
  await page.click('#play');
  const searches = [];
  for (;;) {
    const state = await page.evaluate(() => window.__embplay.state);
    if (state === 'finished') break;
    if (sentencesView && await page.evaluate(() => window.__embplay.sentences.status.pooled)) {
      searches.push((await timedSearch(page, 'boundary layer transition')).page);
    }
    await page.waitForTimeout(250);
  }
  if (sentencesView) await page.waitForFunction(() => window.__embplay.sentences.status.fresh && !window.__embplay.sentences.status.busy, null, { timeout: 60_000 });
  const t1 = await page.evaluate(() => performance.now());
  const s = await page.evaluate(() => window.__embplay.sentences.status);
  return { seconds: (t1 - t0) / 1000, units: s.units, heap: s.heap, searches: stats(searches), longest_task_ms: await longest(page, t0, t1) };
}, { initScript: observeLongTasks });

const training = await train(true);
const wordsOnly = await train(false);
console.log(`\na larger text (10,000 paragraphs, ${(Buffer.byteLength(bigText) / 1e6).toFixed(1)} MB, in the text box): ${fmtInt(training.units)} sentence units while word2vec trains 3 epochs (${training.seconds.toFixed(0)} s)`);
console.log(`  a search meanwhile (page's time): ${fmt(training.searches)}`);
console.log(`  longest main-thread task: ${training.longest_task_ms.toFixed(0)} ms (the word map alone, the same run: ${wordsOnly.longest_task_ms.toFixed(0)} ms); the module's linear memory ${(training.heap / 2 ** 20).toFixed(0)} MiB`);
writeFileSync(join(OUT, 'result.json'), JSON.stringify({ ...result, training, wordsOnly }, null, 2));

function fmtInt(n) { return new Intl.NumberFormat('en-US').format(n); }
