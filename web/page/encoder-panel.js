// The SENTENCE ENCODER panel (issue 14): a small Transformer trained on the text by the worker
// (worker/encoder.js) beside the word vectors. Its settings come from the module's encoderSchema();
// Train encoder starts a run and plays it, Pause and Step as for the words. While it trains: the loss
// of every step and the STS-B dev Spearman of CLS, mean and max pooling on one chart, the map of a
// sample of the training sentences (PCA of their vectors, turned frame to frame so it moves rather
// than jumps), and, for a typed sentence, the attention of each layer and head as a heat map.
import uPlot from 'uplot';
import { SettingsForm } from './settings-form.js';
import { readText } from './text-check.js';

const $ = (id) => document.getElementById(id);
const POOLINGS = ['cls', 'mean', 'max'];
const fmt = (v, digits) => (v == null || !Number.isFinite(v) ? '–' : v.toFixed(digits));
// The legend shows the latest value unless the cursor is over the chart.
const lastValue = (values) => values.findLast((v) => v != null) ?? null;

// The chart's columns: x = the run's step; the loss of each step() call; the three Spearmans.
class EncoderCurves {
  constructor(container) {
    this.container = container;
    this.plot = null;
    this.reset();
  }

  reset() {
    this.x = [];
    this.loss = [];
    this.sts = { cls: [], mean: [], max: [] };
    this.lossPoints = 0;
    this.stsPoints = 0;
    this.#build();
  }

  // One row at `step`, or the last row when it is at the same step.
  #row(step) {
    const last = this.x.length - 1;
    if (last >= 0 && this.x[last] === step) return last;
    this.x.push(step);
    this.loss.push(null);
    for (const p of POOLINGS) this.sts[p].push(null);
    return last + 1;
  }

  addLoss(points) {
    for (const [step, loss] of points) {
      this.loss[this.#row(step)] = loss;
      this.lossPoints += 1;
    }
    this.#draw();
  }

  addSts(s) {
    const i = this.#row(s.step);
    for (const p of POOLINGS) this.sts[p][i] = s[p];
    this.stsPoints += 1;
    this.#draw();
  }

  #build() {
    const css = getComputedStyle(this.container);
    const get = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
    const ink = get('--muted', '#6b7280');
    const grid = get('--grid', 'rgba(0,0,0,0.06)');
    const font = `11px ${get('--font-sans', 'system-ui, sans-serif')}`;
    const axis = { stroke: ink, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1, size: 4 } };
    const colors = { cls: get('--series-ppl', '#8a63b8'), mean: get('--series-twin', '#c2703a'), max: '#2e9a6b' };
    const sts = (p) => ({
      label: `STS ${p}`, scale: 'rho', stroke: colors[p], width: 1.5, spanGaps: true,
      points: { show: true, size: 5, fill: colors[p], stroke: colors[p] },
      value: (u, v, si, i) => fmt(i == null ? lastValue(this.sts[p]) : v, 3),
    });
    const width = Math.max(200, Math.floor(this.container.clientWidth || 280));
    const opts = {
      width, height: 150,
      padding: [8, 4, 0, 0],
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false }, points: { size: 5 } },
      scales: { x: { time: false }, loss: { distr: 3, auto: true }, rho: { auto: true } },
      axes: [
        { ...axis, label: 'step', labelSize: 14, labelFont: font, size: 30 },
        { ...axis, scale: 'loss', size: 40, values: (u, vals) => vals.map((v) => (v == null ? '' : String(Number(v.toPrecision(2))))) },
        { ...axis, scale: 'rho', side: 1, grid: { show: false }, size: 36, values: (u, vals) => vals.map((v) => (v == null ? '' : v.toFixed(2))) },
      ],
      series: [
        { label: 'step' },
        { label: 'loss', scale: 'loss', stroke: get('--series-loss', '#3a78c2'), width: 1.2, spanGaps: true, points: { show: false },
          value: (u, v, si, i) => fmt(i == null ? lastValue(this.loss) : v, 3) },
        ...POOLINGS.map(sts),
      ],
    };
    if (this.plot) this.plot.destroy();
    this.plot = new uPlot(opts, this.#data(), this.container);
  }

  #data() {
    if (!this.x.length) return [[0, 1], [null, null], [null, null], [null, null], [null, null]];
    return [this.x, this.loss, ...POOLINGS.map((p) => this.sts[p])];
  }

  #draw() {
    this.plot.setData(this.#data());
    this.container.dataset.lossPoints = String(this.lossPoints);
    this.container.dataset.stsPoints = String(this.stsPoints);
  }
}

// The sentence map: points on a canvas, the hovered sentence's text below it.
class SentenceMap {
  constructor(canvas, caption) {
    Object.assign(this, { canvas, caption });
    this.coords = null;
    this.texts = [];
    this.frames = 0;
    canvas.addEventListener('mousemove', (e) => this.#hover(e));
    canvas.addEventListener('mouseleave', () => { this.caption.textContent = ''; });
  }

  clear() {
    this.coords = null;
    this.texts = [];
    this.frames = 0;
    this.canvas.dataset.points = '0';
    this.canvas.dataset.frames = '0';
    this.caption.textContent = '';
    this.canvas.getContext('2d').clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  show({ coords, texts }) {
    this.coords = coords;
    if (texts) this.texts = texts;
    this.frames += 1;
    this.#draw();
  }

  // Canvas pixels of point i.
  #layout() {
    const c = this.coords;
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (let i = 0; i < c.length; i += 2) {
      minX = Math.min(minX, c[i]); maxX = Math.max(maxX, c[i]);
      minY = Math.min(minY, c[i + 1]); maxY = Math.max(maxY, c[i + 1]);
    }
    const pad = 10;
    const w = this.canvas.width, h = this.canvas.height;
    const sx = (w - 2 * pad) / Math.max(1e-9, maxX - minX), sy = (h - 2 * pad) / Math.max(1e-9, maxY - minY);
    return (i) => [pad + (c[2 * i] - minX) * sx, h - pad - (c[2 * i + 1] - minY) * sy];
  }

  #draw() {
    const dpr = window.devicePixelRatio || 1;
    const rect = this.canvas.getBoundingClientRect();
    this.canvas.width = Math.max(1, Math.round(rect.width * dpr));
    this.canvas.height = Math.max(1, Math.round(rect.height * dpr));
    const ctx = this.canvas.getContext('2d');
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    const n = this.coords.length / 2;
    const at = this.#layout();
    ctx.fillStyle = getComputedStyle(this.canvas).getPropertyValue('--accent').trim() || '#3a78c2';
    ctx.globalAlpha = 0.7;
    for (let i = 0; i < n; i += 1) {
      const [x, y] = at(i);
      ctx.beginPath();
      ctx.arc(x, y, 2.5 * dpr, 0, 2 * Math.PI);
      ctx.fill();
    }
    this.canvas.dataset.points = String(n);
    this.canvas.dataset.frames = String(this.frames);
  }

  #hover(e) {
    if (!this.coords) return;
    const dpr = window.devicePixelRatio || 1;
    const rect = this.canvas.getBoundingClientRect();
    const mx = (e.clientX - rect.left) * dpr, my = (e.clientY - rect.top) * dpr;
    const at = this.#layout();
    let best = -1, bestD = (12 * dpr) ** 2;
    for (let i = 0; i < this.coords.length / 2; i += 1) {
      const [x, y] = at(i);
      const d = (x - mx) ** 2 + (y - my) ** 2;
      if (d < bestD) { best = i; bestD = d; }
    }
    this.caption.textContent = best >= 0 ? this.texts[best] ?? '' : '';
  }
}

// The attention of one typed sentence: a T x T grid of one layer and head, the words as labels.
class AttentionView {
  constructor() {
    this.box = $('enc-attn');
    this.canvas = $('enc-attn-map');
    this.layer = $('enc-layer');
    this.head = $('enc-head');
    this.data = null;
    this.layer.addEventListener('change', () => this.#draw());
    this.head.addEventListener('change', () => this.#draw());
  }

  clear() {
    this.data = null;
    this.box.hidden = true;
    this.layer.replaceChildren();
    this.head.replaceChildren();
  }

  show(a) {
    this.data = a;
    const options = (select, n, name) => {
      const keep = Math.min(Number(select.value) || 0, n - 1);
      select.replaceChildren(...Array.from({ length: n }, (_, i) => {
        const o = document.createElement('option');
        o.value = String(i);
        o.textContent = `${name} ${i + 1}`;
        return o;
      }));
      select.value = String(keep);
    };
    options(this.layer, a.layers, 'layer');
    options(this.head, a.heads, 'head');
    const label = (t, i) => {
      const s = document.createElement('span');
      s.textContent = t;
      s.title = a.known[i] ? t : `${t} (not in the vocabulary: read as <unk>)`;
      if (!a.known[i]) s.className = 'unknown';
      return s;
    };
    $('enc-attn-keys').replaceChildren(...a.tokens.map(label));
    $('enc-attn-queries').replaceChildren(...a.tokens.map(label));
    this.box.hidden = false;
    this.#draw();
  }

  #draw() {
    const a = this.data;
    if (!a) return;
    const T = a.tokens.length;
    const cell = 18;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.style.width = `${T * cell}px`;
    this.canvas.style.height = `${T * cell}px`;
    this.canvas.width = T * cell * dpr;
    this.canvas.height = T * cell * dpr;
    const ctx = this.canvas.getContext('2d');
    const base = (Number(this.layer.value) * a.heads + Number(this.head.value)) * T * T;
    const color = getComputedStyle(this.canvas).getPropertyValue('--accent').trim() || '#3a78c2';
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.fillStyle = color;
    let worst = 0;  // how far a row's sum is from 1, for the tests
    for (let i = 0; i < T; i += 1) {
      let sum = 0;
      for (let j = 0; j < T; j += 1) {
        const w = a.weights[base + i * T + j];
        sum += w;
        ctx.globalAlpha = Math.min(1, Math.max(0.03, w));
        ctx.fillRect(j * cell * dpr, i * cell * dpr, cell * dpr - 1, cell * dpr - 1);
      }
      worst = Math.max(worst, Math.abs(sum - 1));
    }
    ctx.globalAlpha = 1;
    this.canvas.dataset.tokens = String(T);
    this.canvas.dataset.rowSumError = worst.toExponential(2);
  }
}

export class EncoderPanel {
  // call: the worker's requests; text(): the Text panel's text.
  constructor({ call, text }) {
    Object.assign(this, { call, text });
    this.form = null;
    this.playing = false;
    this.started = false;
    this.finished = false;
    this.curves = new EncoderCurves($('enc-chart'));
    this.map = new SentenceMap($('enc-map'), $('enc-map-text'));
    this.attention = new AttentionView();
    this.pairs = null;   // {name, text}: a pairs file for the supervised phase, or null
    $('enc-pairs-file').addEventListener('change', (e) => this.#guard(() => this.#openPairs(e.target)));
    $('enc-pairs-clear').addEventListener('click', () => this.#showPairs(null));
    $('enc-train').addEventListener('click', () => this.#guard(() => this.train()));
    $('enc-play').addEventListener('click', () => this.#guard(() => this.playPause()));
    $('enc-step').addEventListener('click', () => this.#guard(() => this.step()));
    $('enc-pooling').addEventListener('change', () => this.#guard(() => this.#pooling()));
    $('enc-attn-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.#guard(() => this.showAttention());
    });
  }

  // The module's encoderSchema(): the settings form.
  ready(schemas) {
    this.form = new SettingsForm($('enc-form'), schemas.encoder, { idPrefix: 'enc-', onChange: () => this.#buttons() });
    this.#buttons();
  }

  // A pairs file chosen: kept for the next Train (read by the module then, which names a bad line).
  async #openPairs(input) {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const { text, problem } = readText(new Uint8Array(await file.arrayBuffer()));
    if (problem) throw new Error(`“${file.name}” does not look like text: ${problem.reason}`);
    this.#showPairs({ name: file.name, text });
  }

  #showPairs(pairs) {
    this.pairs = pairs;
    $('enc-pairs-name').textContent = pairs ? `${pairs.name}: the supervised phase follows SimCSE at the next Train`
      : 'no pairs: SimCSE only';
    $('enc-pairs-clear').hidden = !pairs;
  }

  async train() {
    if (!this.form.validate()) {
      $('enc-settings').open = true;
      throw new Error('Fix the encoder settings first.');
    }
    this.#stopped();
    const stats = await this.call('encoderStart', {
      text: this.text(), options: this.form.values(), lines: $('enc-lines').checked,
      pairs: this.pairs?.text ?? '', minScore: Number($('enc-min-score').value) || 0,
    });
    this.started = true;
    this.finished = false;
    this.curves.reset();
    this.map.clear();
    this.attention.clear();
    const dev = stats.dev === true ? '' : ` (no STS-B curve: ${stats.dev})`;
    this.#status(`${stats.sentences.toLocaleString('en-US')} sentences, ${stats.tokens.toLocaleString('en-US')} words, `
      + `vocabulary ${stats.vocab.toLocaleString('en-US')}`
      + `${stats.pairs ? `, ${stats.pairs.toLocaleString('en-US')} pairs` : ''}; phases ${stats.phases.join(' → ')}${dev}`);
    await this.#play();
  }

  async playPause() {
    if (this.playing) {
      const e = await this.call('encoderPause');
      this.playing = false;
      if (e) this.onEvent(e);
      this.#buttons();
    } else {
      await this.#play();
    }
  }

  async #play() {
    this.playing = true;
    this.#buttons();
    await this.call('encoderPlay');
  }

  async step() {
    this.playing = false;
    this.onEvent(await this.call('encoderStep'));
  }

  async showAttention() {
    const typed = $('enc-attn-text').value.trim();
    if (!typed) throw new Error('Type a sentence first.');
    this.attention.show(await this.call('encoderAttention', { text: typed }));
    $('enc-attn-message').textContent = 'Row: a word (query); columns: the words it attends to. Each row sums to 1.';
  }

  async #pooling() {
    const m = await this.call('encoderPooling', { pooling: $('enc-pooling').value });
    if (m) this.map.show(m);
  }

  // An encoder event (protocol.js, ENCODER), or the reply of Pause or Step (the same fields).
  onEvent(e) {
    if (e.error) {
      this.playing = false;
      this.#status(e.error);
      this.#buttons();
      return;
    }
    this.playing = Boolean(e.playing);
    if (e.points?.length) this.curves.addLoss(e.points);
    if (e.sts && !e.sts.error) this.curves.addSts(e.sts);
    if (e.map) this.map.show(e.map);
    const p = e.progress;
    if (p) {
      this.finished = p.finished || p.diverged;
      const loss = p.loss_count > 0 ? p.loss_sum / p.loss_count : null;
      $('enc-phase').textContent = `${p.phase} ${p.epoch}/${p.epochs}`;
      const sts = e.sts && !e.sts.error
        ? ` · STS-B dev ρ: CLS ${fmt(e.sts.cls, 3)}, mean ${fmt(e.sts.mean, 3)}, max ${fmt(e.sts.max, 3)}` : '';
      const end = p.diverged ? ' · stopped: the loss was not finite (the last epoch\u2019s weights kept)' : p.finished ? ' · done' : '';
      $('encoder-panel').dataset.step = String(p.step);
      this.#status(`step ${p.step} · ${p.phase} epoch ${p.epoch}/${p.epochs} · loss ${fmt(loss, 3)} · `
        + `${Math.round(p.tokens_per_sec).toLocaleString('en-US')} tokens/s${sts}${end}`);
    }
    this.#buttons();
  }

  // Reset (the worker's workspace went, and the encoder with it).
  reset() {
    this.#stopped();
    this.started = false;
    this.curves.reset();
    this.map.clear();
    this.attention.clear();
    $('enc-phase').textContent = '';
    this.#status('');
    this.#buttons();
  }

  #stopped() {
    this.playing = false;
    this.finished = false;
  }

  #status(text) {
    $('enc-status').textContent = text;
  }

  #buttons() {
    const ready = Boolean(this.form);
    $('encoder-panel').dataset.state = this.playing ? 'playing' : this.finished ? 'finished' : this.started ? 'paused' : 'idle';
    $('enc-train').disabled = !ready;
    $('enc-play').disabled = !this.started || (this.finished && !this.playing);
    $('enc-play').textContent = this.playing ? 'Pause' : 'Play';
    $('enc-step').disabled = !this.started || this.finished;
  }

  // Runs a button's action; its error goes to the panel's status line (nothing is lost).
  async #guard(action) {
    try {
      await action();
    } catch (err) {
      this.#status(String(err?.message ?? err));
      this.#buttons();
    }
  }
}
