// The MAP panel: the map itself (map.js) and what steers it: the projection (PCA follows training;
// t-SNE and UMAP run on demand and stream their frames; axes place the words on two named directions, and
// follow training too), 2D or 3D for PCA and t-SNE, k-means clusters with their legend, the search
// and its "only these" box, the downloads, and the caption saying what the picture is.
import { readSearch } from '../shared/search.js';
import { axesCaption, axesOverlay } from './axes.js';
import { matchClusters, reorder } from './cluster-match.js';
import { download, fmtInt } from './format.js';
import { WordMap, fillClusterLegend } from './map.js';

const CLUSTER_MS = 1500;      // while training, clusters are recomputed at most this often
const CLUSTER_SEED = 1;
const ONLY_DELAY_MS = 400;    // "only these" maps the search this long after the last keystroke
// What the points are: the items of an item2vec run, else words.
const pcaCaption = (noun) => `the ${noun} vectors, projected by PCA`;
const tsneCaption = (noun) => `t-SNE of the ${noun} vectors · near on the map = ${noun === 'item' ? 'bought together' : 'near in meaning'}; `
  + 'distances between groups mean little';
const umapCaption = (noun) => `UMAP of the ${noun} vectors · near on the map = ${noun === 'item' ? 'bought together' : 'near in meaning'}; `
  + 'distances between groups mean a little more than t-SNE\'s';
// The projections that run in steps in the worker and stream their frames: their names, what a step
// is called, and their captions.
const LAYOUTS = Object.freeze({
  tsne: { name: 't-SNE', step: 'iteration', caption: tsneCaption },
  umap: { name: 'UMAP', step: 'epoch', caption: umapCaption },
});

const $ = (id) => document.getElementById(id);

export class MapPanel {
  // call(type, fields, transfer): the worker. view: the view state (view-state.js). run: the run
  // (run.js), read for its state and hasRun. onSelect(word | null): a word clicked on the map.
  // onFrameShown(): a new frame is on the map (the panels that follow it ask again). live(): the
  // map follows training (not the timeline's past). wordsChanged(): the shown words changed.
  // status(message, kind): a message for the status line. render(): the page's controls follow.
  constructor({ call, view, run, onSelect, onFrameShown, live, wordsChanged, status, render }) {
    Object.assign(this, { call, view, run, onFrameShown, live, wordsChanged, status, render });
    this.mappedOnly = '';          // the search whose matches the map shows ("only these"), '' = all the words
    this.onlyProblem = null;       // why the search's matches could not be mapped, or null
    this.searchError = null;       // why the search is not a valid expression, or null
    this.pool = 0;                 // how many most frequent words the map's words come from
    this.projectionShown = null;   // the projection of the frames on the map: pca | tsne | umap | axes
    this.told = 'pca|2';           // how the worker makes frames when no t-SNE runs (#modeKey), as last told
    this.snapshotInFlight = false;
    this.clustersInFlight = false;
    this.lastClusters = -Infinity; // when clusters were last asked for
    this.shownAsk = 0;             // bumped by each changeShown, so an old answer is dropped
    this.map = new WordMap($('map'), $('map-tooltip'), {
      onSelect,
      keepClear: [document.querySelector('.map-legend'), $('cluster-legend'), $('map-search-message'), $('tsne-message')],
      glCanvas: $('map-gl'),
    });
    $('map-fit').addEventListener('click', () => this.map.fit());
    $('tsne-pause').addEventListener('click', () => this.#togglePause());
    $('map-labels').addEventListener('change', () => this.map.setLabelDensity($('map-labels').value));
    for (const item of document.querySelectorAll('#map-download [data-download]')) {
      item.addEventListener('click', () => this.download(item.dataset.download));
    }
    view.on('words', () => this.#wordsChanged());
    view.on('k', () => this.refreshClusters(true));
    view.on('projection', () => this.projectionChanged());
    view.on('dims', () => this.projectionChanged());
    view.on('axes', () => { if (this.view.projection === 'axes') this.projectionChanged(); });
    view.on('search', () => {
      if (!this.view.search) this.view.onlyTicked = false;  // a cleared search maps all the words again
      this.searchChanged();
      clearTimeout(this.shownTimer);
      this.shownTimer = setTimeout(() => this.changeShown(), ONLY_DELAY_MS);
    });
    view.on('only', () => this.changeShown());
  }

  // The words on the map as the worker's requests name them (protocol.js): the n most frequent,
  // or, with "only these", those of them that match the search.
  shownFields() {
    return { n: this.view.mapWords, only: this.mappedOnly };
  }

  // The search "only these" asks to map: the search box when ticked and valid, else '' (all the words).
  #wantedOnly() {
    const query = this.view.search;
    const search = readSearch(query);
    return this.view.onlyTicked && search && !search.error ? query : '';
  }

  #watch() {
    return this.call('watch', this.shownFields()).catch(() => {});
  }

  // A new source of vectors (a run, opened vectors): the map follows its words, trying the search's
  // matches afresh (refresh falls back to all the words if they are too few), made as the view
  // asks (PCA in 2D or 3D, or the axes, which the worker tries on the new words first).
  async follow() {
    this.mappedOnly = this.#wantedOnly();
    await this.#watch();
    if (this.view.projection === 'axes' && !(await this.projectionChanged({ refresh: false }))) {
      // The axes' words are not all in the new source (the message says which): PCA instead.
      this.view.projection = 'pca';
      await this.projectionChanged({ refresh: false });
      $('tsne-message').hidden = false;  // keep saying why
    }
    await this.refresh(true);
  }

  // The word count changed.
  #wordsChanged() {
    this.mappedOnly = this.#wantedOnly();  // tried afresh on the new words; refresh falls back to all of them
    this.#watch();
    if (LAYOUTS[this.view.projection]) this.projectionChanged();
    this.wordsChanged();
    this.refresh(true);
  }

  // Asks for a map frame now (after a pause, a step, a new run, or a change of the word count).
  // When the search's matches cannot be mapped in this run (too few of them, say), the map shows
  // all the words and the search message says why.
  async refresh(force = false) {
    if (!this.run.hasRun && this.run.state !== 'preparing') return;
    if (this.snapshotInFlight && !force) return;
    this.snapshotInFlight = true;
    try {
      let frame;
      try {
        frame = await this.call('snapshot', this.shownFields());
      } catch (err) {
        if (!this.mappedOnly) throw err;
        this.mappedOnly = '';
        this.onlyProblem = err.message;
        this.#watch();
        frame = await this.call('snapshot', this.shownFields());
      }
      this.showFrame(frame);
      this.searchChanged();
    } catch (err) {
      if (this.run.state !== 'crashed') this.status(err.message, 'error');
    } finally {
      this.snapshotInFlight = false;
    }
  }

  // Shows a frame (the worker has turned it to match the last one); then what follows the map
  // (clusters, the neighbours, the prediction) is asked again.
  showFrame(frame) {
    if (!this.live()) return;  // the user looks at an earlier epoch: live frames wait
    const first = this.map.pointCount === 0;
    this.map.setFrame(frame);
    if (frame.pool != null) this.pool = frame.pool;
    const in3d = frame.dims === 3 ? ' in 3D (drag to turn, scroll to zoom)' : '';
    $('map-legend-text').textContent = `scroll to zoom · drag to ${frame.dims === 3 ? 'turn' : 'pan'} · click a word`;
    if (LAYOUTS[frame.projection]) $('map-caption').textContent = `${LAYOUTS[frame.projection].caption(this.#noun())}${in3d}`;
    const [fx, fy, fz] = frame.explained ?? [];
    if (Number.isFinite(fx) && Number.isFinite(fy)) {
      const z = Number.isFinite(fz) ? `, z ${(100 * fz).toFixed(0)}%` : '';
      $('map-caption').textContent = `PCA of the ${this.#noun()} vectors${in3d} · x keeps ${(100 * fx).toFixed(0)}%, y ${(100 * fy).toFixed(0)}%${z} of the spread`;
    }
    if (first) this.render();  // the page's controls follow the map's first points (t-SNE sends dozens of frames a second)
    // The axes' names at the ends of the map's lines, while the frames are on them.
    this.map.setOverlay('axes', frame.projection === 'axes' && frame.axes ? axesOverlay(frame.axes) : null);
    if (frame.projection === 'axes' && frame.axes) $('map-caption').textContent = axesCaption(frame.axes);
    this.renderSearchMessage();
    this.refreshClusters();
    this.onFrameShown();
  }

  clear() {
    this.map.clear();
    this.told = 'pca|2';  // a new worker starts so; a reset one is told again, which does no harm
  }

  #noun() {
    return this.run.kind === 'item2vec' ? 'item' : 'word';
  }

  resetCaption() {
    $('map-caption').textContent = pcaCaption(this.#noun());
  }

  // Before the first frame, the map says how to start.
  renderEmpty() {
    $('map-empty').hidden = this.map.pointCount > 0 || this.run.state === 'preparing';
  }

  // ---- the projection: PCA (follows training), t-SNE (run on demand, streamed as it settles) or
  // the semantic axes (follow training); PCA and t-SNE in 2D or 3D ----

  // The view's projection, dimensions or axes changed: the worker makes its frames so from now on
  // (t-SNE starts), and the map asks for one (unless `refresh` is false: the caller will). False
  // when it could not (the message says why): the worker and the map stay as they were.
  async projectionChanged({ refresh = true } = {}) {
    const message = $('tsne-message');
    message.classList.remove('error');
    const projection = this.view.projection;
    this.view.dimsEnabled = projection !== 'axes';
    if (!this.run.hasRun && this.run.state !== 'preparing') {  // preparing: a new source the map follows
      message.textContent = 'Train, step or open vectors first.';
      message.hidden = false;
      this.view.projection = 'pca';
      this.view.dimsEnabled = true;
      return false;
    }
    if (projection === 'axes' && (!this.view.axes.x || !this.view.axes.y)) {
      // Nothing to place the words on yet: the axes form opens and says what it wants.
      $('axes-settings').open = true;
      message.textContent = 'Axes: type the x and y axes, then Place words.';
      message.hidden = false;
      this.view.projection = this.projectionShown ?? 'pca';
      this.view.dimsEnabled = true;
      return false;
    }
    const wanted = this.#modeKey();
    try {
      if (projection === 'pca' || projection === 'axes') {
        const options = projection === 'axes' ? this.view.axes : { dimensions: this.view.dims };
        await this.call('projection', { projection, ...this.shownFields(), options });
        this.projectionShown = projection;
        this.told = wanted;
        message.hidden = true;
        if (!(await this.#retryOnly()) && refresh) this.refresh(true);
        return true;
      }
      if (await this.#retryOnly()) return true;  // t-SNE or UMAP runs on the matches now
      await this.#startTsne(this.shownFields());
      this.told = `pca|${this.view.dims}`;  // after t-SNE, the worker makes PCA frames in its dimensions
    } catch (err) {
      // The worker's projection did not change: nor does the map. Axes shown before that no longer
      // read (a new source without their words) give way to PCA.
      message.textContent = `${projection === 'axes' ? 'Axes' : LAYOUTS[projection]?.name ?? 'PCA'}: ${err.message}`;
      message.classList.add('error');
      message.hidden = false;
      this.projectionShown = this.projectionShown ?? 'pca';
      this.view.projection = this.projectionShown;
      this.view.dimsEnabled = this.projectionShown !== 'axes';
      return false;
    }
    this.map.keepClearChanged();
    return true;
  }

  // What the view asks of the worker's frames while no t-SNE runs: 'pca|2', 'pca|3' or 'axes' (the
  // axes as last placed: typing in their boxes changes nothing until Place words).
  #modeKey() {
    return this.view.projection === 'axes' ? 'axes' : `pca|${this.view.dims}`;
  }

  // A link or a saved session asked for t-SNE, the axes or 3D before there was a run (or before this
  // worker): start it now that there is one.
  projectionRestored() {
    if (!this.run.hasRun) return;
    if (this.view.tsneWanted) {
      this.view.projection = this.view.tsneWanted;
      this.view.tsneWanted = false;
      this.projectionChanged();
    } else if (!LAYOUTS[this.view.projection] && this.#modeKey() !== this.told) {
      this.projectionChanged();
    }
  }

  // Starts t-SNE or UMAP (the view's projection) of the words `fields` name ({n, only}); its frames
  // follow. Throws, leaving the worker's projection as it was, when it cannot run on them.
  async #startTsne(fields) {
    const projection = this.view.projection;
    const options = projection === 'umap' ? this.view.umapOptions() : this.view.tsneOptions();
    const r = await this.call('projection', { projection, ...fields, options });
    const message = $('tsne-message');
    message.classList.remove('error');
    message.textContent = `${LAYOUTS[projection].name} of ${fmtInt(r.n)} words${r.warm ? ', from the last layout' : ''}…`;
    message.hidden = false;
    this.#showPause(false, projection);
  }

  // A t-SNE or UMAP frame pushed by the worker (or word that it was dropped with its run).
  showTsneFrame(frame) {
    const message = $('tsne-message');
    if (frame.projection === 'pca') {
      this.#showPause(null);
      if (!LAYOUTS[this.view.projection]) return;  // it stopped for the axes or PCA the user chose
      this.view.projection = 'pca';
      this.projectionShown = 'pca';
      message.hidden = true;
      return;
    }
    const layout = LAYOUTS[frame.projection];
    // A frame of the method just left (t-SNE for UMAP, or back) was on its way: the new one's follow.
    if (LAYOUTS[this.view.projection] && frame.projection !== this.view.projection) return;
    if (frame.error) {
      this.#showPause(null);
      message.textContent = `${layout.name} stopped: ${frame.error}`;
      message.classList.add('error');
      message.hidden = false;
      return;
    }
    this.projectionShown = frame.projection;
    // A job's first frame names its words; the later ones are of the same words.
    if (frame.words) this.tsneWords = { words: frame.words, counts: frame.counts };
    else if (this.tsneWords) Object.assign(frame, this.tsneWords);
    else return;
    this.showFrame(frame);
    this.#showPause(frame.done ? null : false, frame.projection);
    message.classList.remove('error');
    message.textContent = `${layout.name} · ${layout.step} ${fmtInt(frame.iteration)} / ${fmtInt(frame.iterations)}${frame.done ? ' · done' : ''}`;
    message.hidden = false;
    $('map').dataset.tsneIteration = String(frame.iteration);
  }

  // The pause button: hidden (null: nothing settling), "Pause t-SNE" (false) or "Resume t-SNE" (true),
  // or UMAP's (`projection`; by default the one settling).
  #showPause(paused, projection = this.pausing) {
    const button = $('tsne-pause');
    this.pausing = projection;
    button.hidden = paused == null;
    const name = LAYOUTS[projection]?.name ?? 't-SNE';
    button.textContent = paused ? `Resume ${name}` : `Pause ${name}`;
    button.setAttribute('aria-pressed', String(Boolean(paused)));
  }

  // Pauses the t-SNE settling on the map, or resumes it; the worker keeps its state meanwhile.
  async #togglePause() {
    const message = $('tsne-message');
    try {
      const r = await this.call('tsnePause', { paused: $('tsne-pause').getAttribute('aria-pressed') !== 'true' });
      this.#showPause(r.done ? null : r.paused);
      const layout = LAYOUTS[this.pausing] ?? LAYOUTS.tsne;
      if (r.paused) message.textContent = `${layout.name} · paused at ${layout.step} ${fmtInt(r.iteration)} / ${fmtInt(r.iterations)}`;
    } catch (err) {
      this.#showPause(null);
      message.textContent = `${LAYOUTS[this.pausing]?.name ?? 't-SNE'}: ${err.message}`;
    }
  }

  // ---- clusters -------------------------------------------------------------------------------

  // k-means of the shown words, coloured on the map with a legend of each cluster's central words.
  // Unforced (after a new frame), at most every CLUSTER_MS; the last call after a burst still runs.
  async refreshClusters(force = false) {
    const k = this.view.clusters;
    clearTimeout(this.clusterTimer);
    if (!k || !this.run.hasRun || this.map.pointCount === 0) {
      if (this.map.clusterOf || !$('cluster-legend').hidden) {  // once: not a layout per frame
        this.map.setClusters(null);
        this.#renderLegend(null);
      }
      return;
    }
    const wait = CLUSTER_MS - (performance.now() - this.lastClusters);
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
      const follow = this.run.state === 'running' && shown && this.map.clusterCount === k;
      const previous = follow ? { words: [...shown.keys()], assignment: [...shown.values()] } : undefined;
      const r = await this.call('clusters', { ...this.shownFields(), k, seed: CLUSTER_SEED, previous });
      if (this.view.clusters !== k) return;
      // Each new cluster takes the colour and legend slot of the shown cluster it shares most words
      // with; with none shown, k-means's own numbers (by each cluster's most frequent word), which
      // depend on the clusters alone: whoever opens the link sees the same colours.
      const { assignment, slotOf } = matchClusters(this.map.clusterOf, r.words, r.assignment, k);
      this.map.setClusters({ words: r.words, assignment, k });
      this.#renderLegend(reorder(r.central, slotOf));
    } catch (err) {
      this.map.setClusters(null);
      this.#renderLegend(null);
      this.status(`Could not cluster: ${err.message}`, 'error');
    } finally {
      this.clustersInFlight = false;
    }
  }

  // Training stopped: clusters shown are computed afresh (at rest), not followed.
  atRest() {
    if (this.map.clusterOf) this.refreshClusters(true);
  }

  #renderLegend(central) {
    fillClusterLegend($('cluster-legend'), central?.map((members) => members.join(', ')) ?? null);
    this.map.keepClearChanged();
  }

  // ---- the search and "only these" ------------------------------------------------------------

  // The search box: a substring (any case), or /regex/flags (search.js), rings and labels the
  // matching words. An invalid expression is explained and the map keeps its last search. While the
  // map shows only a search's matches, rings would say nothing (or, for a search not mapped yet or
  // refused, dim the words shown): rings only when the map shows all the words.
  searchChanged() {
    const search = readSearch(this.view.search);
    this.view.onlyEnabled = Boolean(search);
    this.searchError = search?.error ?? null;
    if (!this.searchError) this.map.setSearch(search && !this.mappedOnly ? search.test : null);
    this.renderSearchMessage();
  }

  // A refusal of "only these" was for the projection it was tried with (t-SNE needs more matches than
  // PCA, and fewer for a smaller perplexity): with another projection or perplexity it is tried again.
  // True when the matches are mapped now.
  #retryOnly() {
    return this.onlyProblem && this.view.onlyTicked ? this.changeShown() : false;
  }

  // "only these", or the search while it is ticked, changed: the worker projects the new words before
  // the map shows them. If it cannot (too few matches, all with the same vector, a perplexity too
  // large for them), the map keeps the words it shows and the search message says why. True when
  // the words asked for are mapped.
  async changeShown() {
    clearTimeout(this.shownTimer);
    const only = this.#wantedOnly();
    if (only === this.mappedOnly || !this.run.hasRun) {
      this.mappedOnly = only;
      this.onlyProblem = null;
      this.searchChanged();
      return false;
    }
    const fields = { n: this.view.mapWords, only };
    const ask = ++this.shownAsk;
    let frame = null;
    try {
      if (LAYOUTS[this.view.projection]) await this.#startTsne(fields);  // its frames follow
      else frame = await this.call('snapshot', fields);
    } catch (err) {
      if (ask !== this.shownAsk) return false;
      this.onlyProblem = only ? err.message : null;
      this.renderSearchMessage();
      return false;
    }
    if (ask !== this.shownAsk) return false;
    this.mappedOnly = only;
    this.onlyProblem = null;
    this.call('watch', fields).catch(() => {});
    if (frame) this.showFrame(frame);
    this.wordsChanged();
    this.searchChanged();
    this.refreshClusters(true);
    return true;
  }

  // The line under the search box: how many shown words match, which words the map shows, or why not.
  renderSearchMessage() {
    const message = $('map-search-message');
    const query = this.view.search;
    let text = '';
    let error = false;
    if (!query) text = '';
    else if (this.searchError) [text, error] = [this.searchError, true];
    else if (this.map.pointCount === 0) text = '';  // no map yet: nothing to count
    else if (this.onlyProblem && this.view.onlyTicked) {
      const shows = this.mappedOnly ? 'keeps its' : 'shows all';  // the last good matches, or all the words
      [text, error] = [`Only these: ${this.onlyProblem}. The map ${shows} ${fmtInt(this.map.pointCount)} words.`, true];
    } else if (this.mappedOnly) {
      text = `only the ${fmtInt(this.map.pointCount)} words matching “${this.mappedOnly}”, of the ${fmtInt(this.pool)} most frequent`;
    } else text = `${fmtInt(this.map.matches?.size ?? 0)} of ${fmtInt(this.map.pointCount)} shown words match`;
    if (message.textContent !== text || message.hidden !== !text || message.classList.contains('error') !== error) {
      message.textContent = text;
      message.classList.toggle('error', error);
      message.hidden = !text;
      this.map.keepClearChanged();
    }
  }

  // ---- a view from a link or a saved session ----------------------------------------------------

  // The view's controls were just set (projectionBefore: the projection the map had): the map
  // follows them.
  viewApplied(projectionBefore) {
    this.mappedOnly = this.#wantedOnly();  // a run's map tries it (refresh falls back to all the words)
    this.onlyProblem = null;
    this.searchChanged();
    const flat = this.view.projection === 'pca' && this.view.dims === 2;
    if (!this.view.tsneWanted && (projectionBefore !== 'pca' || !flat) && this.run.hasRun) this.projectionChanged();
    this.refreshClusters(true);
    this.#watch();
    if (this.run.hasRun) this.refresh(true);
    this.projectionRestored();
  }

  // ---- downloads ------------------------------------------------------------------------------

  // The map out of the page: the coordinates as CSV, or the picture as PNG or SVG.
  download(kind) {
    $('map-download').open = false;
    if (this.map.pointCount === 0) {
      this.status('Nothing to download yet: the map is empty.', 'error');
      return;
    }
    if (kind === 'csv') {
      const quote = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
      const deep = this.map.dims === 3;  // the 3D view's depth is a column too
      const rows = this.map.points().map((p) => [quote(p.word), p.x, p.y, ...(deep ? [p.z] : []), p.cluster ?? ''].join(','));
      download(`word,x,y,${deep ? 'z,' : ''}cluster\n${rows.join('\n')}\n`, 'map.csv', 'text/csv');
    } else if (kind === 'png') {
      this.map.pictureCanvas().toBlob((blob) => { if (blob) download(blob, 'map.png', 'image/png'); }, 'image/png');
    } else if (kind === 'svg') {
      download(this.map.toSvg(), 'map.svg', 'image/svg+xml');
    }
  }
}
