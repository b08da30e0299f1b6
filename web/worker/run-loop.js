// The run: start (next-word or word2vec), Play, Pause, Step. Play trains in slices (time-slicer.js)
// of a budget of examples adapted to take about SLICE_MS, and tells the page how it goes: progress
// events at most every EVENT_MS (and at epoch ends), with the loss of every slice for the curve, the
// held-out figures at epoch ends and now and then a map frame (frames.js).
import { PROGRESS } from '../shared/protocol.js';
import { parse } from './engine.js';
import { SliceBudget } from './time-slicer.js';

const EVENT_MS = 100;         // at most one progress event this often (plus epoch ends)
const CHUNKS_PER_EPOCH = 24;  // at least this many loss points per epoch, however fast it trains
const MAX_BUDGET = 1 << 22;   // examples per slice, whatever the measured speed
const WORD2VEC_STEP = 100;    // words trained by one Step of a word2vec run (at least a sentence)

// The loss curve's points. Each step() call says what it did: `examples` trained (words read, for
// word2vec) and `loss_sum` over `loss_count` terms (those examples, or word2vec's pairs), so a
// point is the mean loss of one call, placed at the epoch fraction where the call ended.
class ChunkLoss {
  constructor() { this.reset(); }
  reset() {
    this.points = [];     // [epoch as a fraction, mean loss] since the last take()
    this.sum = 0;         // loss summed since the last take()
    this.count = 0;       // over this many terms
  }
  // Reads one step() result; returns how many examples it trained.
  add(p) {
    if (p.loss_count > 0 && Number.isFinite(p.loss_sum)) {
      const epochs = p.epoch_end ? p.epoch : p.epoch + p.epoch_position / Math.max(1, p.epoch_size);
      this.points.push([epochs, p.loss_sum / p.loss_count]);
      this.sum += p.loss_sum;
      this.count += p.loss_count;
    }
    return p.examples;
  }
  // The points and the mean loss since the last take().
  take() {
    const taken = { points: this.points, mean: this.count > 0 ? this.sum / this.count : null };
    this.reset();
    return taken;
  }
}

export class RunLoop {
  // post(event, transfer): to the page; newSource(): the old run's t-SNE, map words, timeline and
  // twin go (a new run replaces them); frames: the map's frames and timeline; ideas: the twin and
  // the row strip (ideas.js); vectorsMoved(): an epoch ended or training came to rest (the units of
  // text are pooled again, sentences.js).
  constructor({ engine, frames, ideas, slicer, post, newSource, vectorsMoved = () => {} }) {
    Object.assign(this, { engine, frames, ideas, slicer, post, newSource, vectorsMoved });
    this.batch = 64;           // what one Step trains: examples, or words for word2vec
    this.budget = new SliceBudget({ size: this.batch * 4, min: this.batch });
    this.playing = false;
    this.job = null;           // the slicer's job while playing
    this.chunkLoss = new ChunkLoss();
    this.#resetRate();
    this.forget();
  }

  #resetRate() {
    this.rate = null;          // smoothed examples per wall-clock second
    this.rateMark = null;      // {time, examples} where the rate was last measured
    this.examples = 0;         // examples trained in this run
    this.stepMs = 0;           // time spent inside step() since the last progress event
    this.stepExamples = 0;     // examples trained since the last progress event
    this.lastEventTime = 0;
  }

  // No progress of a run to tell (a new run, or a source that does not train).
  forget() {
    this.last = null;          // the last progress event
    this.raw = null;           // the last step() result
    this.evaluation = null;    // held-out figures of an epoch that just ended, for the next event
  }

  start({ text, settings }) {
    this.stop();
    // On an error the module keeps the previous run, and so does this worker.
    const reply = parse(this.engine.open().start(text, JSON.stringify(settings)));
    this.#began('nextword', settings.batch ?? this.batch);
    return reply.stats;
  }

  word2vec({ text, options }) {
    this.stop();
    const reply = parse(this.engine.open().startWord2vec(text, JSON.stringify(options)));
    this.#began('word2vec', WORD2VEC_STEP);
    return reply.stats;
  }

  // A trainable run began: batch is what one Step trains.
  #began(kind, batch) {
    this.newSource();
    this.engine.became(kind, true);
    this.batch = batch;
    this.budget = new SliceBudget({ size: batch * 4, min: batch });
    this.chunkLoss.reset();
    this.forget();
    this.#resetRate();
    this.frames.keepEpoch(0);
  }

  // Whatever the loop was doing, it stops before its next slice.
  stop() {
    this.playing = false;
    this.job?.cancel();
    this.job = null;
  }

  play() {
    this.engine.requireModel();
    if (!this.engine.canTrain) throw new Error(this.#untrainable('Play'));
    if (this.last && (this.last.finished || this.last.diverged)) return this.last;
    if (!this.playing) {
      this.playing = true;
      this.rateMark = { time: performance.now(), examples: this.examples };
      this.job = this.slicer.start(() => this.#slice(), {
        onEnd: () => {  // paused or finished: a twin still behind trains by itself, the units pool at rest
          this.ideas.catchUp();
          this.vectorsMoved();
        },
        onError: (err) => {
          // A trap or an error in the middle of training leaves the module in no state to go on.
          this.playing = false;
          this.post({ type: 'fatal', error: `Training stopped: ${err?.message ?? err}` });
        },
      });
    }
    return this.last;
  }

  pause() {
    const wasPlaying = this.playing;
    this.stop();
    // A fresh event, so the loss trained since the last one reaches the page now.
    if (wasPlaying && this.raw) return this.#progress(false);
    return this.last;
  }

  step() {
    this.engine.requireModel();
    if (!this.engine.canTrain) throw new Error(this.#untrainable('Step'));
    this.stop();
    if (this.last && (this.last.finished || this.last.diverged)) return this.last;
    this.#advance(this.batch);
    const event = this.#progress(false);
    this.ideas.catchUp();  // a twin further behind than one batch goes on by itself
    this.vectorsMoved();
    return event;
  }

  #untrainable(button) {
    return this.engine.kind === 'vectors'
      ? `Vectors opened from a file are not trained: press Reset, then ${button}, to train on the text.`
      : `A loaded model cannot be trained further: press Reset, then ${button}.`;
  }

  // One slice of Play: train, then maybe tell the page (with a map frame now and then). True when
  // training stopped by itself (finished, diverged).
  #slice() {
    const p = this.#advance(this.budget.size);
    if (p.finished || p.diverged) this.playing = false;
    if (p.epoch_end || !this.playing || performance.now() - this.lastEventTime >= EVENT_MS) {
      const event = this.#progress(this.playing);
      const frame = this.frames.forProgress(p.epoch_end || !this.playing);
      if (frame) {
        event.frame = frame.result;
        this.post(event, frame.transfer);
      } else {
        this.post(event);
      }
    }
    return !this.playing;
  }

  // One step() call: trains up to `budget` examples, adapts the slices' budget, evaluates at an
  // epoch's end. Keeps the raw result in this.raw.
  #advance(budget) {
    const t0 = performance.now();
    const p = parse(this.engine.workspace.step(Math.max(1, Math.round(budget))));
    const ms = performance.now() - t0;
    const done = this.chunkLoss.add(p);
    this.examples += done;
    this.stepMs += ms;
    this.stepExamples += done;
    this.budget.measure(done, ms, Math.min(MAX_BUDGET, Math.max(this.batch, p.epoch_size / CHUNKS_PER_EPOCH)));
    const nextWord = this.engine.kind === 'nextword';
    if (nextWord && !p.diverged) this.ideas.afterStep(budget);
    this.raw = p;
    if (p.epoch_end && !p.diverged) {
      this.frames.keepEpoch(p.epoch);
      if (!p.finished) this.vectorsMoved();  // the last epoch's pooling waits for the loop's end
    }
    this.evaluation = p.epoch_end && !p.diverged && nextWord ? this.#evaluate() : null;
    return p;
  }

  #evaluate() {
    const e = parse(this.engine.workspace.evaluate());
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
    if (this.engine.kind === 'nextword') Object.assign(event, this.ideas.take());
    this.evaluation = null;
    this.stepMs = 0;
    this.stepExamples = 0;
    this.lastEventTime = now;
    this.last = event;
    return { type: 'progress', ...event };
  }
}
