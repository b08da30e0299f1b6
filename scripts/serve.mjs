// A tiny static file server for dist/: what `./build.sh serve` runs (node scripts/serve.mjs dist 8000),
// and what the browser tests and scripts/screenshot.mjs start on a free port. Correct MIME types,
// including application/wasm so the browser can stream-compile the module; no directory listing;
// nothing outside the root. Listens on 127.0.0.1 and a free port unless told otherwise.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

// Serves `root` at http://<host>:<port>/<prefix>/ (port 0: any free one); resolves to {url, close()}.
export async function serveStatic(root, { prefix = '/', port = 0, host = '127.0.0.1' } = {}) {
  root = resolve(root);
  const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let path = decodeURIComponent(url.pathname);
    if (!path.startsWith(base)) { res.writeHead(404).end('not found'); return; }
    path = path.slice(base.length) || 'index.html';
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(root, path));
    if (!file.startsWith(normalize(root) + sep)) { res.writeHead(403).end('forbidden'); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${server.address().port}${base}`,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

// Chromium flags for a quiet, sandbox-free headless run.
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [root = 'dist', port = '8000'] = process.argv.slice(2);
  const { url } = await serveStatic(root, { port: Number(port), host: 'localhost' });
  console.log(`Embedding Playground: ${url}  (Ctrl+C to stop)`);
}
