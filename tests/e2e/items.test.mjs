// Purchases in the page: the events sample loads with its attribution, item2vec trains, the map shows
// item names, clicking an item lists what is bought together, the Users tab recommends with reasons,
// the Eval tab fills both splits for every model (baskets: the one split they have, the other said),
// and a malformed CSV names its line while the run and the data stay. The sample the page fetches is answered with the log's first rows (the whole
// log is for the benchmark, bench/items_page.mjs), so the run takes seconds.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { eventsWithNames } from '../../web/sample-events.mjs';
import { REQUESTS } from '../../web/shared/protocol.js';
import { ROOT, debug, openPage, startBrowser, waitFor } from './harness.mjs';

const SLICE = eventsWithNames(join(ROOT, 'tests/data/recsys/online-retail'), 12000);
const TRAIN_TIMEOUT_MS = 60_000;

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env?.close(); });

// A fresh page whose purchases sample is the slice (service workers off: a request the page's
// service worker answers would pass the route by).
async function openWithSlice() {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'block' });
  await context.route('**/samples/online-retail.csv.gz', (route) => route.fulfill({
    status: 200, contentType: 'application/gzip', body: gzipSync(SLICE),
  }));
  const opened = await openPage(context, env.server.url);
  opened.page.on('close', () => context.close().catch(() => {}));
  return opened;
}

// Puts `text` in the box as a paste would (Playwright's fill() types over the box's half a megabyte
// through the browser's editing commands, which takes Chromium tens of seconds).
async function paste(page, text) {
  await page.$eval('#text', (box, value) => {
    box.value = value;
    box.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
}

async function trainSample(page) {
  await page.selectOption('#data-kind', 'events');
  await page.click('#sample');
  await waitFor(page, 'the sample did not load', () => document.getElementById('text').value.startsWith('user,item,timestamp,invoice,name'));
  await page.click('#play');
  await waitFor(page, 'item2vec did not finish', () => window.__embplay.state === 'finished', { timeout: TRAIN_TIMEOUT_MS });
}

test('the events sample trains item2vec: item names on the map, bought together, recommendations with reasons, both evaluations', { timeout: 150_000 }, async () => {
  const { page, problems } = await openWithSlice();
  await trainSample(page);
  // The data, its attribution and the model that follows it.
  assert.equal(await page.inputValue('#model-kind'), 'item2vec', 'purchases choose item2vec');
  assert.equal(await page.isVisible('#data-source'), true, 'the sample\'s source is shown');
  assert.match(await page.textContent('#data-source'), /UCI Online Retail.*Chen 2015.*CC BY 4\.0/s);
  assert.equal(await page.textContent('#s-tokens'), '12,000', 'the events read');
  assert.equal(await page.$eval('#s-tokens', (d) => d.previousElementSibling.textContent), 'Events');
  assert.equal(await page.isHidden('#predict-panel'), true, 'Predict is the next-word model\'s');

  // The map: items labelled by their names.
  await waitFor(page, 'the map kept moving', () => window.__embplay.mapSettled && window.__embplay.mapLabels > 5);
  const labelled = await page.evaluate(() => window.__embplay.labelledPoints());
  assert.ok(labelled.filter((p) => /^[A-Z0-9&'./ -]+ [A-Z]/.test(p.word)).length >= labelled.length / 2,
    `names, not stock codes: ${labelled.slice(0, 5).map((p) => p.word)}`);
  assert.match(await page.textContent('#map-caption'), /item vectors/);

  // Click an item: what is bought together with it.
  const box = await page.locator('#map').boundingBox();
  const target = labelled[0];
  await page.mouse.click(box.x + target.x, box.y + target.y);
  await waitFor(page, `clicking "${target.word}" listed nothing`, () => document.querySelectorAll('#nb-list li').length === 10);
  const selected = await page.$eval('#map', (c) => c.dataset.selected);
  assert.match(await page.textContent('#nb-caption'), new RegExp(`bought together with “${selected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}”`));

  // Users: a customer at random (seeded), their last purchases and 10 new items, each with its reason.
  await page.click('#tab-recommend');
  await page.click('#rec-random');
  await waitFor(page, 'no recommendations', () => document.querySelectorAll('#rec-list li').length === 10);
  const user = await page.inputValue('#rec-user');
  assert.match(user, /^\d+$/, 'a customer id');
  const history = await page.$$eval('#rec-history .word', (b) => b.map((x) => x.textContent));
  const recs = await page.$$eval('#rec-list li', (li) => li.map((x) => ({ item: x.dataset.item, because: x.dataset.because })));
  assert.ok(history.length > 0);
  for (const r of recs) {
    assert.ok(!history.includes(r.item), `${r.item} was bought already`);
    assert.ok(r.because, `${r.item} has a reason`);
  }
  const reply = await page.evaluate(() => window.__embplay.recommendations);
  assert.ok(recs.every((r) => reply.recommendations.some((x) => x.item === r.item && x.because === r.because)));
  // A reason is clickable: it becomes the selected item.
  await page.click('#rec-list li .rec-why .word');
  await waitFor(page, 'the reason did not select its item', () => document.getElementById('tab-neighbours').getAttribute('aria-selected') === 'true');
  // An unknown customer is named.
  await page.click('#tab-recommend');
  await page.fill('#rec-user', 'nobody');
  await page.click('#rec-form button[type="submit"]');
  await waitFor(page, 'an unknown user was not explained', () => /no user "nobody"/.test(document.getElementById('rec-message').textContent));

  // Eval: both splits, every model, HR@10 and NDCG@10.
  await page.click('#tab-eval');
  assert.equal(await page.isVisible('#word-eval'), false, 'the word tests are hidden for items');
  await page.click('#items-eval-run');
  await waitFor(page, 'the evaluation did not finish', () => window.__embplay.itemsEval?.done, { timeout: 60_000 });
  const rows = await page.$$eval('#items-eval-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.deepEqual(rows.map((r) => r[0]), ['popularity', 'item kNN', 'item2vec', 'item2vec + item kNN']);
  for (const r of rows) assert.ok(r.slice(1).every((v) => /^\d+\.\d\d$/.test(v)), `figures: ${r}`);
  const ndcg = (model, column) => Number(rows.find((r) => r[0] === model)[column]);
  assert.ok(ndcg('item2vec + item kNN', 2) > ndcg('popularity', 2), 'last item: the blend beats popularity');

  // The link names the data kind, the model and the customer; the protocol knows every request.
  await waitFor(page, 'the address bar did not follow', () => /data=events/.test(location.hash) && /model=item2vec/.test(location.hash));
  const { traffic } = await debug(page);
  for (const type of Object.keys(traffic.out)) assert.ok(type in REQUESTS, `an unlisted request "${type}"`);
  for (const type of ['items', 'recommend', 'randomUser', 'itemsEval', 'neighbors']) assert.ok(traffic.out[type] > 0, `the page sent "${type}"`);
  await page.screenshot({ path: join(ROOT, 'build/e2e/items.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a malformed CSV names its line; the run, its map and the data stay', { timeout: 120_000 }, async () => {
  const { page, problems } = await openWithSlice();
  await trainSample(page);
  const points = await page.evaluate(() => window.__embplay.mapPoints);
  assert.ok(points > 0);
  const lines = SLICE.split('\n');
  lines.splice(6, 0, '17850,85123A');  // too few cells at line 7
  const bad = lines.slice(0, 400).join('\n');
  await paste(page, bad);
  await page.click('#play');
  await waitFor(page, 'the bad line was not named', () => !document.getElementById('text-error').hidden);
  assert.match(await page.textContent('#text-error'), /^line 7: expected at least 5 cells, found 2/);
  assert.equal(await page.evaluate(() => window.__embplay.state), 'finished', 'the trained run stays');
  assert.equal(await page.evaluate(() => window.__embplay.mapPoints), points, 'its map stays');
  assert.equal(await page.inputValue('#text'), bad, 'the data stays as typed');
  // A missing column: the names it may have.
  await paste(page, 'customer,when\n1,2\n');
  await page.click('#play');
  await waitFor(page, 'the missing column was not named', () => /line 1: no item column/.test(document.getElementById('text-error').textContent));
  // Text data chooses a text model again.
  await page.selectOption('#data-kind', 'text');
  assert.notEqual(await page.inputValue('#model-kind'), 'item2vec', 'text chooses a text model');
  assert.deepEqual(problems, []);
  await page.close();
});

test('baskets have no next basket: the Eval tab says so for that split and fills the other', { timeout: 90_000 }, async () => {
  const { page, problems } = await openWithSlice();
  const kinds = ['tea cup saucer spoon', 'saw drill hammer nails', 'pen ink paper tea'];
  await page.selectOption('#data-kind', 'baskets');
  await paste(page, Array.from({ length: 300 }, (_, i) => kinds[i % 3]).join('\n'));
  await waitFor(page, 'the baskets were not counted', () => document.getElementById('text-size').textContent === '300 baskets');
  await page.click('#play');
  await waitFor(page, 'item2vec did not finish on baskets', () => window.__embplay.state === 'finished', { timeout: TRAIN_TIMEOUT_MS });
  assert.equal(await page.isHidden('#view-sentences'), true, 'purchases have no Sentences view');
  await page.click('#tab-eval');
  await page.click('#items-eval-run');
  await waitFor(page, 'the evaluation did not finish', () => window.__embplay.itemsEval?.done, { timeout: 60_000 });
  assert.match(await page.textContent('#items-eval-status'), /300 users \(last-item\)\. No user can be evaluated with the last-invoice split/);
  const rows = await page.$$eval('#items-eval-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.cells, (c) => c.textContent)));
  assert.equal(rows.length, 4);
  for (const r of rows) {
    assert.ok(r.slice(1, 3).every((v) => /^\d+\.\d\d$/.test(v)), `last item: ${r}`);
    assert.deepEqual(r.slice(3), ['\u2013', '\u2013'], `last invoice: ${r}`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});
