// The page in headless Chromium, as a person uses it: paste a text, set epochs, press Play, wait
// for training to finish, then read the map, the curves, a prediction and a word's neighbours.
// Also the bad-input paths: empty text, only punctuation, a setting out of range.
// Needs dist/ (node web/build.mjs, or ./build.sh build) and Debian's chromium at /usr/bin/chromium.
// The page itself is served from a sub-path to prove that dist/ uses relative paths only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REQUESTS } from '../../web/shared/protocol.js';
import { ROOT, debug, openFreshPage, patternText, startBrowser, waitFor } from './harness.mjs';

const SCREENSHOT = join(ROOT, 'build/e2e/page.png');
const TRAIN_TIMEOUT_MS = 120_000;

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env?.close(); });

test('the softmax setting: a hierarchical softmax trains in the page, with an exact perplexity and predictions', { timeout: TRAIN_TIMEOUT_MS + 60_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  await page.fill('#text', patternText());
  await page.fill('#setting-epochs', '2');
  assert.deepEqual(await page.$$eval('#setting-softmax option', (options) => options.map((o) => o.value)),
    ['full', 'hierarchical', 'sampled'], 'the form offers the three output layers, from the settings table');
  await page.selectOption('#setting-softmax', 'hierarchical');
  await page.click('#play');
  await waitFor(page, `training did not finish (${problems.join('; ') || 'no page errors'})`,
    () => window.__embplay.state === 'finished', { timeout: TRAIN_TIMEOUT_MS });
  const state = await debug(page);
  assert.ok(state.evaluation && state.evaluation.perplexity > 1, `a validation perplexity is shown: ${JSON.stringify(state.evaluation)}`);
  assert.match(await page.textContent('#m-ppl'), /\d/, 'the top bar shows the validation perplexity');
  await page.fill('#predict-input', 'the cat');
  await waitFor(page, 'the prediction box did not show 10 rows', () => document.querySelectorAll('#predict-list li').length === 10);
  const probabilities = await page.$$eval('#predict-list li', (rows) => rows.map((r) => Number(r.dataset.value)));
  const total = probabilities.reduce((a, b) => a + b, 0);
  assert.ok(total > 0 && total <= 1 + 1e-6, `the top-10 probabilities sum to ${total}, which should be in (0, 1]`);
  assert.deepEqual(problems, [], 'no page errors');
});

test('trains a text: the map, the curves, a prediction and neighbours', { timeout: TRAIN_TIMEOUT_MS + 60_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  await page.fill('#text', patternText());
  await page.fill('#setting-epochs', '2');
  await page.selectOption('#setting-schedule', 'linear');
  assert.equal(await page.isDisabled('#play'), false, 'Play should be enabled with a valid text and settings');
  await page.click('#play');

  await waitFor(page, `training did not finish (${problems.join('; ') || 'no page errors'})`,
    () => window.__embplay.state === 'finished', { timeout: TRAIN_TIMEOUT_MS });
  const state = await debug(page);
  assert.equal(state.progress.epoch, 2, 'two epochs were asked for');
  assert.ok(state.evaluation && state.evaluation.perplexity > 1, `a validation perplexity is shown: ${JSON.stringify(state.evaluation)}`);
  assert.match(await page.textContent('#m-ppl'), /\d/, 'the top bar shows the validation perplexity');
  assert.match(await page.textContent('#m-epoch'), /^2 \/ 2$/, 'the top bar shows epoch 2 / 2');
  // The learning rate the schedule gave the last step: decayed linearly, so below the setting's.
  const lr = Number(await page.textContent('#m-lr'));
  const setting = Number(await page.inputValue('#setting-lr'));
  assert.ok(lr > 0 && lr < setting / 10, `the top bar shows the scheduled learning rate at the end of a linear decay: ${lr} (setting ${setting})`);

  // The map: labelled points, counted on the canvas.
  await waitFor(page, 'the map shows no labelled points', () => Number(document.getElementById('map').dataset.labels) > 0);
  const canvas = await page.$eval('#map', (c) => ({ points: Number(c.dataset.points), labels: Number(c.dataset.labels) }));
  assert.ok(canvas.points >= 10, `the map shows points (${canvas.points})`);
  assert.ok(canvas.labels >= 5 && canvas.labels <= canvas.points, `the map labels words (${canvas.labels} of ${canvas.points})`);

  // The curves.
  assert.ok(state.lossPoints >= 2, `the loss chart has points (${state.lossPoints})`);
  assert.ok(state.pplPoints >= 1, `the perplexity chart has points (${state.pplPoints})`);
  assert.ok(await page.locator('#chart canvas').count() >= 1, 'the chart is drawn');

  // A prediction: ten rows whose probabilities are a part of one distribution.
  await page.fill('#predict-input', 'the cat');
  await waitFor(page, 'the prediction box did not show 10 rows', () => document.querySelectorAll('#predict-list li').length === 10);
  const probabilities = await page.$$eval('#predict-list li', (rows) => rows.map((r) => Number(r.dataset.value)));
  const total = probabilities.reduce((a, b) => a + b, 0);
  assert.ok(probabilities.every((p) => p >= 0 && p <= 1), `each probability is in [0, 1]: ${probabilities}`);
  assert.ok(total > 0 && total <= 1 + 1e-6, `the top-10 probabilities sum to ${total}, which should be in (0, 1]`);
  assert.deepEqual(await page.$$eval('#predict-context .chip', (chips) => chips.map((c) => c.textContent)), ['the', 'cat'],
    'the context the model used is shown');

  // Click a labelled word on the map: its neighbours are listed and highlighted.
  await waitFor(page, 'the map kept moving after training finished', () => window.__embplay.mapSettled);
  const labelled = await page.evaluate(() => window.__embplay.labelledPoints());
  const box = await page.locator('#map').boundingBox();
  const target = labelled.find((p) => ['fox', 'cat', 'dog', 'wolf'].includes(p.word)) ?? labelled[0];
  assert.ok(target, 'a labelled word to click');
  await page.mouse.click(box.x + target.x, box.y + target.y);
  await waitFor(page, `clicking "${target.word}" listed no neighbours`, () => document.querySelectorAll('#nb-list li').length > 0);
  const selected = await page.$eval('#map', (c) => c.dataset.selected);
  assert.ok(selected, 'the map has a selected word');
  const neighbours = await page.$$eval('#nb-list li', (rows) => rows.map((r) => ({ word: r.dataset.word, sim: Number(r.dataset.value) })));
  assert.equal(neighbours.length, 10, `ten neighbours of "${selected}"`);
  assert.ok(neighbours.every((n) => n.sim >= -1 - 1e-6 && n.sim <= 1 + 1e-6), 'cosine similarities are in [-1, 1]');
  assert.ok(!neighbours.some((n) => n.word === selected), 'a word is not its own neighbour');
  for (let i = 1; i < neighbours.length; i += 1) assert.ok(neighbours[i - 1].sim >= neighbours[i].sim - 1e-9, 'neighbours are sorted');
  assert.match(await page.textContent('#nb-caption'), new RegExp(selected), 'the panel names the selected word');

  mkdirSync(dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT });

  // Every message the page sent or got is one the protocol lists.
  const { traffic } = await debug(page);
  for (const type of Object.keys(traffic.out)) assert.ok(type in REQUESTS, `the page sent an unlisted request "${type}"`);
  for (const type of ['init', 'start', 'play', 'watch', 'predict', 'neighbors']) assert.ok(traffic.out[type] > 0, `the page sent "${type}"`);
  assert.deepEqual(problems, [], 'no errors on the page');
  await page.close();
});

// Chromium works out where the document's selection is at every frame; a caret left at the end of a
// long pasted text cost the main thread a quarter of its time while a run drew (issue 16).
test('the caret left in the text box stops being the page\'s selection once the focus leaves, and comes back with it', { timeout: 60_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  await page.fill('#text', patternText(300));
  await page.evaluate(() => document.getElementById('text').setSelectionRange(5, 9));
  const selection = () => page.evaluate(() => {
    const box = document.getElementById('text');
    return { ranges: getSelection().rangeCount, start: box.selectionStart, end: box.selectionEnd, focused: document.activeElement === box };
  });
  assert.deepEqual(await selection(), { ranges: 1, start: 5, end: 9, focused: true });
  await page.click('#step');
  await waitFor(page, 'the selection left in the box was not dropped', () => getSelection().rangeCount === 0);
  assert.deepEqual(await selection(), { ranges: 0, start: 5, end: 9, focused: false }, 'the box keeps its own selection');
  await page.focus('#text');
  assert.deepEqual(await selection(), { ranges: 1, start: 5, end: 9, focused: true }, 'focusing the box brings it back');
  // Focus moving into another field keeps that field's caret.
  await page.click('#nb-input');
  await page.keyboard.type('whale');
  await page.waitForTimeout(50);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'nb-input');
  assert.equal(await page.inputValue('#nb-input'), 'whale');
  assert.deepEqual(problems, []);
  await page.close();
});

test('bad input: a clear message, Play disabled, the text kept', { timeout: 60_000 }, async () => {
  const { page, problems } = await openFreshPage(env);

  // Empty text.
  await page.fill('#text', '');
  await page.click('#play');
  await waitFor(page, 'no message for an empty text', () => !document.getElementById('text-error').hidden);
  const message = (await page.textContent('#text-error')).trim();
  assert.ok(message.length > 5, `a message explains the problem: "${message}"`);
  assert.equal(await page.isDisabled('#play'), true, 'Play is disabled until the text changes');
  assert.equal(await page.isDisabled('#step'), true, 'Step is disabled until the text changes');
  assert.equal((await debug(page)).state, 'idle');

  // Only punctuation: also refused, and the text stays in the box.
  const punctuation = '... !!! ,,, ???';
  await page.fill('#text', punctuation);
  assert.equal(await page.isDisabled('#play'), false, 'editing the text enables Play again');
  assert.equal(await page.isHidden('#text-error'), true, 'editing the text clears the message');
  await page.click('#play');
  await waitFor(page, 'no message for a text of punctuation', () => !document.getElementById('text-error').hidden);
  assert.equal(await page.inputValue('#text'), punctuation, 'the text is never lost');
  assert.equal(await page.isDisabled('#play'), true);

  // A setting out of range: the field says so and Play stays disabled.
  await page.fill('#text', patternText(400));
  await page.fill('#setting-dim', '0');
  await page.waitForSelector('[data-name="dim"] .field-error:not([hidden])');
  assert.match(await page.textContent('[data-name="dim"] .field-error'), /must be between 2 and 512/);
  assert.equal(await page.isDisabled('#play'), true, 'Play is disabled while a setting is out of range');
  await page.fill('#setting-dim', '16');
  assert.equal(await page.isDisabled('#play'), false, 'a valid setting enables Play again');

  // Keyboard: s steps one batch (not while typing in a field).
  // A run of minutes (2,400 one-example batches an epoch, 1,000 epochs), so that Play and Pause
  // below never race the end of training, however fast or loaded the machine.
  await page.fill('#setting-epochs', '1000');
  await page.fill('#setting-batch', '1');
  await page.click('#map-title');
  await page.keyboard.press('s');
  await waitFor(page, 's did not step one batch', () => window.__embplay.progress?.step === 1);
  assert.equal((await debug(page)).state, 'paused');
  await page.focus('#predict-input');
  await page.keyboard.press('s');
  await page.waitForTimeout(200);
  assert.equal((await debug(page)).progress.step, 1, 's typed into a field does not step');

  // Play resumes the stepped run (the step count goes on from 1); Play again pauses it.
  await page.click('#play');
  await waitFor(page, 'Play did not resume the run', () => window.__embplay.progress?.step > 5);
  assert.equal((await debug(page)).state, 'running');
  await page.click('#play');
  // The worker's reply to pause comes after any progress it had already sent, and says playing: false.
  await waitFor(page, 'Play did not pause the run',
    () => window.__embplay.state === 'paused' && window.__embplay.progress?.playing === false);
  const pausedAt = (await debug(page)).progress.step;
  await page.waitForTimeout(300);
  assert.equal((await debug(page)).progress.step, pausedAt, 'a paused run does not train');

  // Changed settings apply after Reset; Reset forgets the run.
  await page.fill('#setting-epochs', '3');
  assert.equal(await page.isVisible('#dirty-note'), true, 'the page says that Reset applies the change');
  await page.click('#reset');
  await waitFor(page, 'Reset did not return to idle', () => window.__embplay.state === 'idle');
  assert.equal(await page.isHidden('#dirty-note'), true);
  assert.equal(await page.textContent('#m-step'), '0');
  assert.equal(await page.$eval('#map', (c) => c.dataset.points), '0', 'the map is cleared');

  assert.deepEqual(problems, [], 'no errors on the page');
  await page.close();
});
