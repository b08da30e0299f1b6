// Sharing and keeping work, in headless Chromium: a copied link reproduces the run in a fresh
// browser (same settings, text, first-epoch loss and weights); a long text travels as a hash and
// the page checks the file; a reload restores the session; a killed worker is replaced and the
// saved model comes back; mangled links give a message and inject nothing; offline after a visit.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, patternText, startBrowser, waitFor, waitReady } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env?.close(); });

const TIMEOUT = 60_000;
const settingsOf = (page) => page.evaluate(() => window.__embplay.settings());
const modelOf = (page) => page.evaluate(() => window.__embplay.modelJson());
const historyOf = (page) => page.evaluate(() => window.__embplay.history());

// Clicks Copy link and reads the link from the box it opens.
async function copyLink(page) {
  await page.click('#copy-link');
  await waitFor(page, 'the share box did not open', () => !document.getElementById('share-box').hidden);
  return page.inputValue('#share-url');
}

async function train(page, what) {
  await page.click('#play');
  await waitFor(page, `${what}: training did not finish`, () => window.__embplay.state === 'finished', { timeout: TIMEOUT });
}

// Nothing from a link may become markup: the only scripts are the page's own, no images appear.
async function assertNothingInjected(page) {
  const found = await page.evaluate(() => ({
    scripts: [...document.scripts].map((s) => s.getAttribute('src')),
    images: document.querySelectorAll('img, iframe, object, embed').length,
    pwned: window.__pwned ?? null,
  }));
  assert.deepEqual(found, { scripts: ['main.js'], images: 0, pwned: null }, 'nothing from the link became markup');
}

test('a copied link reproduces the run in a fresh browser; a reload and a crash lose nothing', { timeout: 4 * TIMEOUT }, async () => {
  const teacher = await env.newContext();
  await teacher.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(env.server.url).origin });
  const { page: a, problems: aProblems } = await openPage(teacher, env.server.url);
  await a.fill('#text', patternText(300, 11));
  await a.fill('#setting-epochs', '2');
  await a.fill('#setting-dim', '20');
  await a.fill('#setting-seed', '4242');
  await a.selectOption('#map-n', '100');
  await a.fill('#nb-input', 'fox');
  await a.press('#nb-input', 'Enter');
  await train(a, 'the teacher');

  const url = await copyLink(a);
  assert.equal(await a.evaluate(() => navigator.clipboard.readText()), url, 'the link is on the clipboard');
  assert.ok(url.startsWith(env.server.url), `the link points at the sub-path: ${url}`);
  assert.match(url, /#v=2&model=nextword&.*&z=[A-Za-z0-9_-]+&end=1$/, 'a v2 link with the text inline');
  assert.ok(url.length <= 8000, `the link is short enough to share: ${url.length}`);
  assert.match(await a.textContent('#share-what'), /travels in the link/);
  const text = await a.inputValue('#text');
  const settings = await settingsOf(a);
  const aHistory = await historyOf(a);
  const aModel = await modelOf(a);
  // The address bar follows the map's word count on its own, like every other part of the view.
  for (const words of ['300', '100']) {
    await a.selectOption('#map-n', words);
    await waitFor(a, `the address bar did not follow the word count ${words}`, (n) => location.hash.includes(`&words=${n}&`), { arg: words });
  }
  assert.deepEqual(aProblems, []);

  // The pupil: a browser that has never seen the page.
  const pupil = await env.newContext();
  const { page: b, problems } = await openPage(pupil, url);
  assert.equal(await b.inputValue('#text'), text, 'the same text');
  assert.deepEqual(await settingsOf(b), settings, 'the same settings');
  assert.equal(await b.inputValue('#map-n'), '100', 'the same map size');
  assert.equal(await b.inputValue('#nb-input'), 'fox', 'the same selected word');
  assert.match(await b.textContent('#notice-text'), /Opened a shared run/);
  await train(b, 'the pupil');
  const bHistory = await historyOf(b);
  assert.ok(bHistory.ppl.length === 2 && aHistory.ppl.length === 2, 'two epochs each');
  assert.equal(bHistory.ppl[0][1], aHistory.ppl[0][1], 'the same first-epoch validation perplexity, to the last bit');
  assert.deepEqual(bHistory.ppl, aHistory.ppl, 'the same perplexity curve');
  assert.equal(await modelOf(b), aModel, 'the same weights, so the same map');

  // Reload: the session, model and curves come back.
  await b.evaluate(() => window.__embplay.saveNow());
  await b.reload();
  await waitReady(b);
  assert.equal(await b.evaluate(() => window.__embplay.state), 'loaded', 'the trained model is back');
  assert.equal(await b.inputValue('#text'), text);
  assert.deepEqual(await settingsOf(b), settings);
  assert.equal(await modelOf(b), aModel, 'the restored model is the trained one');
  assert.deepEqual((await historyOf(b)).ppl, aHistory.ppl, 'the curves are back');
  await waitFor(b, 'the restored map is empty', () => window.__embplay.mapPoints > 0);

  // Without the link in the address bar, the browser's saved session is restored all the same.
  await b.goto(env.server.url);
  await waitReady(b);
  assert.equal(await b.evaluate(() => window.__embplay.state), 'loaded');
  assert.equal(await b.inputValue('#text'), text);
  assert.match(await b.textContent('#notice-text'), /Restored your last session/);

  // The worker dies in the middle of training: the page says so, restarts it, restores the model.
  await b.fill('#setting-epochs', '400');
  await b.click('#play');
  await waitFor(b, 'the second run did not get going', () => window.__embplay.state === 'running' && window.__embplay.progress?.epoch >= 2,
    { timeout: TIMEOUT });
  await b.evaluate(() => window.__embplay.saveNow());
  await b.evaluate(() => window.__embplay.crashWorker());
  await waitFor(b, 'the worker was not recovered', () => window.__embplay.recoveries === 1 && window.__embplay.state === 'loaded',
    { timeout: 20_000 });
  assert.match(await b.textContent('#notice-text'), /training worker stopped \(killed by a test\)\. It was restarted/);
  assert.equal(await b.isHidden('#fatal'), true, 'no fatal error: the page goes on');
  await waitFor(b, 'the restored map is empty', () => window.__embplay.mapPoints > 0);
  await b.fill('#predict-input', 'the fox');
  await waitFor(b, 'the restarted worker does not answer', () => document.querySelectorAll('#predict-list li').length === 10);
  assert.equal(await b.isDisabled('#play'), false, 'Play can train again');
  assert.deepEqual(problems.filter((p) => !/killed by a test/.test(p)), []);
  await teacher.close();
  await pupil.close();
});

test('a text too long for a link travels as its hash; the page checks the file', { timeout: TIMEOUT }, async () => {
  const context = await env.newContext();
  const { page: a } = await openPage(context, env.server.url);
  const long = patternText(6000, 3);
  await a.fill('#text', long);
  const url = await copyLink(a);
  assert.match(url, /&sha256=[0-9a-f]{64}&chars=\d+&end=1$/);
  assert.ok(url.length < 2000, 'the link stays short');
  assert.match(await a.textContent('#share-what'), /too long for a link/);

  const fresh = await env.newContext();
  const { page: b, problems } = await openPage(fresh, url);
  assert.equal(await b.isVisible('#text-needed'), true, 'the page asks for the file');
  assert.equal(await b.isDisabled('#play'), true, 'no training until the text is there');
  await b.setInputFiles('#file', { name: 'other.txt', mimeType: 'text/plain', buffer: Buffer.from(patternText(6000, 4)) });
  await waitFor(b, 'a wrong file was not refused', () => /not the text the link was made with/.test(document.getElementById('text-needed').textContent));
  assert.equal(await b.isDisabled('#play'), true);
  await b.setInputFiles('#file', { name: 'story.txt', mimeType: 'text/plain', buffer: Buffer.from(long) });
  await waitFor(b, 'the right file was not accepted', () => document.getElementById('text-needed').hidden);
  assert.equal(await b.isDisabled('#play'), false, 'the right file enables Play');
  assert.match(await b.textContent('#notice-text'), /matches the link/);
  assert.deepEqual(problems, []);
  await context.close();
  await fresh.close();
});

test('mangled links: a clear message, nothing injected', { timeout: TIMEOUT }, async () => {
  const context = await env.newContext();
  const { page: a } = await openPage(context, env.server.url);
  const evil = '<script>window.__pwned = 1</script> <img src=x onerror="window.__pwned = 2"> The fox ran. The fox ran.';
  await a.fill('#text', evil);
  await a.fill('#nb-input', '<img src=x onerror=window.__pwned=3>');
  await a.press('#nb-input', 'Enter');
  await a.fill('#predict-input', '</textarea><script>window.__pwned=4</script>');
  const good = await copyLink(a);
  const base = good.split('#')[0];
  const z = good.match(/&z=([^&]*)/)[1];
  await a.close();

  const cases = [
    ['truncated', good.slice(0, Math.floor(good.length * 0.7)), /could not be opened: the link was cut short/],
    ['bad base64', good.replace(z, `${z.slice(0, 10)}*!~${z.slice(13)}`), /could not be opened: .*not valid base64url/],
    ['damaged text', good.replace(z, z.slice(0, -10)), /could not be opened: .*cut short or damaged/],
    ['newer version', good.replace('#v=2', '#v=99'), /could not be opened: .*newer version/],
    ['huge numbers', good.replace(/dim=\d+/, 'dim=1e308').replace(/epochs=\d+/, 'epochs=99999999999999999999').replace(/lr=[^&]+/, 'lr=1e999'),
      /Some values in the link were changed/],
  ];
  for (const [what, url, message] of cases) {
    const { page, problems } = await openPage(context, url);
    assert.match(await page.textContent('#notice-text'), message, what);
    assert.equal(await page.getAttribute('#notice', 'data-kind'), 'error', `${what}: shown as a problem`);
    await assertNothingInjected(page);
    assert.deepEqual(problems, [], what);
    if (what === 'huge numbers') {
      const details = await page.$$eval('#notice-list li', (li) => li.map((x) => x.textContent));
      assert.ok(details.some((d) => /^dim: .*largest allowed, 512; using 512/.test(d)), details.join(' | '));
      assert.ok(details.some((d) => /^epochs: /.test(d)) && details.some((d) => /^lr: .*not a finite number/.test(d)), details.join(' | '));
      assert.equal(await page.inputValue('#setting-dim'), '512', 'clamped into range');
      assert.equal(await page.isDisabled('#play'), false, 'the clamped settings can train');
    }
    await page.close();
  }

  // The good link: the words and text arrive as text, in the fields, never as markup.
  const { page, problems } = await openPage(context, good);
  assert.equal(await page.inputValue('#text'), evil);
  assert.equal(await page.inputValue('#nb-input'), '<img src=x onerror=window.__pwned=3>');
  assert.equal(await page.inputValue('#predict-input'), '</textarea><script>window.__pwned=4</script>');
  await page.fill('#setting-epochs', '1');
  await page.click('#play');
  await waitFor(page, 'the evil text did not train', () => window.__embplay.state === 'finished', { timeout: TIMEOUT });
  await page.waitForTimeout(300);
  await assertNothingInjected(page);
  assert.deepEqual(problems, []);
  assert.ok(base.startsWith(env.server.url));
  await context.close();
});

test('a word2vec run with t-SNE, search, clusters and an analogy: the link restores every control', { timeout: 3 * TIMEOUT }, async () => {
  const context = await env.newContext();
  const { page: a, problems: aProblems } = await openPage(context, env.server.url);
  await a.fill('#text', patternText(300, 5));
  await a.selectOption('#model-kind', 'skipgram');
  await a.fill('#w2v-setting-epochs', '1');
  await a.fill('#w2v-setting-dim', '12');
  await a.fill('#w2v-setting-window', '3');
  await a.fill('#w2v-setting-min_count', '1');
  await a.fill('#w2v-setting-seed', '31337');
  await a.selectOption('#map-n', '100');
  await train(a, 'word2vec');
  await a.click('#tsne-settings summary');
  await a.fill('#tsne-perplexity', '5');
  await a.fill('#tsne-iterations', '250');
  await a.fill('#tsne-lr', '120');
  await a.fill('#tsne-seed', '7');
  await a.click('#tsne-form button[type="submit"]');
  await waitFor(a, 't-SNE did not start', () => document.getElementById('map').dataset.tsneIteration != null, { timeout: 30_000 });
  await a.fill('#map-search', '/^f/');
  await a.selectOption('#map-k', '4');
  await a.selectOption('#nb-metric', 'euclidean');
  await a.click('#tab-analogy');
  await a.fill('#an-a', 'fox');
  await a.fill('#an-b', 'cat');
  await a.fill('#an-c', 'dog');
  await a.selectOption('#an-method', '3CosMul');
  const w2vSettings = await a.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll('#w2v-settings input, #w2v-settings select')].map((el) => [el.id, el.type === 'checkbox' ? el.checked : el.value])));
  const url = await copyLink(a);
  assert.match(url, /#v=2&model=skipgram&/);
  assert.match(url, /&proj=tsne&/);
  assert.deepEqual(aProblems, []);

  const fresh = await env.newContext();
  const { page: b, problems } = await openPage(fresh, url);
  const controls = {};
  for (const id of ['model-kind', 'map-n', 'map-projection', 'tsne-perplexity', 'tsne-lr', 'tsne-iterations', 'tsne-seed', 'map-search', 'map-k',
    'nb-metric', 'an-a', 'an-b', 'an-c', 'an-method']) controls[id] = await b.inputValue(`#${id}`);
  assert.deepEqual(controls, {
    'model-kind': 'skipgram', 'map-n': '100', 'map-projection': 'tsne', 'tsne-perplexity': '5', 'tsne-lr': '120', 'tsne-iterations': '250', 'tsne-seed': '7',
    'map-search': '/^f/', 'map-k': '4', 'nb-metric': 'euclidean', 'an-a': 'fox', 'an-b': 'cat', 'an-c': 'dog', 'an-method': '3CosMul',
  });
  assert.equal(await b.getAttribute('#tab-analogy', 'aria-selected'), 'true', 'the Analogy tab is open');
  assert.equal(await b.isVisible('#w2v-setting-window'), true, 'the word2vec settings are shown');
  assert.deepEqual(await b.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll('#w2v-settings input, #w2v-settings select')].map((el) => [el.id, el.type === 'checkbox' ? el.checked : el.value]))),
  w2vSettings, 'the same word2vec settings');
  // Play trains the same word2vec run, then t-SNE and the analogy follow.
  await train(b, 'the opened word2vec link');
  assert.equal(await b.evaluate(() => window.__embplay.runKind), 'skipgram');
  await waitFor(b, 't-SNE did not start after training', () => document.getElementById('map').dataset.tsneIteration != null, { timeout: 30_000 });
  await waitFor(b, 'the analogy was not solved', () => document.querySelectorAll('#an-list li').length > 0, { timeout: 20_000 });
  assert.deepEqual(problems, []);

  // Reload: the saved session brings the word2vec settings and the view back.
  await b.evaluate(() => window.__embplay.saveNow());
  await b.goto(env.server.url);
  await waitReady(b);
  assert.equal(await b.inputValue('#model-kind'), 'skipgram');
  assert.equal(await b.inputValue('#w2v-setting-seed'), '31337');
  assert.equal(await b.inputValue('#map-search'), '/^f/');
  assert.equal(await b.inputValue('#an-method'), '3CosMul');
  assert.match(await b.textContent('#notice-text'), /word2vec settings are back/);
  await context.close();
  await fresh.close();
});

test('mangled new fields (search, clusters, projection, metric, analogy, tab, model): a message, nothing injected', { timeout: TIMEOUT }, async () => {
  const context = await env.newContext();
  const { page: a } = await openPage(context, env.server.url);
  await a.fill('#text', patternText(100, 9));
  const good = await copyLink(a);
  await a.close();
  const evilSearch = '<script>window.__pwned=5</script>';
  const evilWord = '<img src=x onerror=window.__pwned=6>';
  const mangled = good.replace('#v=2&model=nextword&', `#v=2&model=glove&search=${encodeURIComponent(evilSearch)}&k=100000&proj=isomap&metric=%3Cb%3E`
    + `&an_a=${encodeURIComponent(evilWord)}&an_method=eval&tab=%3Cscript%3E&tsne_perplexity=1e400&`);
  const { page, problems } = await openPage(context, mangled);
  assert.equal(await page.getAttribute('#notice', 'data-kind'), 'error');
  assert.match(await page.textContent('#notice-text'), /Some values in the link were changed/);
  const details = await page.$$eval('#notice-list li', (li) => li.map((x) => x.textContent));
  for (const name of ['model', 'k', 'proj', 'metric', 'an_method', 'tab', 'tsne_perplexity']) {
    assert.ok(details.some((d) => d.startsWith(`${name}:`)), `a message for ${name}: ${details.join(' | ')}`);
  }
  assert.equal(await page.inputValue('#model-kind'), 'nextword');
  assert.equal(await page.inputValue('#map-k'), '8', 'clusters clamped to the largest');
  assert.equal(await page.inputValue('#map-projection'), 'pca');
  assert.equal(await page.inputValue('#nb-metric'), 'cosine');
  assert.equal(await page.inputValue('#an-method'), '3CosAdd');
  assert.equal(await page.inputValue('#tsne-perplexity'), '30');
  assert.equal(await page.inputValue('#map-search'), evilSearch, 'the search is text in its box');
  assert.equal(await page.inputValue('#an-a'), evilWord);
  assert.equal(await page.getAttribute('#tab-neighbours', 'aria-selected'), 'true');
  await page.fill('#setting-epochs', '1');
  await train(page, 'the mangled link');
  await page.waitForTimeout(300);
  await assertNothingInjected(page);
  assert.deepEqual(problems, []);
  await context.close();
});

test('from a sub-path, with a service worker: the page works offline after a visit', { timeout: TIMEOUT }, async () => {
  const context = await env.newContext();
  const { page, problems } = await openPage(context, env.server.url);
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  assert.equal(scope, env.server.url, 'the service worker is scoped to the sub-path');
  await waitFor(page, 'the service worker does not control the page', () => Boolean(navigator.serviceWorker.controller));
  await context.setOffline(true);
  await page.reload();
  await waitReady(page, problems);
  assert.equal(await page.isDisabled('#play'), false, 'offline, the page is ready to train');
  await page.fill('#setting-epochs', '1');
  await page.fill('#text', patternText(100));
  await page.click('#play');
  await waitFor(page, 'offline training did not finish', () => window.__embplay.state === 'finished', { timeout: TIMEOUT });
  await context.setOffline(false);
  await context.close();
});
