// Vectors beyond the next-word model, in headless Chromium as a person uses them: open a vectors
// file (its map, its neighbours), export it and open the download again, a malformed file refused
// with its line; train word2vec on the sample and score it in the Eval tab.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, debug, openFreshPage, startBrowser, waitFor } from './harness.mjs';

const SHOTS = join(ROOT, 'build/e2e');

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env?.close(); });

// 400 words in 8 dimensions: four families (word i belongs to family i % 4), each along its own
// axis plus a small seeded wobble, so a word's neighbours are its family. GloVe text.
function vectorsFile(words = 400) {
  let state = 11;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32 - 0.5; };
  const lines = [];
  for (let i = 0; i < words; i += 1) {
    const v = Array.from({ length: 8 }, (_, j) => (j === i % 4 ? 1 : 0) + 0.2 * next());
    lines.push(`w${i} ${v.map((x) => x.toFixed(5)).join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

const setFile = (page, name, text) => page.setInputFiles('#vectors-file', { name, mimeType: 'text/plain', buffer: Buffer.from(text) });

test('open a vectors file: its map and neighbours; export word2vec text and open it again; a bad file says its line', { timeout: 60_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  const text = await page.inputValue('#text');

  await setFile(page, 'family.txt', vectorsFile());
  await waitFor(page, 'the opened vectors were not shown', () => window.__embplay.state === 'vectors' && window.__embplay.mapPoints > 0);
  assert.equal((await page.evaluate(() => window.__embplay.vectors)).words, 400);
  assert.ok(Number(await page.$eval('#map', (c) => c.dataset.points)) > 0, 'the map shows points');
  assert.equal(await page.isDisabled('#play'), true, 'vectors from a file are not trained');
  assert.equal(await page.isDisabled('#step'), true);
  assert.match(await page.textContent('#status-text'), /not trained/);
  assert.equal(await page.inputValue('#text'), text, 'the text is kept');

  await page.fill('#nb-input', 'w8');
  await page.click('#nb-form button');
  await waitFor(page, 'no neighbours for w8', () => document.querySelectorAll('#nb-list li').length === 10);
  const neighbours = await page.$$eval('#nb-list li', (rows) => rows.map((r) => r.dataset.word));
  assert.ok(neighbours.every((w) => Number(w.slice(1)) % 4 === 0), `w8's neighbours are its family: ${neighbours}`);

  // Export as word2vec text; the download opens again to the same words.
  await page.click('#export-menu summary');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-menu [data-format="word2vec"]')]);
  assert.equal(download.suggestedFilename(), 'vectors.vec');
  const exported = readFileSync(await download.path(), 'utf8');
  assert.match(exported, /^400 8\n/, 'a word2vec header');
  const firstWords = (t) => t.trim().split('\n').filter((l) => !/^\d+ \d+$/.test(l)).map((l) => l.split(' ')[0]);
  assert.deepEqual(firstWords(exported), firstWords(vectorsFile()));

  // A malformed file: the message names the line, and the vectors before it stay.
  await setFile(page, 'broken.txt', 'a 1 2 3\nb 1 2 3\nc 1 2\n');
  await waitFor(page, 'no message for a malformed file', () => document.getElementById('vectors-message').classList.contains('error'));
  assert.match(await page.textContent('#vectors-message'), /broken\.txt.*line 3/);
  assert.equal((await debug(page)).state, 'vectors');
  assert.equal((await page.evaluate(() => window.__embplay.vectors)).name, 'family.txt');

  await setFile(page, 'vectors.vec', exported);
  await waitFor(page, 'the exported file did not open', () => window.__embplay.vectors?.name === 'vectors.vec');
  assert.equal((await page.evaluate(() => window.__embplay.vectors)).words, 400);
  await page.fill('#nb-input', 'w8');
  await page.click('#nb-form button');
  await waitFor(page, 'no neighbours after re-opening', () => document.querySelectorAll('#nb-list li').length === 10);
  assert.deepEqual(await page.$$eval('#nb-list li', (rows) => rows.map((r) => r.dataset.word)), neighbours, 'the same neighbours');

  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'vectors.png') });

  // Reset goes back to training the text.
  await page.click('#reset');
  await waitFor(page, 'Reset did not return to idle', () => window.__embplay.state === 'idle');
  assert.equal(await page.isDisabled('#play'), false);
  assert.deepEqual(problems, [], 'no errors on the page');
  await page.close();
});

test('word2vec on the sample: one epoch trains, the map shows points, Eval shows numbers', { timeout: 90_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  await page.selectOption('#model-kind', 'skipgram');
  assert.equal(await page.isVisible('#w2v-setting-window'), true, 'word2vec\'s settings are shown');
  assert.equal(await page.isHidden('#setting-context'), true, 'the next-word settings are hidden');
  await page.fill('#w2v-setting-epochs', '1');
  await page.fill('#w2v-setting-min_count', '2');
  await page.click('#play');
  await waitFor(page, 'word2vec did not finish', () => window.__embplay.state === 'finished', { timeout: 60_000 });
  const state = await debug(page);
  assert.equal(state.progress.epoch, 1);
  assert.equal((await page.evaluate(() => window.__embplay.runKind)), 'skipgram');
  assert.ok(state.mapPoints > 10, `the map shows points (${state.mapPoints})`);
  assert.ok(state.lossPoints >= 2, 'the loss is charted');

  await page.fill('#predict-input', 'the');
  await waitFor(page, 'Predict did not explain itself', () => /next-word model/.test(document.getElementById('predict-empty').textContent));

  await page.click('#tab-eval');
  await page.click('#eval-run');
  await waitFor(page, 'the Eval tab shows no numbers', () => document.querySelectorAll('#eval-analogies tbody tr').length === 17, { timeout: 30_000 });
  const sims = await page.$$eval('#eval-similarity tbody tr', (rows) => rows.map((r) => Array.from(r.cells, (c) => c.textContent)));
  assert.deepEqual(sims.map((r) => r[0]), ['WordSim-353', 'SimLex-999']);
  for (const [, rho, coverage] of sims) {
    assert.match(coverage, /^\d+\.\d%$/, `coverage ${coverage}`);
    assert.ok(rho === '–' || Math.abs(Number(rho)) <= 1, `Spearman ${rho}`);
  }
  const result = await page.evaluate(() => window.__embplay.evalResult);
  assert.equal(result.wordsim353.total, 353);
  assert.equal(result.analogies.all.total, 19544);
  assert.match(await page.textContent('#eval-body .sources'), /Finkelstein.*Hill/s);

  await page.screenshot({ path: join(SHOTS, 'word2vec-eval.png') });
  assert.deepEqual(problems, [], 'no errors on the page');
  await page.close();
});
