// Worker side of the seed-idea panels (see ideas-protocol.js): steps the MSE twin in lockstep with
// the run and gathers the last batch's row changes for the progress events.

function parse(json) {
  const r = JSON.parse(json);
  if (r && r.error) throw new Error(r.error);
  return r;
}

export class Ideas {
  constructor(getSession) {
    this.getSession = getSession;
    this.reset();
  }

  reset() {
    this.comparing = false;
    this.twin = null;        // the twin's figures since the last event
    this.evaluations = [];   // twin evaluations not yet sent
  }

  // After each step() of the next-word run with the same budget.
  afterStep(budget) {
    if (!this.comparing) return;
    const t = parse(this.getSession().twinStep(Math.max(1, Math.round(budget))));
    this.evaluations.push(...t.evaluations);
    this.twin = t;
  }

  // Fields to add to a progress event of the next-word run.
  take() {
    const out = {};
    const session = this.getSession();
    if (!session) return out;
    const r = session.lastRowChanges();
    if (r && r.rows) out.rows = { rows: Array.from(r.rows), changes: Array.from(r.changes) };
    if (this.twin) {
      out.twin = { ...this.twin, evaluations: this.evaluations };
      this.evaluations = [];
    }
    return out;
  }

  handlers(requireModel) {
    const s = () => { requireModel(); return this.getSession(); };
    return {
      yardstick: () => parse(s().yardstick()),
      evaluateTest: () => parse(s().evaluateTest()),
      compare: () => {
        const r = parse(s().twinStart());
        this.comparing = true;
        this.evaluations = [];
        return r;
      },
      predictTwin: ({ context, k }) => parse(s().twinPredict(context, k)),
      nextWordCounts: ({ context, n }) => parse(s().nextWordCounts(context, n)),
      suggestContext: () => parse(s().suggestContext()),
    };
  }
}
