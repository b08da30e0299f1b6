// The share link: everything that defines a run, written into the URL fragment, and read back
// from a link that may have been cut short, edited by hand or made to attack the page.
// No DOM here (the unit tests in tests/web/ import this file in node); the page calls it.
//
// A v2 fragment is URL-encoded key=value pairs, readable and editable by hand:
//   #v=2&model=skipgram                   which model: nextword | skipgram | cbow | item2vec
//    &context=3&dim=32&...&seed=1         its settings, by their schema names: settingsSchema() for
//                                         nextword, word2vecSchema() (less `model`) for word2vec,
//                                         item2vecSchema() for item2vec
//    &data=events                         what the text is: text (absent) | events (a CSV) | baskets
//    &words=300&proj=tsne                 the map: how many words, which projection (pca | tsne | umap | axes)
//    &dims=3                              PCA and t-SNE in 3D (absent: 2D)
//    &tsne_perplexity=30&tsne_lr=0&tsne_iterations=1000&tsne_seed=1   t-SNE's options (tsneSchema())
//    &axis_x=he-she%2C+man-woman&axis_y=%7Brich+wealthy%7D+-+%7Bpoor+needy%7D&axes_orth=0
//                                         the semantic axes (pairs or sets), y kept as written (absent: orthogonal)
//    &search=%2F%5Eun%2F&k=4              the map's search box, its k-means clusters (0 = off)
//    &only=1                              map only the search's matches (absent or 0: all the words)
//    &word=fox&metric=cosine              the selected word, the neighbours' metric
//    &table=output                        the neighbours' table (input or output rows)
//    &predict=the+fox                     the Predict box
//    &an_a=king&an_b=man&an_c=woman&an_method=3CosAdd      the Analogy tab's fields
//    &odd=cat+dog+fox+car                 the Odd one out tab's words
//    &tab=analogy&open=map-why            the tab shown (neighbours | analogy | odd | eval | recommend), the open "why" panels
//    &user=17850                          the customer chosen in the Users tab (item2vec)
//    &vectors=glove.txt                   opened pre-trained vectors: their file's name only (never the file)
//    &map=sentences                       the map shows words (absent) or units of text (the Sentences view):
//    &units=paragraphs&pooling=mean&stop=1  its units (sentences | paragraphs | documents), pooling, stopwords out
//    &doc=notes.csv&field=body             a documents file's name only (never the file) and its text field
//    &uproj=tsne&uk=4&unit=12              the unit map's projection, clusters, the clicked unit
//    &query=wing+flutter&mode=bm25&utab=compare   the search box and its ranking, the dock's tab
//    &cmp_a=...&cmp_b=...                  the two sentences compared
//    &z=<base64url>                       the text, deflate-raw compressed (when the link stays short)
//    &sha256=<64 hex>&chars=<n>           or, for a longer text, its hash: the recipient opens the file
//    &end=1                               last: a link without it was cut short
// Older shapes are brought up to v2 by MIGRATIONS before anything is read. Fields added within v2
// (dims, axis_x, axis_y, axes_orth, odd) take their defaults when absent, so every v2 link opens as
// it did; a page older than them reads such a link with a message for the values it does not know.

export const LINK_VERSION = 2;

// A link with its text inline stays under this many characters, whole URL included. Links over
// about 8 KB get cut or refused by chat apps, mail clients and some servers and proxies (8,192
// bytes is a common request-line limit); 8,000 leaves room for the page's own address. Sample
// prose compresses about 3:1, so roughly 20,000 characters of text fit.
export const MAX_LINK_CHARS = 8000;
// Untrusted input bounds: a fragment longer than this is not read at all, and the text inflated
// from a link may not grow beyond MAX_TEXT_BYTES (a small deflate stream can expand 1000-fold).
export const MAX_FRAGMENT_CHARS = 64 * 1024;
export const MAX_TEXT_BYTES = 1 << 20;
export const MAX_WORD_CHARS = 64;       // the selected word (an item's name), a user's key
export const MAX_PREDICT_CHARS = 200;   // the Predict box
export const MAP_WORDS = Object.freeze([100, 300, 1000, 3000, 10000, 30000, 50000]);
export const WHY_PANELS = Object.freeze(['map-why', 'curves-why', 'predict-why', 'context-why', 'dim-why', 'units-why']);
export const PROJECTIONS = Object.freeze(['pca', 'tsne', 'umap', 'axes']);
export const DIMENSIONS = Object.freeze([2, 3]);  // the map's PCA and t-SNE: flat, or the 3D view
export const MODEL_KINDS = Object.freeze(['nextword', 'skipgram', 'cbow', 'item2vec']);
export const DATA_KINDS = Object.freeze(['text', 'events', 'baskets']);
export const METRICS = Object.freeze(['cosine', 'euclidean']);
export const TABLES = Object.freeze(['input', 'output']);
export const ANALOGY_METHODS = Object.freeze(['3CosAdd', '3CosMul']);
export const TABS = Object.freeze(['neighbours', 'analogy', 'odd', 'eval', 'recommend']);
export const MAP_VIEWS = Object.freeze(['words', 'sentences']);
export const UNIT_KINDS = Object.freeze(['sentences', 'paragraphs', 'documents']);
export const UNIT_PROJECTIONS = Object.freeze(['pca', 'tsne']);  // the unit map has no semantic axes
export const POOLINGS = Object.freeze(['mean', 'max', 'mean+max', 'sif']);
export const SEARCH_MODES = Object.freeze(['embedding', 'bm25', 'hybrid']);
export const UNIT_TABS = Object.freeze(['search', 'nearest', 'compare']);
export const MAX_QUERY_CHARS = 200;     // the Sentences view's search box and each compared sentence
export const MAX_FIELD_CHARS = 64;      // a documents file's text field or column
export const MAX_SEARCH_CHARS = 200;    // the map's search box
export const MAX_FILE_NAME_CHARS = 120; // the name of opened vectors
export const MAX_AXIS_CHARS = 300;      // a semantic axis as typed ("he-she, man-woman, ...")
export const MAX_ODD_CHARS = 200;       // the Odd one out box
// The view's t-SNE fields, each one t-SNE option of the module's tsneSchema(): its default and its
// range are the module's (the page's form, links and saved sessions all read them from there).
export const TSNE_VIEW_FIELDS = Object.freeze({
  tsne_perplexity: 'perplexity', tsne_lr: 'learning_rate', tsne_iterations: 'iterations', tsne_seed: 'seed',
});
// The view before anyone changes it, but for t-SNE's fields (defaultView() adds the module's).
export const DEFAULT_VIEW = Object.freeze({
  words: 300, proj: 'pca', search: '', only: false, k: 0,
  word: '', metric: 'cosine', table: 'input', predict: '', an_a: '', an_b: '', an_c: '', an_method: '3CosAdd', tab: 'neighbours',
  open: [], vectors: '', dims: 2, axis_x: '', axis_y: '', axes_orth: true, odd: '', user: '',
  map: 'words', units: 'sentences', doc: '', field: 'text', pooling: 'sif', stop: false, uproj: 'pca', uk: 0, unit: null,
  query: '', mode: 'hybrid', utab: 'search', cmp_a: '', cmp_b: '',
});

// A link that cannot be read at all; its message is for the user.
export class LinkError extends Error {
  constructor(message) {
    super(message);
    this.name = 'LinkError';
  }
}

// ---- bytes ---------------------------------------------------------------------------------------

export function toBase64Url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new LinkError('the text in the link is damaged (it is not valid base64url)');
  }
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function readAll(stream, limit) {
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new LinkError(`the text in the link is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

export async function deflate(text) {
  const stream = new Blob([new TextEncoder().encode(text)]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return readAll(stream, Infinity);
}

// The text back from deflate-raw bytes, at most `limit` bytes of UTF-8; LinkError if damaged.
export async function inflate(bytes, limit = MAX_TEXT_BYTES) {
  let raw;
  try {
    raw = await readAll(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')), limit);
  } catch (err) {
    if (err instanceof LinkError) throw err;
    throw new LinkError('the text in the link is cut short or damaged (it does not decompress)');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new LinkError('the text in the link is damaged (it is not UTF-8)');
  }
}

// SHA-256 of the text's UTF-8 bytes, as 64 hex digits. The last answer is kept: the address bar
// follows every change of the page, and hashing a purchases log (12 MB) takes the main thread a
// quarter of a second each time while its text stays the same.
let lastHashed = { text: null, hash: null };
export async function textHash(text) {
  if (text === lastHashed.text) return lastHashed.hash;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  const hash = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  lastHashed = { text, hash };
  return hash;
}

// ---- validation: the module's schema is the one list of settings and ranges ----------------------

const fmt = (v) => (Number.isInteger(v) ? String(v) : String(Number(Number(v).toPrecision(6))));
const shown = (v) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 24 ? `${s.slice(0, 24)}…` : s;
};

// Settings that came after links and saved sessions were first written, and whose default reads a
// text differently from the page before them: absent from a link or a session (made by that page),
// they take the value that page had, so the link still trains the same run (src/model_io.cpp does
// the same for model files).
export const WHEN_ABSENT = Object.freeze({
  han_bigrams: false,   // one token per Han ideograph, as before Han bigrams
});

// Reads settings from untrusted values (strings from a link, or JSON values from a file) against
// `schema` (Module.settingsSchema()). Missing settings take their defaults (or WHEN_ABSENT's), unknown
// ones are ignored, out-of-range numbers are clamped and unusable values replaced by the default, each
// change with a message naming the setting. Returns {settings, messages}.
export function validateSettings(input, schema) {
  const source = input && typeof input === 'object' ? input : {};
  const settings = {};
  const messages = [];
  for (const spec of schema) {
    const { name } = spec;
    if (!Object.prototype.hasOwnProperty.call(source, name)) {
      settings[name] = input && name in WHEN_ABSENT ? WHEN_ABSENT[name] : spec.default;
      continue;
    }
    const raw = source[name];
    const fallback = (why) => {
      settings[name] = spec.default;
      messages.push(`${name}: ${why}; using the default, ${fmt(spec.default)}`);
    };
    if (spec.type === 'bool') {
      if (raw === true || raw === 'true' || raw === '1' || raw === 1) settings[name] = true;
      else if (raw === false || raw === 'false' || raw === '0' || raw === 0) settings[name] = false;
      else fallback(`${shown(raw)} is not true or false`);
    } else if (spec.type === 'choice') {
      if (typeof raw === 'string' && spec.choices.includes(raw)) settings[name] = raw;
      else fallback(`${shown(raw)} is not one of ${spec.choices.join(', ')}`);
    } else {
      const value = typeof raw === 'number' ? raw : (typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN);
      if (!Number.isFinite(value)) { fallback(`${shown(raw)} is not a finite number`); continue; }
      let v = spec.type === 'int' ? Math.round(value) : value;
      if (v < spec.min) v = spec.min;
      if (v > spec.max) v = spec.max;
      if (v !== value) {
        const why = value < spec.min ? `${shown(raw)} is below the smallest allowed, ${fmt(spec.min)}`
          : value > spec.max ? `${shown(raw)} is above the largest allowed, ${fmt(spec.max)}`
            : `${shown(raw)} is not a whole number`;
        messages.push(`${name}: ${why}; using ${fmt(v)}`);
      }
      settings[name] = v;
    }
  }
  return { settings, messages };
}

// Control characters (and the line breaks) out, length capped: what a word or context may hold.
function cleanString(raw, max) {
  if (typeof raw !== 'string') return '';
  // eslint-disable-next-line no-control-regex
  return raw.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, max);
}

// One of `choices`, or `fallback` with a message naming `name`.
function readChoice(source, name, choices, fallback, messages) {
  const raw = source[name];
  if (raw == null || raw === '') return fallback;
  if (typeof raw === 'string' && choices.includes(raw)) return raw;
  messages.push(`${name}: ${shown(raw)} is not one of ${choices.join(', ')}; using ${fallback}`);
  return fallback;
}

// true or false (1 / 0, or absent: `fallback`), else `fallback` with a message naming `name`.
function readFlag(source, name, fallback, messages) {
  const raw = source[name];
  if (raw == null || raw === '') return fallback;
  if (raw === true || raw === 1 || raw === '1' || raw === 'true') return true;
  if (raw === false || raw === 0 || raw === '0' || raw === 'false') return false;
  messages.push(`${name}: ${shown(raw)} is not 1 or 0; using ${fallback ? 1 : 0}`);
  return fallback;
}

// The t-SNE fields as a schema of their own (tsneSchema()'s entries under the view's names), so
// that links and files check them as settings are checked.
function tsneViewSchema(schemas) {
  return Object.entries(TSNE_VIEW_FIELDS).map(([key, name]) => ({ ...schemas.tsne.find((spec) => spec.name === name), name: key }));
}

// The most clusters the page offers: k-means's own limit (kmeansSchema()).
export function maxClusters(schemas) {
  return schemas.kmeans.find((spec) => spec.name === 'k').max;
}

// The view before anyone changes it: DEFAULT_VIEW with t-SNE's defaults from its schema.
export function defaultView(schemas) {
  return { ...DEFAULT_VIEW, ...Object.fromEntries(tsneViewSchema(schemas).map((spec) => [spec.name, spec.default])) };
}

// A clusters control (`name`: k for the words, uk for the units): 0 (off) or 2..most (k-means's
// limit, maxClusters()), with a message.
function readClusters(source, name, most, messages) {
  const raw = source[name];
  if (raw == null || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isFinite(n)) {
    messages.push(`${name}: ${shown(raw)} is not a number; clusters off`);
    return 0;
  }
  const k = n <= 0 ? 0 : Math.min(most, Math.max(2, Math.round(n)));
  if (k !== n) messages.push(`${name}: clusters are off (0) or 2 to ${most}, not ${shown(raw)}; using ${k || 'off'}`);
  return k;
}

// The clicked unit: a unit's number (from 0), or null.
function readUnit(source, messages) {
  const raw = source.unit;
  if (raw == null || raw === '') return null;
  const n = Number(raw);
  if (Number.isSafeInteger(n) && n >= 0) return n;
  messages.push(`unit: ${shown(raw)} is not a unit's number; none selected`);
  return null;
}

// Reads the view (the map, its search, whether it maps only the matches, its clusters, the selected word and metric, the Predict box,
// the analogy, the tab and the open panels) from untrusted values. Every string is cleaned and
// capped, every choice checked against its list, every number clamped with a message; t-SNE's
// fields and the clusters' k against the module's schemas ({tsne, kmeans}: tsneSchema(), kmeansSchema()).
export function validateView(input, schemas) {
  const source = input && typeof input === 'object' ? input : {};
  const messages = [];
  let words = DEFAULT_VIEW.words;
  if (source.words != null) {
    const n = Number(source.words);
    if (!Number.isFinite(n)) messages.push(`words: ${shown(source.words)} is not a number; showing ${words}`);
    else {
      words = MAP_WORDS.reduce((best, m) => (Math.abs(m - n) < Math.abs(best - n) ? m : best), MAP_WORDS[0]);
      if (words !== n) messages.push(`words: the map shows ${MAP_WORDS.join(', ')} words, not ${shown(source.words)}; showing ${words}`);
    }
  }
  const proj = readChoice(source, 'proj', PROJECTIONS, DEFAULT_VIEW.proj, messages);
  const tsneSource = Object.fromEntries(Object.keys(TSNE_VIEW_FIELDS).filter((key) => source[key] != null && source[key] !== '')
    .map((key) => [key, source[key]]));
  const { settings: tsne, messages: tsneMessages } = validateSettings(tsneSource, tsneViewSchema(schemas));
  messages.push(...tsneMessages);
  const most = maxClusters(schemas);
  const view = {
    words,
    proj,
    ...tsne,
    search: cleanString(source.search, MAX_SEARCH_CHARS),
    only: readFlag(source, 'only', DEFAULT_VIEW.only, messages),
    k: readClusters(source, 'k', most, messages),
    word: cleanString(source.word, MAX_WORD_CHARS),
    metric: readChoice(source, 'metric', METRICS, DEFAULT_VIEW.metric, messages),
    table: readChoice(source, 'table', TABLES, DEFAULT_VIEW.table, messages),
    predict: cleanString(source.predict, MAX_PREDICT_CHARS),
    an_a: cleanString(source.an_a, MAX_WORD_CHARS),
    an_b: cleanString(source.an_b, MAX_WORD_CHARS),
    an_c: cleanString(source.an_c, MAX_WORD_CHARS),
    an_method: readChoice(source, 'an_method', ANALOGY_METHODS, DEFAULT_VIEW.an_method, messages),
    tab: readChoice(source, 'tab', TABS, DEFAULT_VIEW.tab, messages),
    open: [],
    vectors: cleanString(source.vectors, MAX_FILE_NAME_CHARS),
    dims: Number(readChoice({ dims: source.dims == null ? null : String(source.dims) }, 'dims', DIMENSIONS.map(String),
      String(DEFAULT_VIEW.dims), messages)),
    axis_x: cleanString(source.axis_x, MAX_AXIS_CHARS),
    axis_y: cleanString(source.axis_y, MAX_AXIS_CHARS),
    axes_orth: readFlag(source, 'axes_orth', DEFAULT_VIEW.axes_orth, messages),
    odd: cleanString(source.odd, MAX_ODD_CHARS),
    user: cleanString(source.user, MAX_WORD_CHARS),
    map: readChoice(source, 'map', MAP_VIEWS, DEFAULT_VIEW.map, messages),
    units: readChoice(source, 'units', UNIT_KINDS, DEFAULT_VIEW.units, messages),
    doc: cleanString(source.doc, MAX_FILE_NAME_CHARS),
    field: cleanString(source.field, MAX_FIELD_CHARS) || DEFAULT_VIEW.field,
    pooling: readChoice(source, 'pooling', POOLINGS, DEFAULT_VIEW.pooling, messages),
    stop: readFlag(source, 'stop', DEFAULT_VIEW.stop, messages),
    uproj: readChoice(source, 'uproj', UNIT_PROJECTIONS, DEFAULT_VIEW.uproj, messages),
    uk: readClusters(source, 'uk', most, messages),
    unit: readUnit(source, messages),
    query: cleanString(source.query, MAX_QUERY_CHARS),
    mode: readChoice(source, 'mode', SEARCH_MODES, DEFAULT_VIEW.mode, messages),
    utab: readChoice(source, 'utab', UNIT_TABS, DEFAULT_VIEW.utab, messages),
    cmp_a: cleanString(source.cmp_a, MAX_QUERY_CHARS),
    cmp_b: cleanString(source.cmp_b, MAX_QUERY_CHARS),
  };
  const asked = Array.isArray(source.open) ? source.open : String(source.open ?? '').split(',');
  view.open = WHY_PANELS.filter((id) => asked.includes(id));
  return { view, messages };
}

// The schema of a model kind's settings. `schemas` is {nextword, word2vec, item2vec, tsne, kmeans}:
// the module's settingsSchema(), word2vecSchema(), item2vecSchema(), tsneSchema() and kmeansSchema().
export function schemaFor(schemas, kind) {
  if (kind === 'nextword') return schemas.nextword;
  if (kind === 'item2vec') return schemas.item2vec ?? [];
  return schemas.word2vec.filter((spec) => spec.name !== 'model');  // the kind says which word2vec
}

// ---- versions -----------------------------------------------------------------------------------

// v0: the unversioned draft shape (no `v`): the text plain and percent-encoded in `t`, the map's word
// count in `n`, the selected word in `sel`, and two settings under older names (`ctx`, `embed`).
// Each migration takes the string parameters of version i and returns those of version i + 1.
export const MIGRATIONS = Object.freeze({
  0: (p) => {
    const rename = { ctx: 'context', embed: 'dim', n: 'words', sel: 'word', t: 'text' };
    const out = {};
    for (const [k, value] of Object.entries(p)) out[rename[k] ?? k] = value;
    out.v = '1';
    out.end = '1';  // v0 had no end marker
    return out;
  },
  // v1: the page had only the next-word model and PCA; v2 names the model (and adds view fields,
  // which take their defaults when absent).
  1: (p) => ({ ...p, v: '2', model: 'nextword' }),
});

// The fragment's parameters, brought up to LINK_VERSION. LinkError when unreadable.
export function parseFragment(fragment) {
  let text = String(fragment ?? '');
  if (text.startsWith('#')) text = text.slice(1);
  if (text.length > MAX_FRAGMENT_CHARS) {
    throw new LinkError(`the link is too long (${text.length} characters; at most ${MAX_FRAGMENT_CHARS} are read)`);
  }
  let params = {};
  try {
    for (const [k, value] of new URLSearchParams(text)) if (!(k in params)) params[k] = value;
  } catch {
    throw new LinkError('the link is not made of key=value pairs');
  }
  const version = params.v == null ? 0 : Number(params.v);
  if (!Number.isInteger(version) || version < 0) throw new LinkError(`the link has an unknown version "${shown(params.v)}"`);
  if (version > LINK_VERSION) {
    throw new LinkError(`the link was made by a newer version of the page (link version ${version}; this page reads up to ${LINK_VERSION})`);
  }
  for (let v = version; v < LINK_VERSION; v += 1) params = MIGRATIONS[v](params);
  return params;
}

// ---- writing and reading links -----------------------------------------------------------------

const VIEW_KEYS = Object.freeze(['words', 'proj', ...Object.keys(TSNE_VIEW_FIELDS), 'search', 'only', 'k', 'word',
  'metric', 'table', 'predict', 'an_a', 'an_b', 'an_c', 'an_method', 'tab', 'vectors', 'dims', 'axis_x', 'axis_y', 'axes_orth', 'odd', 'user',
  'map', 'units', 'doc', 'field', 'pooling', 'stop', 'uproj', 'uk', 'unit', 'query', 'mode', 'utab', 'cmp_a', 'cmp_b']);

function paramsFor({ kind = 'nextword', dataKind = 'text', settings, view }, schemas) {
  const p = new URLSearchParams();
  p.set('v', String(LINK_VERSION));
  p.set('model', kind);
  if (dataKind !== 'text') p.set('data', dataKind);
  for (const spec of schemaFor(schemas, kind)) if (settings[spec.name] !== undefined) p.set(spec.name, String(settings[spec.name]));
  // Only what differs from the default view: the link stays short and readable.
  const defaults = defaultView(schemas);
  for (const key of VIEW_KEYS) {
    const value = view[key] ?? defaults[key];
    if (key === 'words' || key === 'proj' || value !== defaults[key]) p.set(key, typeof value === 'boolean' ? String(Number(value)) : String(value));
  }
  if (view.open?.length) p.set('open', view.open.join(','));
  return p;
}

// The share link for `state` {kind, dataKind, settings, view, text} on the page at `base` (its address without
// the fragment); `settings` are those of `kind`, read against schemaFor(schemas, kind). The text goes inline, compressed, when the whole link stays within `maxChars`;
// otherwise the link names the text by its SHA-256. Returns {url, inline, textBytes (compressed,
// or null for a text too long to try)}.
export async function makeLink(base, state, schemas, { maxChars = MAX_LINK_CHARS } = {}) {
  const head = `${base.split('#')[0]}#`;
  const p = paramsFor(state, schemas);
  const text = state.text ?? '';
  // A text this long cannot compress into a link (40:1 is beyond any text's ratio): no deflate of
  // megabytes (a purchases log) each time the address bar follows the page. textBytes null then.
  let compressed = null;
  if (text.length <= 40 * maxChars) {
    compressed = toBase64Url(await deflate(text));
    const inline = `${head}${p.toString()}&z=${compressed}&end=1`;
    if (inline.length <= maxChars) return { url: inline, inline: true, textBytes: compressed.length };
  }
  p.set('sha256', await textHash(text));
  p.set('chars', String(text.length));
  p.set('end', '1');
  return { url: `${head}${p.toString()}`, inline: false, textBytes: compressed?.length ?? null };
}

// Reads a link's fragment against the settings schemas (see schemaFor). Returns
//   {kind, dataKind, settings, view, text, sha256, chars, messages}
// where settings are those of the model `kind`, dataKind what its text is (text | events | baskets),
// where text is the text if the link carries it (else null), and sha256/chars name the text the
// recipient must open (else null). Values out of range are clamped with a message; a link that
// cannot be read at all throws LinkError.
export async function readLink(fragment, schemas) {
  const p = parseFragment(fragment);
  if (p.end !== '1') throw new LinkError('the link was cut short (its end is missing): ask for the whole link');
  const kindMessages = [];
  const kind = readChoice(p, 'model', MODEL_KINDS, 'nextword', kindMessages);
  const dataKind = readChoice(p, 'data', DATA_KINDS, 'text', kindMessages);
  const { settings, messages } = validateSettings(p, schemaFor(schemas, kind));
  messages.unshift(...kindMessages);
  const { view, messages: viewMessages } = validateView(p, schemas);
  messages.push(...viewMessages);
  let text = null;
  let sha256 = null;
  let chars = null;
  if (p.z != null) text = await inflate(fromBase64Url(p.z));
  else if (p.text != null) {
    if (p.text.length > MAX_TEXT_BYTES) throw new LinkError('the text in the link is too long');
    text = p.text;
  } else if (p.sha256 != null) {
    if (!/^[0-9a-f]{64}$/.test(p.sha256)) throw new LinkError('the text hash in the link is damaged');
    sha256 = p.sha256;
    const n = Number(p.chars);
    chars = Number.isInteger(n) && n >= 0 ? n : null;
  } else {
    messages.push('the link carries no text; the text on the page is kept');
  }
  return { kind, dataKind, settings, view, text, sha256, chars, messages };
}
