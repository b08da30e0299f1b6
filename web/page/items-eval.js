// The Eval tab of an item2vec run: Run holds out each user's last item, and separately their last
// invoice, ranks every item they have not taken with each model (popularity, item kNN, item2vec,
// item2vec + item kNN), and fills one table: the models down, both splits across, HitRate@10 and
// NDCG@10. The worker runs it in slices and sends rows as they come (itemsEval events); the word
// tests' part of the tab is hidden meanwhile.
const MODELS = ['popularity', 'knn', 'item2vec', 'item2vec+knn'];
const SPLITS = ['last-item', 'last-invoice'];

const $ = (id) => document.getElementById(id);

export class ItemsEvalPanel {
  // call(type, fields): the worker. hasItems(): an item2vec run is there. render(): the page's
  // controls follow.
  constructor({ call, hasItems, render }) {
    Object.assign(this, { call, hasItems, render });
    this.running = false;
    this.result = null;       // the last itemsEval event: {splits, rows, stage, fraction, done}
    this.started = 0;
    $('items-eval-run').addEventListener('click', () => this.run());
  }

  // The tab shows this part for item2vec runs, the word tests otherwise.
  renderSection() {
    const on = this.hasItems();
    $('items-eval').hidden = !on;
    $('word-eval').hidden = on;
    $('items-eval-run').disabled = !on || this.running;
  }

  async run() {
    if (!this.hasItems() || this.running) return;
    this.running = true;
    this.started = performance.now();
    this.show({ rows: [], fraction: 0, stage: 'starting', done: false });
    this.render();
    try {
      const { splits } = await this.call('itemsEval', { models: MODELS });
      this.splits = splits;
    } catch (err) {
      this.#stopped(`Could not evaluate: ${err.message}`);
    }
  }

  // An itemsEval event from the worker.
  onEvent(e) {
    if (!this.running) return;
    if (e.error) {
      this.#stopped(`The evaluation stopped: ${e.error}`);
      return;
    }
    this.show(e);
    if (e.done) {
      const seconds = (performance.now() - this.started) / 1000;
      const splits = this.splits ?? e.splits ?? [];
      const cases = splits.filter((s) => !s.unevaluable).map((s) => `${s.cases.toLocaleString('en')} users (${s.split})`).join(', ');
      const said = splits.filter((s) => s.unevaluable).map((s) => ` ${s.unevaluable[0].toUpperCase()}${s.unevaluable.slice(1)}.`).join('');
      this.#stopped(`Done in ${seconds.toFixed(1)} s: ${cases}.${said}`);
    }
  }

  #stopped(message) {
    this.running = false;
    $('items-eval-status').textContent = message;
    $('items-eval-progress').hidden = true;
    this.render();
  }

  // A new run, or none: the table empties and a running evaluation is forgotten (the worker stops it).
  reset() {
    this.running = false;
    this.result = null;
    $('items-eval-table').hidden = true;
    $('items-eval-table').tBodies[0].replaceChildren();
    $('items-eval-progress').hidden = true;
    $('items-eval-status').textContent = 'Hold out each user\u2019s last purchases, rank every item they have not taken.';
  }

  // Fills the table from an itemsEval event: a row per model, HR@10 and NDCG@10 per split.
  show(result) {
    this.result = result;
    const table = $('items-eval-table');
    const body = table.tBodies[0];
    body.replaceChildren();
    table.hidden = !result.rows.length;
    const byModel = new Map();
    for (const r of result.rows) {
      if (!byModel.has(r.model)) byModel.set(r.model, { label: r.label, cells: {} });
      byModel.get(r.model).cells[r.split] = r;
      if (r.split === 'last-invoice') byModel.get(r.model).label = r.label;  // the blend's weight differs per split
    }
    const pct = (x) => `${(100 * x).toFixed(2)}`;
    const best = {};
    for (const split of SPLITS) {
      const ndcgs = result.rows.filter((r) => r.split === split).map((r) => r.ndcg);
      best[split] = ndcgs.length ? Math.max(...ndcgs) : null;
    }
    for (const model of MODELS) {
      const entry = byModel.get(model);
      if (!entry) continue;
      const tr = document.createElement('tr');
      tr.dataset.model = model;
      const name = document.createElement('td');
      name.textContent = model === 'item2vec+knn' ? 'item2vec + item kNN' : entry.label;
      tr.append(name);
      for (const split of SPLITS) {
        const r = entry.cells[split];
        for (const field of ['hit_rate', 'ndcg']) {
          const td = document.createElement('td');
          // A split no user fits (baskets have no next basket) has no rows: a dash, and why.
          const unevaluable = (this.splits ?? result.splits ?? []).find((s) => s.split === split)?.unevaluable;
          td.textContent = r ? pct(r[field]) : unevaluable ? '\u2013' : '…';
          if (unevaluable) td.title = unevaluable;
          if (r) {
            td.dataset.value = String(r[field]);
            td.title = `${r.label}: ${r.cases} users, ${r.seconds.toFixed(1)} s`;
            if (field === 'ndcg' && r.ndcg === best[split]) td.classList.add('best');
          }
          tr.append(td);
        }
      }
      body.append(tr);
    }
    if (!result.done) {
      $('items-eval-progress').hidden = false;
      $('items-eval-progress').firstElementChild.style.width = `${(100 * (result.fraction ?? 0)).toFixed(1)}%`;
      $('items-eval-status').textContent = `Evaluating… ${result.stage ?? ''}`;
    }
  }
}
