// The seed-idea panels in headless Chromium: the Kneser-Ney line and the test figures, the MSE
// twin's curve beside the run's, the sentence-start query with its counts table, a context with
// many next words, and the strip of rows the last batch changed; both models' accuracies on the
// chart; after a reload, and in a fresh browser after Export session / Import, the yardstick, the
// twin's series and the test figures are back. Then Compare at any time: after the run has
// finished (the twin catches up, and the text stats survive a reload), armed before Play for an
// MSE run (a cross-entropy twin, named so), while paused then resumed, a Reset meanwhile, and a
// twin that diverges.
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
const compareButton = (page) => page.$eval('#compare-mse', (b) => ({ text: b.textContent, disabled: b.disabled, pressed: b.getAttribute('aria-pressed') }));
const epochsOf = (rows) => rows.map(([epoch]) => epoch);
const range = (n) => Array.from({ length: n }, (_, i) => i + 1);
const STATS = ['s-tokens', 's-vocab', 's-oov', 's-sentences', 's-train', 's-valid'];
const stats = (page) => page.evaluate((ids) => ids.map((id) => document.getElementById(id).textContent), STATS);

// A fresh page set for a short run (a pattern text, two epochs) with loss mse.
async function openShortMseRun() {
  const context = await env.newContext();
  const { page, problems } = await open(context, env.server.url);
  await page.fill('#text', patternText(300));
  await page.fill('#setting-epochs', '2');
  await page.selectOption('#setting-loss', 'mse');
  return { context, page, problems };
}

// Plays the run to its end.
async function train(page, problems) {
  await page.click('#play');
  await waitFor(page, `training did not finish (${problems.join('; ') || 'no page errors'})`,
    () => window.__embplay.state === 'finished', { timeout: TRAIN_TIMEOUT_MS });
}

// Asks about a sentence start and waits for the table, with the twin's column or without.
async function askStart(page, twin) {
  await page.click('#ask-start');
  await waitFor(page, `the sentence-start table did not show (twin column: ${twin})`, (want) => {
    const t = document.getElementById('predict-table');
    return !t.hidden && t.dataset.context === '' && t.dataset.twin === want;
  }, { arg: String(twin) });
  return page.$$eval('#predict-table thead th', (cells) => cells.map((c) => c.textContent));
}

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
  // The note follows the worker's answer (the button is pressed at once).
  await waitFor(page, 'the why-cross-entropy note does not show', () => !document.getElementById('ce-why').hidden);
  await page.click('#play');
  await waitFor(page, `training did not finish (${problems.join('; ') || 'no page errors'})`,
    () => window.__embplay.state === 'finished', { timeout: TRAIN_TIMEOUT_MS });
  await waitFor(page, 'the MSE series has no points', () => Number(document.getElementById('chart').dataset.twinPoints) >= 2);
  await waitFor(page, 'Compare does not say the comparison is done', () => document.getElementById('compare-mse').textContent === 'Compared with MSE');
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
  // The twin is not kept: Compare now arms a comparison for the next run.
  assert.deepEqual(await compareButton(page), { text: 'Compare with MSE', disabled: false, pressed: 'false' });

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

test('Compare after the run has finished: the twin catches up to every epoch; the text stats survive a reload', { timeout: 2 * TRAIN_TIMEOUT_MS }, async () => {
  const context = await env.newContext();
  const { page, problems } = await open(context, env.server.url);
  // Every text the button shows, however briefly.
  await page.evaluate(() => {
    const button = document.getElementById('compare-mse');
    window.compareTexts = [];
    new MutationObserver(() => window.compareTexts.push(button.textContent)).observe(button, { childList: true, subtree: true, characterData: true });
  });
  // The sample text and the settings suggested for it, but no early stopping: the twin (its own
  // early stopping would end it before the run) has a point at every epoch of the run.
  await page.fill('#setting-patience', '0');
  await train(page, problems);
  const { epochs } = await page.evaluate(() => window.__embplay.progress);
  assert.deepEqual(await compareButton(page), { text: 'Compare with MSE', disabled: false, pressed: 'false' }, 'Compare works after the end');
  assert.deepEqual(await askStart(page, false), ['next word', 'model', 'in training']);

  await page.click('#compare-mse');
  await waitFor(page, 'the twin never caught up with the finished run',
    () => document.getElementById('compare-mse').textContent === 'Compared with MSE', { timeout: TRAIN_TIMEOUT_MS });
  const texts = await page.evaluate(() => window.compareTexts);
  assert.ok(texts.some((t) => t.startsWith('Comparing with MSE…')), `the button said it was comparing: ${[...new Set(texts)].join(' | ')}`);
  assert.deepEqual(await compareButton(page), { text: 'Compared with MSE', disabled: true, pressed: 'true' });

  // The twin's perplexity and accuracies at every epoch of the run, on the chart beside the run's.
  const done = await figures(page);
  assert.deepEqual(epochsOf(done.history.ppl), range(epochs));
  assert.equal(done.history.twin.loss, 'mse');
  assert.deepEqual(epochsOf(done.history.twin.ppl), range(epochs), 'a twin point at every epoch of the run');
  assert.deepEqual(done.points, [epochs, epochs, epochs, epochs], 'perplexity and accuracy points of both models');
  for (const [epoch, ppl, top1, top5] of done.history.twin.ppl) {
    assert.ok(ppl > 1 && top1 >= 0 && top5 >= top1 && top5 <= 1, `twin epoch ${epoch}: ${ppl} ${top1} ${top5}`);
  }
  assert.ok((await legend(page)).includes('MSE val ppl'));
  assert.ok(done.why);
  assert.match(await page.textContent('#ce-why-who'), /This run trains with cross-entropy; its twin, the chart's MSE series/);
  // The table, still on the sentence start, gains the twin's column.
  await waitFor(page, 'the table did not gain the twin\'s column', () => document.getElementById('predict-table').dataset.twin === 'true');
  assert.deepEqual(await page.$$eval('#predict-table thead th', (c) => c.map((x) => x.textContent)), ['next word', 'model', 'MSE', 'in training']);
  assert.ok(await page.$$eval('#predict-table tbody tr', (rows) => rows.every((r) => /%/.test(r.cells[2].textContent))));

  // A reload brings back the text's stats with the model, and the top bar's epoch and step.
  const before = [...await stats(page), await page.textContent('#m-epoch'), await page.textContent('#m-step')];
  for (const [i, value] of before.slice(0, STATS.length).entries()) assert.match(value, /^\d[\d,]*( · [\d.]+%)?$/, `${STATS[i]}: ${value}`);
  assert.notEqual(before.at(-1), '0', 'the run took steps');
  await page.evaluate(() => window.__embplay.saveNow());
  await page.reload();
  await waitReady(page, problems);
  assert.equal(await page.evaluate(() => window.__embplay.state), 'loaded');
  assert.deepEqual([...await stats(page), await page.textContent('#m-epoch'), await page.textContent('#m-step')], before,
    'the same stats, epoch and step after a reload');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a run with loss mse: Compare, armed before Play, trains a cross-entropy twin and names it so', { timeout: TRAIN_TIMEOUT_MS + 30_000 }, async () => {
  const { context, page, problems } = await openShortMseRun();
  assert.deepEqual(await compareButton(page), { text: 'Compare with cross-entropy', disabled: false, pressed: 'false' });
  await page.click('#compare-mse');
  assert.deepEqual(await compareButton(page), { text: 'Will compare with cross-entropy', disabled: false, pressed: 'true' });
  await train(page, problems);
  await waitFor(page, 'Compare does not say the comparison is done',
    () => document.getElementById('compare-mse').textContent === 'Compared with cross-entropy');
  const { history } = await figures(page);
  assert.equal(history.twin.loss, 'cross_entropy');
  assert.deepEqual(epochsOf(history.twin.ppl), [1, 2], 'the twin started with the run');
  assert.ok((await legend(page)).includes('CE val ppl'));
  assert.ok(!(await legend(page)).includes('MSE val ppl'));
  assert.deepEqual(await askStart(page, true), ['next word', 'model', 'CE', 'in training']);
  assert.match(await page.textContent('#ce-why-who'), /This run trains with squared error \(MSE\).*its twin, the chart's CE series, with cross-entropy/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Compare while paused, then Play: the twin keeps up to the end; a Reset while it catches up says so', { timeout: 3 * TRAIN_TIMEOUT_MS }, async () => {
  const context = await env.newContext();
  const { page, problems } = await open(context, env.server.url);
  await page.fill('#text', patternText(6000));
  await page.fill('#setting-epochs', '10');
  // Pause is clicked inside the page the moment the epoch is reached: a round trip through
  // Playwright can take long enough for a 10-epoch run on a small text to finish first.
  const pauseAt = async (epoch) => {
    await page.click('#play');
    await page.waitForFunction((e) => {
      if (window.__embplay.state !== 'running' || !(window.__embplay.progress?.epoch >= e)) return false;
      document.getElementById('play').click();
      return true;
    }, epoch, { polling: 2, timeout: TRAIN_TIMEOUT_MS }).catch(() => { throw new Error(`training did not reach epoch ${epoch}`); });
    await waitFor(page, 'Pause did not pause', () => window.__embplay.state === 'paused');
  };

  // Paused at epoch 3: the twin catches up by itself; Play, and both train on to the end.
  await pauseAt(3);
  await page.click('#compare-mse');
  await waitFor(page, 'the comparison did not start', () => document.getElementById('compare-mse').textContent.startsWith('Compar'));
  await page.click('#play');
  await waitFor(page, `training did not finish (${problems.join('; ') || 'no page errors'})`,
    () => window.__embplay.state === 'finished', { timeout: TRAIN_TIMEOUT_MS });
  await waitFor(page, 'the twin did not reach the end of the run',
    () => document.getElementById('compare-mse').textContent === 'Compared with MSE', { timeout: TRAIN_TIMEOUT_MS });
  const { history } = await figures(page);
  assert.deepEqual(epochsOf(history.twin.ppl), range(10));
  assert.deepEqual(epochsOf(history.ppl), range(10));

  // A new run, paused at epoch 4: Reset while its twin is catching up.
  await pauseAt(4);
  const shown = await page.evaluate(() => new Promise((resolve) => {
    const button = document.getElementById('compare-mse');
    button.click();
    // Once the first figures of the twin arrive (a percentage), or too late (caught up already).
    const poll = setInterval(() => {
      if (!/%$/.test(button.textContent) && !button.textContent.startsWith('Compared')) return;
      clearInterval(poll);
      const text = button.textContent;
      document.getElementById('reset').click();
      resolve(text);
    }, 5);
  }));
  assert.match(shown, /^Comparing with MSE… \d+%$/, 'Reset landed while the twin was catching up');
  await waitFor(page, 'Reset did not reset', () => window.__embplay.state === 'idle');
  assert.match(await page.textContent('#run-notice'), /The comparison with MSE stopped: the run was reset\./);
  assert.equal(await page.isVisible('#run-notice'), true);
  assert.deepEqual(await compareButton(page), { text: 'Compare with MSE', disabled: false, pressed: 'false' });
  await page.waitForTimeout(500);  // nothing of the old twin arrives later
  assert.equal(await page.$eval('#chart', (c) => Number(c.dataset.twinPoints)), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a twin that diverges says so; the run trains on to its end and keeps its curve', { timeout: TRAIN_TIMEOUT_MS + 30_000 }, async () => {
  const { context, page, problems } = await openShortMseRun();
  // Squared error's gradients are small and bounded; cross-entropy's, with these steps, blow up.
  await page.selectOption('#setting-optimizer', 'sgd');
  await page.fill('#setting-lr', '10');
  await page.fill('#setting-clip', '0');
  await page.click('#compare-mse');
  await train(page, problems);
  await waitFor(page, 'the button does not say the twin diverged',
    () => document.getElementById('compare-mse').textContent === 'The cross-entropy twin diverged');
  assert.equal(await page.isDisabled('#compare-mse'), true);
  assert.match(await page.textContent('#run-notice'), /The cross-entropy twin diverged at step \d+: the learning rate is too large for it\..*the run itself is unaffected\./);
  assert.deepEqual(epochsOf((await figures(page)).history.ppl), [1, 2], 'the run kept every epoch');
  assert.deepEqual(problems, []);
  await context.close();
});
