// Geometry a teacher can point at, in headless Chromium, on vectors opened from a file with planted
// directions: the map on two semantic axes (with their names drawn, bad axes explained, the link
// keeping them), the odd one out found and drawn, and the 3D view (points drawn by WebGL, turned by
// dragging, a click selecting a word and its neighbours, t-SNE in 3D).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PLANTED_WORDS, plantedLines } from '../data/planted-directions.mjs';
import { openFreshPage, startBrowser, waitFor } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env?.close(); });

const WORDS = 42;  // 12 planted words and 30 of noise
const vectorsFile = () => `${plantedLines(WORDS - PLANTED_WORDS).join('\n')}\n`;

async function openVectors(page) {
  await page.setInputFiles('#vectors-file', { name: 'planted.txt', mimeType: 'text/plain', buffer: Buffer.from(vectorsFile()) });
  await waitFor(page, 'the opened vectors were not shown', (n) => window.__embplay.state === 'vectors' && window.__embplay.mapPoints === n, { arg: WORDS });
}

async function placeOnAxes(page, x, y) {
  if (!(await page.$eval('#axes-settings', (d) => d.open))) await page.click('#axes-settings summary');
  await page.fill('#axis-x', x);
  await page.fill('#axis-y', y);
  await page.click('#axes-form button[type="submit"]');
}

const coordsOf = (page) => page.evaluate(() => Object.fromEntries(window.__embplay.mapCoords().map((p) => [p.word, p])));

test('axes place the words by their cosines and name their ends; bad axes are explained; the link keeps them', { timeout: 90_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  await openVectors(page);
  await placeOnAxes(page, 'he-she, man-woman', '{young youthful} - {old elderly}');
  await waitFor(page, 'the axes were not placed', () => /semantic axes/.test(document.getElementById('map-caption').textContent));
  assert.equal(await page.$eval('#map-projection', (s) => s.value), 'axes');
  assert.ok(await page.$eval('#map-dims', (s) => s.disabled), '3D is for PCA and t-SNE');
  await waitFor(page, 'the axes\' names were not drawn', () => document.getElementById('map').dataset.overlays.split(',').includes('axes'));
  const caption = await page.textContent('#map-caption');
  assert.match(caption, /x: she, woman → he, man/);
  assert.match(caption, /y made orthogonal to x/);
  const c = await coordsOf(page);
  assert.ok(c.boy.x > 0.5 && c.boy.y > 0.5, `boy: right and up (${c.boy.x}, ${c.boy.y})`);
  assert.ok(c.girl.x < -0.5 && c.girl.y > 0.5, `girl: left and up (${c.girl.x}, ${c.girl.y})`);
  assert.ok(c.elderly.y < -0.5, 'elderly: down');
  assert.ok(Math.abs(c.table.x) < 0.2, 'table: neither he nor she');
  assert.equal(Object.keys(c).length, WORDS, 'every shown word is placed');

  // Unknown words are named, one pair a side is refused; the map keeps its axes.
  await placeOnAxes(page, 'he-she, zebra-unicorn', '{young youthful} - {old elderly}');
  await waitFor(page, 'the unknown words were not named', () => /x axis: not in the vocabulary: zebra, unicorn/.test(document.getElementById('tsne-message').textContent));
  await placeOnAxes(page, 'he-she, man-woman', 'young-old');
  await waitFor(page, 'one pair a side was not refused', () => /y axis: each side needs at least two different words, and “young-old” is one pair/.test(document.getElementById('tsne-message').textContent));
  assert.ok(await page.$eval('#tsne-message', (m) => m.classList.contains('error')));
  assert.equal(await page.$eval('#map-projection', (s) => s.value), 'axes');
  assert.match(await page.textContent('#map-caption'), /x: she, woman → he, man/);

  // y kept as written: the caption says so. Then the address bar's link carries the axes.
  await page.click('#axes-settings summary');
  await page.fill('#axis-y', '{young youthful} - {old elderly}');
  await page.uncheck('#axes-orthogonal');
  await waitFor(page, 'y was not kept as written', () => /y as written/.test(document.getElementById('map-caption').textContent));
  await waitFor(page, 'the link did not follow', () => /proj=axes/.test(location.hash) && /axes_orth=0/.test(location.hash));
  const url = await page.evaluate(() => location.href);
  assert.match(decodeURIComponent(url.replace(/\+/g, ' ')), /axis_x=he-she, man-woman&axis_y=\{young youthful\} - \{old elderly\}/);
  assert.deepEqual(problems, []);
  await page.close();

  // Opened elsewhere: the link names the vectors file; once it is opened, the words go on the axes.
  const other = await openFreshPage(env, url);
  assert.equal(await other.page.$eval('#map-projection', (s) => s.value), 'axes');
  assert.equal(await other.page.$eval('#axis-x', (i) => i.value), 'he-she, man-woman');
  assert.equal(await other.page.$eval('#axes-orthogonal', (i) => i.checked), false);
  await openVectors(other.page);
  await waitFor(other.page, 'the linked axes were not placed', () => /semantic axes .* y as written/.test(document.getElementById('map-caption').textContent));
  const d = await coordsOf(other.page);
  assert.ok(d.boy.x > 0.5 && d.girl.x < -0.5);
  assert.deepEqual(other.problems, []);
  await other.page.close();
});

test('the odd one out finds the planted word, shows every distance and draws it on the map', { timeout: 60_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  await openVectors(page);
  await page.click('#tab-odd');
  await page.fill('#odd-input', 'he man boy');
  await page.click('#odd-form button[type="submit"]');
  await waitFor(page, 'three words were not refused', () => /type 4 to 6 words/.test(document.getElementById('odd-message').textContent));
  await page.fill('#odd-input', 'he man zebra boy');
  await page.click('#odd-form button[type="submit"]');
  await waitFor(page, 'the unknown word was not named', () => /not in the vocabulary: zebra/.test(document.getElementById('odd-message').textContent));
  await page.fill('#odd-input', 'he, man boy table');
  await page.click('#odd-form button[type="submit"]');
  await waitFor(page, 'no answer', () => document.querySelectorAll('#odd-list li').length === 4);
  assert.equal(await page.$eval('#odd-list li.odd', (li) => li.dataset.word), 'table');
  const distances = await page.$$eval('#odd-list li', (rows) => Object.fromEntries(rows.map((r) => [r.dataset.word, Number(r.dataset.value)])));
  for (const w of ['he', 'man', 'boy']) assert.ok(distances[w] < distances.table, `${w} ${distances[w]} < table ${distances.table}`);
  assert.match(await page.textContent('#odd-message'), /“table” is the odd one out/);
  await waitFor(page, 'the odd one out was not drawn', () => document.getElementById('map').dataset.overlays.split(',').includes('odd'));
  const labelled = (await page.evaluate(() => window.__embplay.labelledPoints())).map((p) => p.word);
  for (const w of ['he', 'man', 'boy', 'table']) assert.ok(labelled.includes(w), `${w} is labelled`);
  // The tab and its words travel in the link.
  await waitFor(page, 'the link did not follow', () => /tab=odd/.test(location.hash) && /odd=he/.test(location.hash));
  assert.deepEqual(problems, []);
  await page.close();
});

test('the 3D view draws the points with depth, turns when dragged, and a click selects a word', { timeout: 90_000 }, async () => {
  const { page, problems } = await openFreshPage(env);
  await openVectors(page);
  await page.selectOption('#map-dims', '3');
  await waitFor(page, 'no 3D frame', () => window.__embplay.mapDims === 3 && document.getElementById('map').dataset.dims === '3');
  assert.equal(await page.evaluate(() => window.__embplay.mapPoints), WORDS);
  assert.match(await page.textContent('#map-caption'), /in 3D .* z \d+%/);
  const first = await coordsOf(page);
  assert.ok(Number.isFinite(first.he.z), 'three coordinates a word');
  await waitFor(page, 'the 3D map did not settle', () => window.__embplay.mapSettled && Number(document.getElementById('map').dataset.labels) > 0);
  // The points are on the GPU layer under the labels: read back, they cover pixels (each point a
  // disc of a few pixels across; overlapping ones hide each other, hence the margin).
  const covered = await page.evaluate(() => window.__embplay.glCoverage());
  assert.ok(covered > 5 * WORDS, `the points cover ${covered} pixels`);

  // Dragging turns the cloud: labelled points move on screen, the coordinates do not.
  const before = Object.fromEntries((await page.evaluate(() => window.__embplay.labelledPoints())).map((p) => [p.word, p]));
  const box = await page.locator('#map').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  for (let s = 1; s <= 10; s += 1) await page.mouse.move(box.x + box.width / 2 + 12 * s, box.y + box.height / 2 + 3 * s);
  await page.mouse.up();
  await page.waitForTimeout(100);
  assert.equal(await page.$eval('#map', (c) => c.dataset.selected ?? ''), '', 'a drag selects nothing');
  const after = await page.evaluate(() => window.__embplay.labelledPoints());
  const moved = after.filter((p) => before[p.word] && Math.hypot(p.x - before[p.word].x, p.y - before[p.word].y) > 5);
  assert.ok(moved.length > 0, 'the drag turned the view');
  assert.deepEqual((await coordsOf(page)).he, first.he);

  // A click on a labelled word selects it: its neighbours are listed and ringed.
  const target = after.find((p) => p.x > 30 && p.y > 30 && p.x < box.width - 30 && p.y < box.height - 30);
  assert.ok(target, 'a labelled word inside the map');
  await page.mouse.click(box.x + target.x, box.y + target.y);
  await waitFor(page, 'the click selected nothing', () => document.getElementById('map').dataset.selected !== '');
  await waitFor(page, 'no neighbours listed', () => document.querySelectorAll('#nb-list li').length === 10);
  assert.equal(await page.evaluate(() => window.__embplay.selected), await page.$eval('#map', (c) => c.dataset.selected));

  // Back to 2D: the flat map again; t-SNE in 3D settles in 3D frames.
  await page.selectOption('#map-dims', '2');
  await waitFor(page, 'no 2D frame', () => window.__embplay.mapDims === 2);
  await page.selectOption('#map-dims', '3');
  await page.click('#tsne-settings summary');
  await page.fill('#tsne-perplexity', '5');
  await page.fill('#tsne-iterations', '300');
  await page.click('#tsne-form button[type="submit"]');
  await waitFor(page, 't-SNE did not finish in 3D', () => /done/.test(document.getElementById('tsne-message').textContent) && window.__embplay.mapDims === 3,
    { timeout: 30_000 });
  assert.match(await page.textContent('#map-caption'), /t-SNE .* in 3D/);
  assert.deepEqual(problems, []);
  await page.close();
});
