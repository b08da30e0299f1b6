// UMAP in headless Chromium: chosen in the projection menu beside t-SNE, with its own options, it
// runs in the worker in slices, streams its epochs to the map (caption and message say UMAP), pauses
// and resumes with t-SNE's button, and ends with the word families apart: each word's nearest word
// on the map is of its own family.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { join } from 'node:path';
import { ROOT, openFreshPage, startBrowser, waitFor } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env?.close(); });

const WORDS = 1000;
const FAMILIES = 6;
const EPOCHS = 3000;  // long enough to be paused on its way

// Seeded words in six families (w<i> is in family i % 6), 8 dimensions.
function vectorsFile() {
  let state = 11;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32 - 0.5; };
  const lines = [];
  for (let i = 0; i < WORDS; i += 1) {
    const v = Array.from({ length: 8 }, (_, j) => (j === i % FAMILIES ? 3 : 0) + next());
    lines.push(`w${i} ${v.map((x) => x.toFixed(5)).join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

test('UMAP from the projection menu lays the words out, epoch by epoch, with their families apart', { timeout: 180_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  await page.setInputFiles('#vectors-file', { name: 'families.txt', mimeType: 'text/plain', buffer: Buffer.from(vectorsFile()) });
  await waitFor(page, 'the vectors were not opened', () => window.__embplay.state === 'vectors', { timeout: 30_000 });
  await page.selectOption('#map-n', String(WORDS));
  await waitFor(page, 'the map did not show every word', (n) => window.__embplay.mapPoints === n, { arg: WORDS, timeout: 30_000 });

  // The form takes its defaults from the module's umapSchema().
  await page.click('#umap-settings summary');
  assert.equal(await page.inputValue('#umap-neighbours'), '15');
  assert.equal(await page.inputValue('#umap-min-dist'), '0.1');
  await page.fill('#umap-epochs', String(EPOCHS));
  await page.fill('#umap-seed', '3');
  await page.click('#umap-settings summary');  // closed again: the menu alone starts it
  await page.selectOption('#map-projection', 'umap');

  // Pause is clicked inside the page at the first frame: a round trip through Playwright could
  // let a fast run finish first.
  await page.waitForFunction(() => {
    const button = document.getElementById('tsne-pause');
    if (!(Number(document.getElementById('map').dataset.tsneIteration) > 0) || button.hidden) return false;
    button.click();
    return true;
  }, null, { polling: 2, timeout: 30_000 });
  await waitFor(page, 'the pause was not shown', () => /UMAP · paused at epoch/.test(document.getElementById('tsne-message').textContent));
  assert.equal(await page.textContent('#tsne-pause'), 'Resume UMAP');
  const pausedAt = await page.$eval('#map', (c) => Number(c.dataset.tsneIteration));
  assert.ok(pausedAt > 0 && pausedAt < EPOCHS, `paused at epoch ${pausedAt}`);
  await page.waitForTimeout(1000);
  assert.equal(await page.$eval('#map', (c) => Number(c.dataset.tsneIteration)), pausedAt, 'no epoch ran while paused');
  await page.click('#tsne-pause');
  await waitFor(page, 'UMAP did not finish', (n) => new RegExp(`UMAP · epoch ${n.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} · done`).test(document.getElementById('tsne-message').textContent),
    { arg: EPOCHS, timeout: 120_000 });
  assert.match(await page.textContent('#map-caption'), /^UMAP of the word vectors/);
  assert.equal(await page.isHidden('#tsne-pause'), true, 'no pause button once UMAP is done');

  const points = await page.evaluate(() => window.__embplay.mapCoords());
  assert.equal(points.length, WORDS);
  let same = 0;
  for (const p of points) {
    let best = null;
    let bestD = Infinity;
    for (const q of points) {
      const d = (p.x - q.x) ** 2 + (p.y - q.y) ** 2;
      if (q !== p && d < bestD) [best, bestD] = [q, d];
    }
    same += Number(best.word.slice(1)) % FAMILIES === Number(p.word.slice(1)) % FAMILIES;
  }
  assert.ok(same >= 0.98 * WORDS, `only ${same} of ${WORDS} words have a nearest map neighbour of their own family`);

  fs.mkdirSync(join(ROOT, 'build/e2e'), { recursive: true });
  await page.screenshot({ path: join(ROOT, 'build/e2e/umap.png') });
  assert.deepEqual(problems, []);
  await page.close();
});
