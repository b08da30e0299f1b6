// Pause and resume of t-SNE in headless Chromium: the button beside the t-SNE menu stops the
// worker's slices where they are (the iteration and the layout stay put, the page stays
// responsive), Resume goes on from there, and the layout at the end is the one an uninterrupted
// run from the same seed gives (the module keeps its state across the pause).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openFreshPage, startBrowser, waitFor } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env?.close(); });

const WORDS = 1000;
const ITERATIONS = 1500;

// 1,000 seeded words in eight families, 8 dimensions: enough points for t-SNE to take a few seconds.
function vectorsFile() {
  let state = 5;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32 - 0.5; };
  const lines = [];
  for (let i = 0; i < WORDS; i += 1) {
    const v = Array.from({ length: 8 }, (_, j) => (j === i % 8 ? 2 : 0) + next());
    lines.push(`w${i} ${v.map((x) => x.toFixed(5)).join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

const message = (page) => page.textContent('#tsne-message');
const iteration = (page) => page.$eval('#map', (c) => Number(c.dataset.tsneIteration ?? -1));

async function openAndStart(page) {
  await page.setInputFiles('#vectors-file', { name: 'families.txt', mimeType: 'text/plain', buffer: Buffer.from(vectorsFile()) });
  await waitFor(page, 'the vectors were not opened', () => window.__embplay.state === 'vectors', { timeout: 30_000 });
  await page.selectOption('#map-n', String(WORDS));
  await waitFor(page, 'the map did not show every word', (n) => window.__embplay.mapPoints === n, { arg: WORDS, timeout: 30_000 });
  await page.click('#tsne-settings summary');
  await page.fill('#tsne-perplexity', '30');
  await page.fill('#tsne-iterations', String(ITERATIONS));
  await page.fill('#tsne-seed', '3');
  await page.click('#tsne-form button[type="submit"]');
}

async function waitDone(page) {
  await waitFor(page, 't-SNE did not finish', (n) => new RegExp(`iteration ${n.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} · done`).test(document.getElementById('tsne-message').textContent),
    { arg: ITERATIONS, timeout: 120_000 });
  const coords = await page.evaluate(() => window.__embplay.mapCoords());
  return new Map(coords.map((p) => [p.word, [p.x, p.y]]));
}

test('Pause t-SNE stops it where it is without blocking the page; Resume ends on the uninterrupted layout', { timeout: 300_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  assert.equal(await page.isHidden('#tsne-pause'), true, 'no button before t-SNE runs');
  await openAndStart(page);
  await waitFor(page, 't-SNE did not start', () => Number(document.getElementById('map').dataset.tsneIteration) > 0, { timeout: 30_000 });
  assert.equal(await page.textContent('#tsne-pause'), 'Pause t-SNE');

  // While t-SNE runs in the worker, the page's own frames keep coming.
  const frameGap = await page.evaluate(() => new Promise((resolve) => {
    const t0 = performance.now();
    requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
  }));
  assert.ok(frameGap < 1000, `two animation frames took ${frameGap} ms while t-SNE ran`);

  await page.click('#tsne-pause');
  await waitFor(page, 'the pause was not shown', () => /paused at iteration/.test(document.getElementById('tsne-message').textContent));
  assert.equal(await page.textContent('#tsne-pause'), 'Resume t-SNE');
  const pausedAt = await iteration(page);
  assert.ok(pausedAt > 0 && pausedAt < ITERATIONS, `paused at ${pausedAt}`);
  assert.match(await message(page), new RegExp(`paused at iteration ${pausedAt.toLocaleString('en-US')} / ${ITERATIONS.toLocaleString('en-US')}`));
  const frozen = await page.evaluate(() => window.__embplay.mapCoords());
  await page.waitForTimeout(1500);
  assert.equal(await iteration(page), pausedAt, 'no iteration ran while paused');
  assert.deepEqual(await page.evaluate(() => window.__embplay.mapCoords()), frozen, 'the layout stays put while paused');

  await page.click('#tsne-pause');
  await waitFor(page, 't-SNE did not go on', (at) => Number(document.getElementById('map').dataset.tsneIteration) > at, { arg: pausedAt, timeout: 30_000 });
  const resumed = await waitDone(page);
  assert.equal(await page.isHidden('#tsne-pause'), true, 'no button once t-SNE is done');

  // The same words, options and seed in a fresh page, never paused: the same layout.
  const { page: other, problems: otherProblems } = await openFreshPage(env);
  await openAndStart(other);
  const straight = await waitDone(other);
  assert.equal(straight.size, WORDS);
  let largest = 0;
  for (const [word, [x, y]] of straight) {
    const [rx, ry] = resumed.get(word);
    largest = Math.max(largest, Math.abs(rx - x), Math.abs(ry - y));
  }
  assert.ok(largest < 1e-4, `the paused run ends elsewhere: the largest coordinate difference is ${largest}`);
  assert.deepEqual(problems, []);
  assert.deepEqual(otherProblems, []);
  await page.close();
  await other.close();
});
