// Does a 400,000-word, 100-dimension vectors file open without freezing the page, and in how much
// memory? Writes a seeded GloVe text file of that size (build/bench/glove-400k-100d.txt, ~330 MB,
// reused), serves dist/ (run ./build.sh build first), opens the file through "Open vectors" in
// headless Chromium while recording the main thread's animation-frame gaps (a frozen page shows
// up as one long gap), and samples the resident memory of all Chromium processes.
//
//   node bench/vectors_load.mjs [--keep 20000]
// Prints one JSON line: seconds to open, words kept, longest and p95 frame gap (ms), and the peak
// extra resident memory of the browser over its level before the file was opened (MB).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, withPage } from './page.mjs';

const i = process.argv.indexOf('--keep');
const KEEP = i >= 0 ? Number(process.argv[i + 1]) : 20000;
const WORDS = 400000;
const DIM = 100;
const FILE = join(ROOT, 'build/bench/glove-400k-100d.txt');

function writeVectors() {
  if (fs.existsSync(FILE)) return;
  fs.mkdirSync(dirname(FILE), { recursive: true });
  const out = fs.openSync(FILE, 'w');
  let state = 2024;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32 - 0.5; };
  let chunk = [];
  for (let w = 0; w < WORDS; w += 1) {
    chunk.push(`w${w} ${Array.from({ length: DIM }, next).map((x) => x.toFixed(5)).join(' ')}`);
    if (chunk.length === 5000) { fs.writeSync(out, `${chunk.join('\n')}\n`); chunk = []; }
  }
  fs.closeSync(out);
}

// Resident memory of every Chromium process, in MB.
function browserRssMb() {
  try {
    const out = execFileSync('ps', ['-C', 'chromium', '-o', 'rss='], { encoding: 'utf8' });
    return out.split('\n').filter(Boolean).reduce((sum, kb) => sum + Number(kb), 0) / 1024;
  } catch { return 0; }
}

writeVectors();
await withPage(async (page) => {
  await page.fill('#vectors-max', String(KEEP));
  await page.evaluate(() => {
    window.__gaps = [];
    let last = performance.now();
    const tick = (t) => { window.__gaps.push(t - last); last = t; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const before = browserRssMb();
  let peak = before;
  const sampler = setInterval(() => { peak = Math.max(peak, browserRssMb()); }, 200);
  const t0 = Date.now();
  await page.setInputFiles('#vectors-file', FILE);
  await page.waitForFunction(() => window.__embplay.state === 'vectors' && window.__embplay.mapPoints > 0, null, { timeout: 600_000 });
  const seconds = (Date.now() - t0) / 1000;
  clearInterval(sampler);
  const gaps = (await page.evaluate(() => window.__gaps.slice(1))).sort((a, b) => a - b);
  const status = await page.evaluate(() => document.querySelector('#status')?.textContent ?? '');
  console.log(JSON.stringify({
    file_mb: +(fs.statSync(FILE).size / 2 ** 20).toFixed(0), words_in_file: WORDS, dim: DIM, keep: KEEP,
    seconds: +seconds.toFixed(1), longest_frame_gap_ms: +gaps[gaps.length - 1].toFixed(0),
    p95_frame_gap_ms: +gaps[Math.floor(0.95 * gaps.length)].toFixed(0),
    browser_rss_before_mb: +before.toFixed(0), browser_rss_peak_extra_mb: +(peak - before).toFixed(0), status,
  }));
});
