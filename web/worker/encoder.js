// The sentence encoder in the worker (issue 14): a run of its own beside the word vectors
// (Workspace.encoderStart / encoderStep, src/encoder_session.h), trained in time slices like the
// next-word run, and what the page shows of it while it trains: the loss of every step() call, the
// STS-B dev Spearman of CLS, mean and max pooling, and the sentence map (PCA of a fixed sample of
// the training sentences, turned to the last frame) now and then; the attention of a typed
// sentence on request. Everything reaches the page as 'encoder' events (protocol.js, ENCODER).
import { withTransfer } from '../shared/protocol.js';
import { parse } from './engine.js';
import { ShippedSets } from './shipped-sets.js';
import { SliceBudget } from './time-slicer.js';

const EVENT_MS = 150;    // at most one 'encoder' event this often (plus phase ends and the run's end)
const LOOK_MS = 2000;    // the STS curve and the map at most this often while training: each is a forward pass
const STS_DEV = [['sts-dev', 'sts/sts-dev.tsv']];

export class EncoderJob {
  // post(event, transfer): to the page.
  constructor({ engine, slicer, post }) {
    Object.assign(this, { engine, slicer, post });
    this.dev = new ShippedSets(STS_DEV, 'sentence test', (workspace, name, text) => workspace.encoderStsLoad(text));
    this.playing = false;
    this.job = null;
    this.forget();
  }

  // Nothing of a run to tell (a new run, or the workspace went).
  forget() {
    this.started = false;
    this.batch = 64;
    this.budget = new SliceBudget({ size: 256, min: 1 });
    this.last = null;        // the last step() result
    this.points = [];        // [step, mean loss of one call, phase] since the last event
    this.previous = null;    // Float32Array: the map's last frame
    this.pooling = 'cls';    // the map's pooling
    this.lastEvent = 0;
    this.lastLook = 0;
    this.devError = null;    // why there is no STS curve, if the file could not be read
  }

  #workspace() {
    if (!this.started || !this.engine.workspace) throw new Error('There is no sentence encoder yet: press Train encoder first.');
    return this.engine.workspace;
  }

  // A new run: its stats ({sentences, tokens, types, oov_tokens, cut, vocab, pairs, phases, map}).
  // pairs: a pairs file's text for the supervised phase (or none), minScore: the least score kept.
  async start({ text, options, lines, pairs = '', minScore = 0 }) {
    this.stop();
    const workspace = this.engine.open();
    const stats = parse(workspace.encoderStart(String(text), JSON.stringify(options ?? {}), Boolean(lines), String(pairs ?? ''),
      Number(minScore) || 0));
    this.forget();
    this.started = true;
    this.batch = Number(options?.batch) || 64;
    this.budget = new SliceBudget({ size: this.batch, min: 1 });
    try {
      await this.dev.loadInto(workspace);
    } catch (err) {
      this.devError = String(err?.message ?? err);  // the run trains without its curve
    }
    return { ...stats, dev: this.devError ?? true };
  }

  stop() {
    this.playing = false;
    this.job?.cancel();
    this.job = null;
  }

  play() {
    this.#workspace();
    if (this.last?.finished || this.last?.diverged) return this.#event(true);
    if (!this.playing) {
      this.playing = true;
      this.job = this.slicer.start(() => this.#slice(), {
        onError: (err) => {
          this.playing = false;
          this.post({ type: 'encoder', error: `The encoder stopped: ${err?.message ?? err}`, playing: false });
        },
      });
    }
    return null;
  }

  pause() {
    const was = this.playing;
    this.stop();
    return was && this.last ? this.#event(true) : null;
  }

  // One batch, then an event with the curve's and the map's latest.
  step() {
    this.#workspace();
    this.stop();
    if (!(this.last?.finished || this.last?.diverged)) this.#advance(1);
    return this.#event(true);
  }

  // The map with another pooling (cls | mean | max): the next frame starts from the current one.
  setPooling({ pooling }) {
    if (!['cls', 'mean', 'max'].includes(pooling)) throw new Error('pooling must be cls, mean or max');
    this.pooling = pooling;
    if (!this.started) return null;
    const map = this.#map();
    return withTransfer(map, [map.coords.buffer]);
  }

  attention({ text }) {
    const a = parse(this.#workspace().encoderAttention(String(text)));
    return withTransfer(a, [a.weights.buffer]);
  }

  // One slice of Play; true when the run is over (finished, diverged) or paused.
  #slice() {
    const p = this.#advance(this.budget.size);
    if (p.finished || p.diverged) this.playing = false;
    const now = performance.now();
    if (p.phase_end || !this.playing || now - this.lastEvent >= EVENT_MS) {
      const look = p.phase_end || !this.playing || now - this.lastLook >= LOOK_MS;
      const event = this.#event(look);
      this.post({ type: 'encoder', ...event.result }, event.transfer);
    }
    return !this.playing;
  }

  #advance(budget) {
    const t0 = performance.now();
    const p = parse(this.engine.workspace.encoderStep(Math.max(1, Math.round(budget))));
    this.budget.measure(p.examples, performance.now() - t0, Math.max(1, p.epoch_size / 8));
    if (p.loss_count > 0 && Number.isFinite(p.loss_sum)) this.points.push([p.step, p.loss_sum / p.loss_count, p.phase]);
    this.last = p;
    return p;
  }

  // What the page shows: the progress, the loss points since the last event and, when `look`, the
  // STS-B dev Spearman and a map frame. {result, transfer} (withTransfer).
  #event(look) {
    const result = { progress: this.last, points: this.points, playing: this.playing };
    this.points = [];
    this.lastEvent = performance.now();
    const transfer = [];
    if (look && this.last) {
      this.lastLook = this.lastEvent;
      const ws = this.engine.workspace;
      result.sts = this.devError ? { error: this.devError } : { step: this.last.step, ...parse(ws.encoderSts()) };
      result.map = this.#map();
      transfer.push(result.map.coords.buffer);
    }
    return withTransfer(result, transfer);
  }

  #map() {
    const m = parse(this.engine.workspace.encoderMap(this.pooling, this.previous));
    this.previous = m.coords.slice();
    return { ...m, pooling: this.pooling, explained: Array.from(m.explained ?? []) };
  }
}
