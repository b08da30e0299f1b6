// The sentence encoder in headless Chromium: a small encoder trains on the text in the worker, the
// loss and the STS-B dev curve fill the chart, the sentence map gets frames, Pause and Step work,
// a typed sentence gets an attention heat map whose rows sum to 1, with its words as labels (an
// unknown word marked), and a bad setting gets a message while the run there was stays.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openFreshPage, patternText, ROOT, startBrowser, waitFor } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env?.close(); });

const chart = (page) => page.$eval('#enc-chart', (c) => ({ loss: Number(c.dataset.lossPoints ?? 0), sts: Number(c.dataset.stsPoints ?? 0) }));
const mapOf = (page) => page.$eval('#enc-map', (c) => ({ points: Number(c.dataset.points ?? 0), frames: Number(c.dataset.frames ?? 0) }));

test('the encoder trains in the page: curve, STS-B dev, moving map, attention heat map', async () => {
  const { page, problems } = await openFreshPage(env);
  await page.fill('#text', patternText(200));
  // A small, quick encoder: the settings form is the module's schema.
  await page.click('#enc-settings summary');
  for (const [name, value] of Object.entries({ dim: 32, ff: 64, mlm_epochs: 20, simcse_epochs: 1000, min_count: 1, batch: 32 })) {
    await page.fill(`#enc-setting-${name}`, String(value));
  }
  await page.click('#enc-settings summary');
  await page.click('#enc-train');
  await waitFor(page, `no loss points and STS-B points (${problems.join('; ') || 'no page errors'})`, () => {
    const c = document.getElementById('enc-chart').dataset;
    return Number(c.lossPoints) >= 10 && Number(c.stsPoints) >= 2;
  }, { timeout: 60_000 });
  assert.match(await page.textContent('#enc-status'), /step \d+ · (mlm|simcse) epoch/);
  const m = await mapOf(page);
  assert.equal(m.points, 200, 'the map shows every sentence of a small text');
  assert.ok(m.frames >= 2, 'the map moved');

  // Pause, then Step: one batch more, a fresh frame.
  await page.click('#enc-play');
  await waitFor(page, 'Pause did not stop the encoder', () => document.getElementById('encoder-panel').dataset.state === 'paused');
  assert.equal(await page.textContent('#enc-play'), 'Play');
  const stepNow = () => page.$eval('#encoder-panel', (p) => Number(p.dataset.step));
  const before = await stepNow();
  const framesBefore = (await mapOf(page)).frames;
  await page.click('#enc-step');
  await waitFor(page, 'Step did not train a batch', (b) => Number(document.getElementById('encoder-panel').dataset.step) !== b, { arg: before });
  assert.equal(await stepNow(), before + 1);
  assert.match(await page.textContent('#enc-status'), new RegExp(`step ${before + 1} `));
  assert.ok((await mapOf(page)).frames > framesBefore);
  const c = await chart(page);
  assert.ok(c.loss >= 10 && c.sts >= 2, JSON.stringify(c));

  // The attention of a typed sentence: a T x T grid, rows summing to 1, the words as labels.
  await page.fill('#enc-attn-text', 'the cat saw a zebra');
  await page.click('#enc-attn-form button[type=submit]');
  await waitFor(page, 'no heat map', () => !document.getElementById('enc-attn').hidden);
  const attn = await page.evaluate(() => {
    const canvas = document.getElementById('enc-attn-map');
    return {
      tokens: Number(canvas.dataset.tokens),
      rowSumError: Number(canvas.dataset.rowSumError),
      width: canvas.getBoundingClientRect().width,
      keys: [...document.querySelectorAll('#enc-attn-keys span')].map((s) => s.textContent),
      unknown: [...document.querySelectorAll('#enc-attn-queries span.unknown')].map((s) => s.textContent),
      layers: document.getElementById('enc-layer').options.length,
      heads: document.getElementById('enc-head').options.length,
    };
  });
  assert.deepEqual(attn.keys, ['[CLS]', 'the', 'cat', 'saw', 'a', 'zebra']);
  assert.equal(attn.tokens, 6);
  assert.ok(attn.rowSumError < 1e-4, `rows sum to 1 within ${attn.rowSumError}`);
  assert.ok(attn.width > 50);
  assert.deepEqual(attn.unknown, ['zebra']);
  assert.equal(attn.layers, 2);
  assert.equal(attn.heads, 4);
  await page.selectOption('#enc-head', '3');
  assert.equal(await page.$eval('#enc-attn-map', (c) => Number(c.dataset.tokens)), 6);

  // Another pooling for the map; then a bad setting: a message, the run stays.
  const framesNow = (await mapOf(page)).frames;
  await page.selectOption('#enc-pooling', 'max');
  await waitFor(page, 'the map did not redraw for max pooling', (f) => Number(document.getElementById('enc-map').dataset.frames) > f, { arg: framesNow });
  await page.click('#enc-settings summary');
  await page.fill('#enc-setting-heads', '5');
  await page.click('#enc-train');
  await waitFor(page, 'no message for a bad setting', () => /fix the encoder settings|heads/i.test(document.getElementById('enc-status').textContent));
  await page.fill('#enc-setting-heads', '4');
  await page.click('#enc-settings summary');
  await page.click('#enc-step');
  await waitFor(page, 'the run did not survive the bad setting', () => /step \d+/.test(document.getElementById('enc-status').textContent));

  // For a person to look at: the panel's lower half (map and heat map) beside the page.
  await page.locator('#enc-attn').scrollIntoViewIfNeeded();
  const dir = join(ROOT, 'build/e2e');
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, 'encoder.png') });

  // A pairs file: the next Train adds the supervised phase after SimCSE, with the pairs counted.
  const pairs = 'the cat saw the dog\tthe dog saw the cat\t4.5\nthe cat ran\tthe sun set\t1\nthe sun set\tthe sun went down\t5\n';
  await page.setInputFiles('#enc-pairs-file', { name: 'pairs.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(pairs) });
  await waitFor(page, 'the pairs file is not named', () => /pairs\.tsv/.test(document.getElementById('enc-pairs-name').textContent));
  await page.click('#enc-settings summary');
  await page.fill('#enc-setting-simcse_epochs', '1');
  await page.click('#enc-settings summary');
  await page.click('#enc-train');
  await waitFor(page, 'the supervised phase did not run', () => /pairs epoch/.test(document.getElementById('enc-status').textContent), { timeout: 60_000 });
  assert.deepEqual(problems, []);
  await page.close();
});
