// The Sentences view in headless Chromium, as a person uses it: the sample's sentences become
// points once the model trains (hover shows a sentence), a search lists marked results with scores
// by embedding, BM25 and hybrid, a clicked point lists its nearest sentences, two typed sentences are
// compared word by word, the sentence tests fill the Eval tab; bad input (a query of stopwords, an
// empty documents file, units no vector knows) is explained and loses nothing; the link keeps the view.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, openFreshPage, openPage, startBrowser, waitFor } from './harness.mjs';

const SHOTS = join(ROOT, 'build/e2e');
const TIMEOUT = 60_000;

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env?.close(); });

const info = (page) => page.evaluate(() => window.__embplay.sentences);
const texts = (page, selector) => page.$$eval(selector, (els) => els.map((e) => e.textContent));

// Trains the sample for two epochs with the Sentences view shown, until its units are pooled afresh.
async function trainedSentences(page) {
  await page.click('#view-sentences');
  await page.fill('#setting-epochs', '2');
  await page.click('#play');
  await waitFor(page, 'training did not finish', () => window.__embplay.state === 'finished', { timeout: TIMEOUT });
  await waitFor(page, 'the sentences were not mapped', () => {
    const s = window.__embplay.sentences;
    return s.status.fresh && !s.status.busy && s.points > 0;
  }, { timeout: 20_000 });
  return info(page);
}

// Runs the query and waits for the three rankings.
async function search(page, query) {
  await page.fill('#units-query', query);
  await page.click('#units-search-form button');
  await waitFor(page, 'the search did not answer', () => Object.keys(window.__embplay.sentences.results).length === 3);
}

test('the sample\'s sentences: points with their text, marked search results for each ranking, nearest sentences, compare, the sentence tests', { timeout: 3 * TIMEOUT }, async () => {
  const { page, problems } = await openFreshPage(env);
  const text = await page.inputValue('#text');
  const s = await trainedSentences(page);
  assert.equal(s.status.units, s.status.with_vector, 'every sentence of the sample has a word with a vector');
  assert.ok(s.status.units > 100, `the sample's sentences (${s.status.units})`);
  assert.equal(s.points, s.status.units, 'one point per sentence');
  assert.match(await page.textContent('#units-status'), /sentences · .* with a vector · sif/);
  assert.equal(await page.isVisible('#map'), false, 'the word map gives way');

  // Hover: the sentence and its coverage.
  const box = await page.locator('#units-map').boundingBox();
  await waitFor(page, 'the sentence map did not settle', () => window.__embplay.sentences.settled);
  const points = await page.evaluate(() => window.__embplay.unitPoints());
  const inside = points.filter((p) => p.x > 20 && p.y > 20 && p.x < box.width - 20 && p.y < box.height - 60);
  await page.mouse.move(box.x + inside[0].x, box.y + inside[0].y);
  await waitFor(page, 'no tooltip', () => !document.getElementById('units-tooltip').hidden);
  const [sentence, detail] = await texts(page, '#units-tooltip > *');
  assert.ok(sentence.length > 5 && text.includes(sentence.replace(/…$/, '').slice(0, 20)), `a sentence of the text: ${sentence}`);
  assert.match(detail, /^#\d+ · \d+\/\d+ words with vectors/);

  // Search: each ranking lists results with scores; BM25's and the hybrid's mark the query's words.
  await search(page, 'the fox and the grapes');
  for (const mode of ['embedding', 'bm25', 'hybrid']) {
    await page.click(`#units-mode [data-mode="${mode}"]`);
    await waitFor(page, `the ${mode} list`, (m) => document.getElementById('units-results').dataset.mode === m, { arg: mode });
    const rows = await page.$$eval('#units-results li', (lis) => lis.map((li) => ({
      marks: Array.from(li.querySelectorAll('mark'), (m) => m.textContent.toLowerCase()),
      main: li.querySelector('.unit-scores .main')?.textContent ?? '',
      coverage: li.querySelector('.coverage').textContent,
    })));
    assert.equal(rows.length, 10, `${mode}: ten results`);
    assert.match(rows[0].main, /^(hybrid|cos|BM25) -?\d+\.\d+$/, `${mode}: its score is shown (${rows[0].main})`);
    assert.ok(rows.every((r) => /\d+\/\d+ words with vectors/.test(r.coverage)), `${mode}: coverage per result`);
    if (mode !== 'embedding') {
      assert.ok(rows.every((r) => r.marks.length > 0 && r.marks.every((m) => m === 'fox' || m === 'grapes')), `${mode}: the query's words are marked`);
    }
    assert.match(await page.textContent('#units-search-message'), /stopwords set aside: the, and, the/);
  }
  assert.equal(await page.$$eval('#units-results mark', (ms) => ms.every((m) => m.children.length === 0)), true, 'marks hold text only');

  // A click on a point: its nearest sentences, by cosine.
  await waitFor(page, 'the sentence map did not settle', () => window.__embplay.sentences.settled);
  const now = await page.evaluate(() => window.__embplay.unitPoints());
  const target = now.filter((p) => p.x > 20 && p.y > 20 && p.x < box.width - 20 && p.y < box.height - 60)[5];
  await page.mouse.click(box.x + target.x, box.y + target.y);
  await waitFor(page, 'no nearest sentences', () => document.querySelectorAll('#units-nearest li').length === 10);
  assert.equal(await page.getAttribute('#units-tab-nearest', 'aria-selected'), 'true');
  assert.equal(await page.$eval('#units-map', (c) => c.dataset.selected), target.word);
  const cosines = (await texts(page, '#units-nearest .unit-scores .main')).map((t) => Number(t.replace('cos ', '')));
  assert.ok(cosines.every((c, i) => i === 0 || c <= cosines[i - 1]), `most similar first: ${cosines}`);

  // Compare: each word's share; one side's shares add up to the cosine.
  await page.click('#units-tab-compare');
  await page.fill('#units-cmp-a', 'The fox wanted the grapes.');
  await page.fill('#units-cmp-b', 'The hungry wolf wanted the lamb.');
  await page.click('#units-compare-form button');
  await waitFor(page, 'no comparison', () => document.querySelectorAll('#units-cmp-a-bars li').length > 0);
  const cosine = Number(await page.getAttribute('#units-compare-result', 'data-cosine'));
  const shares = await page.$$eval('#units-cmp-a-bars li', (lis) => lis.map((li) => Number(li.dataset.value)));
  assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - cosine) < 1e-3, `shares ${shares} add up to ${cosine}`);
  assert.match(await page.textContent('#units-compare-result'), /^cosine -?\d\.\d{3} \(sif, weighted by your units\)/);

  await page.selectOption('#units-k', '4');
  await waitFor(page, 'no clusters', () => document.getElementById('units-map').dataset.clusters === '4');
  assert.equal(await page.$$eval('#units-legend li', (lis) => lis.length), 4, 'a legend of four clusters');
  mkdirSync(SHOTS, { recursive: true });
  await page.mouse.move(box.x + 2, box.y + 2);
  await page.screenshot({ path: join(SHOTS, 'sentences.png') });

  // t-SNE of the sentences settles on the map; back to PCA; back to the words, whose map is there.
  await page.selectOption('#units-projection', 'tsne');
  await waitFor(page, 'no t-SNE of the sentences', () => Number(document.getElementById('units-map').dataset.tsneIteration ?? 0) >= 100, { timeout: 30_000 });
  assert.match(await page.textContent('#units-message'), /t-SNE · iteration/);
  await page.selectOption('#units-projection', 'pca');
  await page.click('#view-words');
  assert.equal(await page.isVisible('#map'), true);
  assert.equal(await page.isVisible('#units-map'), false);
  assert.ok((await page.evaluate(() => window.__embplay.mapPoints)) > 0, 'the word map is there');

  // The sentence tests in the Eval tab, with their sources.
  await page.click('#tab-eval');
  await page.click('#sent-eval-run');
  await waitFor(page, 'the sentence tests gave no figures', () => window.__embplay.sentenceEvalResult, { timeout: TIMEOUT });
  const sts = await page.$$eval('#sent-eval-sts tbody tr', (rows) => rows.map((r) => Array.from(r.cells, (c) => c.textContent)));
  assert.equal(sts.length, 10, 'eight poolings and TF-IDF twice');
  assert.deepEqual(sts.map((r) => r[0]).slice(0, 2), ['mean', 'mean, no stopwords']);
  const tfidf = Number(sts[8][1]);
  assert.ok(tfidf > 0.5 && tfidf < 0.9, `TF-IDF's Spearman on the shipped pairs: ${tfidf}`);
  const ir = await page.$$eval('#sent-eval-ir tbody tr', (rows) => rows.map((r) => Array.from(r.cells, (c) => c.textContent)));
  assert.deepEqual(ir.map((r) => r[0].split(' ')[0]), ['embedding', 'BM25', 'hybrid']);
  assert.ok(Math.abs(Number(ir[1][1]) - 0.344) < 0.01, `BM25's nDCG@10 on Cranfield: ${ir[1][1]}`);
  assert.equal((await page.evaluate(() => window.__embplay.sentenceEvalResult)).sts.pairs, 879, 'the MSR rows are not shipped');
  const readme = await page.evaluate(() => fetch(document.querySelector('a[href="sts/README.md"]').href).then((r) => r.text()));
  assert.match(readme, /What the page ships/);
  await page.screenshot({ path: join(SHOTS, 'sentence-tests.png') });
  assert.deepEqual(problems, [], 'no errors on the page');
  await page.close();
});

test('bad input is explained and loses nothing: a stopword query, an empty documents file, units no vector knows', { timeout: 2 * TIMEOUT }, async () => {
  const { page, problems } = await openFreshPage(env);
  const text = await page.inputValue('#text');
  await page.click('#view-sentences');
  await waitFor(page, 'the sample was not indexed', () => window.__embplay.sentences.status.units > 0, { timeout: 20_000 });
  const units = (await info(page)).status.units;

  // Before any vectors BM25 already searches; the embedding says why it cannot.
  await search(page, 'grapes');
  await page.click('#units-mode [data-mode="bm25"]');
  assert.ok(await page.$$eval('#units-results li', (lis) => lis.length) > 0, 'BM25 works without vectors');
  await page.click('#units-mode [data-mode="embedding"]');
  assert.match(await page.textContent('#units-search-message'), /no vectors yet/);
  await page.click('#units-mode [data-mode="hybrid"]');
  assert.match(await page.textContent('#units-search-message'), /ranked by BM25 alone/);

  // A query of stopwords only.
  await search(page, 'the and of');
  assert.match(await page.textContent('#units-search-message'), /stopwords/);
  assert.equal(await page.$$eval('#units-results li', (lis) => lis.length), 0);
  assert.equal(await page.inputValue('#units-query'), 'the and of', 'the query is kept');

  // An empty documents file: said, and the sentences stay.
  await page.selectOption('#units-kind', 'documents');
  await page.setInputFiles('#units-file', { name: 'empty.jsonl', mimeType: 'application/json', buffer: Buffer.from('') });
  await waitFor(page, 'no message for the empty file', () => /no documents: the text is empty/.test(document.getElementById('units-message').textContent));
  assert.match(await page.textContent('#units-message'), /The units shown stay/);
  assert.equal((await info(page)).status.units, units, 'the sentences are still there');
  // A JSON lines file with a broken line: the line is named.
  await page.setInputFiles('#units-file', { name: 'notes.jsonl', mimeType: 'application/json', buffer: Buffer.from('{"text": "a wolf"}\n{"text" "oops"}\n') });
  await waitFor(page, 'no message for the broken line', () => /line 2: not valid JSON/.test(document.getElementById('units-message').textContent));
  // A good CSV file: its column by name.
  await page.fill('#units-field', 'body');
  await page.setInputFiles('#units-file', { name: 'notes.csv', mimeType: 'text/csv', buffer: Buffer.from('id,body\n1,"zebra, quagga"\n2,okapi\n3,giraffe\n') });
  await waitFor(page, 'the CSV file did not open', () => window.__embplay.sentences.status.units === 3);
  await search(page, 'okapi');
  await page.click('#units-mode [data-mode="bm25"]');
  assert.deepEqual(await texts(page, '#units-results mark'), ['okapi']);

  // Vectors that know none of the documents' words: the map says so, BM25 still answers.
  const vectors = `${['wolf', 'lamb', 'fox', 'grapes'].map((w, i) => `${w} ${[1, 2, 3].map((j) => ((i + j) % 3) - 1).join(' ')}`).join('\n')}\n`;
  await page.setInputFiles('#vectors-file', { name: 'tiny.txt', mimeType: 'text/plain', buffer: Buffer.from(vectors) });
  await waitFor(page, 'the vectors did not open', () => window.__embplay.state === 'vectors');
  await waitFor(page, 'the units were not pooled', () => window.__embplay.sentences.status.pooled === true);
  await waitFor(page, 'no word that no unit has a vector', () => /No unit has a word with a vector/.test(document.getElementById('units-empty').textContent));
  assert.equal(await page.isVisible('#units-empty'), true);
  await search(page, 'okapi');
  await page.click('#units-mode [data-mode="bm25"]');
  assert.equal(await page.$$eval('#units-results li', (lis) => lis.length), 1, 'BM25 still finds it');
  await page.click('#units-mode [data-mode="embedding"]');
  assert.match(await page.textContent('#units-search-message'), /no unit has a word with a vector/);
  assert.equal(await page.inputValue('#text'), text, 'the text is kept');
  assert.deepEqual(problems, [], 'no errors on the page');
  await page.close();
});

test('the link keeps the Sentences view: units, pooling, stopwords, query and ranking', { timeout: TIMEOUT }, async () => {
  const { page, problems } = await openFreshPage(env);
  await page.click('#view-sentences');
  await page.selectOption('#units-kind', 'paragraphs');
  await page.selectOption('#units-pooling', 'mean');
  await page.check('#units-stop');
  await page.fill('#units-query', 'a crow and a pitcher');
  await page.click('#units-mode [data-mode="bm25"]');
  await waitFor(page, 'the address bar did not follow the view', () => /&map=sentences&/.test(location.hash) && /&mode=bm25/.test(location.hash)
    && /&query=a\+crow/.test(location.hash));
  const url = await page.evaluate(() => location.href);
  assert.match(url, /&units=paragraphs&pooling=mean&stop=1&/);
  assert.deepEqual(problems, []);

  const other = await env.newContext();
  const { page: b, problems: bProblems } = await openPage(other, url);
  assert.equal(await b.getAttribute('#view-sentences', 'aria-pressed'), 'true', 'the Sentences view is shown');
  assert.equal(await b.inputValue('#units-kind'), 'paragraphs');
  assert.equal(await b.inputValue('#units-pooling'), 'mean');
  assert.equal(await b.isChecked('#units-stop'), true);
  assert.equal(await b.inputValue('#units-query'), 'a crow and a pitcher');
  assert.equal(await b.getAttribute('#units-mode [data-mode="bm25"]', 'aria-pressed'), 'true');
  await waitFor(b, 'the paragraphs were not searched', () => document.querySelectorAll('#units-results li').length > 0, { timeout: 20_000 });
  assert.equal((await info(b)).status.units, (await b.inputValue('#text')).split(/\n\s*\n/).filter((p) => p.trim()).length, 'one unit per paragraph');
  assert.ok((await texts(b, '#units-results mark')).some((m) => /crow|pitcher/i.test(m)));
  assert.deepEqual(bProblems, []);
  await other.close();
  await page.close();
});
