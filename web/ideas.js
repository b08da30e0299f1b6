// The seed-idea panels, beside the things they explain: the Kneser-Ney yardstick and the test
// figures under the curves, cross-entropy against MSE (a twin trained on the same batches), the
// sentence-start and many-targets questions in the prediction box, and the strip of embedding rows
// the last batch changed. main.js calls the hooks; everything else lives here. The figures the
// chart does not draw (the yardstick's, the test's) are kept in the saved session: record(), restore().

const STRIP_ROWS = 200;   // the most frequent words, one thin bar each (ids 2..201)
const TABLE_ROWS = 8;
const pct = (p) => (p == null ? '–' : `${(100 * p).toFixed(1)}%`);
const ppl = (v) => (v == null || !Number.isFinite(v) ? '–' : v >= 1000 ? `${(v / 1000).toFixed(1)}k` : v.toFixed(1));

export class IdeasPanels {
  // app: main.js's App ({client, charts, hasRun(), renderPredictions(reply), saveSoon()}); el: (id) => element.
  constructor(app, el) {
    this.app = app;
    this.el = el;
    this.yardstick = null;   // {order, valid_perplexity, test_perplexity} of the run
    this.test = null;        // {loss, perplexity, accuracy, top5, examples} on the test split, at the end
    this.comparing = false;
    this.query = null;   // the last context shown in the table ('' = a sentence start)
    this.#buildStrip();
    el('compare-mse').addEventListener('click', () => this.compare());
    el('ask-start').addEventListener('click', () => this.ask(''));
    el('ask-many').addEventListener('click', () => this.suggest());
  }

  // A new run began (or the run is gone: started = false).
  async runStarted(started) {
    this.yardstick = null;
    this.test = null;
    this.comparing = false;
    this.query = null;
    this.el('compare-mse').setAttribute('aria-pressed', 'false');
    this.el('compare-mse').textContent = 'Compare with MSE';
    this.el('compare-mse').disabled = !started;
    this.el('ce-why').hidden = true;
    this.el('test-summary').hidden = true;
    this.el('predict-table').hidden = true;
    this.#strip([], []);
    this.#notice('');
    this.el('kn-summary').textContent = '';
    this.el('kn-summary').classList.remove('beaten');
    if (!started) return;
    try {
      const y = await this.app.client.call('yardstick');
      this.#notice(y.notice);
      this.app.charts.setReference(y.valid_perplexity, `KN-${y.order} val ppl`);
      this.#showYardstick(y);
    } catch (err) {
      this.el('kn-summary').textContent = err.message;
    }
  }

  // What the panels showed of a run, for the saved session (session-file.js reads it back).
  record() {
    const y = this.yardstick;
    return {
      yardstick: y ? { order: y.order, valid_perplexity: y.valid_perplexity, test_perplexity: y.test_perplexity } : null,
      test: this.test,
    };
  }

  // A saved run came back (its chart restored first): its figures, and the why-note if it had a twin.
  // The twin itself is not kept, so Compare waits for a new run.
  restore(saved) {
    this.runStarted(false);
    if (saved?.yardstick) this.#showYardstick(saved.yardstick);
    if (saved?.test) this.#showTestFigures(saved.test);
    this.el('ce-why').hidden = this.app.charts.twinPoints === 0;
    const last = this.app.charts.latestEvaluation;
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
    if (p.twin) for (const e of p.twin.evaluations ?? []) this.app.charts.addTwinEvaluation(e.epoch, e);
    if (p.evaluation) this.#markBeaten(p.evaluation.perplexity);
    if (p.finished && !p.diverged) this.#showTest();
    // The twin trains only while the run does: a finished run has nothing left to compare on.
    if ((p.finished || p.diverged) && !this.comparing) this.el('compare-mse').disabled = true;
  }

  async compare() {
    if (this.comparing || !this.app.hasRun()) return;
    try {
      const { loss } = await this.app.client.call('compare');
      this.app.charts.setTwinLoss(loss);
      this.comparing = true;
      this.el('compare-mse').setAttribute('aria-pressed', 'true');
      this.el('compare-mse').textContent = 'Comparing with MSE';
      this.el('ce-why').hidden = false;
      if (this.query != null) this.ask(this.query);
    } catch (err) {
      this.#notice(err.message);
    }
  }

  // The prediction box asked about `context` (main.js after its own predict call, or a button
  // here): the table of the model's probability, the twin's and the training counts.
  async ask(context, reply = null) {
    if (!this.app.hasRun()) return;
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
      const client = this.app.client;
      const main = reply ?? await client.call('predict', { context, k: 10 });
      if (!reply) this.app.renderPredictions(main);
      const [wide, twin, counts] = await Promise.all([
        client.call('predict', { context, k: 50 }),  // the table looks further down than the list
        this.comparing ? client.call('predictTwin', { context, k: 50 }) : null,
        client.call('nextWordCounts', { context, n: 50 }),
      ]);
      if (this.query === context) this.#table(context, wide, twin, counts);
    } catch (err) {
      this.el('predict-table').hidden = true;
    }
  }

  async suggest() {
    if (!this.app.hasRun()) return;
    const g = await this.app.client.call('suggestContext').catch(() => null);
    if (!g?.context) return;
    this.el('predict-input').value = g.context;
    this.ask(g.context);
  }

  async #showTest() {
    try {
      const t = await this.app.client.call('evaluateTest');
      if (!t.examples) return;
      this.#showTestFigures(t);
      this.app.saveSoon();
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

  #notice(text) {
    this.el('run-notice').textContent = text ?? '';
    this.el('run-notice').hidden = !text;
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
    head.replaceChildren(...['next word', 'model', ...(twin ? ['MSE'] : []), 'in training'].map((t) => {
      const th = document.createElement('th');
      th.textContent = t;
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
