// Vectors in and out of the page: Open vectors… streams a GloVe, word2vec or Projector file (with
// its metadata.tsv) to the worker in slices with a progress bar; the Export menu downloads the
// current vectors in each format, or the next-word model as JSON.
import { download, fmtBytes, fmtInt } from './format.js';

const IMPORT_CHUNK = 4 << 20;      // a vectors file goes to the worker in slices of this many bytes
const MAX_IMPORT_WORDS = 200_000;
const EXPORT_NAMES = { word2vec: 'vectors.vec', 'word2vec-bin': 'vectors.bin', glove: 'vectors.txt', tsv: 'vectors.tsv' };

const $ = (id) => document.getElementById(id);

export class VectorFilesPanel {
  // call(type, fields, transfer): the worker. pauseRun(): pauses training if it runs (resolves when
  // paused). onOpened(info): the worker now holds the opened vectors ({name, words, dim, ...}).
  // status(message, kind): a message for the status line. render(): the page's controls follow.
  constructor({ call, pauseRun, onOpened, status, render }) {
    Object.assign(this, { call, pauseRun, onOpened, status, render });
    this.importing = false;        // a vectors file is streaming to the worker
    $('vectors-file').addEventListener('change', (e) => this.open(e.target));
    for (const item of document.querySelectorAll('#export-menu [data-format]')) {
      item.addEventListener('click', () => this.export(item.dataset.format));
    }
    $('save-model').addEventListener('click', () => this.saveModel());
    document.addEventListener('pointerdown', (e) => {
      if ($('export-menu').open && !e.target.closest?.('#export-menu')) this.closeMenu();
    });
  }

  closeMenu() {
    $('export-menu').open = false;
  }

  // What works now: opening while nothing else changes the run (`locked`), exporting with vectors,
  // the model file for a next-word model.
  renderControls({ locked, hasRun, nextWord }) {
    $('vectors-open').classList.toggle('disabled', this.importing || locked);
    $('vectors-file').disabled = this.importing || locked;
    for (const item of document.querySelectorAll('#export-menu [data-format]')) item.disabled = !hasRun;
    $('save-model').disabled = !hasRun || !nextWord;
  }

  #say(text, kind = '') {
    const message = $('vectors-message');
    message.textContent = text;
    message.className = `message ${kind}`;
    message.hidden = !text;
  }

  // Streams a vectors file (and, for TSV, its metadata.tsv) to the worker in slices, with progress.
  // A file that cannot be read says why (with the line) and leaves the run and the text as they were.
  async open(input) {
    const files = Array.from(input.files ?? []);
    input.value = '';
    if (!files.length || this.importing) return;
    const isTsv = (f) => /\.tsv$/i.test(f.name);
    const metadata = files.length > 1 ? files.find((f) => /metadata/i.test(f.name)) : null;
    const file = files.find((f) => f !== metadata);
    if (!file) return;
    if (isTsv(file) && !metadata) {
      this.#say(`${file.name} holds only numbers: pick it together with its metadata.tsv (the words).`, 'error');
      return;
    }
    const maxWords = Math.round(Number($('vectors-max').value));
    if (!(maxWords >= 1 && maxWords <= MAX_IMPORT_WORDS)) {
      this.#say(`Keep between 1 and ${fmtInt(MAX_IMPORT_WORDS)} words.`, 'error');
      return;
    }
    const format = /\.bin$/i.test(file.name) ? 'word2vec-bin' : isTsv(file) ? 'tsv' : 'auto';
    await this.pauseRun();
    this.importing = true;
    const bar = $('vectors-progress');
    bar.hidden = false;
    const showProgress = (fraction) => { bar.firstElementChild.style.transform = `scaleX(${fraction})`; };
    showProgress(0);
    this.#say(`Reading ${file.name}…`, 'note');
    this.render();
    let result;
    try {
      await this.call('importBegin', { format, maxWords });
      for (let at = 0; at < file.size; at += IMPORT_CHUNK) {
        const bytes = await file.slice(at, at + IMPORT_CHUNK).arrayBuffer();
        const { kept, done } = await this.call('importChunk', { bytes }, [bytes]);
        showProgress(done ? 1 : Math.min(1, (at + IMPORT_CHUNK) / file.size));
        this.#say(`Reading ${file.name}: ${fmtBytes(Math.min(file.size, at + IMPORT_CHUNK))} of ${fmtBytes(file.size)}, ${fmtInt(kept)} words`, 'note');
        if (done) {
          // One more slice, if there is one, tells the reader that the file had more words.
          const next = at + IMPORT_CHUNK < file.size ? await file.slice(at + IMPORT_CHUNK, at + IMPORT_CHUNK + 4096).arrayBuffer() : null;
          if (next) await this.call('importChunk', { bytes: next }, [next]);
          break;
        }
      }
      if (metadata) {
        const bytes = await metadata.arrayBuffer();
        await this.call('importMetadata', { bytes }, [bytes]);
      }
      result = await this.call('importFinish');
    } catch (err) {
      this.importing = false;
      bar.hidden = true;
      this.#say(`Could not open ${file.name}: ${err.message}. Nothing else changed.`, 'error');
      this.render();
      return;
    }
    this.importing = false;
    bar.hidden = true;
    const notes = [];
    if (result.truncated) notes.push(`the first ${fmtInt(result.words)} words kept`);
    if (result.duplicates) notes.push(`${fmtInt(result.duplicates)} repeated word${result.duplicates === 1 ? '' : 's'} dropped (the first kept)`);
    if (result.skipped) notes.push(`${fmtInt(result.skipped)} <pad>/<unk> entr${result.skipped === 1 ? 'y' : 'ies'} left out`);
    this.#say(notes.length ? `${file.name}: ${notes.join('; ')}.` : '');
    await this.onOpened({ name: file.name, ...result });
  }

  async export(format) {
    this.closeMenu();
    try {
      const { bytes } = await this.call('export', { format });
      download(bytes, EXPORT_NAMES[format], format === 'word2vec-bin' ? 'application/octet-stream' : 'text/plain');
      if (format === 'tsv') {
        const { bytes: words } = await this.call('export', { format: 'tsv-metadata' });
        download(words, 'metadata.tsv', 'text/tab-separated-values');
      }
    } catch (err) {
      this.status(`Could not export: ${err.message}`, 'error');
    }
  }

  async saveModel() {
    this.closeMenu();
    try {
      const { json } = await this.call('save');
      download(json, 'embedding-model.json', 'application/json');
    } catch (err) {
      this.status(err.message, 'error');
    }
  }
}
