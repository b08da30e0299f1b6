// Two threads in the page: on the first visit the page is not cross-origin isolated and the worker
// runs the one-thread module; the service worker (web/page/sw.js) then adds COOP/COEP, so after a
// reload the page is isolated and the worker runs the module with threads. The same text, settings
// and seed train the same model, bit for bit, either way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, startBrowser, waitFor, waitReady } from './harness.mjs';

const TRAIN_TIMEOUT_MS = 120_000;

// 2,400 sentences of 8 words drawn (seeded) from 1,200: a vocabulary big enough that the output
// layer's products (V x 64 hidden x 64 batch, about 4.9M multiply-adds) are cut in two.
function manyWords() {
  let state = 11;
  const words = [];
  for (let s = 0; s < 2400; s++) {
    for (let w = 0; w < 8; w++) {
      state = (state * 1103515245 + 12345) % 2147483648;
      words.push(`w${(state >> 8) % 1200}`);
    }
    words.push('.');
  }
  return words.join(' ');
}

// Sets the text and a one-epoch run, plays it to its end, and returns the model file.
async function trainOnce(page, problems) {
  await page.fill('#text', manyWords());
  await page.fill('#setting-hidden', '64');
  await page.fill('#setting-batch', '64');
  await page.fill('#setting-epochs', '1');
  await page.click('#reset');
  await page.click('#play');
  await waitFor(page, `training did not finish (${problems.join('; ') || 'no page errors'})`,
    () => window.__embplay.state === 'finished', { timeout: TRAIN_TIMEOUT_MS });
  return JSON.parse(await page.evaluate(() => window.__embplay.modelJson()));
}

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env?.close(); });

test('one thread before the service worker isolates the page, two after a reload, the same model', { timeout: 2 * TRAIN_TIMEOUT_MS + 60_000 }, async () => {
  const context = await env.newContext();
  const { page, problems } = await openPage(context, env.server.url);
  assert.equal(await page.evaluate(() => window.crossOriginIsolated), false);
  assert.equal(await page.evaluate(() => window.__embplay.threads), 1);
  const one = await trainOnce(page, problems);

  await page.evaluate(() => navigator.serviceWorker.ready);
  await waitFor(page, 'the service worker never took control', () => !!navigator.serviceWorker.controller);
  await page.reload();
  await waitReady(page, problems);
  assert.equal(await page.evaluate(() => window.crossOriginIsolated), true);
  assert.equal(await page.evaluate(() => window.__embplay.threads), 2);
  const two = await trainOnce(page, problems);

  assert.ok(one.weights ?? one, 'a model file');
  assert.deepEqual(two, one, 'the same seed trains the same model with one thread and with two');
  assert.deepEqual(problems, []);
  await context.close();
});
