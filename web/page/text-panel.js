// The TEXT panel: the text to train on (typed, pasted, opened from a .txt, or the sample), its size
// in the words a run will read, why it could not be trained, a file that is not text, what a link's
// text must be, and the run's text stats.
import { fmtBytes, fmtCompact, fmtInt } from './format.js';
import { readText } from './text-check.js';

const $ = (id) => document.getElementById(id);
const STAT_IDS = ['s-tokens', 's-vocab', 's-oov', 's-sentences', 's-train', 's-valid'];
const COUNT_MAX_CHARS = 4e6;   // longer texts show their size; the run counts their tokens when it starts
const COUNT_DELAY_MS = 300;    // the count follows typing this long after the last keystroke

export class TextPanel {
  // onChange(): the text changed. onFileOpened(): a file's text was put in (a link may wait for
  // it). sample(): the sample text. onSkipNeeded(): the user trains their own text instead of a
  // link's. count(text): {tokens} as a run would read the text with the form's settings (the
  // worker's tokenizer), or null when it cannot be asked yet; onCounted({tokens, too_small,
  // suggested}): its answer (the settings suggested for the text's size).
  constructor({ onChange, onFileOpened, sample, onSkipNeeded, count, onCounted }) {
    Object.assign(this, { onChange, onFileOpened, count, onCounted });
    this.counting = 0;       // bumped by each count asked, so an older answer is dropped
    this.unread = null;      // {name, text} of an opened file that does not look like text, until decided
    $('text').addEventListener('input', () => { this.onChange(); this.sizeSoon(); });
    $('sample').addEventListener('click', () => this.setText(sample()));
    $('file').addEventListener('change', (e) => this.#openFile(e.target));
    $('text-needed-skip').addEventListener('click', () => onSkipNeeded());
    $('text-binary-keep').addEventListener('click', () => this.#decideUnread(false));
    $('text-binary-use').addEventListener('click', () => this.#decideUnread(true));
  }

  get text() { return $('text').value; }

  setText(text) {
    $('text').value = text;
    this.onChange();
    this.showSize();
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
  // its size instead.
  async showSize() {
    clearTimeout(this.sizeTimer);
    const text = $('text').value;
    const asked = ++this.counting;
    const label = $('text-size');
    if (text.length > COUNT_MAX_CHARS) {
      label.textContent = fmtBytes(text.length);
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
    if (small) note.textContent = `A small text (${fmtInt(tokens)} words): training is quick, but the neighbours will be `
      + 'mostly noise and the model no better than counting word triples. Paste more: from about 50,000 words '
      + 'the map starts to mean something, from 100,000 clearly (bench/README.md, "Defaults by text size").';
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

  // The run's text stats, as start() gave them.
  showStats(s) {
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
  }
}
