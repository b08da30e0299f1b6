// Next-word training speed in the page itself (issue 16: >= 10,000 tokens/s in the page on the
// reference workload). Headless Chromium, dist/ served from localhost (./build.sh build first):
//
//   1. the first visit: not cross-origin isolated, so the worker runs the one-thread module;
//   2. a reload once the service worker controls the page: isolated, the module with threads.
//
// Each visit pastes the first --words words of the reference corpus (bench/make_corpus.mjs), sets
// every field of the form to the core's default and then to the reference workload's settings
// (bench/common.cjs, as wasm_bench.cjs trains them), presses Play and reads the examples trained
// (the progress the page shows) over --seconds after a warm-up second. The map, the curves and the
// status line update as they do for a user, on the same 2 cores. Prints one JSON line per visit.
//
//   node bench/page_train.mjs [--words 300000] [--seconds 10]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, reloadIsolated, withPage } from './page.mjs';
import common from './common.cjs';

const option = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const WORDS = option('--words', 300000);
const SECONDS = option('--seconds', 10);
const WARMUP_MS = 1000;

const corpusPath = join(ROOT, 'build', 'bench', 'zipf-1m.txt');
if (!existsSync(corpusPath)) execFileSync(process.execPath, [join(ROOT, 'bench', 'make_corpus.mjs'), corpusPath], { stdio: 'ignore' });
const text = readFileSync(corpusPath, 'utf8').split(/\s+/).slice(0, WORDS).join(' ');

// Every field of the form at the core's default, then the reference settings.
const Module = await common.loadEmbPlay();
const fields = {};
for (const spec of JSON.parse(Module.settingsSchema())) fields[spec.name] = spec.default;
Object.assign(fields, common.REFERENCE_SETTINGS);

async function measure(page, visit) {
  await page.fill('#text', text);
  await page.evaluate((values) => {
    for (const [name, value] of Object.entries(values)) {
      const field = document.getElementById(`setting-${name}`);
      if (!field) continue;
      if (field.type === 'checkbox') field.checked = Boolean(value);
      else field.value = String(value);
      field.dispatchEvent(new Event('input', { bubbles: true }));
      field.dispatchEvent(new Event('change', { bubbles: true }));
    }
  }, fields);
  await page.click('#reset');
  await page.click('#play');
  await page.waitForFunction(() => window.__embplay.state === 'running' && window.__embplay.progress?.epoch_position > 0,
    null, { timeout: 120_000 });
  const examples = () => page.evaluate(() => window.__embplay.progress.epoch_position);
  await page.waitForTimeout(WARMUP_MS);
  const from = await examples();
  const start = Date.now();
  await page.waitForTimeout(SECONDS * 1000);
  const to = await examples();
  const seconds = (Date.now() - start) / 1000;
  const settings = await page.evaluate(() => window.__embplay.runSettings);
  await page.click('#play');  // pause
  const threads = await page.evaluate(() => window.__embplay.threads);
  const isolated = await page.evaluate(() => window.crossOriginIsolated);
  for (const name of Object.keys(common.REFERENCE_SETTINGS)) {
    if (settings[name] !== common.REFERENCE_SETTINGS[name]) throw new Error(`the run's ${name} is ${settings[name]}, not the reference's`);
  }
  return { visit, isolated, threads, words: WORDS, seconds: Math.round(seconds * 100) / 100,
    tokens: to - from, tokens_per_sec: Math.round((to - from) / seconds), target: 10000 };
}

await withPage(async (page) => {
  console.log(JSON.stringify(await measure(page, 'first')));
  await reloadIsolated(page);
  console.log(JSON.stringify(await measure(page, 'after a reload')));
});
