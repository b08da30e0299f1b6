// The Users tab of an item2vec run: pick a customer (typed, suggested as you type, or drawn at random
// with a seed), see their last purchases and the 10 items the model recommends, each with the
// purchase of theirs that led to it. Clicking an item shows what is bought together with it on the
// map. Asked again as the vectors move (new frames), at most every REFRESH_MS.
const K = 10;
const SUGGESTIONS = 20;
const SUGGEST_DEBOUNCE_MS = 200;
const REFRESH_MS = 1000;

const $ = (id) => document.getElementById(id);

export class RecommendPanel {
  // call(type, fields): the worker. view: the view state (the chosen user, the tab shown).
  // hasItems(): an item2vec run is there to ask. onSelectItem(name): an item was clicked.
  // changed(): the view changed (the chosen user).
  constructor({ call, view, hasItems, onSelectItem, changed }) {
    Object.assign(this, { call, view, hasItems, onSelectItem, changed });
    this.seed = 0;            // the random user's seed: 1, 2, 3… in each page, so a session is repeatable
    this.asked = null;        // the user whose recommendations are shown (or being asked for)
    this.lastAsked = 0;
    this.result = null;       // the last reply shown
    view.on('user', () => this.recommend());
    $('rec-random').addEventListener('click', () => this.randomUser());
    $('rec-user').addEventListener('input', () => {
      clearTimeout(this.suggestTimer);
      this.suggestTimer = setTimeout(() => this.#suggest(), SUGGEST_DEBOUNCE_MS);
    });
  }

  // The Users tab exists for item2vec runs only.
  render() {
    const on = this.hasItems();
    $('tab-recommend-head').hidden = !on;
    $('rec-random').disabled = !on;
    if (!on && this.view.tab === 'recommend') this.view.showTab('neighbours');
  }

  async randomUser() {
    if (!this.hasItems()) return;
    this.seed += 1;
    try {
      const { user } = await this.call('randomUser', { seed: this.seed });
      this.view.user = user;
      this.changed();
      await this.recommend();
    } catch (err) {
      this.#message(err.message, true);
    }
  }

  // Asks for the chosen user's recommendations and shows them.
  async recommend() {
    const user = this.view.user;
    if (!user) {
      this.show(null);
      return;
    }
    if (!this.hasItems()) {
      this.#message('Train item2vec on purchases first (data: events CSV or baskets).', false);
      return;
    }
    this.view.showTab('recommend');
    this.asked = user;
    this.lastAsked = performance.now();
    try {
      const reply = await this.call('recommend', { user, k: K });
      if (user === this.view.user) this.show(reply);
    } catch (err) {
      if (user === this.view.user) {
        this.show(null);
        this.#message(err.message, true);
      }
    }
  }

  // A new frame: the chosen user (from a link, say) is asked for once the run has vectors, and the
  // shown recommendations follow the vectors (not more often than REFRESH_MS).
  followUp() {
    const user = this.view.user;
    if (!user || !this.hasItems()) return;
    if (this.asked !== user) {
      this.recommend();
      return;
    }
    if (!this.result || this.view.tab !== 'recommend' || performance.now() - this.lastAsked < REFRESH_MS) return;
    this.recommend();
  }

  async #suggest() {
    const prefix = $('rec-user').value.trim();
    const list = $('rec-users');
    if (!prefix || !this.hasItems()) {
      list.replaceChildren();
      return;
    }
    try {
      const { users } = await this.call('users', { prefix, limit: SUGGESTIONS });
      list.replaceChildren(...users.map((u) => Object.assign(document.createElement('option'), { value: u })));
    } catch {
      list.replaceChildren();
    }
  }

  #message(text, error) {
    const m = $('rec-message');
    m.textContent = text;
    m.classList.toggle('error', error);
    m.hidden = !text;
  }

  // Shows a recommend reply (or the invitation to pick a user).
  show(reply) {
    this.result = reply;
    const list = $('rec-list');
    list.replaceChildren();
    $('rec-history').hidden = !reply;
    if (!reply) {
      this.#message(this.hasItems() ? 'Pick a customer: their 10 best new items, each with the purchase that led to it.' : '', false);
      return;
    }
    this.#message(`For ${reply.user}: ${reply.items} items in ${reply.baskets} basket${reply.baskets === 1 ? '' : 's'}; `
      + `the ${reply.recommendations.length} best they have not bought (${reply.model}).`, false);
    const history = $('rec-history');
    history.replaceChildren('Last bought: ');
    reply.recent.forEach((name, i) => history.append(...(i ? [', '] : []), this.#itemButton(name)));
    const top = Math.max(1e-12, ...reply.recommendations.map((r) => Math.abs(r.score)));
    for (const r of reply.recommendations) {
      const li = document.createElement('li');
      li.dataset.item = r.item;
      li.dataset.because = r.because ?? '';
      const head = document.createElement('div');
      head.className = 'rec-head';
      const bar = document.createElement('span');
      bar.className = 'bar';
      const fill = document.createElement('span');
      fill.style.transform = `scaleX(${Math.max(0, Math.min(1, r.score / top))})`;
      bar.append(fill);
      head.append(this.#itemButton(r.item, r.key), bar);
      const why = document.createElement('div');
      why.className = 'rec-why small muted';
      if (r.because) why.append('because they bought ', this.#itemButton(r.because));
      else why.textContent = 'popular';
      li.append(head, why);
      list.append(li);
    }
  }

  #itemButton(name, key) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'word';
    b.textContent = name;
    b.title = `${key ? `${key}: ` : ''}show what is bought together with it`;
    b.addEventListener('click', () => this.onSelectItem(name));
    return b;
  }

  // Empties the tab (a new run, or none).
  clear() {
    this.asked = null;
    this.show(null);
  }
}
