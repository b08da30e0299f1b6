// Does the page itself keep up? Long tasks on the main thread (PerformanceObserver 'longtask': over
// 50 ms, when the page cannot answer) and frame timing (requestAnimationFrame deltas, and how often
// the map drew) in headless Chromium with --disable-gpu (the canvas is drawn in software). Those are
// wall-clock times: on a shared machine a task waits for a core, and a 10 ms task can take 100 ms.
// So a trace of the same span (Chromium's 'toplevel' category) also gives the main thread's CPU
// time: per second of the span, its longest task, and the tasks that used over 50 ms of CPU, which
// is what the page's own code costs. The scenes (after ./build.sh build):
//
//   tsne      10,000 seeded 50-d vectors (20 clusters) opened through Open vectors, all 10,000 on
//             the map, labels normal; t-SNE of 300 iterations, from the Run click until it is done
//   tsne50k   the same with 50,000 vectors, all on the map, t-SNE at the form's defaults (750
//             iterations), after a reload that makes the page cross-origin isolated (two threads)
//   train     the sample text trained with labels normal (the map at its 300 words), for --seconds
//   train10k  a seeded text of 12,000 different words (each seen at least 3 times, max_vocab 20000),
//             the map at 10,000 words, labels normal, trained for --seconds
//   phone     the page at 390x844 after a few steps of the sample: what overflows the width,
//             whether the controls and the map are on screen; screenshot in build/bench/phone.png
//
//   node bench/page_speed.mjs [--scene tsne|tsne50k|train|train10k|phone|all] [--seconds 8]
// Prints one JSON line per scene.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, reloadIsolated, withPage } from './page.mjs';

const option = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const SCENE = option('--scene', 'all');
const SECONDS = Number(option('--seconds', 8));
const OUT = join(ROOT, 'build', 'bench');

// A seeded generator (no Math.random), the same as the e2e tests'.
function lcg(seed) {
  let state = seed >>> 0;
  return () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32; };
}

// n words of d dimensions around 20 cluster centres, as GloVe text.
function vectorsFile(n, d) {
  const next = lcg(2024);
  const centres = Array.from({ length: 20 }, () => Array.from({ length: d }, () => 4 * (next() - 0.5)));
  const lines = [];
  for (let i = 0; i < n; i += 1) {
    const c = centres[i % 20];
    lines.push(`w${i} ${c.map((v) => (v + next() - 0.5).toFixed(4)).join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

// Sentences over `types` made-up words with a Zipf-like spread, each word at least `min` times.
function wideText(types, min = 3) {
  const next = lcg(77);
  const word = (i) => `w${i.toString(36)}`;
  const tokens = [];
  for (let r = 0; r < min; r += 1) for (let i = 0; i < types; i += 1) tokens.push(word(i));
  for (let k = 0; k < 4 * types; k += 1) tokens.push(word(Math.floor(types * next() ** 3)));
  for (let i = tokens.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [tokens[i], tokens[j]] = [tokens[j], tokens[i]];
  }
  const out = [];
  for (let i = 0; i < tokens.length; i += 12) out.push(`${tokens.slice(i, i + 12).join(' ')}.`);
  return out.join(' ');
}

// The main thread's tasks in a trace: the outermost task events of the renderer's main thread,
// their wall time (dur) and CPU time (tdur), in ms.
function mainThreadTasks(trace) {
  const events = JSON.parse(trace.toString()).traceEvents;
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args.name === 'CrRendererMain')
    .map((e) => `${e.pid}:${e.tid}`));
  const tasks = events.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && main.has(`${e.pid}:${e.tid}`))
    .sort((a, b) => a.ts - b.ts);
  const outer = [];
  for (const e of tasks) if (!outer.length || e.ts >= outer[outer.length - 1].ts + outer[outer.length - 1].dur) outer.push(e);
  return outer.map((e) => ({ wall: e.dur / 1000, cpu: (e.tdur ?? e.dur) / 1000 }));
}

// Starts recording long tasks and animation frames in the page, and a trace in the browser.
async function startRecording(page) {
  await page.context().browser().startTracing(page, { categories: ['toplevel'] });
  await startCounting(page);
}

// Stops both; the figures of the recorded span.
async function stopRecording(page) {
  const figures = await stopCounting(page);
  const tasks = mainThreadTasks(await page.context().browser().stopTracing());
  const cpu = tasks.reduce((a, t) => a + t.cpu, 0);
  return {
    ...figures,
    main_cpu_ms_per_s: Math.round(cpu / figures.seconds),
    main_wall_busy_ms_per_s: Math.round(tasks.reduce((a, t) => a + t.wall, 0) / figures.seconds),
    longest_task_cpu_ms: Math.round(Math.max(0, ...tasks.map((t) => t.cpu))),
    tasks_over_50ms_cpu: tasks.filter((t) => t.cpu > 50).length,
  };
}

const startCounting = (page) => page.evaluate(() => {
  const perf = { longtasks: [], frames: [], on: true, draws0: window.__embplay.mapDraws, t0: performance.now() };
  window.__perf = perf;
  perf.observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) perf.longtasks.push([e.startTime - perf.t0, e.duration]); });
  perf.observer.observe({ type: 'longtask' });
  let last = performance.now();
  const tick = (t) => { perf.frames.push(t - last); last = t; if (perf.on) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
});

const stopCounting = (page) => page.evaluate(() => {
  const perf = window.__perf;
  perf.on = false;
  perf.observer.disconnect();
  const seconds = (performance.now() - perf.t0) / 1000;
  const sorted = perf.frames.slice(1).sort((a, b) => a - b);
  const q = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : null);
  const round = (v) => (v == null ? null : +v.toFixed(1));
  return {
    seconds: round(seconds),
    long_tasks: perf.longtasks.length,
    long_task_total_ms: Math.round(perf.longtasks.reduce((a, [, d]) => a + d, 0)),
    long_task_max_ms: Math.round(Math.max(0, ...perf.longtasks.map(([, d]) => d))),
    long_tasks_at: perf.longtasks.map(([t, d]) => `${(t / 1000).toFixed(1)}s:${Math.round(d)}ms`).join(' '),
    frames: sorted.length,
    fps: round(sorted.length / seconds),
    frame_median_ms: round(q(0.5)),
    frame_p95_ms: round(q(0.95)),
    frame_max_ms: round(sorted[sorted.length - 1] ?? null),
    map_draws_per_s: perf.draws0 == null ? null : round((window.__embplay.mapDraws - perf.draws0) / seconds),
    labels: window.__embplay.mapLabels,
    points: window.__embplay.mapPoints,
  };
});

async function tsne(page, { n = 10000, iterations = 300, threads = 1 } = {}) {
  if (threads === 2) await reloadIsolated(page);
  await page.fill('#vectors-max', String(n));
  await page.setInputFiles('#vectors-file', { name: 'points.txt', mimeType: 'text/plain', buffer: Buffer.from(vectorsFile(n, 50)) });
  await page.waitForFunction(() => window.__embplay.state === 'vectors', null, { timeout: 120_000 });
  await page.selectOption('#map-n', String(n));
  await page.waitForFunction((count) => window.__embplay.mapPoints === count && window.__embplay.mapSettled, n, { timeout: 60_000 });
  await page.click('#tsne-settings summary');
  if (iterations) await page.fill('#tsne-iterations', String(iterations));
  await startRecording(page);
  const t0 = Date.now();
  await page.click('#tsne-form button[type="submit"]');
  await page.waitForFunction(() => /done/.test(document.getElementById('tsne-message').textContent), null, { timeout: 600_000, polling: 100 });
  const seconds = (Date.now() - t0) / 1000;
  return { tsne_seconds: +seconds.toFixed(1), threads: await page.evaluate(() => window.__embplay.threads), ...await stopRecording(page) };
}

async function train(page, { text = null, words = null, maxVocab = null } = {}) {
  if (text) await page.fill('#text', text);
  if (maxVocab) await page.fill('#setting-max_vocab', String(maxVocab));
  if (words) await page.selectOption('#map-n', String(words));
  await page.fill('#setting-epochs', '1000');  // never finishes within the recording
  await page.click('#step');  // the run starts (its text read, the map's first frame) before recording
  await page.waitForFunction((n) => window.__embplay.state === 'paused' && window.__embplay.mapPoints >= (n ?? 1), words ? Math.min(words, 10000) : null,
    { timeout: 120_000 });
  await startRecording(page);
  await page.click('#play');
  await page.waitForTimeout(SECONDS * 1000);
  const figures = await stopRecording(page);
  await page.click('#play');  // pause
  return { ...figures, step: await page.evaluate(() => window.__embplay.progress?.step) };
}

async function phone(page) {
  await page.click('#step');
  await page.waitForFunction(() => window.__embplay.mapPoints > 0, null, { timeout: 60_000 });
  await page.waitForTimeout(1500);
  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: join(OUT, 'phone.png') });
  await page.screenshot({ path: join(OUT, 'phone-full.png'), fullPage: true });
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    // Visible elements whose box reaches past the screen's right edge.
    const over = [...document.querySelectorAll('body *')].filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.right > width + 1 && el.checkVisibility();
    }).map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}`);
    const onScreen = (id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      return r.width > 0 && r.left >= 0 && r.right <= width;
    };
    const map = document.getElementById('map').getBoundingClientRect();
    return {
      width, page_width: document.documentElement.scrollWidth, overflowing: over.slice(0, 12),
      controls_on_screen: ['play', 'step', 'reset', 'text', 'map-n', 'predict-input'].filter(onScreen),
      map_css_px: [Math.round(map.width), Math.round(map.height)], map_top: Math.round(map.top),
    };
  });
}

const SCENES = {
  tsne: () => withPage((page) => tsne(page)),
  tsne50k: () => withPage((page) => tsne(page, { n: 50000, iterations: null, threads: 2 })),
  train: () => withPage((page) => train(page)),
  train10k: () => withPage((page) => train(page, { text: wideText(12000), words: 10000, maxVocab: 20000 })),
  phone: () => withPage(phone, { viewport: { width: 390, height: 844 } }),
};

for (const name of SCENE === 'all' ? Object.keys(SCENES) : SCENE.split(',')) {
  const figures = await SCENES[name]();
  console.log(JSON.stringify({ scene: name, ...figures }));
}
