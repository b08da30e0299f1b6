// The page: wires the controls, the map, the charts and the panels to the training worker.
// All training and model queries happen in worker.js (messages: protocol.js); this file only
// keeps the page's state, asks, and draws. Text and words reach the DOM only via textContent.
// The session is kept in IndexedDB (browser-store.js) and in the address bar as a share link (share.js).
import { createClient, REQUESTS } from '../shared/protocol.js';
import { NEXT_WORD_NOTES, SettingsForm } from './settings-form.js';
import { CLUSTER_COLOURS, WordMap } from './map.js';
import { matchClusters, reorder } from './cluster-match.js';
import { readSearch } from '../shared/search.js';
import { Timeline } from './timeline.js';
import { TrainingCharts } from './charts.js';
import { IdeasPanels } from './ideas.js';
import { DEFAULT_VIEW, LinkError, makeLink, readLink, schemaFor, textHash, WHY_PANELS } from './share.js';
import { makeSavedSession, readSavedSession, readSavedSessionValue } from './saved-session.js';
import { BrowserStore } from './browser-store.js';

const PREDICT_DEBOUNCE_MS = 150;
const NEIGHBOURS_K = 10;
const ANALOGY_K = 10;
const CLUSTER_MS = 1500;           // while training, clusters are recomputed at most this often
const CLUSTER_SEED = 1;
const ONLY_DELAY_MS = 400;         // "only these" maps the search this long after the last keystroke
const PREDICT_K = 10;
const SAVE_DELAY_MS = 800;         // text and settings are saved this long after the last edit
const MODEL_SAVE_MS = 3000;        // the model is saved at most this often while training
const LINK_DELAY_MS = 600;         // the address bar follows the page this long after the last change
const MAX_RESTARTS = 3;            // worker restarts allowed per RESTART_WINDOW_MS before giving up
const RESTART_WINDOW_MS = 60_000;
const IMPORT_CHUNK = 4 << 20;      // a vectors file goes to the worker in slices of this many bytes
const MAX_IMPORT_WORDS = 200_000;
const SESSION_KEY = 'session';     // IndexedDB keys: the current session,
const PREVIOUS_KEY = 'previous';   // and the one a link replaced

const $ = (id) => document.getElementById(id);

// ---- formatting ---------------------------------------------------------------------------

const intFormat = new Intl.NumberFormat('en-US');
const fmtInt = (v) => (v == null ? '–' : intFormat.format(Math.round(v)));
function fmtCompact(v) {
  if (v == null || !Number.isFinite(v)) return '–';
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return v.toFixed(0);
}
function fmtDuration(s) {
  if (s == null || !Number.isFinite(s)) return '–';
  s = Math.max(0, Math.round(s));
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
const fmtLoss = (v) => (v == null || !Number.isFinite(v) ? '–' : v.toFixed(3));
function fmtPpl(v) {
  if (v == null || !Number.isFinite(v)) return '–';
  return v >= 100 ? fmtInt(v) : v.toFixed(1);
}
function fmtBytes(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} B`;
}

// Hands bytes to the browser as a download named `name`.
function download(bytes, name, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---- the app ---------------------------------------------------------------------------------

// States of the page (also on <body data-state> for styling and tests):
//   loading   the module is being fetched and compiled
//   idle      no run: Play starts one from the text and settings
//   preparing start() is tokenizing the text in the worker
//   running   the worker's loop is training
//   paused    a run exists and can resume
//   finished  all epochs done; Play starts a new run
//   diverged  the loss became NaN/inf; Play starts a new run
//   loaded    a saved model was loaded; it can be explored, not trained
//   vectors   vectors opened from a file: explored (map, neighbours, eval, export), never trained
//   crashed   the worker died too often, or the module cannot load: only a reload helps
class App {
  constructor() {
    this.state = 'loading';
    this.progress = null;          // last progress event
    this.evaluation = null;        // last validation result
    this.startBlocked = false;     // start() failed and nothing changed since
    this.dirty = false;            // text or settings changed since the run started
    this.selected = null;          // selected word
    this.snapshotInFlight = false;
    this.followUpInFlight = false;
    this.traffic = { out: {}, in: {} };
    this.speed = null;             // smoothed tokens/s
    this.note = null;              // {text, kind}: a status message until the state changes
    this.sampleText = '';
    this.schema = null;
    this.store = new BrowserStore();
    this.restoring = true;         // nothing is saved until the page has restored what it had
    this.model = null;             // the current run's model as saved (parsed model JSON), or null
    this.run = null;               // {epoch, epochs, step, finished, diverged} of this.model
    this.modelDirty = false;       // the worker's model moved on since this.model
    this.lastModelSave = 0;
    this.neededText = null;        // {sha256, chars}: a link's text the user must open
    this.link = null;              // {url, inline, textBytes}: the share link of the page as it is
    this.restarts = [];            // times of worker restarts
    this.runKind = null;           // nextword | skipgram | cbow | vectors: what the worker holds
    this.vectorsInfo = null;       // {name, words, dim, truncated, ...} of opened vectors
    this.importing = false;        // a vectors file is streaming to the worker
    this.evalResult = null;        // the last Eval run
    this.mappedOnly = '';          // the search whose matches the map shows ("only these"), '' = all the words
    this.onlyProblem = null;       // why the search's matches could not be mapped, or null
    this.mapPool = 0;              // how many most frequent words the map's words come from
    this.startWorker();

    this.map = new WordMap($('map'), $('map-tooltip'), {
      onSelect: (word) => this.selectWord(word),
      keepClear: [document.querySelector('.map-legend'), $('cluster-legend'), $('map-search-message'), $('tsne-message')],
    });
    this.timeline = new Timeline({
      bar: $('timeline'), slider: $('tl-slider'), end: $('tl-end'), label: $('tl-label'),
      play: $('tl-play'), trails: $('tl-trails'), live: $('tl-live'), note: $('tl-note'),
    }, { client: () => this.client, map: this.map, shown: () => this.shownFields(), onLive: () => this.refreshMap(true) });
    this.charts = new TrainingCharts($('chart'), $('chart-metric'));
    this.ideas = new IdeasPanels(this, $);  // yardstick, CE vs MSE, padding, counts, row strip
    this.bindControls();
    this.exposeForTests();
    this.render();
    this.boot();
  }

  // The worker, and the client that talks to it. A worker that fails is replaced (workerLost).
  startWorker() {
    const worker = new Worker('worker.js');
    this.worker = worker;
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.workerLost(e.message ? e.message.replace(/\.+$/, '') : 'it crashed', worker);
    });
    worker.addEventListener('messageerror', () => this.workerLost('it sent a message the page could not read', worker));
    this.client = createClient(worker, {
      onProgress: (p) => { if (worker === this.worker) this.onProgress(p); },
      onFatal: (message) => this.workerLost(message.replace(/\.+$/, ''), worker),
      onFrame: (frame) => { if (worker === this.worker) this.onFrame(frame); },
      onTwin: (twin) => { if (worker === this.worker) this.ideas.onTwin(twin); },
      onTraffic: (dir, type) => { this.traffic[dir][type] = (this.traffic[dir][type] ?? 0) + 1; },
    });
  }

  async boot() {
    const samplePromise = fetch('sample.txt').then((r) => (r.ok ? r.text() : '')).catch(() => '');
    try {
      ({ schema: this.schema, word2vecSchema: this.word2vecSchema } = await this.client.call('init'));
      this.schemas = { nextword: this.schema, word2vec: this.word2vecSchema };  // what links and files are read against
    } catch (err) {
      this.crash(err.message);
      return;
    }
    this.form = new SettingsForm($('settings'), this.schema, { onChange: () => this.inputsChanged(), notes: NEXT_WORD_NOTES });
    // word2vec's options; its model (skipgram | cbow) is the model selector's choice.
    this.w2vForm = new SettingsForm($('w2v-settings'), this.word2vecSchema.filter((f) => f.name !== 'model'),
      { onChange: () => this.inputsChanged(), idPrefix: 'w2v-' });
    this.sampleText = await samplePromise;
    const saved = await this.readSaved(SESSION_KEY);
    this.setState('idle');
    if (location.hash.length > 1) await this.openLink(saved);
    else if (saved) await this.applySession(saved, 'Restored your last session from this browser.');
    else this.setText(this.sampleText);
    this.updateTextSize();
    this.restoring = false;
    this.inputsSaved();
  }

  // The record under `key` in IndexedDB, validated like an imported file; null if none or unreadable.
  async readSaved(key) {
    const value = await this.store.get(key);
    if (!value) return null;
    try {
      return readSavedSessionValue(value, this.schemas);
    } catch {
      return null;
    }
  }

  // ---- controls --------------------------------------------------------------------------

  bindControls() {
    $('play').addEventListener('click', () => this.playPause());
    $('step').addEventListener('click', () => this.step());
    $('reset').addEventListener('click', () => this.reset());
    $('text').addEventListener('input', () => { this.inputsChanged(); this.updateTextSizeSoon(); });
    $('sample').addEventListener('click', () => this.setText(this.sampleText));
    $('file').addEventListener('change', (e) => this.openFile(e.target));
    $('defaults').addEventListener('click', () => this.activeForm()?.restoreDefaults());
    $('model-kind').addEventListener('change', () => this.modelKindChanged());
    $('vectors-file').addEventListener('change', (e) => this.openVectors(e.target));
    $('tab-neighbours').addEventListener('click', () => this.showTab('neighbours'));
    $('tab-eval').addEventListener('click', () => this.showTab('eval'));
    $('tab-analogy').addEventListener('click', () => this.showTab('analogy'));
    $('an-form').addEventListener('submit', (e) => { e.preventDefault(); this.solveAnalogy(); });
    $('an-method').addEventListener('change', () => { if (this.analogyAsked) this.solveAnalogy(); });
    $('nb-metric').addEventListener('change', () => this.refreshNeighbours());
    $('eval-run').addEventListener('click', () => this.runEval());
    for (const item of document.querySelectorAll('#export-menu [data-format]')) {
      item.addEventListener('click', () => this.exportVectors(item.dataset.format));
    }
    $('map-n').addEventListener('change', () => {
      this.mappedOnly = this.wantedOnly();  // tried afresh on the new words; refreshMap falls back to all of them
      this.client.call('watch', this.shownFields()).catch(() => {});
      if ($('map-projection').value === 'tsne') this.projectionChanged();
      this.timeline.invalidate();
      this.refreshMap(true);
    });
    $('map-fit').addEventListener('click', () => this.map.fit());
    $('map-labels').addEventListener('change', () => this.map.setLabelDensity($('map-labels').value));
    $('map-k').addEventListener('change', () => this.refreshClusters(true));
    $('map-projection').addEventListener('change', () => this.projectionChanged());
    $('tsne-form').addEventListener('submit', (e) => {
      e.preventDefault();
      $('tsne-settings').open = false;
      $('map-projection').value = 'tsne';
      this.projectionChanged();
    });
    $('map-search').addEventListener('input', () => {
      this.searchChanged();
      clearTimeout(this.shownTimer);
      this.shownTimer = setTimeout(() => this.changeShown(), ONLY_DELAY_MS);
    });
    $('map-only').addEventListener('change', () => this.changeShown());
    for (const item of document.querySelectorAll('#map-download [data-download]')) {
      item.addEventListener('click', () => this.downloadMap(item.dataset.download));
    }
    $('predict-input').addEventListener('input', () => {
      clearTimeout(this.predictTimer);
      this.predictTimer = setTimeout(() => this.refreshPrediction(), PREDICT_DEBOUNCE_MS);
    });
    $('nb-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const word = $('nb-input').value.trim();
      this.selectWord(word || null);
    });
    $('save-model').addEventListener('click', () => this.saveModel());
    $('export-session').addEventListener('click', () => this.exportSession());
    $('import-session').addEventListener('change', (e) => this.importSession(e.target));
    $('clear-saved').addEventListener('click', () => this.clearSaved());
    $('copy-link').addEventListener('click', () => this.copyLink());
    $('share-url').addEventListener('focus', (e) => e.target.select());
    document.addEventListener('pointerdown', (e) => {
      if (!$('share-box').hidden && !e.target.closest?.('.share')) $('share-box').hidden = true;
      if ($('export-menu').open && !e.target.closest?.('#export-menu')) $('export-menu').open = false;
    });
    $('notice-close').addEventListener('click', () => this.hideNotice());
    $('text-needed-skip').addEventListener('click', () => {
      this.neededText = null;
      this.showNeededText();
      this.inputsChanged();
    });
    $('predict-input').addEventListener('input', () => this.inputsSaved());
    // The rest of the view the link keeps: the map's controls, the neighbours' metric, the analogy.
    for (const id of ['map-k', 'map-projection', 'tsne-perplexity', 'tsne-lr', 'tsne-iterations', 'map-search', 'map-only', 'nb-metric',
      'an-a', 'an-b', 'an-c', 'an-method']) {
      $(id).addEventListener('input', () => this.inputsSaved());
      $(id).addEventListener('change', () => this.inputsSaved());
    }
    $('map-projection').addEventListener('change', () => { this.wantTsne = false; });
    // Opening a "why" panel is part of the view the link keeps; toggle does not bubble, so capture it.
    document.addEventListener('toggle', (e) => { if (WHY_PANELS.includes(e.target.id)) this.inputsSaved(); }, true);
    window.addEventListener('hashchange', () => { if (this.form && location.hash.length > 1) this.openLink(null); });

    const typing = (el) => el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
    document.addEventListener('keydown', (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      if (e.key === ' ') {
        e.preventDefault();
        if (!e.repeat && !$('play').disabled) this.playPause();
      } else if (e.key === 'Escape') {
        $('share-box').hidden = true;
        $('export-menu').open = false;
      } else if (e.key === 's' || e.key === 'S') {
        e.preventDefault();
        if (!$('step').disabled) this.step();
      }
    });
    // A focused button would also "click" on the space key's release; the keydown already acted.
    document.addEventListener('keyup', (e) => {
      if (e.key === ' ' && !typing(e.target)) e.preventDefault();
    });
  }

  setText(text) {
    $('text').value = text;
    this.inputsChanged();
    this.updateTextSize();
  }

  async openFile(input) {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      this.setText(await file.text());
      if (this.neededText) await this.checkNeededText();
    } catch (err) {
      this.showTextError(`Could not read ${file.name}: ${err.message}`);
    }
  }

  updateTextSizeSoon() {
    clearTimeout(this.sizeTimer);
    this.sizeTimer = setTimeout(() => this.updateTextSize(), 300);
  }

  updateTextSize() {
    const text = $('text').value;
    let label;
    if (text.length > 2e6) label = fmtBytes(text.length);
    else {
      const words = text.match(/\S+/g)?.length ?? 0;
      label = `${fmtInt(words)} word${words === 1 ? '' : 's'}`;
    }
    $('text-size').textContent = label;
  }

  // Text or settings were edited: a failed start may now succeed; a running run keeps its inputs.
  inputsChanged() {
    this.startBlocked = false;
    this.note = null;
    $('text-error').hidden = true;
    if (this.hasRun()) this.dirty = true;
    if (this.neededText) {
      clearTimeout(this.neededTimer);
      this.neededTimer = setTimeout(() => this.checkNeededText(), 300);
    }
    this.render();
    this.inputsSaved();
  }

  inputsDiffer(text, settings) {
    const form = this.activeForm();
    if ($('text').value !== text || this.modelKind() !== this.runKind || !form.validate()) return true;
    const now = form.values();
    return Object.keys(now).some((k) => now[k] !== settings[k]);
  }

  hasRun() {
    return ['running', 'paused', 'finished', 'diverged', 'loaded', 'vectors'].includes(this.state);
  }

  canStart() {
    return Boolean(this.form) && !this.startBlocked && !this.neededText && this.activeForm().validate();
  }

  // ---- which model: the selector in the MODEL panel --------------------------------------------

  modelKind() {
    return $('model-kind').value;
  }

  // The settings form of the chosen model.
  activeForm() {
    return this.modelKind() === 'nextword' ? this.form : this.w2vForm;
  }

  modelKindChanged() {
    const kind = this.modelKind();
    $('settings').hidden = kind !== 'nextword';
    $('w2v-settings').hidden = kind === 'nextword';
    $('model-kind-hint').textContent = {
      nextword: 'Predicts the next word from the k before it; the vectors are its first layer.',
      skipgram: 'Each word predicts the words around it (negative sampling); the vectors are its input table.',
      cbow: 'The words around a position predict the word in it (negative sampling); the vectors are its input table.',
    }[kind];
    this.inputsChanged();
  }

  // ---- run control -----------------------------------------------------------------------

  async playPause() {
    if (this.state === 'running') {
      await this.pause();
      return;
    }
    if (this.state === 'paused') {
      this.setState('running');
      try {
        await this.client.call('play');
      } catch (err) {
        this.setState('paused');
        this.setStatus(err.message, 'error');
      }
      return;
    }
    if (['idle', 'finished', 'diverged', 'loaded'].includes(this.state)) {
      if (!(await this.startRun())) return;
      this.setState('running');
      await this.client.call('play').catch((err) => this.setStatus(err.message, 'error'));
    }
  }

  async pause() {
    this.setState('paused');
    try {
      const p = await this.client.call('pause');
      if (p) this.onProgress(p);
    } catch (err) {
      this.setStatus(err.message, 'error');
    }
    this.refreshMap();
  }

  async step() {
    if (this.state === 'running') await this.pause();
    if (['idle', 'finished', 'diverged', 'loaded'].includes(this.state)) {
      if (!(await this.startRun())) return;
      this.setState('paused');
    }
    if (this.state !== 'paused') return;
    try {
      const p = await this.client.call('step');
      if (p) this.onProgress(p);
    } catch (err) {
      this.setStatus(err.message, 'error');
    }
    this.refreshMap();
  }

  async reset() {
    if (this.state === 'loading' || this.state === 'crashed') return;
    await this.client.call('reset').catch(() => {});
    this.progress = null;
    this.evaluation = null;
    this.dirty = false;
    this.speed = null;
    this.selected = null;
    this.map.clear();
    this.timeline.reset();
    this.charts.reset();
    this.ideas.runStarted(null);
    this.stats = null;
    this.clearStats();
    this.renderPredictions(null);
    this.renderNeighbours(null);
    this.model = null;
    this.run = null;
    this.runKind = null;
    this.vectorsInfo = null;
    this.renderEval(null);
    this.modelDirty = false;
    this.setState('idle');
    this.inputsSaved();
  }

  // Starts a new run from the current text and settings; false (with the error shown) if refused.
  async startRun() {
    if (!this.canStart()) {
      this.render();
      return false;
    }
    const text = $('text').value;
    const kind = this.modelKind();
    const settings = this.activeForm().values();
    const before = this.state;
    this.preparingSize = text.length;
    this.setState('preparing');
    $('text-error').hidden = true;
    let stats;
    try {
      stats = kind === 'nextword'
        ? await this.client.call('start', { text, settings })
        : await this.client.call('word2vec', { text, options: { ...settings, model: kind } });
    } catch (err) {
      if (this.state === 'crashed') return false;
      this.startBlocked = true;
      this.showTextError(err.message);
      this.setState(before);  // the worker keeps the previous run, if there was one
      return false;
    }
    this.runSettings = settings;
    this.runKind = kind;
    this.vectorsInfo = null;
    this.renderEval(null);
    this.model = null;
    this.run = null;
    this.dirty = this.inputsDiffer(text, settings);  // edited while the text was being prepared
    this.progress = null;
    this.evaluation = null;
    this.speed = null;
    this.charts.reset();
    this.ideas.runStarted(kind === 'nextword' ? 'nextword' : 'word2vec');
    this.stats = stats;
    this.showStats(stats);
    this.timeline.reset();
    this.progress = {
      epoch: 0, epochs: settings.epochs, step: 0, epoch_position: 0,
      epoch_size: stats.train_examples, finished: false, diverged: false,
    };
    this.showProgress(this.progress);
    if (!$('predict-input').value.trim()) this.renderPredictions(null);
    if (!this.selected) this.renderNeighbours(null);
    this.mappedOnly = this.wantedOnly();  // a new run's words: refreshMap falls back to all if the search's are too few
    await this.client.call('watch', this.shownFields());
    await this.refreshMap(true);
    this.projectionRestored();
    return true;
  }

  // A link or a saved session asked for t-SNE before there was a run: start it now that there is.
  projectionRestored() {
    if (!this.wantTsne || !this.hasRun()) return;
    this.wantTsne = false;
    $('map-projection').value = 'tsne';
    this.projectionChanged();
  }

  // ---- progress from the worker ----------------------------------------------------------

  onProgress(event) {
    const { frame, loss_points: lossPoints = [], ...p } = event;
    delete p.type;
    this.progress = p;
    this.timeline.progress(p);
    for (const [x, loss] of lossPoints) this.charts.addLoss(x, loss);
    if (frame) this.applyFrame(frame);
    if (p.evaluation) {
      this.evaluation = p.evaluation;
      this.charts.addEvaluation(p.epoch, p.evaluation);
    }
    if (Number.isFinite(p.train_speed) && p.train_speed > 0) {
      this.speed = this.speed == null ? p.train_speed : 0.8 * this.speed + 0.2 * p.train_speed;
    }
    this.ideas.onProgress(p);
    this.showProgress(p);
    if (p.epoch_end || p.finished || p.diverged || p.playing === false) this.modelMoved(p.epoch_end || !p.playing);
    if (p.diverged) {
      this.setState('diverged');
      this.showDivergence(this.runSettings?.lr);
      if (!frame) this.refreshMap();
    } else if (p.finished) {
      this.setState('finished');
      if (!frame) this.refreshMap();
    }
  }

  showProgress(p) {
    if (!p) return;
    $('m-epoch').textContent = `${p.epoch ?? 0} / ${p.epochs ?? 0}`;
    $('m-step').textContent = fmtInt(p.step ?? 0);
    $('chart-empty').hidden = this.charts.lossPoints > 0;
    $('m-speed').textContent = this.state === 'running' || this.speed != null ? fmtCompact(this.speed) : '–';
    $('m-eta').textContent = p.finished ? '0:00' : (this.state === 'running' ? fmtDuration(p.seconds_left) : '–');
    const loss = this.charts.latestLoss ?? p.chunk_loss ?? p.train_loss;
    if (loss != null && Number.isFinite(loss)) $('m-loss').textContent = fmtLoss(loss);
    else if (p.diverged) $('m-loss').textContent = '∞';
    const total = (p.epochs ?? 0) * (p.epoch_size ?? 0);
    const done = (p.epoch_end ? p.epoch * p.epoch_size : p.epoch * p.epoch_size + (p.epoch_position ?? 0));
    $('progress-bar').style.transform = `scaleX(${total > 0 ? Math.min(1, done / total) : 0})`;
    this.showEvaluation();
    this.updateStatus();
  }

  // The last held-out figures: perplexity in the top bar, all of them in the curves' header.
  showEvaluation() {
    const e = this.evaluation;
    $('m-ppl').textContent = e ? fmtPpl(e.perplexity) : '–';
    if (!e) return;
    const pct = (name, v) => (v != null ? ` · ${name} ${(100 * v).toFixed(1)}%` : '');
    $('eval-summary').textContent = `held out: ppl ${fmtPpl(e.perplexity)}${pct('top-1', e.accuracy)}${pct('top-5', e.top5)}`;
  }

  // ---- map, neighbours, predictions --------------------------------------------------------

  mapWords() {
    return Number($('map-n').value);
  }

  // The words on the map as the worker's requests name them (protocol.js): the n most frequent,
  // or, with "only these", those of them that match the search.
  shownFields() {
    return { n: this.mapWords(), only: this.mappedOnly };
  }

  // The search "only these" asks to map: the search box when ticked and valid, else '' (all the words).
  wantedOnly() {
    const query = $('map-search').value.trim();
    const search = readSearch(query);
    return $('map-only').checked && search && !search.error ? query : '';
  }

  // Asks for a map frame now (after a pause, a step, a new run, or a change of the word count).
  // When the search's matches cannot be mapped in this run (too few of them, say), the map shows
  // all the words and the search message says why.
  async refreshMap(force = false) {
    if (!this.hasRun() && this.state !== 'preparing') return;
    if (this.snapshotInFlight && !force) return;
    this.snapshotInFlight = true;
    try {
      let frame;
      try {
        frame = await this.client.call('snapshot', this.shownFields());
      } catch (err) {
        if (!this.mappedOnly) throw err;
        this.mappedOnly = '';
        this.onlyProblem = err.message;
        this.client.call('watch', this.shownFields()).catch(() => {});
        frame = await this.client.call('snapshot', this.shownFields());
      }
      this.applyFrame(frame);
      this.searchChanged();
    } catch (err) {
      if (this.state !== 'crashed') this.setStatus(err.message, 'error');
    } finally {
      this.snapshotInFlight = false;
    }
  }

  // Shows a frame; then the neighbours and the prediction, which change with it, are asked again.
  applyFrame(frame) {
    if (!this.timeline.live) return;  // the user looks at an earlier epoch: live frames wait
    this.map.setFrame(frame);
    if (frame.pool != null) this.mapPool = frame.pool;
    if (frame.projection === 'tsne') {
      $('map-caption').textContent = 't-SNE of the word vectors · near on the map = near in meaning; distances between groups mean little';
    }
    const [fx, fy] = frame.explained ?? [];
    if (Number.isFinite(fx) && Number.isFinite(fy)) {
      $('map-caption').textContent = `PCA of the word vectors · x keeps ${(100 * fx).toFixed(0)}%, y ${(100 * fy).toFixed(0)}% of the spread`;
    }
    this.render();
    this.renderSearchMessage();
    this.followUp();
  }

  async followUp() {
    if (this.followUpInFlight) return;
    this.followUpInFlight = true;
    try {
      if (this.selected) await this.refreshNeighbours();
      if (this.analogyAsked) await this.solveAnalogy({ quiet: true });
      this.refreshClusters();
      if ($('predict-input').value.trim()) await this.refreshPrediction();
    } finally {
      this.followUpInFlight = false;
    }
  }

  selectWord(word) {
    this.selected = word;
    if (word) this.showTab('neighbours');
    $('nb-input').value = word ?? '';
    this.inputsSaved();
    if (!word) {
      this.map.setSelection(null);
      this.renderNeighbours(null);
      return;
    }
    this.refreshNeighbours();
  }

  async refreshNeighbours() {
    const word = this.selected;
    if (!word) return;
    if (!this.hasRun()) {
      this.renderNeighbours({ message: 'Train or step the model first.' });
      return;
    }
    try {
      const reply = await this.client.call('neighbors', { word, k: NEIGHBOURS_K, metric: $('nb-metric').value });
      if (word !== this.selected) return;
      this.map.setSelection(reply.word ?? word, reply.neighbors);
      this.renderNeighbours(reply);
    } catch (err) {
      if (word !== this.selected) return;
      this.map.setSelection(null);
      this.renderNeighbours({ message: err.message });
    }
  }

  async refreshPrediction() {
    const context = $('predict-input').value;
    if (!context.trim() || !this.hasRun()) {
      this.renderPredictions(null);
      return;
    }
    try {
      const reply = await this.client.call('predict', { context, k: PREDICT_K });
      if (context === $('predict-input').value) {
        this.renderPredictions(reply);
        this.ideas.ask(context, reply);
      }
    } catch (err) {
      this.renderPredictions({ message: err.message });
    }
  }

  renderPredictions(reply) {
    const list = $('predict-list');
    const contextLine = $('predict-context');
    list.replaceChildren();
    contextLine.replaceChildren();
    const empty = $('predict-empty');
    if (!reply || reply.message) {
      contextLine.textContent = 'the next word';
      empty.textContent = reply?.message ?? (this.hasRun()
        ? 'Type a few words to see what the model expects next.'
        : 'Train or step the model, then type a few words.');
      empty.hidden = false;
      return;
    }
    empty.hidden = true;
    contextLine.title = 'The words the model used: the last k, padded with <pad> at the start';
    for (const token of reply.context ?? []) {
      const chip = document.createElement('span');
      chip.className = token === '<pad>' || token === '<unk>' ? 'chip special' : 'chip';
      chip.textContent = token;
      contextLine.append(chip, ' ');
    }
    contextLine.append('→');
    const preds = reply.predictions ?? [];
    const top = Math.max(1e-12, ...preds.map((p) => p.probability));
    for (const p of preds) {
      list.append(this.barRow(p.word, p.probability / top, `${(100 * p.probability).toFixed(1)}%`, p.probability));
    }
  }

  renderNeighbours(reply) {
    const list = $('nb-list');
    list.replaceChildren();
    const message = $('nb-message');
    const caption = $('nb-caption');
    if (!reply || reply.message) {
      caption.textContent = `by ${$('nb-metric').value === 'euclidean' ? 'euclidean distance' : 'cosine similarity'}`;
      message.textContent = reply?.message ?? (this.hasRun() ? 'Click a word on the map.' : '');
      message.hidden = !message.textContent;
      return;
    }
    message.hidden = true;
    const all = reply.neighbors ?? [];
    const shown = all.filter((n) => this.map.has(n.word)).length;
    caption.textContent = `nearest to “${reply.word}” by ${reply.metric ?? 'cosine'}` + (shown < all.length ? ` · ${shown} on the map` : '');
    const euclidean = reply.metric === 'euclidean';
    const closest = Math.max(1e-12, Math.min(...all.map((n) => n.distance ?? Infinity)));
    for (const n of reply.neighbors ?? []) {
      const row = euclidean
        ? this.barRow(n.word, closest / Math.max(closest, n.distance), n.distance.toPrecision(3), n.distance)
        : this.barRow(n.word, Math.max(0, n.similarity), n.similarity.toFixed(2), n.similarity);
      if (!this.map.has(n.word)) row.classList.add('off-map');
      list.append(row);
    }
  }

  // A list row: a clickable word, a bar of `fraction` (0..1) and a value (exact in data-value).
  barRow(word, fraction, label, value) {
    const li = document.createElement('li');
    li.dataset.word = word;
    li.dataset.value = String(value);
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'word';
    button.textContent = word;
    button.title = `Show the neighbours of “${word}”`;
    button.addEventListener('click', () => this.selectWord(word));
    const bar = document.createElement('span');
    bar.className = 'bar';
    const fill = document.createElement('span');
    fill.style.transform = `scaleX(${Math.max(0, Math.min(1, fraction))})`;
    bar.append(fill);
    const num = document.createElement('span');
    num.className = 'value';
    num.textContent = label;
    li.append(button, bar, num);
    return li;
  }

  // ---- stats, messages, state ----------------------------------------------------------------

  showStats(s) {
    $('s-tokens').textContent = fmtInt(s.tokens);
    $('s-vocab').textContent = fmtInt(s.vocab);
    const oovShare = s.tokens > 0 ? ` · ${((100 * s.oov_tokens) / s.tokens).toFixed(1)}%` : '';
    $('s-oov').textContent = `${s.oov_tokens >= 1e5 ? fmtCompact(s.oov_tokens) : fmtInt(s.oov_tokens)}${oovShare}`;
    $('s-oov').title = `${fmtInt(s.oov_tokens)} training tokens became <unk>`;
    $('s-sentences').textContent = fmtInt(s.sentences);
    $('s-train').textContent = fmtInt(s.train_examples);
    $('s-valid').textContent = fmtInt(s.valid_examples);
  }

  clearStats() {
    for (const id of ['s-tokens', 's-vocab', 's-oov', 's-sentences', 's-train', 's-valid']) $(id).textContent = '–';
    for (const id of ['m-speed', 'm-eta', 'm-loss', 'm-ppl']) $(id).textContent = '–';
    $('m-epoch').textContent = `0 / ${this.activeForm?.()?.value('epochs') ?? 0}`;
    $('m-step').textContent = '0';
    $('eval-summary').textContent = '';
    $('progress-bar').style.transform = 'scaleX(0)';
    $('map-caption').textContent = 'the word vectors, projected by PCA';
  }

  // The loss became NaN or infinite: say so, and offer a ten times smaller learning rate.
  showDivergence(lr) {
    const smaller = lr ? Number((lr / 10).toPrecision(2)) : null;
    const note = $('diverged-note');
    note.querySelector('span').textContent = `Training diverged: the loss became infinite at learning rate ${lr}. `
      + 'A smaller learning rate takes smaller steps. The map and predictions still work.';
    const button = $('use-smaller-lr');
    button.hidden = smaller == null;
    button.textContent = `Use ${smaller} and restart`;
    button.onclick = async () => {
      this.activeForm().set('lr', smaller);
      await this.reset();
      this.playPause();
    };
    note.hidden = false;
    this.divergedAdvice = `Diverged: try a learning rate of ${smaller ?? 'less'}.`;
    this.updateStatus();
  }

  showTextError(message) {
    const box = $('text-error');
    box.textContent = message;
    box.hidden = false;
  }

  // A message for the status line that lasts until the state changes (or the inputs do).
  setStatus(message, kind = '') {
    this.note = { text: message, kind };
    this.updateStatus();
  }

  // The status line: a pending note, else what the state says.
  updateStatus(formOk = this.form ? this.activeForm().validate() : true) {
    const s = this.state;
    const p = this.progress;
    let text = '';
    let kind = '';
    if (this.note) ({ text, kind } = this.note);
    else if (s === 'loading') text = 'Loading the model…';
    else if (s === 'crashed') { text = 'Stopped.'; kind = 'error'; }
    else if (s === 'preparing') {
      text = this.preparingSize > 1e6 ? `Preparing ${fmtBytes(this.preparingSize)} of text…` : 'Preparing…';
    } else if (s === 'idle' && !formOk) { text = 'Fix the highlighted settings to train.'; kind = 'error'; }
    else if (s === 'idle' && this.neededText) text = 'Open the linked text to train.';
    else if (s === 'idle' && this.startBlocked) { text = 'Could not start: see the message under the text.'; kind = 'error'; }
    else if (s === 'idle') text = 'Ready. Press Play to train.';
    else if (s === 'running' && p) text = `Training… epoch ${Math.min(p.epoch + 1, p.epochs)} of ${p.epochs}`;
    else if (s === 'paused' && p) text = `Paused after ${fmtInt(p.step)} step${p.step === 1 ? '' : 's'}. Play resumes, Step trains one batch.`;
    else if (s === 'finished' && p) {
      const ppl = this.evaluation ? ` Validation perplexity ${fmtPpl(this.evaluation.perplexity)}.` : '';
      text = `Finished ${p.epochs} epochs.${ppl}`;
    } else if (s === 'diverged') { text = this.divergedAdvice ?? 'Diverged.'; kind = 'error'; }
    else if (s === 'loaded') text = `Loaded ${this.loadedName}. Explore it, or press Play to train a new model on the text.`;
    else if (s === 'vectors' && this.vectorsInfo) {
      const v = this.vectorsInfo;
      text = `Opened ${v.name}: ${fmtInt(v.words)} words, dimension ${v.dim}. Vectors from a file are explored, not trained: Reset goes back to training.`;
    }
    const el = $('status-text');
    if (el.textContent !== text) el.textContent = text;
    el.className = kind;
  }

  crash(message) {
    this.setState('crashed');
    const box = $('fatal');
    box.textContent = /reload/i.test(message) ? message : `${message.replace(/\.+$/, '')}. Reload the page to start again.`;
    box.hidden = false;
    this.client?.failAll(message);
  }

  setState(state) {
    if (this.state === 'crashed') return;
    if (state !== 'diverged') $('diverged-note').hidden = true;
    if (state !== this.state) this.note = null;
    const stoppedRunning = this.state === 'running' && state !== 'running';
    this.state = state;
    this.render();
    this.projectionRestored();
    if (stoppedRunning && this.map.clusterOf) this.refreshClusters(true);  // at rest: fresh clusters, not followed ones
  }

  // Derives every control's state from this.state; called on any change.
  render() {
    const s = this.state;
    document.body.dataset.state = s;
    const formOk = this.form ? this.activeForm().validate() : false;
    const startable = formOk && !this.startBlocked && !this.neededText;
    const play = $('play');
    const busy = ['loading', 'preparing', 'crashed', 'vectors'].includes(s) || this.importing;
    play.disabled = busy || (['idle', 'finished', 'diverged', 'loaded'].includes(s) && !startable);
    play.setAttribute('aria-label', s === 'running' ? 'Pause' : 'Play');
    play.title = s === 'running' ? 'Pause (space)'
      : s === 'paused' ? 'Resume (space)'
        : ['finished', 'diverged', 'loaded'].includes(s) ? 'Train again from the start (space)' : 'Train (space)';
    $('step').disabled = busy || (['idle', 'finished', 'diverged', 'loaded'].includes(s) && !startable);
    $('reset').disabled = ['loading', 'preparing', 'crashed'].includes(s) || this.importing;
    $('vectors-open').classList.toggle('disabled', this.importing || ['loading', 'preparing', 'crashed'].includes(s));
    $('vectors-file').disabled = this.importing || ['loading', 'preparing', 'crashed'].includes(s);
    // Only a run that Play would resume keeps its old inputs; after finishing, Play starts afresh.
    const stale = this.dirty && (s === 'running' || s === 'paused');
    $('reset').classList.toggle('attention', stale);
    $('dirty-note').hidden = !stale;
    for (const item of document.querySelectorAll('#export-menu [data-format]')) item.disabled = !this.hasRun();
    $('save-model').disabled = !this.hasRun() || this.runKind !== 'nextword';
    $('eval-run').disabled = !this.hasRun() || this.evalRunning;
    $('map-empty').hidden = this.map.pointCount > 0 || s === 'preparing';
    $('chart-empty').hidden = this.charts.lossPoints > 0;
    if (s === 'idle' && this.form) $('m-epoch').textContent = `0 / ${this.activeForm().value('epochs') ?? '–'}`;
    this.ideas?.render();
    this.updateStatus(formOk);
  }

  // ---- saving and loading ----------------------------------------------------------------------

  async saveModel() {
    $('export-menu').open = false;
    try {
      const { json } = await this.client.call('save');
      const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = 'embedding-model.json';
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (err) {
      this.setStatus(err.message, 'error');
    }
  }

  // ---- vectors from a file ------------------------------------------------------------------------

  // Streams a vectors file (and, for TSV, its metadata.tsv) to the worker in slices, with progress.
  // A file that cannot be read says why (with the line) and leaves the run and the text as they were.
  async openVectors(input) {
    const files = Array.from(input.files ?? []);
    input.value = '';
    if (!files.length || this.importing) return;
    const isTsv = (f) => /\.tsv$/i.test(f.name);
    const metadata = files.length > 1 ? files.find((f) => /metadata/i.test(f.name)) : null;
    const file = files.find((f) => f !== metadata);
    const message = $('vectors-message');
    const say = (text, kind = '') => {
      message.textContent = text;
      message.className = `message ${kind}`;
      message.hidden = !text;
    };
    if (!file) return;
    if (isTsv(file) && !metadata) {
      say(`${file.name} holds only numbers: pick it together with its metadata.tsv (the words).`, 'error');
      return;
    }
    const maxWords = Math.round(Number($('vectors-max').value));
    if (!(maxWords >= 1 && maxWords <= MAX_IMPORT_WORDS)) {
      say(`Keep between 1 and ${fmtInt(MAX_IMPORT_WORDS)} words.`, 'error');
      return;
    }
    const format = /\.bin$/i.test(file.name) ? 'word2vec-bin' : isTsv(file) ? 'tsv' : 'auto';
    if (this.state === 'running') await this.pause();
    this.importing = true;
    const bar = $('vectors-progress');
    bar.hidden = false;
    const showProgress = (fraction) => { bar.firstElementChild.style.transform = `scaleX(${fraction})`; };
    showProgress(0);
    say(`Reading ${file.name}…`, 'note');
    this.render();
    let result;
    try {
      await this.client.call('importBegin', { format, maxWords });
      for (let at = 0; at < file.size; at += IMPORT_CHUNK) {
        const bytes = await file.slice(at, at + IMPORT_CHUNK).arrayBuffer();
        const { kept, done } = await this.client.call('importChunk', { bytes }, [bytes]);
        showProgress(done ? 1 : Math.min(1, (at + IMPORT_CHUNK) / file.size));
        say(`Reading ${file.name}: ${fmtBytes(Math.min(file.size, at + IMPORT_CHUNK))} of ${fmtBytes(file.size)}, ${fmtInt(kept)} words`, 'note');
        if (done) {
          // One more slice, if there is one, tells the reader that the file had more words.
          const next = at + IMPORT_CHUNK < file.size ? await file.slice(at + IMPORT_CHUNK, at + IMPORT_CHUNK + 4096).arrayBuffer() : null;
          if (next) await this.client.call('importChunk', { bytes: next }, [next]);
          break;
        }
      }
      if (metadata) {
        const bytes = await metadata.arrayBuffer();
        await this.client.call('importMetadata', { bytes }, [bytes]);
      }
      result = await this.client.call('importFinish');
    } catch (err) {
      this.importing = false;
      bar.hidden = true;
      say(`Could not open ${file.name}: ${err.message}. Nothing else changed.`, 'error');
      this.render();
      return;
    }
    this.importing = false;
    bar.hidden = true;
    const notes = [];
    if (result.truncated) notes.push(`the first ${fmtInt(result.words)} words kept`);
    if (result.duplicates) notes.push(`${fmtInt(result.duplicates)} repeated word${result.duplicates === 1 ? '' : 's'} dropped (the first kept)`);
    if (result.skipped) notes.push(`${fmtInt(result.skipped)} <pad>/<unk> entr${result.skipped === 1 ? 'y' : 'ies'} left out`);
    say(notes.length ? `${file.name}: ${notes.join('; ')}.` : '');
    this.vectorsInfo = { name: file.name, ...result };
    this.runKind = 'vectors';
    this.progress = null;
    this.evaluation = null;
    this.dirty = false;
    this.speed = null;
    this.model = null;
    this.run = null;
    this.modelDirty = false;
    this.charts.reset();
    this.clearStats();
    $('m-epoch').textContent = '–';
    this.renderEval(null);
    this.renderPredictions(null);
    this.setState('vectors');
    this.mappedOnly = this.wantedOnly();
    await this.client.call('watch', this.shownFields()).catch(() => {});
    await this.refreshMap(true);
    if (this.selected) this.refreshNeighbours();
  }

  // ---- export ------------------------------------------------------------------------------------

  async exportVectors(format) {
    $('export-menu').open = false;
    const names = { word2vec: 'vectors.vec', 'word2vec-bin': 'vectors.bin', glove: 'vectors.txt', tsv: 'vectors.tsv' };
    try {
      const { bytes } = await this.client.call('export', { format });
      download(bytes, names[format], format === 'word2vec-bin' ? 'application/octet-stream' : 'text/plain');
      if (format === 'tsv') {
        const { bytes: words } = await this.client.call('export', { format: 'tsv-metadata' });
        download(words, 'metadata.tsv', 'text/tab-separated-values');
      }
    } catch (err) {
      this.setStatus(`Could not export: ${err.message}`, 'error');
    }
  }

  // ---- the Eval tab --------------------------------------------------------------------------------

  showTab(name) {
    for (const [tab, body] of [['neighbours', 'nb-body'], ['analogy', 'an-body'], ['eval', 'eval-body']]) {
      $(`tab-${tab}`).setAttribute('aria-selected', String(name === tab));
      $(body).hidden = name !== tab;
    }
    $('nb-caption').hidden = name !== 'neighbours';
    this.tab = name;
    this.inputsSaved();
  }

  // ---- the projection: PCA (follows training) or t-SNE (run on demand, streamed as it settles) ----

  tsneOptions() {
    const num = (id) => Number($(id).value);
    return { perplexity: num('tsne-perplexity'), learning_rate: num('tsne-lr'), iterations: Math.round(num('tsne-iterations')) };
  }

  async projectionChanged() {
    const message = $('tsne-message');
    message.classList.remove('error');
    const projection = $('map-projection').value;
    if (!this.hasRun()) {
      message.textContent = 'Train, step or open vectors first.';
      message.hidden = false;
      $('map-projection').value = 'pca';
      return;
    }
    try {
      if (projection === 'pca') {
        await this.client.call('projection', { projection, ...this.shownFields(), options: {} });
        message.hidden = true;
        this.refreshMap(true);
        return;
      }
      await this.startTsne(this.shownFields());
    } catch (err) {
      // The worker's projection did not change: nor does the map.
      message.textContent = `t-SNE: ${err.message}`;
      message.classList.add('error');
      message.hidden = false;
      this.projectionShown = this.projectionShown ?? 'pca';
      $('map-projection').value = this.projectionShown;
      return;
    }
    this.map.keepClearChanged();
  }

  // Starts t-SNE of the words `fields` name ({n, only}); its frames follow. Throws, leaving the
  // worker's projection as it was, when it cannot run on them.
  async startTsne(fields) {
    const r = await this.client.call('projection', { projection: 'tsne', ...fields, options: this.tsneOptions() });
    const message = $('tsne-message');
    message.classList.remove('error');
    message.textContent = `t-SNE of ${fmtInt(r.n)} words${r.warm ? ', from the last layout' : ''}…`;
    message.hidden = false;
  }

  // A t-SNE frame pushed by the worker (or word that t-SNE was dropped with its run).
  onFrame(frame) {
    const message = $('tsne-message');
    if (frame.projection === 'pca') {
      $('map-projection').value = 'pca';
      this.projectionShown = 'pca';
      message.hidden = true;
      return;
    }
    if (frame.error) {
      message.textContent = `t-SNE stopped: ${frame.error}`;
      message.classList.add('error');
      message.hidden = false;
      return;
    }
    this.projectionShown = 'tsne';
    this.applyFrame(frame);
    message.classList.remove('error');
    message.textContent = `t-SNE · iteration ${fmtInt(frame.iteration)} / ${fmtInt(frame.iterations)}${frame.done ? ' · done' : ''}`;
    message.hidden = false;
    $('map').dataset.tsneIteration = String(frame.iteration);
  }

  // ---- clusters, search and downloads of the map ---------------------------------------------------

  // k-means of the shown words, coloured on the map with a legend of each cluster's central words.
  // Unforced (after a new frame), at most every CLUSTER_MS; the last call after a burst still runs.
  async refreshClusters(force = false) {
    const k = Number($('map-k').value);
    clearTimeout(this.clusterTimer);
    if (!k || !this.hasRun() || this.map.pointCount === 0) {
      this.map.setClusters(null);
      this.renderClusterLegend(null);
      return;
    }
    const wait = CLUSTER_MS - (performance.now() - (this.lastClusters ?? -Infinity));
    if (!force && (this.clustersInFlight || wait > 0)) {
      this.clusterTimer = setTimeout(() => this.refreshClusters(), Math.max(wait, 100));
      return;
    }
    this.clustersInFlight = true;
    this.lastClusters = performance.now();
    try {
      // While training, the clusters follow the last ones (the vectors drift; fresh seedings would
      // jump between local optima); at rest they are computed afresh, the same for everyone.
      const shown = this.map.clusterOf;  // word -> colour of the clusters on the map
      const follow = this.state === 'running' && shown && this.map.clusterCount === k;
      const previous = follow ? { words: [...shown.keys()], assignment: [...shown.values()] } : undefined;
      const r = await this.client.call('clusters', { ...this.shownFields(), k, seed: CLUSTER_SEED, previous });
      if (Number($('map-k').value) !== k) return;
      // Each new cluster takes the colour and legend slot of the shown cluster it shares most words
      // with; with none shown, k-means's own numbers (by each cluster's most frequent word), which
      // depend on the clusters alone: whoever opens the link sees the same colours.
      const { assignment, slotOf } = matchClusters(this.map.clusterOf, r.words, r.assignment, k);
      this.map.setClusters({ words: r.words, assignment, k });
      this.renderClusterLegend(reorder(r.central, slotOf));
    } catch (err) {
      this.map.setClusters(null);
      this.renderClusterLegend(null);
      this.setStatus(`Could not cluster: ${err.message}`, 'error');
    } finally {
      this.clustersInFlight = false;
    }
  }

  renderClusterLegend(central) {
    const legend = $('cluster-legend');
    legend.replaceChildren();
    legend.hidden = !central;
    for (const [c, members] of (central ?? []).entries()) {
      const li = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = CLUSTER_COLOURS[c % CLUSTER_COLOURS.length];
      const text = document.createElement('span');
      text.className = 'members';
      text.textContent = members.join(', ');
      li.append(swatch, text);
      legend.append(li);
    }
    this.map.keepClearChanged();
  }

  // The search box: a substring (any case), or /regex/flags (search.js), rings and labels the
  // matching words. An invalid expression is explained and the map keeps its last search. While the
  // map shows only a search's matches, rings would say nothing (or, for a search not mapped yet or
  // refused, dim the words shown): rings only when the map shows all the words.
  searchChanged() {
    const query = $('map-search').value.trim();
    const search = readSearch(query);
    $('map-only').disabled = !search;
    this.searchError = search?.error ?? null;
    if (!this.searchError) this.map.setSearch(search && !this.mappedOnly ? search.test : null);
    this.renderSearchMessage();
  }

  // "only these", or the search while it is ticked, changed: the worker projects the new words before
  // the map shows them. If it cannot (too few matches, all with the same vector, a perplexity too
  // large for them), the map keeps the words it shows and the search message says why.
  async changeShown() {
    clearTimeout(this.shownTimer);
    const only = this.wantedOnly();
    if (only === this.mappedOnly || !this.hasRun()) {
      this.mappedOnly = only;
      this.onlyProblem = null;
      this.searchChanged();
      return;
    }
    const fields = { n: this.mapWords(), only };
    const ask = (this.shownAsk = (this.shownAsk ?? 0) + 1);
    let frame = null;
    try {
      if ($('map-projection').value === 'tsne') await this.startTsne(fields);  // its frames follow
      else frame = await this.client.call('snapshot', fields);
    } catch (err) {
      if (ask !== this.shownAsk) return;
      this.onlyProblem = only ? err.message : null;
      this.renderSearchMessage();
      return;
    }
    if (ask !== this.shownAsk) return;
    this.mappedOnly = only;
    this.onlyProblem = null;
    this.client.call('watch', fields).catch(() => {});
    if (frame) this.applyFrame(frame);
    this.timeline.invalidate();
    this.searchChanged();
    this.refreshClusters(true);
  }

  // The line under the search box: how many shown words match, which words the map shows, or why not.
  renderSearchMessage() {
    const message = $('map-search-message');
    const query = $('map-search').value.trim();
    let text = '';
    let error = false;
    if (!query) text = '';
    else if (this.searchError) [text, error] = [this.searchError, true];
    else if (this.map.pointCount === 0) text = '';  // no map yet: nothing to count
    else if (this.onlyProblem && $('map-only').checked) {
      const shows = this.mappedOnly ? 'keeps its' : 'shows all';  // the last good matches, or all the words
      [text, error] = [`Only these: ${this.onlyProblem}. The map ${shows} ${fmtInt(this.map.pointCount)} words.`, true];
    } else if (this.mappedOnly) {
      text = `only the ${fmtInt(this.map.pointCount)} words matching “${this.mappedOnly}”, of the ${fmtInt(this.mapPool)} most frequent`;
    } else text = `${fmtInt(this.map.matches?.size ?? 0)} of ${fmtInt(this.map.pointCount)} shown words match`;
    if (message.textContent !== text || message.hidden !== !text || message.classList.contains('error') !== error) {
      message.textContent = text;
      message.classList.toggle('error', error);
      message.hidden = !text;
      this.map.keepClearChanged();
    }
  }

  // The map out of the page: the coordinates as CSV, or the picture as PNG or SVG.
  downloadMap(kind) {
    $('map-download').open = false;
    if (this.map.pointCount === 0) {
      this.setStatus('Nothing to download yet: the map is empty.', 'error');
      return;
    }
    if (kind === 'csv') {
      const quote = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
      const rows = this.map.points().map((p) => [quote(p.word), p.x, p.y, p.cluster ?? ''].join(','));
      download(`word,x,y,cluster\n${rows.join('\n')}\n`, 'map.csv', 'text/csv');
    } else if (kind === 'png') {
      $('map').toBlob((blob) => { if (blob) download(blob, 'map.png', 'image/png'); }, 'image/png');
    } else if (kind === 'svg') {
      download(this.map.toSvg(), 'map.svg', 'image/svg+xml');
    }
  }

  // ---- the Analogy tab: a - b + c, ranked, and its arrows on the map ---------------------------

  // Asks the worker for the answers to the three fields; `quiet` (a follow-up after a new frame)
  // leaves the message alone when the fields are incomplete.
  async solveAnalogy({ quiet = false } = {}) {
    const [a, b, c] = ['an-a', 'an-b', 'an-c'].map((id) => $(id).value.trim());
    const method = $('an-method').value;
    const message = $('an-message');
    if (!a || !b || !c) {
      if (!quiet) { message.textContent = 'Type three words: a − b + c.'; message.hidden = false; }
      return;
    }
    if (!this.hasRun()) {
      message.textContent = 'Train or step the model first.';
      message.hidden = false;
      return;
    }
    this.analogyAsked = true;
    const asked = `${a}\n${b}\n${c}\n${method}`;
    this.analogyQuestion = asked;
    try {
      const reply = await this.client.call('analogy', { a, b, c, k: ANALOGY_K, method });
      if (asked !== this.analogyQuestion) return;
      this.renderAnalogy(reply);
    } catch (err) {
      if (asked !== this.analogyQuestion) return;
      this.renderAnalogy({ message: err.message });
    }
  }

  renderAnalogy(reply) {
    const list = $('an-list');
    const message = $('an-message');
    list.replaceChildren();
    if (!reply || reply.message) {
      message.textContent = reply?.message ?? '';
      message.hidden = !message.textContent;
      this.map.setAnalogy(null);
      return;
    }
    const [a, b, c] = reply.words;
    const answers = reply.answers ?? [];
    const best = answers[0]?.word;
    const top = Math.max(1e-12, ...answers.map((x) => Math.abs(x.score)));
    for (const x of answers) {
      const row = this.barRow(x.word, Math.max(0, x.score) / top, x.score.toFixed(3), x.score);
      if (!this.map.has(x.word)) row.classList.add('off-map');
      list.append(row);
    }
    const missing = [a, b, c, best].filter((w) => w && !this.map.has(w));
    message.textContent = `${a} − ${b} + ${c} ≈ ${best ?? '?'} (${reply.method})`
      + (missing.length ? ` · not on the map: ${missing.join(', ')} (${this.mappedOnly
        ? 'it shows only the search\u2019s matches' : 'show more words to see the arrows'})` : '');
    message.hidden = false;
    this.map.setAnalogy(best ? { a, b, c, answer: best } : null);
  }

  async runEval() {
    if (!this.hasRun() || this.evalRunning) return;
    this.evalRunning = true;
    this.render();
    $('eval-status').textContent = 'Running… (analogies search the 30,000 most frequent words)';
    try {
      const step = this.progress?.step;
      this.renderEval(await this.client.call('evalRun'));
      const of = this.runKind === 'vectors' ? this.vectorsInfo.name : step != null ? `the vectors at step ${fmtInt(step)}` : 'the vectors';
      $('eval-status').textContent = `${of}: ${fmtInt(this.evalResult.words)} words`;
    } catch (err) {
      this.renderEval(null);
      $('eval-status').textContent = `Could not evaluate: ${err.message}`;
    } finally {
      this.evalRunning = false;
      this.render();
    }
  }

  // Fills the two tables from an evalRun reply (or empties them).
  renderEval(result) {
    this.evalResult = result;
    const pct = (x) => `${(100 * x).toFixed(1)}%`;
    const row = (cells, className = '') => {
      const tr = document.createElement('tr');
      if (className) tr.className = className;
      for (const [text, title, cls] of cells) {
        const td = document.createElement('td');
        td.textContent = text;
        if (title) td.title = title;
        if (cls) td.className = cls;
        tr.append(td);
      }
      return tr;
    };
    const sim = $('eval-similarity');
    const ana = $('eval-analogies');
    sim.hidden = !result;
    ana.hidden = !result;
    sim.tBodies[0].replaceChildren();
    ana.tBodies[0].replaceChildren();
    if (!result) {
      $('eval-status').textContent = this.hasRun() ? 'Score the current vectors on the standard tests.' : 'Train or open vectors, then Run.';
      return;
    }
    for (const [name, s] of [['WordSim-353', result.wordsim353], ['SimLex-999', result.simlex999]]) {
      const rho = s.spearman == null ? ['–', 'fewer than two pairs covered', 'na'] : [s.spearman.toFixed(3)];
      sim.tBodies[0].append(row([[name], rho, [pct(s.coverage), `${s.covered} of ${s.total} pairs`]]));
    }
    const a = result.analogies;
    const analogyRow = (s, className) => row([
      [s.name],
      s.covered ? [pct(s.accuracy), `${s.correct} of ${s.covered} covered questions`] : ['–', 'no question covered', 'na'],
      [pct(s.coverage), `${s.covered} of ${s.total} questions`],
    ], className);
    for (const s of a.sections) ana.tBodies[0].append(analogyRow(s));
    for (const s of [a.semantic, a.syntactic, a.all]) ana.tBodies[0].append(analogyRow(s, 'total'));
  }

  // ---- the session: saved as the user works, exported, imported, shared --------------------------

  // The settings as the form holds them; a field being edited (invalid) keeps its default.
  currentSettings() {
    const out = {};
    for (const spec of this.schema) out[spec.name] = this.form.value(spec.name) ?? spec.default;
    return out;
  }

  // The word2vec form's settings, the same way (without `model`: the selector holds it).
  currentW2vSettings() {
    const out = {};
    for (const spec of schemaFor(this.schemas, 'skipgram')) out[spec.name] = this.w2vForm.value(spec.name) ?? spec.default;
    return out;
  }

  // Everything on the page that is not a setting but that a link or a saved session keeps.
  currentView() {
    const num = (id, fallback) => (Number.isFinite(Number($(id).value)) && $(id).value !== '' ? Number($(id).value) : fallback);
    return {
      words: this.mapWords(),
      proj: this.wantTsne ? 'tsne' : $('map-projection').value,
      tsne_perplexity: num('tsne-perplexity', DEFAULT_VIEW.tsne_perplexity),
      tsne_lr: num('tsne-lr', DEFAULT_VIEW.tsne_lr),
      tsne_iterations: num('tsne-iterations', DEFAULT_VIEW.tsne_iterations),
      search: $('map-search').value,
      only: $('map-only').checked,
      k: Number($('map-k').value),
      word: this.selected ?? '',
      metric: $('nb-metric').value,
      predict: $('predict-input').value,
      an_a: $('an-a').value,
      an_b: $('an-b').value,
      an_c: $('an-c').value,
      an_method: $('an-method').value,
      tab: this.tab ?? DEFAULT_VIEW.tab,
      open: WHY_PANELS.filter((id) => document.getElementById(id)?.open),
      vectors: this.runKind === 'vectors' ? this.vectorsInfo?.name ?? '' : '',
    };
  }

  currentSession() {
    return makeSavedSession({
      text: $('text').value,
      kind: this.modelKind(),
      settings: this.currentSettings(),
      w2vSettings: this.currentW2vSettings(),
      view: this.currentView(),
      model: this.model,
      history: this.model ? this.charts.history() : null,
      ideas: this.model ? this.ideas.record() : null,
      run: this.model ? this.run : null,
      stats: this.model ? this.stats : null,
    });
  }

  // Text, settings or view changed: save them soon, and let the address bar follow.
  inputsSaved() {
    if (this.restoring || !this.form) return;
    this.saveSoon();
    clearTimeout(this.linkTimer);
    this.linkTimer = setTimeout(() => this.updateLink(), LINK_DELAY_MS);
  }

  // Something the session keeps changed (an edit, or a figure of the run such as the test result).
  saveSoon() {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.saveNow(), SAVE_DELAY_MS);
  }

  // The worker's model changed (an epoch ended, training paused or stopped): save it, at most
  // every MODEL_SAVE_MS unless `now`.
  modelMoved(now) {
    this.modelDirty = true;
    const wait = now ? 0 : Math.max(0, this.lastModelSave + MODEL_SAVE_MS - performance.now());
    clearTimeout(this.modelTimer);
    this.modelTimer = setTimeout(() => this.saveNow(), wait);
  }

  async saveNow() {
    if (this.restoring || !this.form || this.state === 'crashed') return;
    if (this.modelDirty && this.hasRun() && this.state !== 'loaded' && this.runKind === 'nextword') {
      this.modelDirty = false;
      this.lastModelSave = performance.now();
      try {
        const { json } = await this.client.call('save');
        this.model = JSON.parse(json);
        const p = this.progress ?? {};
        this.run = { epoch: p.epoch ?? 0, epochs: p.epochs ?? 0, step: p.step ?? 0, finished: Boolean(p.finished), diverged: Boolean(p.diverged) };
      } catch {
        // The run was reset, or the worker is gone: keep the last saved model.
      }
    }
    this.saved = this.currentSession();
    await this.store.put(SESSION_KEY, this.saved);
    document.body.dataset.savedAt = this.saved.saved_at;
  }

  // Puts a session (from IndexedDB, a file, or the memory of a dead worker) on the page: the text,
  // settings and view, and its model (to explore) with its curves. Says `message` and any problems.
  async applySession(session, message, kind = '') {
    if (this.state === 'running') await this.pause();
    if (session.text != null) this.setText(session.text);
    this.applyKind(session.kind ?? 'nextword', session.settings, session.w2vSettings);
    if (session.view) this.applyView(session.view);
    this.neededText = null;
    this.showNeededText();
    let detail = '';
    if (session.model) {
      const restored = await this.loadRun(session);
      if (restored) detail = session.run?.epoch ? ` The model as it was after epoch ${session.run.epoch} is back.` : ' Its model is back.';
      else detail = ' Its model could not be loaded.';
    } else if (session.kind && session.kind !== 'nextword') {
      detail = ' Its word2vec settings are back (word2vec models are not kept): Play trains the same run again.';
    }
    if (session.view?.vectors) detail += ` It had opened ${session.view.vectors}: vectors files are not kept, open it again with Open vectors.`;
    this.showNotice(message + detail, session.messages, kind);
  }

  // Loads a session's model into the worker (state 'loaded'); false if the worker refused it.
  async loadRun(session) {
    try {
      await this.client.call('load', { json: session.model });
    } catch {
      return false;
    }
    this.charts.reset();
    this.clearStats();
    this.stats = session.stats ?? null;  // the model file does not hold its text's stats: the session does
    if (this.stats) this.showStats(this.stats);
    this.charts.restore(session.history ?? {});
    this.ideas.restore(session.ideas);
    this.progress = null;
    this.evaluation = this.charts.latestEvaluation;
    this.dirty = false;
    this.model = JSON.parse(session.model);
    this.run = session.run;
    this.runKind = 'nextword';
    this.vectorsInfo = null;
    this.renderEval(null);
    this.modelDirty = false;
    const p = session.run;
    this.loadedName = p?.epoch ? `the model after epoch ${p.epoch} of ${p.epochs}` : 'the saved model';
    this.setState('loaded');
    if (p) {
      $('m-epoch').textContent = `${p.epoch} / ${p.epochs}`;
      $('m-step').textContent = fmtInt(p.step ?? 0);
    }
    if (this.charts.latestLoss != null) $('m-loss').textContent = fmtLoss(this.charts.latestLoss);
    this.showEvaluation();
    await this.refreshMap(true);
    this.projectionRestored();
    return true;
  }

  // Puts a view (validated by share.js) on the page's controls. Values go into fields, never markup.
  // t-SNE needs a run: it starts when there is one (now, after Play, or when a saved model loads).
  applyView(view) {
    const v = { ...DEFAULT_VIEW, ...view };
    $('map-n').value = String(v.words);
    $('predict-input').value = v.predict;
    this.selected = v.word || null;
    $('nb-input').value = v.word;
    $('tsne-perplexity').value = String(v.tsne_perplexity);
    $('tsne-lr').value = String(v.tsne_lr);
    $('tsne-iterations').value = String(v.tsne_iterations);
    $('map-k').value = String(v.k);
    $('nb-metric').value = v.metric;
    $('an-a').value = v.an_a;
    $('an-b').value = v.an_b;
    $('an-c').value = v.an_c;
    $('an-method').value = v.an_method;
    this.analogyAsked = Boolean(v.an_a && v.an_b && v.an_c);
    $('map-search').value = v.search;
    $('map-only').checked = v.only;
    this.mappedOnly = this.wantedOnly();  // a run's map tries it (refreshMap falls back to all the words)
    this.onlyProblem = null;
    this.searchChanged();
    this.wantTsne = v.proj === 'tsne';
    if (!this.wantTsne && $('map-projection').value !== 'pca' && this.hasRun()) {
      $('map-projection').value = 'pca';
      this.projectionChanged();
    }
    $('map-projection').value = v.proj;
    this.showTab(v.tab);
    this.refreshClusters(true);
    for (const id of WHY_PANELS) {
      const el = document.getElementById(id);
      if (el) el.open = v.open.includes(id);
    }
    this.client.call('watch', this.shownFields()).catch(() => {});
    if (this.hasRun()) this.refreshMap(true);
    this.projectionRestored();
  }

  // The model selector and both settings forms, from a link or a saved session.
  applyKind(kind, settings, w2vSettings) {
    if (settings) this.form.setValues(settings);
    if (w2vSettings) this.w2vForm.setValues(w2vSettings);
    $('model-kind').value = kind;
    this.modelKindChanged();
  }

  // Opens the link in the address bar. `saved` is the session kept in this browser, or null.
  async openLink(saved) {
    let link;
    try {
      link = await readLink(location.hash, this.schemas);
    } catch (err) {
      if (!(err instanceof LinkError)) throw err;
      this.showNotice(`This link could not be opened: ${err.message}. The page kept its own text and settings.`, [], 'error');
      if (saved && this.restoring) await this.applySession(saved, 'Restored your last session from this browser instead.');
      else if (this.restoring) this.setText(this.sampleText);
      return;
    }
    if (this.state === 'running') await this.pause();
    const text = link.text ?? (link.sha256 && saved?.text != null && await textHash(saved.text) === link.sha256 ? saved.text : null);
    // The same text and settings as the session saved here: a reload, so the saved model comes back too.
    const savedSettings = link.kind === 'nextword' ? saved?.settings : saved?.w2vSettings;
    const same = saved && text != null && text === saved.text && link.kind === (saved.kind ?? 'nextword') && savedSettings
      && Object.keys(link.settings).every((k) => link.settings[k] === savedSettings[k]);
    if (same) {
      await this.applySession({ ...saved, view: link.view, messages: link.messages }, 'Restored this link\u2019s session from this browser.');
      return;
    }
    if (saved && this.restoring && saved.text !== this.sampleText) await this.store.put(PREVIOUS_KEY, await this.store.get(SESSION_KEY));
    if (this.hasRun()) await this.reset();
    if (link.kind === 'nextword') this.applyKind('nextword', link.settings, null);
    else this.applyKind(link.kind, null, link.settings);
    this.applyView(link.view);
    if (text != null) this.setText(text);
    else if (link.sha256) {
      this.setText('');
      this.neededText = { sha256: link.sha256, chars: link.chars };
    } else if (this.restoring) this.setText(saved?.text ?? this.sampleText);
    this.showNeededText();
    const kept = saved && this.restoring && saved.text !== this.sampleText;
    let what = this.neededText ? 'Opened a shared run: open its text file to train it.' : 'Opened a shared run: press Play to train it.';
    if (link.view.vectors) {
      what = `Opened a shared view of the vectors file ${link.view.vectors}. The file is not in the link: `
        + 'open the same file with Open vectors to explore it (or press Play to train on the text instead).';
    }
    this.showNotice(what + (link.messages.length ? ' Some values in the link were changed:' : ''), link.messages,
      link.messages.length ? 'error' : '', kept ? { label: 'Bring back my earlier session', run: () => this.bringBackPrevious() } : null);
    this.render();
  }

  async bringBackPrevious() {
    const previous = await this.readSaved(PREVIOUS_KEY);
    if (!previous) {
      this.showNotice('The earlier session is gone.', [], 'error');
      return;
    }
    if (this.hasRun()) await this.reset();
    history.replaceState(null, '', location.href.split('#')[0]);
    await this.applySession(previous, 'Brought back your earlier session.');
    await this.store.delete(PREVIOUS_KEY);
  }

  // The text a hash link names: says what to open, or whether the opened text matches.
  showNeededText(mismatch = false) {
    const box = $('text-needed');
    box.hidden = !this.neededText;
    if (!this.neededText) return;
    const { sha256, chars } = this.neededText;
    const size = chars != null ? `${fmtInt(chars)} characters, ` : '';
    $('text-needed-what').textContent = (mismatch
      ? 'This is not the text the link was made with (its SHA-256 differs). '
      : 'The link was made with a text too long to travel in it. ')
      + `Open the same file (${size}SHA-256 ${sha256.slice(0, 12)}…) to train the same run.`;
    box.classList.toggle('error', mismatch);
  }

  async checkNeededText() {
    if (!this.neededText) return;
    const text = $('text').value;
    if (!text) { this.showNeededText(); return; }
    if (await textHash(text) === this.neededText.sha256) {
      this.neededText = null;
      this.showNeededText();
      this.showNotice('The text matches the link. Press Play to train the shared run.');
      this.render();
      this.inputsSaved();
    } else {
      this.showNeededText(true);
    }
  }

  // The address bar always holds the share link of the page as it is (while a linked text is
  // missing, it keeps the link that asked for it).
  async updateLink() {
    if (!this.form || this.neededText) return this.link;
    const kind = this.modelKind();
    this.link = await makeLink(location.href, {
      kind,
      settings: kind === 'nextword' ? this.currentSettings() : this.currentW2vSettings(),
      view: this.currentView(),
      text: $('text').value,
    }, this.schemas);
    if (location.href !== this.link.url) history.replaceState(null, '', this.link.url);
    return this.link;
  }

  async copyLink() {
    clearTimeout(this.linkTimer);
    const link = this.neededText ? { url: location.href, inline: false } : await this.updateLink();
    $('share-url').value = link.url;
    let copied = false;
    try {
      await navigator.clipboard.writeText(link.url);
      copied = true;
    } catch {
      // No clipboard permission (or an insecure page): the link is selected for a manual copy.
    }
    const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
    $('share-what').textContent = `${copied ? 'Copied. ' : 'Select and copy this link. '}`
      + (link.inline
        ? `The text travels in the link (${kb(link.url.length)}). The same seed trains the same run.`
        : `The text is too long for a link (${kb(link.textBytes ?? 0)} compressed; links stay under 8 kB), so the link carries its SHA-256: whoever opens it is asked for the same file.`)
      + (this.runKind === 'vectors' && this.vectorsInfo
        ? ` The vectors file ${this.vectorsInfo.name} is not in the link (only its name): whoever opens it must open the same file.` : '');
    $('share-box').hidden = false;
    $('share-url').focus();
    $('share-url').select();
  }

  async exportSession() {
    if (this.modelDirty) await this.saveNow();
    const session = this.currentSession();
    const url = URL.createObjectURL(new Blob([JSON.stringify(session)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'embedding-session.json';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  async importSession(input) {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    let session;
    try {
      session = readSavedSession(await file.text(), this.schemas);
    } catch (err) {
      this.showNotice(`Could not import ${file.name}: ${err.message}.`, [], 'error');
      return;
    }
    if (this.hasRun()) await this.reset();
    await this.applySession(session, `Imported ${file.name}.`, session.messages.length ? 'error' : '');
  }

  // Forgets everything this browser kept; two clicks, so a stray one does no harm.
  async clearSaved() {
    const button = $('clear-saved');
    if (!button.dataset.armed) {
      button.dataset.armed = '1';
      button.textContent = 'Really clear?';
      clearTimeout(this.clearTimer);
      this.clearTimer = setTimeout(() => { delete button.dataset.armed; button.textContent = 'Clear saved'; }, 3000);
      return;
    }
    delete button.dataset.armed;
    button.textContent = 'Clear saved';
    this.restoring = true;
    await this.store.clear();
    this.saved = null;
    if (this.hasRun() || this.state === 'preparing') await this.reset();
    this.neededText = null;
    this.showNeededText();
    this.form.restoreDefaults();
    this.w2vForm.restoreDefaults();
    this.applyKind('nextword', null, null);
    this.applyView(DEFAULT_VIEW);
    this.selectWord(null);
    this.renderPredictions(null);
    this.setText(this.sampleText);
    history.replaceState(null, '', location.href.split('#')[0]);
    this.restoring = false;
    delete document.body.dataset.savedAt;
    this.showNotice('Cleared: this browser keeps nothing of the session until you change something.');
  }

  // ---- the worker died ---------------------------------------------------------------------------

  // Replaces a failed worker and restores the last saved session, unless it keeps failing.
  async workerLost(reason, worker) {
    if (worker !== this.worker || this.state === 'crashed') return;
    worker.terminate();
    this.client.failAll('The training worker stopped.');
    const now = performance.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    if (!this.form || this.restarts.length >= MAX_RESTARTS) {
      this.crash(`The training worker stopped (${reason}) and could not be kept running`);
      return;
    }
    this.restarts.push(now);
    clearTimeout(this.modelTimer);
    this.modelDirty = false;
    const last = this.saved ?? await this.readSaved(SESSION_KEY);
    this.state = 'loading';
    this.progress = null;
    this.evaluation = null;
    this.map.clear();
    this.timeline.reset();
    this.charts.reset();
    this.clearStats();
    this.render();
    this.startWorker();
    try {
      await this.client.call('init');
    } catch (err) {
      this.crash(err.message);
      return;
    }
    this.setState('idle');
    const text = `The training worker stopped (${reason}). It was restarted.`;
    if (last?.model) {
      const restored = await this.loadRun(typeof last.model === 'string' ? last : { ...last, model: JSON.stringify(last.model) });
      const epoch = last.run?.epoch ? ` after epoch ${last.run.epoch}` : '';
      this.showNotice(restored ? `${text} The model as last saved${epoch} is back; Play trains again from the start, and the same seed gives the same run.`
        : `${text} The saved model could not be loaded.`, [], 'error');
    } else {
      this.showNotice(`${text} Your text and settings are kept; press Play to train.`, [], 'error');
    }
    this.recoveries = (this.recoveries ?? 0) + 1;
  }

  // ---- notices ---------------------------------------------------------------------------------

  // A message under the top bar until dismissed: text, a list of details, and maybe one action.
  showNotice(text, details = [], kind = '', action = null) {
    const box = $('notice');
    $('notice-text').textContent = text;
    const list = $('notice-list');
    list.replaceChildren(...details.map((d) => {
      const li = document.createElement('li');
      li.textContent = d;
      return li;
    }));
    box.dataset.kind = kind;
    const button = $('notice-action');
    button.hidden = !action;
    if (action) {
      button.textContent = action.label;
      button.onclick = () => { this.hideNotice(); action.run(); };
    }
    box.hidden = false;
  }

  hideNotice() {
    $('notice').hidden = true;
  }

  // ---- for tests and curious people: a read-only view of the page's state ----------------------

  exposeForTests() {
    const app = this;
    const view = Object.freeze({
      get state() { return app.state; },
      get progress() { return app.progress ? { ...app.progress } : null; },
      get evaluation() { return app.evaluation ? { ...app.evaluation } : null; },
      get mapPoints() { return app.map.pointCount; },
      get mapLabels() { return app.map.labelCount; },
      get mapSettled() { return app.map.settled; },
      get lossPoints() { return app.charts.lossPoints; },
      get pplPoints() { return app.charts.pplPoints; },
      get selected() { return app.selected; },
      get recoveries() { return app.recoveries ?? 0; },
      get ready() { return Boolean(app.form) && !app.restoring; },
      get neededText() { return app.neededText ? { ...app.neededText } : null; },
      get runKind() { return app.runKind; },
      get vectors() { return app.vectorsInfo ? { ...app.vectorsInfo } : null; },
      get evalResult() { return app.evalResult; },
      labelledPoints: () => app.map.labelledPoints(),
      mapCoords: () => app.map.points(),
      history: () => app.charts.history(),
      settings: () => (app.form ? app.currentSettings() : null),
      // Kills the worker the way a crash would (terminate, then its error event), to test recovery.
      crashWorker: () => {
        app.worker.terminate();
        app.worker.dispatchEvent(new ErrorEvent('error', { message: 'killed by a test' }));
      },
      // Resolves once the session (with the model, if any) is in IndexedDB.
      saveNow: () => app.saveNow(),
      // The current model file (its weights bit-exact in base64): equal files, equal maps.
      modelJson: () => app.client.call('save').then((r) => r.json),
      traffic: () => JSON.parse(JSON.stringify(app.traffic)),
      requestTypes: Object.freeze(Object.keys(REQUESTS)),
    });
    Object.defineProperty(window, '__embplay', { value: view, enumerable: false });
  }
}

new App();

// The app shell is cached for offline use by sw.js (versioned by the build), on http(s) only:
// a service worker never runs from file://, and the tests' fresh profiles start without one.
if ('serviceWorker' in navigator && /^https?:$/.test(location.protocol)) {
  navigator.serviceWorker.register('sw.js').catch(() => {});
}
