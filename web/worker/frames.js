// The map's frames: the PCA of the shown words (shown-words.js); while t-SNE runs on them, its latest
// layout instead. Also the timeline: the shown words' vectors kept at every epoch (snapshots.js) and
// their frames.
//
// Orientation is decided here, once, for every frame the map shows: PCA's axes have no preferred
// sign and two of similar spread can trade places, so each PCA frame is turned by the module
// (pcaAligned / pcaOf, orthogonal Procrustes) to best match the previous frame of the same words,
// whichever projection made it (a t-SNE layout too: switching back to PCA moves the words least).
// Timeline frames: the newest matches the live map, each older one the one after it. The page draws
// frames as they come.
import { withTransfer } from '../shared/protocol.js';
import { EpochSnapshots, SNAPSHOT_MIN_WORDS } from '../shared/snapshots.js';
import { parse } from './engine.js';
import { ShownWords } from './shown-words.js';

const FRAME_MS = 500;   // a map frame rides on a progress event this often (plus epoch ends and stops)

// [fx, fy]: the shares of the words' spread along the frame's x and y. PCA's `explained` is along
// its two principal axes; turning the frame moves spread between x and y, their sum stays.
// coords (n, 2), centred.
function sharesAlongAxes(coords, explained) {
  let xx = 0; let yy = 0;
  for (let i = 0; i < coords.length; i += 2) { xx += coords[i] * coords[i]; yy += coords[i + 1] * coords[i + 1]; }
  if (explained.length !== 2 || !(xx + yy > 0)) return explained;
  const both = explained[0] + explained[1];
  return [(both * xx) / (xx + yy), (both * yy) / (xx + yy)];
}

export class MapFrames {
  constructor({ engine, shown, tsne }) {
    Object.assign(this, { engine, shown, tsne });
    this.watching = { n: 0, only: '' };  // the words of the frames pushed with progress events; n 0 = none
    this.previous = null;      // {key: the words joined, coords}: the last frame made, PCA or t-SNE
    this.lastFrameTime = 0;
    this.snapshots = new EpochSnapshots();  // the timeline: the shown words' vectors at every epoch
  }

  // The words `key` were just shown at `coords` (the t-SNE job's layouts): the next PCA frame of them matches it.
  remember(key, coords) {
    this.previous = { key, coords };
  }

  watch({ n, only }) {
    this.watching = { n: Math.max(0, Math.floor(n)), only: String(only ?? '') };
    return null;
  }

  // The frame of the words n, only name. The frame's `pool` is n; `only` is the search mapped.
  snapshot({ n, only }) {
    this.engine.requireModel();
    const shown = this.shown.resolve(n, only);
    const tsne = this.tsne.frameOf(shown.key);
    if (tsne) return withTransfer(tsne, [tsne.coords.buffer]);
    const { key, words, counts } = shown;
    const pca = parse(this.engine.workspace.pcaAligned(ShownWords.selection(n, shown), this.#previousOf(key)));  // throws: too few, no spread
    const coords = pca.coords instanceof Float32Array ? pca.coords : Float32Array.from(pca.coords);
    this.remember(key, coords.slice());
    return withTransfer(
      { words, counts, coords, explained: sharesAlongAxes(coords, Array.from(pca.explained ?? [])), pool: shown.pool, only: shown.ids ? only : '' },
      [coords.buffer],
    );
  }

  // The frame a progress event carries, or null: of the watched words, while no t-SNE runs, at most
  // every FRAME_MS unless `now` (an epoch's end, the loop stopping).
  forProgress(now) {
    const time = performance.now();
    if (this.watching.n === 0 || this.tsne.active || !(now || time - this.lastFrameTime >= FRAME_MS)) return null;
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
    const anchor = this.#previousOf(key);
    const project = (vectors, r, dim, previous) => this.engine.workspace.pcaOf(vectors, r, dim, previous).coords ?? new Float32Array(2 * r);
    const t = this.snapshots.frames(rows, project, anchor);
    return withTransfer({
      ...t, missing: shown.words.length - t.words.length, keptWords: this.snapshots.rows,
      bytes: this.snapshots.bytes, capBytes: this.snapshots.capBytes,
    }, [t.coords.buffer]);
  }

  // The previous frame's coordinates if it was of the words `key`, else null.
  #previousOf(key) {
    return this.previous?.key === key ? this.previous.coords : null;
  }

  // A new source of vectors: the timeline belongs to the old one.
  clear() {
    this.snapshots.clear();
  }
}
