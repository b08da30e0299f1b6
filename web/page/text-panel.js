// The TEXT panel: the text to train on (typed, pasted, opened from a .txt, or the sample), its size
// in the words a run will read, why it could not be trained, a file that is not text, what a link's
// text must be, and the run's text stats. The data kind
// says what the box holds: text, or purchases (an events CSV or baskets) for item2vec, whose sample
// is the Online Retail log with its attribution.
import { fmtBytes, fmtCompact, fmtInt } from './format.js';
import { readText } from './text-check.js';

const $ = (id) => document.getElementById(id);
const STAT_IDS = ['s-tokens', 's-vocab', 's-oov', 's-sentences', 's-train', 's-valid'];
const COUNT_MAX_CHARS = 4e6;   // longer texts show their size; the run counts their tokens when it starts
const COUNT_DELAY_MS = 300;    // the count follows typing this long after the last keystroke
export const DATA_KINDS = Object.freeze(['text', 'events', 'baskets']);
const DATA_HINTS = {
  text: '',
  events: 'A CSV with a header: a user and an item column (customer, stockcode, product… are found by name), '
    + 'optionally a time, an invoice (basket), a quantity and the item\'s name.',
  baskets: 'One basket per line, items separated by spaces or commas; each line is its own user ("line 3").',
};
// Purchases longer than this stay out of the box (a browser lays out a textarea's whole text: 12 MB
// of CSV there would freeze the page for seconds at each change); the box shows their first lines.
const ASIDE_CHARS = 1_000_000;
const PREVIEW_LINES = 200;
const PLACEHOLDERS = {
  text: 'Paste any English text here: a story, some fables, your notes…',
  events: 'user,item,timestamp,invoice,name\n17850,85123A,1291191960,536365,WHITE HANGING HEART T-LIGHT HOLDER\n…',
  baskets: 'milk bread eggs\nbeer crisps\n…',
};

// The stats' names for an item2vec run.
const ITEM_STAT_LABELS = {
  's-tokens': 'Events', 's-vocab': 'Items', 's-oov': 'Users', 's-sentences': 'Baskets', 's-train': 'Per epoch', 's-valid': 'Named',
};

// Chromium works out where the document's selection is at every frame, and a caret left at the end
// of megabytes of pasted text costs it a whole core while a run draws (a trace: WidgetBase::
// UpdateSelectionBounds, a quarter of the main thread, and the worker starved of the second core).
// Once the focus has gone elsewhere that selection is dropped; the box keeps its own caret and
// selection (selectionStart/End) and puts them back when it is focused again.
function dropSelectionLeftInBox() {
  const box = $('text');
  const selection = window.getSelection();
  if (document.activeElement === box || !selection?.rangeCount) return;
  // A textarea's selection shows outside it as a position in its parent, just before the box.
  if (selection.anchorNode === box.parentNode && box.parentNode.childNodes[selection.anchorOffset] === box) {
    selection.removeAllRanges();
  }
}

export class TextPanel {
  // onChange(): the text changed. onFileOpened(): a file's text was put in (a link may wait for
  // it). sample(): the sample text. onSkipNeeded(): the user trains their own text instead of a
  // link's. count(text): {tokens} as a run would read the text with the form's settings (the
  // worker's tokenizer), or null when it cannot be asked yet; onCounted({tokens, too_small,
  // suggested}): its answer (the settings suggested for the text's size).
  // itemsSample(): a promise of the purchases sample (an events CSV). onKindChange(kind): the
  // user chose another data kind.
  constructor({ onChange, onFileOpened, sample, itemsSample, onKindChange, onSkipNeeded, count, onCounted }) {
    Object.assign(this, { onChange, onFileOpened, itemsSample, onKindChange, count, onCounted });
    this.aside = null;       // purchases too long for the box, or null
    this.counting = 0;       // bumped by each count asked, so an older answer is dropped
    this.unread = null;      // {name, text} of an opened file that does not look like text, until decided
    $('text').addEventListener('input', () => { this.onChange(); this.sizeSoon(); });
    $('text').addEventListener('blur', () => setTimeout(dropSelectionLeftInBox));
    $('sample').addEventListener('click', () => (this.dataKind === 'text' ? this.setText(sample()) : this.loadItemsSample()));
    $('text-clear').addEventListener('click', () => this.setText(''));
    $('data-kind').addEventListener('change', () => {
      this.#showKind();
      this.onKindChange(this.dataKind);
      this.onChange();
    });
    $('file').addEventListener('change', (e) => this.#openFile(e.target));
    $('text-needed-skip').addEventListener('click', () => onSkipNeeded());
    $('text-binary-keep').addEventListener('click', () => this.#decideUnread(false));
    $('text-binary-use').addEventListener('click', () => this.#decideUnread(true));
  }

  // The data: the box's text, or purchases too long for it (kept aside, previewed in the box).
  get text() { return this.aside ?? $('text').value; }

  // text | events | baskets: what the box holds.
  get dataKind() { return $('data-kind').value; }

  // A data kind from a link, a saved session or the model's choice (no change event).
  setDataKind(kind) {
    $('data-kind').value = DATA_KINDS.includes(kind) ? kind : 'text';
    this.#showKind();
  }

  #showKind() {
    const kind = this.dataKind;
    $('text').placeholder = PLACEHOLDERS[kind];
    $('text').setAttribute('aria-label', kind === 'text' ? 'Training text' : 'Purchases');
    $('text-title').textContent = kind === 'text' ? 'Text' : 'Purchases';
    $('data-hint').textContent = DATA_HINTS[kind];
    $('data-hint').hidden = kind === 'text';
    $('data-source').hidden = kind === 'text';
    $('sample').textContent = kind === 'text' ? 'Use the sample' : 'Use the sample (Online Retail)';
    $('file-label').textContent = kind === 'text' ? 'Open .txt…' : 'Open .csv…';
    this.showSize();  // counted as words, rows or baskets
  }

  // The purchases sample into the box (as events); its attribution shows under it.
  async loadItemsSample() {
    const button = $('sample');
    button.disabled = true;
    const label = button.textContent;
    button.textContent = 'Loading the sample…';
    try {
      const csv = await this.itemsSample();
      this.setDataKind('events');
      this.onKindChange('events');
      this.setText(csv);
    } catch (err) {
      this.showError(`Could not load the sample: ${err.message}`);
    } finally {
      button.disabled = false;
      button.textContent = label;
      this.#showKind();
    }
  }

  setText(text) {
    this.#put(text);
    this.onChange();
    this.showSize();
  }

  // Into the box, or (long purchases) aside with their first lines in the box, read-only.
  #put(text) {
    const box = $('text');
    this.aside = this.dataKind !== 'text' && text.length > ASIDE_CHARS ? text : null;
    box.readOnly = this.aside != null;
    $('text-clear').hidden = this.aside == null;
    if (!this.aside) {
      box.value = text;
      return;
    }
    let end = 0;
    for (let line = 0; line < PREVIEW_LINES && end >= 0; line += 1) end = text.indexOf('\n', end + 1);
    const shown = end < 0 ? text : text.slice(0, end + 1);
    let lines = 0;
    for (let at = text.indexOf('\n', shown.length); at >= 0; at = text.indexOf('\n', at + 1)) lines += 1;
    box.value = `${shown}… and ${fmtInt(lines)} more lines (${fmtBytes(text.length)} in all: too long to show here, all trained on)`;
  }

  // A file that does not look like text (a PNG, a PDF: text-check.js) is not put in the box until
  // the user says so; the text there stays meanwhile.
  async #openFile(input) {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    this.#showUnread(null);
    try {
      const { text, problem } = readText(new Uint8Array(await file.arrayBuffer()));
      if (problem) {
        this.#showUnread({ name: file.name, text, problem });
        return;
      }
      this.setText(text);
      await this.onFileOpened();
    } catch (err) {
      this.showError(`Could not read ${file.name}: ${err.message}`);
    }
  }

  #showUnread(unread) {
    this.unread = unread;
    $('text-binary').hidden = !unread;
    if (unread) $('text-binary-what').textContent = `“${unread.name}” does not look like text: ${unread.problem.reason}. `
      + 'The text box keeps what it has unless you use the file anyway.';
  }

  async #decideUnread(use) {
    const unread = this.unread;
    this.#showUnread(null);
    if (!use || !unread) return;
    this.setText(unread.text);
    await this.onFileOpened();
  }

  // The text or the settings that read it changed: its count follows shortly.
  sizeSoon() {
    clearTimeout(this.sizeTimer);
    this.sizeTimer = setTimeout(() => this.showSize(), COUNT_DELAY_MS);
  }

  // The text's size in the words (tokens) a run will read, counted by the worker with the run's own
  // tokenizer and the form's settings, so that it matches the run's TOKENS; a very long text shows
  // its size instead. The count's answer brings the settings suggested for the text's size.
  showSize() {
    clearTimeout(this.sizeTimer);
    this.sizeTimer = null;
    this.sizing = this.#measure();
    return this.sizing;
  }

  // Finishes a count still due (typing paused less than COUNT_DELAY_MS ago) or on its way, so that
  // a run started at once takes the settings suggested for this text, not the previous one's.
  async settled() {
    if (this.sizeTimer != null) this.showSize();
    await this.sizing;
  }

  async #measure() {
    const text = this.text;
    const asked = ++this.counting;
    const label = $('text-size');
    if (text.length > COUNT_MAX_CHARS) {
      label.textContent = fmtBytes(text.length);
      return;
    }
    if (this.dataKind !== 'text') {
      // Purchases count in lines: an events CSV's rows under its header, or baskets.
      const events = this.dataKind === 'events';
      const n = Math.max(0, text.split('\n').filter((line) => line.trim()).length - (events ? 1 : 0));
      label.textContent = `${fmtInt(n)} ${events ? 'row' : 'basket'}${n === 1 ? '' : 's'}`;
      $('text-small').hidden = true;
      return;
    }
    let counted = null;
    try {
      counted = await this.count(text);
    } catch { /* the worker is not there (yet): the old label stays until the next change */ }
    if (asked !== this.counting || !counted) return;
    label.textContent = `${fmtInt(counted.tokens)} word${counted.tokens === 1 ? '' : 's'}`;
    label.dataset.chars = String(text.length);  // of which text (for the tests)
    label.title = 'The words (tokens) a run will read in this text, as the tokenizer and these settings read them';
    this.#showSmall(counted);
    this.onCounted(counted);
  }

  // A text too small to learn much from (the core's threshold) says what to expect.
  #showSmall({ tokens, too_small: small }) {
    const note = $('text-small');
    note.hidden = !small;
    if (!small) return;
    note.textContent = `A small text (${fmtInt(tokens)} words): quick to train, but the embedding's neighbours will be `
      + 'mostly noise; the output rows\' (Neighbours: output rows) make sense sooner. '
      + 'Paste more: the map starts to mean something from about 50,000 words.';
    note.title = 'Below 10,000 words the network, trained slowly for up to 100 epochs, beats counting word triples '
      + '(the n-gram line) by only a few percent; '
      + 'from 50,000 words the map starts to show meaning, from 100,000 clearly (bench/README.md, "Defaults by text size").';
  }

  // Why the text could not be trained (or read); hidden again when it changes.
  showError(message) {
    const box = $('text-error');
    box.textContent = message;
    box.hidden = false;
  }

  hideError() {
    $('text-error').hidden = true;
  }

  // The text a link names by its hash (needed: {sha256, chars}, or null: none): what to open, or
  // (mismatch) that the text opened is not it.
  showNeeded(needed, mismatch = false) {
    const box = $('text-needed');
    box.hidden = !needed;
    if (!needed) return;
    const { sha256, chars } = needed;
    const size = chars != null ? `${fmtInt(chars)} characters, ` : '';
    $('text-needed-what').textContent = (mismatch
      ? 'This is not the text the link was made with (its SHA-256 differs). '
      : 'The link was made with a text too long to travel in it. ')
      + `Open the same file (${size}SHA-256 ${sha256.slice(0, 12)}…) to train the same run.`;
    box.classList.toggle('error', mismatch);
  }

  // The run's text stats, as start() gave them (an item2vec run's: its log's, with `items`).
  showStats(s) {
    this.#statLabels(s.items ? ITEM_STAT_LABELS : null);
    if (s.items) {
      const i = s.items;
      $('s-tokens').textContent = fmtInt(i.events);
      $('s-vocab').textContent = fmtInt(i.items);
      $('s-oov').textContent = fmtInt(i.users);
      $('s-sentences').textContent = fmtInt(i.baskets);
      $('s-train').textContent = fmtInt(s.train_examples);
      $('s-valid').textContent = fmtInt(i.named);
      $('s-oov').title = `${fmtInt(i.users)} users; ${fmtInt(i.repeats_dropped)} repeats of an item in one basket were dropped`;
      return;
    }
    $('s-tokens').textContent = fmtInt(s.tokens);
    $('s-vocab').textContent = fmtInt(s.vocab);
    const oovShare = s.tokens > 0 ? ` · ${((100 * s.oov_tokens) / s.tokens).toFixed(1)}%` : '';
    $('s-oov').textContent = `${s.oov_tokens >= 1e5 ? fmtCompact(s.oov_tokens) : fmtInt(s.oov_tokens)}${oovShare}`;
    $('s-oov').title = `${fmtInt(s.oov_tokens)} training tokens became <unk>`;
    $('s-sentences').textContent = fmtInt(s.sentences);
    $('s-train').textContent = fmtInt(s.train_examples);
    $('s-valid').textContent = fmtInt(s.valid_examples);
  }

  clearStats() {
    for (const id of STAT_IDS) $(id).textContent = '–';
    this.#statLabels(null);
  }

  // The stats' names: an item2vec run's (labels by id), or the text's as the page has them.
  #statLabels(labels) {
    for (const id of STAT_IDS) {
      const dt = $(id).previousElementSibling;
      dt.dataset.text ??= dt.textContent;
      dt.textContent = labels?.[id] ?? dt.dataset.text;
    }
  }
}
