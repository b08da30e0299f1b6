// The run as the page sees it: its state (run-state.js), Play, Pause, Step and Reset, a new run
// from the text and settings, the worker's progress events, and the other sources of vectors (a
// loaded model, opened vectors). What the panels do at each of these moments is the `page`'s
// business (main.js wires it); this file keeps the order of things and the state.
import { fmtBytes, fmtInt, fmtPpl } from './format.js';
import { RUN_STATES } from './run-state.js';

export class RunControl {
  // call(type, fields): the worker. model: the MODEL panel (model-panel.js). text(): the text to
  // train on; dataKind(): what it is (text, or events / baskets for item2vec). settled(): a promise
  // that the settings following the text's size follow this text (its count is done). textMissing(): a
  // link's text has not been opened yet. latestEvaluation(): the last
  // held-out figures the chart holds. page: what the panels do, each a function:
  //   changed()                        the state or the inputs changed: the controls follow
  //   stateChanged(previous, state)    after every change of state
  //   status(message, kind)            a message for the status line until the state changes
  //   textError(message | null)        why the text could not be trained, or nothing
  //   forget()                         Reset: the panels forget the run
  //   began(kind, stats)               a new run (kind nextword | word2vec | items) replaces the source
  //   opened(info)                     opened vectors replace it
  //   loaded(session)                  a saved model replaces it (before its state is shown)
  //   shownLoaded(run)                 ...and after ({epoch, epochs, step} or null)
  //   follow(reselect)                 the map follows the new source (reselect: the selected word too)
  //   progress(p, lossPoints, frame)   a progress event
  //   showProgress(p)                  the counters
  //   refreshMap()                     the map should be asked again (after a pause, a step, the end)
  //   modelMoved(now)                  the worker's model moved on (save it, now or soon)
  //   diverged(lr)                     -> the advice for the status line
  //   crashed(message)                 the page cannot go on
  //   saved()                          the inputs should be saved
  constructor({ call, model, text, dataKind = () => 'text', settled = async () => {}, textMissing, latestEvaluation, page }) {
    Object.assign(this, { call, model, text, dataKind, settled, textMissing, latestEvaluation, page });
    this.state = 'loading';
    this.progress = null;          // last progress event
    this.evaluation = null;        // last validation result
    this.speed = null;             // smoothed tokens/s
    this.kind = null;              // nextword | skipgram | cbow | item2vec | vectors: what the worker holds
    this.runDataKind = null;       // text | events | baskets: what the run's text was
    this.settings = null;          // the settings the run started with
    this.vectors = null;           // {name, words, dim, truncated, ...} of opened vectors
    this.stats = null;             // the run's text stats, as start() gave them
    this.startBlocked = false;     // start() failed and nothing changed since
    this.dirty = false;            // text or settings changed since the run started
    this.preparingSize = 0;        // characters of the text being prepared
    this.loadedName = '';          // what a loaded model is, for the status line
    this.divergedAdvice = null;
  }

  get info() { return RUN_STATES[this.state]; }
  get hasRun() { return this.info.hasRun; }
  // Play would go on with a run whose inputs the user has changed since.
  get stale() { return this.dirty && this.info.keepsInputs; }

  canStart() {
    return this.model.isReady && !this.startBlocked && !this.textMissing() && this.model.validate();
  }

  // Text or settings were edited: a failed start may now succeed; a running run keeps its inputs.
  inputsChanged() {
    this.startBlocked = false;
    if (this.hasRun) this.dirty = true;
  }

  #inputsDiffer(text, settings) {
    if (this.text() !== text || this.model.kind !== this.kind || this.dataKind() !== this.runDataKind || !this.model.validate()) return true;
    const now = this.model.activeForm.values();
    return Object.keys(now).some((k) => now[k] !== settings[k]);
  }

  setState(state) {
    if (this.state === 'crashed') return;
    const previous = this.state;
    this.state = state;
    this.page.stateChanged(previous, state);
  }

  #error(err) {
    this.page.status(err.message, 'error');
  }

  // ---- Play, Pause, Step, Reset

  async playPause() {
    if (this.state === 'running') {
      await this.pause();
      return;
    }
    if (this.state === 'paused') {
      this.setState('running');
      try {
        await this.call('play');
      } catch (err) {
        this.setState('paused');
        this.#error(err);
      }
      return;
    }
    if (this.info.playStarts) {
      if (!(await this.#start())) return;
      this.setState('running');
      await this.call('play').catch((err) => this.#error(err));
    }
  }

  async pause() {
    this.setState('paused');
    await this.#stepped('pause');
  }

  // Asks the worker to `type` (pause, step) and shows where the run is then, map included.
  async #stepped(type) {
    try {
      const p = await this.call(type);
      if (p) this.onProgress(p);
    } catch (err) {
      this.#error(err);
    }
    this.page.refreshMap();
  }

  // Pauses a running loop (resolves once paused); anything else stays as it is.
  async pauseIfRunning() {
    if (this.state === 'running') await this.pause();
  }

  async step() {
    await this.pauseIfRunning();
    if (this.info.playStarts) {
      if (!(await this.#start())) return;
      this.setState('paused');
    }
    if (this.state !== 'paused') return;
    await this.#stepped('step');
  }

  async reset() {
    if (this.info.noWorker) return;
    await this.call('reset').catch(() => {});
    this.progress = null;
    this.evaluation = null;
    this.dirty = false;
    this.speed = null;
    this.stats = null;
    this.kind = null;
    this.vectors = null;
    this.setState('idle');
    this.page.forget();  // in the idle state, so the panels' prompts say there is no run
    this.page.saved();
  }

  // Starts a new run from the current text and settings; false (with the error shown) if refused.
  async #start() {
    if (!this.canStart()) {
      this.page.changed();
      return false;
    }
    const before = this.state;
    this.preparingSize = this.text().length;
    this.setState('preparing');
    await this.settled();
    const text = this.text();
    const kind = this.model.kind;
    const settings = this.model.activeForm.values();
    this.page.textError(null);
    const dataKind = this.dataKind();
    let stats;
    try {
      if (kind === 'item2vec' && dataKind === 'text') {
        throw new Error('item2vec learns from purchases: choose events CSV or baskets as the data (or a text model).');
      }
      if (kind !== 'item2vec' && dataKind !== 'text') throw new Error(`${kind} learns from text: choose text as the data.`);
      if (kind === 'nextword') stats = await this.call('start', { text, settings });
      else if (kind === 'item2vec') stats = await this.call('items', { data: text, format: dataKind, options: settings });
      else stats = await this.call('word2vec', { text, options: { ...settings, model: kind } });
    } catch (err) {
      if (this.state === 'crashed') return false;
      this.startBlocked = true;
      this.page.textError(err.message);
      this.setState(before);  // the worker keeps the previous run, if there was one
      return false;
    }
    this.settings = settings;
    this.kind = kind;
    this.runDataKind = dataKind;
    this.vectors = null;
    this.dirty = this.#inputsDiffer(text, settings);  // edited while the text was being prepared
    this.evaluation = null;
    this.speed = null;
    this.stats = stats;
    this.page.began({ nextword: 'nextword', item2vec: 'items' }[kind] ?? 'word2vec', stats);
    this.progress = {
      epoch: 0, epochs: settings.epochs, step: 0, epoch_position: 0,
      epoch_size: stats.train_examples, finished: false, diverged: false,
    };
    this.page.showProgress(this.progress);
    await this.page.follow(false);
    return true;
  }

  // ---- what the worker tells

  onProgress(event) {
    const { frame, loss_points: lossPoints = [], ...p } = event;
    delete p.type;
    this.progress = p;
    if (p.evaluation) this.evaluation = p.evaluation;
    if (Number.isFinite(p.train_speed) && p.train_speed > 0) {
      this.speed = this.speed == null ? p.train_speed : 0.8 * this.speed + 0.2 * p.train_speed;
    }
    this.page.progress(p, lossPoints, frame);
    this.page.showProgress(p);
    if (p.epoch_end || p.finished || p.diverged || p.playing === false) this.page.modelMoved(p.epoch_end || !p.playing);
    if (p.diverged) {
      this.setState('diverged');
      this.divergedAdvice = this.page.diverged(this.settings?.lr);
      this.page.changed();
      if (!frame) this.page.refreshMap();
    } else if (p.finished) {
      this.setState('finished');
      if (!frame) this.page.refreshMap();
    }
  }

  // ---- the other sources of vectors

  // Vectors opened from a file (vector-files.js) now in the worker: explored, never trained.
  async openedVectors(info) {
    this.vectors = info;
    this.kind = 'vectors';
    this.progress = null;
    this.evaluation = null;
    this.dirty = false;
    this.speed = null;
    this.setState('vectors');
    this.page.opened(info);  // in the vectors state, so the panels' prompts say what vectors answer
    await this.page.follow(true);
  }

  // Loads a saved session's model into the worker (state 'loaded'); false if the worker refused it.
  async loadModel(session) {
    try {
      await this.call('load', { json: session.model });
    } catch {
      return false;
    }
    this.stats = session.stats ?? null;  // the model file does not hold its text's stats: the session does
    this.page.loaded(session);
    this.progress = null;
    this.evaluation = this.latestEvaluation();
    this.dirty = false;
    this.kind = 'nextword';
    this.vectors = null;
    const p = session.run;
    this.loadedName = p?.epoch ? `the model after epoch ${p.epoch} of ${p.epochs}` : 'the saved model';
    this.setState('loaded');
    this.page.shownLoaded(p);
    await this.page.refreshMap(true);
    return true;
  }

  // The worker is being replaced: nothing to show until the new one is ready.
  restarting() {
    this.state = 'loading';
    this.progress = null;
    this.evaluation = null;
  }

  crash(message) {
    this.setState('crashed');
    this.page.crashed(message);
  }

  // What the status line says in this state. formOk: the settings are valid.
  statusLine(formOk) {
    const s = this.state;
    const p = this.progress;
    if (s === 'loading') return { text: 'Loading the model…' };
    if (s === 'crashed') return { text: 'Stopped.', kind: 'error' };
    if (s === 'preparing') return { text: this.preparingSize > 1e6 ? `Preparing ${fmtBytes(this.preparingSize)} of text…` : 'Preparing…' };
    if (s === 'idle' && !formOk) return { text: 'Fix the highlighted settings to train.', kind: 'error' };
    if (s === 'idle' && this.textMissing()) return { text: 'Open the linked text to train.' };
    if (s === 'idle' && this.startBlocked) return { text: 'Could not start: see the message under the text.', kind: 'error' };
    if (s === 'idle') return { text: 'Ready. Press Play to train.' };
    if (s === 'running' && p) return { text: `Training… epoch ${Math.min(p.epoch + 1, p.epochs)} of ${p.epochs}` };
    if (s === 'paused' && p) return { text: `Paused after ${fmtInt(p.step)} step${p.step === 1 ? '' : 's'}. Play resumes, Step trains one batch.` };
    if (s === 'finished' && p) return { text: finishedLine(p, this.evaluation) };
    if (s === 'diverged') return { text: `${p ? divergedLine(p) : 'Diverged.'} ${this.divergedAdvice ?? ''}`.trim(), kind: 'error' };
    if (s === 'loaded') return { text: `Loaded ${this.loadedName}. Explore it, or press Play to train a new model on the text.` };
    if (s === 'vectors' && this.vectors) {
      const v = this.vectors;
      return { text: `Opened ${v.name}: ${fmtInt(v.words)} words, dimension ${v.dim}. Vectors from a file are explored, not trained: Reset goes back to training.` };
    }
    return { text: '' };
  }
}

// Why a finished run stopped, and whose weights it keeps: all its epochs, or early stopping (the
// best epoch's weights, which is also what a run with patience keeps when it ran to the end).
// evaluation: the last validation figures drawn.
function finishedLine(p, evaluation) {
  const kept = p.best_epoch > 0 ? `best: epoch ${p.best_epoch}, weights of epoch ${p.best_epoch} kept` : '';
  if (p.stopped_early) return `Stopped early at epoch ${p.epoch}: validation stopped improving (${kept}).`;
  const all = p.epochs === 1 ? 'the only epoch' : `all ${p.epochs} epochs`;
  if (kept && p.best_epoch !== p.epoch) return `Finished ${all} (${kept}).`;
  const ppl = evaluation ? ` Validation perplexity ${fmtPpl(evaluation.perplexity)}.` : '';
  return `Finished ${all}.${ppl}`;
}

// Where a diverged run stopped and which weights it went back to: the best epoch's (early
// stopping), else the last finished epoch's, else the initial ones (trainer.cpp).
function divergedLine(p) {
  const kept = p.best_epoch > 0 ? p.best_epoch : p.epoch;
  const weights = kept > 0 ? `the weights of epoch ${kept} are kept` : 'the initial weights are kept';
  return `Diverged in epoch ${Math.min(p.epoch + 1, p.epochs)} (step ${fmtInt(p.step)}): the loss became infinite, ${weights}.`;
}
