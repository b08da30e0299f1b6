// What a visitor waits for and downloads: the size of dist/'s files (raw and gzip -9, as a static
// host serves them compressed) and, in headless Chromium, the page's first paint, first contentful
// paint and the moment the WebAssembly module is ready (as the bench sees it: within a frame), each from a fresh browser profile (nothing
// cached), served from localhost (no network time: the page's own cost).
//
//   node bench/first_paint.mjs [--runs 5]
// Prints one JSON line: {wasm_bytes, wasm_gzip_bytes, js_gzip_bytes, total_gzip_bytes, runs,
// first_paint_ms, first_contentful_paint_ms, module_ready_ms} (the times: medians, and every run).
// Needs dist/ (./build.sh build).
import { chromium } from 'playwright-core';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CHROMIUM_ARGS, serveStatic } from '../scripts/serve.mjs';
import { ROOT } from './page.mjs';

const runsAt = process.argv.indexOf('--runs');
const RUNS = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 5;
const DIST = join(ROOT, 'dist');

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const gzipBytes = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
const all = files(DIST);
const sum = (paths, size) => paths.reduce((total, path) => total + size(path), 0);
const wasm = all.filter((path) => extname(path) === '.wasm');
const js = all.filter((path) => extname(path) === '.js');
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const server = await serveStatic(DIST);
const runs = [];
try {
  for (let run = 0; run < RUNS; run += 1) {
    const profile = mkdtempSync(join(tmpdir(), 'embplay-paint-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 },
    });
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      await page.waitForFunction(() => window.__embplay?.ready, null, { timeout: 60_000 });
      runs.push(await page.evaluate(() => {
        const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
        return { first_paint_ms: paint['first-paint'], first_contentful_paint_ms: paint['first-contentful-paint'], module_ready_ms: performance.now() };
      }));
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }
} finally {
  await server.close();
}
const figure = (key) => (runs.every((r) => r[key] != null) ? Math.round(median(runs.map((r) => r[key]))) : null);
console.log(JSON.stringify({
  wasm_bytes: sum(wasm, (path) => statSync(path).size),
  wasm_gzip_bytes: sum(wasm, gzipBytes),
  js_gzip_bytes: sum(js, gzipBytes),
  total_gzip_bytes: sum(all, gzipBytes),
  runs: runs.length,
  first_paint_ms: figure('first_paint_ms'),
  first_contentful_paint_ms: figure('first_contentful_paint_ms'),
  module_ready_ms: figure('module_ready_ms'),
  every_run: runs.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v == null ? null : Math.round(v)]))),
}));
