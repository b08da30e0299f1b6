// The training worker: owns the WebAssembly module and the one Session of the current run. It
// trains in chunks of about CHUNK_MS, yields between chunks so requests (pause, predict, a map
// snapshot…) are answered at once, and pushes progress events. Messages: see protocol.js.
/* global importScripts, createEmbPlay */
import { PROGRESS, serve, withTransfer } from '../shared/protocol.js';
import { EpochSnapshots, SNAPSHOT_MIN_WORDS } from '../shared/snapshots.js';
import { Ideas } from './ideas.js';
import { readSearch } from '../shared/search.js';

importScripts('embplay.js');

const CHUNK_MS = 30;          // work per step() call between yields
const EVENT_MS = 100;         // at most one progress event this often (plus epoch ends)
const FRAME_MS = 500;         // a map frame rides on a progress event this often (plus epoch ends)
const MAX_BUDGET = 1 << 22;   // examples per chunk, whatever the measured speed
const CHUNKS_PER_EPOCH = 24;  // at least this many loss points per epoch, however fast it trains
const TSNE_MS = 25;            // t-SNE work per slice between training chunks
const WORD2VEC_STEP = 100;    // words trained by one Step of a word2vec run (at least a sentence)
// The evaluation sets, shipped beside the page (web/build.mjs copies them): name for the module, file.
const EVAL_SETS = [['questions-words', 'questions-words.txt'], ['wordsim353', 'wordsim353.tsv'], ['simlex999', 'simlex999.txt']];

// Resolves after the worker has had a chance to handle queued messages. A MessageChannel avoids
// the 4 ms clamp that nested setTimeout(0) calls get.
function makeYielder() {
  const channel = new MessageChannel();
  const waiting = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () => new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}

// Turns the module's running mean over the epoch (train_loss at epoch_position) into the mean
// loss over the examples of each step() call: the points of the loss curve.
class ChunkLoss {
  constructor() { this.reset(); }
  reset() {
    this.prevPos = 0;     // epoch_position at the previous reading
    this.prevMean = 0;    // train_loss at the previous reading
    this.points = [];     // [epoch as a fraction, mean loss] since the last take()
    this.sum = 0;         // loss summed over the examples since the last take()
    this.count = 0;
  }
  // Reads one step() result; returns how many examples it trained.
  add(p) {
    const pos = p.epoch_end ? p.epoch_size : p.epoch_position;
    if (pos < this.prevPos) { this.prevPos = 0; this.prevMean = 0; }
    const done = pos - this.prevPos;
    if (done > 0 && Number.isFinite(p.train_loss)) {
      const sum = p.train_loss * pos - this.prevMean * this.prevPos;
      const epochs = p.epoch_end ? p.epoch : p.epoch + pos / Math.max(1, p.epoch_size);
      this.points.push([epochs, sum / done]);
      this.sum += sum;
      this.count += done;
    }
    if (p.epoch_end) { this.prevPos = 0; this.prevMean = 0; } else { this.prevPos = pos; this.prevMean = p.train_loss; }
    return Math.max(0, done);
  }
  // The points and the mean loss since the last take().
  take() {
    const taken = { points: this.points, mean: this.count > 0 ? this.sum / this.count : null };
    this.points = [];
    this.sum = 0;
    this.count = 0;
    return taken;
  }
}

function parse(json) {
  const value = typeof json === 'string' ? JSON.parse(json) : json;
  if (value && value.error) throw new Error(value.error);
  return value;
}

class Trainer {
  constructor(post) {
    this.post = post;          // (message, transfer) -> the page: progress and fatal events
    this.module = null;
    this.session = null;       // Module.Session, created lazily and reused across runs
    this.yieldToEvents = makeYielder();
    // The twin with the other loss and the row strip (ideas-worker.js).
    this.ideas = new Ideas({
      session: () => this.session, post: this.post, yieldToEvents: this.yieldToEvents, training: () => this.playing,
    });
    this.hasModel = false;     // start() or load() succeeded
    this.canTrain = false;     // the model came from start() or word2vec(), so step() works
    this.kind = 'none';        // nextword | word2vec | vectors: what the session holds
    this.evalTexts = null;     // the evaluation sets' text, fetched on first use
    this.evalSession = null;   // the session they were passed to
    this.batch = 64;
    this.budget = 256;         // examples per chunk, adapted to CHUNK_MS
    this.playing = false;
    this.generation = 0;       // bumped by start/reset/pause so a running loop notices
    this.chunkLoss = new ChunkLoss();
    this.last = null;          // the last progress event
    this.raw = null;           // the last step() result
    this.rate = null;          // smoothed examples per wall-clock second
    this.rateMark = null;      // {time, examples} where the rate was last measured
    this.examples = 0;         // examples trained in this run
    this.stepMs = 0;           // time spent inside step() since the last progress event
    this.stepExamples = 0;     // examples trained since the last progress event
    this.lastEventTime = 0;
    this.watching = { n: 0, only: '' };  // the words of the map frames pushed with progress events; n 0 = none
    this.shownCache = null;    // {n, only, shown}: the last selection resolved (#shown), for this source of vectors
    this.lastFrameTime = 0;
    this.lastPca = null;       // {key: the words joined, coords}: the last PCA frame, to align the next
    this.tsne = null;          // {key, words, counts, frame}: the t-SNE projection, or null (PCA)
    this.tsneGeneration = 0;   // bumped when a t-SNE starts or stops, so an old loop notices
    this.snapshots = new EpochSnapshots();  // the timeline: the shown words' vectors at every epoch
  }

  async init() {
    if (!this.module) this.module = await createEmbPlay({ locateFile: (file) => file });
    return { schema: parse(this.module.settingsSchema()), word2vecSchema: parse(this.module.word2vecSchema()) };
  }

  #requireModule() {
    if (!this.module) throw new Error('The model is still loading.');
  }

  requireModel() { this.#requireModel(); }

  #requireModel() {
    if (!this.hasModel) throw new Error('There is no model yet: press Play or Step first.');
  }

  #stop() {
    this.playing = false;
    this.generation += 1;
  }

  start({ text, settings }) {
    this.#requireModule();
    this.#stop();
    if (!this.session) this.session = new this.module.Session();
    // On an error the module keeps the previous run, and so does this worker.
    const reply = parse(this.session.start(text, JSON.stringify(settings)));
    this.#began('nextword', settings.batch ?? this.batch);
    return reply.stats;
  }

  word2vec({ text, options }) {
    this.#requireModule();
    this.#stop();
    if (!this.session) this.session = new this.module.Session();
    const reply = parse(this.session.startWord2vec(text, JSON.stringify(options)));
    this.#began('word2vec', WORD2VEC_STEP);
    return reply.stats;
  }

  // A trainable run began: batch is what one Step trains (examples, or words for word2vec).
  #began(kind, batch) {
    this.#newSource();
    this.kind = kind;
    this.hasModel = true;
    this.canTrain = true;
    this.batch = batch;
    this.budget = this.batch * 4;
    this.chunkLoss.reset();
    this.last = null;
    this.raw = null;
    this.rate = null;
    this.rateMark = null;
    this.examples = 0;
    this.#keepEpoch(0);
  }

  // Keeps the vectors of the shown words (at least SNAPSHOT_MIN_WORDS) for the timeline; epoch 0
  // (the random initialisation) starts it afresh.
  #keepEpoch(epoch) {
    if (epoch === 0) {
      const n = Math.max(this.watching.n, SNAPSHOT_MIN_WORDS);
      const v = this.session.vectorsOf(n);
      if (v.vectors) this.snapshots.begin(parse(this.session.words(n)), v);
      else this.snapshots.clear();
    } else {
      this.snapshots.add(epoch, this.session.vectorsOf(this.snapshots.rows).vectors);
    }
  }

  // The timeline of the shown words (#shown), those of them that were kept (the snapshots hold
  // the most frequent words of the run): every kept epoch's PCA, the newest aligned to the live
  // map, each older one to the one after it. `missing` counts the shown words not kept.
  timeline({ n, only }) {
    this.#requireModel();
    const shown = this.#shown(n, only);
    const rowOf = new Map(this.snapshots.words.map((w, i) => [w, i]));
    const rows = shown.words.map((w) => rowOf.get(w)).filter((r) => r !== undefined);
    if (shown.ids && rows.length === 0 && this.snapshots.rows > 0) {
      throw new Error(`none of the shown words is in the timeline, which keeps the ${this.snapshots.rows} most frequent words`);
    }
    const key = rows.map((r) => this.snapshots.words[r]).join('\n');
    const anchor = this.lastPca && this.lastPca.key === key ? this.lastPca.coords : null;
    const project = (vectors, r, dim, previous) => this.session.pcaOf(vectors, r, dim, previous).coords ?? new Float32Array(2 * r);
    const t = this.snapshots.frames(rows, project, anchor);
    return withTransfer({
      ...t, missing: shown.words.length - t.words.length, keptWords: this.snapshots.rows,
      bytes: this.snapshots.bytes, capBytes: this.snapshots.capBytes,
    }, [t.coords.buffer]);
  }

  // The words a map request is about: the n most frequent, or (`only`: a search, see search.js)
  // those of them that match, as {key (the words joined), ids: Int32Array | null (null: all n),
  // words, counts, pool: n}. Throws for an invalid search or one that matches nothing.
  #shown(n, only = '') {
    const c = this.shownCache;
    if (c && c.n === n && c.only === only) return c.shown;
    const pool = parse(this.session.words(n));
    const search = readSearch(only);
    let shown;
    if (!search) {
      shown = { key: pool.words.join('\n'), ids: null, words: pool.words, counts: pool.counts, pool: pool.words.length };
    } else {
      if (search.error) throw new Error(search.error);
      const at = [];
      pool.words.forEach((w, i) => { if (search.test(w)) at.push(i); });
      if (at.length === 0) throw new Error(`no word among the ${pool.words.length} most frequent matches “${only.trim()}”`);
      const words = at.map((i) => pool.words[i]);
      shown = {
        key: words.join('\n'), ids: Int32Array.from(at, (i) => pool.ids[i]), words, counts: at.map((i) => pool.counts[i]), pool: pool.words.length,
      };
    }
    this.shownCache = { n, only, shown };
    return shown;
  }

  // What the module passes the selection as: n, or the chosen ids (a copy: embind reads it).
  static #selection(n, shown) {
    return shown.ids ? shown.ids.slice() : n;
  }

  // A new source of vectors (a run, a loaded model, opened vectors, nothing): its t-SNE, resolved
  // map words, timeline and comparison belong to the old one.
  #newSource() {
    this.#dropTsne();
    this.shownCache = null;
    this.snapshots.clear();
    this.ideas.reset();
  }

  // A model or a vectors file became the source: it can be explored, not trained.
  #opened(kind) {
    this.#newSource();
    this.hasModel = true;
    this.canTrain = false;
    this.kind = kind;
    this.last = null;
    this.raw = null;
  }

  #dropTsne() {
    if (this.tsne) this.post({ type: 'frame', frame: { projection: 'pca', dropped: true } });
    this.tsne = null;
    this.tsneGeneration += 1;
  }

  reset() {
    this.#stop();
    this.#newSource();
    if (this.session) this.session.delete();
    this.session = null;
    this.hasModel = false;
    this.canTrain = false;
    this.kind = 'none';
    this.last = null;
    this.raw = null;
    return null;
  }

  play() {
    this.#requireModel();
    if (!this.canTrain) throw new Error(this.#untrainable('Play'));
    if (this.last && (this.last.finished || this.last.diverged)) return this.last;
    if (!this.playing) {
      this.playing = true;
      this.rateMark = { time: performance.now(), examples: this.examples };
      this.#loop(this.generation);
    }
    return this.last;
  }

  pause() {
    const wasPlaying = this.playing;
    this.#stop();
    // A fresh event, so the loss trained since the last one reaches the page now.
    if (wasPlaying && this.raw) return this.#progress(false);
    return this.last;
  }

  step() {
    this.#requireModel();
    if (!this.canTrain) throw new Error(this.#untrainable('Step'));
    this.#stop();
    if (this.last && (this.last.finished || this.last.diverged)) return this.last;
    this.#advance(this.batch);
    const event = this.#progress(false);
    this.ideas.catchUp();  // a twin further behind than one batch goes on by itself
    return event;
  }

  #untrainable(button) {
    return this.kind === 'vectors'
      ? `Vectors opened from a file are not trained: press Reset, then ${button}, to train on the text.`
      : `A loaded model cannot be trained further: press Reset, then ${button}.`;
  }

  watch({ n, only }) {
    this.watching = { n: Math.max(0, Math.floor(n)), only: String(only ?? '') };
    return null;
  }

  async #loop(generation) {
    try {
      while (this.playing && generation === this.generation) {
        this.#chunk();
        await this.yieldToEvents();
      }
      this.ideas.catchUp();  // paused or finished: a twin still behind trains by itself
    } catch (err) {
      // A trap or an error in the middle of training leaves the module in no state to go on.
      this.playing = false;
      this.post({ type: 'fatal', error: `Training stopped: ${err?.message ?? err}` });
    }
  }

  // One chunk of the loop: train, then maybe tell the page (with a map frame now and then).
  #chunk() {
    const p = this.#advance(this.budget);
    const now = performance.now();
    if (p.finished || p.diverged) this.playing = false;
    if (!(p.epoch_end || !this.playing || now - this.lastEventTime >= EVENT_MS)) return;
    const event = this.#progress(this.playing);
    const withFrame = this.watching.n > 0 && !this.tsne && (p.epoch_end || !this.playing || now - this.lastFrameTime >= FRAME_MS);
    let frame = null;
    if (withFrame) {
      try {
        frame = this.snapshot(this.watching);
      } catch {
        // The watched words cannot be projected (the page only watches words it could): no frame.
      }
      this.lastFrameTime = now;
    }
    if (!frame) {
      this.post(event);
      return;
    }
    event.frame = frame.result;
    this.post(event, frame.transfer);
  }

  // One step() call: trains up to `budget` examples, adapts the next budget, evaluates at an
  // epoch's end. Keeps the raw result in this.raw.
  #advance(budget) {
    const t0 = performance.now();
    const p = parse(this.session.step(Math.max(1, Math.round(budget))));
    const ms = performance.now() - t0;
    const done = this.chunkLoss.add(p);
    this.examples += done;
    this.stepMs += ms;
    this.stepExamples += done;
    if (done > 0 && ms > 1) {
      const target = (done / ms) * CHUNK_MS;
      // Grow gently, shrink at once: a slow chunk makes the page wait, a fast one only costs overhead.
      const next = target < this.budget ? target : 0.5 * (this.budget + target);
      const cap = Math.min(MAX_BUDGET, Math.max(this.batch, p.epoch_size / CHUNKS_PER_EPOCH));
      this.budget = Math.min(cap, Math.max(this.batch, next));
    }
    if (this.kind === 'nextword' && !p.diverged) this.ideas.afterStep(budget);
    this.raw = p;
    if (p.epoch_end && !p.diverged) this.#keepEpoch(p.epoch);
    this.evaluation = p.epoch_end && !p.diverged && this.kind === 'nextword' ? this.#evaluate() : null;
    return p;
  }

  #evaluate() {
    const e = parse(this.session.evaluate());
    return e.examples > 0 ? e : null;
  }

  #progress(playing) {
    const p = this.raw;
    const now = performance.now();
    if (this.rateMark && now - this.rateMark.time > 250) {
      const r = (this.examples - this.rateMark.examples) / ((now - this.rateMark.time) / 1000);
      this.rate = this.rate == null ? r : 0.7 * this.rate + 0.3 * r;
      this.rateMark = { time: now, examples: this.examples };
    }
    const position = p.epoch_end ? 0 : p.epoch_position;
    const remaining = Math.max(0, (p.epochs - p.epoch) * p.epoch_size - position);
    const event = {};
    for (const key of PROGRESS) if (key in p) event[key] = p[key];
    const losses = this.chunkLoss.take();
    Object.assign(event, {
      train_speed: this.stepMs > 0 ? (1000 * this.stepExamples) / this.stepMs : null,
      chunk_loss: losses.mean,
      loss_points: losses.points,
      examples_per_sec: this.rate,
      seconds_left: p.finished ? 0 : (this.rate > 0 ? remaining / this.rate : null),
      playing,
    });
    if (this.evaluation) event.evaluation = this.evaluation;
    if (this.kind === 'nextword') Object.assign(event, this.ideas.take());
    this.evaluation = null;
    this.stepMs = 0;
    this.stepExamples = 0;
    this.lastEventTime = now;
    this.last = event;
    return { type: 'progress', ...event };
  }

  // PCA frames are turned to match the previous frame of the same words (pcaAligned), so that
  // words move only when their vectors move. The frame's `pool` is n; `only` is the search mapped.
  snapshot({ n, only }) {
    this.#requireModel();
    const shown = this.#shown(n, only);
    if (this.tsne && this.tsne.key === shown.key && this.tsne.frame) {
      const frame = { ...this.tsne.frame, coords: this.tsne.frame.coords.slice() };
      return withTransfer(frame, [frame.coords.buffer]);
    }
    const { key, words, counts } = shown;
    const previous = this.lastPca && this.lastPca.key === key ? this.lastPca.coords : null;
    const pca = parse(this.session.pcaAligned(Trainer.#selection(n, shown), previous));  // throws: too few, no spread
    const coords = pca.coords instanceof Float32Array ? pca.coords : Float32Array.from(pca.coords);
    this.lastPca = { key, coords: coords.slice() };
    return withTransfer(
      { words, counts, coords, explained: Array.from(pca.explained ?? []), pool: shown.pool, only: shown.ids ? only : '' },
      [coords.buffer],
    );
  }

  // PCA, or t-SNE run in slices of TSNE_MS that alternate with the training chunks.
  projection({ projection, n, only, options }) {
    this.#requireModel();
    if (projection === 'pca') {
      this.#dropTsne();
      return null;
    }
    if (projection !== 'tsne') throw new Error('projection must be pca or tsne');
    const shown = this.#shown(n, only);
    const reply = parse(this.session.tsneStart(Trainer.#selection(n, shown), JSON.stringify(options)));  // throws: nothing changes
    this.tsneGeneration += 1;
    this.tsne = { key: shown.key, words: shown.words, counts: shown.counts, pool: shown.pool, only: shown.ids ? only : '', frame: null };
    this.#tsneLoop(this.tsneGeneration);
    return reply;
  }

  async #tsneLoop(generation) {
    try {
      // Yield first: the reply to the projection request goes out before any frame, so the page's
      // "t-SNE of n words…" never overwrites the news of a t-SNE done in one slice.
      await this.yieldToEvents();
      while (this.tsne && generation === this.tsneGeneration) {
        const t0 = performance.now();
        let r;
        do r = parse(this.session.tsneStep(5)); while (!r.done && performance.now() - t0 < TSNE_MS);
        const frame = {
          words: this.tsne.words, counts: this.tsne.counts, pool: this.tsne.pool, only: this.tsne.only, coords: r.coords, projection: 'tsne',
          iteration: r.iteration, iterations: r.iterations, done: r.done,
        };
        this.tsne.frame = { ...frame, coords: r.coords.slice() };
        this.post({ type: 'frame', frame }, [r.coords.buffer]);
        if (r.done) return;
        await this.yieldToEvents();
      }
    } catch (err) {
      this.post({ type: 'frame', frame: { projection: 'tsne', error: String(err?.message ?? err) } });
    }
  }

  neighbors({ word, k, metric }) {
    this.#requireModel();
    return parse(this.session.neighborsBy(word, k, metric));
  }

  analogy({ a, b, c, k, method }) {
    this.#requireModel();
    return parse(this.session.analogy(a, b, c, k, method));
  }

  clusters({ n, only, k, seed, previous }) {
    this.#requireModel();
    const shown = this.#shown(n, only);
    let start;  // the previous clustering, word by word in the shown order (-1: a word it did not have)
    if (previous) {
      const clusterOf = new Map(previous.words.map((w, i) => [w, previous.assignment[i]]));
      start = Int32Array.from(shown.words, (w) => clusterOf.get(w) ?? -1);
    }
    const r = parse(this.session.kmeans(Trainer.#selection(n, shown), k, seed, start));
    return withTransfer({ words: shown.words, assignment: r.assignment, central: r.central, sizes: r.sizes }, [r.assignment.buffer]);
  }

  predict({ context, k }) {
    this.#requireModel();
    return parse(this.session.predict(context, k));
  }

  evaluate() {
    this.#requireModel();
    return parse(this.session.evaluate());
  }

  save() {
    this.#requireModel();
    return { json: this.session.saveModel() };
  }

  load({ json }) {
    this.#requireModule();
    this.#stop();
    if (!this.session) this.session = new this.module.Session();
    const reply = parse(this.session.loadModel(json));
    this.#opened('nextword');
    return reply;
  }

  // ---- vectors files in and out, and their evaluation

  importBegin({ format, maxWords }) {
    this.#requireModule();
    this.#stop();
    if (!this.session) this.session = new this.module.Session();
    parse(this.session.importBegin(format, maxWords));
    return null;
  }

  importChunk({ bytes }) {
    if (!this.session) throw new Error('no import in progress');
    return parse(this.session.importChunk(new Uint8Array(bytes)));
  }

  importMetadata({ bytes }) {
    if (!this.session) throw new Error('no import in progress');
    parse(this.session.importMetadata(new Uint8Array(bytes)));
    return null;
  }

  importFinish() {
    if (!this.session) throw new Error('no import in progress');
    const reply = parse(this.session.importFinish());
    this.#opened('vectors');
    return reply;
  }

  export({ format }) {
    this.#requireModel();
    const bytes = this.session.exportVectors(format);
    if (typeof bytes === 'string') parse(bytes);
    return withTransfer({ bytes }, [bytes.buffer]);
  }

  async evalRun() {
    this.#requireModel();
    if (!this.evalTexts) {
      this.evalTexts = await Promise.all(EVAL_SETS.map(async ([, file]) => {
        const response = await fetch(`eval/${file}`);
        if (!response.ok) throw new Error(`could not fetch the evaluation set ${file} (HTTP ${response.status})`);
        return response.text();
      }));
    }
    if (this.evalSession !== this.session) {
      EVAL_SETS.forEach(([name], i) => parse(this.session.evalLoad(name, this.evalTexts[i])));
      this.evalSession = this.session;
    }
    return parse(this.session.evalRun());
  }
}

const trainer = new Trainer((event, transfer = []) => self.postMessage(event, transfer));
serve(self, {
  init: () => trainer.init().catch((err) => {
    self.postMessage({ type: 'fatal', error: `The WebAssembly module failed to load: ${err?.message ?? err}` });
    throw err;
  }),
  start: (m) => trainer.start(m),
  word2vec: (m) => trainer.word2vec(m),
  play: () => trainer.play(),
  pause: () => trainer.pause(),
  step: () => trainer.step(),
  reset: () => trainer.reset(),
  watch: (m) => trainer.watch(m),
  snapshot: (m) => trainer.snapshot(m),
  neighbors: (m) => trainer.neighbors(m),
  analogy: (m) => trainer.analogy(m),
  projection: (m) => trainer.projection(m),
  clusters: (m) => trainer.clusters(m),
  predict: (m) => trainer.predict(m),
  evaluate: () => trainer.evaluate(),
  ...trainer.ideas.handlers(() => trainer.requireModel()),
  save: () => trainer.save(),
  load: (m) => trainer.load(m),
  importBegin: (m) => trainer.importBegin(m),
  importChunk: (m) => trainer.importChunk(m),
  importMetadata: (m) => trainer.importMetadata(m),
  importFinish: () => trainer.importFinish(),
  export: (m) => trainer.export(m),
  evalRun: () => trainer.evalRun(),
  timeline: (m) => trainer.timeline(m),
});
