// The page, wired: creates the panels and connects them. All training and model queries happen in
// the worker (worker-link.js; messages: protocol.js); the run's state lives in run.js (its table in
// run-state.js), the view's controls in view-state.js, the saved session and the share link in
// persistence.js; each panel draws its part. Text and words reach the DOM only via textContent.
import { REQUESTS } from '../shared/protocol.js';
import { TrainingCharts } from './charts.js';
import { EncoderPanel } from './encoder-panel.js';
import { EvalPanel } from './eval-panel.js';
import { fmtInt } from './format.js';
import { IdeasPanels } from './ideas.js';
import { ItemsEvalPanel } from './items-eval.js';
import { ItemsSample } from './items-sample.js';
import { MapPanel } from './map-panel.js';
import { ModelPanel } from './model-panel.js';
import { OddOneOutPanel } from './odd-one-out.js';
import { Persistence } from './persistence.js';
import { QueriesPanel } from './queries.js';
import { RecommendPanel } from './recommend-panel.js';
import { RunControl } from './run.js';
import { SentenceEval } from './sentence-eval.js';
import { SentencesPanel } from './sentences-panel.js';
import { TextPanel } from './text-panel.js';
import { Timeline } from './timeline.js';
import { TopBar } from './top-bar.js';
import { VectorFilesPanel } from './vector-files.js';
import { ViewState } from './view-state.js';
import { WorkerLink } from './worker-link.js';

const $ = (id) => document.getElementById(id);
let sampleText = '';
const itemsSample = new ItemsSample();

// ---- the panels ----------------------------------------------------------------------------------

const link = new WorkerLink({
  events: {
    onProgress: (p) => run.onProgress(p),
    onFrame: (frame) => (frame.of === 'units' ? sentences.onTsneFrame(frame) : mapPanel.showTsneFrame(frame)),
    onTwin: (twin) => { ideas.onTwin(twin); showStatus(); },
    onItemsEval: (e) => itemsEval.onEvent(e),
    onSentences: (status) => sentences.onStatus(status),
    onEncoder: (e) => encoder.onEvent(e),
  },
  onLost: (reason) => workerLost(reason),
});
link.start();
const { call } = link;

const topBar = new TopBar({
  onPlay: () => run.playPause(),
  onStep: () => run.step(),
  onReset: () => run.reset(),
  onEscape: () => { persistence.closeShareBox(); files.closeMenu(); },
});
const model = new ModelPanel({
  onChange: () => inputsChanged(),
  // item2vec learns from purchases, the others from text: the data kind follows the model chosen.
  onKindPicked: (kind) => { if ((kind === 'item2vec') !== (text.dataKind !== 'text')) text.setDataKind(kind === 'item2vec' ? 'events' : 'text'); },
});
const text = new TextPanel({
  onChange: () => inputsChanged(),
  onFileOpened: () => persistence.checkNeededText(),
  sample: () => sampleText,
  itemsSample: () => itemsSample.text(),
  onKindChange: (kind) => model.followData(kind),
  onSkipNeeded: () => { persistence.skipNeededText(); inputsChanged(); },
  count: (t) => (model.isReady ? call('countTokens', { text: t, tokenizer: tokenizerSettings() }) : null),
  onCounted: ({ tokens, suggested }) => model.suggest(tokens, suggested),
});
const view = new ViewState({
  onChange: () => persistence.inputsSaved(),
  vectorsName: () => (run.kind === 'vectors' ? run.vectors?.name ?? '' : ''),
});
const charts = new TrainingCharts($('chart'), $('chart-metric'));
const encoder = new EncoderPanel({ call, text: () => text.text });

const run = new RunControl({
  call,
  model,
  text: () => text.text,
  dataKind: () => text.dataKind,
  settled: () => text.settled(),
  textMissing: () => persistence.neededText != null,
  latestEvaluation: () => charts.latestEvaluation,
  page: {
    changed: render,
    stateChanged(previous, state) {
      if (state !== 'diverged') model.hideDivergence();
      if (state !== previous) topBar.clearNote();
      render();
      if (state !== previous) queries.prompt();
      mapPanel.projectionRestored();
      if (previous === 'running' && state !== 'running') mapPanel.atRest();
      if (state !== previous && ['finished', 'vectors', 'loaded'].includes(state)) noticeCollapse();
    },
    status,
    textError: (message) => (message == null ? text.hideError() : text.showError(message)),
    forget() {
      view.select(null);
      encoder.reset();
      mapPanel.clear();
      timeline.reset();
      charts.reset();
      ideas.runStarted(null);
      clearStats();
      queries.clear();
      oddPanel.clear();
      persistence.forgetModel();
      evalPanel.show(null);
      recommend.clear();
      itemsEval.reset();
      sentenceEval.show(null);
    },
    began(kind, stats) {
      mapPanel.map.fitNextFrame();
      evalPanel.show(null);
      recommend.clear();
      itemsEval.reset();
      persistence.forgetModel({ keepDirty: true });
      charts.reset();
      ideas.runStarted(kind === 'nextword' ? 'nextword' : 'word2vec');
      text.showStats(stats);
      timeline.reset();
    },
    opened() {
      mapPanel.map.fitNextFrame();
      persistence.forgetModel();
      charts.reset();
      ideas.runStarted('vectors');
      timeline.reset();
      clearStats();
      topBar.showCounters({ epoch: '–' });
      evalPanel.show(null);
      queries.renderPredictions(null);
    },
    loaded(session) {
      mapPanel.map.fitNextFrame();
      charts.reset();
      timeline.reset();
      clearStats();
      if (run.stats) text.showStats(run.stats);
      charts.restore(session.history ?? {});
      ideas.restore(session.ideas);
      persistence.modelLoaded(session);
      evalPanel.show(null);
    },
    shownLoaded(p) {
      if (p) topBar.showCounters({ epoch: p.epoch, epochs: p.epochs, step: p.step ?? 0 });
      if (charts.latestLoss != null) topBar.showLoss(charts.latestLoss);
      topBar.showEvaluation(run.evaluation);
    },
    async follow(reselect) {
      await mapPanel.follow();
      if (reselect && view.selected) queries.refreshNeighbours();
    },
    progress(p, lossPoints, frame) {
      timeline.progress(p);
      for (const [x, loss] of lossPoints) charts.addLoss(x, loss);
      if (frame) mapPanel.showFrame(frame);
      if (p.evaluation) charts.addEvaluation(p.epoch, p.evaluation);
      ideas.onProgress(p);
    },
    showProgress(p) {
      topBar.showProgress(p, { running: run.state === 'running', speed: run.speed, loss: charts.latestLoss });
      $('chart-empty').hidden = charts.lossPoints > 0;
      topBar.showEvaluation(run.evaluation);
      showStatus();
    },
    refreshMap: (force) => mapPanel.refresh(force),
    modelMoved: (now) => persistence.modelMoved(now),
    diverged: (lr) => model.showDivergence(lr, async () => {
      await run.reset();
      run.playPause();
    }),
    crashed(message) {
      topBar.showFatal(message);
      link.close(message);
    },
    saved: () => persistence.inputsSaved(),
  },
});

const mapPanel = new MapPanel({
  call,
  view,
  run,
  onSelect: (word) => queries.selectWord(word),
  onFrameShown: () => { queries.followUp(); recommend.followUp(); oddPanel.followUp(); },
  live: () => timeline.live,
  wordsChanged: () => timeline.invalidate(),
  status,
  render,
});
const timeline = new Timeline({
  bar: $('timeline'), slider: $('tl-slider'), end: $('tl-end'), label: $('tl-label'),
  play: $('tl-play'), trails: $('tl-trails'), live: $('tl-live'), note: $('tl-note'),
}, { call, map: mapPanel.map, shown: () => mapPanel.shownFields(), onLive: () => mapPanel.refresh(true) });
const queries = new QueriesPanel({
  call,
  view,
  map: mapPanel.map,
  hasRun: () => run.hasRun,
  predicts: () => run.kind === 'nextword',
  mappedOnly: () => mapPanel.mappedOnly,
  onPredicted: (context, reply) => ideas.ask(context, reply),
  changed: () => persistence.inputsSaved(),
  items: itemsRun,
});
// item2vec runs: a customer's recommendations (the Users tab) and the recommenders' evaluation (Eval).
const recommend = new RecommendPanel({
  call,
  view,
  hasItems: itemsRun,
  onSelectItem: (name) => queries.selectWord(name),
  changed: () => persistence.inputsSaved(),
});
const itemsEval = new ItemsEvalPanel({ call, hasItems: itemsRun, render });
const oddPanel = new OddOneOutPanel({
  call,
  view,
  map: mapPanel.map,
  hasRun: () => run.hasRun,
  mappedOnly: () => mapPanel.mappedOnly,
  selectWord: (word) => queries.selectWord(word),
});
// Yardstick, CE vs MSE, padding, counts, row strip.
const ideas = new IdeasPanels({
  call,
  charts,
  el: $,
  run: () => ({
    state: run.state,
    hasRun: run.hasRun,
    comparable: run.kind === 'nextword' && run.info.trainedRun,
    armable: run.info.playStarts && !run.info.trainedRun && model.kind === 'nextword',
    loss: run.settings?.loss,
  }),
  formLoss: () => model.form?.value('loss'),
  lossChoices: () => model.schemas?.nextword.find((f) => f.name === 'loss')?.choices,
  showPredictions: (reply) => queries.renderPredictions(reply),
  setPredict: (context) => { view.predict = context; },
  changed: () => persistence.saveSoon(),
});
const evalPanel = new EvalPanel({
  call,
  hasRun: () => run.hasRun,
  subject() {
    const step = run.progress?.step;
    if (run.kind === 'vectors') return run.vectors.name;
    return step != null ? `the vectors at step ${fmtInt(step)}` : 'the vectors';
  },
  render,
});
// The Sentences view (the map panel's other face) and the Eval tab's sentence tests.
const sentences = new SentencesPanel({
  call,
  view,
  text: () => text.text,
  hasVectors: () => run.hasRun,
  changed: () => persistence.inputsSaved(),
});
const sentenceEval = new SentenceEval({ call, hasRun: () => run.hasRun, beforeRun: () => sentences.syncPooling() });
const files = new VectorFilesPanel({
  call,
  pauseRun: () => run.pauseIfRunning(),
  onOpened: (info) => run.openedVectors(info),
  status,
  render,
});

const persistence = new Persistence({
  call,
  run,
  schemas: () => model.schemas,
  sample: () => sampleText,
  itemsSample: { sha256: () => itemsSample.sha256, load: () => itemsSample.text() },
  page: {
    read: () => ({
      text: text.text,
      dataKind: text.dataKind,
      kind: model.kind,
      settings: model.settingsOf('nextword'),
      w2vSettings: model.settingsOf('skipgram'),
      i2vSettings: model.settingsOf('item2vec'),
      view: view.read(),
    }),
    text: () => text.text,
    record: () => ({ history: charts.history(), ideas: ideas.record(), stats: run.stats }),
    setText: (value) => text.setText(value),
    setDataKind: (kind) => text.setDataKind(kind),
    applyKind: (kind, settings, w2vSettings, i2vSettings) => model.apply(kind, settings, w2vSettings, i2vSettings),
    applyView,
    clearControls() {
      text.setDataKind('text');
      model.restoreDefaults();
      model.apply('nextword', null, null);
      applyView(view.defaults);
      queries.selectWord(null);
      queries.renderPredictions(null);
    },
    showNeeded: (needed, mismatch) => text.showNeeded(needed, mismatch),
    notice: (...args) => topBar.notice(...args),
    changed: render,
  },
});

// ---- how they meet ----------------------------------------------------------------------------

// The settings of the chosen model's form that decide what its tokens are (both forms have them).
function tokenizerSettings() {
  const out = {};
  for (const name of ['lowercase', 'keep_punctuation', 'han_bigrams']) {
    const value = model.activeForm.value(name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

// Text or settings were edited.
// Vectors that all point one way (word2vec's did on small texts with the old defaults) make every
// word everyone's neighbour: the core's figure says so when a run ends or vectors arrive.
async function noticeCollapse() {
  let figure;
  try { figure = await call('collapse', {}); } catch { return; }  // no vectors after all: nothing to say
  if (!figure.collapsed) return;
  const advice = run.kind === 'vectors' || run.state === 'loaded' ? 'They came so from the file.'
    : 'A longer text helps, and so do the settings suggested for this text (Defaults: more epochs, subsampling 1e-3).';
  topBar.notice(`The vectors have collapsed: the ${fmtInt(figure.words)} most frequent words all point almost the same way `
    + `(mean cosine ${figure.mean_cosine.toFixed(2)}, above 0.9), so neighbours, clusters and the map mean little. ${advice}`);
}

function inputsChanged() {
  text.sizeSoon();  // the settings read the text too
  run.inputsChanged();
  topBar.clearNote();
  text.hideError();
  persistence.textChanged();
  sentences.textChanged();
  render();
  persistence.inputsSaved();
}

// A view from a link or a saved session: the controls take it, then the panels follow them.
function applyView(v) {
  const projectionBefore = view.apply(v);
  queries.viewApplied();
  oddPanel.viewApplied();
  mapPanel.viewApplied(projectionBefore);
  sentences.viewApplied();
}

// The vectors are items: an item2vec run is there to explore.
function itemsRun() {
  return run.hasRun && run.kind === 'item2vec';
}

// A message for the status line until the state (or the inputs) change.
function status(message, kind = '') {
  topBar.setNote(message, kind);
  showStatus();
}

function showStatus(formOk = model.isReady ? model.validate() : true) {
  const { text: line, kind } = run.statusLine(formOk);
  const twin = run.info.trainedRun ? ideas.twinStatus() : '';
  topBar.showStatus(twin ? `${line} ${twin}` : line, kind);
}

function clearStats() {
  text.clearStats();
  topBar.clear(model.activeForm?.value('epochs'));
  mapPanel.resetCaption();
}

// Every control's state follows the run's state and the inputs; called on any change.
function render() {
  const info = run.info;
  const formOk = model.validate();
  const startable = formOk && !run.startBlocked && persistence.neededText == null;
  topBar.renderButtons(run.state, info, { startable, busy: files.importing, stale: run.stale });
  model.showStale(run.stale);
  files.renderControls({ locked: info.locked, hasRun: run.hasRun, nextWord: run.kind === 'nextword' });
  evalPanel.renderButton();
  sentenceEval.renderButton();
  recommend.render();
  itemsEval.renderSection();
  // Predict is the next-word model's; analogies and the odd one out read typed words, which item
  // names are not (they have spaces), and a purchases log has no sentences: an item2vec run (or the
  // choice of one) has no use for them.
  const items = (run.hasRun ? run.kind : model.kind) === 'item2vec';
  $('predict-panel').hidden = items;
  $('tab-analogy').closest('h2').hidden = items;
  $('tab-odd').closest('h2').hidden = items;
  if (items && (view.tab === 'analogy' || view.tab === 'odd')) view.showTab('neighbours');
  document.querySelector('.map-views').hidden = items;
  if (items && view.mapView === 'sentences') $('view-words').click();
  mapPanel.renderEmpty();
  $('chart-empty').hidden = charts.lossPoints > 0;
  if (run.state === 'idle' && model.isReady) topBar.showCounters({ epoch: 0, epochs: model.activeForm.value('epochs') ?? '–' });
  ideas.render();
  showStatus(formOk);
}

// The worker died: a new one gets the last saved model, unless workers keep dying.
async function workerLost(reason) {
  if (!model.isReady || !link.mayRestart()) {
    run.crash(`The training worker stopped (${reason}) and could not be kept running`);
    return;
  }
  const last = await persistence.lastSaved();
  run.restarting();
  encoder.reset();
  mapPanel.clear();
  timeline.reset();
  charts.reset();
  clearStats();
  render();
  link.start();
  try {
    await call('init');
  } catch (err) {
    run.crash(err.message);
    return;
  }
  run.setState('idle');
  sentences.workerRestarted();
  const said = `The training worker stopped (${reason}). It was restarted.`;
  if (last?.model) {
    const restored = await run.loadModel(last);
    const epoch = last.run?.epoch ? ` after epoch ${last.run.epoch}` : '';
    topBar.notice(restored ? `${said} The model as last saved${epoch} is back; Play trains again from the start, and the same seed gives the same run.`
      : `${said} The saved model could not be loaded.`, [], 'error');
  } else {
    topBar.notice(`${said} Your text and settings are kept; press Play to train.`, [], 'error');
  }
  link.recoveries += 1;
}

// The module loads, the forms are built from its schemas, then the page restores what it had: a
// link in the address bar, else the session saved in this browser, else the sample text.
let threads = 1;  // the worker's, from its init reply (2 in a cross-origin isolated page)
async function boot() {
  const samplePromise = fetch('sample.txt').then((r) => (r.ok ? r.text() : '')).catch(() => '');
  let schemas;
  try {
    schemas = await call('init');
  } catch (err) {
    run.crash(err.message);
    return;
  }
  threads = schemas.threads;
  model.ready(schemas);
  view.ready(schemas);
  encoder.ready(schemas);
  sampleText = await samplePromise;
  await itemsSample.describe();
  const saved = await persistence.readSaved();
  run.setState('idle');
  await persistence.restore(saved);
  text.showSize();
  persistence.start();
}

// ---- for tests and curious people: a read-only view of the page's state ------------------------

Object.defineProperty(window, '__embplay', {
  enumerable: false,
  value: Object.freeze({
    get state() { return run.state; },
    get progress() { return run.progress ? { ...run.progress } : null; },
    get evaluation() { return run.evaluation ? { ...run.evaluation } : null; },
    get mapPoints() { return mapPanel.map.pointCount; },
    get mapLabels() { return mapPanel.map.labelCount; },
    get mapSettled() { return mapPanel.map.settled; },
    get mapDraws() { return mapPanel.map.drawCount; },
    get mapZoom() { const { k, x, y } = mapPanel.map.transform; return { k, x, y }; },
    get mapDims() { return mapPanel.map.dims; },
    get oddResult() { return oddPanel.result; },
    get lossPoints() { return charts.lossPoints; },
    get pplPoints() { return charts.pplPoints; },
    get selected() { return view.selected; },
    get recoveries() { return link.recoveries; },
    get ready() { return model.isReady && !persistence.restoring; },
    get neededText() { return persistence.neededText ? { ...persistence.neededText } : null; },
    get runKind() { return run.kind; },
    get runSettings() { return run.settings ? { ...run.settings } : null; },
    get threads() { return threads; },
    get vectors() { return run.vectors ? { ...run.vectors } : null; },
    get evalResult() { return evalPanel.result; },
    get dataKind() { return text.dataKind; },
    get recommendations() { return recommend.result; },
    get itemsEval() { return itemsEval.result; },
    get sentences() { return sentences.info; },
    get sentenceEvalResult() { return sentenceEval.result; },
    unitPoints: () => sentences.screenPoints(),
    labelledPoints: () => mapPanel.map.labelledPoints(),
    glCoverage: () => mapPanel.map.glCoverage(),
    mapCoords: () => mapPanel.map.points(),
    history: () => charts.history(),
    settings: () => (model.isReady ? model.settingsOf('nextword') : null),
    // Kills the worker the way a crash would (terminate, then its error event), to test recovery.
    crashWorker: () => link.crash(),
    // Resolves once the session (with the model, if any) is in IndexedDB.
    saveNow: () => persistence.saveNow(),
    // The current model file (its weights bit-exact in base64): equal files, equal maps.
    modelJson: () => call('save').then((r) => r.json),
    traffic: () => JSON.parse(JSON.stringify(link.traffic)),
    requestTypes: Object.freeze(Object.keys(REQUESTS)),
  }),
});

render();
boot();

// The app shell is cached for offline use by sw.js (versioned by the build), on http(s) only:
// a service worker never runs from file://, and the tests' fresh profiles start without one. It also
// makes the page cross-origin isolated from the next load on, so the worker can use two threads.
if ('serviceWorker' in navigator && /^https?:$/.test(location.protocol)) {
  navigator.serviceWorker.register('sw.js').catch(() => {});
}
