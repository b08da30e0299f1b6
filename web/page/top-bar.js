// The top bar, where one glance tells the state: Reset, Play/Pause and Step (and their keys, space
// and s), the epoch and step counters, the learning rate the schedule gave the last step, tokens/s, time left, the train loss and validation
// perplexity, the progress bar and the status line; under it, a notice until dismissed, and the
// message when the page cannot go on.
import { fmtCompact, fmtDuration, fmtInt, fmtLoss, fmtLr, fmtPpl } from './format.js';

const $ = (id) => document.getElementById(id);
const typing = (el) => el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

export class TopBar {
  // onPlay(), onStep(), onReset(): the buttons; onEscape(): Escape closes what is open.
  constructor({ onPlay, onStep, onReset, onEscape }) {
    this.note = null;   // {text, kind}: a status message until the state (or the inputs) change
    $('play').addEventListener('click', () => onPlay());
    $('step').addEventListener('click', () => onStep());
    $('reset').addEventListener('click', () => onReset());
    $('notice-close').addEventListener('click', () => this.hideNotice());
    document.addEventListener('keydown', (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      if (e.key === ' ') {
        e.preventDefault();
        if (!e.repeat && !$('play').disabled) onPlay();
      } else if (e.key === 'Escape') {
        onEscape();
      } else if (e.key === 's' || e.key === 'S') {
        e.preventDefault();
        if (!$('step').disabled) onStep();
      }
    });
    // A focused button would also "click" on the space key's release; the keydown already acted.
    document.addEventListener('keyup', (e) => {
      if (e.key === ' ' && !typing(e.target)) e.preventDefault();
    });
  }

  // The buttons in run state `state` (its row `info`, run-state.js). startable: the text and
  // settings can start a run; busy: a vectors file is being opened; stale: the run Play would go
  // on with has older inputs than the page shows.
  renderButtons(state, info, { startable, busy, stale }) {
    document.body.dataset.state = state;
    const play = $('play');
    const off = info.controlsOff || busy || (info.playStarts && !startable);
    play.disabled = off;
    play.setAttribute('aria-label', info.playLabel);
    play.title = info.playTitle;
    $('step').disabled = off;
    $('reset').disabled = info.locked || busy;
    $('reset').classList.toggle('attention', stale);
  }

  // The counters from a progress event `p`. running: the loop trains; speed: smoothed tokens/s;
  // loss: the latest train loss drawn (else the event's).
  showProgress(p, { running, speed, loss }) {
    $('m-epoch').textContent = `${p.epoch ?? 0} / ${p.epochs ?? 0}`;
    $('m-step').textContent = fmtInt(p.step ?? 0);
    if (p.lr != null) $('m-lr').textContent = fmtLr(p.lr);
    $('m-speed').textContent = running || speed != null ? fmtCompact(speed) : '–';
    $('m-eta').textContent = p.finished ? '0:00' : (running ? fmtDuration(p.seconds_left) : '–');
    const shown = loss ?? p.chunk_loss ?? p.train_loss;
    if (shown != null && Number.isFinite(shown)) $('m-loss').textContent = fmtLoss(shown);
    else if (p.diverged) $('m-loss').textContent = '∞';
    const total = (p.epochs ?? 0) * (p.epoch_size ?? 0);
    const done = (p.epoch_end ? p.epoch * p.epoch_size : p.epoch * p.epoch_size + (p.epoch_position ?? 0));
    $('progress-bar').style.transform = `scaleX(${total > 0 ? Math.min(1, done / total) : 0})`;
  }

  // Counters without a progress event: {epoch, epochs, step} of a saved run, the form's epochs
  // before a run ({epoch: 0, epochs}), or none for vectors ({epoch: '–'}).
  showCounters({ epoch, epochs, step }) {
    $('m-epoch').textContent = epochs === undefined ? String(epoch) : `${epoch} / ${epochs}`;
    if (step != null) $('m-step').textContent = fmtInt(step);
  }

  showLoss(loss) {
    $('m-loss').textContent = fmtLoss(loss);
  }

  // The last held-out figures: perplexity in the top bar, all of them in the curves' header.
  showEvaluation(e) {
    $('m-ppl').textContent = e ? fmtPpl(e.perplexity) : '–';
    if (!e) return;
    const pct = (name, v) => (v != null ? ` · ${name} ${(100 * v).toFixed(1)}%` : '');
    $('eval-summary').textContent = `held out: ppl ${fmtPpl(e.perplexity)}${pct('top-1', e.accuracy)}${pct('top-5', e.top5)}`;
  }

  // No run: every counter back to nothing (epochs: the form's, for "0 / epochs").
  clear(epochs) {
    for (const id of ['m-lr', 'm-speed', 'm-eta', 'm-loss', 'm-ppl']) $(id).textContent = '–';
    $('m-epoch').textContent = `0 / ${epochs ?? 0}`;
    $('m-step').textContent = '0';
    $('eval-summary').textContent = '';
    $('progress-bar').style.transform = 'scaleX(0)';
  }

  // A message for the status line that lasts until the state changes (or the inputs do).
  setNote(text, kind = '') {
    this.note = { text, kind };
  }

  clearNote() {
    this.note = null;
  }

  // The status line: the note, if any, else `text` (what the state says).
  showStatus(text, kind = '') {
    if (this.note) ({ text, kind } = this.note);
    const el = $('status-text');
    if (el.textContent !== text) el.textContent = text;
    el.className = kind;
  }

  // The page cannot go on: says so, for good.
  showFatal(message) {
    const box = $('fatal');
    box.textContent = /reload/i.test(message) ? message : `${message.replace(/\.+$/, '')}. Reload the page to start again.`;
    box.hidden = false;
  }

  // A message under the top bar until dismissed: text, a list of details, and maybe one action
  // ({label, run()}).
  notice(text, details = [], kind = '', action = null) {
    $('notice-text').textContent = text;
    $('notice-list').replaceChildren(...details.map((d) => {
      const li = document.createElement('li');
      li.textContent = d;
      return li;
    }));
    const box = $('notice');
    box.dataset.kind = kind;
    const button = $('notice-action');
    button.hidden = !action;
    if (action) {
      button.textContent = action.label;
      button.onclick = () => { this.hideNotice(); action.run(); };
    }
    box.hidden = false;
  }

  hideNotice() {
    $('notice').hidden = true;
  }
}
