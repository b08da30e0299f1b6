// The timeline of the epochs in headless Chromium: after a short run, the slider takes the map
// back to the random initialisation (the points move), back to the last epoch (they return),
// Play epochs animates through the epochs and ends on the last one, trails draw, Live returns.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage as open, patternText, startBrowser, waitFor } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env?.close(); });

const coords = (page) => page.evaluate(() => window.__embplay.mapCoords());
// Mean distance between the same words in two sets of map coordinates, over the spread of `b`.
function moved(a, b) {
  const at = new Map(a.map((p) => [p.word, p]));
  let d = 0; let spread = 0;
  const mx = b.reduce((s, p) => s + p.x, 0) / b.length; const my = b.reduce((s, p) => s + p.y, 0) / b.length;
  for (const p of b) {
    const q = at.get(p.word);
    d += Math.hypot(p.x - q.x, p.y - q.y);
    spread += Math.hypot(p.x - mx, p.y - my);
  }
  return d / spread;
}
const scrub = (page, epoch) => page.$eval('#tl-slider', (s, e) => {
  s.value = String(e);
  s.dispatchEvent(new Event('input'));
}, epoch);

test('the timeline slider moves the points; Play epochs animates and ends on the last epoch', { timeout: 120_000 }, async () => {
  const context = await env.newContext();
  const { page, problems } = await open(context, env.server.url);
  await page.fill('#text', patternText(300));
  await page.fill('#setting-epochs', '3');
  // The run this test was written with (the settings before they followed the text's size): its map
  // crowds enough for label density to tell few from many.
  for (const [name, value] of [['dim', '32'], ['hidden', '64'], ['dropout', '0'], ['min_count', '2']]) await page.fill(`#setting-${name}`, value);
  await page.click('#play');
  await waitFor(page, 'training did not finish', () => window.__embplay.state === 'finished', { timeout: 90_000 });
  await waitFor(page, 'the timeline did not reach epoch 3', () => document.getElementById('timeline').dataset.latest === '3');
  await waitFor(page, 'the map did not settle', () => window.__embplay.mapSettled);
  const live = await coords(page);
  assert.ok(live.length >= 10, `the map shows words (${live.length})`);

  await scrub(page, 0);
  await waitFor(page, 'the slider did not leave live', () => document.getElementById('timeline').dataset.live === 'false');
  await waitFor(page, 'the kept epochs are not 0..3', () => document.getElementById('timeline').dataset.kept === '0,1,2,3');
  const start = await coords(page);
  assert.equal(start.length, live.length);
  assert.ok(moved(start, live) > 0.2, `epoch 0 differs from the last epoch (moved ${moved(start, live)})`);
  assert.match(await page.textContent('#tl-label'), /epoch 0/);

  await scrub(page, 3);
  await waitFor(page, 'the slider did not show epoch 3', () => document.getElementById('timeline').dataset.epoch === '3');
  const end = await coords(page);
  assert.ok(moved(end, live) < 0.05, `the last epoch is where the live map was (moved ${moved(end, live)})`);

  await page.click('#tl-play');
  await waitFor(page, 'Play epochs did not pass through the middle epochs', () => {
    const e = Number(document.getElementById('timeline').dataset.epoch);
    return e > 0.3 && e < 2.7;
  });
  await waitFor(page, 'Play epochs did not end', () => document.getElementById('timeline').dataset.playing === 'false');
  assert.equal(await page.$eval('#timeline', (t) => t.dataset.epoch), '3', 'Play epochs ends on the last epoch');

  await page.check('#tl-trails');
  await waitFor(page, 'no trails were drawn', () => document.getElementById('map').dataset.trails === String(window.__embplay.mapPoints));

  // Label density: few labels fewer words than many; hover shows the word and its frequency.
  const labelsAt = async (density) => {
    await page.selectOption('#map-labels', density);
    await waitFor(page, `density ${density} not applied`, (d) => document.getElementById('map').dataset.labelDensity === d, { arg: density });
    await page.waitForTimeout(100);
    return page.evaluate(() => window.__embplay.mapLabels);
  };
  const few = await labelsAt('few'); const many = await labelsAt('many');
  assert.ok(few < many, `few labels (${few}) < many (${many})`);
  const [first] = await page.evaluate(() => window.__embplay.labelledPoints());
  const box = await page.locator('#map').boundingBox();
  await page.mouse.move(box.x + first.x, box.y + first.y);
  await waitFor(page, 'hover showed no tooltip', () => !document.getElementById('map-tooltip').hidden);
  assert.equal(await page.textContent('#map-tooltip strong'), first.word);
  assert.match(await page.textContent('#map-tooltip span'), /\d×/, 'the tooltip gives the word\'s frequency');

  await page.click('#tl-live');
  await waitFor(page, 'Live did not return', () => document.getElementById('timeline').dataset.live === 'true');
  assert.deepEqual(problems, []);
  await context.close();
});
