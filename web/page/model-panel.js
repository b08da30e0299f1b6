// The MODEL panel: which model to train (the next-word model, word2vec skip-gram / CBOW, or item2vec
// on purchases), the settings form of each, built from the module's schemas (settings-form.js), the
// defaults button, and the notes on the run: its inputs changed since it started, or it diverged.
import { fmtInt } from './format.js';
import { schemaFor } from './share.js';
import { LABELS, NEXT_WORD_NOTES, SettingsForm } from './settings-form.js';

const $ = (id) => document.getElementById(id);
const KIND_HINTS = {
  nextword: 'Predicts the next word from the k before it; the vectors are its first layer.',
  skipgram: 'Each word predicts the words around it (negative sampling); the vectors are its input table.',
  cbow: 'The words around a position predict the word in it (negative sampling); the vectors are its input table.',
  item2vec: 'word2vec\'s skip-gram over each customer\'s items in time order (or each basket): items bought together '
    + 'get near vectors; a customer is their recent items.',
};
// The item2vec form's names (its `context` is what a sentence is, not next-word's context words).
const ITEM2VEC_LABELS = {
  ...LABELS,
  context: ['Sentences', ''],
  window: ['Window', ''],
  negative: ['Negatives', ''],
  sample: ['Subsampling', 't'],
  similarity: ['User score', ''],
  ridge: ['Ridge', 'λ'],
  half_life: ['Half-life (items)', ''],
  knn_weight: ['kNN weight', ''],
};

export class ModelPanel {
  // onChange(): the model or a setting changed. onKindPicked(kind): the user chose another model.
  constructor({ onChange, onKindPicked = () => {} }) {
    this.onChange = onChange;
    this.form = null;       // the next-word settings, once the schemas came (ready())
    this.w2vForm = null;    // word2vec's options (its model, skipgram | cbow, is the selector's choice)
    this.i2vForm = null;    // item2vec's options
    this.schemas = null;    // {nextword, word2vec, item2vec, tsne, kmeans}: the module's schemas, what links and files are read against
    $('defaults').addEventListener('click', () => this.activeForm?.restoreDefaults());
    $('model-kind').addEventListener('change', () => {
      if (this.kind !== 'item2vec') this.lastTextModel = this.kind;
      this.#kindChanged();
      onKindPicked(this.kind);
    });
  }

  // The module's schemas arrived: the forms are built from them.
  ready(schemas) {
    this.schemas = schemas;
    this.form = new SettingsForm($('settings'), schemas.nextword, { onChange: () => this.onChange(), notes: NEXT_WORD_NOTES });
    this.w2vForm = new SettingsForm($('w2v-settings'), schemaFor(schemas, 'skipgram'),
      { onChange: () => this.onChange(), idPrefix: 'w2v-' });
    this.i2vForm = new SettingsForm($('i2v-settings'), schemas.item2vec,
      { onChange: () => this.onChange(), idPrefix: 'i2v-', labels: ITEM2VEC_LABELS });
  }

  get isReady() { return this.form != null; }

  // nextword | skipgram | cbow | item2vec: the selector's choice.
  get kind() { return $('model-kind').value; }

  // The settings form of the chosen model (null before ready()).
  get activeForm() {
    return this.#formOf(this.kind);
  }

  #formOf(kind) {
    if (kind === 'item2vec') return this.i2vForm;
    return kind === 'nextword' ? this.form : this.w2vForm;
  }

  // The data kind chose the model: item2vec for purchases; for text, the text model chosen last.
  followData(dataKind) {
    const items = dataKind !== 'text';
    if (items === (this.kind === 'item2vec')) return;
    if (items) this.lastTextModel = this.kind;
    $('model-kind').value = items ? 'item2vec' : (this.lastTextModel ?? 'nextword');
    this.#kindChanged();
  }

  validate() {
    return this.isReady && this.activeForm.validate();
  }

  #kindChanged() {
    const kind = this.kind;
    $('settings').hidden = kind !== 'nextword';
    $('w2v-settings').hidden = kind === 'nextword' || kind === 'item2vec';
    $('i2v-settings').hidden = kind !== 'item2vec';
    $('model-kind-hint').textContent = KIND_HINTS[kind];
    this.onChange();
  }

  // The settings of `kind`'s form as it holds them; a field being edited (invalid) keeps its default.
  settingsOf(kind) {
    const form = this.#formOf(kind);
    const out = {};
    for (const spec of schemaFor(this.schemas, kind)) out[spec.name] = form.value(spec.name) ?? spec.default;
    return out;
  }

  // The selector and the forms, from a link or a saved session (settings already validated).
  apply(kind, settings, w2vSettings, i2vSettings = null) {
    if (settings) this.form.setValues(settings);
    if (w2vSettings) this.w2vForm.setValues(w2vSettings);
    if (i2vSettings) this.i2vForm.setValues(i2vSettings);
    $('model-kind').value = kind;
    this.#kindChanged();
  }

  restoreDefaults() {
    this.form.restoreDefaults();
    this.w2vForm.restoreDefaults();
    this.i2vForm.restoreDefaults();
  }

  // The text now has `tokens` tokens and the core suggests `suggested` {nextword, word2vec} for
  // that size: both forms' fields the user has not edited take them.
  suggest(tokens, suggested) {
    const why = `auto: chosen for a text of ${fmtInt(tokens)} tokens (bench/README.md, "Defaults by text size"); `
      + 'edit the field to keep your own value, Defaults to follow the text again';
    this.form.suggest(suggested.nextword, why);
    this.w2vForm.suggest(suggested.word2vec, why);
  }

  // Only a run that Play would resume keeps its old inputs; after finishing, Play starts afresh.
  showStale(stale) {
    $('dirty-note').hidden = !stale;
  }

  // The loss became NaN or infinite at learning rate `lr`: say so, and offer a ten times smaller one
  // (retry(): start again with it). Returns the advice for the status line.
  showDivergence(lr, retry) {
    const smaller = lr ? Number((lr / 10).toPrecision(2)) : null;
    const note = $('diverged-note');
    note.querySelector('span').textContent = `Training diverged: the loss became infinite at learning rate ${lr}. `
      + 'A smaller learning rate takes smaller steps. The map and predictions still work.';
    const button = $('use-smaller-lr');
    button.hidden = smaller == null;
    button.textContent = `Use ${smaller} and restart`;
    button.onclick = async () => {
      this.activeForm.set('lr', smaller);
      await retry();
    };
    note.hidden = false;
    return `Try a learning rate of ${smaller ?? 'less'}.`;
  }

  hideDivergence() {
    $('diverged-note').hidden = true;
  }
}
