// The timeline bar: scrub through the epochs of the run (the worker keeps the shown words'
// vectors at every epoch, see snapshots.js), play them as an animation from the random
// initialisation to the latest epoch, and draw each word's path. While the user looks at an
// earlier epoch the map stops following training; "live" goes back.
import { interpolate } from '../shared/snapshots.js';

const PLAY_MS_PER_EPOCH = 600;   // Play epochs: this long from one epoch to the next
const PLAY_MIN_MS = 2500;        // …and never shorter than this in all

export class Timeline {
  // els: {bar, slider, start, end, label, play, trails, live, note}; call(type, fields): the worker;
  // map: the WordMap; shown(): the shown words as the requests name them, {n, only} (protocol.js);
  // onLive(): called on returning to live.
  constructor(els, { call, map, shown, onLive }) {
    Object.assign(this, { els, call, map, shown, onLive });
    this.live = true;        // the map follows training
    this.latest = 0;         // the newest finished epoch of the run
    this.data = null;        // the worker's timeline reply, or null
    this.stale = true;       // a newer epoch ended since data was fetched
    this.epoch = 0;          // the epoch shown when not live (fractional while playing)
    this.playing = 0;        // requestAnimationFrame id of Play epochs, or 0
    this.problem = null;     // why the last timeline request failed, or null
    els.slider.addEventListener('input', () => this.scrub(Number(els.slider.value)));
    els.play.addEventListener('click', () => (this.playing ? this.stopPlaying() : this.play()));
    els.live.addEventListener('click', () => this.goLive());
    els.trails.addEventListener('change', () => this.#trails());
    this.#publish();
  }

  // A progress event: the slider reaches the newest finished epoch.
  progress(p) {
    const latest = p.epoch ?? 0;  // finished epochs: each has its snapshot
    if (latest !== this.latest) { this.latest = latest; this.stale = true; }
    this.#publish();
  }

  // A new run (or none): back to live, nothing kept.
  reset() {
    this.stopPlaying();
    this.latest = 0;
    this.data = null;
    this.stale = true;
    this.live = true;
    this.problem = null;
    this.map.setTrails(null);
    this.#publish();
  }

  // The words shown changed: the frames must be asked again.
  invalidate() { this.stale = true; if (!this.live) this.#load().then(() => this.#show(), () => {}); }

  async #load() {
    if (!this.stale && this.data) return this.data;
    let reply;
    try {
      reply = await this.call('timeline', this.shown());
    } catch (err) {
      this.problem = err.message;
      this.data = null;
      this.#publish();
      throw err;
    }
    this.problem = null;
    this.data = reply.epochs.length > 0 ? reply : null;
    this.stale = false;
    this.#trails();
    this.#publish();
    return this.data;
  }

  // Shows `epoch` (fractional: between the two kept epochs around it); the map stops following.
  async scrub(epoch) {
    this.live = false;
    this.epoch = epoch;
    this.#publish();
    try {
      await this.#load();
    } catch {
      return;  // the note says why
    }
    this.#show();
  }

  #show() {
    const d = this.data;
    if (!d || this.live) return;
    const n = d.words.length;
    const coords = interpolate(d, n, Math.min(this.epoch, d.epochs[d.epochs.length - 1]));
    this.map.setFrame({ words: d.words, counts: d.counts, coords });
    this.#publish();
  }

  // Play epochs: from the random initialisation (epoch 0) to the newest epoch, interpolated.
  async play() {
    this.stopPlaying();
    await this.scrub(0);
    const d = this.data;
    if (!d) return;
    const last = d.epochs[d.epochs.length - 1];
    const total = Math.max(PLAY_MIN_MS, last * PLAY_MS_PER_EPOCH);
    const t0 = performance.now();
    const tick = () => {
      const t = Math.min(1, (performance.now() - t0) / total);
      this.epoch = t * last;
      this.els.slider.value = String(this.epoch);
      this.#show();
      this.playing = t < 1 ? requestAnimationFrame(tick) : 0;
      if (!this.playing) this.#publish();
    };
    this.playing = requestAnimationFrame(tick);
    this.#publish();
  }

  stopPlaying() {
    if (this.playing) cancelAnimationFrame(this.playing);
    this.playing = 0;
    this.#publish();
  }

  goLive() {
    this.stopPlaying();
    if (this.live) return;
    this.live = true;
    this.#publish();
    this.onLive();
  }

  #trails() {
    const d = this.data;
    this.map.setTrails(this.els.trails.checked && d ? { coords: d.coords, frames: d.epochs.length, n: d.words.length } : null);
  }

  #publish() {
    const { bar, slider, end, label, play, live } = this.els;
    slider.max = String(Math.max(1, this.latest));
    slider.step = 'any';
    if (this.live) slider.value = String(this.latest);
    slider.disabled = this.latest < 1;
    play.disabled = this.latest < 1;
    end.textContent = String(this.latest);
    play.textContent = this.playing ? 'Stop' : 'Play epochs';
    live.disabled = this.live;
    const shown = this.live ? this.latest : this.epoch;
    label.textContent = this.live ? 'live' : `epoch ${Number.isInteger(shown) ? shown : shown.toFixed(1)}`;
    bar.dataset.live = String(this.live);
    bar.dataset.epoch = String(shown);
    bar.dataset.latest = String(this.latest);
    bar.dataset.playing = String(Boolean(this.playing));
    bar.dataset.kept = this.data ? this.data.epochs.join(',') : '';
    // Shown words the snapshots do not hold (they keep the most frequent words of the run) are
    // left out of the timeline's frames: say so, rather than let them vanish unexplained.
    const missing = this.live ? 0 : this.data?.missing ?? 0;
    const note = this.live ? null : this.problem ?? (missing > 0
      ? `${missing} of the ${missing + this.data.words.length} shown words are not in the timeline: it keeps the ${this.data.keptWords} most frequent`
      : null);
    this.els.note.hidden = !note;
    this.els.note.textContent = note ?? '';
    bar.dataset.missing = String(missing);
  }
}
