// The seed-idea panels, beside the things they explain: the Kneser-Ney yardstick and the test
// figures under the curves, cross-entropy against MSE (a twin with the other loss, trained on the
// same batches, at any time once there is a run: in lockstep while it trains, catching up while it
// rests), the sentence-start and many-targets questions in the prediction box, and the strip of
// embedding rows the last batch changed. main.js calls the hooks; everything else lives here. The
// figures the chart does not draw (the yardstick's, the test's) are kept in the saved session:
// record(), restore().
import { LOSS_NAMES } from './charts.js';

const STRIP_ROWS = 200;   // the most frequent words, one thin bar each (ids 2..201)
const TABLE_ROWS = 8;
const pct = (p) => (p == null ? '–' : `${(100 * p).toFixed(1)}%`);
const ppl = (v) => (v == null || !Number.isFinite(v) ? '–' : v >= 1000 ? `${(v / 1000).toFixed(1)}k` : v.toFixed(1));
const lossName = (loss) => LOSS_NAMES[loss]?.long ?? 'the other loss';
// A twin by its loss: what it trains with (the button's hint), and which model is which (the why-note).
const TWINS = {
  mse: {
    what: 'squared error on one-hot targets',
    who: 'This run trains with cross-entropy; its twin, the chart\'s MSE series, with squared error on one-hot targets.',
  },
  cross_entropy: {
    what: 'cross-entropy',
    who: 'This run trains with squared error (MSE) on one-hot targets; its twin, the chart\'s CE series, with cross-entropy.',
  },
};
const SAME = 'from the same initial weights on the same batches';

export class IdeasPanels {
  // call(type, fields): the worker. charts: the TrainingCharts (the yardstick's line, the twin's
  // series). el(id): an element. run(): {state, hasRun, comparable (a next-word run trained here:
  // a twin can follow it), armable (Play would start a next-word run), loss (the run's)}.
  // formLoss(): the loss the next-word form would train with. lossChoices(): the schema's losses,
  // or null before it came. showPredictions(reply): the Predict list. setPredict(text): the Predict
  // box. changed(): a figure the saved session keeps changed.
  constructor({ call, charts, el, run, formLoss, lossChoices, showPredictions, setPredict, changed }) {
    Object.assign(this, { call, charts, el, run, formLoss, lossChoices, showPredictions, setPredict, changed });
    this.yardstick = null;   // {order, valid_perplexity, test_perplexity} of the run
    this.test = null;        // {loss, perplexity, accuracy, top5, examples} on the test split, at the end
    this.compare = 'off';    // off | armed (starts with the next run) | on | diverged | stopped (on an error)
    this.twin = null;        // the twin's latest figures (protocol.js, TWIN), while on
    this.twinLoss = null;    // the twin's loss, while armed or on
    this.runId = 0;          // bumped by each runStarted(), so a late reply of an old run is dropped
    this.notices = { run: '', twin: '' };
    this.query = null;   // the last context shown in the table ('' = a sentence start)
    this.#buildStrip();
    el('compare-mse').addEventListener('click', () => this.comparePressed());
    el('ask-start').addEventListener('click', () => this.ask(''));
    el('ask-many').addEventListener('click', () => this.suggest());
  }

  // A new run began (kind 'nextword' or 'word2vec'), or the run is gone (null). A twin still
  // catching up stops, and says so; an armed comparison starts with a next-word run.
  async runStarted(kind) {
    const stopped = this.compare === 'on' && !this.twin?.caught_up ? lossName(this.twinLoss) : null;
    const armed = this.compare === 'armed' && kind !== 'word2vec';
    this.runId += 1;
    this.yardstick = null;
    this.test = null;
    this.compare = armed ? 'armed' : 'off';
    this.twin = null;
    this.query = null;
    this.el('ce-why').hidden = true;
    this.el('test-summary').hidden = true;
    this.el('predict-table').hidden = true;
    this.#strip([], []);
    this.notices = { run: '', twin: '' };
    this.#notice('twin', !stopped ? ''
      : kind ? `The comparison with ${stopped} stopped: a new run began. Compare starts one for this run.`
        : `The comparison with ${stopped} stopped: the run was reset.`);
    this.el('kn-summary').textContent = '';
    this.el('kn-summary').classList.remove('beaten');
    // Before any other request of the run, so the twin trains its first batch with it.
    if (armed && kind === 'nextword') this.#startTwin();
    this.render();
    if (kind !== 'nextword') return;
    const run = this.runId;
    try {
      const y = await this.call('yardstick');
      if (run !== this.runId) return;
      this.#notice('run', y.notice);
      this.charts.setReference(y.valid_perplexity, `KN-${y.order} val ppl`);
      this.#showYardstick(y);
    } catch (err) {
      this.el('kn-summary').textContent = err.message;
    }
  }

  // What the panels showed of a run, for the saved session (saved-session.js reads it back).
  record() {
    const y = this.yardstick;
    return {
      yardstick: y ? { order: y.order, valid_perplexity: y.valid_perplexity, test_perplexity: y.test_perplexity } : null,
      test: this.test,
    };
  }

  // A saved run came back (its chart restored first): its figures, and the why-note if it had a twin.
  // The twin itself is not kept, so Compare arms a comparison for the next run.
  restore(saved) {
    this.runStarted(null);
    if (saved?.yardstick) this.#showYardstick(saved.yardstick);
    if (saved?.test) this.#showTestFigures(saved.test);
    if (this.charts.twinPoints > 0) this.#showWhy(this.charts.twinLoss);
    const last = this.charts.latestEvaluation;
    if (last) this.#markBeaten(last.perplexity);
  }

  #showYardstick(y) {
    this.yardstick = y;
    this.el('kn-summary').textContent = y.valid_perplexity == null ? ''
      : `Kneser-Ney ${y.order}-gram: val ppl ${ppl(y.valid_perplexity)}` + (y.test_perplexity == null ? '' : ` · test ${ppl(y.test_perplexity)}`);
    this.el('kn-summary').dataset.valid = String(y.valid_perplexity ?? '');
  }

  // Marks the yardstick beaten once the run's validation perplexity is below it.
  #markBeaten(perplexity) {
    if (!this.yardstick?.valid_perplexity) return;
    const beat = perplexity < this.yardstick.valid_perplexity;
    this.el('kn-summary').classList.toggle('beaten', beat);
    this.el('kn-summary').title = beat ? 'The neural model now beats the n-gram model on the validation sentences'
      : 'The neural model has not yet beaten the n-gram model on the validation sentences';
  }

  // Each progress event of a next-word run.
  onProgress(p) {
    if (p.rows) {
      // Progress can come hundreds of times a second on a small text: draw once per frame.
      const first = !this.pendingRows;
      this.pendingRows = p.rows;
      if (first) {
        requestAnimationFrame(() => {
          const { rows, changes } = this.pendingRows;
          this.pendingRows = null;
          this.#strip(rows, changes);
        });
      }
    }
    if (p.twin) this.onTwin(p.twin);
    if (p.evaluation) this.#markBeaten(p.evaluation.perplexity);
    if (p.finished && !p.diverged) this.#showTest();
  }

  // ---- cross-entropy against MSE: the twin with the other loss

  // The loss the twin of a run with `loss` trains with: the schema's other choice.
  #otherLoss(loss = 'cross_entropy') {
    const choices = this.lossChoices() ?? ['cross_entropy', 'mse'];
    return choices.find((c) => c !== loss) ?? null;
  }

  // A next-word run the twin can train beside (running, paused, finished or diverged).
  #runToCompare() {
    return this.run().comparable;
  }

  // No run to compare, but Play or Step would start a next-word one: Compare arms the twin for it.
  #canArm() {
    return this.run().armable;
  }

  comparePressed() {
    if (this.compare === 'armed') this.compare = 'off';
    else if (this.compare !== 'off') return;
    else if (this.#runToCompare()) this.#startTwin();
    else if (this.#canArm()) this.compare = 'armed';
    this.render();
  }

  async #startTwin() {
    const run = this.runId;
    this.compare = 'on';
    this.twin = null;
    this.twinLoss = this.#otherLoss(this.run().loss);
    this.#notice('twin', '');
    this.render();
    try {
      const { loss } = await this.call('compare');
      if (run !== this.runId) return;
      this.twinLoss = loss;
      this.charts.setTwinLoss(loss);
      this.#showWhy(loss);
      if (this.query != null) this.ask(this.query);
    } catch (err) {
      if (run !== this.runId) return;
      this.compare = 'off';
      this.#notice('twin', err.message);
    }
    this.render();
  }

  // The twin's figures: from a progress event while the run trains, or a twin event while it
  // catches up on its own. Its evaluations join the chart; nothing drawn so far is ever dropped.
  onTwin(t) {
    if (this.compare !== 'on') return;
    const name = lossName(this.twinLoss);
    if (t.error) {
      this.compare = 'stopped';
      this.#notice('twin', `The comparison with ${name} stopped: ${t.error}. Its curve so far stays on the chart.`);
      this.render();
      return;
    }
    for (const e of t.evaluations ?? []) this.charts.addTwinEvaluation(e.epoch, e);
    const arrived = t.caught_up && !this.twin?.caught_up;
    this.twin = t;
    if (t.diverged) {
      this.compare = 'diverged';
      const curve = t.epoch > 0 ? `Its curve stops at epoch ${t.epoch}` : 'It had not finished an epoch, so it has no curve';
      this.#notice('twin', `The ${name} twin diverged at step ${t.step}: the learning rate is too large for it. `
        + `${curve}; the run itself is unaffected.`);
    }
    // The table's twin column follows when the twin gets somewhere the run is not training past.
    if (this.query != null && this.run().state !== 'running' && (arrived || t.evaluations?.length)) this.ask(this.query);
    this.render();
  }

  // The Compare button says what the twin does: can be started or armed, will start with the run,
  // trains (in lockstep, or catching up: how far), has caught up, diverged or stopped.
  render() {
    const twinLoss = this.compare === 'off' || this.compare === 'armed'
      ? this.#otherLoss(this.#runToCompare() ? this.run().loss : this.formLoss())
      : this.twinLoss;
    const name = lossName(twinLoss);
    const t = this.twin;
    let text = `Compare with ${name}`;
    let title = `Train a second model with ${TWINS[twinLoss]?.what ?? name}, ${SAME}`;
    let disabled = true;
    if (this.compare === 'off') {
      disabled = !this.#runToCompare() && !this.#canArm();
      if (this.#canArm()) title += ': it starts with the run';
    } else if (this.compare === 'armed') {
      text = `Will compare with ${name}`;
      title = `The ${name} twin starts with the run: press Play or Step. Click to cancel.`;
      disabled = false;
    } else if (this.compare === 'on' && t?.caught_up && this.run().state !== 'running') {
      text = `Compared with ${name}`;
      title = `The ${name} twin has trained ${SAME} as far as the run (step ${t.step}); Play trains both on.`;
    } else if (this.compare === 'on') {
      const catching = t && !t.caught_up && t.target > 0;
      text = `Comparing with ${name}…${catching ? ` ${Math.floor((100 * t.step) / t.target)}%` : ''}`;
      title = catching ? `The ${name} twin is catching up with the run, ${SAME}: step ${t.step} of ${t.target}`
        : `The ${name} twin trains ${SAME}, in lockstep with the run`;
    } else {
      text = this.compare === 'diverged' ? `The ${name} twin diverged` : `Comparison with ${name} stopped`;
      title = 'Its curve so far stays on the chart (the message below says why); a new run can be compared again.';
    }
    const button = this.el('compare-mse');
    if (button.textContent !== text) button.textContent = text;
    button.title = title;
    button.disabled = disabled;
    button.setAttribute('aria-pressed', String(this.compare !== 'off'));
    button.dataset.compare = this.compare;
  }

  #showWhy(twinLoss) {
    this.el('ce-why-who').textContent = TWINS[twinLoss]?.who ?? '';
    this.el('ce-why').hidden = false;
  }

  // The prediction box asked about `context` (main.js after its own predict call, or a button
  // here): the table of the model's probability, the twin's and the training counts.
  async ask(context, reply = null) {
    if (!this.run().hasRun) return;
    this.query = context;
    // While training, the prediction refreshes with every frame: one question at a time, the last wins.
    if (this.asking) {
      this.again = { context, reply };
      return;
    }
    this.asking = true;
    try {
      await this.#ask(context, reply);
    } finally {
      this.asking = false;
    }
    if (this.again) {
      const next = this.again;
      this.again = null;
      this.ask(next.context, next.reply);
    }
  }

  async #ask(context, reply) {
    try {
      const main = reply ?? await this.call('predict', { context, k: 10 });
      if (!reply) this.showPredictions(main);
      const [wide, twin, counts] = await Promise.all([
        this.call('predict', { context, k: 50 }),  // the table looks further down than the list
        ['on', 'diverged', 'stopped'].includes(this.compare) ? this.call('predictTwin', { context, k: 50 }) : null,
        this.call('nextWordCounts', { context, n: 50 }),
      ]);
      if (this.query === context) this.#table(context, wide, twin, counts);
    } catch (err) {
      this.el('predict-table').hidden = true;
    }
  }

  async suggest() {
    if (!this.run().hasRun) return;
    const g = await this.call('suggestContext').catch(() => null);
    if (!g?.context) return;
    this.setPredict(g.context);
    this.ask(g.context);
  }

  async #showTest() {
    try {
      const t = await this.call('evaluateTest');
      if (!t.examples) return;
      this.#showTestFigures(t);
      this.changed();
    } catch { /* a run reset meanwhile */ }
  }

  #showTestFigures(t) {
    this.test = t;
    const kn = this.yardstick?.test_perplexity;
    const box = this.el('test-summary');
    box.textContent = `Test (${t.examples} examples, never seen): ppl ${ppl(t.perplexity)} · top-1 ${pct(t.accuracy)}`
      + ` · top-5 ${pct(t.top5)}` + (kn ? ` · n-gram ${ppl(kn)}` : '');
    box.dataset.perplexity = String(t.perplexity);
    box.hidden = false;
  }

  // kind: run (the run's own message) or twin (the comparison's); both show, one after the other.
  #notice(kind, text) {
    this.notices[kind] = text ?? '';
    const all = [this.notices.run, this.notices.twin].filter(Boolean).join(' ');
    this.el('run-notice').textContent = all;
    this.el('run-notice').hidden = !all;
  }

  // Rows: the union of the words the model, the twin and the training text rank highest.
  #table(context, main, twin, counts) {
    const table = this.el('predict-table');
    const body = table.tBodies[0];
    body.replaceChildren();
    const prob = new Map((main.predictions ?? []).map((p) => [p.word, p.probability]));
    const twinProb = new Map((twin?.predictions ?? []).map((p) => [p.word, p.probability]));
    const count = new Map(counts.counts.map((c) => [c.word, c.count]));
    const words = [];
    for (const w of [...counts.counts.map((c) => c.word), ...prob.keys()]) {
      if (!words.includes(w)) words.push(w);
    }
    for (const w of words.slice(0, TABLE_ROWS)) {
      const tr = document.createElement('tr');
      tr.dataset.word = w;
      const cells = [w, pct(prob.get(w) ?? null)];
      if (twin) cells.push(pct(twinProb.get(w) ?? null));
      const c = count.get(w) ?? 0;
      tr.dataset.count = String(c);
      cells.push(counts.total ? `${pct(c / counts.total)} (${c})` : '–');
      for (const text of cells) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      body.append(tr);
    }
    const head = table.tHead.rows[0];
    const twinHead = twin ? [[LOSS_NAMES[twin.loss]?.short ?? 'twin', `the ${lossName(twin.loss)} twin's probability`]] : [];
    head.replaceChildren(...[['next word'], ['model', "the run's probability"], ...twinHead, ['in training']].map(([t, hint]) => {
      const th = document.createElement('th');
      th.textContent = t;
      if (hint) th.title = hint;
      return th;
    }));
    const what = context.trim() === '' ? 'a sentence start (all <pad>)' : `“${counts.context.join(' ')}”`;
    table.caption.textContent = counts.total
      ? `After ${what}: the model's softmax beside what followed it ${counts.total}× in the training text (${counts.distinct} different words).`
      : `After ${what}: never seen in the training text, so the model can only generalise.`;
    table.dataset.total = String(counts.total);
    table.dataset.twin = twin ? 'true' : 'false';
    table.dataset.context = context;
    table.hidden = false;
  }

  #buildStrip() {
    const strip = this.el('row-strip');
    strip.replaceChildren();
    this.bars = [];
    for (let i = 0; i < STRIP_ROWS; i += 1) {
      const bar = document.createElement('span');
      strip.append(bar);
      this.bars.push(bar);
    }
  }

  // rows: ids the last batch changed; changes: how far each moved. Only ids 2..201 are drawn.
  #strip(rows, changes) {
    const max = Math.max(1e-12, ...changes);
    for (const bar of this.bars) bar.style.transform = 'scaleY(0)';
    let shown = 0;
    rows.forEach((id, i) => {
      const bar = this.bars[id - 2];
      if (!bar) return;
      bar.style.transform = `scaleY(${Math.max(0.08, changes[i] / max)})`;
      shown += 1;
    });
    const strip = this.el('row-strip');
    strip.dataset.changed = String(rows.length);
    strip.dataset.shown = String(shown);
    this.el('row-strip-caption').textContent = rows.length
      ? `The last batch changed ${rows.length} rows of the embedding table; the other rows did not move.`
      : 'Rows of the embedding table (the 200 most frequent words) changed by the last batch.';
  }
}
