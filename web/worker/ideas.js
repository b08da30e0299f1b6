// Worker side of the seed-idea panels (see ideas-protocol.js): the twin with the other loss, stepped
// in lockstep with the run while it trains and on its own, in time slices, while the run is paused
// or finished (until it reaches the run's step); and the last batch's row changes for the progress events.

const SLICE_MS = 30;          // twin training per slice while it catches up on its own
const EVENT_MS = 100;         // at most one twin event this often (plus epoch ends and the end)
const MAX_BUDGET = 1 << 22;   // examples per slice, whatever the measured speed
const LOCKSTEP_CATCH_UP = 4;  // while the run trains, the twin trains up to this many of its budgets per chunk

function parse(json) {
  const r = JSON.parse(json);
  if (r && r.error) throw new Error(r.error);
  return r;
}

export class Ideas {
  // session(): the worker's Session; post(event): to the page; yieldToEvents(): resolves once queued
  // requests are handled; training(): whether the run's loop is training.
  constructor({ session, post, yieldToEvents, training }) {
    this.getSession = session;
    this.post = post;
    this.yieldToEvents = yieldToEvents;
    this.training = training;
    this.generation = 0;   // bumped by reset(), so a catch-up loop of an old run stops
    this.reset();
  }

  // The run is gone or replaced: so is its twin.
  reset() {
    this.generation += 1;
    this.comparing = false;
    this.catching = false;   // a catch-up loop is running
    this.budget = 256;       // examples per catch-up slice, adapted to SLICE_MS
    this.twin = null;        // the twin's latest figures
    this.evaluations = [];   // twin evaluations not yet sent
  }

  // After each step() of the next-word run with the same budget: the twin follows (and catches up
  // a little faster, if it started late).
  afterStep(budget) {
    if (!this.comparing) return;
    this.#record(parse(this.getSession().twinStep(LOCKSTEP_CATCH_UP * Math.max(1, Math.round(budget)))));
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
    const session = this.getSession();
    if (!session) return out;
    const r = session.lastRowChanges();
    if (r && r.rows) out.rows = { rows: Array.from(r.rows), changes: Array.from(r.changes) };
    if (this.twin) out.twin = this.#takeTwin();
    return out;
  }

  // The run stopped training (paused, finished, diverged, one Step, or compare pressed while it
  // rests): the twin trains on its own up to the run's step, in slices between requests, pushing
  // twin events. Stops when it gets there, when the run trains again (lockstep takes over) or
  // when the run is reset or replaced.
  async catchUp() {
    if (!this.comparing || this.catching || this.training()) return;
    this.catching = true;
    const generation = this.generation;
    let lastEvent = 0;
    try {
      for (;;) {
        await this.yieldToEvents();  // first the reply to whatever asked, then a slice
        if (!this.comparing || generation !== this.generation || this.training()) break;
        const t0 = performance.now();
        const t = parse(this.getSession().twinStep(Math.round(this.budget)));
        const ms = performance.now() - t0;
        // Grow at most twofold, shrink at once: a slow slice keeps requests waiting.
        if (ms > 1) this.budget = Math.min(MAX_BUDGET, Math.max(1, this.budget * Math.min(2, SLICE_MS / ms)));
        this.#record(t);
        const now = performance.now();
        if (t.caught_up || t.evaluations.length > 0 || now - lastEvent >= EVENT_MS) {
          this.post({ type: 'twin', twin: this.#takeTwin() });
          lastEvent = now;
        }
        if (t.caught_up) break;
      }
    } catch (err) {
      if (generation === this.generation) {
        this.comparing = false;
        this.post({ type: 'twin', twin: { error: String(err?.message ?? err) } });
      }
    } finally {
      if (generation === this.generation) this.catching = false;
    }
  }

  handlers(requireModel) {
    const s = () => { requireModel(); return this.getSession(); };
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
