// The questions asked of the vectors, in the right column: a word's nearest neighbours (and the map
// highlights them), an analogy a − b + c (and the map draws its arrows), and the next word after a
// context (the Predict box). Each is asked again when the map gets a new frame.
const PREDICT_DEBOUNCE_MS = 150;
const NEIGHBOURS_K = 10;
const ANALOGY_K = 10;
const PREDICT_K = 10;

const $ = (id) => document.getElementById(id);

export class QueriesPanel {
  // call(type, fields): the worker. view: the view state (the selected word, the metric, the
  // Predict box, the analogy's fields). map: the WordMap, which shows the answers. hasRun(): there
  // are vectors to ask about. predicts(): they come with a next-word model (Predict can answer).
  // mappedOnly(): the search the map shows only the matches of, or ''.
  // onPredicted(context, reply): a prediction was shown (the seed ideas' table follows it).
  // changed(): the view changed (the selected word).
  // items(): the vectors are items (an item2vec run): neighbours are what is bought together.
  constructor({ call, view, map, hasRun, predicts, mappedOnly, onPredicted, changed, items = () => false }) {
    Object.assign(this, { call, view, map, hasRun, predicts, mappedOnly, onPredicted, changed, items });
    this.analogyAsked = false;     // the analogy was solved once: it follows the map from now on
    this.analogyQuestion = null;   // the last question sent, so an older answer is dropped
    this.followUpInFlight = false;
    view.on('word', (word) => this.selectWord(word));
    view.on('metric', () => this.refreshNeighbours());
    view.on('table', () => this.refreshNeighbours());
    view.on('analogy', () => this.solveAnalogy());
    view.on('method', () => { if (this.analogyAsked) this.solveAnalogy(); });
    view.on('predict', () => {
      clearTimeout(this.predictTimer);
      this.predictTimer = setTimeout(() => this.refreshPrediction(), PREDICT_DEBOUNCE_MS);
    });
  }

  // A new frame: the answers that depend on the vectors are asked again, one round at a time.
  async followUp() {
    if (this.followUpInFlight) return;
    this.followUpInFlight = true;
    try {
      if (this.view.selected) await this.refreshNeighbours();
      if (this.analogyAsked) await this.solveAnalogy({ quiet: true });
      if (this.view.predict.trim()) await this.refreshPrediction();
    } finally {
      this.followUpInFlight = false;
    }
  }

  // A view came from a link or a saved session: its analogy is solved as the map follows.
  viewApplied() {
    const { a, b, c } = this.view.analogy;
    this.analogyAsked = Boolean(a && b && c);
  }

  // Empties the answers (no run, or a new one).
  clear() {
    this.renderPredictions(null);
    this.renderNeighbours(null);
  }

  // The source of vectors changed (a run began or went, vectors opened, a model loaded): an empty
  // box's prompt says what can be asked now (a box with a question is asked again as the map follows).
  prompt() {
    if (!this.view.predict.trim()) this.renderPredictions(null);
    if (!this.view.selected) this.renderNeighbours(null);
  }

  // ---- neighbours

  selectWord(word) {
    this.view.select(word);
    if (word) this.view.showTab('neighbours');
    this.changed();
    if (!word) {
      this.map.setSelection(null);
      this.renderNeighbours(null);
      return;
    }
    this.refreshNeighbours();
  }

  async refreshNeighbours() {
    const word = this.view.selected;
    if (!word) return;
    if (!this.hasRun()) {
      this.renderNeighbours({ message: 'Train or step the model first.' });
      return;
    }
    try {
      const reply = await this.call('neighbors', { word, k: NEIGHBOURS_K, metric: this.view.metric, table: this.view.table });
      if (word !== this.view.selected) return;
      this.map.setSelection(reply.word ?? word, reply.neighbors);
      this.renderNeighbours(reply);
    } catch (err) {
      if (word !== this.view.selected) return;
      this.map.setSelection(null);
      this.renderNeighbours({ message: err.message });
    }
  }

  renderNeighbours(reply) {
    const list = $('nb-list');
    list.replaceChildren();
    const message = $('nb-message');
    const caption = $('nb-caption');
    if (!reply || reply.message) {
      caption.textContent = `by ${this.view.metric === 'euclidean' ? 'euclidean distance' : 'cosine similarity'}`;
      message.textContent = reply?.message ?? (this.hasRun() ? `Click ${this.items() ? 'an item' : 'a word'} on the map.` : '');
      message.hidden = !message.textContent;
      return;
    }
    message.hidden = true;
    const all = reply.neighbors ?? [];
    const shown = all.filter((n) => this.map.has(n.word)).length;
    const what = this.items() ? `bought together with “${reply.word}”,` : `nearest to “${reply.word}”`;
    caption.textContent = `${what} by ${reply.metric ?? 'cosine'}` + (reply.table === 'output' ? ' of the output rows' : '')
      + (shown < all.length ? ` · ${shown} on the map` : '');
    const euclidean = reply.metric === 'euclidean';
    const closest = Math.max(1e-12, Math.min(...all.map((n) => n.distance ?? Infinity)));
    for (const n of reply.neighbors ?? []) {
      const row = euclidean
        ? this.#barRow(n.word, closest / Math.max(closest, n.distance), n.distance.toPrecision(3), n.distance)
        : this.#barRow(n.word, Math.max(0, n.similarity), n.similarity.toFixed(2), n.similarity);
      if (!this.map.has(n.word)) row.classList.add('off-map');
      list.append(row);
    }
  }

  // ---- predictions

  async refreshPrediction() {
    const context = this.view.predict;
    if (!context.trim() || !this.hasRun()) {
      this.renderPredictions(null);
      return;
    }
    try {
      const reply = await this.call('predict', { context, k: PREDICT_K });
      if (context === this.view.predict) {
        this.renderPredictions(reply);
        this.onPredicted(context, reply);
      }
    } catch (err) {
      this.renderPredictions({ message: err.message });
    }
  }

  renderPredictions(reply) {
    const list = $('predict-list');
    const contextLine = $('predict-context');
    list.replaceChildren();
    contextLine.replaceChildren();
    const empty = $('predict-empty');
    if (!reply || reply.message) {
      contextLine.textContent = 'the next word';
      empty.textContent = reply?.message ?? (!this.hasRun() ? 'Train or step the model, then type a few words.'
        : this.predicts() ? 'Type a few words to see what the model expects next.'
          : 'Predict needs the next-word model: these vectors give neighbours and analogies, not next words.');
      empty.hidden = false;
      return;
    }
    empty.hidden = true;
    contextLine.title = 'The words the model used: the last k, padded with <pad> at the start';
    for (const token of reply.context ?? []) {
      const chip = document.createElement('span');
      chip.className = token === '<pad>' || token === '<unk>' ? 'chip special' : 'chip';
      chip.textContent = token;
      contextLine.append(chip, ' ');
    }
    contextLine.append('→');
    const preds = reply.predictions ?? [];
    const top = Math.max(1e-12, ...preds.map((p) => p.probability));
    for (const p of preds) {
      list.append(this.#barRow(p.word, p.probability / top, `${(100 * p.probability).toFixed(1)}%`, p.probability));
    }
  }

  // ---- the Analogy tab: a - b + c, ranked, and its arrows on the map

  // Asks the worker for the answers to the three fields; `quiet` (a follow-up after a new frame)
  // leaves the message alone when the fields are incomplete.
  async solveAnalogy({ quiet = false } = {}) {
    const { a, b, c, method } = this.view.analogy;
    const message = $('an-message');
    if (!a || !b || !c) {
      if (!quiet) { message.textContent = 'Type three words: a − b + c.'; message.hidden = false; }
      return;
    }
    if (!this.hasRun()) {
      message.textContent = 'Train or step the model first.';
      message.hidden = false;
      return;
    }
    this.analogyAsked = true;
    const asked = `${a}\n${b}\n${c}\n${method}`;
    this.analogyQuestion = asked;
    try {
      const reply = await this.call('analogy', { a, b, c, k: ANALOGY_K, method });
      if (asked !== this.analogyQuestion) return;
      this.#renderAnalogy(reply);
    } catch (err) {
      if (asked !== this.analogyQuestion) return;
      this.#renderAnalogy({ message: err.message });
    }
  }

  #renderAnalogy(reply) {
    const list = $('an-list');
    const message = $('an-message');
    list.replaceChildren();
    if (!reply || reply.message) {
      message.textContent = reply?.message ?? '';
      message.hidden = !message.textContent;
      this.map.setAnalogy(null);
      return;
    }
    const [a, b, c] = reply.words;
    const answers = reply.answers ?? [];
    const best = answers[0]?.word;
    const top = Math.max(1e-12, ...answers.map((x) => Math.abs(x.score)));
    for (const x of answers) {
      const row = this.#barRow(x.word, Math.max(0, x.score) / top, x.score.toFixed(3), x.score);
      if (!this.map.has(x.word)) row.classList.add('off-map');
      list.append(row);
    }
    const missing = [a, b, c, best].filter((w) => w && !this.map.has(w));
    message.textContent = `${a} − ${b} + ${c} ≈ ${best ?? '?'} (${reply.method})`
      + (missing.length ? ` · not on the map: ${missing.join(', ')} (${this.mappedOnly()
        ? 'it shows only the search\u2019s matches' : 'show more words to see the arrows'})` : '');
    message.hidden = false;
    this.map.setAnalogy(best ? { a, b, c, answer: best } : null);
  }

  #barRow(word, fraction, label, value) {
    return barRow(word, fraction, label, value, () => this.selectWord(word));
  }
}

// A list row of the right column's tabs: a clickable word (onClick: show its neighbours), a bar of
// `fraction` (0..1) and a value (exact in data-value).
export function barRow(word, fraction, label, value, onClick) {
  const li = document.createElement('li');
  li.dataset.word = word;
  li.dataset.value = String(value);
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'word';
  button.textContent = word;
  button.title = `Show the neighbours of “${word}”`;
  button.addEventListener('click', onClick);
  const bar = document.createElement('span');
  bar.className = 'bar';
  const fill = document.createElement('span');
  fill.style.transform = `scaleX(${Math.max(0, Math.min(1, fraction))})`;
  bar.append(fill);
  const num = document.createElement('span');
  num.className = 'value';
  num.textContent = label;
  li.append(button, bar, num);
  return li;
}
