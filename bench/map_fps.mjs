// Does the map pan and zoom 10,000 points smoothly? Serves dist/ (run ./build.sh build first),
// opens a generated file of 10,000 word vectors (16 dimensions, seeded) through "Open vectors"
// in headless Chromium at 1400x900, shows all 10,000 words, then zooms and pans with the mouse
// wheel and drags for a few seconds while recording requestAnimationFrame deltas. With --dims 3
// the map shows the 3D view (PCA in three dimensions): the same wheel zooms it and the drags turn it.
//
// With --spin (3D) the page turns itself instead: one pointer move per animation frame, dispatched in
// the page, so the frame rate is the renderer's alone, without the test driver's round trips.
//
//   node bench/map_fps.mjs [--words 10000] [--seconds 4] [--dims 2|3] [--spin] [--runs 1]
// Prints one JSON line per run (--runs: that many measurements in the same page, the machine's load
// changing between them): frames, median / p95 / max frame time (ms), frames per second, the time
// the map's draw takes (median / p95 of the animation-frame callbacks that did work), and the
// machine's load average when the run ended.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT, withPage } from './page.mjs';

const option = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const WORDS = option('--words', 10000);
const SECONDS = option('--seconds', 4);
const DIMS = option('--dims', 2);
const SPIN = process.argv.includes('--spin');
const RUNS = option('--runs', 1);
if (SPIN && DIMS !== 3) throw new Error('--spin turns the 3D view: give --dims 3 too');

function vectorsFile(n, d = 16) {
  let state = 12345;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32 - 0.5; };
  const lines = [];
  for (let i = 0; i < n; i += 1) {
    const centre = i % 20;
    lines.push(`w${i} ${Array.from({ length: d }, (_, j) => ((j === centre % d ? 2 : 0) + next()).toFixed(4)).join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

await withPage(async (page) => {
  await page.fill('#vectors-max', String(WORDS));
  await page.setInputFiles('#vectors-file', { name: 'big.txt', mimeType: 'text/plain', buffer: Buffer.from(vectorsFile(WORDS)) });
  await page.waitForFunction(() => window.__embplay.state === 'vectors', null, { timeout: 60_000 });
  await page.selectOption('#map-n', '10000');
  await page.waitForFunction((n) => window.__embplay.mapPoints === n && window.__embplay.mapSettled, Math.min(WORDS, 10000), { timeout: 60_000 });
  if (DIMS === 3) {
    await page.selectOption('#map-dims', '3');
    await page.waitForFunction(() => window.__embplay.mapDims === 3 && window.__embplay.mapSettled, null, { timeout: 60_000 });
  }

  await page.evaluate(() => {
    // Time each animation-frame callback too (the map draws in one): the work per frame.
    window.__work = [];
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (cb) => raf((t) => { const t0 = performance.now(); cb(t); window.__work.push(performance.now() - t0); });
    window.__frames = [];
    let last = performance.now();
    const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__frames.length < 100000) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const box = await page.locator('#map').boundingBox();
  const cx = box.x + box.width / 2; const cy = box.y + box.height / 2;
  for (let run = 0; run < RUNS; run += 1) {
    await page.evaluate(() => { window.__work.length = 0; window.__frames.length = 0; });
    await page.mouse.move(cx, cy);
    const t0 = Date.now();
    let k = 0;
    if (SPIN) {
      k = await page.evaluate((seconds) => new Promise((done) => {
        const canvas = document.getElementById('map');
        const r = canvas.getBoundingClientRect();
        const at = (x) => ({ clientX: r.left + x, clientY: r.top + r.height / 2, pointerId: 1, button: 0, buttons: 1, bubbles: true });
        let x = r.width / 2;
        let moves = 0;
        canvas.dispatchEvent(new PointerEvent('pointerdown', at(x)));
        const end = performance.now() + seconds * 1000;
        const move = () => {
          x += 3;
          moves += 1;
          canvas.dispatchEvent(new PointerEvent('pointermove', at(x)));
          if (performance.now() < end) requestAnimationFrame(move);
          else { canvas.dispatchEvent(new PointerEvent('pointerup', at(x))); done(moves); }
        };
        requestAnimationFrame(move);
      }), SECONDS);
    }
    while (!SPIN && Date.now() - t0 < SECONDS * 1000) {
      // Zoom in and out around the centre, then drag the map in a small circle.
      await page.mouse.wheel(0, k % 40 < 20 ? -60 : 60);
      if (k % 10 === 0) {
        await page.mouse.down();
        for (let s = 0; s < 8; s += 1) await page.mouse.move(cx + 80 * Math.cos(s), cy + 80 * Math.sin(s));
        await page.mouse.up();
        await page.mouse.move(cx, cy);
      }
      k += 1;
    }
    const deltas = await page.evaluate(() => window.__frames.slice(1));
    const work = (await page.evaluate(() => window.__work)).filter((ms) => ms > 0.05).sort((a, b) => a - b);
    const sorted = [...deltas].sort((a, b) => a - b);
    const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    const seconds = deltas.reduce((a, b) => a + b, 0) / 1000;
    console.log(JSON.stringify({
      points: await page.evaluate(() => window.__embplay.mapPoints), dims: await page.evaluate(() => window.__embplay.mapDims),
      labels: await page.evaluate(() => window.__embplay.mapLabels),
      [SPIN ? 'pointer_moves_in_page' : 'wheel_and_drag_events']: k, frames: deltas.length, median_ms: +q(0.5).toFixed(1), p95_ms: +q(0.95).toFixed(1),
      max_ms: +sorted[sorted.length - 1].toFixed(1), fps: +(deltas.length / seconds).toFixed(1),
      draw_median_ms: +work[Math.floor(0.5 * work.length)].toFixed(1), draw_p95_ms: +work[Math.floor(0.95 * work.length)].toFixed(1),
      load_average: +loadavg()[0].toFixed(1),
    }));
  }
});
