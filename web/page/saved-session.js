// The saved session: the whole session (text, settings, view, trained model, its text stats, curves,
// the seed-idea figures) as one record, which the page keeps in IndexedDB (browser-store.js) and the
// user exports and imports as a JSON file. Reading one treats it as untrusted: size limits, the
// settings schema, unknown fields ignored. No DOM here.
import { DATA_KINDS, MODEL_KINDS, schemaFor, validateSettings, validateView } from './share.js';

export const SESSION_FORMAT = 'embedding-playground-session';
export const SESSION_VERSION = 1;
export const MODEL_FORMAT = 'embedding-playground-model';   // src/model_io.cpp writes these
export const MAX_SESSION_BYTES = 256 * 1024 * 1024;
export const MAX_SESSION_TEXT = 64 * 1024 * 1024;
export const MAX_HISTORY_POINTS = 200_000;

// model: the next-word model file's JSON (the module's saveModel(), parsed) or null. kind is the
// model selector (nextword | skipgram | cbow | item2vec); settings are the next-word form's,
// w2v_settings the word2vec form's, i2v_settings item2vec's (all kept, so switching back finds
// them); data_kind what the text is (text | events | baskets). A word2vec or item2vec run keeps no
// model: its settings and seed come back and Play trains it again. Fields added after version 1
// (kind, w2v_settings, i2v_settings, data_kind, the view's new fields, ideas, stats, the history's
// accuracies, twin and reference) are optional: a file without them takes the defaults.
export function makeSavedSession({
  text, dataKind = 'text', kind = 'nextword', settings, w2vSettings = null, i2vSettings = null, view, model = null, history = null,
  run = null, ideas = null, stats = null,
}) {
  return {
    format: SESSION_FORMAT,
    version: SESSION_VERSION,
    saved_at: new Date().toISOString(),
    text,
    data_kind: dataKind,
    kind,
    settings,
    w2v_settings: w2vSettings,
    i2v_settings: i2vSettings,
    view,
    model,
    run,           // {epoch, epochs, step, finished, diverged} of the model, for the status line
    stats,         // the model's text stats, as start() gave them (the model file does not hold them):
                   //   {sentences, tokens, types, vocab, train_examples, valid_examples, oov_tokens}
    history,       // the chart's series (charts.js history()): {loss: [[epoch, loss]...],
                   //   ppl: [[epoch, perplexity, top-1, top-5]...], twin: {loss, ppl: [...]} or null,
                   //   reference: {label, ppl} or null}
    ideas,         // the seed-idea figures (ideas.js record()): {yardstick: {order, valid_perplexity,
                   //   test_perplexity} or null, test: {loss, perplexity, accuracy, top5, examples} or null}
  };
}

// True when two sessions hold the same, whatever their time of saving: the text compared as a
// string and the model by identity (the page replaces it, never edits it), so an unchanged
// purchases log is not copied into IndexedDB again (a copy of 12 MB holds the main thread ~0.1 s).
export function sameSession(a, b) {
  if (!a || !b || a.text !== b.text || a.model !== b.model) return false;
  const rest = (s) => JSON.stringify({ ...s, saved_at: null, text: null, model: null });
  return rest(a) === rest(b);
}

const finiteOrNull = (v) => (Number.isFinite(v) ? v : null);
const perplexity = (v) => (Number.isFinite(v) && v >= 1 ? v : null);
const share = (v) => (Number.isFinite(v) && v >= 0 && v <= 1 ? v : null);
const isObject = (v) => v != null && typeof v === 'object' && !Array.isArray(v);
const REFERENCE_LABEL = /^[\w .+-]{1,32}$/;   // e.g. "KN-3 val ppl"

// Up to MAX_HISTORY_POINTS rows of a curve, each checked by `row` (null: dropped).
function readRows(list, name, row, messages) {
  if (!Array.isArray(list)) return [];
  if (list.length > MAX_HISTORY_POINTS) messages.push(`the ${name} curve was cut to ${MAX_HISTORY_POINTS} points`);
  return list.slice(0, MAX_HISTORY_POINTS).map((r) => (Array.isArray(r) && Number.isFinite(r[0]) ? row(r) : null)).filter(Boolean);
}
const lossRow = ([x, loss]) => (Number.isFinite(loss) ? [x, loss] : null);
// [epoch, perplexity, top-1, top-5]; a file from before the accuracies has [epoch, perplexity].
const evaluationRow = ([x, ppl, top1, top5]) => (perplexity(ppl) == null ? null : [x, ppl, share(top1), share(top5)]);

// lossChoices: the settings schema's losses, which may name the twin.
function readHistory(h, lossChoices, messages) {
  const out = { loss: [], ppl: [], twin: null, reference: null };
  if (!isObject(h)) return out;
  out.loss = readRows(h.loss, 'loss', lossRow, messages);
  out.ppl = readRows(h.ppl, 'perplexity', evaluationRow, messages);
  if (isObject(h.twin) && lossChoices.includes(h.twin.loss)) {
    const rows = readRows(h.twin.ppl, 'twin', evaluationRow, messages);
    if (rows.length) out.twin = { loss: h.twin.loss, ppl: rows };
  }
  if (isObject(h.reference) && perplexity(h.reference.ppl) != null) {
    const label = typeof h.reference.label === 'string' && REFERENCE_LABEL.test(h.reference.label) ? h.reference.label : null;
    out.reference = { label, ppl: h.reference.ppl };
  }
  return out;
}

// The seed-idea figures; order: the settings schema's ngram_order (its range). Anything malformed is dropped.
function readIdeas(v, order) {
  const out = { yardstick: null, test: null };
  if (!isObject(v)) return out;
  const y = v.yardstick;
  if (isObject(y) && Number.isInteger(y.order) && y.order >= order?.min && y.order <= order?.max) {
    out.yardstick = { order: y.order, valid_perplexity: perplexity(y.valid_perplexity), test_perplexity: perplexity(y.test_perplexity) };
  }
  const t = v.test;
  if (isObject(t) && Number.isInteger(t.examples) && t.examples > 0 && perplexity(t.perplexity) != null) {
    out.test = { loss: finiteOrNull(t.loss), perplexity: t.perplexity, accuracy: share(t.accuracy), top5: share(t.top5), examples: t.examples };
  }
  return out;
}

// The text stats of the run, each a whole number of at least 0, or null (an older record has none).
const STAT_FIELDS = Object.freeze(['sentences', 'tokens', 'types', 'vocab', 'train_examples', 'valid_examples', 'oov_tokens']);
function readStats(s) {
  if (!isObject(s) || !STAT_FIELDS.every((f) => Number.isSafeInteger(s[f]) && s[f] >= 0)) return null;
  return Object.fromEntries(STAT_FIELDS.map((f) => [f, s[f]]));
}

function readRun(r) {
  if (!r || typeof r !== 'object') return null;
  const int = (v) => (Number.isInteger(v) && v >= 0 ? v : 0);
  return { epoch: int(r.epoch), epochs: int(r.epochs), step: int(r.step), finished: r.finished === true, diverged: r.diverged === true };
}

// Reads an exported session (or a bare model file) from its text, against the module's schemas
// ({nextword, word2vec, item2vec, tsne, kmeans}; see share.js schemaFor). Returns
//   {text, dataKind, kind, settings, w2vSettings, i2vSettings, view, model (JSON text or null), history, run, ideas, stats, messages}
// text is null for a bare model file. Throws an Error with a message for the user.
export function readSavedSession(fileText, schemas) {
  if (typeof fileText !== 'string') throw new Error('the file is not text');
  if (fileText.length > MAX_SESSION_BYTES) throw new Error(`the file is larger than ${MAX_SESSION_BYTES / 2 ** 20} MB`);
  let j;
  try { j = JSON.parse(fileText); } catch { throw new Error('the file is not valid JSON'); }
  return readSavedSessionValue(j, schemas);
}

// The same for a value already parsed (the record kept in IndexedDB, which an older page may have written).
export function readSavedSessionValue(j, schemas) {
  if (!j || typeof j !== 'object' || Array.isArray(j)) throw new Error('the file is not a session or a model');
  const schema = schemaFor(schemas, 'nextword');
  // The settings of another model's form (word2vec, item2vec), or null when the schemas lack it.
  const formOf = (kind, name) => (raw, messages) => {
    const other = schemaFor(schemas, kind);
    if (!other.length) return null;
    const r = validateSettings(raw, other);
    if (raw != null) messages.push(...r.messages.map((m) => `${name} ${m}`));
    return r.settings;
  };
  const w2v = formOf('skipgram', 'word2vec');
  const i2v = formOf('item2vec', 'item2vec');
  if (j.format === MODEL_FORMAT) {
    const { settings, messages } = validateSettings(j.settings, schema);
    return {
      text: null, dataKind: 'text', kind: 'nextword', settings, w2vSettings: w2v(null, messages), i2vSettings: i2v(null, messages),
      view: null, model: JSON.stringify(j),
      history: readHistory(null, [], []), run: null, ideas: readIdeas(null), stats: null, messages,
    };
  }
  if (j.format !== SESSION_FORMAT) throw new Error('the file is not an Embedding Playground session or model');
  if (!Number.isInteger(j.version) || j.version < 1) throw new Error('the session file has no valid version');
  if (j.version > SESSION_VERSION) throw new Error(`the session was saved by a newer version of the page (version ${j.version})`);
  if (typeof j.text !== 'string') throw new Error('the session has no text');
  if (j.text.length > MAX_SESSION_TEXT) throw new Error('the session\'s text is too long');
  const { settings, messages } = validateSettings(j.settings, schema);
  let kind = 'nextword';
  if (j.kind != null && MODEL_KINDS.includes(j.kind)) kind = j.kind;
  else if (j.kind != null) messages.push(`kind: ${String(j.kind).slice(0, 24)} is not one of ${MODEL_KINDS.join(', ')}; using nextword`);
  const w2vSettings = w2v(j.w2v_settings, messages);
  const i2vSettings = i2v(j.i2v_settings, messages);
  let dataKind = 'text';
  if (j.data_kind != null && DATA_KINDS.includes(j.data_kind)) dataKind = j.data_kind;
  else if (j.data_kind != null) messages.push(`data_kind: ${String(j.data_kind).slice(0, 24)} is not one of ${DATA_KINDS.join(', ')}; using text`);
  const { view, messages: viewMessages } = validateView(j.view, schemas);
  messages.push(...viewMessages);
  let model = null;
  if (j.model != null) {
    if (typeof j.model !== 'object' || j.model.format !== MODEL_FORMAT) throw new Error('the session\'s model is not a model');
    model = JSON.stringify(j.model);
  }
  const spec = (name) => schema.find((s) => s.name === name);
  const history = readHistory(j.history, spec('loss')?.choices ?? [], messages);
  const ideas = readIdeas(j.ideas, spec('ngram_order'));
  return {
    text: j.text, dataKind, kind, settings, w2vSettings, i2vSettings, view, model, history, run: model ? readRun(j.run) : null, ideas,
    stats: model ? readStats(j.stats) : null, messages,
  };
}
