// The TEXT panel: the text to train on (typed, pasted, opened from a .txt, or the sample), its size,
// why it could not be trained, what a link's text must be, and the run's text stats.
import { fmtBytes, fmtCompact, fmtInt } from './format.js';

const $ = (id) => document.getElementById(id);
const STAT_IDS = ['s-tokens', 's-vocab', 's-oov', 's-sentences', 's-train', 's-valid'];

export class TextPanel {
  // onChange(): the text changed. onFileOpened(): a file's text was put in (a link may wait for
  // it). sample(): the sample text. onSkipNeeded(): the user trains their own text instead of a
  // link's.
  constructor({ onChange, onFileOpened, sample, onSkipNeeded }) {
    Object.assign(this, { onChange, onFileOpened });
    $('text').addEventListener('input', () => { this.onChange(); this.#sizeSoon(); });
    $('sample').addEventListener('click', () => this.setText(sample()));
    $('file').addEventListener('change', (e) => this.#openFile(e.target));
    $('text-needed-skip').addEventListener('click', () => onSkipNeeded());
  }

  get text() { return $('text').value; }

  setText(text) {
    $('text').value = text;
    this.onChange();
    this.showSize();
  }

  async #openFile(input) {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      this.setText(await file.text());
      await this.onFileOpened();
    } catch (err) {
      this.showError(`Could not read ${file.name}: ${err.message}`);
    }
  }

  #sizeSoon() {
    clearTimeout(this.sizeTimer);
    this.sizeTimer = setTimeout(() => this.showSize(), 300);
  }

  showSize() {
    const text = $('text').value;
    let label;
    if (text.length > 2e6) label = fmtBytes(text.length);
    else {
      const words = text.match(/\S+/g)?.length ?? 0;
      label = `${fmtInt(words)} word${words === 1 ? '' : 's'}`;
    }
    $('text-size').textContent = label;
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
