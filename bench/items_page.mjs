// Does the whole Online Retail log (386,354 events) train in the page in under 30 seconds, and what
// does the recommenders' evaluation cost there? Serves dist/ (run ./build.sh build first), loads the
// purchases sample in headless Chromium, and times Play to finished (reading the CSV included) with
// the page's defaults (item2vec tuned for the next basket) and with the options tuned for the next
// item, while recording the main thread's animation-frame gaps; then the Eval tab's Run on the
// whole log (both splits, four models), with a neighbours question asked while it runs. The sample's
// one-time costs on the main thread (its SHA-256 for the link, its first save) are measured apart.
//
//   node bench/items_page.mjs [--runs 3]
// Prints one JSON line per measurement (the median run's seconds, each run's seconds and the CPU
// seconds the browser used in it, the longest frame gap in ms). Linux only (/proc).
import { readdirSync, readFileSync } from 'node:fs';
import { withPage } from './page.mjs';

const i = process.argv.indexOf('--runs');
const RUNS = i >= 0 ? Math.max(1, Number(process.argv[i + 1])) : 3;
const PRESETS = {
  'defaults (next basket)': {},
  'tuned for the next item': { window: 5, epochs: 5, sample: 0.001, similarity: 'output', half_life: 0.3, knn_weight: 0.7 },
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// CPU seconds used so far by this process's descendants (the browser: its page, its worker, the
// rest), from /proc. On a machine shared with other jobs the wall clock stretches with the load;
// this does not, so it tells what a run costs the browser.
function browserCpuSeconds() {
  const parent = new Map();
  const ticks = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');  // fields from the 3rd (state) on
      parent.set(pid, f[1]);
      ticks.set(pid, Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]));  // utime stime cutime cstime
    } catch { /* gone meanwhile */ }
  }
  const ours = (pid) => { for (let p = pid; p && p !== '0'; p = parent.get(p)) if (p === String(process.pid)) return true; return false; };
  let sum = 0;
  for (const [pid, t] of ticks) if (pid !== String(process.pid) && ours(pid)) sum += t;
  return sum / 100;  // USER_HZ
}

// Longest gap between animation frames since the last call (a frozen page shows up as one long gap).
async function longestGap(page) {
  return page.evaluate(() => {
    const gaps = window.__gaps ?? [];
    window.__gaps = [];
    return gaps.length ? Math.max(...gaps) : null;
  });
}

await withPage(async (page) => {
  await page.evaluate(() => {
    window.__gaps = [];
    let last = performance.now();
    const tick = (t) => { window.__gaps.push(t - last); last = t; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  await page.selectOption('#data-kind', 'events');
  const t0 = Date.now();
  await page.click('#sample');
  await page.waitForFunction(() => document.getElementById('text').readOnly, null, { timeout: 120_000 });
  const loaded = (Date.now() - t0) / 1000;
  // Then the page keeps the new text once: its hash in the address bar, the session in IndexedDB.
  await page.waitForFunction(() => /sha256=/.test(location.hash) && document.body.dataset.savedAt, null, { timeout: 60_000, polling: 100 });
  await page.waitForTimeout(1000);
  console.log(JSON.stringify({
    what: 'load the sample (fetch, gunzip), then hash and save it once', seconds: loaded, longest_gap_ms: Math.round(await longestGap(page)),
  }));

  for (const [name, options] of Object.entries(PRESETS)) {
    const runs = [];
    const cpu = [];
    let gap = 0;
    for (let r = 0; r < RUNS; r += 1) {
      if (await page.evaluate(() => window.__embplay.state !== 'idle')) {
        await page.click('#reset');
        await page.waitForFunction(() => window.__embplay.state === 'idle');
      }
      await page.click('#defaults');
      for (const [field, value] of Object.entries(options)) {
        const id = `#i2v-setting-${field}`;
        if (typeof value === 'string') await page.selectOption(id, value);
        else await page.fill(id, String(value));
      }
      await longestGap(page);
      const start = Date.now();
      const cpu0 = browserCpuSeconds();
      await page.click('#play');
      await page.waitForFunction(() => window.__embplay.state === 'finished', null, { timeout: 600_000, polling: 100 });
      runs.push((Date.now() - start) / 1000);
      cpu.push(browserCpuSeconds() - cpu0);
      gap = Math.max(gap, await longestGap(page));
    }
    const p = await page.evaluate(() => window.__embplay.progress);
    console.log(JSON.stringify({
      what: `train the whole log, ${name}`, seconds: median(runs), runs, browser_cpu_seconds: cpu.map((c) => Number(c.toFixed(1))),
      epochs: p.epochs, words_per_epoch: p.epoch_size,
      longest_gap_ms: Math.round(gap),
    }));
  }

  // The evaluation, on the defaults' run (a new run, so each split's item2vec starts from the defaults).
  await page.click('#reset');
  await page.waitForFunction(() => window.__embplay.state === 'idle');
  await page.click('#defaults');
  await page.click('#step');
  await page.waitForFunction(() => window.__embplay.state === 'paused', null, { timeout: 120_000 });
  await page.click('#tab-eval');
  await longestGap(page);
  const start = Date.now();
  const cpu0 = browserCpuSeconds();
  await page.click('#items-eval-run');
  await page.waitForTimeout(5000);
  await page.click('#tab-neighbours');
  const asked = Date.now();
  await page.fill('#nb-input', 'PARTY BUNTING');
  await page.click('#nb-form button[type="submit"]');
  await page.waitForFunction(() => document.querySelectorAll('#nb-list li').length > 0, null, { timeout: 60_000 });
  const answered = (Date.now() - asked) / 1000;
  await page.waitForFunction(() => window.__embplay.itemsEval?.done, null, { timeout: 900_000, polling: 200 });
  const rows = (await page.evaluate(() => window.__embplay.itemsEval)).rows
    .map((r) => `${r.split} ${r.model} ${(100 * r.hit_rate).toFixed(2)} / ${(100 * r.ndcg).toFixed(2)} (${r.seconds.toFixed(1)} s)`);
  console.log(JSON.stringify({
    what: 'evaluate, both splits, four models', seconds: (Date.now() - start) / 1000,
    browser_cpu_seconds: Number((browserCpuSeconds() - cpu0).toFixed(1)), neighbours_answered_in_seconds: answered,
    longest_gap_ms: Math.round(await longestGap(page)), rows,
  }));
});
