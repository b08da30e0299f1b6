// The page for the browser benchmarks: serves dist/ (run ./build.sh build first), opens it in
// headless Chromium at 1400x900 and waits until the module is ready. `withPage(body)` runs
// `body(page, browser)` and always closes the browser and the server.
import { chromium } from 'playwright-core';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, serveStatic } from '../scripts/serve.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// initScript: runs in the page before its own scripts (page.addInitScript), e.g. to observe long tasks.
export async function withPage(body, { initScript = null } = {}) {
  const server = await serveStatic(join(ROOT, 'dist'));
  // CHROMIUM_EXTRA_ARGS: more switches, e.g. --disable-webgl to time the map's canvas fallback.
  const extra = (process.env.CHROMIUM_EXTRA_ARGS ?? '').split(' ').filter(Boolean);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...extra] });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    if (initScript) await page.addInitScript(initScript);
    await page.goto(server.url);
    await page.waitForFunction(() => window.__embplay?.ready && document.body.dataset.state !== 'loading', null, { timeout: 30_000 });
    return await body(page, browser);
  } finally {
    await browser.close();
    await server.close();
  }
}
