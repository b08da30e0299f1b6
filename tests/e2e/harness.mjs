// What the browser tests share: the static server on a sub-path, Chromium, a fresh browser
// context per page (its own IndexedDB, clipboard and service workers), and waiting with a
// useful message. Needs dist/ (./build.sh build, or node web/build.mjs) and /usr/bin/chromium.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, serveStatic } from '../../scripts/serve.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = join(ROOT, 'dist');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Serves dist/ from a sub-path (proving it uses relative paths only) and starts Chromium.
export async function startBrowser() {
  for (const file of ['index.html', 'main.js', 'worker.js', 'sw.js', 'embplay.js', 'embplay.wasm']) {
    assert.ok(existsSync(join(DIST, file)), `dist/${file} is missing: run ./build.sh build (or node web/build.mjs) first`);
  }
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM)`);
  const server = await serveStatic(DIST, { prefix: '/some/sub/path/' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    server,
    browser,
    newContext: () => browser.newContext({ viewport: { width: 1400, height: 900 } }),
    close: async () => { await browser.close(); await server.close(); },
  };
}

// Opens `url` in `context` (a new page), waits until the page is ready (restored what it keeps,
// read its link) and collects everything that goes wrong on it.
export async function openPage(context, url) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  page.on('requestfailed', (req) => {
    // Chromium drops the icon's fetch when the address changes under it (the share link is kept in
    // the address bar as the page loads): not a failure of the page.
    if (req.url().endsWith('/favicon.svg') && req.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`); });
  page.on('crash', () => problems.push('the page crashed'));
  page.on('dialog', (d) => { problems.push(`a dialog opened: ${d.message()}`); d.dismiss().catch(() => {}); });
  await page.goto(url);
  await waitReady(page, problems);
  return { page, problems };
}

// Opens the site in a fresh browser context of `env` (from startBrowser), so that nothing another
// test saved is restored; the context closes with the page.
export async function openFreshPage(env, url = env.server.url) {
  const context = await env.newContext();
  const opened = await openPage(context, url);
  opened.page.on('close', () => context.close().catch(() => {}));
  return opened;
}

export async function waitReady(page, problems = []) {
  await page.waitForFunction(() => window.__embplay?.ready && document.body.dataset.state !== 'loading', null, { timeout: 30_000 })
    .catch(async () => {
      const state = await page.evaluate(() => document.body.dataset.state);
      const fatal = await page.locator('#fatal').textContent();
      throw new Error(`the page never became ready (state ${state}; ${fatal || 'no message'}; ${problems.join('; ')})`);
    });
}

export const debug = (page) => page.evaluate(() => {
  const d = window.__embplay;
  return {
    state: d.state, progress: d.progress, evaluation: d.evaluation, mapPoints: d.mapPoints,
    mapLabels: d.mapLabels, lossPoints: d.lossPoints, pplPoints: d.pplPoints, traffic: d.traffic(),
  };
});

// Waits until `fn` is true in the page; on a timeout, fails with `what` and the page's state.
export async function waitFor(page, what, fn, { arg, timeout = 10_000 } = {}) {
  try {
    await page.waitForFunction(fn, arg, { timeout });
  } catch (err) {
    const state = await debug(page).catch(() => 'unavailable');
    throw new Error(`${what} (waited ${timeout} ms); page state: ${JSON.stringify(state)}`, { cause: err });
  }
}

// A text with a few repeated sentence patterns, made with a seeded generator (no Math.random):
// animals, verbs and places that the model can tell apart. About 3,000 words.
export function patternText(sentences = 500, seed = 7) {
  let state = seed >>> 0;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32; };
  const pick = (list) => list[Math.floor(next() * list.length)];
  const animals = ['cat', 'dog', 'fox', 'wolf', 'mouse', 'horse', 'goat', 'lion'];
  const verbs = ['saw', 'chased', 'found', 'followed', 'heard', 'met'];
  const places = ['house', 'garden', 'forest', 'river', 'field', 'hill'];
  const out = [];
  for (let i = 0; i < sentences; i += 1) {
    const form = i % 3;
    if (form === 0) out.push(`The ${pick(animals)} ${pick(verbs)} the ${pick(animals)}.`);
    else if (form === 1) out.push(`A ${pick(animals)} ran to the ${pick(places)}.`);
    else out.push(`The ${pick(animals)} lived by the ${pick(places)} and ${pick(verbs)} a ${pick(animals)}.`);
  }
  return out.join(' ');
}

// King - man + woman is exactly queen (gender on one axis, royalty on another), then 96 words in
// three seeded families along the other axes. GloVe text, 5 dimensions.
export function plantedVectors() {
  let state = 23;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32 - 0.5; };
  const lines = ['king 1 1 0.1 0 0', 'queen 1 -1 0.1 0 0', 'man 0 1 0.1 0 0', 'woman 0 -1 0.1 0 0'];
  for (let i = 0; i < 96; i += 1) {
    const v = Array.from({ length: 5 }, (_, j) => (j === 2 + (i % 3) ? 1 : 0) + 0.25 * next());
    lines.push(`f${i % 3}w${i} ${v.map((x) => x.toFixed(5)).join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function openVectors(page, text = plantedVectors(), words = 100) {
  await page.setInputFiles('#vectors-file', { name: 'planted.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
  await waitFor(page, 'the opened vectors were not shown', (n) => window.__embplay.state === 'vectors' && window.__embplay.mapPoints === n, { arg: words });
}
