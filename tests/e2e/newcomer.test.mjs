// The rough edges a newcomer hits (issue 12), in headless Chromium: the TEXT panel counts the words
// the run will read (English and Chinese, whose ideographs come in pairs); the status says why
// training stopped (early, with the epoch whose weights are kept); the Kneser-Ney line is "beaten"
// only as far as the figures say; Reset and a new run leave nothing of the old one (curves header,
// timeline, tables, prompts, the selected word, the map's zoom); Escape closes the share box from
// its own field; a PNG opened as text is refused unless confirmed; "only these" is tried again when
// the projection or the perplexity changes and goes when the search is cleared; a phone's width.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openFreshPage, openVectors, patternText, startBrowser, waitFor } from './harness.mjs';

const TRAIN_TIMEOUT_MS = 90_000;

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env?.close(); });

// Seeded Chinese sentences written without spaces, as Chinese is: subject, verb, place.
function chineseText(sentences = 400, seed = 11) {
  let state = seed;
  const pick = (list) => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return list[Math.floor((state / 2 ** 32) * list.length)]; };
  const who = ['我们', '他们', '老师', '学生', '朋友'];
  const does = ['喜欢', '参观', '看到', '找到'];
  const where = ['北京', '天安门', '长城', '公园', '图书馆'];
  return Array.from({ length: sentences }, () => `${pick(who)}${pick(does)}${pick(where)}。`).join('');
}

// "3,036 words" beside the text before Play is "3,036" under Tokens once the run has read it.
async function countsAgree(page, text) {
  await page.fill('#text', text);
  await waitFor(page, 'the text panel did not count the words', (chars) => document.getElementById('text-size').dataset.chars === chars,
    { arg: String(text.length) });
  const before = (await page.textContent('#text-size')).replace(/ words?$/, '');
  await page.click('#step');
  await waitFor(page, 'the run did not start', () => window.__embplay.state === 'paused' && document.getElementById('s-tokens').textContent !== '–');
  assert.equal(await page.textContent('#s-tokens'), before, 'the word count before Play is the run\'s token count');
  return Number(before.replace(/,/g, ''));
}

test('the word count is the run\'s tokens; Chinese reads as pairs; typed 北京 is one word', { timeout: 60_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  assert.equal(await page.getAttribute('#text', 'dir'), 'auto');
  await countsAgree(page, patternText(200));
  await page.click('#reset');
  const text = chineseText();
  const tokens = await countsAgree(page, text);
  // Each sentence is one run of ideographs: n characters give n - 1 pairs.
  const characters = text.replace(/。/g, '').length;
  assert.equal(tokens, characters - 400, `${tokens} tokens from ${characters} ideographs in 400 sentences`);
  await page.fill('#nb-input', '北京');
  await page.press('#nb-input', 'Enter');
  await waitFor(page, 'the neighbours of 北京 did not show', () => document.querySelectorAll('#nb-list li').length > 0);
  assert.match(await page.textContent('#nb-caption'), /nearest to “北京”/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('early stopping says where and whose weights; the yardstick verdict follows the figures; Reset and a new run leave nothing stale', { timeout: 2 * TRAIN_TIMEOUT_MS }, async () => {
  const { page, problems } = await openFreshPage(env);
  await page.fill('#text', patternText(300));
  await page.fill('#setting-epochs', '40');
  await page.fill('#setting-patience', '1');
  await page.fill('#setting-lr', '0.05');

  // Paused after an epoch (stepped there, batch by batch): beaten only "on validation so far", and
  // only if the figures say so.
  for (let step = 1; await page.evaluate(() => window.__embplay.pplPoints < 1); step += 1) {
    await page.click('#step');
    await waitFor(page, `step ${step} did not happen`, (n) => window.__embplay.state === 'paused' && window.__embplay.progress?.step === n, { arg: step });
  }
  const soFar = await page.evaluate(() => ({
    ppl: window.__embplay.evaluation.perplexity,
    kn: Number(document.getElementById('kn-summary').dataset.valid),
    verdict: document.getElementById('kn-verdict').textContent,
  }));
  assert.equal(soFar.verdict, soFar.ppl < soFar.kn ? ' · beaten on validation so far' : '', JSON.stringify(soFar));

  await page.click('#play');
  await waitFor(page, 'training did not stop', () => window.__embplay.state === 'finished', { timeout: TRAIN_TIMEOUT_MS });
  const p = await page.evaluate(() => window.__embplay.progress);
  assert.ok(p.stopped_early && p.epoch < 40, `stopped early: ${JSON.stringify(p)}`);
  assert.equal(await page.textContent('#status-text'),
    `Stopped early at epoch ${p.epoch}: validation stopped improving (best: epoch ${p.epoch - 1}, weights of epoch ${p.epoch - 1} kept).`);
  assert.equal(await page.$eval('#m-epoch', (e) => e.dataset.stoppedEarly), 'true');

  // At the end the test sentences decide.
  await waitFor(page, 'the test figures did not come', () => !document.getElementById('test-summary').hidden);
  const end = await page.evaluate(() => ({
    test: Number(document.getElementById('test-summary').dataset.perplexity),
    kn: Number(document.getElementById('kn-summary').dataset.test),
    verdict: document.getElementById('kn-verdict').textContent,
  }));
  if (end.test < end.kn) assert.equal(end.verdict, ' · beaten', JSON.stringify(end));
  else assert.match(end.verdict, /lost on test$/, JSON.stringify(end));

  // What Reset must not leave behind.
  await page.fill('#nb-input', 'fox');
  await page.press('#nb-input', 'Enter');
  await waitFor(page, 'no neighbours', () => document.querySelectorAll('#nb-list li').length > 0);
  await page.click('#ask-start');
  await waitFor(page, 'no predict table', () => !document.getElementById('predict-table').hidden);
  assert.notEqual(await page.textContent('#eval-summary'), '');
  await page.click('#reset');
  await waitFor(page, 'Reset did not end the run', () => window.__embplay.state === 'idle');
  const after = await page.evaluate(() => {
    const $ = (id) => document.getElementById(id);
    return {
      evalSummary: $('eval-summary').textContent, kn: $('kn-summary').textContent + $('kn-verdict').textContent,
      tableHidden: $('predict-table').hidden, timelineEnd: $('tl-end').textContent, sliderOff: $('tl-slider').disabled,
      word: $('nb-input').value, neighbours: $('nb-list').children.length, predictPrompt: $('predict-empty').textContent,
      epoch: $('m-epoch').dataset.stoppedEarly, testHidden: $('test-summary').hidden,
    };
  });
  assert.deepEqual(after, {
    evalSummary: '', kn: '', tableHidden: true, timelineEnd: '0', sliderOff: true, word: '', neighbours: 0,
    predictPrompt: 'Train or step the model, then type a few words.', epoch: 'false', testHidden: true,
  });

  // A new run fits the map, whatever the zoom of the run before.
  await page.fill('#setting-patience', '0');
  await page.fill('#setting-epochs', '1');
  await page.click('#play');
  await waitFor(page, 'the run did not finish', () => window.__embplay.state === 'finished' && window.__embplay.mapSettled, { timeout: TRAIN_TIMEOUT_MS });
  assert.match(await page.textContent('#status-text'), /^Finished the only epoch\. Validation perplexity [\d.]+\.$/);
  const box = await page.locator('#map').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 5; i += 1) await page.mouse.wheel(0, -200);
  await waitFor(page, 'the map did not zoom', () => window.__embplay.mapZoom.k > 1.5);
  await page.fill('#setting-epochs', '500');  // long enough to be seen running
  await page.click('#play');  // finished: Play trains a new run, which shows its first frame before it runs
  await waitFor(page, 'the new run did not start', () => window.__embplay.state === 'running');
  assert.deepEqual(await page.evaluate(() => window.__embplay.mapZoom), { k: 1, x: 0, y: 0 }, 'the new run\'s map is fitted');
  await page.click('#play');
  await waitFor(page, 'the new run did not pause', () => window.__embplay.state === 'paused');

  // Escape closes the share box even from its own link field.
  await page.click('#copy-link');
  await waitFor(page, 'the share box did not open', () => !document.getElementById('share-box').hidden);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'share-url');
  await page.keyboard.press('Escape');
  await waitFor(page, 'Escape did not close the share box', () => document.getElementById('share-box').hidden);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a PNG opened as text is refused unless confirmed; "only these" retries and unticks; a phone\'s width', { timeout: 90_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  const png = Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
  const text = await page.inputValue('#text');
  await page.setInputFiles('#file', { name: 'cat.png', mimeType: 'image/png', buffer: png });
  await waitFor(page, 'the PNG was not refused', () => !document.getElementById('text-binary').hidden);
  assert.match(await page.textContent('#text-binary-what'), /“cat\.png” does not look like text: it starts like a PNG image and has \d+ control bytes/);
  assert.equal(await page.inputValue('#text'), text, 'the text box keeps its text');
  await page.click('#text-binary-keep');
  assert.equal(await page.isHidden('#text-binary'), true);
  assert.equal(await page.inputValue('#text'), text);
  await page.setInputFiles('#file', { name: 'cat.png', mimeType: 'image/png', buffer: png });
  await page.click('#text-binary-use');
  assert.notEqual(await page.inputValue('#text'), text, 'confirmed: the file is in the box');

  // Vectors: Predict says what they cannot answer. t-SNE with perplexity 30 on all 100 words, then
  // "only these" on 32 matches is refused (perplexity 30 is too large for them)...
  await openVectors(page);
  assert.match(await page.textContent('#predict-empty'), /Predict needs the next-word model/);
  await page.click('#tsne-settings summary');
  await page.fill('#tsne-perplexity', '30');
  await page.fill('#tsne-iterations', '250');
  await page.click('#tsne-form button[type="submit"]');
  await waitFor(page, 't-SNE did not finish', () => /done/.test(document.getElementById('tsne-message').textContent), { timeout: 30_000 });
  await page.fill('#map-search', 'f1w');
  await page.check('#map-only');
  await waitFor(page, 'too few matches for perplexity 30 was not explained', () => /Only these: .*perplexity 30 is too large for 32 points/.test(document.getElementById('map-search-message').textContent));
  assert.equal(await page.evaluate(() => window.__embplay.mapPoints), 100);
  // ...and tried again with a smaller one: the map shows the matches.
  await page.click('#tsne-settings summary');
  await page.fill('#tsne-perplexity', '5');
  await page.click('#tsne-form button[type="submit"]');
  await waitFor(page, 'a smaller perplexity did not map the matches', () => window.__embplay.mapPoints === 32);
  assert.match(await page.textContent('#map-search-message'), /only the 32 words matching “f1w”/);
  // Four matches are too few for t-SNE, not for PCA: switching projection tries them again.
  await page.fill('#map-search', '/^(king|queen|man|woman)$/');
  await waitFor(page, 'four words were not refused for t-SNE', () => /Only these: .*too large for 4 points/.test(document.getElementById('map-search-message').textContent));
  await page.selectOption('#map-projection', 'pca');
  await waitFor(page, 'PCA did not map the four words', () => window.__embplay.mapPoints === 4);
  // A cleared search unticks "only these" and maps every word again.
  await page.fill('#map-search', '');
  await waitFor(page, 'the cleared search did not bring every word back', () => window.__embplay.mapPoints === 100);
  assert.equal(await page.isChecked('#map-only'), false);
  assert.deepEqual(problems, []);
  await page.close();

  // A phone: nothing wider than the screen, the controls and the map on it.
  const phone = await env.browser.newContext({ viewport: { width: 390, height: 844 } });
  const small = await phone.newPage();
  await small.goto(env.server.url);
  await waitFor(small, 'the page did not load on a phone', () => window.__embplay?.ready);
  const layout = await small.evaluate(() => {
    const seen = (id) => { const r = document.getElementById(id).getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.right <= innerWidth; };
    return { width: document.documentElement.scrollWidth, seen: ['play', 'step', 'reset', 'text', 'map', 'predict-input'].filter(seen) };
  });
  assert.deepEqual(layout, { width: 390, seen: ['play', 'step', 'reset', 'text', 'map', 'predict-input'] });
  await phone.close();
});

test('a short text says it is small and the settings follow its size, but not a field the user edited; collapsed vectors are named', { timeout: 60_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  const counted = (text) => waitFor(page, 'the text panel did not count the words',
    (chars) => document.getElementById('text-size').dataset.chars === chars, { arg: String(text.length) });
  const autoMarks = () => page.$$eval('#settings .auto-mark', (marks) => marks.filter((m) => !m.hidden).map((m) => m.closest('.field').dataset.name));
  const short = patternText(300);
  await page.fill('#text', short);
  await counted(short);
  await waitFor(page, 'no too-small notice', () => !document.getElementById('text-small').hidden);
  assert.match(await page.textContent('#text-small'), /A small text \([\d,]+ words\).*noise.*Paste more/);
  // The band under 10,000 tokens: k 2, d 64, dropout 0.5, lr 0.001, up to 100 epochs with patience 10;
  // each marked auto, its title saying why.
  await waitFor(page, 'the small band was not suggested', () => document.getElementById('setting-dim').value === '64');
  assert.equal(await page.inputValue('#setting-context'), '2');
  assert.equal(await page.inputValue('#setting-dropout'), '0.5');
  assert.equal(await page.inputValue('#setting-patience'), '10');
  assert.equal(await page.inputValue('#setting-epochs'), '100');
  assert.equal(await page.inputValue('#setting-lr'), '0.001');
  const marked = await autoMarks();
  for (const name of ['context', 'dim', 'hidden', 'dropout', 'epochs', 'patience', 'min_count']) assert.ok(marked.includes(name), `${name} in ${marked}`);
  assert.ok(!marked.includes('seed'), 'the rule does not choose the seed');
  assert.match(await page.getAttribute('#settings .field[data-name="dim"] .auto-mark', 'title'), /chosen for a text of [\d,]+ tokens/);
  assert.equal(await page.inputValue('#w2v-setting-sample'), '0.001');
  // The user's own epochs stay through a text of the middle band (about 40,000 tokens).
  await page.fill('#setting-epochs', '7');
  assert.ok(!(await autoMarks()).includes('epochs'));
  const longer = patternText(6000);
  await page.fill('#text', longer);
  await counted(longer);
  await waitFor(page, 'the middle band was not suggested', () => document.getElementById('setting-dim').value === '128');
  assert.equal(await page.inputValue('#setting-context'), '3');
  assert.equal(await page.inputValue('#setting-epochs'), '7', 'the edited field keeps its value');
  assert.equal(await page.isHidden('#text-small'), true);
  // Vectors that all point one way get the notice.
  const line = (i) => `w${i} ${Array.from({ length: 8 }, (_, j) => (j === 0 ? 20 : ((i * 7 + j * 13) % 10) / 10).toFixed(2)).join(' ')}`;
  await openVectors(page, `${Array.from({ length: 100 }, (_, i) => line(i)).join('\n')}\n`);
  await waitFor(page, 'no collapse notice', () => /collapsed/.test(document.getElementById('notice-text').textContent) && !document.getElementById('notice').hidden);
  assert.match(await page.textContent('#notice-text'), /The vectors have collapsed: the 100 most frequent words .*mean cosine (0\.9\d|1\.00).*from the file/);
  assert.deepEqual(problems, []);
  await page.close();
});

// The output layer's rows are word vectors too; on a small text they make sense sooner than the
// embedding's (bench/README.md, Defaults by text size), so the Neighbours tab offers them.
test('the Neighbours tab reads the input or the output rows; a hierarchical softmax has no output row per word', { timeout: TRAIN_TIMEOUT_MS + 30_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  await page.click('#sample');
  await page.fill('#setting-epochs', '20');
  await page.click('#play');
  await waitFor(page, 'the sample did not finish training', () => window.__embplay.progress?.finished === true, { timeout: TRAIN_TIMEOUT_MS });
  const neighbours = async (table) => {
    await page.selectOption('#nb-table', table);
    await page.fill('#nb-input', 'fox');
    await page.press('#nb-input', 'Enter');
    await waitFor(page, `no neighbours from the ${table} rows`, (t) => document.querySelectorAll('#nb-list li').length > 0
      && /nearest to “fox”/.test(document.getElementById('nb-caption').textContent)
      && /output rows/.test(document.getElementById('nb-caption').textContent) === (t === 'output'), { arg: table });
    return page.$$eval('#nb-list li', (items) => items.map((li) => li.textContent.trim().split(/\s+/)[0]));
  };
  const input = await neighbours('input');
  const output = await neighbours('output');
  assert.equal(input.length, output.length);
  assert.notDeepEqual(output, input, 'the two tables are different vectors');
  assert.equal(await page.inputValue('#nb-table'), 'output', 'the choice stays');
  // A hierarchical softmax: the message says why, and the input rows still answer.
  await page.click('#reset');
  await page.selectOption('#setting-softmax', 'hierarchical');
  await page.click('#step');
  await waitFor(page, 'the hierarchical run did not start', () => window.__embplay.state === 'paused');
  await page.fill('#nb-input', 'fox');
  await page.press('#nb-input', 'Enter');
  await waitFor(page, 'no message for the output rows of a hierarchical softmax',
    () => /hierarchical softmax has no row per word/.test(document.getElementById('nb-message').textContent));
  assert.equal((await neighbours('input')).length > 0, true);
  assert.deepEqual(problems, []);
  await page.close();
});

test('Play pressed the moment a text is pasted trains with the settings suggested for that text', { timeout: 60_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  // The sample (about 3,000 words) has the band under 10,000 tokens: lr 0.001.
  await waitFor(page, 'the sample\'s band was not suggested', () => document.getElementById('setting-lr').value === '0.001');
  // A text of the middle band, then Play before the count that follows typing is due.
  await page.fill('#text', patternText(6000));
  await page.click('#play');
  await waitFor(page, 'the run did not start', () => window.__embplay.runSettings !== null);
  const settings = await page.evaluate(() => window.__embplay.runSettings);
  assert.equal(settings.context, 3, 'the middle band\'s k');
  assert.equal(settings.dim, 128, 'the middle band\'s d');
  await page.click('#play');  // pause
  assert.deepEqual(problems, []);
  await page.close();
});
