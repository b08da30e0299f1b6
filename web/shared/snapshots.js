// The timeline's memory, kept by the worker: a copy of the vectors of the shown words at every
// epoch (epoch 0 is the random initialisation), bounded in bytes. Pure JS: the projection of a
// snapshot is a function passed in (the module's pcaOf), so node tests can run it without wasm.
//
// Memory rule: all snapshots together stay under capBytes (64 MB by default). Each one is
// rows × dim × 4 bytes. When a new snapshot passes the cap, every other one is dropped: the kept
// epochs go from every epoch to every 2nd, then every 4th… (0 and the newest always stay), so
// they thin out evenly and the slider interpolates between the epochs that remain.

export const SNAPSHOT_CAP_BYTES = 64 * 1024 * 1024;
export const SNAPSHOT_MIN_WORDS = 1000;  // at least this many of the most frequent words are kept

export class EpochSnapshots {
  constructor(capBytes = SNAPSHOT_CAP_BYTES) {
    this.capBytes = capBytes;
    this.clear();
  }

  clear() {
    this.words = [];      // the kept words, most frequent first
    this.counts = [];
    this.rows = 0;        // n kept words
    this.dim = 0;         // d
    this.list = [];       // [{epoch, vectors: Float32Array(rows * dim)}], epochs ascending
    this.stride = 1;      // kept epochs are multiples of this (and the newest), doubled at the cap
  }

  get bytes() { return this.list.length * this.rows * this.dim * 4; }
  get epochs() { return this.list.map((s) => s.epoch); }

  // Starts a new run's timeline with its epoch-0 snapshot.
  begin({ words, counts }, { vectors, rows, dim }) {
    this.clear();
    this.words = words.slice(0, rows);
    this.counts = counts.slice(0, rows);
    this.rows = rows;
    this.dim = dim;
    this.add(0, vectors);
  }

  // Keeps the vectors at the end of `epoch` (replacing a snapshot of the same or a later epoch),
  // thinning the old ones when over the cap.
  add(epoch, vectors) {
    if (this.rows === 0 || vectors.length !== this.rows * this.dim) return;
    this.list = this.list.filter((s) => s.epoch < epoch);
    // The newest snapshot is kept whatever its epoch; once a newer one comes, it must fit the stride.
    const last = this.list[this.list.length - 1];
    if (last && last.epoch % this.stride !== 0) this.list.pop();
    this.list.push({ epoch, vectors });
    const one = this.rows * this.dim * 4;
    while (this.list.length * one > this.capBytes && this.list.length > 2) {
      this.stride *= 2;
      const newest = this.list[this.list.length - 1];
      this.list = this.list.filter((s) => s.epoch % this.stride === 0 || s === newest);
    }
  }

  // The projected frames of some kept words: `rows` is n (the first n kept words) or an array of
  // row numbers (those words, in that order). Returns {words, counts, epochs, coords:
  // Float32Array(epochs.length * 2m)} with frame f at offset f * 2m, m the rows taken. The newest
  // frame is aligned to `anchor` (Float32Array(2m): the live map, so leaving the timeline does not
  // jump), then each older frame to the one after it, so that words move only where their vectors
  // moved. project(vectors, rows, dim, previous | null) -> Float32Array(2 rows).
  frames(rows, project, anchor = null) {
    const index = typeof rows === 'number'
      ? Array.from({ length: Math.max(0, Math.min(rows, this.rows)) }, (_, i) => i)
      : rows.filter((r) => r >= 0 && r < this.rows);
    const m = index.length;
    const prefix = index.every((r, i) => r === i);  // the first m rows: a view, no copy
    const count = this.list.length;
    const coords = new Float32Array(count * 2 * m);
    let next = anchor && anchor.length === 2 * m ? anchor : null;
    for (let f = count - 1; f >= 0 && m > 0; f -= 1) {
      const v = this.list[f].vectors;
      const d = this.dim;
      let sub;
      if (prefix) sub = m === this.rows ? v : v.subarray(0, m * d);
      else {
        sub = new Float32Array(m * d);
        index.forEach((r, i) => sub.set(v.subarray(r * d, (r + 1) * d), i * d));
      }
      const c = project(sub, m, d, next);
      coords.set(c, f * 2 * m);
      next = c;
    }
    return { words: index.map((r) => this.words[r]), counts: index.map((r) => this.counts[r]), epochs: this.epochs, coords };
  }
}

// Coordinates at fractional `epoch` between the kept frames (linear between the two nearest),
// into `out` (Float32Array(2n)). epochs ascending; coords as frames() returns.
export function interpolate({ epochs, coords }, n, epoch, out = new Float32Array(2 * n)) {
  if (epochs.length === 0) return out;
  let hi = epochs.findIndex((e) => e >= epoch);
  if (hi < 0) hi = epochs.length - 1;
  const lo = hi > 0 && epochs[hi] > epoch ? hi - 1 : hi;
  const t = hi === lo ? 0 : (epoch - epochs[lo]) / (epochs[hi] - epochs[lo]);
  const a = lo * 2 * n; const b = hi * 2 * n;
  for (let j = 0; j < 2 * n; j += 1) out[j] = coords[a + j] + t * (coords[b + j] - coords[a + j]);
  return out;
}
