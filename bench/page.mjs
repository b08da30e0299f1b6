// The page for the browser benchmarks: serves dist/ (run ./build.sh build first), opens it in
// headless Chromium at 1400x900 (or `viewport`) and waits until the module is ready.
// `withPage(body, {viewport, initScript})` runs `body(page, browser)` and always closes the browser and the server.
import { chromium } from 'playwright-core';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, serveStatic } from '../scripts/serve.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// initScript: runs in the page before its own scripts (page.addInitScript), e.g. to observe long tasks.
export async function withPage(body, { viewport = { width: 1400, height: 900 }, initScript = null } = {}) {
  const server = await serveStatic(process.env.DIST ?? join(ROOT, 'dist'));  // DIST=...: another build, to compare
  // CHROMIUM_EXTRA_ARGS: more switches, e.g. --disable-webgl to time the map's canvas fallback.
  const extra = (process.env.CHROMIUM_EXTRA_ARGS ?? '').split(' ').filter(Boolean);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...extra] });
  try {
    const page = await (await browser.newContext({ viewport })).newPage();
    if (initScript) await page.addInitScript(initScript);
    await page.goto(server.url);
    await page.waitForFunction(() => window.__embplay?.ready && document.body.dataset.state !== 'loading', null, { timeout: 30_000 });
    return await body(page, browser);
  } finally {
    await browser.close();
    await server.close();
  }
}

// Reloads the page once its service worker controls it, as a user's second visit: the page is then
// cross-origin isolated and its worker runs the module with threads (two). Throws if it did not.
export async function reloadIsolated(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 30_000 });
  await page.reload();
  await page.waitForFunction(() => window.__embplay?.ready && document.body.dataset.state !== 'loading', null, { timeout: 30_000 });
  if (await page.evaluate(() => window.__embplay.threads) !== 2) throw new Error('the reloaded page did not get two threads');
}
