// Settings that follow the text's size in the page: a field takes the core's suggestion until the
// user edits it; a link's or a saved session's values stay exactly as they were (an older link,
// made before the rule, included) and follow the text afterwards only where they agreed with it.
// The suggestions are the WebAssembly module's own (countTokens), on texts of the bands' sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { AutoSettings } from '../../web/page/auto-settings.js';
import { defaultView, makeLink, readLink } from '../../web/page/share.js';
import { makeSavedSession, readSavedSession } from '../../web/page/saved-session.js';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const createEmbPlay = require(path.join(root, 'build/wasm/embplay.js'));
const Module = await createEmbPlay({ wasmBinary: fs.readFileSync(path.join(root, 'build/wasm/embplay.wasm')) });
const schema = JSON.parse(Module.settingsSchema());
const schemas = {
  nextword: schema, word2vec: JSON.parse(Module.word2vecSchema()), tsne: JSON.parse(Module.tsneSchema()),
  kmeans: JSON.parse(Module.kmeansSchema()),
};
const defaults = Object.fromEntries(schema.map((s) => [s.name, s.default]));
const BASE = 'https://example.org/play/index.html';

// A text of about `words` tokens, and what the module says of it.
function text(words) {
  const vocab = ['the', 'fox', 'ran', 'over', 'a', 'hill', 'and', 'saw', 'river', 'wolf', 'cat', 'slept'];
  let s = 5;
  const out = [];
  for (let i = 0; i < words; i += 1) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(vocab[s % vocab.length] + (i % 9 === 8 ? '.' : ''));
  }
  return out.join(' ');
}
const counted = (t) => JSON.parse(Module.countTokens(t, '{}'));

// The form's values after a suggestion: what apply() asks to write, over `values`.
function follow(auto, values, suggested) {
  const { changes, auto: names } = auto.apply(values, suggested);
  return { values: { ...values, ...changes }, names };
}

test('the module suggests by the text\'s size and says when it is too small', () => {
  const small = counted(text(3000));
  assert.equal(small.too_small, true);
  assert.equal(small.suggested.nextword.context, 2);
  assert.deepEqual([small.suggested.nextword.lr, small.suggested.nextword.epochs, small.suggested.nextword.patience], [0.001, 100, 10]);
  assert.equal(small.suggested.word2vec.min_count, 3);
  const middle = counted(text(40000));
  assert.equal(middle.too_small, false);
  assert.equal(middle.suggested.nextword.context, 3);
  assert.equal(middle.suggested.word2vec.epochs, Math.round(2e6 / middle.tokens));
  for (const name of Object.keys(middle.suggested.nextword)) assert.ok(name in defaults, `${name} is a setting`);
});

test('fields the user has not edited follow the text; an edited one keeps its value', () => {
  const small = counted(text(3000)).suggested.nextword;
  const middle = counted(text(40000)).suggested.nextword;
  const auto = new AutoSettings();
  let form = follow(auto, defaults, small);
  assert.equal(form.values.dim, 64);
  assert.equal(form.values.dropout, 0.5);
  assert.ok(form.names.includes('dim'));
  auto.edited('dim');                 // the user types 48
  form.values.dim = 48;
  form = follow(auto, form.values, middle);
  assert.equal(form.values.dim, 48, 'edited: kept');
  assert.ok(!form.names.includes('dim'));
  assert.equal(form.values.context, 3, 'the others follow the larger text');
  assert.equal(form.values.dropout, 0.3);
  assert.equal(form.values.seed, defaults.seed, 'a setting the rule does not choose is left alone');
  auto.reset();                       // Defaults: every field follows the text again
  form = follow(auto, form.values, middle);
  assert.equal(form.values.dim, 128);
  // The floats as the form reads them back (0.003 as a float32) are the suggested values, unchanged.
  const { changes } = new AutoSettings().apply({ ...form.values, lr: Math.fround(0.003) }, middle);
  assert.deepEqual(changes, {});
});

test('a link carries the values it ran with and opens with exactly them, older links too', async () => {
  const small = counted(text(3000));
  const ran = { ...defaults, ...small.suggested.nextword, seed: 9 };
  const link = await makeLink(BASE, { kind: 'nextword', settings: ran, view: defaultView(schemas), text: text(3000) }, schemas);
  const opened = await readLink(link.url.slice(link.url.indexOf('#')), schemas);
  assert.deepEqual(opened.settings, ran);
  // The page sets them (restored), then counts the link's text: nothing changes, and the values the
  // rule agrees with follow a longer text pasted later; the rest are the link's for good.
  const auto = new AutoSettings();
  auto.restored(Object.keys(opened.settings));
  let form = follow(auto, opened.settings, small.suggested.nextword);
  assert.deepEqual(form.values, ran);
  assert.ok(form.names.includes('dim'));
  // A link from before the rule (d 32, 15 epochs, no early stopping): opened as it was made.
  const older = await readLink(`#v=2&model=nextword&dim=32&epochs=15&patience=0&lr=0.002&words=300&proj=pca&text=${text(50).replace(/ /g, '+')}&end=1`, schemas);
  const before = new AutoSettings();
  before.restored(Object.keys(older.settings));
  form = follow(before, older.settings, small.suggested.nextword);
  assert.deepEqual([form.values.dim, form.values.epochs, form.values.patience, form.values.lr], [32, 15, 0, 0.002]);
  form = follow(before, form.values, counted(text(40000)).suggested.nextword);
  assert.equal(form.values.dim, 32, 'still the link\'s after a longer text');
  // A saved session the same way.
  const session = readSavedSession(JSON.stringify(makeSavedSession({ text: text(3000), settings: ran, view: defaultView(schemas) })), schemas);
  assert.deepEqual(session.settings, ran);
});
