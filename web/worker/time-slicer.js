// The worker's one way to run a long job without blocking: in slices of a few milliseconds, with a
// yield between slices, so that queued requests (pause, predict, a map snapshot…) are answered at
// once. The run loop (run-loop.js), the t-SNE job (tsne-job.js) and the twin's catch-up (ideas.js)
// all run through it.

export const SLICE_MS = 30;         // the work of one slice, unless a job asks for another length
const MAX_SLICE_WORK = 1 << 22;     // units of work (examples, iterations) per slice, whatever the speed

// Resolves after the worker has had a chance to handle queued messages. A MessageChannel avoids
// the 4 ms clamp that nested setTimeout(0) calls get.
export function makeYielder() {
  const channel = new MessageChannel();
  const waiting = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () => new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}

// How much work fits in one slice of `ms`: `size` units, resized after each slice from what it did
// and how long it took. It shrinks at once (a slow slice keeps requests waiting) and grows gently,
// halfway to the measured target (a fast one only costs overhead).
export class SliceBudget {
  constructor({ ms = SLICE_MS, size = 256, min = 1, max = MAX_SLICE_WORK } = {}) {
    Object.assign(this, { ms, size, min, max });
  }

  // One slice did `done` units in `ms` milliseconds; `max` bounds the next slice (default: this.max).
  measure(done, ms, max = this.max) {
    if (!(done > 0 && ms > 1)) return;
    const target = (done / ms) * this.ms;
    const next = target < this.size ? target : 0.5 * (this.size + target);
    this.size = Math.min(Math.max(this.min, max), Math.max(this.min, next));
  }
}

// A job started by the slicer: cancel() stops it before its next slice.
class SlicedJob {
  running = true;     // false once it is done, cancelled (at its next turn) or failed
  cancelled = false;

  cancel() { this.cancelled = true; }
}

export class TimeSlicer {
  constructor(yieldToEvents = makeYielder()) {
    this.yieldToEvents = yieldToEvents;
  }

  // Runs `slice()` (one slice of work; true when the job is done) again and again, yielding to
  // queued messages before each call, until it is done or the job is cancelled; then `onEnd()`.
  // An error ends the job too: `onError(err)`, unless it was cancelled meanwhile. Returns the job.
  start(slice, { onEnd = () => {}, onError = () => {} } = {}) {
    const job = new SlicedJob();
    (async () => {
      try {
        for (;;) {
          await this.yieldToEvents();
          if (job.cancelled || slice()) break;
        }
      } catch (err) {
        job.running = false;
        if (!job.cancelled) onError(err);
        return;
      }
      job.running = false;
      onEnd();
    })();
    return job;
  }
}
