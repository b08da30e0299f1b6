// The users' side of an item2vec run (the workspace's items source): a user's recommendations with
// the item of theirs behind each, a user drawn at random (seeded), users by the start of their key,
// and the recommenders' evaluation on the log, run in slices (time-slicer.js) so the worker keeps
// answering: `itemsEval` events carry its rows as they come.
import { parse } from './engine.js';

const EVAL_SLICE_MS = 25;    // evaluation work per slice
const EVAL_EVENT_MS = 250;   // at most one itemsEval event this often (plus the last)

export class ItemsQuestions {
  // post(event): to the page.
  constructor({ engine, slicer, post }) {
    Object.assign(this, { engine, slicer, post });
    this.job = null;   // the evaluation's slicer job
  }

  #workspace() {
    this.engine.requireModel();
    if (this.engine.kind !== 'items') throw new Error('Recommendations need item2vec trained on events or baskets.');
    return this.engine.workspace;
  }

  handlers() {
    return {
      recommend: ({ user, k }) => parse(this.#workspace().recommend(user, k)),
      randomUser: ({ seed }) => parse(this.#workspace().randomUser(seed)),
      users: ({ prefix, limit }) => parse(this.#workspace().users(prefix, limit)),
      itemsEval: ({ models }) => this.#startEval(models),
      itemsEvalStop: () => { this.stop(); return null; },
    };
  }

  // Starts the evaluation (replacing one under way); its rows come as itemsEval events.
  #startEval(models) {
    const ws = this.#workspace();
    const started = parse(ws.itemsEvalStart(models.join(',')));
    this.stop();
    let lastEvent = 0;
    this.job = this.slicer.start(() => {
      const r = parse(ws.itemsEvalStep(EVAL_SLICE_MS / 1000));
      const now = performance.now();
      if (r.done || now - lastEvent >= EVAL_EVENT_MS) {
        lastEvent = now;
        this.post({ type: 'itemsEval', itemsEval: r });
      }
      return r.done;
    }, {
      onError: (err) => this.post({ type: 'itemsEval', itemsEval: { error: String(err?.message ?? err), done: true } }),
    });
    return started;
  }

  // The evaluation stops (a new source of vectors, or asked to).
  stop() {
    this.job?.cancel();
    this.job = null;
  }
}
