// The CURVES chart: training loss (left axis, nats) as it streams in, raw and smoothed, against
// epochs on x; on the right axis, once per epoch, either the validation perplexity (log scale) with
// the Kneser-Ney yardstick's as a dashed level line, or the validation top-1 and top-5 accuracy
// (percent): a two-button switch picks which. With a comparison, the twin's (the other loss: MSE
// beside cross-entropy, or the reverse) figures sit beside the run's, in epoch order however late
// they come. history()/restore() carry every series.
// One uPlot, rebuilt on theme change and on a switch of the right axis.
import uPlot from 'uplot';

// The legend shows the latest values unless the cursor is over the chart.
function lastValue(values) {
  for (let i = values.length - 1; i >= 0; i -= 1) if (values[i] != null) return values[i];
  return null;
}
const fmt = (v, digits) => (v == null ? '–' : v.toFixed(digits));
// The loss axis's tick labels with as many decimals as their spacing needs (a word2vec loss that
// moves from 4.19 to 4.15 gets 4.15, 4.17, 4.19, not 4.2 three times).
const lossTicks = (vals, step) => {
  const digits = Math.min(4, Math.max(1, Math.ceil(-Math.log10(step > 0 ? step : 0.1))));
  return vals.map((v) => (v == null ? '' : v.toFixed(digits)));
};
const pct = (v) => (v == null ? '–' : `${(100 * v).toFixed(1)}%`);
const SMOOTHING = 0.85;  // weight of the past in the smoothed loss (about 6 points)
const METRICS = ['ppl', 'accuracy'];   // what the right axis shows
// The losses by name: short in the legend (and the prediction table's column), long in sentences.
export const LOSS_NAMES = Object.freeze({ cross_entropy: { short: 'CE', long: 'cross-entropy' }, mse: { short: 'MSE', long: 'MSE' } });
const finiteOrNull = (v) => (Number.isFinite(v) ? v : null);

// One model's validation figures, a column each, aligned with the chart's x (null between epochs).
class EvaluationColumns {
  constructor() { this.ppl = []; this.top1 = []; this.top5 = []; }
  // A row at index i (of the chart's x).
  insert(i, e) {
    this.ppl.splice(i, 0, e ? e.perplexity : null);
    this.top1.splice(i, 0, e ? finiteOrNull(e.accuracy) : null);
    this.top5.splice(i, 0, e ? finiteOrNull(e.top5) : null);
  }
  count(column) { return this[column].filter((v) => v != null).length; }
  // [[epoch, perplexity, top-1, top-5]...] for the rows that hold an evaluation.
  rows(x) {
    const out = [];
    x.forEach((epoch, i) => { if (this.ppl[i] != null) out.push([epoch, this.ppl[i], this.top1[i], this.top5[i]]); });
    return out;
  }
  latest() {
    const i = this.ppl.findLastIndex((v) => v != null);
    return i < 0 ? null : { perplexity: this.ppl[i], accuracy: this.top1[i], top5: this.top5[i] };
  }
}

const evaluationOf = ([, perplexity, accuracy = null, top5 = null]) => ({ perplexity, accuracy, top5 });

export class TrainingCharts {
  // container: the chart's element; metricSwitch: an element holding buttons with data-metric
  // (ppl | accuracy) that pick the right axis.
  constructor(container, metricSwitch = null) {
    this.container = container;
    this.metricSwitch = metricSwitch;
    this.metric = 'ppl';
    this.#clear();
    this.twinLoss = 'mse';
    this.drawRequested = false;
    this.plot = null;
    this.#build();
    metricSwitch?.addEventListener('click', (event) => {
      const metric = event.target.closest('[data-metric]')?.dataset.metric;
      if (metric) this.setMetric(metric);
    });
    this.#showMetric();
    new ResizeObserver(() => this.#fitSize()).observe(container);
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.#build());
  }

  #clear() {
    this.x = [];      // epochs, fractional
    this.raw = [];    // mean loss of one step() call, or null on evaluation rows
    this.loss = [];   // the same, smoothed (exponential moving average)
    this.run = new EvaluationColumns();    // the run's validation figures
    this.twin = new EvaluationColumns();   // the twin's (other loss)
    this.reference = null;  // the n-gram yardstick's validation perplexity, or null
    this.ema = null;
  }

  get lossPoints() { return this.loss.filter((v) => v != null).length; }
  get latestLoss() { return this.ema; }
  get pplPoints() { return this.run.count('ppl'); }
  get twinPoints() { return this.twin.count('ppl'); }
  get accuracyPoints() { return this.run.count('top1'); }
  get twinAccuracyPoints() { return this.twin.count('top1'); }
  // {perplexity, accuracy, top5} of the run's last evaluation, or null.
  get latestEvaluation() { return this.run.latest(); }

  // The right axis: 'ppl' (perplexities and the yardstick) or 'accuracy' (top-1 and top-5).
  setMetric(metric) {
    if (!METRICS.includes(metric) || metric === this.metric) return;
    this.metric = metric;
    this.#showMetric();
    this.#build();
  }

  // The yardstick's level line (null: none), labelled e.g. "KN-3 val ppl".
  setReference(ppl, label) {
    this.reference = Number.isFinite(ppl) ? ppl : null;
    if (label && label !== this.referenceLabel) { this.referenceLabel = label; this.#build(); }
    this.#redraw();
  }

  // The twin's loss ('mse' or 'cross_entropy'), which names its series.
  setTwinLoss(loss) {
    if (!loss || loss === this.twinLoss) return;
    this.twinLoss = loss;
    this.#build();
  }

  reset() {
    this.#clear();
    this.#redraw();
  }

  addLoss(epoch, loss) {
    if (!Number.isFinite(loss)) return;
    this.ema = this.ema == null ? loss : SMOOTHING * this.ema + (1 - SMOOTHING) * loss;
    this.#row(epoch, loss, null, null);
  }

  // e: {perplexity, accuracy, top5} on the validation sentences (accuracies may be missing).
  addEvaluation(epoch, e) {
    if (Number.isFinite(e?.perplexity)) this.#row(epoch, null, e, null);
  }

  addTwinEvaluation(epoch, e) {
    if (Number.isFinite(e?.perplexity)) this.#row(epoch, null, null, e);
  }

  // Rows stay in epoch order: the loss streams in at the end, but a twin that catches up with a
  // finished run adds its epochs after the run's.
  #row(epoch, raw, run, twin) {
    let i = this.x.length;
    while (i > 0 && this.x[i - 1] > epoch) i -= 1;
    this.x.splice(i, 0, epoch);
    this.raw.splice(i, 0, raw);
    this.loss.splice(i, 0, raw == null ? null : this.ema);
    this.run.insert(i, run);
    this.twin.insert(i, twin);
    this.#redraw();
  }

  // Every series as plain values, to save and restore (saved-session.js reads it back):
  //   {loss: [[epoch, raw loss]...], ppl: [[epoch, perplexity, top-1, top-5]...],
  //    twin: {loss, ppl: [[epoch, perplexity, top-1, top-5]...]} or null, reference: {label, ppl} or null}
  history() {
    const loss = [];
    this.x.forEach((x, i) => { if (this.raw[i] != null) loss.push([x, this.raw[i]]); });
    return {
      loss,
      ppl: this.run.rows(this.x),
      twin: this.twinPoints ? { loss: this.twinLoss, ppl: this.twin.rows(this.x) } : null,
      reference: this.reference == null ? null : { label: this.referenceLabel ?? null, ppl: this.reference },
    };
  }

  // Puts back what history() gave; an older record's perplexity rows carry no accuracies.
  restore({ loss = [], ppl = [], twin = null, reference = null } = {}) {
    this.reset();
    if (twin?.loss) this.setTwinLoss(twin.loss);
    if (reference) this.setReference(reference.ppl, reference.label);
    const rows = [
      ...loss.map((r) => [r, 0]), ...ppl.map((r) => [r, 1]), ...(twin?.ppl ?? []).map((r) => [r, 2]),
    ].sort((a, b) => a[0][0] - b[0][0] || a[1] - b[1]);
    for (const [r, kind] of rows) {
      if (kind === 0) this.addLoss(r[0], r[1]);
      else if (kind === 1) this.addEvaluation(r[0], evaluationOf(r));
      else this.addTwinEvaluation(r[0], evaluationOf(r));
    }
  }

  #showMetric() {
    for (const b of this.metricSwitch?.querySelectorAll('[data-metric]') ?? []) {
      b.setAttribute('aria-pressed', String(b.dataset.metric === this.metric));
    }
    this.container.dataset.metric = this.metric;
  }

  // The right axis' columns, in the order of #rightSeries().
  #rightColumns() {
    if (this.metric === 'accuracy') return [this.run.top1, this.run.top5, this.twin.top1, this.twin.top5];
    return [this.run.ppl, this.twin.ppl, this.x.map(() => this.reference)];
  }

  #data() {
    if (!this.x.length) {
      // The level line spans at least the first epoch, so it shows at once.
      const empty = [null, null];
      const right = this.metric === 'ppl' ? [empty, empty, [this.reference, this.reference]] : [empty, empty, empty, empty];
      return [[0, 1], empty, empty, ...right];
    }
    return [this.x, this.raw, this.loss, ...this.#rightColumns()];
  }

  #size() {
    const w = Math.max(200, Math.floor(this.container.clientWidth));
    return { width: w, height: Math.max(120, Math.min(160, Math.round(w * 0.45))) };
  }

  #fitSize() {
    if (this.plot) this.plot.setSize(this.#size());
  }

  #build() {
    const css = getComputedStyle(this.container);
    const get = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
    const ink = get('--muted', '#6b7280');
    const grid = get('--grid', 'rgba(0,0,0,0.06)');
    const lossColor = get('--series-loss', '#3a78c2');
    const pplColor = get('--series-ppl', '#8a63b8');
    const twinColor = get('--series-twin', '#c2703a');
    const refColor = get('--muted', '#6b7280');
    const font = `11px ${get('--font-sans', 'system-ui, sans-serif')}`;
    const axis = { stroke: ink, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1, size: 4 } };
    const twin = LOSS_NAMES[this.twinLoss]?.short ?? 'twin';
    // A validation series on the right axis, solid with points, or thin and dashed (top-5). column:
    // a function giving the values (reset() replaces the arrays).
    const evaluation = (label, color, column, format, { dash = null, points = true } = {}) => ({
      label, scale: this.metric, stroke: color, width: dash ? 1 : 1.5, spanGaps: true, ...(dash ? { dash } : {}),
      points: { show: points, size: 6, fill: color, stroke: color },
      value: (u, v, s, i) => format(i == null ? lastValue(column()) : v),
    });
    const ppl = (v) => fmt(v, 1);
    const right = this.metric === 'accuracy'
      ? [
        evaluation('val top-1', pplColor, () => this.run.top1, pct),
        evaluation('val top-5', pplColor, () => this.run.top5, pct, { dash: [3, 3], points: false }),
        evaluation(`${twin} top-1`, twinColor, () => this.twin.top1, pct),
        evaluation(`${twin} top-5`, twinColor, () => this.twin.top5, pct, { dash: [3, 3], points: false }),
      ]
      : [
        evaluation('val ppl', pplColor, () => this.run.ppl, ppl),
        evaluation(`${twin} val ppl`, twinColor, () => this.twin.ppl, ppl),
        {
          label: this.referenceLabel ?? 'n-gram val ppl', scale: 'ppl', stroke: refColor, width: 1, dash: [6, 4],
          points: { show: false }, value: () => fmt(this.reference, 1),
        },
      ];
    const rightAxis = this.metric === 'accuracy'
      ? { size: 40, values: (u, vals) => vals.map((v) => (v == null ? '' : `${Math.round(100 * v)}%`)) }
      : { size: 44, values: (u, vals) => vals.map((v) => (v == null ? '' : v >= 1000 ? `${(v / 1000).toFixed(0)}k` : v.toFixed(0))) };
    const opts = {
      ...this.#size(),
      padding: [8, 4, 0, 0],
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: {
        x: { time: false },
        loss: { auto: true },
        ppl: { distr: 3, auto: true },
        // From 0, up to the next tenth above the highest accuracy.
        accuracy: { range: (u, min, max) => [0, Math.min(1, Math.ceil(10 * (Number.isFinite(max) ? max : 0) + 0.01) / 10)] },
      },
      axes: [
        { ...axis, label: 'epoch', labelSize: 14, labelFont: font, size: 30 },
        { ...axis, scale: 'loss', size: 40, values: (u, vals, axisIdx, space, step) => lossTicks(vals, step) },
        { ...axis, scale: this.metric, side: 1, grid: { show: false }, ...rightAxis },
      ],
      series: [
        { label: 'epoch', value: (u, v) => (v == null ? '–' : v.toFixed(2)) },
        {
          label: 'raw', scale: 'loss', stroke: lossColor, alpha: 0.22, width: 1, spanGaps: true,
          points: { show: false }, value: (u, v, s, i) => fmt(i == null ? lastValue(this.raw) : v, 3),
        },
        {
          label: 'train loss', scale: 'loss', stroke: lossColor, width: 1.5, spanGaps: true,
          points: { show: false }, value: (u, v, s, i) => fmt(i == null ? lastValue(this.loss) : v, 3),
        },
        ...right,
      ],
    };
    if (this.plot) this.plot.destroy();
    this.plot = new uPlot(opts, this.#data(), this.container);
  }

  #redraw() {
    if (this.drawRequested) return;
    this.drawRequested = true;
    requestAnimationFrame(() => {
      this.drawRequested = false;
      this.plot.setData(this.#data());
      this.container.dataset.lossPoints = String(this.lossPoints);
      this.container.dataset.pplPoints = String(this.pplPoints);
      this.container.dataset.twinPoints = String(this.twinPoints);
      this.container.dataset.accuracyPoints = String(this.accuracyPoints);
      this.container.dataset.twinAccuracyPoints = String(this.twinAccuracyPoints);
      this.container.dataset.reference = this.reference == null ? '' : this.reference.toFixed(2);
    });
  }
}
