// The map: words as points on a canvas at their 2D PCA coordinates. Zoom and pan with d3-zoom,
// hover for a word's count, click to select it (its neighbours are highlighted). Frames from the
// worker are animated into each other; labels go to the most frequent words first and never overlap.
// A frame in 3D (dims 3) is seen through an orbit camera instead (map3d.js: drag turns, the wheel
// zooms), with the same labels, highlights and click. Overlays (setOverlay) draw what a panel adds
// over the points: the semantic axes' names, the odd one out's lines.
import { select } from 'd3-selection';
import { zoom as d3zoom, zoomIdentity } from 'd3-zoom';
import { GlPoints, SLOTS } from './gl-points.js';
import { DEPTH_BANDS, Orbit, bounds3, drawAxes3, drawPointsInDepth, project3 } from './map3d.js';

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
  forced: { tries: 0, margin: 0 },  // only the selection, its neighbours, search matches and the hovered point
});
const CELL = 48;           // CSS px: cell of the label collision grid
const LABEL_DEPTH = 0.45;  // 3D: only points nearer than this (0 far .. 1 near) get a label unless forced
const TURNING_MS = 150;    // 3D: this soon after the last turn or zoom the view is still moving…
const TURNING_LABELS = 40; // …and only this many frequent words are tried for a label (text is the costly part)

const lerp = (a, b, t) => a + (b - a) * t;

// Cluster colours: Okabe & Ito's palette, told apart with every common colour-vision deficiency
// (black replaced by grey so it also reads in dark mode). k-means offers at most this many clusters.
export const CLUSTER_COLOURS = Object.freeze(['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#999999']);
// Fills a clustered map's legend (an <ol>): one line per cluster, its colour's swatch and `lines[c]`
// (as text); null empties and hides it.
export function fillClusterLegend(legend, lines) {
  legend.replaceChildren();
  legend.hidden = !lines;
  for (const [c, line] of (lines ?? []).entries()) {
    const li = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = CLUSTER_COLOURS[c % CLUSTER_COLOURS.length];
    const text = document.createElement('span');
    text.className = 'members';
    text.textContent = line;
    li.append(swatch, text);
    legend.append(li);
  }
}
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
  // the canvas that labels must not cover; glCanvas: a canvas under it for the 3D view's points
  // (gl-points.js; without one, or without WebGL, they are drawn on `canvas`). The points are words
  // unless told otherwise (the unit map's are units of text, named by their number): labelOf(i) is
  // point i's label, and describe(i, cosine) the tooltip's [title, detail] (default: the word, its
  // rank, count and cosine); ringsOnly: the selection's neighbours and search matches are ringed, not labelled.
  constructor(canvas, tooltip, { onSelect, keepClear = [], glCanvas = null, labelOf = null, describe = null, ringsOnly = false } = {}) {
    this.keepClear = keepClear;
    this.ringsOnly = ringsOnly;  // neighbours and search matches get rings but no labels (long labels would pile up)
    this.labelOf = labelOf ?? ((i) => this.words[i]);
    this.describe = describe;
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
    this.dims = 2;                   // of the frame shown: 2, or 3 (the 3D view)
    this.screen = { sx: new Float32Array(0), sy: new Float32Array(0), depth: null, scale: null };  // as last drawn, CSS px
    this.overlays = new Map();       // name -> {draw(ctx, layer) -> rects kept free of labels, words: labelled first}
    this.overlaysDrawn = [];         // their names, as in the last draw
    this.glPoints = glCanvas ? new GlPoints(glCanvas) : null;
    this.readTheme();

    // 2D: d3-zoom pans and zooms; 3D: the orbit turns and zooms (each ignores the other's frames).
    this.zoom = d3zoom()
      .scaleExtent([0.5, 60])
      .filter((e) => this.dims === 2 && (!e.ctrlKey || e.type === 'wheel') && !e.button)
      .on('start', () => this.#hideTooltip())
      .on('zoom', (e) => { this.transform = e.transform; this.requestDraw(); });
    select(canvas).call(this.zoom);
    this.orbit = new Orbit(canvas, () => {
      this.#hideTooltip();
      this.turnedAt = performance.now();
      this.requestDraw();
      clearTimeout(this.settleTimer);  // once still, the full set of labels again
      this.settleTimer = setTimeout(() => this.requestDraw(), TURNING_MS + 10);
    });
    this.turnedAt = -Infinity;

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
    this.glPoints?.setColours([...CLUSTER_COLOURS, this.theme.point], getComputedStyle(this.canvas.parentElement).backgroundColor);
  }

  get pointCount() { return this.words.length; }
  get labelCount() { return this.labels.length; }
  get settled() { return !this.moving; }

  // A new frame: {words, counts, coords: Float32Array(dims * n), dims: 2 (default) or 3}, drawn as
  // it comes (the worker turns each PCA frame to match the one before, worker/frames.js). The same
  // words glide from where they are; other words (or another number of dimensions) appear at once.
  setFrame({ words, counts, coords, dims = 2, projection = null }) {
    const n = Math.min(words.length, Math.floor(coords.length / dims));
    const sameWords = dims === this.dims && n === this.words.length && words.every((w, i) => w === this.words[i]);
    const next = coords.length === dims * n ? coords : coords.slice(0, dims * n);
    const fit = dims === 3 ? bounds3 : bounds;
    if (!sameWords || n === 0) {
      this.words = words.slice(0, n);
      this.counts = counts.slice(0, n);
      this.index = new Map(this.words.map((w, i) => [w, i]));
      this.pos = next.slice();    // a different set of words: no glide
      this.fitNow = fit(next);
      this.hover = -1;
      if (dims !== this.dims) this.#hideTooltip();
    }
    this.dims = dims;
    this.projection = projection;    // pca | tsne | axes, or null (the timeline's frames)
    this.orbit.active = dims === 3;
    this.to = next;
    this.fitTo = fit(next);
    if (!sameWords && this.search) this.setSearch(this.search);
    this.canvas.dataset.points = String(n);
    this.canvas.dataset.dims = String(dims);
    this.requestDraw();
  }

  // Draws `overlay` {draw(ctx, layer), words} over the points under `name` (null removes it): layer
  // is {sx, sy, index (word -> i), size, radius(i), theme, origin (2D: the data's 0 in CSS px, else
  // null), avoid (rectangles of the elements over the canvas), projection (of the frame)}; draw
  // returns the rectangles (CSS px) labels must keep clear of, or null when it drew nothing;
  // `words` get labels first.
  setOverlay(name, overlay) {
    if (overlay) this.overlays.set(name, overlay);
    else this.overlays.delete(name);
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

  // The shown words at their latest projected coordinates (z too in 3D), with their cluster (or null).
  points() {
    const d = this.dims;
    return this.words.map((word, i) => ({
      word, x: this.to[d * i], y: this.to[d * i + 1], ...(d === 3 ? { z: this.to[3 * i + 2] } : {}), cluster: this.clusterOf?.get(word) ?? null,
    }));
  }

  // The map as drawn now (points, arrows' words, labels) as an SVG document; words are text nodes.
  toSvg() {
    const NS = 'http://www.w3.org/2000/svg';
    const { w, h } = this.size;
    const el = (name, attrs) => {
      const e = document.createElementNS(NS, name);
      for (const [k, val] of Object.entries(attrs)) e.setAttribute(k, String(val));
      return e;
    };
    const svg = el('svg', { xmlns: NS, width: w, height: h, viewBox: `0 0 ${w} ${h}` });
    svg.append(el('rect', { width: w, height: h, fill: getComputedStyle(this.canvas.parentElement).backgroundColor || '#fff' }));
    const dots = el('g', { 'fill-opacity': 0.8 });
    const { sx, sy, depth } = this.screen;
    const order = [...this.words.keys()].reverse();
    if (depth) order.sort((a, b) => depth[a] - depth[b]);  // 3D: far points first
    for (const i of order) {
      const c = this.clusterOf?.get(this.words[i]);
      dots.append(el('circle', {
        cx: sx[i].toFixed(2), cy: sy[i].toFixed(2),
        r: this.#radius(i).toFixed(2), fill: c != null ? CLUSTER_COLOURS[c % CLUSTER_COLOURS.length] : this.theme.point,
      }));
    }
    svg.append(dots);
    const labels = el('g', { 'font-family': this.theme.font, fill: this.theme.label, 'dominant-baseline': 'middle' });
    for (const { i, x, y, strong } of this.labels) {
      const t = el('text', { x: x.toFixed(2), y: y.toFixed(2), 'font-size': strong ? 12.5 : 11, 'font-weight': strong ? 600 : 400 });
      t.textContent = this.labelOf(i);
      labels.append(t);
    }
    svg.append(labels);
    return new XMLSerializer().serializeToString(svg);
  }

  has(word) { return this.index.has(word); }

  fit() {
    if (this.dims === 3) this.orbit.reset();
    else select(this.canvas).call(this.zoom.transform, zoomIdentity);
  }

  // Labelled points as drawn, in CSS px relative to the canvas (for tests and tools).
  labelledPoints() {
    return this.labels.map(({ i }) => ({ word: this.words[i], x: this.screen.sx[i], y: this.screen.sy[i] }));
  }

  // Every point as drawn, in CSS px relative to the canvas (for tests and tools).
  screenPoints() {
    const v = this.#view();
    return this.words.map((word, i) => ({ word, x: v.ax * this.pos[2 * i] + v.bx, y: v.ay * this.pos[2 * i + 1] + v.by }));
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
    this.glPoints?.resize(this.size);
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

  // Where point i was last drawn (CSS px) and how large: in 3D nearer points are larger.
  #screenX(i) { return this.screen.sx[i]; }
  #screenY(i) { return this.screen.sy[i]; }

  #radius(i) {
    return (2 + Math.min(3.5, 0.9 * Math.log10(1 + this.counts[i]))) * (this.screen.scale?.[i] ?? 1);
  }

  // The point under the pointer: the nearest within HIT_RADIUS as drawn (in 3D, a nearer point wins
  // over one a pixel or two closer behind it).
  #nearest(clientX, clientY) {
    const rect = this.canvas.getBoundingClientRect();
    const x = clientX - rect.left; const y = clientY - rect.top;
    const { sx, sy, depth } = this.screen;
    let best = -1; let bestD = HIT_RADIUS * HIT_RADIUS;
    for (let i = 0; i < Math.min(this.words.length, sx.length); i += 1) {
      const dx = sx[i] - x; const dy = sy[i] - y;
      const d = dx * dx + dy * dy;
      if (d > HIT_RADIUS * HIT_RADIUS) continue;
      const score = depth ? d - 16 * depth[i] : d;
      if (score <= bestD) { bestD = score; best = i; }
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
    const sim = this.neighbours.get(this.words[i]);
    if (this.describe) {
      [strong.textContent, detail.textContent] = this.describe(i, sim);
    } else {
      strong.textContent = this.words[i];
      const count = this.counts[i];  // null for vectors opened from a file
      detail.textContent = `#${i + 1}` + (count != null ? ` · ${count.toLocaleString()}×` : '')
        + (sim !== undefined ? ` · cos ${sim.toFixed(2)}` : '');
    }
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
    if (this.dims === 3 && this.orbit.dragged) return;  // the press turned the view
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
  #placeLabels(sx, sy, depth, keepFree) {
    const { w, h } = this.size;
    const grid = new LabelGrid();
    for (const r of this.clearRects) grid.add(r);
    for (const r of keepFree) grid.add(r);
    const placed = [];
    const order = [];
    const forced = new Set();
    if (this.selected !== null && this.index.has(this.selected)) forced.add(this.index.get(this.selected));
    if (!this.ringsOnly) for (const word of this.neighbours.keys()) if (this.index.has(word)) forced.add(this.index.get(word));
    for (const word of this.#analogyWords()) if (this.index.has(word)) forced.add(this.index.get(word));
    if (this.matches && !this.ringsOnly) {
      let m = 0;
      for (const word of this.matches) {
        if (m++ >= MAX_SEARCH_LABELS) break;
        forced.add(this.index.get(word));
      }
    }
    for (const overlay of this.overlays.values()) for (const word of overlay.words ?? []) if (this.index.has(word)) forced.add(this.index.get(word));
    if (this.hover >= 0) forced.add(this.hover);
    order.push(...forced);
    const turning = this.dims === 3 && performance.now() - this.turnedAt < TURNING_MS;
    const limit = Math.min(this.words.length, turning ? Math.min(TURNING_LABELS, this.density.tries) : this.density.tries);
    const margin = this.density.margin;
    for (let i = 0; i < limit; i += 1) if (!forced.has(i)) order.push(i);

    for (const i of order) {
      const x = sx[i]; const y = sy[i];
      if (x < -50 || x > w + 50 || y < -20 || y > h + 20) continue;
      if (depth && depth[i] < LABEL_DEPTH && !forced.has(i)) continue;  // 3D: the far half stays unlabelled
      const strong = forced.has(i) || i < 12;
      const size = strong ? 12.5 : 11;
      const font = `${strong ? 600 : 400} ${size}px ${this.theme.font}`;
      const tw = this.#textWidth(font, this.labelOf(i));
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
    const eps = 1e-3 * (g.r ?? Math.max(g.w, g.h));  // 3D: a sphere's radius; 2D: the box
    let moving = false;
    for (let j = 0; j < this.pos.length; j += 1) {
      const d = this.to[j] - this.pos[j];
      if (Math.abs(d) > eps) { this.pos[j] += d * a; moving = true; } else this.pos[j] = this.to[j];
    }
    const keys = Object.keys(g);
    if (keys.reduce((sum, k) => sum + Math.abs(f[k] - g[k]), 0) > eps) {
      this.fitNow = Object.fromEntries(keys.map((k) => [k, lerp(f[k], g[k], a)]));
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
    if (n === 0 || this.dims !== 3) this.glPoints?.clear();
    if (n === 0) { this.labels = []; this.arrows = 0; this.overlaysDrawn = []; this.#publish(); return; }

    this.#glide();

    const v = this.#view();
    let sx; let sy; let depth = null;
    if (this.dims === 3) {
      this.screen = project3(this.pos, n, this.fitNow, this.orbit, this.size, this.screen);
      ({ sx, sy, depth } = this.screen);
      drawAxes3(ctx, this.fitNow, this.orbit, this.size, this.theme.axis);
    } else {
      sx = new Float32Array(n); sy = new Float32Array(n);
      for (let i = 0; i < n; i += 1) {
        sx[i] = v.ax * this.pos[2 * i] + v.bx;
        sy[i] = v.ay * this.pos[2 * i + 1] + v.by;
      }
      this.screen = { sx, sy, depth: null, scale: null };
      // The origin (the mean of the shown vectors) as a faint cross.
      ctx.strokeStyle = this.theme.axis;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(0, Math.round(v.by) + 0.5); ctx.lineTo(w, Math.round(v.by) + 0.5);
      ctx.moveTo(Math.round(v.bx) + 0.5, 0); ctx.lineTo(Math.round(v.bx) + 0.5, h);
      ctx.stroke();
    }

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

    // Points, rarest first so frequent words sit on top; one path per cluster colour (3D: per depth
    // band too, far first, fainter).
    const dim = focus || this.matches !== null;
    const groups = this.clusterOf ? this.clusterCount : 1;
    if (depth && this.glPoints?.ok) {
      this.glPoints.draw(this.screen, n, this.#glStyle(n, dim));
    } else if (depth) {
      drawPointsInDepth(ctx, this.screen, n, {
        radius: (i) => this.#radius(i),
        groups,
        group: (i) => (this.clusterOf ? this.clusterOf.get(this.words[i]) ?? 0 : 0),
        style: (g, band) => {
          const near = 0.25 + 0.75 * ((band + 1) / DEPTH_BANDS);  // the depth cue: far bands fainter
          ctx.fillStyle = this.clusterOf ? CLUSTER_COLOURS[g % CLUSTER_COLOURS.length] : (dim ? this.theme.pointFaint : this.theme.point);
          ctx.globalAlpha = (dim ? 0.45 : 0.9) * near;
        },
      });
    }
    for (let g = 0; g < (depth ? 0 : groups); g += 1) {
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

    // What the panels draw over the points (the axes' names, the odd one out's lines).
    const keepFree = [];
    this.overlaysDrawn = [];
    const layer = {
      sx, sy, index: this.index, size: this.size, radius: (i) => this.#radius(i), theme: this.theme,
      origin: depth ? null : { x: v.bx, y: v.by },  // 2D: where the data's 0 is on the canvas
      avoid: this.clearRects,                        // the legend and messages over the canvas
      projection: this.projection,                   // of the frame drawn: pca | tsne | axes | null
    };
    for (const [name, overlay] of this.overlays) {
      ctx.save();
      const rects = overlay.draw(ctx, layer);  // null: nothing to draw on this frame
      ctx.restore();
      if (rects) this.overlaysDrawn.push(name);
      keepFree.push(...(rects ?? []));
    }

    // Labels with a halo in the background colour so they read over points and lines.
    this.labels = this.#placeLabels(sx, sy, depth, keepFree);
    const analogyWords = this.#analogyWords();
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    for (const { i, x, y, font, strong } of this.labels) {
      const isSel = i === sel; const isNb = this.neighbours.has(this.words[i]);
      ctx.font = font;
      ctx.lineWidth = 3;
      ctx.strokeStyle = this.theme.halo;
      const label = this.labelOf(i);
      ctx.strokeText(label, x, y);
      ctx.fillStyle = isSel || isNb || analogyWords.has(this.words[i]) ? this.theme.accent
        : (focus ? this.theme.labelMuted : (strong ? this.theme.label : this.theme.labelMuted));
      ctx.fillText(label, x, y);
    }
    this.#publish();
  }

  // How the GPU layer draws the 3D view's points: cluster colours (slot 8: the plain colour), faded
  // while a selection or a search dims the rest.
  #glStyle(n, dim) {
    return {
      radius: (i) => this.#radius(i),
      slot: (i) => (this.clusterOf ? (this.clusterOf.get(this.words[i]) ?? 0) % (SLOTS - 1) : SLOTS - 1),
      strength: dim ? 0.45 : 1,
      size: this.size,
    };
  }

  // For tests: the pixels the 3D view's points cover on the GPU layer (drawn again and read back
  // at once); null when the points are on the map's own canvas (2D, or no WebGL).
  glCoverage() {
    const n = this.words.length;
    if (this.dims !== 3 || !this.glPoints?.ok || n === 0) return null;
    this.glPoints.draw(this.screen, n, this.#glStyle(n, this.selected !== null || this.neighbours.size > 0 || this.matches !== null));
    return this.glPoints.coveredPixels();
  }

  // The map as one picture (PNG): the canvas, or in 3D on the GPU layer, both layers on the
  // map's background.
  pictureCanvas() {
    if (this.glCoverage() == null) return this.canvas;  // drawn again just now: the GPU layer holds its points
    const out = document.createElement('canvas');
    out.width = this.canvas.width;
    out.height = this.canvas.height;
    const ctx = out.getContext('2d');
    ctx.fillStyle = getComputedStyle(this.canvas.parentElement).backgroundColor || '#fff';
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(this.glPoints.canvas, 0, 0);
    ctx.drawImage(this.canvas, 0, 0);
    return out;
  }

  // Trails: one faint polyline per word through its kept epochs, all in one path.
  #drawTrails(ctx, v) {
    const t = this.trails;
    if (!t || t.n !== this.words.length || t.frames < 2 || this.dims !== 2) return;
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
    const overlays = this.overlaysDrawn.join(',');
    if (this.canvas.dataset.overlays !== overlays) this.canvas.dataset.overlays = overlays;
  }
}
