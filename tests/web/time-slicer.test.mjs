// The worker's time slicer (web/worker/time-slicer.js): a job runs in slices with the worker's other
// messages handled in between, stops when cancelled, ends on an error without onEnd; a slice budget
// shrinks at once when a slice is slow and grows only halfway when it is fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SliceBudget, TimeSlicer } from '../../web/worker/time-slicer.js';

// In node, a turn of the event loop stands in for the worker's MessageChannel yield (an open
// channel would keep node from exiting).
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test('a sliced job lets queued messages in between its slices, and ends when done', async () => {
  const slicer = new TimeSlicer(nextTurn);
  const log = [];
  const ended = new Promise((resolve) => {
    let n = 0;
    slicer.start(() => {
      log.push(`slice ${n}`);
      if (n === 0) setImmediate(() => log.push('message'));  // a request arriving during the first slice
      n += 1;
      return n === 40;
    }, { onEnd: resolve });
  });
  await ended;
  assert.equal(log.filter((e) => e.startsWith('slice')).length, 40);
  const at = log.indexOf('message');
  assert.equal(at, 1, `the message was handled right after the slice it arrived in, not after the job (at ${at})`);
});

test('a cancelled job runs no further slice; an error goes to onError, not onEnd', async () => {
  const slicer = new TimeSlicer(nextTurn);
  let slices = 0;
  let ends = 0;
  const job = slicer.start(() => { slices += 1; return false; }, { onEnd: () => { ends += 1; } });
  while (slices < 3) await slicer.yieldToEvents();
  job.cancel();
  const at = slices;
  for (let i = 0; i < 5; i += 1) await slicer.yieldToEvents();
  assert.ok(slices <= at + 1, `no slice after the cancel took effect (${slices} against ${at})`);
  assert.equal(job.running, false);
  assert.equal(ends, 1, 'a cancelled job still ends');

  const errors = [];
  const failing = slicer.start(() => { throw new Error('trap'); }, { onEnd: () => { ends += 1; }, onError: (err) => errors.push(err.message) });
  for (let i = 0; i < 3; i += 1) await slicer.yieldToEvents();
  assert.deepEqual(errors, ['trap']);
  assert.equal(ends, 1, 'no onEnd after an error');
  assert.equal(failing.running, false);
});

test('a slice budget shrinks at once and grows halfway, within its bounds', () => {
  const near = (actual, expected) => assert.ok(Math.abs(actual - expected) < 1e-9 * expected, `${actual} is not ${expected}`);
  const b = new SliceBudget({ ms: 30, size: 1000, min: 64, max: 1e6 });
  b.measure(1000, 60);                  // twice too slow: half the work next time
  near(b.size, 500);
  b.measure(500, 5);                    // six times too fast: halfway to 3000
  near(b.size, 1750);
  b.measure(1750, 0.5);                 // too short to measure: unchanged
  near(b.size, 1750);
  b.measure(10, 300);                   // far too slow: not below the minimum
  near(b.size, 64);
  b.measure(64, 2, 100);                // fast, but a cap for this slice
  near(b.size, 100);
});
