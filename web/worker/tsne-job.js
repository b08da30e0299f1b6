// t-SNE or UMAP of the shown words (t-SNE also of the unit map's units), run by the module in slices between the training chunks and the page's
// requests (time-slicer.js); each slice's layout goes to the page as a frame event, so the points
// settle on screen. The latest layout is kept: a snapshot of the same words returns it. Pausing
// only stops the slices: the module's t-SNE keeps its layout, momentum and gains (UMAP its layout,
// sampling schedule and random state), so resuming goes on from the same iteration (UMAP: epoch)
// exactly as if it had never stopped. One job at a time: starting either drops the other.
import { parse } from './engine.js';
import { ShownWords } from './shown-words.js';
import { SliceBudget } from './time-slicer.js';

const TSNE_MS = 25;   // t-SNE (or UMAP) work per slice
// The module's calls for each method: start ({n, ...} reply) and step (a frame).
const METHODS = Object.freeze({
  tsne: { start: (ws, selection, options) => ws.tsneStart(selection, options), step: (ws, size) => ws.tsneStep(size) },
  umap: { start: (ws, selection, options) => ws.umapStart(selection, options), step: (ws, size) => ws.umapStep(size) },
});
// A frame of n words goes to the page at most every n * FRAME_MS_PER_WORD ms, up to MAX_FRAME_MS
// (the last always goes): 10,000 words are 10,000 words to copy and draw, and the map glides
// between frames anyway; a few hundred words still stream every slice.
const FRAME_MS_PER_WORD = 0.02;
const MAX_FRAME_MS = 200;

export class TsneJob {
  // post(event, transfer): to the page; onLayout(key, coords, dims, of): each new layout in `dims`
  // dimensions of the words (or, of 'units', the units) `key`.
  constructor({ engine, shown, slicer, post, onLayout }) {
    Object.assign(this, { engine, shown, slicer, post, onLayout });
    this.current = null;   // {key, method (tsne | umap), meta (words or units: what frames carry), iteration, iterations, done, frame, budget, sent, sentIteration}: the t-SNE shown, or null (PCA)
    this.job = null;
    this.paused = false;
  }

  // Starts t-SNE (method 'tsne') or UMAP ('umap') of the words n, only name; throws (and nothing
  // changes) when it cannot run on them.
  start({ n, only, options, method = 'tsne' }) {
    const calls = METHODS[method];
    if (!calls) throw new Error('method must be tsne or umap');
    const shown = this.shown.resolve(n, only);
    const reply = parse(calls.start(this.engine.workspace, ShownWords.selection(n, shown), JSON.stringify(options)));
    this.#begin(shown.key, { words: shown.words, counts: shown.counts, pool: shown.pool, only: shown.ids ? only : '' }, method);
    return reply;
  }

  // Starts t-SNE of units of text (sentences.js): `units` an Int32Array, `key` their name. Its
  // frames say of: 'units' and carry the units.
  startUnits({ units, key, options }) {
    const reply = parse(this.engine.workspace.unitsTsneStart(units.slice(), JSON.stringify(options)));
    this.#begin(key, { of: 'units', units: Array.from(units) }, 'tsne');
    return reply;
  }

  // What is running: 'units', 'words', or null (PCA).
  get of() {
    return this.current ? (this.current.meta.of ?? 'words') : null;
  }

  // A t-SNE or UMAP (`method`) of `key` began in the module: slices follow, each frame carrying `meta`.
  #begin(key, meta, method) {
    if (this.current && this.of !== (meta.of ?? 'words')) this.post({ type: 'frame', frame: { projection: 'pca', of: this.of, dropped: true } });
    this.job?.cancel();
    this.current = {
      key, method, meta, iteration: 0, iterations: null, done: false, frame: null, budget: new SliceBudget({ ms: TSNE_MS, size: 5 }),
      sent: false,  // a frame (with its words) went to the page
    };
    this.frameMs = Math.min(MAX_FRAME_MS, (meta.words ?? meta.units).length * FRAME_MS_PER_WORD);
    this.lastFrame = -Infinity;
    this.paused = false;
    this.#run();
  }

  // Slices until done, paused or stopped. The slicer yields before the first slice: the reply to the
  // projection request goes out before any frame, so the page's "t-SNE of n words…" never overwrites
  // the news of a t-SNE done at once.
  #run() {
    this.job = this.slicer.start(() => this.#slice(this.current.budget), {
      onError: (err) => this.post({ type: 'frame', frame: { projection: this.current.method, of: this.of, error: String(err?.message ?? err) } }),
    });
  }

  // Pauses (true) or resumes (false) the t-SNE running; throws when there is none. Returns
  // {paused, iteration, iterations, done}: a t-SNE already done stays done and is never "paused".
  pause(paused) {
    const t = this.current;
    if (!t) throw new Error('no t-SNE or UMAP is running');
    if (paused && !t.done && !this.paused) {
      this.job?.cancel();
      this.job = null;
      this.paused = true;
      // Frames of many words are sent less often: the page gets the layout it stopped at.
      if (t.frame && t.sentIteration !== t.iteration) this.#post(t, { ...t.frame, coords: t.frame.coords.slice() });
    } else if (!paused && this.paused) {
      this.paused = false;
      this.#run();
    }
    return { paused: this.paused, iteration: t.iteration, iterations: t.iterations, done: t.done };
  }

  #slice(budget) {
    const t = this.current;
    const t0 = performance.now();
    const r = parse(METHODS[t.method].step(this.engine.workspace, Math.round(budget.size)));
    budget.measure(r.iteration - t.iteration, performance.now() - t0);
    Object.assign(t, { iteration: r.iteration, iterations: r.iterations, done: r.done });
    const frame = {
      ...t.meta, coords: r.coords, dims: r.dims, projection: t.method, iteration: r.iteration, iterations: r.iterations, done: r.done,
    };
    t.frame = { ...frame, coords: r.coords.slice() };
    this.onLayout(t.key, t.frame.coords, r.dims, this.of);
    const now = performance.now();
    if (r.done || now - this.lastFrame >= this.frameMs) {
      this.lastFrame = now;
      this.#post(t, frame);
    }
    return r.done;
  }

  // Sends `frame` of `t` to the page. The words go with the job's first frame only: thousands of
  // strings copied for every frame would keep the page's garbage collector busy.
  #post(t, frame) {
    if (t.sent && t.meta.words) Object.assign(frame, { words: null, counts: null });
    t.sent = true;
    t.sentIteration = frame.iteration;
    this.post({ type: 'frame', frame }, [frame.coords.buffer]);
  }

    // Back to PCA (asked, or the source of vectors changed): the page hears that t-SNE was dropped.
  stop() {
    if (this.current) this.post({ type: 'frame', frame: { projection: 'pca', of: this.of, dropped: true } });
    this.current = null;
    this.paused = false;
    this.job?.cancel();
    this.job = null;
  }

  // A copy of the latest t-SNE (or UMAP) frame if it is of the words `key`, else null.
  frameOf(key) {
    const f = this.current?.key === key ? this.current.frame : null;
    return f ? { ...f, coords: f.coords.slice() } : null;
  }
}
