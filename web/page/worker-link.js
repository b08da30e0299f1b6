// The page's link to the training worker: starts it, talks to it through the protocol's client
// (protocol.js), counts the traffic for the tests, and when the worker dies (an error event, an
// unreadable message, a fatal event) ends it and says so, so the page can start another: at most
// MAX_RESTARTS within RESTART_WINDOW_MS, then it gives up.
import { createClient } from '../shared/protocol.js';

const MAX_RESTARTS = 3;            // worker restarts allowed per RESTART_WINDOW_MS before giving up
const RESTART_WINDOW_MS = 60_000;

export class WorkerLink {
  // events: {onProgress, onFrame, onTwin, onSentences}: what the current worker pushes. onLost(reason): the
  // current worker died and was ended (its pending calls failed).
  constructor({ events, onLost }) {
    this.events = events;
    this.onLost = onLost;
    this.worker = null;
    this.client = null;
    this.closed = false;           // the page gave up: a dying worker is no news
    this.restarts = [];            // times of worker restarts
    this.recoveries = 0;           // workers replaced so far
    this.traffic = { out: {}, in: {} };
    this.call = (type, fields, transfer) => this.client.call(type, fields, transfer);
  }

  // Starts a worker (the first, or one replacing a dead one).
  start() {
    const worker = new Worker('worker.js');
    this.worker = worker;
    const current = (fn) => (value) => { if (worker === this.worker) fn(value); };
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.#lost(e.message ? e.message.replace(/\.+$/, '') : 'it crashed', worker);
    });
    worker.addEventListener('messageerror', () => this.#lost('it sent a message the page could not read', worker));
    this.client = createClient(worker, {
      onProgress: current(this.events.onProgress),
      onFrame: current(this.events.onFrame),
      onTwin: current(this.events.onTwin),
      onSentences: current(this.events.onSentences ?? (() => {})),
      onFatal: (message) => this.#lost(message.replace(/\.+$/, ''), worker),
      onTraffic: (dir, type) => { this.traffic[dir][type] = (this.traffic[dir][type] ?? 0) + 1; },
    });
  }

  #lost(reason, worker) {
    if (worker !== this.worker || this.closed) return;
    worker.terminate();
    this.client.failAll('The training worker stopped.');
    this.onLost(reason);
  }

  // Whether another worker may be started now (and counts it): not after MAX_RESTARTS within
  // RESTART_WINDOW_MS.
  mayRestart() {
    const now = performance.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    if (this.restarts.length >= MAX_RESTARTS) return false;
    this.restarts.push(now);
    return true;
  }

  // The page cannot go on: every pending call fails with `message`, and deaths are no news.
  close(message) {
    this.closed = true;
    this.client?.failAll(message);
  }

  // Kills the worker the way a crash would (terminate, then its error event), to test recovery.
  crash() {
    this.worker.terminate();
    this.worker.dispatchEvent(new ErrorEvent('error', { message: 'killed by a test' }));
  }
}
