// The map: words as points on a canvas at their 2D PCA coordinates. Zoom and pan with d3-zoom,
// hover for a word's count, click to select it (its neighbours are highlighted). Frames from the
// worker are animated into each other; labels go to the most frequent words first and never overlap.
import { select } from 'd3-selection';
import { zoom as d3zoom, zoomIdentity } from 'd3-zoom';

const SETTLE_MS = 140;     // time constant with which points glide to a new frame
const PAD = 28;            // CSS px kept free around the fitted points
const HIT_RADIUS = 10;     // CSS px: how close the pointer must be to a point
const MAX_LABEL_TRIES = 800;
// Label density: how many of the most frequent words may get a label, and the free margin (CSS px)
// each label keeps around it. Labels never overlap at any density.
export const LABEL_DENSITY = Object.freeze({
  few: { tries: 60, margin: 14 },
  normal: { tries: MAX_LABEL_TRIES, margin: 0 },
  many: { tries: 3000, margin: 0 },
});
const CELL = 48;           // CSS px: cell of the label collision grid

const lerp = (a, b, t) => a + (b - a) * t;

// Cluster colours: Okabe & Ito's palette, told apart with every common colour-vision deficiency
// (black replaced by grey so it also reads in dark mode). k-means offers at most this many clusters.
export const CLUSTER_COLOURS = Object.freeze(['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#999999']);
const MAX_SEARCH_LABELS = 60;  // matches of a search that are labelled before the frequent words

// Data-space box around the points: {cx, cy, w, h}.
function bounds(coords) {
  let minX = Infinity; let maxX = -Infinity; let minY = Infinity; let maxY = -Infinity;
  for (let i = 0; i < coords.length; i += 2) {
    const x = coords[i]; const y = coords[i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < minX) minX = x; if (x > maxX) maxX = x;
    if (y < minY) minY = y; if (y > maxY) maxY = y;
  }
  if (minX > maxX) return { cx: 0, cy: 0, w: 1, h: 1 };
  const eps = 1e-6;
  return { cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, w: Math.max(maxX - minX, eps), h: Math.max(maxY - minY, eps) };
}

// Placed label rectangles on a coarse grid, so a candidate is checked only against its neighbours.
class LabelGrid {
  constructor() { this.cells = new Map(); }
  #keys(r, fn) {
    const x0 = Math.floor(r.x / CELL); const x1 = Math.floor((r.x + r.w) / CELL);
    const y0 = Math.floor(r.y / CELL); const y1 = Math.floor((r.y + r.h) / CELL);
    for (let gx = x0; gx <= x1; gx += 1) for (let gy = y0; gy <= y1; gy += 1) if (fn(`${gx},${gy}`)) return true;
    return false;
  }
  collides(r) {
    return this.#keys(r, (key) => (this.cells.get(key) ?? []).some((o) => (
      r.x < o.x + o.w && o.x < r.x + r.w && r.y < o.y + o.h && o.y < r.y + r.h)));
  }
  add(r) {
    this.#keys(r, (key) => {
      if (!this.cells.has(key)) this.cells.set(key, []);
      this.cells.get(key).push(r);
      return false;
    });
  }
}

export class WordMap {
  // canvas: the <canvas>; tooltip: an element with <strong> and <span> children;
  // onSelect(word | null) when the user clicks a word or empty space; keepClear: elements over
  // the canvas that labels must not cover.
  constructor(canvas, tooltip, { onSelect, keepClear = [] } = {}) {
    this.keepClear = keepClear;
    this.clearRects = [];            // their rectangles in canvas CSS px
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.tooltip = tooltip;
    this.onSelect = onSelect ?? (() => {});
    this.words = [];
    this.counts = [];
    this.index = new Map();          // word -> i
    this.to = new Float32Array(0);   // (n, 2) positions of the latest frame
    this.pos = new Float32Array(0);  // (n, 2) positions drawn now, gliding towards `to`
    this.fitTo = null;               // bounds of the latest frame
    this.fitNow = null;              // bounds drawn now, gliding towards `fitTo`
    this.lastDraw = 0;               // time of the last draw, for the glide
    this.moving = false;             // points are still gliding to the latest frame
    this.reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
    this.transform = zoomIdentity;   // the user's zoom and pan, on top of the fit
    this.selected = null;            // word
    this.neighbours = new Map();     // word -> similarity, for the selected word
    this.analogy = null;             // {a, b, c, answer}: arrows b -> a and c -> answer
    this.arrows = 0;                 // arrows drawn in the last draw
    this.clusterOf = null;           // word -> cluster (0..k-1), or null: one colour
    this.clusterCount = 0;
    this.matches = null;             // Set of words matching the search, or null: no search
    this.hover = -1;
    this.labels = [];                // [{i, x, y}] placed in the last draw, CSS px
    this.widths = new Map();         // font|word -> text width
    this.density = LABEL_DENSITY.normal;  // see LABEL_DENSITY
    this.frameRequested = false;
    this.size = { w: 300, h: 200, dpr: 1 };
    this.readTheme();

    this.zoom = d3zoom()
      .scaleExtent([0.5, 60])
      .on('start', () => this.#hideTooltip())
      .on('zoom', (e) => { this.transform = e.transform; this.requestDraw(); });
    select(canvas).call(this.zoom);

    canvas.addEventListener('pointermove', (e) => this.#pointerMoved(e));
    canvas.addEventListener('pointerleave', () => { this.hover = -1; this.#hideTooltip(); this.requestDraw(); });
    canvas.addEventListener('click', (e) => this.#clicked(e));
    new ResizeObserver(() => this.#resize()).observe(canvas);
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      this.readTheme();
      this.requestDraw();
    });
    this.#resize();
  }

  // Colours come from the page's CSS custom properties, so dark mode is decided in style.css.
  readTheme() {
    const css = getComputedStyle(this.canvas);
    const get = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
    this.theme = {
      point: get('--map-point', '#5b6b82'),
      pointFaint: get('--map-point-faint', 'rgba(91,107,130,0.35)'),
      label: get('--map-label', '#1f2328'),
      labelMuted: get('--map-label-muted', '#5f6670'),
      halo: get('--map-halo', '#ffffff'),
      accent: get('--accent', '#e8710a'),
      axis: get('--map-axis', 'rgba(0,0,0,0.08)'),
      font: get('--font-sans', 'system-ui, sans-serif'),
    };
  }

  get pointCount() { return this.words.length; }
  get labelCount() { return this.labels.length; }
  get settled() { return !this.moving; }

  // A new frame: {words, counts, coords: Float32Array(2n)}, drawn as it comes (the worker turns
  // each PCA frame to match the one before, worker/frames.js). The same words glide from where
  // they are; other words appear at once.
  setFrame({ words, counts, coords }) {
    const n = Math.min(words.length, Math.floor(coords.length / 2));
    const sameWords = n === this.words.length && words.every((w, i) => w === this.words[i]);
    const next = coords.length === 2 * n ? coords : coords.slice(0, 2 * n);
    if (!sameWords || n === 0) {
      this.words = words.slice(0, n);
      this.counts = counts.slice(0, n);
      this.index = new Map(this.words.map((w, i) => [w, i]));
      this.pos = next.slice();    // a different set of words: no glide
      this.fitNow = bounds(next);
      this.hover = -1;
    }
    this.to = next;
    this.fitTo = bounds(next);
    if (!sameWords && this.search) this.setSearch(this.search);
    this.canvas.dataset.points = String(n);
    this.requestDraw();
  }

  clear() {
    this.words = [];
    this.counts = [];
    this.index = new Map();
    this.to = this.pos = new Float32Array(0);
    this.fitTo = this.fitNow = null;
    this.selected = null;
    this.neighbours = new Map();
    this.analogy = null;
    this.clusterOf = null;
    this.clusterCount = 0;
    this.matches = null;
    this.hover = -1;
    this.#hideTooltip();
    this.canvas.dataset.points = '0';
    this.requestDraw();
  }

  // Each word's path through the epochs: {coords: Float32Array(frames * 2n), frames, n} (the
  // timeline's frames, same word order as the map), or null: none.
  setTrails(trails) {
    this.trails = trails;
    this.canvas.dataset.trails = trails ? String(trails.n) : '0';
    this.requestDraw();
  }

  // few | normal | many labels.
  setLabelDensity(name) {
    this.density = LABEL_DENSITY[name] ?? LABEL_DENSITY.normal;
    this.canvas.dataset.labelDensity = LABEL_DENSITY[name] ? name : 'normal';
    this.requestDraw();
  }

  // Highlights `word` and its neighbours ([{word, similarity}]); null clears the selection.
  setSelection(word, neighbours = []) {
    this.selected = word;
    this.neighbours = new Map(neighbours.map((n) => [n.word, n.similarity]));
    this.canvas.dataset.selected = word ?? '';
    this.requestDraw();
  }

  // Draws an analogy a - b + c ~ answer as two arrows, b -> a and c -> answer: the same offset
  // twice when the analogy holds (a parallelogram with the dashed sides b -> c and a -> answer).
  // null clears it. An arrow is drawn only when both its words are on the map.
  setAnalogy(analogy) {
    this.analogy = analogy;
    this.requestDraw();
  }

  // Colours the points by cluster: `words` and `assignment` (0..k-1) side by side; null: one colour.
  setClusters(clusters) {
    if (!clusters) {
      this.clusterOf = null;
      this.clusterCount = 0;
    } else {
      this.clusterOf = new Map(clusters.words.map((w, i) => [w, clusters.assignment[i]]));
      this.clusterCount = clusters.k;
    }
    this.requestDraw();
  }

  // Highlights the shown words for which `test(word)` is true; null ends the search. Returns the
  // number of matches.
  setSearch(test) {
    this.matches = test ? new Set(this.words.filter((w) => test(w))) : null;
    this.search = test;
    this.canvas.dataset.matches = this.matches ? String(this.matches.size) : '';
    this.requestDraw();
    return this.matches?.size ?? 0;
  }

  // The shown words at their latest projected coordinates, with their cluster (or null).
  points() {
    return this.words.map((word, i) => ({
      word, x: this.to[2 * i], y: this.to[2 * i + 1], cluster: this.clusterOf?.get(word) ?? null,
    }));
  }

  // The map as drawn now (points, arrows' words, labels) as an SVG document; words are text nodes.
  toSvg() {
    const NS = 'http://www.w3.org/2000/svg';
    const { w, h } = this.size;
    const v = this.#view();
    const el = (name, attrs) => {
      const e = document.createElementNS(NS, name);
      for (const [k, val] of Object.entries(attrs)) e.setAttribute(k, String(val));
      return e;
    };
    const svg = el('svg', { xmlns: NS, width: w, height: h, viewBox: `0 0 ${w} ${h}` });
    svg.append(el('rect', { width: w, height: h, fill: getComputedStyle(this.canvas.parentElement).backgroundColor || '#fff' }));
    const dots = el('g', { 'fill-opacity': 0.8 });
    for (let i = this.words.length - 1; i >= 0; i -= 1) {
      const c = this.clusterOf?.get(this.words[i]);
      dots.append(el('circle', {
        cx: (v.ax * this.pos[2 * i] + v.bx).toFixed(2), cy: (v.ay * this.pos[2 * i + 1] + v.by).toFixed(2),
        r: this.#radius(i).toFixed(2), fill: c != null ? CLUSTER_COLOURS[c % CLUSTER_COLOURS.length] : this.theme.point,
      }));
    }
    svg.append(dots);
    const labels = el('g', { 'font-family': this.theme.font, fill: this.theme.label, 'dominant-baseline': 'middle' });
    for (const { i, x, y, strong } of this.labels) {
      const t = el('text', { x: x.toFixed(2), y: y.toFixed(2), 'font-size': strong ? 12.5 : 11, 'font-weight': strong ? 600 : 400 });
      t.textContent = this.words[i];
      labels.append(t);
    }
    svg.append(labels);
    return new XMLSerializer().serializeToString(svg);
  }

  has(word) { return this.index.has(word); }

  fit() {
    select(this.canvas).call(this.zoom.transform, zoomIdentity);
  }

  // Labelled points as drawn, in CSS px relative to the canvas (for tests and tools).
  labelledPoints() {
    const v = this.#view();
    return this.labels.map(({ i }) => ({
      word: this.words[i], x: v.ax * this.pos[2 * i] + v.bx, y: v.ay * this.pos[2 * i + 1] + v.by,
    }));
  }

  requestDraw() {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.#draw();
    });
  }

  // Call when an element of keepClear appears, disappears or changes size.
  keepClearChanged() {
    const rect = this.canvas.getBoundingClientRect();
    this.clearRects = this.keepClear.filter((el) => !el.hidden).map((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.left - rect.left, y: r.top - rect.top, w: r.width, h: r.height };
    });
    this.requestDraw();
  }

  #resize() {
    const rect = this.canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.size = { w: Math.max(1, rect.width), h: Math.max(1, rect.height), dpr };
    this.canvas.width = Math.round(this.size.w * dpr);
    this.canvas.height = Math.round(this.size.h * dpr);
    this.keepClearChanged();
    this.#draw();
  }

  // Data -> CSS px: fit the (animated) bounds into the canvas, then apply the user's zoom.
  #view() {
    const { w, h } = this.size;
    const f = this.fitNow ?? { cx: 0, cy: 0, w: 1, h: 1 };
    const k = Math.min((w - 2 * PAD) / f.w, (h - 2 * PAD) / f.h);
    const t = this.transform;
    return {
      ax: t.k * k, bx: t.k * (w / 2 - f.cx * k) + t.x,
      ay: -t.k * k, by: t.k * (h / 2 + f.cy * k) + t.y,
    };
  }

  #screenX(i) { const v = this.#view(); return v.ax * this.pos[2 * i] + v.bx; }
  #screenY(i) { const v = this.#view(); return v.ay * this.pos[2 * i + 1] + v.by; }

  #radius(i) {
    return 2 + Math.min(3.5, 0.9 * Math.log10(1 + this.counts[i]));
  }

  #nearest(clientX, clientY) {
    const rect = this.canvas.getBoundingClientRect();
    const x = clientX - rect.left; const y = clientY - rect.top;
    const v = this.#view();
    let best = -1; let bestD = HIT_RADIUS * HIT_RADIUS;
    for (let i = 0; i < this.words.length; i += 1) {
      const dx = v.ax * this.pos[2 * i] + v.bx - x;
      const dy = v.ay * this.pos[2 * i + 1] + v.by - y;
      const d = dx * dx + dy * dy;
      if (d <= bestD) { bestD = d; best = i; }
    }
    return best;
  }

  #pointerMoved(e) {
    if (e.buttons) return;
    const i = this.#nearest(e.clientX, e.clientY);
    if (i !== this.hover) {
      this.hover = i;
      this.canvas.style.cursor = i >= 0 ? 'pointer' : '';
      this.requestDraw();
    }
    if (i < 0) { this.#hideTooltip(); return; }
    const [strong, detail] = this.tooltip.children;
    strong.textContent = this.words[i];
    const sim = this.neighbours.get(this.words[i]);
    const count = this.counts[i];  // null for vectors opened from a file
    detail.textContent = `#${i + 1}` + (count != null ? ` · ${count.toLocaleString()}×` : '')
      + (sim !== undefined ? ` · cos ${sim.toFixed(2)}` : '');
    this.tooltip.hidden = false;
    const rect = this.canvas.getBoundingClientRect();
    const x = this.#screenX(i); const y = this.#screenY(i);
    const tw = this.tooltip.offsetWidth;
    const left = x + 12 + tw > rect.width ? x - 12 - tw : x + 12;
    this.tooltip.style.transform = `translate(${Math.round(left)}px, ${Math.round(y - 30)}px)`;
  }

  #hideTooltip() {
    this.tooltip.hidden = true;
  }

  #clicked(e) {
    const i = this.#nearest(e.clientX, e.clientY);
    this.onSelect(i >= 0 ? this.words[i] : null);
  }

  #textWidth(font, word) {
    const key = `${font}|${word}`;
    let w = this.widths.get(key);
    if (w === undefined) {
      this.ctx.font = font;
      w = this.ctx.measureText(word).width;
      if (this.widths.size > 20000) this.widths.clear();
      this.widths.set(key, w);
    }
    return w;
  }

  // Greedy labels: the selection, its neighbours and the hovered word first, then by frequency;
  // each tries right, left, above, below its point and is dropped if all four collide.
  #placeLabels(sx, sy) {
    const { w, h } = this.size;
    const grid = new LabelGrid();
    for (const r of this.clearRects) grid.add(r);
    const placed = [];
    const order = [];
    const forced = new Set();
    if (this.selected !== null && this.index.has(this.selected)) forced.add(this.index.get(this.selected));
    for (const word of this.neighbours.keys()) if (this.index.has(word)) forced.add(this.index.get(word));
    for (const word of this.#analogyWords()) if (this.index.has(word)) forced.add(this.index.get(word));
    if (this.matches) {
      let m = 0;
      for (const word of this.matches) {
        if (m++ >= MAX_SEARCH_LABELS) break;
        forced.add(this.index.get(word));
      }
    }
    if (this.hover >= 0) forced.add(this.hover);
    order.push(...forced);
    const limit = Math.min(this.words.length, this.density.tries);
    const margin = this.density.margin;
    for (let i = 0; i < limit; i += 1) if (!forced.has(i)) order.push(i);

    for (const i of order) {
      const x = sx[i]; const y = sy[i];
      if (x < -50 || x > w + 50 || y < -20 || y > h + 20) continue;
      const strong = forced.has(i) || i < 12;
      const size = strong ? 12.5 : 11;
      const font = `${strong ? 600 : 400} ${size}px ${this.theme.font}`;
      const tw = this.#textWidth(font, this.words[i]);
      const th = size + 2;
      const r = this.#radius(i) + 2.5;
      const candidates = [
        { x: x + r, y: y - th / 2 },
        { x: x - r - tw, y: y - th / 2 },
        { x: x - tw / 2, y: y - r - th },
        { x: x - tw / 2, y: y + r },
      ];
      // The first free spot; a forced label that finds none takes its first spot that fits the canvas.
      let spot = null;
      for (const c of candidates) {
        const rect = { x: c.x - 1, y: c.y, w: tw + 2, h: th };
        if (rect.x < 2 || rect.y < 2 || rect.x + rect.w > w - 2 || rect.y + rect.h > h - 2) continue;
        const room = forced.has(i) ? rect : { x: rect.x - margin, y: rect.y - margin, w: rect.w + 2 * margin, h: rect.h + 2 * margin };
        if (!grid.collides(room)) { spot = { c, rect }; break; }
        if (forced.has(i) && !spot) spot = { c, rect, overlapping: true };
      }
      if (spot) {
        grid.add(spot.rect);
        placed.push({ i, x: spot.c.x, y: spot.c.y + th / 2, font, strong });
      }
    }
    return placed;
  }

  // Moves the drawn points and bounds a step towards the latest frame: an exponential approach,
  // so frames arriving faster than an animation could finish still give smooth motion.
  #glide() {
    const now = performance.now();
    const dt = Math.min(100, now - this.lastDraw);
    this.lastDraw = now;
    const a = this.reducedMotion.matches ? 1 : 1 - Math.exp(-dt / SETTLE_MS);
    const f = this.fitNow; const g = this.fitTo;
    const eps = 1e-3 * Math.max(g.w, g.h);
    let moving = false;
    for (let j = 0; j < this.pos.length; j += 1) {
      const d = this.to[j] - this.pos[j];
      if (Math.abs(d) > eps) { this.pos[j] += d * a; moving = true; } else this.pos[j] = this.to[j];
    }
    if (Math.abs(f.cx - g.cx) + Math.abs(f.cy - g.cy) + Math.abs(f.w - g.w) + Math.abs(f.h - g.h) > eps) {
      this.fitNow = { cx: lerp(f.cx, g.cx, a), cy: lerp(f.cy, g.cy, a), w: lerp(f.w, g.w, a), h: lerp(f.h, g.h, a) };
      moving = true;
    } else {
      this.fitNow = g;
    }
    this.moving = moving;
    if (moving) this.requestDraw();
  }

  #draw() {
    const { ctx } = this;
    const { w, h, dpr } = this.size;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const n = this.words.length;
    if (n === 0) { this.labels = []; this.arrows = 0; this.#publish(); return; }

    this.#glide();

    const v = this.#view();
    const sx = new Float32Array(n); const sy = new Float32Array(n);
    for (let i = 0; i < n; i += 1) {
      sx[i] = v.ax * this.pos[2 * i] + v.bx;
      sy[i] = v.ay * this.pos[2 * i + 1] + v.by;
    }

    // The origin (the mean of the shown vectors) as a faint cross.
    ctx.strokeStyle = this.theme.axis;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(0, Math.round(v.by) + 0.5); ctx.lineTo(w, Math.round(v.by) + 0.5);
    ctx.moveTo(Math.round(v.bx) + 0.5, 0); ctx.lineTo(Math.round(v.bx) + 0.5, h);
    ctx.stroke();

    const sel = this.selected !== null && this.index.has(this.selected) ? this.index.get(this.selected) : -1;
    const focus = sel >= 0 || this.neighbours.size > 0;

    // Lines from the selected word to its neighbours.
    if (sel >= 0) {
      ctx.strokeStyle = this.theme.accent;
      ctx.globalAlpha = 0.45;
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (const word of this.neighbours.keys()) {
        const j = this.index.get(word);
        if (j === undefined) continue;
        ctx.moveTo(sx[sel], sy[sel]);
        ctx.lineTo(sx[j], sy[j]);
      }
      ctx.stroke();
      ctx.globalAlpha = 1;
    }

    this.#drawTrails(ctx, v);
    this.#drawAnalogy(ctx, sx, sy);

    // Points, rarest first so frequent words sit on top; one path per cluster colour.
    const dim = focus || this.matches !== null;
    const groups = this.clusterOf ? this.clusterCount : 1;
    for (let g = 0; g < groups; g += 1) {
      if (this.clusterOf) {
        ctx.fillStyle = CLUSTER_COLOURS[g % CLUSTER_COLOURS.length];
        ctx.globalAlpha = dim ? 0.35 : 0.85;
      } else {
        ctx.fillStyle = dim ? this.theme.pointFaint : this.theme.point;
        ctx.globalAlpha = dim ? 1 : 0.75;
      }
      ctx.beginPath();
      for (let i = n - 1; i >= 0; i -= 1) {
        if (this.clusterOf && (this.clusterOf.get(this.words[i]) ?? 0) !== g) continue;
        const r = this.#radius(i);
        ctx.moveTo(sx[i] + r, sy[i]);
        ctx.arc(sx[i], sy[i], r, 0, 2 * Math.PI);
      }
      ctx.fill();
    }
    ctx.globalAlpha = 1;

    // Search matches: rings in the label colour.
    if (this.matches) {
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = this.theme.label;
      ctx.beginPath();
      for (const word of this.matches) {
        const j = this.index.get(word);
        if (j === undefined) continue;
        const r = this.#radius(j) + 2;
        ctx.moveTo(sx[j] + r, sy[j]);
        ctx.arc(sx[j], sy[j], r, 0, 2 * Math.PI);
      }
      ctx.stroke();
    }

    // Neighbours: accent rings; the selected word: filled accent.
    for (const word of this.neighbours.keys()) {
      const j = this.index.get(word);
      if (j === undefined) continue;
      ctx.beginPath();
      ctx.arc(sx[j], sy[j], this.#radius(j) + 1.5, 0, 2 * Math.PI);
      ctx.fillStyle = this.theme.halo;
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = this.theme.accent;
      ctx.stroke();
    }
    if (sel >= 0) {
      ctx.beginPath();
      ctx.arc(sx[sel], sy[sel], this.#radius(sel) + 3, 0, 2 * Math.PI);
      ctx.fillStyle = this.theme.accent;
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = this.theme.halo;
      ctx.stroke();
    }
    if (this.hover >= 0) {
      ctx.beginPath();
      ctx.arc(sx[this.hover], sy[this.hover], this.#radius(this.hover) + 4, 0, 2 * Math.PI);
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = this.theme.label;
      ctx.stroke();
    }

    // Labels with a halo in the background colour so they read over points and lines.
    this.labels = this.#placeLabels(sx, sy);
    const analogyWords = this.#analogyWords();
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    for (const { i, x, y, font, strong } of this.labels) {
      const isSel = i === sel; const isNb = this.neighbours.has(this.words[i]);
      ctx.font = font;
      ctx.lineWidth = 3;
      ctx.strokeStyle = this.theme.halo;
      ctx.strokeText(this.words[i], x, y);
      ctx.fillStyle = isSel || isNb || analogyWords.has(this.words[i]) ? this.theme.accent
        : (focus ? this.theme.labelMuted : (strong ? this.theme.label : this.theme.labelMuted));
      ctx.fillText(this.words[i], x, y);
    }
    this.#publish();
  }

  // Trails: one faint polyline per word through its kept epochs, all in one path.
  #drawTrails(ctx, v) {
    const t = this.trails;
    if (!t || t.n !== this.words.length || t.frames < 2) return;
    const stride = 2 * t.n;
    ctx.strokeStyle = this.theme.accent;
    ctx.globalAlpha = 0.3;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let i = 0; i < t.n; i += 1) {
      for (let f = 0; f < t.frames; f += 1) {
        const x = v.ax * t.coords[f * stride + 2 * i] + v.bx;
        const y = v.ay * t.coords[f * stride + 2 * i + 1] + v.by;
        if (f === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      }
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
  }

  #analogyWords() {
    const a = this.analogy;
    return new Set(a ? [a.a, a.b, a.c, a.answer] : []);
  }

  // The analogy's two arrows (b -> a, c -> answer) and the parallelogram's other sides, dashed.
  #drawAnalogy(ctx, sx, sy) {
    this.arrows = 0;
    const an = this.analogy;
    if (!an) return;
    const at = (w) => this.index.get(w);
    const arrow = (from, to) => {
      const i = at(from); const j = at(to);
      if (i === undefined || j === undefined) return;
      const x0 = sx[i]; const y0 = sy[i]; const x1 = sx[j]; const y1 = sy[j];
      const len = Math.hypot(x1 - x0, y1 - y0);
      if (len < 1) return;
      const ux = (x1 - x0) / len; const uy = (y1 - y0) / len;
      const tipX = x1 - ux * (this.#radius(j) + 2); const tipY = y1 - uy * (this.#radius(j) + 2);
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(tipX, tipY);
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(tipX, tipY);
      ctx.lineTo(tipX - 9 * ux + 4.5 * uy, tipY - 9 * uy - 4.5 * ux);
      ctx.lineTo(tipX - 9 * ux - 4.5 * uy, tipY - 9 * uy + 4.5 * ux);
      ctx.closePath();
      ctx.fill();
      this.arrows += 1;
    };
    ctx.save();
    ctx.strokeStyle = this.theme.accent;
    ctx.globalAlpha = 0.4;
    ctx.lineWidth = 1;
    ctx.setLineDash([4, 4]);
    ctx.beginPath();
    for (const [p, q] of [[an.b, an.c], [an.a, an.answer]]) {
      const i = at(p); const j = at(q);
      if (i === undefined || j === undefined) continue;
      ctx.moveTo(sx[i], sy[i]);
      ctx.lineTo(sx[j], sy[j]);
    }
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.globalAlpha = 0.9;
    ctx.lineWidth = 2;
    ctx.fillStyle = this.theme.accent;
    arrow(an.b, an.a);
    arrow(an.c, an.answer);
    ctx.restore();
  }

  // State for tests: counts as data attributes on the canvas.
  #publish() {
    const clusters = String(this.clusterCount);
    if (this.canvas.dataset.clusters !== clusters) this.canvas.dataset.clusters = clusters;
    const arrows = String(this.arrows);
    if (this.canvas.dataset.arrows !== arrows) this.canvas.dataset.arrows = arrows;
    const labels = String(this.labels.length);
    if (this.canvas.dataset.labels !== labels) this.canvas.dataset.labels = labels;
  }
}
