// t-SNE in the browser: a points file (bench_tsne make-data's or tsne_vs_sklearn.py vectors'
// format: int32 n, int32 d, then n*d float32) opened through "Open vectors" in headless Chromium,
// then t-SNE run from the page's t-SNE form (perplexity 30; learning rate and iterations the form's
// defaults unless --lr / --iterations say otherwise), timed from the Run click to the frame that
// says done. The layout is written as a points file so that bench/tsne_vs_sklearn.py score judges
// it like the others. With --dims 3 the map's view is 3D first, so t-SNE lays the points out in
// three dimensions (the octree). With --method umap, UMAP from the page's UMAP form instead (its
// defaults; --iterations sets its epochs), timed the same way. With --threads 2 the page is reloaded
// once its service worker controls it: cross-origin isolated, the worker runs the module with
// threads (as a user's second visit does), and the run uses both.
//
//   node bench/tsne_browser.mjs POINTS LAYOUT_OUT [--dims 3] [--iterations N] [--lr X] [--method umap] [--threads 2]
//                                [--screenshot PNG]
// Prints one JSON line: {n, dim, seconds, iterations, threads, ...}. Needs dist/ (./build.sh build).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAP_WORDS } from '../web/page/share.js';
import { ROOT, reloadIsolated, withPage } from './page.mjs';

const [pointsPath, layoutPath] = process.argv.slice(2);
const dimsAt = process.argv.indexOf('--dims');
const DIMS = dimsAt > 0 ? Number(process.argv[dimsAt + 1]) : 2;
const flag = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : null);
if (!pointsPath || !layoutPath) {
  console.error('usage: node bench/tsne_browser.mjs POINTS LAYOUT_OUT');
  process.exit(2);
}

const raw = readFileSync(pointsPath);
const n = raw.readInt32LE(0); const d = raw.readInt32LE(4);
const x = new Float32Array(raw.buffer.slice(raw.byteOffset + 8, raw.byteOffset + 8 + 4 * n * d));
const lines = [];
for (let i = 0; i < n; i += 1) lines.push(`p${i} ${Array.from(x.subarray(i * d, (i + 1) * d), (v) => v.toPrecision(7)).join(' ')}`);

await withPage(async (page, browser) => {
  if (flag('--threads') === '2') await reloadIsolated(page);
  await page.fill('#vectors-max', String(n));
  await page.setInputFiles('#vectors-file', { name: 'points.txt', mimeType: 'text/plain', buffer: Buffer.from(`${lines.join('\n')}\n`) });
  await page.waitForFunction(() => window.__embplay.state === 'vectors', null, { timeout: 120_000 });
  await page.selectOption('#map-n', String(MAP_WORDS.find((m) => m >= n) ?? MAP_WORDS.at(-1)));
  await page.waitForFunction((count) => window.__embplay.mapPoints === count, n, { timeout: 60_000 });

  if (DIMS === 3) await page.selectOption('#map-dims', '3');
  const umap = flag('--method') === 'umap';
  if (umap) {
    await page.click('#umap-settings summary');
    if (flag('--iterations') != null) await page.fill('#umap-epochs', flag('--iterations'));
  } else {
    await page.click('#tsne-settings summary');
    await page.fill('#tsne-perplexity', '30');
    if (flag('--lr') != null) await page.fill('#tsne-lr', flag('--lr'));
    if (flag('--iterations') != null) await page.fill('#tsne-iterations', flag('--iterations'));
  }
  const t0 = Date.now();
  await page.click(umap ? '#umap-form button[type="submit"]' : '#tsne-form button[type="submit"]');
  await page.waitForFunction(() => /done/.test(document.getElementById('tsne-message').textContent), null, { timeout: 600_000, polling: 50 });
  const seconds = (Date.now() - t0) / 1000;
  const iterations = Number(await page.$eval('#map', (c) => c.dataset.tsneIteration));
  if (flag('--screenshot')) await page.screenshot({ path: flag('--screenshot') });
  const coords = await page.evaluate(() => window.__embplay.mapCoords());
  const layout = Buffer.alloc(8 + 4 * DIMS * n);
  layout.writeInt32LE(n, 0); layout.writeInt32LE(DIMS, 4);
  for (const { word, x: px, y: py, z: pz } of coords) {
    const at = 8 + 4 * DIMS * Number(word.slice(1));
    layout.writeFloatLE(px, at); layout.writeFloatLE(py, at + 4);
    if (DIMS === 3) layout.writeFloatLE(pz, at + 8);
  }
  writeFileSync(layoutPath, layout);
  console.log(JSON.stringify({
    n, dim: d, dimensions: DIMS, seconds: +seconds.toFixed(2), iterations, points_on_map: coords.length, chromium: browser.version(),
    threads: await page.evaluate(() => window.__embplay.threads),
  }));
});
