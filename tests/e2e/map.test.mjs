// The map as an instrument, in headless Chromium, on vectors opened from a file (no training to
// wait for): an analogy draws its arrows, a click highlights a word's neighbours by either metric.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openFreshPage, startBrowser, waitFor } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env?.close(); });

// King - man + woman is exactly queen (gender on one axis, royalty on another), then 96 words in
// three seeded families along the other axes. GloVe text, 5 dimensions.
function vectorsFile() {
  let state = 23;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32 - 0.5; };
  const lines = ['king 1 1 0.1 0 0', 'queen 1 -1 0.1 0 0', 'man 0 1 0.1 0 0', 'woman 0 -1 0.1 0 0'];
  for (let i = 0; i < 96; i += 1) {
    const v = Array.from({ length: 5 }, (_, j) => (j === 2 + (i % 3) ? 1 : 0) + 0.25 * next());
    lines.push(`f${i % 3}w${i} ${v.map((x) => x.toFixed(5)).join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function openVectors(page, text = vectorsFile()) {
  await page.setInputFiles('#vectors-file', { name: 'planted.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
  await waitFor(page, 'the opened vectors were not shown', () => window.__embplay.state === 'vectors' && window.__embplay.mapPoints === 100);
}

test('an analogy draws its arrows; a click highlights the neighbours, by cosine or euclidean distance', { timeout: 60_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  await openVectors(page);

  await page.click('#tab-analogy');
  await page.fill('#an-a', 'king');
  await page.fill('#an-b', 'man');
  await page.fill('#an-c', 'woman');
  await page.click('#an-form button[type="submit"]');
  await waitFor(page, 'no analogy answers', () => document.querySelectorAll('#an-list li').length === 10);
  assert.equal(await page.$eval('#an-list li', (li) => li.dataset.word), 'queen');
  await waitFor(page, 'the analogy drew no arrows', () => document.getElementById('map').dataset.arrows === '2');
  assert.match(await page.textContent('#an-message'), /king − man \+ woman ≈ queen \(3CosAdd\)/);
  await page.selectOption('#an-method', '3CosMul');
  await waitFor(page, '3CosMul was not asked', () => /3CosMul/.test(document.getElementById('an-message').textContent));
  assert.equal(await page.$eval('#an-list li', (li) => li.dataset.word), 'queen');
  await page.fill('#an-c', 'nosuchword');
  await page.click('#an-form button[type="submit"]');
  await waitFor(page, 'an unknown word was not explained', () => /not in the vocabulary/.test(document.getElementById('an-message').textContent));
  await waitFor(page, 'the arrows stayed after an error', () => document.getElementById('map').dataset.arrows === '0');

  // Click a labelled word of a family: it and its neighbours are highlighted.
  await waitFor(page, 'the map did not settle', () => window.__embplay.mapSettled);
  const target = (await page.evaluate(() => window.__embplay.labelledPoints())).find((p) => p.word.startsWith('f1'));
  assert.ok(target, 'a family word is labelled');
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + target.x, box.y + target.y);
  await waitFor(page, 'the click selected nothing', () => document.getElementById('map').dataset.selected !== '');
  const selected = await page.$eval('#map', (c) => c.dataset.selected);
  await waitFor(page, 'no neighbours listed', () => document.querySelectorAll('#nb-list li').length === 10);
  const cosine = await page.$$eval('#nb-list li', (rows) => rows.map((r) => r.dataset.word));
  assert.ok(cosine.every((w) => w.slice(0, 2) === selected.slice(0, 2)), `${selected}'s neighbours are its family: ${cosine}`);
  assert.match(await page.textContent('#nb-caption'), /by cosine/);
  await page.selectOption('#nb-metric', 'euclidean');
  await waitFor(page, 'the metric did not change', () => /by euclidean/.test(document.getElementById('nb-caption').textContent));
  const values = await page.$$eval('#nb-list li', (rows) => rows.map((r) => Number(r.dataset.value)));
  for (let i = 1; i < values.length; i += 1) assert.ok(values[i - 1] <= values[i], `distances ascend: ${values}`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('clusters colour the map with a legend; search highlights matches (a bad regex says so); the CSV download is well formed', { timeout: 60_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  await openVectors(page);

  await page.selectOption('#map-k', '3');
  await waitFor(page, 'the clusters did not colour the map', () => document.getElementById('map').dataset.clusters === '3');
  const legend = await page.$$eval('#cluster-legend li', (rows) => rows.map((r) => r.textContent));
  assert.equal(legend.length, 3);
  assert.ok(legend.every((t) => t.length > 0), `each cluster names its central words: ${legend}`);

  await page.fill('#map-search', 'f2w');
  await waitFor(page, 'the search found nothing', () => document.getElementById('map').dataset.matches === '32');
  assert.match(await page.textContent('#map-search-message'), /32 of 100/);
  await page.fill('#map-search', '/^(king|queen)$/');
  await waitFor(page, 'the regex found nothing', () => document.getElementById('map').dataset.matches === '2');
  await page.fill('#map-search', '/([a-z/');
  await waitFor(page, 'a bad regex was not explained', () => /Not a valid regular expression/.test(document.getElementById('map-search-message').textContent));
  assert.equal(await page.$eval('#map', (c) => c.dataset.matches), '2', 'the map keeps its last search');
  assert.equal(await page.evaluate(() => window.__embplay.mapPoints), 100);

  await page.click('#map-download summary');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#map-download [data-download="csv"]')]);
  assert.equal(download.suggestedFilename(), 'map.csv');
  const rows = readFileSync(await download.path(), 'utf8').trimEnd().split('\n');
  assert.equal(rows[0], 'word,x,y,cluster');
  assert.equal(rows.length, 101, 'one row per shown word');
  for (const row of rows.slice(1)) {
    const [word, x, y, cluster] = row.split(',');
    assert.ok(word && Number.isFinite(Number(x)) && Number.isFinite(Number(y)), row);
    assert.ok(['0', '1', '2'].includes(cluster), row);
  }
  await page.click('#map-download summary');
  const [svg] = await Promise.all([page.waitForEvent('download'), page.click('#map-download [data-download="svg"]')]);
  const svgText = readFileSync(await svg.path(), 'utf8');
  assert.match(svgText, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svgText.match(/<circle /g) ?? []).length, 100);
  await page.click('#map-download summary');
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('#map-download [data-download="png"]')]);
  assert.deepEqual([...readFileSync(await png.path()).subarray(1, 4)], [...Buffer.from('PNG')]);
  assert.deepEqual(problems, []);
  await page.close();
});

test('t-SNE settles in frames the page draws; a perplexity too large is explained and the map keeps its state', { timeout: 60_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  await openVectors(page);
  const before = await page.evaluate(() => window.__embplay.labelledPoints());

  await page.click('#tsne-settings summary');
  await page.fill('#tsne-perplexity', '50');
  await page.click('#tsne-form button[type="submit"]');
  await waitFor(page, 'a perplexity too large was not explained', () => /t-SNE: .*perplexity/i.test(document.getElementById('tsne-message').textContent));
  assert.equal(await page.inputValue('#map-projection'), 'pca', 'the projection stays PCA');
  assert.deepEqual(await page.evaluate(() => window.__embplay.labelledPoints()), before, 'the map keeps its state');

  await page.click('#tsne-settings summary');
  await page.fill('#tsne-perplexity', '10');
  await page.fill('#tsne-iterations', '300');
  await page.click('#tsne-form button[type="submit"]');
  await waitFor(page, 't-SNE did not finish', () => /iteration 300 \/ 300 · done/.test(document.getElementById('tsne-message').textContent), { timeout: 30_000 });
  assert.equal(await page.inputValue('#map-projection'), 'tsne');
  assert.equal(await page.evaluate(() => window.__embplay.mapPoints), 100);
  await waitFor(page, 'the map did not settle', () => window.__embplay.mapSettled);
  const after = await page.evaluate(() => window.__embplay.labelledPoints());
  assert.ok(after.length > 0 && after.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y)));
  assert.match(await page.textContent('#map-caption'), /t-SNE/);

  await page.selectOption('#map-projection', 'pca');
  await waitFor(page, 'PCA did not come back', () => /PCA/.test(document.getElementById('map-caption').textContent));
  assert.deepEqual(problems, []);
  await page.close();
});
