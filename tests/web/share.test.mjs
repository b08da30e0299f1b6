// The share link and the session file in node, without a browser: links round-trip, old (v0)
// links migrate, long texts become a hash, and untrusted values are clamped, replaced or refused
// with a message. The settings schema is the WebAssembly module's own (build/wasm, ./build.sh build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  defaultView, LinkError, maxClusters, MAX_LINK_CHARS, MAX_TEXT_BYTES, MIGRATIONS, deflate, fromBase64Url, inflate,
  makeLink, parseFragment, readLink, schemaFor, textHash, toBase64Url, validateSettings, validateView,
} from '../../web/page/share.js';
import { makeSavedSession, readSavedSession, sameSession } from '../../web/page/saved-session.js';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const createEmbPlay = require(path.join(root, 'build/wasm/embplay.js'));
const Module = await createEmbPlay({ wasmBinary: fs.readFileSync(path.join(root, 'build/wasm/embplay.wasm')) });
const schema = JSON.parse(Module.settingsSchema());
const defaults = Object.fromEntries(schema.map((s) => [s.name, s.default]));
const spec = (name) => schema.find((s) => s.name === name);
const w2vSchema = JSON.parse(Module.word2vecSchema());
const tsneSchema = JSON.parse(Module.tsneSchema());
const schemas = { nextword: schema, word2vec: w2vSchema, tsne: tsneSchema, kmeans: JSON.parse(Module.kmeansSchema()) };
const DEFAULT_VIEW = defaultView(schemas);
const MAX_CLUSTERS = maxClusters(schemas);
const w2vDefaults = Object.fromEntries(schemaFor(schemas, 'skipgram').map((s) => [s.name, s.default]));

const BASE = 'https://example.org/some/sub/path/index.html';
const settings = { ...defaults, dim: 24, lr: 0.0035, seed: 4242, optimizer: 'sgd', lowercase: false };
const view = { ...DEFAULT_VIEW, words: 1000, proj: 'pca', word: 'fox', predict: 'the quick brown', open: ['map-why'] };
const fragmentOf = (url) => url.slice(url.indexOf('#'));

function prose(words, seed = 3) {
  const vocab = ['the', 'fox', 'ran', 'over', 'a', 'hill', 'and', 'saw', 'river', 'wolf', 'cat', 'slept', 'by', 'old', 'tree'];
  let s = seed;
  const out = [];
  for (let i = 0; i < words; i += 1) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(vocab[s % vocab.length] + (i % 11 === 10 ? '.' : ''));
  }
  return out.join(' ');
}

test('base64url and deflate-raw round-trip any bytes and text', async () => {
  const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256);
  assert.deepEqual(fromBase64Url(toBase64Url(bytes)), bytes);
  const text = 'Ünïcödé ✓ 猫 🦊\nline two\r\n<script>alert(1)</script>';
  assert.equal(await inflate(await deflate(text)), text);
});

test('a link round-trips settings, view and text', async () => {
  const text = prose(300);
  const link = await makeLink(BASE, { settings, view, text }, schemas);
  assert.equal(link.inline, true);
  assert.ok(link.url.startsWith(`${BASE}#v=2&model=nextword&`), link.url);
  assert.ok(link.url.endsWith('&end=1'));
  const back = await readLink(fragmentOf(link.url), schemas);
  assert.deepEqual(back.settings, settings);
  assert.deepEqual(back.view, view);
  assert.equal(back.text, text);
  assert.deepEqual(back.messages, []);
});

test('a text too long for the bound travels as its SHA-256', async () => {
  const text = prose(40_000);
  const link = await makeLink(BASE, { settings, view, text }, schemas);
  assert.equal(link.inline, false);
  assert.ok(link.url.length <= MAX_LINK_CHARS, `${link.url.length} characters`);
  const back = await readLink(fragmentOf(link.url), schemas);
  assert.equal(back.text, null);
  assert.equal(back.sha256, await textHash(text));
  assert.equal(back.chars, text.length);
  assert.match(back.sha256, /^[0-9a-f]{64}$/);
  assert.notEqual(back.sha256, await textHash(`${text} `));
});

test("a text's hash is SHA-256 of its UTF-8 bytes, the same when asked again after another text", async () => {
  const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  assert.equal(await textHash('abc'), abc);
  assert.equal(await textHash('abc'), abc);
  assert.equal(await textHash('é'), createHash('sha256').update('é', 'utf8').digest('hex'));
  assert.equal(await textHash('abc'), abc);
});

test('the bound is the whole URL: a text near it goes inline below and as a hash above', async () => {
  const text = prose(3000);
  const small = await makeLink(BASE, { settings, view, text }, schemas, { maxChars: 100_000 });
  const exact = small.url.length;
  assert.equal((await makeLink(BASE, { settings, view, text }, schemas, { maxChars: exact })).inline, true);
  assert.equal((await makeLink(BASE, { settings, view, text }, schemas, { maxChars: exact - 1 })).inline, false);
});

test('a v0 link (no version, older names, plain text) migrates to v2', async () => {
  const v0 = '#ctx=4&embed=40&n=100&sel=wolf&lr=0.01&t=' + encodeURIComponent('The wolf ran. The fox ran.');
  const p = parseFragment(v0);
  assert.equal(p.v, '2');
  assert.equal(p.model, 'nextword');
  assert.equal(p.context, '4');
  assert.equal(p.dim, '40');
  const back = await readLink(v0, schemas);
  assert.equal(back.settings.context, 4);
  assert.equal(back.settings.dim, 40);
  assert.equal(back.settings.lr, 0.01);
  assert.equal(back.settings.seed, defaults.seed, 'missing settings take their defaults');
  assert.deepEqual(back.view, { ...DEFAULT_VIEW, words: 100, proj: 'pca', word: 'wolf', predict: '', open: [] });
  assert.equal(back.text, 'The wolf ran. The fox ran.');
});

test('a v1 link (next-word and PCA only) migrates to v2: the next-word model, the rest of the view at defaults', async () => {
  const text = 'The wolf ran. The fox ran.';
  const z = toBase64Url(await deflate(text));
  const v1 = `#v=1&context=4&dim=40&seed=77&words=1000&proj=pca&word=fox&predict=the+fox&open=map-why&z=${z}&end=1`;
  assert.deepEqual(MIGRATIONS[1]({ v: '1', dim: '40' }), { v: '2', model: 'nextword', dim: '40' });
  const back = await readLink(v1, schemas);
  assert.equal(back.kind, 'nextword');
  assert.equal(back.settings.context, 4);
  assert.equal(back.settings.dim, 40);
  assert.equal(back.settings.seed, 77);
  assert.deepEqual(back.view, { ...DEFAULT_VIEW, words: 1000, word: 'fox', predict: 'the fox', open: ['map-why'] });
  assert.equal(back.text, text);
  assert.deepEqual(back.messages, []);
});

test('a v2 link round-trips a word2vec run and the whole view: t-SNE, search, clusters, metric, analogy, tab', async () => {
  const w2v = { ...w2vDefaults, dim: 24, window: w2vDefaults.window + 1, seed: 99, epochs: 3 };
  const full = {
    ...DEFAULT_VIEW, words: 100, proj: 'tsne', tsne_perplexity: 12, tsne_lr: 200, tsne_iterations: 350, search: '/^f/',
    k: 4, word: 'fox', metric: 'euclidean', table: 'output', predict: '', an_a: 'king', an_b: 'man', an_c: 'woman', an_method: '3CosMul',
    tab: 'analogy', open: ['map-why'],
  };
  const text = prose(200);
  const link = await makeLink(BASE, { kind: 'cbow', settings: w2v, view: full, text }, schemas);
  assert.match(link.url, /#v=2&model=cbow&/);
  const back = await readLink(fragmentOf(link.url), schemas);
  assert.equal(back.kind, 'cbow');
  assert.deepEqual(back.settings, w2v);
  assert.ok(!('model' in back.settings), 'the kind names the word2vec model, not a setting');
  assert.deepEqual(back.view, full);
  assert.equal(back.text, text);
  assert.deepEqual(back.messages, []);
  // The default view adds nothing but the word count and projection.
  const plain = await makeLink(BASE, { kind: 'nextword', settings, view: DEFAULT_VIEW, text }, schemas);
  assert.doesNotMatch(plain.url, /[&#](search|k|metric|an_a|tab|tsne_lr|vectors)=/);
  // Opened vectors: only the file's name travels.
  const vec = await makeLink(BASE, { kind: 'nextword', settings, view: { ...DEFAULT_VIEW, vectors: 'glove.6B.50d.txt' }, text }, schemas);
  assert.equal((await readLink(fragmentOf(vec.url), schemas)).view.vectors, 'glove.6B.50d.txt');
});

test('v2 view fields from a link: clamped or replaced with a message, strings cleaned, nothing unknown kept', async () => {
  const { view: v, messages } = validateView({
    proj: 'isomap', tsne_perplexity: '1e9', tsne_lr: '-4', tsne_iterations: '77.7', search: `<script>alert(1)</script>\n${'s'.repeat(300)}`,
    k: '100000', metric: 'manhattan', an_a: '<img src=x onerror=alert(1)>', an_b: 'a\u0000b', an_c: 'x'.repeat(100),
    an_method: 'eval()', tab: 'settings', vectors: `evil\n${'v'.repeat(300)}`, extra: '1', tsne_seed: '-1',
  }, schemas);
  assert.equal(v.proj, 'pca');
  assert.equal(validateView({ proj: 'umap' }, schemas).view.proj, 'umap', 'UMAP is a projection a link can ask for');
  assert.equal(v.tsne_perplexity, 100);
  assert.equal(v.tsne_lr, 0);
  assert.equal(v.tsne_iterations, 78);
  assert.equal(v.tsne_seed, 0);
  // The ranges are the module's own (tsneSchema()), not the page's.
  const perplexity = tsneSchema.find((s) => s.name === 'perplexity');
  assert.equal(v.tsne_perplexity, perplexity.max);
  assert.equal(DEFAULT_VIEW.tsne_perplexity, perplexity.default);
  assert.equal(v.k, MAX_CLUSTERS);
  assert.equal(v.metric, 'cosine');
  assert.equal(v.table, 'input', 'a view without a table reads the input rows');
  const badTable = validateView({ table: 'middle' }, schemas);
  assert.equal(badTable.view.table, 'input');
  assert.match(badTable.messages.join(' '), /table/);
  assert.equal(v.an_method, '3CosAdd');
  assert.equal(v.tab, 'neighbours');
  assert.equal(v.search.length, 200);
  assert.ok(v.search.startsWith('<script>'), 'kept as text: the page puts it in a field, never in markup');
  assert.equal(v.an_a, '<img src=x onerror=alert(1)>');
  assert.equal(v.an_c.length, 64);
  assert.ok(v.vectors.length <= 120);
  assert.ok(!('extra' in v));
  for (const name of ['proj', 'tsne_perplexity', 'tsne_lr', 'tsne_iterations', 'tsne_seed', 'k', 'metric', 'an_method', 'tab']) {
    assert.ok(messages.some((m) => m.startsWith(`${name}:`)), `a message for ${name}: ${messages.join(' | ')}`);
  }
  assert.ok(messages.every((m) => m.length < 160), 'messages stay short');
  assert.equal(validateView({ k: '1' }, schemas).view.k, 2);
  assert.equal(validateView({ k: '0' }, schemas).view.k, 0);
  assert.equal(validateView({ k: 'lots' }, schemas).view.k, 0);
  // An unknown model kind is the next-word model, with a message; word2vec settings are clamped against word2vecSchema().
  const back = await readLink(`#v=2&model=glove&dim=9999&end=1`, schemas);
  assert.equal(back.kind, 'nextword');
  assert.ok(back.messages.some((m) => m.startsWith('model:')));
  const w = await readLink(`#v=2&model=skipgram&dim=99999&negative=-3&model_extra=1&end=1`, schemas);
  assert.equal(w.kind, 'skipgram');
  const wspec = (name) => w2vSchema.find((s) => s.name === name);
  assert.equal(w.settings.dim, wspec('dim').max);
  assert.ok(w.messages.some((m) => m.startsWith('dim:')));
  assert.deepEqual(Object.keys(w.settings).sort(), schemaFor(schemas, 'skipgram').map((s) => s.name).sort());
});

test('"only these" travels as only=1, reads back from links and session files, and defaults to off for older ones', async () => {
  const text = prose(120);
  const mapped = { ...DEFAULT_VIEW, words: 1000, search: '/^[a-f]/', only: true };
  const link = await makeLink(BASE, { kind: 'nextword', settings, view: mapped, text }, schemas);
  assert.match(link.url, /&only=1&/);
  const back = await readLink(fragmentOf(link.url), schemas);
  assert.deepEqual(back.view, mapped);
  assert.deepEqual(back.messages, []);
  // Off is the default: not written, and a link without it (any older link) maps all the words.
  const plain = await makeLink(BASE, { kind: 'nextword', settings, view: { ...mapped, only: false }, text }, schemas);
  assert.doesNotMatch(plain.url, /[&#]only=/);
  assert.equal((await readLink(fragmentOf(plain.url), schemas)).view.only, false);
  assert.equal((await readLink('#v=1&words=100&search=fox&end=1', schemas)).view.only, false, 'a v1 link');
  // Hand-edited values: 1/0 and true/false are read, anything else is off with a message.
  for (const [raw, value] of [['1', true], ['true', true], ['0', false], ['false', false], ['', false]]) {
    assert.equal(validateView({ only: raw }, schemas).view.only, value, `only=${raw}`);
  }
  const bad = validateView({ only: '<b>yes</b>' }, schemas);
  assert.equal(bad.view.only, false);
  assert.ok(bad.messages.some((m) => m.startsWith('only:')), bad.messages.join(' | '));
  // A session file keeps it as JSON true.
  const file = readSavedSession(JSON.stringify(makeSavedSession({ text, settings, view: mapped })), schemas);
  assert.equal(file.view.only, true);
  assert.deepEqual(file.messages, []);
});

test('links and sessions from before Han bigrams read Chinese one ideograph at a time; newer ones keep the setting', async () => {
  assert.equal(defaults.han_bigrams, true, 'the form starts with pairs');
  const text = '我们去北京。';
  // An older link names every setting it knew, not han_bigrams: it trains as it did then.
  const older = await readLink(`#v=2&model=nextword&dim=40&words=300&proj=pca&z=${toBase64Url(await deflate(text))}&end=1`, schemas);
  assert.equal(older.settings.han_bigrams, false);
  assert.deepEqual(older.messages, []);
  for (const value of [true, false]) {
    const link = await makeLink(BASE, { kind: 'nextword', settings: { ...settings, han_bigrams: value }, view, text }, schemas);
    assert.equal((await readLink(fragmentOf(link.url), schemas)).settings.han_bigrams, value);
    const w2v = await makeLink(BASE, { kind: 'skipgram', settings: { ...w2vDefaults, han_bigrams: value }, view, text }, schemas);
    assert.equal((await readLink(fragmentOf(w2v.url), schemas)).settings.han_bigrams, value, 'word2vec too');
  }
  const { han_bigrams: absent, ...before } = settings;
  assert.equal(absent, true);
  assert.equal(readSavedSession(JSON.stringify(makeSavedSession({ text, settings: before, view })), schemas).settings.han_bigrams, false,
    'a session saved before');
  assert.equal(validateSettings(null, schema).settings.han_bigrams, true, 'nothing given: the defaults');
});

test('the Sentences view travels in links and session files; links without it open the word map as before', async () => {
  const text = prose(120);
  const sentences = {
    ...DEFAULT_VIEW, map: 'sentences', units: 'documents', doc: 'notes.csv', field: 'body', pooling: 'mean+max', stop: true,
    uproj: 'tsne', uk: 3, unit: 12, query: 'wing flutter', mode: 'bm25', utab: 'compare', cmp_a: 'A man plays.', cmp_b: 'Music.',
  };
  const link = await makeLink(BASE, { kind: 'nextword', settings, view: sentences, text }, schemas);
  assert.match(link.url, /&map=sentences&units=documents&doc=notes.csv&field=body&pooling=mean%2Bmax&stop=1&uproj=tsne&uk=3&unit=12&/);
  const back = await readLink(fragmentOf(link.url), schemas);
  assert.deepEqual(back.view, sentences);
  assert.deepEqual(back.messages, []);
  // The defaults are not written; a link from before the view (v1, or v2 without its keys) gets them.
  const plain = await makeLink(BASE, { kind: 'nextword', settings, view: DEFAULT_VIEW, text }, schemas);
  assert.doesNotMatch(plain.url, /[&#](map|units|pooling|stop|uproj|uk|unit|query|mode|utab|cmp_a|cmp_b|doc|field)=/);
  for (const old of ['#v=1&words=100&end=1', '#v=2&model=nextword&words=300&proj=pca&end=1']) {
    const v = (await readLink(old, schemas)).view;
    assert.equal(v.map, 'words', old);
    assert.equal(v.units, 'sentences');
    assert.equal(v.pooling, 'sif');
    assert.equal(v.unit, null);
  }
  // Hand-edited values: checked against their lists, with a message; strings cleaned and capped.
  const bad = validateView({ map: 'cubes', pooling: 'median', mode: 'google', uk: 99, unit: '-3', query: 'a\u0000b'.repeat(200), field: '' }, schemas);
  assert.deepEqual([bad.view.map, bad.view.pooling, bad.view.mode, bad.view.uk, bad.view.unit, bad.view.field],
    ['words', 'sif', 'hybrid', MAX_CLUSTERS, null, 'text']);
  assert.equal(bad.view.query.length, 200);
  assert.ok(!bad.view.query.includes('\u0000'));
  for (const name of ['map', 'pooling', 'mode', 'uk', 'unit']) {
    assert.ok(bad.messages.some((m) => m.startsWith(`${name}:`)), `${name}: ${bad.messages.join(' | ')}`);
  }
  const file = readSavedSession(JSON.stringify(makeSavedSession({ text, settings, view: sentences })), schemas);
  assert.deepEqual(file.view, sentences);
  assert.deepEqual(file.messages, []);
});

test('semantic axes, the 3D view and the odd one out travel in v2 links and session files; older links open without them', async () => {
  const text = prose(120);
  const geometry = {
    ...DEFAULT_VIEW, proj: 'axes', axis_x: 'he-she, man-woman', axis_y: '{rich wealthy} - {poor needy}', axes_orth: false,
    odd: 'cat dog fox car', tab: 'odd',
  };
  const link = await makeLink(BASE, { kind: 'nextword', settings, view: geometry, text }, schemas);
  assert.match(link.url, /&proj=axes&/);
  assert.match(link.url, /&axes_orth=0&/);
  const back = await readLink(fragmentOf(link.url), schemas);
  assert.deepEqual(back.view, geometry);
  assert.deepEqual(back.messages, []);
  const deep = { ...DEFAULT_VIEW, proj: 'tsne', dims: 3 };
  const deepBack = await readLink(fragmentOf((await makeLink(BASE, { kind: 'nextword', settings, view: deep, text }, schemas)).url), schemas);
  assert.equal(deepBack.view.dims, 3);
  assert.equal(deepBack.view.proj, 'tsne');
  // Defaults are not written: a 2D map with orthogonal axes and no odd words adds nothing to a link.
  const plain = await makeLink(BASE, { kind: 'nextword', settings, view: DEFAULT_VIEW, text }, schemas);
  assert.doesNotMatch(plain.url, /[&#](dims|axis_x|axis_y|axes_orth|odd)=/);
  // A v2 link made before these fields (and a v1 one) opens with them at their defaults, silently.
  for (const old of ['#v=2&model=nextword&words=300&proj=tsne&text=a+b&end=1', '#v=1&words=100&text=a+b&end=1']) {
    const opened = await readLink(old, schemas);
    assert.deepEqual([opened.view.dims, opened.view.axis_x, opened.view.axis_y, opened.view.axes_orth, opened.view.odd], [2, '', '', true, ''], old);
    assert.deepEqual(opened.messages, [], old);
  }
  // Hand-edited values: a dimension other than 2 or 3 is 2 with a message; axes are cleaned and capped.
  const bad = validateView({ dims: '4', axis_x: `he-she\u0000, man-woman${'x'.repeat(400)}`, axes_orth: 'maybe', proj: 'isomap' }, schemas);
  assert.equal(bad.view.dims, 2);
  assert.equal(bad.view.axis_x.length, 300);
  assert.ok(!bad.view.axis_x.includes('\u0000'));
  assert.equal(bad.view.axes_orth, true);
  assert.equal(bad.view.proj, 'pca');
  for (const name of ['dims:', 'axes_orth:', 'proj:']) assert.ok(bad.messages.some((m) => m.startsWith(name)), `${name} ${bad.messages.join(' | ')}`);
  // A session file keeps them as JSON values (dims a number).
  const file = readSavedSession(JSON.stringify(makeSavedSession({ text, settings, view: { ...geometry, dims: 3 } })), schemas);
  assert.deepEqual(file.view, { ...geometry, dims: 3 });
  assert.deepEqual(file.messages, []);
});

test('a link from a newer page, or with a bad version, is refused with a message', async () => {
  await assert.rejects(readLink('#v=3&end=1', schemas), (e) => e instanceof LinkError && /newer version/.test(e.message));
  await assert.rejects(readLink('#v=abc&end=1', schemas), (e) => e instanceof LinkError && /unknown version/.test(e.message));
});

test('mangled links: truncated, bad base64, damaged deflate, oversized', async () => {
  const link = await makeLink(BASE, { settings, view, text: prose(500) }, schemas);
  const fragment = fragmentOf(link.url);
  // Cut anywhere: the end marker is gone.
  for (const cut of [10, Math.floor(fragment.length / 2), fragment.length - 7]) {
    await assert.rejects(readLink(fragment.slice(0, cut), schemas), (e) => e instanceof LinkError && /cut short/.test(e.message));
  }
  // The end put back by hand after a cut: the deflate stream is incomplete.
  const z = fragment.match(/&z=([^&]*)/)[1];
  const cutText = fragment.replace(z, z.slice(0, z.length - 12));
  await assert.rejects(readLink(cutText, schemas), (e) => e instanceof LinkError && /cut short or damaged/.test(e.message));
  await assert.rejects(readLink(fragment.replace(z, `${z.slice(0, 20)}!!*${z.slice(23)}`), schemas),
    (e) => e instanceof LinkError && /base64url/.test(e.message));
  await assert.rejects(readLink(fragment.replace(z, 'AAAA'), schemas), LinkError);
  await assert.rejects(readLink(`#v=1&end=1&x=${'a'.repeat(70_000)}`, schemas), (e) => e instanceof LinkError && /too long/.test(e.message));
  await assert.rejects(readLink('#v=1&sha256=xyz&end=1', schemas), (e) => e instanceof LinkError && /hash/.test(e.message));
});

test('a deflate bomb is stopped at the text limit', async () => {
  const bomb = toBase64Url(await deflate('a'.repeat(MAX_TEXT_BYTES + 10)));
  assert.ok(bomb.length < 5000, 'a small link');
  await assert.rejects(readLink(`#v=1&z=${bomb}&end=1`, schemas), (e) => e instanceof LinkError && /larger than/.test(e.message));
});

test('settings from a link: clamped, rounded or replaced, with a message naming each', () => {
  const { settings: s, messages } = validateSettings({
    dim: '100000', context: '0', hidden: '12.6', lr: '1e999', epochs: '-5', optimizer: '<script>',
    lowercase: 'maybe', seed: '99999999999999999999999', batch: '', unknown_field: '7', __proto__: '1',
  }, schema);
  assert.equal(s.dim, spec('dim').max);
  assert.equal(s.context, spec('context').min);
  assert.equal(s.hidden, 13);
  assert.equal(s.lr, defaults.lr);
  assert.equal(s.epochs, spec('epochs').min);
  assert.equal(s.optimizer, defaults.optimizer);
  assert.equal(s.lowercase, defaults.lowercase);
  assert.equal(s.seed, spec('seed').max);
  assert.equal(s.batch, defaults.batch);
  assert.ok(!('unknown_field' in s), 'unknown fields are ignored');
  assert.deepEqual(Object.keys(s).sort(), schema.map((x) => x.name).sort(), 'exactly the schema\'s settings');
  for (const name of ['dim', 'context', 'hidden', 'lr', 'epochs', 'optimizer', 'lowercase', 'seed', 'batch']) {
    assert.ok(messages.some((m) => m.startsWith(`${name}:`)), `a message for ${name}: ${messages.join(' | ')}`);
  }
  assert.ok(!messages.some((m) => m.includes('unknown_field')), 'unknown fields are ignored quietly');
  assert.ok(messages.every((m) => m.length < 160), 'messages stay short, even for long values');
  // The clamped settings are ones the module accepts.
  const session = new Module.Workspace();
  const reply = JSON.parse(session.start(prose(400), JSON.stringify(s)));
  assert.ok(reply.ok, JSON.stringify(reply));
  session.delete();
});

test('the view from a link: words snapped, strings cleaned and capped, panels filtered', () => {
  const { view: v, messages } = validateView({
    words: '250', word: `<img src=x onerror=alert(1)>${'x'.repeat(100)}`, predict: 'a\u0000b\nc', open: 'map-why,evil,curves-why',
  }, schemas);
  assert.equal(v.words, 300);
  assert.equal(v.word.length, 64);
  assert.equal(v.predict, 'a b c');
  assert.deepEqual(v.open, ['map-why', 'curves-why']);
  assert.ok(messages.some((m) => m.startsWith('words:')));
});

test('a session file round-trips; a model file imports; bad files are refused', () => {
  const model = JSON.stringify({ format: 'embedding-playground-model', version: 1, settings: { dim: 8 } });
  const history = {
    loss: [[0.1, 5.2], [0.2, 4.9]],
    ppl: [[1, 120, 0.12, 0.34], [2, 95.5, 0.15, 0.4]],
    twin: { loss: 'mse', ppl: [[1, 300, 0.08, 0.2], [2, 250, 0.1, 0.25]] },
    reference: { label: 'KN-3 val ppl', ppl: 101.25 },
  };
  const ideas = {
    yardstick: { order: 3, valid_perplexity: 101.25, test_perplexity: 99.5 },
    test: { loss: 4.6, perplexity: 99.48, accuracy: 0.14, top5: 0.38, examples: 341 },
  };
  const run = { epoch: 1, epochs: 2, step: 10, finished: false, diverged: false };
  const stats = { sentences: 273, tokens: 3036, types: 300, vocab: 274, train_examples: 2417, valid_examples: 278, oov_tokens: 197 };
  const file = JSON.stringify(makeSavedSession({ text: 'a b c.', settings, view, model: JSON.parse(model), history, run, ideas, stats }));
  const back = readSavedSession(file, schemas);
  assert.equal(back.text, 'a b c.');
  assert.deepEqual(back.settings, settings);
  assert.deepEqual(back.view, view);
  assert.deepEqual(JSON.parse(back.model), JSON.parse(model));
  assert.deepEqual(back.history, history);
  assert.deepEqual(back.ideas, ideas);
  assert.deepEqual(back.run, run);
  assert.deepEqual(back.stats, stats);
  assert.deepEqual(back.messages, []);

  const bare = readSavedSession(model, schemas);
  assert.equal(bare.text, null);
  assert.equal(bare.settings.dim, 8);

  // A word2vec session keeps its kind and both forms' settings.
  const w2v = { ...w2vDefaults, dim: 16, seed: 5 };
  const wfile = JSON.stringify(makeSavedSession({ text: 't', kind: 'skipgram', settings, w2vSettings: w2v, view }));
  const wback = readSavedSession(wfile, schemas);
  assert.equal(wback.kind, 'skipgram');
  assert.deepEqual(wback.w2vSettings, w2v);
  assert.deepEqual(wback.settings, settings);
  assert.equal(wback.model, null);
  // An older session (no kind, no word2vec settings, a v1 view) reads with the defaults.
  const old = readSavedSession(JSON.stringify({ format: 'embedding-playground-session', version: 1, text: 't', settings, view: { words: 100 } }), schemas);
  assert.equal(old.kind, 'nextword');
  assert.deepEqual(old.w2vSettings, w2vDefaults);
  assert.deepEqual(old.view, { ...DEFAULT_VIEW, words: 100 });

  // A record from before the accuracies, the twin, the yardstick and the test figures: its
  // perplexities read with no accuracies, and the rest is empty.
  const older = readSavedSession(JSON.stringify({
    format: 'embedding-playground-session', version: 1, text: 't', settings, view, model: JSON.parse(model),
    history: { loss: [[0.1, 5.2]], ppl: [[1, 120]] },
  }), schemas);
  assert.deepEqual(older.history, { loss: [[0.1, 5.2]], ppl: [[1, 120, null, null]], twin: null, reference: null });
  assert.deepEqual(older.ideas, { yardstick: null, test: null });
  assert.equal(older.stats, null, 'a record from before the stats has none');
  assert.deepEqual(older.messages, []);

  // Malformed figures are dropped, one by one.
  const mangled = readSavedSession(JSON.stringify({
    format: 'embedding-playground-session', version: 1, text: 't', settings, view, model: JSON.parse(model),
    history: {
      ppl: [[1, 120, 7, -1], [2, 0.5, 0.1, 0.2], [3, 'x']],
      twin: { loss: 'hinge', ppl: [[1, 300, 0.1, 0.2]] },
      reference: { label: '<img src=x onerror=alert(1)>', ppl: 50 },
    },
    ideas: {
      yardstick: { order: 9, valid_perplexity: 50, test_perplexity: 40 },
      test: { perplexity: 40, accuracy: 0.1, top5: 0.2, examples: 0 },
    },
    stats: { ...stats, tokens: -1, vocab: '<b>274</b>' },
  }), schemas);
  assert.deepEqual(mangled.history.ppl, [[1, 120, null, null]], 'accuracies outside [0, 1] and perplexities below 1 are dropped');
  assert.equal(mangled.history.twin, null, 'a twin with an unknown loss is dropped');
  assert.deepEqual(mangled.history.reference, { label: null, ppl: 50 }, 'a label that is not plain text is dropped');
  assert.deepEqual(mangled.ideas, { yardstick: null, test: null });
  assert.equal(mangled.stats, null, 'stats that are not whole numbers of at least 0 are dropped');
  // Stats without a model are not read: they describe the model's run.
  assert.equal(readSavedSession(JSON.stringify(makeSavedSession({ text: 't', settings, view, stats })), schemas).stats, null);

  assert.throws(() => readSavedSession('{', schemas), /not valid JSON/);
  assert.throws(() => readSavedSession('[]', schemas), /not a session/);
  assert.throws(() => readSavedSession('{"format":"x"}', schemas), /not an Embedding Playground/);
  assert.throws(() => readSavedSession(JSON.stringify({ format: 'embedding-playground-session', version: 9, text: '' }), schemas), /newer/);
  assert.throws(() => readSavedSession(JSON.stringify({ format: 'embedding-playground-session', version: 1, text: 'a', model: { x: 1 } }), schemas),
    /not a model/);
  const odd = readSavedSession(JSON.stringify({
    format: 'embedding-playground-session', version: 1, text: 't', settings: { dim: 1e9 }, extra: 1,
    history: { loss: [[0, 1], ['x', 2], [1, null]] },
  }), schemas);
  assert.equal(odd.settings.dim, spec('dim').max);
  assert.deepEqual(odd.history.loss, [[0, 1]]);
  assert.ok(odd.messages.some((m) => m.startsWith('dim:')));
});

test('an item2vec link carries the data kind, its settings and the customer; older links are text', async () => {
  const i2vSchema = JSON.parse(Module.item2vecSchema());
  const all = { ...schemas, item2vec: i2vSchema };
  const i2v = { ...Object.fromEntries(i2vSchema.map((s) => [s.name, s.default])), dim: 32, knn_weight: 0.5, similarity: 'output' };
  const events = 'user,item\nu1,a\nu1,b\n';
  const state = { kind: 'item2vec', dataKind: 'events', settings: i2v, view: { ...DEFAULT_VIEW, tab: 'recommend', user: '17850' }, text: events };
  const { url, inline } = await makeLink(BASE, state, all);
  assert.equal(inline, true);
  assert.match(url, /model=item2vec/);
  assert.match(url, /data=events/);
  assert.match(url, /user=17850/);
  const back = await readLink(fragmentOf(url), all);
  assert.equal(back.kind, 'item2vec');
  assert.equal(back.dataKind, 'events');
  assert.deepEqual(back.settings, i2v);
  assert.equal(back.view.tab, 'recommend');
  assert.equal(back.view.user, '17850');
  assert.equal(back.text, events);
  assert.deepEqual(back.messages, []);
  // A link of text (or from before purchases) has data text; a bad data kind is named.
  const text = await readLink(fragmentOf((await makeLink(BASE, { kind: 'nextword', settings, view, text: 'a b.' }, all)).url), all);
  assert.equal(text.dataKind, 'text');
  assert.doesNotMatch((await makeLink(BASE, { kind: 'nextword', settings, view, text: 'a b.' }, all)).url, /data=/);
  const odd = await readLink(fragmentOf(url).replace('data=events', 'data=parquet'), all);
  assert.equal(odd.dataKind, 'text');
  assert.match(odd.messages.join(' '), /data: "?parquet"? is not one of text, events, baskets/);
  // A purchases log of megabytes goes as its hash, without compressing it first.
  const log = `user,item\n${Array.from({ length: 40000 }, (_, i) => `u${i % 997},i${(i * 7919) % 3001}`).join('\n')}\n`;
  const long = await makeLink(BASE, { ...state, text: log }, all);
  assert.equal(long.inline, false);
  assert.equal(long.textBytes, null);
  assert.equal((await readLink(fragmentOf(long.url), all)).sha256, await textHash(log));
});

test('a saved item2vec session keeps its data kind, its settings and the customer; older records read as text', () => {
  const i2vSchema = JSON.parse(Module.item2vecSchema());
  const all = { ...schemas, item2vec: i2vSchema };
  const i2v = { ...Object.fromEntries(i2vSchema.map((s) => [s.name, s.default])), epochs: 3, context: 'basket' };
  const file = JSON.stringify(makeSavedSession({
    text: 'a b\nc d\n', dataKind: 'baskets', kind: 'item2vec', settings, i2vSettings: i2v, view: { ...view, user: 'line 2' },
  }));
  const back = readSavedSession(file, all);
  assert.equal(back.kind, 'item2vec');
  assert.equal(back.dataKind, 'baskets');
  assert.deepEqual(back.i2vSettings, i2v);
  assert.equal(back.view.user, 'line 2');
  assert.equal(back.model, null, 'item2vec runs keep no model');
  assert.deepEqual(back.messages, []);
  const old = readSavedSession(JSON.stringify({ format: 'embedding-playground-session', version: 1, text: 't', settings, view }), all);
  assert.equal(old.dataKind, 'text');
  assert.equal(old.view.user, '');
  assert.deepEqual(old.i2vSettings, Object.fromEntries(i2vSchema.map((s) => [s.name, s.default])));
  const bad = readSavedSession(JSON.stringify({ format: 'embedding-playground-session', version: 1, text: 't', settings, view, data_kind: 'xml', i2v_settings: { dim: 1 } }), all);
  assert.equal(bad.dataKind, 'text');
  assert.match(bad.messages.join(' '), /data_kind: xml/);
  assert.match(bad.messages.join(' '), /item2vec dim/);
});

test('two sessions are the same whatever their time of saving; any other change makes them differ', () => {
  const base = { text: 'user,item\n1,a\n', dataKind: 'events', kind: 'item2vec', settings, view };
  const first = makeSavedSession(base);
  const later = { ...makeSavedSession(base), saved_at: '2099-01-01T00:00:00.000Z' };
  assert.ok(sameSession(first, later));
  assert.ok(!sameSession(null, later));
  assert.ok(!sameSession(first, makeSavedSession({ ...base, text: `${base.text}2,b\n` })));
  assert.ok(!sameSession(first, makeSavedSession({ ...base, view: { ...view, user: '1' } })));
  assert.ok(!sameSession(first, makeSavedSession({ ...base, model: {} })));
  const model = { weights: [1, 2] };
  assert.ok(sameSession(makeSavedSession({ ...base, model }), makeSavedSession({ ...base, model })));
});
