// The map's frames: the PCA of the shown words (shown-words.js) in 2D or 3D, or the words placed on
// two semantic axes; while t-SNE runs on them, its latest layout instead. Also the timeline: the
// shown words' vectors kept at every epoch (snapshots.js) and their frames.
//
// Orientation is decided here, once, for every frame the map shows: PCA's axes have no preferred
// sign and two of similar spread can trade places, so each PCA frame is turned by the module
// (projectPca / pcaOf, orthogonal Procrustes) to best match the previous frame of the same words,
// whichever projection made it (a t-SNE layout or the axes too: switching back to PCA moves the
// words least; a 2D frame is matched by a 3D one seen from the front). The axes need no turning:
// their directions are named. Timeline frames: the newest matches the live map, each older one the
// one after it. The page draws frames as they come.
import { withTransfer } from '../shared/protocol.js';
import { EpochSnapshots, SNAPSHOT_MIN_WORDS } from '../shared/snapshots.js';
import { parse } from './engine.js';
import { ShownWords } from './shown-words.js';

const FRAME_MS = 500;   // a map frame rides on a progress event this often (plus epoch ends and stops)

// [fx, fy(, fz)]: the shares of the words' spread along the frame's axes. PCA's `explained` is
// along its principal axes; turning the frame moves spread between them, their sum stays.
// coords (n, dims), centred.
function sharesAlongAxes(coords, explained, dims = 2) {
  const sq = new Array(dims).fill(0);
  for (let i = 0; i < coords.length; i += 1) sq[i % dims] += coords[i] * coords[i];
  const total = sq.reduce((a, b) => a + b, 0);
  if (explained.length !== dims || !(total > 0)) return explained;
  const all = explained.reduce((a, b) => a + b, 0);
  return sq.map((s) => (all * s) / total);
}

// `coords` (n, from) as a frame of `to` dimensions: a 3D frame seen from the front (its x and y), a
// 2D frame as a 3D one with depth 0.
function inDimensions(coords, from, to) {
  if (from === to) return coords;
  const n = coords.length / from;
  const out = new Float32Array(n * to);
  for (let i = 0; i < n; i += 1) for (let k = 0; k < Math.min(from, to); k += 1) out[to * i + k] = coords[from * i + k];
  return out;
}

export class MapFrames {
  constructor({ engine, shown, tsne }) {
    Object.assign(this, { engine, shown, tsne });
    this.watching = { n: 0, only: '' };  // the words of the frames pushed with progress events; n 0 = none
    this.previous = null;      // {key: the words joined, coords, dims}: the last frame made, PCA, t-SNE or axes
    this.mode = { dims: 2, axes: null };  // frames while no t-SNE runs: PCA in dims, or on axes {x, y, orthogonal}
    this.lastFrameTime = 0;
    this.snapshots = new EpochSnapshots();  // the timeline: the shown words' vectors at every epoch
  }

  // The words `key` were just shown at `coords` (n, dims) (the t-SNE job's layouts): the next PCA
  // frame of them matches it.
  remember(key, coords, dims = 2) {
    this.previous = { key, coords, dims };
  }

  // PCA frames from now on, in `dims` (2 or 3) dimensions.
  usePca(dims) {
    if (dims !== 2 && dims !== 3) throw new Error(`the map has 2 or 3 dimensions, not ${dims}`);
    this.mode = { dims, axes: null };
  }

  // Frames of the words on the semantic axes `axes` {x, y, orthogonal} from now on; they are tried
  // on the words n, only name first, so axes that cannot be read (unknown words, one word a side)
  // throw and change nothing. Returns {axes}: how the module read them.
  useAxes({ n, only, axes }) {
    const shown = this.shown.resolve(n, only);
    const spec = { x: String(axes?.x ?? ''), y: String(axes?.y ?? ''), orthogonal: axes?.orthogonal !== false };
    const r = parse(this.engine.workspace.axes(ShownWords.selection(n, shown), spec.x, spec.y, spec.orthogonal));
    this.mode = { dims: 2, axes: spec };
    return { axes: r.axes };
  }

  watch({ n, only }) {
    this.watching = { n: Math.max(0, Math.floor(n)), only: String(only ?? '') };
    return null;
  }

  // The frame of the words n, only name: {words, counts, coords (dims per word), dims, projection,
  // pool: n, only: the search mapped}, with PCA's shares of the spread (explained) or the axes as read.
  snapshot({ n, only }) {
    this.engine.requireModel();
    const shown = this.shown.resolve(n, only);
    const tsne = this.tsne.frameOf(shown.key);
    if (tsne) return withTransfer(tsne, [tsne.coords.buffer]);
    const { key, words, counts } = shown;
    const selection = ShownWords.selection(n, shown);
    const { dims, axes } = this.mode;
    let frame;
    if (axes) {
      const r = parse(this.engine.workspace.axes(selection, axes.x, axes.y, axes.orthogonal));  // throws: words gone
      frame = { coords: r.coords, projection: 'axes', axes: r.axes };
    } else {
      const pca = parse(this.engine.workspace.projectPca(selection, this.#previousOf(key, dims), dims));  // throws: too few, no spread
      const coords = pca.coords instanceof Float32Array ? pca.coords : Float32Array.from(pca.coords);
      frame = { coords, projection: 'pca', explained: sharesAlongAxes(coords, Array.from(pca.explained ?? []), dims) };
    }
    this.remember(key, frame.coords.slice(), dims);
    return withTransfer({ words, counts, dims, ...frame, pool: shown.pool, only: shown.ids ? only : '' }, [frame.coords.buffer]);
  }

  // The frame a progress event carries, or null: of the watched words, while no t-SNE runs, at most
  // every FRAME_MS unless `now` (an epoch's end, the loop stopping).
  forProgress(now) {
    const time = performance.now();
    if (this.watching.n === 0 || this.tsne.of === 'words' || !(now || time - this.lastFrameTime >= FRAME_MS)) return null;
    this.lastFrameTime = time;
    try {
      return this.snapshot(this.watching);
    } catch {
      return null;  // the watched words cannot be projected (the page only watches words it could)
    }
  }

  // Keeps the vectors of the shown words (at least SNAPSHOT_MIN_WORDS) at the end of `epoch`; epoch 0
  // (the random initialisation) starts the timeline afresh.
  keepEpoch(epoch) {
    const workspace = this.engine.workspace;
    if (epoch === 0) {
      const n = Math.max(this.watching.n, SNAPSHOT_MIN_WORDS);
      const v = workspace.vectorsOf(n);
      if (v.vectors) this.snapshots.begin(parse(workspace.words(n)), v);
      else this.snapshots.clear();
    } else {
      this.snapshots.add(epoch, workspace.vectorsOf(this.snapshots.rows).vectors);
    }
  }

  // The timeline of the shown words, those of them that were kept (the snapshots hold the most
  // frequent words of the run): every kept epoch's PCA, the newest aligned to the live map, each
  // older one to the one after it. `missing` counts the shown words not kept.
  timeline({ n, only }) {
    this.engine.requireModel();
    const shown = this.shown.resolve(n, only);
    const rowOf = new Map(this.snapshots.words.map((w, i) => [w, i]));
    const rows = shown.words.map((w) => rowOf.get(w)).filter((r) => r !== undefined);
    if (shown.ids && rows.length === 0 && this.snapshots.rows > 0) {
      throw new Error(`none of the shown words is in the timeline, which keeps the ${this.snapshots.rows} most frequent words`);
    }
    const key = rows.map((r) => this.snapshots.words[r]).join('\n');
    const anchor = this.#previousOf(key, 2);
    const project = (vectors, r, dim, previous) => this.engine.workspace.pcaOf(vectors, r, dim, previous).coords ?? new Float32Array(2 * r);
    const t = this.snapshots.frames(rows, project, anchor);
    return withTransfer({
      ...t, missing: shown.words.length - t.words.length, keptWords: this.snapshots.rows,
      bytes: this.snapshots.bytes, capBytes: this.snapshots.capBytes,
    }, [t.coords.buffer]);
  }

  // The previous frame's coordinates, in `dims` dimensions, if it was of the words `key`; else null.
  #previousOf(key, dims) {
    const p = this.previous;
    return p?.key === key ? inDimensions(p.coords, p.dims, dims) : null;
  }

  // A new source of vectors: the timeline belongs to the old one.
  clear() {
    this.snapshots.clear();
  }
}
