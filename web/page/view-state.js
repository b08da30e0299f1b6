// The view: everything on the page that is not a setting but that a link or a saved session keeps
// (share.js defaultView()): the map's words, projection, 2D or 3D and t-SNE fields, the semantic
// axes, the search and its "only these" box, the clusters, the selected word and the neighbours'
// metric, the Predict box, the analogy's words and method, the odd one out's words, the tab shown,
// the open "why" panels and the Users tab's customer; the Sentences view's units, pooling,
// projection, clusters, clicked unit, search and its ranking, dock tab and compared sentences. This module alone reads and
// writes those controls: read() and apply() for links and sessions, small getters for the panels,
// and on(name, fn) for the panels to hear the user change one.
import { DEFAULT_VIEW, defaultView, maxClusters, TSNE_VIEW_FIELDS, WHY_PANELS } from './share.js';

const $ = (id) => document.getElementById(id);

// The controls a change of which is saved (and put in the link) at once.
const SAVED_CONTROLS = ['map-n', 'map-k', 'map-projection', 'tsne-perplexity', 'tsne-lr', 'tsne-iterations', 'tsne-seed', 'map-search', 'map-only',
  'nb-metric', 'nb-table', 'predict-input', 'an-a', 'an-b', 'an-c', 'an-method', 'map-dims', 'axis-x', 'axis-y', 'axes-orthogonal', 'odd-input', 'rec-user',
  'units-kind', 'units-field', 'units-pooling', 'units-stop', 'units-projection', 'units-k', 'units-query', 'units-cmp-a', 'units-cmp-b'];
// The t-SNE form's input for each of the view's t-SNE fields (share.js TSNE_VIEW_FIELDS).
const TSNE_INPUTS = Object.freeze({ tsne_perplexity: 'tsne-perplexity', tsne_lr: 'tsne-lr', tsne_iterations: 'tsne-iterations', tsne_seed: 'tsne-seed' });
// The UMAP form's input for each UMAP option it sets (umapSchema() names); the others keep their
// defaults. Not part of a link or a saved session (yet): a link's UMAP runs with the defaults.
const UMAP_INPUTS = Object.freeze({ neighbours: 'umap-neighbours', min_dist: 'umap-min-dist', epochs: 'umap-epochs', seed: 'umap-seed' });
// The Sentences view's dock tabs: [name, its button, its body].
const UNIT_TABS = [['search', 'units-tab-search', 'units-search-body'], ['nearest', 'units-tab-nearest', 'units-nearest-body'],
  ['compare', 'units-tab-compare', 'units-compare-body']];
// The tabs beside the neighbours: [name, its button, its body].
const TABS = [['neighbours', 'tab-neighbours', 'nb-body'], ['analogy', 'tab-analogy', 'an-body'], ['odd', 'tab-odd', 'odd-body'],
  ['eval', 'tab-eval', 'eval-body'], ['recommend', 'tab-recommend', 'recommend-body']];

export class ViewState {
  // onChange(): the user changed something the view keeps; vectorsName(): the name of the opened
  // vectors file, or '' (a view names it, never holds it).
  constructor({ onChange, vectorsName }) {
    this.onChange = onChange;
    this.vectorsName = vectorsName;
    this.selected = null;     // the selected word, or null
    this.tab = DEFAULT_VIEW.tab;
    this.defaults = null;     // the view before anyone changes it, once the module's schemas came (ready())
    this.tsneWanted = false;  // 'tsne' or 'umap': a link or saved session asked for it before there was a run to project
    this.map = DEFAULT_VIEW.map;      // the map shows words or sentences
    this.unitsTab = DEFAULT_VIEW.utab;
    this.unitsTsneWanted = false;     // a link or saved session asked for a t-SNE of the units before they were pooled
    this.selectedUnit = null;         // the clicked unit
    this.docName = '';                // the documents file's name (the file itself is never kept)
    this.handlers = {};
    const relay = (id, event, name, read = () => undefined) => $(id).addEventListener(event, (e) => {
      if (event === 'submit') e.preventDefault();
      this.#emit(name, read());
    });
    $('map-projection').addEventListener('change', () => { this.tsneWanted = false; });
    $('units-projection').addEventListener('change', () => { this.unitsTsneWanted = false; });
    relay('map-n', 'change', 'words');
    relay('map-k', 'change', 'k');
    relay('map-projection', 'change', 'projection');
    $('tsne-form').addEventListener('submit', (e) => {
      e.preventDefault();
      $('tsne-settings').open = false;
      $('map-projection').value = 'tsne';
      this.#emit('projection');
    });
    $('umap-form').addEventListener('submit', (e) => {
      e.preventDefault();
      $('umap-settings').open = false;
      $('map-projection').value = 'umap';
      this.tsneWanted = false;
      this.#emit('projection');
    });
    relay('map-dims', 'change', 'dims');
    $('axes-form').addEventListener('submit', (e) => {
      e.preventDefault();
      $('axes-settings').open = false;
      $('map-projection').value = 'axes';
      this.tsneWanted = false;
      this.#emit('projection');
    });
    relay('axes-orthogonal', 'change', 'axes');
    relay('odd-form', 'submit', 'odd');
    relay('map-search', 'input', 'search');
    relay('map-only', 'change', 'only');
    relay('predict-input', 'input', 'predict');
    relay('nb-form', 'submit', 'word', () => $('nb-input').value.trim() || null);
    relay('nb-metric', 'change', 'metric');
    relay('nb-table', 'change', 'table');
    relay('an-form', 'submit', 'analogy');
    relay('an-method', 'change', 'method');
    relay('rec-form', 'submit', 'user');
    for (const [name, button] of TABS) $(button).addEventListener('click', () => this.showTab(name));
    // The Sentences view (sentences-panel.js).
    for (const button of document.querySelectorAll('.map-views [data-map-view]')) {
      button.addEventListener('click', () => {
        this.showMapView(button.dataset.mapView);
        this.#emit('mapView', button.dataset.mapView);
      });
    }
    relay('units-kind', 'change', 'unitsKind');
    relay('units-field', 'change', 'unitsField');
    relay('units-pooling', 'change', 'unitsPooling');
    relay('units-stop', 'change', 'unitsPooling');
    relay('units-projection', 'change', 'unitsProjection');
    relay('units-k', 'change', 'unitsClusters');
    relay('units-query', 'input', 'unitsQuery');
    relay('units-search-form', 'submit', 'unitsSearch');
    relay('units-compare-form', 'submit', 'unitsCompare');
    for (const button of document.querySelectorAll('#units-mode [data-mode]')) {
      button.addEventListener('click', () => {
        this.searchMode = button.dataset.mode;
        this.onChange();
        this.#emit('unitsMode', button.dataset.mode);
      });
    }
    for (const [name, button] of UNIT_TABS) $(button).addEventListener('click', () => this.showUnitsTab(name));
    for (const id of SAVED_CONTROLS) {
      $(id).addEventListener('input', () => this.onChange());
      $(id).addEventListener('change', () => this.onChange());
    }
    // Opening a "why" panel is part of the view; toggle does not bubble, so capture it.
    document.addEventListener('toggle', (e) => { if (WHY_PANELS.includes(e.target.id)) this.onChange(); }, true);
  }

  // The module's schemas arrived: t-SNE's form takes its ranges and defaults from tsneSchema() and
  // the clusters controls (words and units) offer what kmeansSchema() allows, so the page never offers what the module refuses.
  ready(schemas) {
    this.defaults = defaultView(schemas);
    for (const [key, name] of Object.entries(TSNE_VIEW_FIELDS)) {
      const spec = schemas.tsne.find((s) => s.name === name);
      const input = $(TSNE_INPUTS[key]);
      input.min = String(spec.min);
      input.max = String(spec.max);
      input.value = String(spec.default);
      input.title = spec.hint;
    }
    for (const [name, id] of Object.entries(UMAP_INPUTS)) {
      const spec = schemas.umap.find((s) => s.name === name);
      Object.assign($(id), { min: String(spec.min), max: String(spec.max), value: String(spec.default), title: spec.hint });
    }
    for (const select of [$('map-k'), $('units-k')]) {
      for (let k = 2; k <= maxClusters(schemas); k += 1) select.append(new Option(String(k), String(k)));
    }
  }

  // Calls fn(value) when the user changes the control `name`: words, k, projection (also the axes
  // form sent), dims, axes (y made orthogonal or not), search, only, predict, metric, method,
  // analogy (the form sent), odd (the odd one out's form sent), word (the word typed and sent, or
  // null), user (the Users tab's form sent); and for the Sentences view: mapView, unitsKind,
  // unitsField, unitsPooling (or its stopwords box), unitsProjection, unitsClusters, unitsQuery
  // (typed), unitsSearch (sent), unitsMode, unitsCompare.
  on(name, fn) {
    (this.handlers[name] ??= []).push(fn);
  }

  #emit(name, value) {
    for (const fn of this.handlers[name] ?? []) fn(value);
  }

  // ---- what the panels read

  get mapWords() { return Number($('map-n').value); }
  get clusters() { return Number($('map-k').value); }
  get projection() { return $('map-projection').value; }
  set projection(value) { $('map-projection').value = value; }
  get dims() { return Number($('map-dims').value); }
  // 3D is for PCA and t-SNE; the axes are two named directions, a flat picture.
  set dimsEnabled(on) { $('map-dims').disabled = !on; }
  get axes() {
    return { x: $('axis-x').value.trim(), y: $('axis-y').value.trim(), orthogonal: $('axes-orthogonal').checked };
  }
  get odd() { return $('odd-input').value; }
  get search() { return $('map-search').value.trim(); }
  get onlyTicked() { return $('map-only').checked; }
  set onlyTicked(on) { $('map-only').checked = on; }
  set onlyEnabled(on) { $('map-only').disabled = !on; }
  get metric() { return $('nb-metric').value; }
  get table() { return $('nb-table').value; }
  get predict() { return $('predict-input').value; }
  // A context the user did not type (a suggestion): the box shows it, nothing else follows.
  set predict(text) { $('predict-input').value = text; }
  get analogy() {
    const [a, b, c] = ['an-a', 'an-b', 'an-c'].map((id) => $(id).value.trim());
    return { a, b, c, method: $('an-method').value };
  }

  // The customer of the Users tab (item2vec), as typed.
  get user() { return $('rec-user').value.trim(); }
  set user(key) { $('rec-user').value = key; }

  // The Sentences view
  get mapView() { return this.map ?? DEFAULT_VIEW.map; }
  get unitsKind() { return $('units-kind').value; }
  get unitsField() { return $('units-field').value.trim(); }
  get pooling() { return { pooling: $('units-pooling').value, stopwords: $('units-stop').checked }; }
  get unitsProjection() { return $('units-projection').value; }
  set unitsProjection(value) { $('units-projection').value = value; }
  get unitsClusters() { return Number($('units-k').value); }
  get unitsQuery() { return $('units-query').value.trim(); }
  get compareTexts() { return { a: $('units-cmp-a').value.trim(), b: $('units-cmp-b').value.trim() }; }
  get searchMode() { return $('units-mode').querySelector('[aria-pressed="true"]')?.dataset.mode ?? DEFAULT_VIEW.mode; }
  set searchMode(mode) {
    for (const b of $('units-mode').querySelectorAll('[data-mode]')) b.setAttribute('aria-pressed', String(b.dataset.mode === mode));
  }

  // The t-SNE form as the module's t-SNE options (tsneSchema() names); the module checks them.
  tsneOptions() {
    const options = Object.fromEntries(Object.entries(TSNE_VIEW_FIELDS).map(([key, name]) => [name, Number($(TSNE_INPUTS[key]).value)]));
    return { ...options, dimensions: this.dims };
  }

  // The UMAP form as the module's UMAP options (umapSchema() names); the module checks them.
  umapOptions() {
    const options = Object.fromEntries(Object.entries(UMAP_INPUTS).map(([name, id]) => [name, Number($(id).value)]));
    return { ...options, dimensions: this.dims };
  }

  // ---- what they change

  select(word) {
    this.selected = word;
    $('nb-input').value = word ?? '';
  }

  // The map panel shows words or units of text (the Sentences view).
  showMapView(name) {
    this.map = name;
    document.querySelector('.map-panel').dataset.view = name;
    for (const b of document.querySelectorAll('.map-views [data-map-view]')) b.setAttribute('aria-pressed', String(b.dataset.mapView === name));
    this.onChange();
  }

  showUnitsTab(name) {
    for (const [tab, button, body] of UNIT_TABS) {
      $(button).setAttribute('aria-selected', String(name === tab));
      $(body).hidden = name !== tab;
    }
    this.unitsTab = name;
    this.onChange();
  }

  // The clicked unit (its number), or null; the documents file's name, or ''.
  selectUnit(unit) {
    this.selectedUnit = unit;
  }

  showTab(name) {
    for (const [tab, button, body] of TABS) {
      $(button).setAttribute('aria-selected', String(name === tab));
      $(body).hidden = name !== tab;
    }
    $('nb-caption').hidden = name !== 'neighbours';
    this.tab = name;
    this.onChange();
  }

  // ---- the whole view, for links and saved sessions (share.js validates it)

  read() {
    const num = (id, fallback) => (Number.isFinite(Number($(id).value)) && $(id).value !== '' ? Number($(id).value) : fallback);
    const { a, b, c, method } = this.analogy;
    return {
      words: this.mapWords,
      proj: this.tsneWanted || this.projection,
      ...Object.fromEntries(Object.entries(TSNE_INPUTS).map(([key, id]) => [key, num(id, this.defaults[key])])),
      search: $('map-search').value,
      only: this.onlyTicked,
      k: this.clusters,
      word: this.selected ?? '',
      metric: this.metric,
      table: this.table,
      predict: this.predict,
      an_a: $('an-a').value,
      an_b: $('an-b').value,
      an_c: $('an-c').value,
      an_method: method,
      tab: this.tab ?? DEFAULT_VIEW.tab,
      open: WHY_PANELS.filter((id) => $(id)?.open),
      vectors: this.vectorsName(),
      dims: this.dims,
      axis_x: $('axis-x').value,
      axis_y: $('axis-y').value,
      axes_orth: $('axes-orthogonal').checked,
      odd: this.odd,
      user: this.user,
      map: this.mapView,
      units: this.unitsKind,
      doc: this.docName ?? '',
      field: $('units-field').value,
      pooling: this.pooling.pooling,
      stop: this.pooling.stopwords,
      uproj: this.unitsTsneWanted ? 'tsne' : this.unitsProjection,
      uk: this.unitsClusters,
      unit: this.selectedUnit ?? null,
      query: $('units-query').value,
      mode: this.searchMode,
      utab: this.unitsTab ?? DEFAULT_VIEW.utab,
      cmp_a: $('units-cmp-a').value,
      cmp_b: $('units-cmp-b').value,
    };
  }

  // Puts a view on the controls (values into fields, never markup) and returns the projection the
  // map had before. t-SNE needs a run: until the map starts it, tsneWanted says it is wanted.
  apply(view) {
    const v = { ...this.defaults, ...view };
    const projectionBefore = this.projection;
    $('map-n').value = String(v.words);
    $('predict-input').value = v.predict;
    this.select(v.word || null);
    for (const [key, id] of Object.entries(TSNE_INPUTS)) $(id).value = String(v[key]);
    $('map-k').value = String(v.k);
    $('nb-metric').value = v.metric;
    $('nb-table').value = v.table;
    $('an-a').value = v.an_a;
    $('an-b').value = v.an_b;
    $('an-c').value = v.an_c;
    $('an-method').value = v.an_method;
    $('map-search').value = v.search;
    $('map-only').checked = v.only;
    $('map-dims').value = String(v.dims);
    $('axis-x').value = v.axis_x;
    $('axis-y').value = v.axis_y;
    $('axes-orthogonal').checked = v.axes_orth;
    $('odd-input').value = v.odd;
    this.dimsEnabled = v.proj !== 'axes';
    this.user = v.user;
    this.tsneWanted = v.proj === 'tsne' || v.proj === 'umap' ? v.proj : false;
    this.projection = v.proj;
    this.showTab(v.tab);
    $('units-kind').value = v.units;
    $('units-field').value = v.field;
    $('units-pooling').value = v.pooling;
    $('units-stop').checked = v.stop;
    this.unitsTsneWanted = v.uproj === 'tsne';  // the unit map starts it once its units are pooled
    this.unitsProjection = v.uproj;
    $('units-k').value = String(v.uk);
    $('units-query').value = v.query;
    this.searchMode = v.mode;
    $('units-cmp-a').value = v.cmp_a;
    $('units-cmp-b').value = v.cmp_b;
    this.docName = v.doc;
    this.selectUnit(v.unit);
    this.showUnitsTab(v.utab);
    this.showMapView(v.map);
    for (const id of WHY_PANELS) {
      const el = $(id);
      if (el) el.open = v.open.includes(id);
    }
    return projectionBefore;
  }
}
