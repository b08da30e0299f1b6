// The Sentences view, the map panel's other face: the units of the text (its sentences or
// paragraphs) or of a documents file, pooled from whatever word vectors are loaded; their map
// (points coloured by cluster, hover for a unit's text and coverage, click for its nearest units),
// a search engine over them (embedding, BM25 and hybrid rankings, matched words marked, scores
// shown), and two typed sentences compared word by word. The worker builds, pools and answers
// (worker/sentences.js); this panel asks and draws. Text reaches the page as text nodes and <mark>.
import { fmtBytes, fmtInt } from './format.js';
import { WordMap, fillClusterLegend } from './map.js';
import { SEARCH_MODES } from './share.js';

const MAP_UNITS = 3000;        // units on the map at most (an even sample of the rest)
const RESULTS = 10;            // search results and nearest units
const TEXT_DELAY_MS = 800;     // the text's units are rebuilt this long after the last edit
const QUERY_DELAY_MS = 250;    // a typed query is searched this long after the last keystroke
const DOCUMENT_CHUNK = 4 << 20;  // a documents file goes to the worker in slices of this many bytes
const CLUSTER_SEED = 1;
const LABEL_CHARS = 28;        // a unit's label on the map: its first words
const UNIT_NAMES = { sentences: ['sentence', 'sentences'], paragraphs: ['paragraph', 'paragraphs'], documents: ['document', 'documents'] };

const $ = (id) => document.getElementById(id);

// "12 paragraphs", "1 sentence".
function count(n, kind) {
  const [one, many] = UNIT_NAMES[kind] ?? ['unit', 'units'];
  return `${fmtInt(n)} ${n === 1 ? one : many}`;
}

// A unit's text as nodes: `parts` alternate plain and matched pieces (protocol.js, unitSearch).
function textNodes(parts) {
  return parts.map((piece, i) => {
    if (i % 2 === 0) return document.createTextNode(piece);
    const mark = document.createElement('mark');
    mark.textContent = piece;
    return mark;
  });
}

// A unit as the page names it: its number from 1 ("#1" is the text's first unit).
const unitName = (unit) => `#${fmtInt(unit + 1)}`;

// How many of a unit's words had a vector: "12/14 words with vectors".
const coverage = (known, words) => (known == null ? 'not pooled yet' : `${known}/${words} words with vectors`);

// The documents file's format, from its name: JSON lines, CSV, or one document per line.
const documentFormat = (name) => (/\.(jsonl|ndjson|json)$/i.test(name) ? 'jsonl' : /\.csv$/i.test(name) ? 'csv' : 'lines');

export class SentencesPanel {
  // call(type, fields, transfer): the worker. view: the view state (view-state.js). text(): the
  // page's text. hasVectors(): there are word vectors (a run, a model, a file). changed(): the view
  // changed in a way the link and the saved session keep.
  constructor({ call, view, text, hasVectors, changed }) {
    Object.assign(this, { call, view, text, hasVectors, changed });
    this.active = false;
    this.status = { units: 0 };  // the worker's last word on the units (SENTENCES in protocol.js)
    this.opened = null;          // what the units were last asked from: {kind, text} or {kind: 'documents', file, field}
    this.documentFile = null;    // the documents file opened in this page (never saved)
    this.poolingSent = null;     // the pooling the worker was last told, as JSON
    this.frame = null;           // the unit map: {units, coords, texts, known, words, withVector, projection}
    this.results = {};           // mode -> unitSearch reply or {error}
    this.searchAsk = 0;          // bumped by each search, so an old answer is dropped
    this.searchesAnswered = 0;   // searches whose three rankings are shown
    this.map = new WordMap($('units-map'), $('units-tooltip'), {
      onSelect: (key) => this.selectUnit(key == null ? null : Number(key), { fromMap: true }),
      keepClear: [document.querySelector('.units-stage .map-legend'), $('units-legend'), $('units-message')],
      labelOf: (i) => this.#label(i),
      describe: (i, cosine) => this.#describe(i, cosine),
      ringsOnly: true,
    });
    this.map.setLabelDensity('forced');
    $('units-fit').addEventListener('click', () => this.map.fit());
    $('units-file').addEventListener('change', (e) => this.#openDocuments(e.target));
    view.on('mapView', (v) => (v === 'sentences' ? this.activate() : this.deactivate()));
    view.on('unitsKind', () => this.#ensureUnits());
    view.on('unitsField', () => { if (this.view.unitsKind === 'documents' && this.documentFile) this.#sendDocuments(this.documentFile); });
    view.on('unitsPooling', () => this.syncPooling());
    view.on('unitsProjection', () => this.#projectionChanged());
    view.on('unitsClusters', () => this.#refreshClusters());
    view.on('unitsQuery', () => {
      clearTimeout(this.queryTimer);
      this.queryTimer = setTimeout(() => this.search(), QUERY_DELAY_MS);
    });
    view.on('unitsSearch', () => this.search());
    view.on('unitsMode', () => this.#renderResults());
    view.on('unitsCompare', () => this.compare());
  }

  // ---- the units ---------------------------------------------------------------------------------

  activate() {
    this.active = true;
    this.#renderKind();
    this.syncPooling();
    this.#ensureUnits();
    if (this.status.pooled && !this.frame) this.refreshMap();
  }

  deactivate() {
    this.active = false;
  }

  // Tells the worker the view's pooling when it differs from what it was told (the units pool again).
  syncPooling() {
    const p = this.view.pooling;
    const key = JSON.stringify(p);
    if (key === this.poolingSent) return Promise.resolve();
    this.poolingSent = key;
    return this.call('unitsPooling', p).catch((err) => this.#message(`Pooling: ${err.message}`, true));
  }

  // The units the view asks for, from the text (when it changed) or the documents file.
  #ensureUnits() {
    this.#renderKind();
    if (!this.active) return;
    const kind = this.view.unitsKind;
    if (kind === 'documents') {
      if (this.documentFile && this.opened?.file !== this.documentFile) this.#sendDocuments(this.documentFile);
      else if (!this.documentFile) this.#renderEmpty();
      return;
    }
    const text = this.text();
    if (this.opened?.kind === kind && this.opened.text === text) return;
    this.opened = { kind, text };
    this.#forgetUnits();
    this.call('unitsOpen', { text, kind }).catch((err) => this.#message(err.message, true));
  }

  // The text was edited: its units follow, a moment after the last edit.
  textChanged() {
    clearTimeout(this.textTimer);
    if (this.view.unitsKind !== 'documents') this.textTimer = setTimeout(() => this.#ensureUnits(), TEXT_DELAY_MS);
  }

  // A new worker (the old one died): it holds no units; they are asked for again.
  workerRestarted() {
    this.opened = null;
    this.poolingSent = null;
    this.status = { units: 0 };
    this.#forgetUnits();
    if (this.active) this.activate();
  }

  async #openDocuments(input) {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    this.documentFile = file;
    this.view.docName = file.name;
    this.changed();
    await this.#sendDocuments(file);
  }

  // Streams the documents file to the worker in slices, with progress; the units it holds stay
  // until the file's units are read cleanly.
  async #sendDocuments(file) {
    const format = documentFormat(file.name);
    const field = format === 'lines' ? '' : this.view.unitsField;
    this.opened = { kind: 'documents', file, field };
    this.#renderKind();
    const bar = $('units-progress');
    bar.hidden = false;
    try {
      await this.call('unitsDocumentsBegin', { format, field });
      for (let at = 0; at < file.size; at += DOCUMENT_CHUNK) {
        const bytes = await file.slice(at, at + DOCUMENT_CHUNK).arrayBuffer();
        await this.call('unitsDocumentsChunk', { bytes }, [bytes]);
        bar.firstElementChild.style.transform = `scaleX(${Math.min(1, (at + DOCUMENT_CHUNK) / file.size)})`;
        this.#line(`Reading ${file.name}: ${fmtBytes(Math.min(file.size, at + DOCUMENT_CHUNK))} of ${fmtBytes(file.size)}`);
      }
      await this.call('unitsDocumentsFinish');
    } catch (err) {
      bar.hidden = true;
      this.#message(`Could not read ${file.name}: ${err.message}. The units shown stay.`, true);
    }
  }

  // A 'sentences' event: the worker's units are being built or pooled, or are ready.
  onStatus(status) {
    const before = this.status;
    this.status = status;
    const bar = $('units-progress');
    bar.hidden = !status.busy;
    if (status.busy && status.total > 0) bar.firstElementChild.style.transform = `scaleX(${Math.min(1, status.done / status.total)})`;
    if (status.error) {
      const what = this.opened?.kind === 'documents' ? this.opened.file?.name ?? 'the file' : 'the text';
      this.#message(`Could not make units of ${what}: ${status.error}.${before.units ? ' The units shown stay.' : ''}`, true);
    } else if (status.replaced) {
      this.#message('');
    }
    if (status.replaced) {
      this.#forgetUnits();
      if (this.view.unitsQuery) this.search();
    }
    if (status.pooled) {
      this.refreshMap();
      if (this.view.unitsQuery) this.search();
      if (this.view.selectedUnit != null) this.selectUnit(this.view.selectedUnit);
    }
    if (!status.busy && status.units > 0 && !status.pooled) this.#clearMap();
    this.#renderStatus();
  }

  // The units changed: what was shown of the old ones goes.
  #forgetUnits() {
    this.#clearMap();
    this.results = {};
    this.#renderResults();
    this.#renderNearest(null);
  }

  #clearMap() {
    this.frame = null;
    this.map.clear();
    this.#renderLegend(null);
    this.#renderEmpty();
  }

  // ---- the map ----------------------------------------------------------------------------------

  async refreshMap() {
    if (!this.active || !this.status.pooled) return;
    let frame;
    try {
      frame = await this.call('unitMap', { max: MAP_UNITS });
    } catch (err) {
      this.#clearMap();
      this.#message(err.message, true);
      return;
    }
    this.frame = frame;
    this.map.setFrame({ words: Array.from(frame.units, String), counts: Array.from(frame.words), coords: frame.coords });
    this.#renderEmpty();
    this.#renderStatus();
    this.#refreshClusters();
    this.#ringResults();
    if (this.view.unitsTsneWanted) {
      this.view.unitsTsneWanted = false;
      this.view.unitsProjection = 'tsne';
    }
    if (this.view.unitsProjection === 'tsne') this.#startTsne();
  }

  #label(i) {
    const text = this.frame?.texts[i] ?? '';
    return text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS - 1).trimEnd()}…` : text;
  }

  #describe(i, cosine) {
    const f = this.frame;
    const detail = [unitName(f.units[i]), coverage(f.known[i], f.words[i])];
    if (cosine !== undefined) detail.push(`cos ${cosine.toFixed(2)}`);
    return [f.texts[i], detail.join(' · ')];
  }

  async #projectionChanged() {
    if (this.view.unitsProjection === 'tsne') {
      this.#startTsne();
      return;
    }
    await this.call('unitProjection', { projection: 'pca', units: [], options: {} }).catch(() => {});
    this.#message('');
    this.refreshMap();
  }

  async #startTsne() {
    if (!this.frame) return;
    try {
      const r = await this.call('unitProjection', { projection: 'tsne', units: Array.from(this.frame.units), options: this.view.tsneOptions() });
      this.#message(`t-SNE of ${fmtInt(r.n)} units${r.warm ? ', from the last layout' : ''}…`);
    } catch (err) {
      this.view.unitsProjection = 'pca';
      this.#message(`t-SNE: ${err.message}`, true);
    }
  }

  // A t-SNE frame of the units (or word that it was dropped).
  onTsneFrame(frame) {
    if (frame.dropped) {
      this.view.unitsProjection = 'pca';
      this.#message('');
      return;
    }
    if (frame.error) {
      this.#message(`t-SNE stopped: ${frame.error}`, true);
      return;
    }
    const f = this.frame;
    if (!f || frame.units.length !== f.units.length || frame.units.some((u, i) => u !== f.units[i])) return;
    f.coords = frame.coords;
    this.map.setFrame({ words: Array.from(f.units, String), counts: Array.from(f.words), coords: frame.coords });
    this.#message(`t-SNE · iteration ${fmtInt(frame.iteration)} / ${fmtInt(frame.iterations)}${frame.done ? ' · done' : ''}`);
    $('units-map').dataset.tsneIteration = String(frame.iteration);
  }

  // k-means of the units on the map, coloured, with each cluster's distinctive words as its legend.
  async #refreshClusters() {
    const k = this.view.unitsClusters;
    if (!k || !this.frame) {
      this.map.setClusters(null);
      this.#renderLegend(null);
      return;
    }
    try {
      const r = await this.call('unitClusters', { units: Array.from(this.frame.units), k, seed: CLUSTER_SEED });
      if (this.view.unitsClusters !== k || !this.frame) return;
      this.map.setClusters({ words: Array.from(this.frame.units, String), assignment: r.assignment, k });
      this.#renderLegend(r.labels.map((words, c) => `${words.join(', ') || '(no distinctive word)'} · ${fmtInt(r.sizes[c])}`));
    } catch (err) {
      this.map.setClusters(null);
      this.#renderLegend(null);
      this.#message(`Could not cluster: ${err.message}`, true);
    }
  }

  #renderLegend(rows) {
    fillClusterLegend($('units-legend'), rows);
    this.map.keepClearChanged();
  }

  // ---- search ---------------------------------------------------------------------------------

  // The query ranked three ways at once (switching the ranking shows another list, not a new search).
  async search() {
    clearTimeout(this.queryTimer);
    const query = this.view.unitsQuery;
    const ask = ++this.searchAsk;
    if (!query || !this.status.units) {
      this.results = {};
      this.#renderResults();
      return;
    }
    const replies = await Promise.all(SEARCH_MODES.map((method) => this.call('unitSearch', { query, method, k: RESULTS })
      .catch((err) => ({ error: err.message }))));
    if (ask !== this.searchAsk) return;
    this.results = Object.fromEntries(SEARCH_MODES.map((m, i) => [m, replies[i]]));
    this.#renderResults();
    this.searchesAnswered += 1;
  }

  #renderResults() {
    const mode = this.view.searchMode;
    const reply = this.results[mode];
    const list = $('units-results');
    list.replaceChildren();
    list.dataset.mode = mode;
    const message = $('units-search-message');
    message.classList.remove('error');
    if (!reply) {
      message.textContent = this.status.units ? `Search the ${count(this.status.units, this.opened?.kind)}.` : '';
    } else if (reply.error) {
      message.textContent = reply.error;
      message.classList.add('error');
    } else {
      const notes = [`${reply.hits.length} ${reply.hits.length === 1 ? 'result' : 'results'} by ${mode === 'bm25' ? 'BM25' : mode}`];
      if (reply.stopwords.length) notes.push(`stopwords set aside: ${reply.stopwords.join(', ')}`);
      if (mode !== 'bm25' && reply.no_vector.length) notes.push(`no vector for: ${reply.no_vector.join(', ')}`);
      if (reply.notice) notes.push(reply.notice);
      message.textContent = notes.join(' · ');
      reply.hits.forEach((hit, rank) => list.append(this.#unitRow(hit, rank + 1, mode)));
    }
    this.#ringResults();
  }

  // The shown ranking's hits are ringed on the map.
  #ringResults() {
    const hits = this.results[this.view.searchMode]?.hits;
    const keys = new Set((hits ?? []).map((h) => String(h.unit)));
    this.map.setSearch(keys.size ? (key) => keys.has(key) : null);
  }

  // One unit in a list: its text (matched words marked), its scores and its coverage; a click
  // selects it (the map rings it and the Nearest tab lists its neighbours).
  #unitRow(hit, rank, mode) {
    const li = document.createElement('li');
    li.dataset.unit = String(hit.unit);
    li.tabIndex = 0;
    const text = document.createElement('p');
    text.className = 'unit-text';
    const number = document.createElement('span');
    number.className = 'rank';
    number.textContent = `${rank}.`;
    text.append(number, ...textNodes(hit.parts));
    const scores = document.createElement('div');
    scores.className = 'unit-scores';
    const score = (label, value, main, title) => {
      const s = document.createElement('span');
      s.textContent = `${label} ${value}`;
      s.title = title;
      if (main) s.className = 'main';
      return s;
    };
    if (mode === 'nearest') {
      scores.append(score('cos', hit.score.toFixed(3), true, 'Cosine between the two units\' pooled vectors'));
    } else {
      if (mode === 'hybrid') scores.append(score('hybrid', hit.score.toFixed(2), true, '0.3 × the standardised cosine + 0.7 × the standardised BM25 score'));
      scores.append(score('cos', hit.embedding.toFixed(3), mode === 'embedding', 'Cosine between the query\'s pooled vector and the unit\'s'));
      scores.append(score('BM25', hit.bm25.toFixed(2), mode === 'bm25', 'Okapi BM25 (k1 1.2, b 0.75): the query\'s words in the unit'));
    }
    const cover = document.createElement('span');
    cover.className = 'coverage';
    cover.textContent = coverage(hit.known, hit.words);
    scores.append(cover);
    li.append(text, scores);
    const select = () => this.selectUnit(hit.unit);
    li.addEventListener('click', select);
    li.addEventListener('keydown', (e) => { if (e.key === 'Enter') select(); });
    return li;
  }

  // ---- nearest units -----------------------------------------------------------------------------

  // A unit chosen on the map or in a list (null: none): it is ringed, and its nearest units listed.
  async selectUnit(unit, { fromMap = false } = {}) {
    this.view.selectUnit(unit);
    this.changed();
    if (unit == null || !this.status.pooled) {
      this.map.setSelection(null);
      this.#renderNearest(null);
      return;
    }
    if (fromMap) this.view.showUnitsTab('nearest');
    try {
      const r = await this.call('unitNearest', { unit, k: RESULTS });
      if (this.view.selectedUnit !== unit) return;
      this.map.setSelection(String(unit), r.hits.map((h) => ({ word: String(h.unit), similarity: h.score })));
      this.#renderNearest(r);
    } catch (err) {
      this.map.setSelection(null);
      this.#renderNearest({ error: err.message });
    }
  }

  #renderNearest(reply) {
    const card = $('units-selected');
    const list = $('units-nearest');
    const message = $('units-nearest-message');
    card.replaceChildren();
    list.replaceChildren();
    message.classList.toggle('error', Boolean(reply?.error));
    if (!reply || reply.error) {
      message.textContent = reply?.error ?? 'Click a point on the map: the units nearest it by the cosine of their vectors.';
      return;
    }
    message.textContent = `The ${reply.hits.length} units nearest ${unitName(reply.unit)} (${coverage(reply.known, reply.words)}):`;
    const text = document.createElement('p');
    text.className = 'unit-text';
    text.append(...textNodes(reply.parts));
    card.append(text);
    reply.hits.forEach((hit, rank) => list.append(this.#unitRow(hit, rank + 1, 'nearest')));
  }

  // ---- compare ----------------------------------------------------------------------------------

  // Two typed sentences pooled as the units are: their cosine, and each word's share of it.
  async compare() {
    const { a, b } = this.view.compareTexts;
    const result = $('units-compare-result');
    result.classList.remove('error');
    for (const id of ['units-cmp-a-bars', 'units-cmp-b-bars']) $(id).replaceChildren();
    if (!a || !b) {
      result.textContent = 'Type two sentences.';
      return;
    }
    try {
      if (!this.active) await this.syncPooling();
      const r = await this.call('unitCompare', { a, b });
      result.textContent = `cosine ${r.cosine.toFixed(3)} (${r.pooling}${r.with_units ? ', weighted by your units' : ''})`
        + (r.a_unknown.length || r.b_unknown.length ? ` · no vector for: ${[...r.a_unknown, ...r.b_unknown].join(', ')}` : '');
      result.dataset.cosine = String(r.cosine);
      const largest = Math.max(1e-9, ...[...r.a, ...r.b].map((w) => Math.abs(w.contribution)));
      this.#renderShares($('units-cmp-a-bars'), r.a, largest);
      this.#renderShares($('units-cmp-b-bars'), r.b, largest);
    } catch (err) {
      result.textContent = err.message;
      result.classList.add('error');
    }
  }

  // One bar per word: its share of the cosine (negative ones push the sentences apart).
  #renderShares(list, words, largest) {
    for (const w of words) {
      const li = document.createElement('li');
      li.dataset.word = w.word;
      li.dataset.value = String(w.contribution);
      const word = document.createElement('span');
      word.className = 'word';
      word.textContent = w.count > 1 ? `${w.word} ×${w.count}` : w.word;
      const bar = document.createElement('span');
      bar.className = 'bar';
      const fill = document.createElement('span');
      fill.className = w.contribution < 0 ? 'negative' : '';
      fill.style.transform = `scaleX(${Math.min(1, Math.abs(w.contribution) / largest)})`;
      bar.append(fill);
      const value = document.createElement('span');
      value.className = 'value';
      value.textContent = `${w.contribution >= 0 ? '+' : '−'}${Math.abs(w.contribution).toFixed(3)}`;
      li.append(word, bar, value);
      list.append(li);
    }
  }

  // ---- a view from a link or a saved session -------------------------------------------------

  viewApplied() {
    this.poolingSent = null;
    if (this.view.mapView === 'sentences') this.activate();
    else this.deactivate();
    this.#renderKind();
  }

  // ---- the lines that say where things stand ---------------------------------------------------

  #renderKind() {
    const documents = this.view.unitsKind === 'documents';
    $('units-doc').hidden = !documents;
    const name = this.documentFile?.name ?? this.view.docName;
    $('units-doc-name').textContent = documents && name ? (this.documentFile ? name : `${name} (open it again)`) : '';
  }

  #renderEmpty() {
    const empty = $('units-empty');
    empty.hidden = this.map.pointCount > 0;
    if (empty.hidden) return;
    const units = this.status.units;
    let title = 'Units of your text';
    let text = 'Each unit becomes a point once there are word vectors: press ▶, or open vectors. Search works already.';
    if (this.view.unitsKind === 'documents' && !this.documentFile) {
      title = 'Open a documents file';
      text = this.view.docName
        ? `This view was of ${this.view.docName}; files are not kept in links or in the browser: open it again (Open… above).`
        : 'One document per line (.txt), JSON lines with a text field (.jsonl), or a CSV column (.csv).';
    } else if (units && this.status.pooled && this.status.with_vector === 0) {
      title = 'No unit has a word with a vector';
      text = `None of the ${count(units, this.opened?.kind)} has a word the vectors know: train longer, or open vectors that know their words. BM25 search still works.`;
    } else if (units && !this.hasVectors()) {
      title = `${count(units, this.opened?.kind)}, no vectors yet`;
    }
    $('units-empty-title').textContent = title;
    $('units-empty-text').textContent = text;
  }

  #renderStatus() {
    const s = this.status;
    if (!s.units) {
      this.#line(s.busy ? `Reading… ${s.phase}` : '');
      return;
    }
    const kind = this.opened?.kind;
    const parts = [count(s.units, kind)];
    if (s.busy) parts.push(`${s.phase}…`);
    else if (s.pooled) {
      parts.push(`${fmtInt(s.with_vector)} with a vector`);
      if (this.frame && this.frame.units.length < s.with_vector) parts.push(`${fmtInt(this.frame.units.length)} on the map`);
      parts.push(s.pooling + (s.fresh ? '' : ' (vectors moved since)'));
    } else parts.push('BM25 only: no vectors yet');
    const memory = (s.memory?.text_index ?? 0) + (s.memory?.vectors ?? 0);
    if (memory) parts.push(fmtBytes(memory));
    this.#line(parts.join(' · '));
  }

  #line(text) {
    $('units-status').textContent = text;
  }

  #message(text, error = false) {
    const m = $('units-message');
    m.textContent = text;
    m.classList.toggle('error', error);
    m.hidden = !text;
    this.map.keepClearChanged();
  }

  // For the page's read-only view (main.js): where things stand, and the points on screen.
  screenPoints() {
    return this.map.screenPoints();
  }

  get info() {
    return {
      status: { ...this.status },
      points: this.map.pointCount,
      settled: this.map.settled,
      clusters: this.map.clusterCount,
      selected: this.view.selectedUnit,
      results: Object.fromEntries(Object.entries(this.results).map(([m, r]) => [m, r.error ? { error: r.error } : r.hits.length])),
      searchMs: Object.fromEntries(Object.entries(this.results).map(([m, r]) => [m, r.ms ?? null])),
      searched: this.searchesAnswered,
    };
  }
}
