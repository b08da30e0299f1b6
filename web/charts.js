// The CURVES chart: training loss (left axis, nats) as it streams in, raw and smoothed, and
// validation perplexity (right axis, log scale) once per epoch, against epochs on x; with a
// comparison running, the MSE twin's validation perplexity too; the Kneser-Ney yardstick's
// validation perplexity as a dashed level line.
// One uPlot, rebuilt on theme change.
import uPlot from 'uplot';

// The legend shows the latest values unless the cursor is over the chart.
function lastValue(values) {
  for (let i = values.length - 1; i >= 0; i -= 1) if (values[i] != null) return values[i];
  return null;
}
const fmt = (v, digits) => (v == null ? '–' : v.toFixed(digits));
const SMOOTHING = 0.85;  // weight of the past in the smoothed loss (about 6 points)

export class TrainingCharts {
  constructor(container) {
    this.container = container;
    this.x = [];      // epochs, fractional
    this.raw = [];    // mean loss of one step() call, or null on evaluation rows
    this.loss = [];   // the same, smoothed (exponential moving average)
    this.ppl = [];    // validation perplexity, or null between epochs
    this.twin = [];   // the twin's (other loss) validation perplexity, or null
    this.reference = null;  // the n-gram yardstick's validation perplexity, or null
    this.twinLabel = 'MSE val ppl';
    this.ema = null;
    this.drawRequested = false;
    this.plot = null;
    this.#build();
    new ResizeObserver(() => this.#fitSize()).observe(container);
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.#build());
  }

  get lossPoints() { return this.loss.filter((v) => v != null).length; }
  get latestLoss() { return this.ema; }
  get pplPoints() { return this.ppl.filter((v) => v != null).length; }
  get twinPoints() { return this.twin.filter((v) => v != null).length; }

  // The yardstick's level line (null: none), labelled e.g. "KN-3 val ppl".
  setReference(ppl, label) {
    this.reference = Number.isFinite(ppl) ? ppl : null;
    if (label && label !== this.referenceLabel) { this.referenceLabel = label; this.#build(); }
    this.#redraw();
  }

  addTwinPerplexity(epoch, ppl) {
    if (!Number.isFinite(ppl)) return;
    this.x.push(epoch); this.raw.push(null); this.loss.push(null); this.ppl.push(null); this.twin.push(ppl);
    this.#redraw();
  }

  reset() {
    this.x = []; this.raw = []; this.loss = []; this.ppl = []; this.twin = [];
    this.ema = null;
    this.reference = null;
    this.#redraw();
  }

  addLoss(epoch, loss) {
    if (!Number.isFinite(loss)) return;
    this.ema = this.ema == null ? loss : SMOOTHING * this.ema + (1 - SMOOTHING) * loss;
    this.x.push(epoch); this.raw.push(loss); this.loss.push(this.ema); this.ppl.push(null); this.twin.push(null);
    this.#redraw();
  }

  addPerplexity(epoch, ppl) {
    if (!Number.isFinite(ppl)) return;
    this.x.push(epoch); this.raw.push(null); this.loss.push(null); this.ppl.push(ppl); this.twin.push(null);
    this.#redraw();
  }

  // The curves as plain pairs, to save and restore: {loss: [[epoch, raw loss]...], ppl: [[epoch, ppl]...]}.
  history() {
    const loss = []; const ppl = [];
    this.x.forEach((x, i) => {
      if (this.raw[i] != null) loss.push([x, this.raw[i]]);
      if (this.ppl[i] != null) ppl.push([x, this.ppl[i]]);
    });
    return { loss, ppl };
  }

  restore({ loss = [], ppl = [] } = {}) {
    this.reset();
    const rows = [...loss.map(([x, v]) => [x, v, 0]), ...ppl.map(([x, v]) => [x, v, 1])].sort((a, b) => a[0] - b[0] || a[2] - b[2]);
    for (const [x, v, isPpl] of rows) {
      if (isPpl) this.addPerplexity(x, v); else this.addLoss(x, v);
    }
  }

  #data() {
    // The level line spans the epochs seen so far (at least the first epoch, so it shows at once).
    const xs = this.x.length ? this.x : [0, 1];
    const level = xs.map(() => this.reference);
    if (!this.x.length) return [xs, [null, null], [null, null], [null, null], [null, null], level];
    return [this.x, this.raw, this.loss, this.ppl, this.twin, level];
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
    const opts = {
      ...this.#size(),
      padding: [8, 4, 0, 0],
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: { x: { time: false }, loss: { auto: true }, ppl: { distr: 3, auto: true } },
      axes: [
        { ...axis, label: 'epoch', labelSize: 14, labelFont: font, size: 30 },
        { ...axis, scale: 'loss', size: 40, values: (u, vals) => vals.map((v) => (v == null ? '' : v.toFixed(1))) },
        {
          ...axis, scale: 'ppl', side: 1, size: 44, grid: { show: false },
          values: (u, vals) => vals.map((v) => (v == null ? '' : v >= 1000 ? `${(v / 1000).toFixed(0)}k` : v.toFixed(0))),
        },
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
        {
          label: 'val ppl', scale: 'ppl', stroke: pplColor, width: 1.5, spanGaps: true, dash: [4, 3],
          points: { show: true, size: 6, fill: pplColor, stroke: pplColor },
          value: (u, v, s, i) => fmt(i == null ? lastValue(this.ppl) : v, 1),
        },
        {
          label: this.twinLabel, scale: 'ppl', stroke: twinColor, width: 1.5, spanGaps: true,
          points: { show: true, size: 6, fill: twinColor, stroke: twinColor },
          show: true, value: (u, v, s, i) => fmt(i == null ? lastValue(this.twin) : v, 1),
        },
        {
          label: this.referenceLabel ?? 'n-gram val ppl', scale: 'ppl', stroke: refColor, width: 1, dash: [6, 4],
          points: { show: false }, value: () => fmt(this.reference, 1),
        },
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
      this.container.dataset.reference = this.reference == null ? '' : this.reference.toFixed(2);
    });
  }
}
