// The seed-idea panels in headless Chromium: the Kneser-Ney line and the test figures, the MSE
// twin's curve beside the run's, the sentence-start query with its counts table, a context with
// many next words, and the strip of rows the last batch changed; both models' accuracies on the
// chart; after a reload, and in a fresh browser after Export session / Import, the yardstick, the
// twin's series and the test figures are back. One short training run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openPage as open, patternText, startBrowser, waitFor, waitReady } from './harness.mjs';

const TRAIN_TIMEOUT_MS = 90_000;

// What the curves panel shows of a run: the chart's series and the figures beside it.
const figures = (page) => page.evaluate(() => {
  const chart = document.getElementById('chart');
  const text = (id) => (document.getElementById(id).hidden ? null : document.getElementById(id).textContent);
  return {
    history: window.__embplay.history(),
    reference: chart.dataset.reference,
    points: ['pplPoints', 'twinPoints', 'accuracyPoints', 'twinAccuracyPoints'].map((k) => Number(chart.dataset[k])),
    kn: text('kn-summary'),
    test: text('test-summary'),
    why: !document.getElementById('ce-why').hidden,
  };
});
const legend = (page) => page.$$eval('#chart .u-legend .u-label', (labels) => labels.map((l) => l.textContent));

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env?.close(); });

test('yardstick, CE against MSE, padding, many targets and the row strip', { timeout: TRAIN_TIMEOUT_MS + 60_000 }, async () => {
  const context = await env.newContext();
  const { page, problems } = await open(context, env.server.url);
  await page.fill('#text', patternText(300));
  await page.fill('#setting-epochs', '2');

  // One Step starts the run: the yardstick appears, the strip shows the batch's rows.
  await page.click('#step');
  await waitFor(page, 'the Kneser-Ney figure did not appear', () => Number(document.getElementById('kn-summary').dataset.valid) > 1);
  await waitFor(page, 'the chart has no n-gram line', () => Number(document.getElementById('chart').dataset.reference) > 1);
  await waitFor(page, 'the row strip shows no changed rows', () => Number(document.getElementById('row-strip').dataset.changed) > 0);
  const strip = await page.$eval('#row-strip', (s) => ({ changed: Number(s.dataset.changed), shown: Number(s.dataset.shown) }));
  assert.ok(strip.shown > 0 && strip.shown <= strip.changed, `rows drawn ${strip.shown} of ${strip.changed}`);

  // Compare with MSE, then train to the end: two perplexity series, the test figures.
  await page.click('#compare-mse');
  await waitFor(page, 'the comparison did not start', () => document.getElementById('compare-mse').getAttribute('aria-pressed') === 'true');
  assert.equal(await page.isVisible('#ce-why'), true, 'the why-cross-entropy note shows');
  await page.click('#play');
  await waitFor(page, `training did not finish (${problems.join('; ') || 'no page errors'})`,
    () => window.__embplay.state === 'finished', { timeout: TRAIN_TIMEOUT_MS });
  await waitFor(page, 'the MSE series has no points', () => Number(document.getElementById('chart').dataset.twinPoints) >= 2);
  assert.ok(Number(await page.$eval('#chart', (c) => c.dataset.pplPoints)) >= 2);
  await waitFor(page, 'no test figures', () => !document.getElementById('test-summary').hidden);
  assert.match(await page.textContent('#test-summary'), /top-5 \d/);

  // Sentence start: the model's distribution beside the counts of sentence-first words, and the twin's.
  await page.click('#ask-start');
  await waitFor(page, 'the padding query did not answer with the table', () => {
    const t = document.getElementById('predict-table');
    return !t.hidden && t.dataset.context === '' && t.tBodies[0].rows.length > 0;
  });
  const table = await page.$eval('#predict-table', (t) => ({
    total: Number(t.dataset.total), twin: t.dataset.twin,
    counted: [...t.tBodies[0].rows].filter((r) => Number(r.dataset.count) > 0).map((r) => [r.dataset.word, Number(r.dataset.count)]),
    heads: [...t.tHead.rows[0].cells].map((c) => c.textContent),
  }));
  assert.ok(table.total > 0);
  // Every sentence of the text starts with "The" or "A": the counts column holds just those two.
  assert.deepEqual(new Set(table.counted.map(([w]) => w)), new Set(['the', 'a']));
  assert.equal(table.counted.reduce((sum, [, c]) => sum + c, 0), table.total);
  assert.equal(table.twin, 'true');
  assert.deepEqual(table.heads, ['next word', 'model', 'MSE', 'in training']);
  assert.match(await page.textContent('#predict-context'), /<pad>/);

  // One context, many targets.
  await page.click('#ask-many');
  await waitFor(page, 'no context with many next words', () => {
    const t = document.getElementById('predict-table');
    return t.dataset.context !== '' && t.tBodies[0].rows.length >= 2;
  });
  assert.notEqual(await page.inputValue('#predict-input'), '');

  // Both models' perplexities, then (the right axis switched) both accuracies, on the one chart.
  const trained = await figures(page);
  const [pplPoints, twinPoints, accuracyPoints, twinAccuracyPoints] = trained.points;
  assert.ok(twinPoints >= 2 && accuracyPoints === pplPoints && twinAccuracyPoints === twinPoints, `points ${trained.points}`);
  for (const label of ['train loss', 'val ppl', 'MSE val ppl', 'KN-3 val ppl']) assert.ok((await legend(page)).includes(label), label);
  await page.click('#chart-metric [data-metric="accuracy"]');
  await waitFor(page, 'the right axis did not switch', () => document.getElementById('chart').dataset.metric === 'accuracy');
  assert.equal(await page.getAttribute('#chart-metric [data-metric="accuracy"]', 'aria-pressed'), 'true');
  assert.deepEqual((await legend(page)).slice(2), ['train loss', 'val top-1', 'val top-5', 'MSE top-1', 'MSE top-5']);
  for (const [epoch, ppl, top1, top5] of [...trained.history.ppl, ...trained.history.twin.ppl]) {
    assert.ok(ppl > 1 && top1 >= 0 && top5 >= top1 && top5 <= 1, `epoch ${epoch}: ${ppl} ${top1} ${top5}`);
  }
  assert.ok(trained.kn && trained.test && trained.why && Number(trained.reference) > 1);

  // A reload brings back every series, the Kneser-Ney line and figures, and the test figures.
  await page.evaluate(() => window.__embplay.saveNow());
  await page.reload();
  await waitReady(page, problems);
  assert.equal(await page.evaluate(() => window.__embplay.state), 'loaded');
  await waitFor(page, 'the chart was not restored', (n) => Number(document.getElementById('chart').dataset.twinPoints) === n, { arg: twinPoints });
  assert.deepEqual(await figures(page), trained, 'the same series and figures after a reload');
  assert.equal(await page.isDisabled('#compare-mse'), true, 'the twin is not kept: Compare waits for a new run');

  // Export session, Import in a browser that has never seen the page: the same again.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-session')]);
  const file = await readFile(await download.path());
  const fresh = await env.newContext();
  const { page: other, problems: otherProblems } = await open(fresh, env.server.url);
  await other.setInputFiles('#import-session', { name: 'session.json', mimeType: 'application/json', buffer: file });
  await waitFor(other, 'the imported session did not load', () => window.__embplay.state === 'loaded');
  await waitFor(other, 'the imported chart was not restored', (n) => Number(document.getElementById('chart').dataset.twinPoints) === n, { arg: twinPoints });
  assert.deepEqual(await figures(other), trained, 'the same series and figures after Export and Import');
  assert.deepEqual(otherProblems, []);
  await fresh.close();
  assert.deepEqual(problems, []);
  await context.close();
});
