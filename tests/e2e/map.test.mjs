// The map as an instrument, in headless Chromium, mostly on vectors opened from a file (no training
// to wait for): an analogy draws its arrows, a click highlights a word's neighbours by either
// metric, clusters, search, downloads, t-SNE, and "only these": the map of a search's matches,
// also while training.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openFreshPage, openPage, openVectors, patternText, plantedVectors as vectorsFile, startBrowser, waitFor } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env?.close(); });

// The words on the map now, sorted.
const mapWords = (page) => page.evaluate(() => window.__embplay.mapCoords().map((p) => p.word).sort());

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

test('only these: the map shows exactly the search\'s matches, clusters, downloads and t-SNE take them; too few, none or no spread keep the map with a message', { timeout: 90_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  // The planted file, plus three words whose vectors are all zero.
  await openVectors(page, `${vectorsFile()}zero1 0 0 0 0 0\nzero2 0 0 0 0 0\nzero3 0 0 0 0 0\n`, 103);
  const family = Array.from({ length: 32 }, (_, j) => `f2w${3 * j + 2}`).sort();
  assert.equal(await page.isDisabled('#map-only'), true, 'nothing to map before a search');

  await page.fill('#map-search', 'f2w');
  await waitFor(page, 'the search found nothing', () => document.getElementById('map').dataset.matches === '32');
  await page.check('#map-only');
  await waitFor(page, 'the map did not show only the matches', () => window.__embplay.mapPoints === 32);
  assert.deepEqual(await mapWords(page), family);
  assert.match(await page.textContent('#map-search-message'), /only the 32 words matching “f2w”, of the 103 most frequent/);
  assert.match(await page.textContent('#map-caption'), /PCA/);

  // Clusters, the legend and the CSV are of the shown words only.
  await page.selectOption('#map-k', '3');
  await waitFor(page, 'the clusters did not colour the map', () => document.getElementById('map').dataset.clusters === '3');
  const legend = await page.$$eval('#cluster-legend li .members', (rows) => rows.map((r) => r.textContent.split(', ')));
  assert.equal(legend.length, 3);
  assert.ok(legend.flat().every((w) => family.includes(w)), `the legend names shown words: ${legend}`);
  await page.click('#map-download summary');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#map-download [data-download="csv"]')]);
  const rows = readFileSync(await download.path(), 'utf8').trimEnd().split('\n');
  assert.equal(rows.length, 33, 'a header and one row per shown word');
  assert.deepEqual(rows.slice(1).map((r) => r.split(',')[0]).sort(), family);
  assert.ok(rows.slice(1).every((r) => ['0', '1', '2'].includes(r.split(',')[3])), 'each row has its cluster');

  // t-SNE of the matches: 32 points, so perplexity 30 is refused and 5 runs.
  await page.selectOption('#map-projection', 'tsne');
  await waitFor(page, 'perplexity 30 for 32 words was not explained', () => /t-SNE: perplexity 30 is too large for 32 points/.test(document.getElementById('tsne-message').textContent));
  await page.click('#tsne-settings summary');
  await page.fill('#tsne-perplexity', '5');
  await page.fill('#tsne-iterations', '300');
  await page.click('#tsne-form button[type="submit"]');
  await waitFor(page, 't-SNE of the matches did not finish', () => /t-SNE · iteration 300 \/ 300 · done/.test(document.getElementById('tsne-message').textContent), { timeout: 30_000 });
  assert.match(await page.textContent('#map-caption'), /t-SNE/);
  assert.deepEqual(await mapWords(page), family);
  const settled = await page.evaluate(() => window.__embplay.mapCoords());
  assert.ok(settled.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y)));

  // Bad searches while t-SNE shows the matches: a message each, and the map keeps its words and places.
  const badSearch = async (query, message) => {
    await page.fill('#map-search', query);
    await waitFor(page, `"${query}" was not explained`, (re) => new RegExp(re).test(document.getElementById('map-search-message').textContent), { arg: message.source });
    assert.deepEqual(await mapWords(page), family, `"${query}": the map keeps its words`);
  };
  await badSearch('/^(king|queen|man)$/', /Only these: 3 words are too few for t-SNE: it needs at least 4\. The map keeps its 32 words/);
  await badSearch('nosuchword', /Only these: no word among the 103 most frequent matches “nosuchword”/);
  await badSearch('/([a-z/', /Not a valid regular expression/);
  await badSearch('/^(king|queen|man|woman)$/', /perplexity 5 is too large for 4 points/);
  assert.deepEqual(await page.evaluate(() => window.__embplay.mapCoords()), settled, 'the t-SNE layout is kept as it was');

  // With PCA, three words are enough, two are not, and words with the same (zero) vector have no spread.
  await page.selectOption('#map-projection', 'pca');
  await waitFor(page, 'PCA did not come back', () => /PCA/.test(document.getElementById('map-caption').textContent));
  await page.fill('#map-search', '/^(king|queen|man)$/');
  await waitFor(page, 'three words were not mapped', () => window.__embplay.mapPoints === 3);
  assert.deepEqual(await mapWords(page), ['king', 'man', 'queen']);
  await page.fill('#map-search', '/^(king|queen)$/');
  await waitFor(page, 'two words were not refused', () => /Only these: 2 words are too few for PCA: it needs at least 3/.test(document.getElementById('map-search-message').textContent));
  await page.fill('#map-search', 'zero');
  await waitFor(page, 'zero vectors were not refused', () => /all 3 words have the same vector \(zero\): there is no spread/.test(document.getElementById('map-search-message').textContent));
  assert.deepEqual(await mapWords(page), ['king', 'man', 'queen'], 'the map keeps its last good words');

  // Off again: every word, and the search rings its matches.
  await page.uncheck('#map-only');
  await waitFor(page, 'all the words did not come back', () => window.__embplay.mapPoints === 103);
  assert.equal(await page.$eval('#map', (c) => c.dataset.matches), '3');
  assert.match(await page.textContent('#map-search-message'), /3 of 103 shown words match/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('only these while training: live frames keep to the matches, the timeline scrubs them, and the link brings them back', { timeout: 120_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  const animals = ['cat', 'dog', 'fox', 'goat', 'horse', 'lion', 'mouse', 'wolf'];
  await page.fill('#text', patternText(600));
  await page.fill('#setting-epochs', '300');
  await page.fill('#setting-patience', '0');  // a long run, not one early stopping ends on this easy text
  await page.fill('#map-search', `/^(${animals.join('|')})$/`);
  await page.check('#map-only');
  await page.click('#play');
  await waitFor(page, 'the map did not show the animals', () => window.__embplay.mapPoints === 8, { timeout: 30_000 });
  assert.deepEqual(await mapWords(page), animals);
  await waitFor(page, 'the timeline did not reach epoch 2', () => Number(document.getElementById('timeline').dataset.latest) >= 2, { timeout: 30_000 });
  const before = await page.evaluate(() => window.__embplay.mapCoords());
  await waitFor(page, 'the live map did not move while training', (b) => {
    const now = window.__embplay.mapCoords();
    return now.length === b.length && now.some((p, i) => Math.abs(p.x - b[i].x) + Math.abs(p.y - b[i].y) > 1e-4);
  }, { arg: before, timeout: 15_000 });
  assert.deepEqual(await mapWords(page), animals, 'live frames show only the matches');
  assert.equal(await page.evaluate(() => window.__embplay.state), 'running');

  // The timeline shows the same words at an earlier epoch, all of them kept.
  await page.$eval('#tl-slider', (s) => { s.value = '1'; s.dispatchEvent(new Event('input')); });
  await waitFor(page, 'the timeline did not show epoch 1', () => document.getElementById('timeline').dataset.epoch === '1');
  await waitFor(page, 'the timeline frame is not of the animals', () => window.__embplay.mapPoints === 8);
  assert.deepEqual(await mapWords(page), animals);
  assert.equal(await page.$eval('#timeline', (t) => t.dataset.missing), '0');
  assert.equal(await page.isHidden('#tl-note'), true);
  await page.click('#tl-live');
  await page.click('#play');  // pause
  await waitFor(page, 'training did not pause', () => window.__embplay.state === 'paused');

  await waitFor(page, 'the link does not say only these', () => /[#&]only=1&/.test(location.hash));
  const url = await page.evaluate(() => location.href);
  const other = await openPage(page.context(), url);
  assert.equal(await other.page.isChecked('#map-only'), true);
  await other.page.click('#play');
  await waitFor(other.page, 'the opened link did not map the animals', () => window.__embplay.mapPoints === 8, { timeout: 30_000 });
  assert.deepEqual(await mapWords(other.page), animals);
  assert.deepEqual([...problems, ...other.problems], []);
  await other.page.close();
  await page.close();
});

test('only these on the timeline: shown words the snapshots do not hold are named in a note, not drawn wrong', { timeout: 120_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  // 1,600 words, each used four times: more words than the timeline's 1,000, kept from the start.
  let state = 5;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32; };
  const tokens = Array.from({ length: 6400 }, (_, i) => `w${i % 1600}`);
  for (let i = tokens.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [tokens[i], tokens[j]] = [tokens[j], tokens[i]];
  }
  const sentences = [];
  for (let i = 0; i < tokens.length; i += 8) sentences.push(`${tokens.slice(i, i + 8).join(' ')}.`);
  await page.fill('#text', sentences.join(' '));
  await page.fill('#setting-dim', '8');
  await page.fill('#setting-hidden', '0');
  await page.fill('#setting-epochs', '50');
  await page.click('#play');
  await waitFor(page, 'the first epoch did not end', () => Number(document.getElementById('timeline').dataset.latest) >= 1, { timeout: 60_000 });
  await page.click('#play');  // pause
  await waitFor(page, 'training did not pause', () => window.__embplay.state === 'paused');

  // 3,000 words asked after the start: the snapshots hold only the 1,000 most frequent.
  await page.selectOption('#map-n', '3000');
  await page.fill('#map-search', '/7$/');
  await page.check('#map-only');
  await waitFor(page, 'the map did not show the matches', () => /only the \d+ words matching/.test(document.getElementById('map-search-message').textContent));
  const shown = await page.evaluate(() => window.__embplay.mapPoints);
  assert.ok(shown > 100, `${shown} words end in 7`);
  await page.$eval('#tl-slider', (s) => { s.value = '0'; s.dispatchEvent(new Event('input')); });
  await waitFor(page, 'the timeline did not say which words it lacks', () => !document.getElementById('tl-note').hidden);
  const note = await page.textContent('#tl-note');
  const [, missing, total] = note.match(/^(\d+) of the (\d+) shown words are not in the timeline: it keeps the 1000 most frequent$/) ?? [];
  assert.ok(missing, note);
  assert.equal(Number(total), shown);
  const drawn = await mapWords(page);
  assert.equal(drawn.length + Number(missing), shown, 'the timeline draws the kept matches');
  assert.ok(drawn.length > 0 && Number(missing) > 0);
  assert.ok(drawn.every((w) => w.endsWith('7')), 'and only matches');
  await page.click('#tl-live');
  await waitFor(page, 'the note stayed after Live', () => document.getElementById('tl-note').hidden);
  await waitFor(page, 'Live did not bring back every match', (n) => window.__embplay.mapPoints === n, { arg: shown });
  assert.deepEqual(problems, []);
  await page.close();
});
