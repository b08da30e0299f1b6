// t-SNE of the shown words, run by the module in slices between the training chunks and the page's
// requests (time-slicer.js); each slice's layout goes to the page as a frame event, so the points
// settle on screen. The latest layout is kept: a snapshot of the same words returns it. Pausing
// only stops the slices: the module's t-SNE keeps its layout, momentum and gains, so resuming goes
// on from the same iteration exactly as if it had never stopped.
import { parse } from './engine.js';
import { ShownWords } from './shown-words.js';
import { SliceBudget } from './time-slicer.js';

const TSNE_MS = 25;   // t-SNE work per slice

export class TsneJob {
  // post(event, transfer): to the page; onLayout(key, coords, dims): each new layout of the words `key`.
  constructor({ engine, shown, slicer, post, onLayout }) {
    Object.assign(this, { engine, shown, slicer, post, onLayout });
    this.current = null;   // {key, words, counts, pool, only, iteration, iterations, done, frame, budget}: the t-SNE shown, or null (PCA)
    this.job = null;
    this.paused = false;
  }

  get active() { return this.current != null; }

  // Starts t-SNE of the words n, only name; throws (and nothing changes) when it cannot run on them.
  start({ n, only, options }) {
    const shown = this.shown.resolve(n, only);
    const reply = parse(this.engine.workspace.tsneStart(ShownWords.selection(n, shown), JSON.stringify(options)));
    this.job?.cancel();
    this.current = {
      key: shown.key, words: shown.words, counts: shown.counts, pool: shown.pool, only: shown.ids ? only : '',
      iteration: 0, iterations: options?.iterations ?? null, done: false, frame: null, budget: new SliceBudget({ ms: TSNE_MS, size: 5 }),
    };
    this.paused = false;
    this.#run();
    return reply;
  }

  // Slices until done, paused or stopped. The slicer yields before the first slice: the reply to the
  // request goes out before any frame, so the page's "t-SNE of n words…" never overwrites the news
  // of a t-SNE done at once.
  #run() {
    this.job = this.slicer.start(() => this.#slice(this.current.budget), {
      onError: (err) => this.post({ type: 'frame', frame: { projection: 'tsne', error: String(err?.message ?? err) } }),
    });
  }

  // Pauses (true) or resumes (false) the t-SNE running; throws when there is none. Returns
  // {paused, iteration, iterations, done}: a t-SNE already done stays done and is never "paused".
  pause(paused) {
    const t = this.current;
    if (!t) throw new Error('no t-SNE is running');
    if (paused && !t.done && !this.paused) {
      this.job?.cancel();
      this.job = null;
      this.paused = true;
    } else if (!paused && this.paused) {
      this.paused = false;
      this.#run();
    }
    return { paused: this.paused, iteration: t.iteration, iterations: t.iterations, done: t.done };
  }

  #slice(budget) {
    const t = this.current;
    const t0 = performance.now();
    const r = parse(this.engine.workspace.tsneStep(Math.round(budget.size)));
    budget.measure(r.iteration - t.iteration, performance.now() - t0);
    Object.assign(t, { iteration: r.iteration, iterations: r.iterations, done: r.done });
    const frame = {
      words: t.words, counts: t.counts, pool: t.pool, only: t.only, coords: r.coords, dims: r.dims, projection: 'tsne',
      iteration: r.iteration, iterations: r.iterations, done: r.done,
    };
    t.frame = { ...frame, coords: r.coords.slice() };
    this.onLayout(t.key, t.frame.coords, r.dims);
    this.post({ type: 'frame', frame }, [r.coords.buffer]);
    return r.done;
  }

  // Back to PCA (asked, or the source of vectors changed): the page hears that t-SNE was dropped.
  stop() {
    if (this.current) this.post({ type: 'frame', frame: { projection: 'pca', dropped: true } });
    this.current = null;
    this.paused = false;
    this.job?.cancel();
    this.job = null;
  }

  // A copy of the latest t-SNE frame if it is of the words `key`, else null.
  frameOf(key) {
    const f = this.current?.key === key ? this.current.frame : null;
    return f ? { ...f, coords: f.coords.slice() } : null;
  }
}
