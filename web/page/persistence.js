// Keeping the user's work: the saved session (saved-session.js) in this browser's IndexedDB
// (browser-store.js), written as they work and read back on load or after a dead worker; the share
// link (share.js) in the address bar, Copy link, a link's text checked by its hash; Export session /
// Import…; Clear saved; and bringing back the session a link replaced.
import { BrowserStore } from './browser-store.js';
import { makeSavedSession, readSavedSession, readSavedSessionValue, sameSession } from './saved-session.js';
import { download } from './format.js';
import { LinkError, makeLink, readLink, textHash } from './share.js';

const SAVE_DELAY_MS = 800;         // text and settings are saved this long after the last edit
const MODEL_SAVE_MS = 3000;        // the model is saved at most this often while training
const LINK_DELAY_MS = 600;         // the address bar follows the page this long after the last change
const SESSION_KEY = 'session';     // IndexedDB keys: the current session,
const PREVIOUS_KEY = 'previous';   // and the one a link replaced

const $ = (id) => document.getElementById(id);

export class Persistence {
  // call(type, fields): the worker. run: the run (run.js): its state, kind, progress and vectors
  // are read; it pauses, resets and loads models. schemas(): the settings schemas links and files
  // are read against (null before the module is ready). sample(): the sample text. itemsSample:
  // {sha256(): the purchases sample's hash (or null), load(): a promise of its text}, so that a
  // link naming it by hash opens it at once. page: the rest of the page, each a function:
  //   read()                      {text, dataKind, kind, settings, w2vSettings, i2vSettings, view}: what a link carries
  //   text()                      the text alone
  //   record()                    {history, ideas, stats}: what a saved model carries besides
  //   setText(text), setDataKind(kind), applyKind(kind, settings, w2vSettings, i2vSettings), applyView(view)
  //   clearControls()             forms, model, view back to their defaults
  //   showNeeded(needed, mismatch), notice(text, details, kind, action), changed()
  constructor({ call, run, schemas, sample, itemsSample = { sha256: () => null, load: async () => '' }, page }) {
    Object.assign(this, { call, run, schemas, sample, itemsSample, page });
    this.store = new BrowserStore();
    this.restoring = true;         // nothing is saved until the page has restored what it had
    this.model = null;             // the current run's model as saved (parsed model JSON), or null
    this.savedRun = null;          // {epoch, epochs, step, finished, diverged} of this.model
    this.modelDirty = false;       // the worker's model moved on since this.model
    this.lastModelSave = 0;
    this.saved = null;             // the saved session last written
    this.neededText = null;        // {sha256, chars}: a link's text the user must open
    this.link = null;              // {url, inline, textBytes}: the share link of the page as it is
    $('export-session').addEventListener('click', () => this.exportSession());
    $('import-session').addEventListener('change', (e) => this.importSession(e.target));
    $('clear-saved').addEventListener('click', () => this.clearSaved());
    $('copy-link').addEventListener('click', () => this.copyLink());
    $('share-url').addEventListener('focus', (e) => e.target.select());
    document.addEventListener('pointerdown', (e) => {
      if (!$('share-box').hidden && !e.target.closest?.('.share')) this.closeShareBox();
    });
    window.addEventListener('hashchange', () => { if (this.schemas() && location.hash.length > 1) this.openLink(null); });
  }

  // The record under `key` in IndexedDB, validated like an imported file; null if none or unreadable.
  async readSaved(key = SESSION_KEY) {
    const value = await this.store.get(key);
    if (!value) return null;
    try {
      return readSavedSessionValue(value, this.schemas());
    } catch {
      return null;
    }
  }

  // On load, once the module is ready (`saved`: readSaved()): a link in the address bar wins,
  // else the saved session, else the sample.
  async restore(saved) {
    if (location.hash.length > 1) await this.openLink(saved);
    else if (saved) await this.applySession(saved, 'Restored your last session from this browser.');
    else this.page.setText(this.sample());
  }

  // The page is restored: from now on, what changes is saved.
  start() {
    this.restoring = false;
    this.inputsSaved();
  }

  #current() {
    const kept = this.model ? this.page.record() : {};
    return makeSavedSession({
      ...this.page.read(),
      model: this.model,
      history: this.model ? kept.history : null,
      ideas: this.model ? kept.ideas : null,
      run: this.model ? this.savedRun : null,
      stats: this.model ? kept.stats : null,
    });
  }

  // ---- saving as the user works

  // Text, settings or view changed: save them soon, and let the address bar follow.
  inputsSaved() {
    if (this.restoring || !this.schemas()) return;
    this.saveSoon();
    clearTimeout(this.linkTimer);
    this.linkTimer = setTimeout(() => this.updateLink(), LINK_DELAY_MS);
  }

  // Something the session keeps changed (an edit, or a figure of the run such as the test result).
  saveSoon() {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.saveNow(), SAVE_DELAY_MS);
  }

  // The worker's model changed (an epoch ended, training paused or stopped): save it, at most
  // every MODEL_SAVE_MS unless `now`.
  modelMoved(now) {
    this.modelDirty = true;
    const wait = now ? 0 : Math.max(0, this.lastModelSave + MODEL_SAVE_MS - performance.now());
    clearTimeout(this.modelTimer);
    this.modelTimer = setTimeout(() => this.saveNow(), wait);
  }

  async saveNow() {
    if (this.restoring || !this.schemas() || this.run.state === 'crashed') return;
    // Only a next-word run trained here has a model the worker can save (word2vec's is not kept).
    if (this.modelDirty && this.run.info.trainedRun && this.run.kind === 'nextword') {
      this.modelDirty = false;
      this.lastModelSave = performance.now();
      try {
        const { json } = await this.call('save');
        this.model = JSON.parse(json);
        const p = this.run.progress ?? {};
        this.savedRun = { epoch: p.epoch ?? 0, epochs: p.epochs ?? 0, step: p.step ?? 0, finished: Boolean(p.finished), diverged: Boolean(p.diverged) };
      } catch {
        // The run was reset, or the worker is gone: keep the last saved model.
      }
    }
    const current = this.#current();
    if (sameSession(this.saved, current)) return;
    this.saved = current;
    await this.store.put(SESSION_KEY, this.saved);
    document.body.dataset.savedAt = this.saved.saved_at;
  }

  // The run's model is gone (reset, opened vectors) or replaced by a new run's (keepDirty: a save
  // already asked for still saves the new model).
  forgetModel({ keepDirty = false } = {}) {
    this.model = null;
    this.savedRun = null;
    if (!keepDirty) this.modelDirty = false;
  }

  // A saved session's model is now the run's.
  modelLoaded(session) {
    this.model = JSON.parse(session.model);
    this.savedRun = session.run;
    this.modelDirty = false;
  }

  // The worker died: no save of its model is coming. Resolves to the last saved session (its model
  // as JSON text), or null.
  async lastSaved() {
    clearTimeout(this.modelTimer);
    this.modelDirty = false;
    const last = this.saved ?? await this.readSaved(SESSION_KEY);
    if (!last?.model) return last;
    return typeof last.model === 'string' ? last : { ...last, model: JSON.stringify(last.model) };
  }

  // ---- putting a session on the page

  // Puts a saved session (from IndexedDB, a file, or the memory of a dead worker) on the page: the
  // text, settings and view, and its model (to explore) with its curves. Says `message` and any problems.
  async applySession(session, message, kind = '') {
    await this.run.pauseIfRunning();
    this.page.setDataKind(session.dataKind ?? 'text');
    if (session.text != null) this.page.setText(session.text);
    this.page.applyKind(session.kind ?? 'nextword', session.settings, session.w2vSettings, session.i2vSettings);
    if (session.view) this.page.applyView(session.view);
    this.neededText = null;
    this.page.showNeeded(null);
    let detail = '';
    if (session.model) {
      const restored = await this.run.loadModel(session);
      if (restored) detail = session.run?.epoch ? ` The model as it was after epoch ${session.run.epoch} is back.` : ' Its model is back.';
      else detail = ' Its model could not be loaded.';
    } else if (session.kind && session.kind !== 'nextword') {
      const model = session.kind === 'item2vec' ? 'item2vec' : 'word2vec';
      detail = ` Its ${model} settings are back (${model} models are not kept): Play trains the same run again.`;
    }
    if (session.view?.vectors) detail += ` It had opened ${session.view.vectors}: vectors files are not kept, open it again with Open vectors.`;
    this.page.notice(message + detail, session.messages, kind);
  }

  // Opens the link in the address bar. `saved` is the session kept in this browser, or null.
  async openLink(saved) {
    let link;
    try {
      link = await readLink(location.hash, this.schemas());
    } catch (err) {
      if (!(err instanceof LinkError)) throw err;
      this.page.notice(`This link could not be opened: ${err.message}. The page kept its own text and settings.`, [], 'error');
      if (saved && this.restoring) await this.applySession(saved, 'Restored your last session from this browser instead.');
      else if (this.restoring) this.page.setText(this.sample());
      return;
    }
    await this.run.pauseIfRunning();
    const text = link.text ?? (link.sha256 && saved?.text != null && await textHash(saved.text) === link.sha256 ? saved.text : null)
      ?? await this.#sampleNamed(link.sha256);
    // The same text and settings as the session saved here: a reload, so the saved model comes back too.
    const savedSettings = { nextword: saved?.settings, item2vec: saved?.i2vSettings }[link.kind] ?? saved?.w2vSettings;
    const same = saved && text != null && text === saved.text && link.kind === (saved.kind ?? 'nextword') && savedSettings
      && link.dataKind === (saved.dataKind ?? 'text') && Object.keys(link.settings).every((k) => link.settings[k] === savedSettings[k]);
    if (same) {
      await this.applySession({ ...saved, view: link.view, messages: link.messages }, 'Restored this link\u2019s session from this browser.');
      return;
    }
    const sample = this.sample();
    if (saved && this.restoring && saved.text !== sample) await this.store.put(PREVIOUS_KEY, await this.store.get(SESSION_KEY));
    if (this.run.hasRun) await this.run.reset();
    this.page.setDataKind(link.dataKind);
    if (link.kind === 'nextword') this.page.applyKind('nextword', link.settings, null);
    else if (link.kind === 'item2vec') this.page.applyKind('item2vec', null, null, link.settings);
    else this.page.applyKind(link.kind, null, link.settings);
    this.page.applyView(link.view);
    if (text != null) this.page.setText(text);
    else if (link.sha256) {
      this.page.setText('');
      this.neededText = { sha256: link.sha256, chars: link.chars };
    } else if (this.restoring) this.page.setText(saved?.text ?? sample);
    this.page.showNeeded(this.neededText);
    const kept = saved && this.restoring && saved.text !== sample;
    let what = this.neededText ? 'Opened a shared run: open its text file to train it.' : 'Opened a shared run: press Play to train it.';
    if (link.view.vectors) {
      what = `Opened a shared view of the vectors file ${link.view.vectors}. The file is not in the link: `
        + 'open the same file with Open vectors to explore it (or press Play to train on the text instead).';
    }
    this.page.notice(what + (link.messages.length ? ' Some values in the link were changed:' : ''), link.messages,
      link.messages.length ? 'error' : '', kept ? { label: 'Bring back my earlier session', run: () => this.bringBackPrevious() } : null);
    this.page.changed();
  }

  // The purchases sample, when `sha256` names it (a link to a run on the sample): its text, else null.
  async #sampleNamed(sha256) {
    if (!sha256 || sha256 !== this.itemsSample.sha256()) return null;
    try {
      return await this.itemsSample.load();
    } catch {
      return null;
    }
  }

  async bringBackPrevious() {
    const previous = await this.readSaved(PREVIOUS_KEY);
    if (!previous) {
      this.page.notice('The earlier session is gone.', [], 'error');
      return;
    }
    if (this.run.hasRun) await this.run.reset();
    history.replaceState(null, '', location.href.split('#')[0]);
    await this.applySession(previous, 'Brought back your earlier session.');
    await this.store.delete(PREVIOUS_KEY);
  }

  // ---- a link's text, named by its hash

  // The text changed: if a link waits for its text, check it soon.
  textChanged() {
    if (!this.neededText) return;
    clearTimeout(this.neededTimer);
    this.neededTimer = setTimeout(() => this.checkNeededText(), 300);
  }

  async checkNeededText() {
    if (!this.neededText) return;
    const text = this.page.text();
    if (!text) { this.page.showNeeded(this.neededText); return; }
    if (await textHash(text) === this.neededText.sha256) {
      this.neededText = null;
      this.page.showNeeded(null);
      this.page.notice('The text matches the link. Press Play to train the shared run.');
      this.page.changed();
      this.inputsSaved();
    } else {
      this.page.showNeeded(this.neededText, true);
    }
  }

  // The user trains their own text instead of the link's.
  skipNeededText() {
    this.neededText = null;
    this.page.showNeeded(null);
  }

  // ---- the share link

  // The address bar always holds the share link of the page as it is (while a linked text is
  // missing, it keeps the link that asked for it).
  async updateLink() {
    if (!this.schemas() || this.neededText) return this.link;
    const { kind, dataKind, settings, w2vSettings, i2vSettings, view, text } = this.page.read();
    const own = { nextword: settings, item2vec: i2vSettings }[kind] ?? w2vSettings;
    this.link = await makeLink(location.href, { kind, dataKind, settings: own, view, text }, this.schemas());
    if (location.href !== this.link.url) history.replaceState(null, '', this.link.url);
    return this.link;
  }

  async copyLink() {
    clearTimeout(this.linkTimer);
    const link = this.neededText ? { url: location.href, inline: false } : await this.updateLink();
    $('share-url').value = link.url;
    let copied = false;
    try {
      await navigator.clipboard.writeText(link.url);
      copied = true;
    } catch {
      // No clipboard permission (or an insecure page): the link is selected for a manual copy.
    }
    const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
    const vectors = this.run.kind === 'vectors' ? this.run.vectors : null;
    $('share-what').textContent = `${copied ? 'Copied. ' : 'Select and copy this link. '}`
      + (link.inline
        ? `The text travels in the link (${kb(link.url.length)}). The same seed trains the same run.`
        : `The text is too long for a link (${link.textBytes != null ? `${kb(link.textBytes)} compressed` : `${(this.page.text().length / 1e6).toFixed(1)} million characters`}; links stay under 8 kB), so the link carries its SHA-256: whoever opens it is asked for the same file.`)
      + (vectors ? ` The vectors file ${vectors.name} is not in the link (only its name): whoever opens it must open the same file.` : '');
    $('share-box').hidden = false;
    $('share-url').focus();
    $('share-url').select();
  }

  closeShareBox() {
    if ($('share-box').hidden) return;
    const focused = $('share-box').contains(document.activeElement);
    $('share-box').hidden = true;
    if (focused) $('copy-link').focus();  // the focus goes back to the button that opened it
  }

  // ---- files and forgetting

  async exportSession() {
    if (this.modelDirty) await this.saveNow();
    download(JSON.stringify(this.#current()), 'embedding-session.json', 'application/json');
  }

  async importSession(input) {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    let session;
    try {
      session = readSavedSession(await file.text(), this.schemas());
    } catch (err) {
      this.page.notice(`Could not import ${file.name}: ${err.message}.`, [], 'error');
      return;
    }
    if (this.run.hasRun) await this.run.reset();
    await this.applySession(session, `Imported ${file.name}.`, session.messages.length ? 'error' : '');
  }

  // Forgets everything this browser kept; two clicks, so a stray one does no harm.
  async clearSaved() {
    const button = $('clear-saved');
    if (!button.dataset.armed) {
      button.dataset.armed = '1';
      button.textContent = 'Really clear?';
      clearTimeout(this.clearTimer);
      this.clearTimer = setTimeout(() => { delete button.dataset.armed; button.textContent = 'Clear saved'; }, 3000);
      return;
    }
    delete button.dataset.armed;
    button.textContent = 'Clear saved';
    this.restoring = true;
    await this.store.clear();
    this.saved = null;
    if (this.run.hasRun || this.run.state === 'preparing') await this.run.reset();
    this.neededText = null;
    this.page.showNeeded(null);
    this.page.clearControls();
    this.page.setText(this.sample());
    history.replaceState(null, '', location.href.split('#')[0]);
    this.restoring = false;
    delete document.body.dataset.savedAt;
    this.page.notice('Cleared: this browser keeps nothing of the session until you change something.');
  }
}
