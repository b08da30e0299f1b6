// Worker side of the seed-idea panels (page/ideas.js; their requests in protocol.js): the twin with
// the other loss, stepped in lockstep with the run while it trains and on its own, in time slices
// (time-slicer.js), while the run is paused or finished, until it reaches the run's step; and the
// last batch's row changes for the progress events.
import { parse } from './engine.js';
import { SliceBudget } from './time-slicer.js';

const EVENT_MS = 100;         // at most one twin event this often (plus epoch ends and the end)
const LOCKSTEP_CATCH_UP = 4;  // while the run trains, the twin trains up to this many of its budgets per chunk

export class Ideas {
  // engine: the module and its workspace; post(event): to the page; slicer: runs the catch-up;
  // training(): whether the run's loop is training.
  constructor({ engine, post, slicer, training }) {
    Object.assign(this, { engine, post, slicer, training });
    this.job = null;         // the catch-up, while it runs
    this.reset();
  }

  // The run is gone or replaced: so is its twin.
  reset() {
    this.job?.cancel();
    this.job = null;
    this.comparing = false;
    this.budget = new SliceBudget({ size: 256 });  // examples per catch-up slice
    this.twin = null;        // the twin's latest figures
    this.evaluations = [];   // twin evaluations not yet sent
  }

  // After each step() of the next-word run with the same budget: the twin follows (and catches up
  // a little faster, if it started late).
  afterStep(budget) {
    if (!this.comparing) return;
    this.#record(parse(this.engine.workspace.twinStep(LOCKSTEP_CATCH_UP * Math.max(1, Math.round(budget)))));
  }

  #record(t) {
    this.evaluations.push(...t.evaluations);
    this.twin = t;
  }

  // The twin's figures with the evaluations not yet sent.
  #takeTwin() {
    const twin = { ...this.twin, evaluations: this.evaluations };
    this.evaluations = [];
    return twin;
  }

  // Fields to add to a progress event of the next-word run.
  take() {
    const out = {};
    const workspace = this.engine.workspace;
    if (!workspace) return out;
    const r = workspace.lastRowChanges();
    if (r && r.rows) out.rows = { rows: Array.from(r.rows), changes: Array.from(r.changes) };
    if (this.twin) out.twin = this.#takeTwin();
    return out;
  }

  // The run stopped training (paused, finished, diverged, one Step, or compare pressed while it
  // rests): the twin trains on its own up to the run's step, in slices between requests, pushing
  // twin events. Stops when it gets there, when the run trains again (lockstep takes over) or
  // when the run is reset or replaced.
  catchUp() {
    if (!this.comparing || this.job?.running || this.training()) return;
    let lastEvent = 0;
    const slice = () => {
      if (!this.comparing || this.training()) return true;
      const t0 = performance.now();
      const budget = Math.round(this.budget.size);
      const t = parse(this.engine.workspace.twinStep(budget));
      this.budget.measure(budget, performance.now() - t0);
      this.#record(t);
      const now = performance.now();
      if (t.caught_up || t.evaluations.length > 0 || now - lastEvent >= EVENT_MS) {
        this.post({ type: 'twin', twin: this.#takeTwin() });
        lastEvent = now;
      }
      return t.caught_up;
    };
    this.job = this.slicer.start(slice, {
      onError: (err) => {
        this.comparing = false;
        this.post({ type: 'twin', twin: { error: String(err?.message ?? err) } });
      },
    });
  }

  handlers() {
    const s = () => { this.engine.requireModel(); return this.engine.workspace; };
    return {
      yardstick: () => parse(s().yardstick()),
      evaluateTest: () => parse(s().evaluateTest()),
      compare: () => {
        const r = parse(s().twinStart());
        this.reset();
        this.comparing = true;
        this.catchUp();  // a run at rest: the twin trains up to it now
        return r;
      },
      predictTwin: ({ context, k }) => parse(s().twinPredict(context, k)),
      nextWordCounts: ({ context, n }) => parse(s().nextWordCounts(context, n)),
      suggestContext: () => parse(s().suggestContext()),
    };
  }
}
