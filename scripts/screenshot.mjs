// Regenerates docs/screenshot.png, the README's picture: serves dist/ (it builds nothing: run
// ./build.sh build first), trains the sample text for a few epochs in headless Chromium at
// 1400x900, compares it with its MSE twin, colours four clusters, selects a word and asks for a
// prediction, then takes the screenshot.
//
//   node scripts/screenshot.mjs [--out docs/screenshot.png] [--epochs 8] [--dark]
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, serveStatic } from './serve.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const out = resolve(ROOT, option('--out', 'docs/screenshot.png'));
const epochs = option('--epochs', '8');
const colorScheme = process.argv.includes('--dark') ? 'dark' : 'light';
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

if (!existsSync(join(DIST, 'index.html')) || !existsSync(join(DIST, 'embplay.wasm'))) {
  console.error('scripts/screenshot.mjs: dist/ is not built; run ./build.sh build first');
  process.exit(1);
}

const server = await serveStatic(DIST);
const profile = mkdtempSync(join(tmpdir(), 'embplay-shot-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  args: CHROMIUM_ARGS,
  viewport: { width: 1400, height: 900 },
  colorScheme,
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  await page.goto(server.url);
  await page.waitForFunction(() => document.body.dataset.state === 'idle', null, { timeout: 30_000 });
  await page.fill('#setting-epochs', epochs);
  await page.click('#play');
  await page.waitForFunction(() => window.__embplay.state === 'finished', null, { timeout: 300_000 });
  await page.click('#compare-mse');  // the twin catches up on its own: the orange curve
  await page.waitForFunction(() => /Compared/.test(document.getElementById('compare-mse').textContent), null, { timeout: 120_000 });
  await page.selectOption('#map-k', '4');
  await page.waitForFunction(() => document.getElementById('map').dataset.clusters === '4', null, { timeout: 10_000 });

  await page.fill('#predict-input', 'the fox said to the');
  await page.waitForFunction(() => window.__embplay.mapSettled, null, { timeout: 10_000 });
  const box = await page.locator('#map').boundingBox();
  const labelled = await page.evaluate(() => window.__embplay.labelledPoints());
  const word = labelled.find((p) => p.word === 'fox') ?? labelled.find((p) => p.word === 'wolf') ?? labelled[0];
  if (word) await page.mouse.click(box.x + word.x, box.y + word.y);
  await page.waitForFunction(() => document.querySelectorAll('#nb-list li').length > 0, null, { timeout: 10_000 });
  await page.mouse.move(box.x + box.width - 5, box.y + box.height - 5);  // no tooltip in the picture
  await page.$eval('.column.left', (column) => { column.scrollTop = 0; });
  await page.waitForFunction(() => window.__embplay.mapSettled, null, { timeout: 10_000 });
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`scripts/screenshot.mjs: wrote ${out}`);
} finally {
  await context.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
