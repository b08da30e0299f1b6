// The MODEL form, built from the module's settings schema (the one source of truth for which
// settings exist, their ranges, defaults and hints). Validates every field in place and tells its
// owner when the values or their validity change. Fields the user has not edited take the values
// suggested for the text's size, with an "auto" mark (auto-settings.js).
import { AutoSettings } from './auto-settings.js';

// Labels are presentation only; a setting missing here still appears, named from its schema name.
export const LABELS = {
  context: ['Context words', 'k'],
  dim: ['Embedding size', 'd'],
  hidden: ['Hidden units', 'h'],
  max_vocab: ['Max vocabulary', ''],
  min_count: ['Min count', ''],
  optimizer: ['Optimizer', ''],
  lr: ['Learning rate', 'η'],
  batch: ['Batch size', ''],
  epochs: ['Epochs', ''],
  seed: ['Seed', ''],
  valid_fraction: ['Held-out fraction', ''],
  lowercase: ['Lowercase', ''],
  keep_punctuation: ['Keep punctuation', ''],
};

// Short "why" notes for the next-word form, shown under the field they explain.
export const NEXT_WORD_NOTES = {
  context: 'A sentence’s first words have fewer than k words before them, so the context is '
    + 'padded with <pad>: every position gets a full window.',
  dim: 'Each batch only touches the vector rows of the words in it, so a step stays cheap '
    + 'however large the vocabulary: the embedding gradient is sparse.',
  softmax: 'With a large vocabulary the full softmax scores every word for every example. The '
    + 'hierarchical one scores the few nodes on the target’s path in a Huffman tree of the word counts, '
    + 'the sampled one the batch’s targets and a sample of other words; the validation and test '
    + 'perplexity and the predictions stay exact. The sampled one’s training loss is over its few '
    + 'candidates, so its curve sits below the validation loss.',
  seed: 'The seed fixes the initial weights (word vectors uniform in ±0.5, so the map starts spread out; '
    + 'W1, W2 and W3 Glorot-uniform, keeping tanh out of saturation; biases 0), the order of the '
    + 'batches and the dropout masks.',
};

function prettyName(name, labels) {
  const [label] = labels[name] ?? [name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())];
  return label;
}

function formatBound(v) {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

// Returns the parsed value, or throws an Error whose message is shown under the field.
function parseField(spec, input) {
  if (spec.type === 'bool') return input.checked;
  if (spec.type === 'choice') return input.value;
  const text = input.value.trim();
  const range = `between ${formatBound(spec.min)} and ${formatBound(spec.max)}`;
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) throw new Error(`must be a number ${range}`);
  if (spec.type === 'int' && !Number.isInteger(value)) throw new Error(`must be a whole number ${range}`);
  if (value < spec.min || value > spec.max) throw new Error(`must be ${range}`);
  return value;
}

export class SettingsForm {
  // form: the <form> to fill; schema: the module's settingsSchema() (or word2vecSchema()); onChange(form)
  // on every edit; idPrefix keeps the ids of two forms on one page apart; notes: {name: "why" text};
  // labels: {name: [label, symbol]} for this form's fields (LABELS by default).
  constructor(form, schema, { onChange, idPrefix = '', notes = {}, labels = LABELS } = {}) {
    this.form = form;
    this.notes = notes;
    this.labels = labels;
    this.schema = schema;
    this.idPrefix = idPrefix;
    this.onChange = onChange ?? (() => {});
    this.fields = new Map();  // name -> {spec, input, error, field, mark}
    this.auto = new AutoSettings();
    this.suggestion = null;   // {values, why}: the last suggestion, applied again by restoreDefaults()
    form.replaceChildren();
    for (const spec of schema) form.append(this.#buildField(spec));
    form.addEventListener('input', (e) => this.#edited(e));
    form.addEventListener('change', (e) => this.#edited(e));
  }

  #buildField(spec) {
    const id = `${this.idPrefix}setting-${spec.name}`;
    const field = document.createElement('div');
    field.className = `field field-${spec.type}`;
    field.dataset.name = spec.name;

    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = prettyName(spec.name, this.labels);
    const symbol = this.labels[spec.name]?.[1];
    if (symbol) {
      const sym = document.createElement('span');
      sym.className = 'symbol';
      sym.textContent = symbol;
      label.append(' ', sym);
    }
    const mark = document.createElement('span');  // shown while the value is the suggested one
    mark.className = 'auto-mark';
    mark.textContent = 'auto';
    mark.hidden = true;
    label.append(' ', mark);

    let input;
    if (spec.type === 'choice') {
      input = document.createElement('select');
      for (const choice of spec.choices ?? []) {
        const option = document.createElement('option');
        option.value = choice;
        option.textContent = choice;
        input.append(option);
      }
    } else {
      input = document.createElement('input');
      if (spec.type === 'bool') {
        input.type = 'checkbox';
      } else {
        input.type = 'number';
        input.inputMode = spec.type === 'int' ? 'numeric' : 'decimal';
        input.min = String(spec.min);
        input.max = String(spec.max);
        input.step = spec.type === 'int' ? '1' : 'any';
      }
    }
    input.id = id;
    input.name = spec.name;

    const hint = document.createElement('p');
    hint.className = 'hint';
    hint.id = `${id}-hint`;
    hint.textContent = spec.hint ?? '';
    const error = document.createElement('p');
    error.className = 'field-error';
    error.id = `${id}-error`;
    error.hidden = true;
    input.setAttribute('aria-describedby', `${hint.id} ${error.id}`);

    field.append(label, input, hint, error);
    if (this.notes[spec.name]) {
      const why = document.createElement('details');
      why.className = 'why inline';
      why.id = `${this.idPrefix}${spec.name}-why`;
      const summary = document.createElement('summary');
      summary.textContent = 'why?';
      const text = document.createElement('p');
      text.textContent = this.notes[spec.name];
      why.append(summary, text);
      field.append(why);
    }
    this.fields.set(spec.name, { spec, input, error, field, mark });
    this.#write(spec.name, spec.default);
    return field;
  }

  #write(name, value) {
    const { spec, input } = this.fields.get(name);
    if (spec.type === 'bool') input.checked = Boolean(value);
    else if (spec.type === 'float') input.value = formatBound(Number(value));  // 0.005f arrives as 0.00499999…
    else input.value = String(value);
  }

  #edited(e) {
    const name = e.target?.name;
    if (this.fields.has(name)) {
      this.#pin(name);
      this.#check(name);
    }
    this.onChange(this);
  }

  // The user's value from now on: no more suggestions for it.
  #pin(name) {
    this.auto.edited(name);
    this.fields.get(name).mark.hidden = true;
  }

  // The values suggested for the text's size ({name: value}; why: the marks' title): the fields
  // the user has not edited take them and show the "auto" mark. Tells the owner when a value changed.
  suggest(values, why) {
    this.suggestion = { values, why };
    const current = {};
    for (const name of Object.keys(values)) if (this.fields.has(name)) current[name] = this.value(name);
    const { changes, auto } = this.auto.apply(current, values);
    for (const [name, value] of Object.entries(changes)) {
      this.#write(name, value);
      this.#check(name);
    }
    for (const [name, { mark }] of this.fields) {
      mark.hidden = !auto.includes(name);
      mark.title = why;
    }
    if (Object.keys(changes).length) this.onChange(this);
  }

  // The names showing the "auto" mark (for the tests).
  get autoNames() {
    return [...this.fields].filter(([, { mark }]) => !mark.hidden).map(([name]) => name);
  }

  // Validates one field and shows or hides its message; returns whether it is valid. The page asks
  // at every frame of a run (can Play start?), so the DOM is written only when the answer changes:
  // rewriting it each time made the browser redo the style and layout of the whole column.
  #check(name) {
    const { spec, input, error, field } = this.fields.get(name);
    let message = null;
    try {
      parseField(spec, input);
    } catch (err) {
      message = err.message;
    }
    const invalid = message != null;
    if (field.classList.contains('invalid') !== invalid) {
      field.classList.toggle('invalid', invalid);
      if (invalid) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
      error.hidden = !invalid;
    }
    if (error.textContent !== (message ?? '')) error.textContent = message ?? '';
    return !invalid;
  }

  // Whether every field is valid (and shows each field's message).
  validate() {
    let ok = true;
    for (const name of this.fields.keys()) ok = this.#check(name) && ok;
    return ok;
  }

  // The values as the module wants them; only call when validate() is true.
  values() {
    const out = {};
    for (const [name, { spec, input }] of this.fields) out[name] = parseField(spec, input);
    return out;
  }

  // One value (or undefined when the field is invalid or unknown).
  value(name) {
    const f = this.fields.get(name);
    if (!f) return undefined;
    try { return parseField(f.spec, f.input); } catch { return undefined; }
  }

  set(name, value) {
    if (!this.fields.has(name)) return;
    this.#pin(name);
    this.#write(name, value);
    this.#check(name);
    this.onChange(this);
  }

  // Sets many values at once (already validated, e.g. by share.js: a link's or a session's), then
  // tells the owner once. They stay as they are; the next suggestion marks those it agrees with.
  setValues(values) {
    const names = Object.keys(values).filter((name) => this.fields.has(name));
    this.auto.restored(names);
    for (const name of names) {
      this.#write(name, values[name]);
      this.fields.get(name).mark.hidden = true;
    }
    this.validate();
    this.onChange(this);
  }

  // The schema's defaults, and the text's suggested values where there are some (every field
  // follows the text again).
  restoreDefaults() {
    this.auto.reset();
    for (const [name, { spec }] of this.fields) this.#write(name, spec.default);
    if (this.suggestion) this.suggest(this.suggestion.values, this.suggestion.why);
    this.validate();
    this.onChange(this);
  }
}
