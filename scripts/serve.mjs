// A tiny static file server for dist/: what `./build.sh serve` runs, and what the browser tests
// and the screenshot script start on a free port. Static files only, as any static host would.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8', '.tsv': 'text/tab-separated-values; charset=utf-8', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.webmanifest': 'application/manifest+json',
};

// Serves `root` on `port` (0 = any free port), optionally under a sub-path such as "/project/".
// Resolves to {server, url}.
export function startServer(root, port = 0, { base = '/', host = '127.0.0.1' } = {}) {
  const dir = path.resolve(root);
  const server = http.createServer((req, res) => {
    let pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!pathname.startsWith(base)) { res.writeHead(404); res.end('not found'); return; }
    pathname = '/' + pathname.slice(base.length);
    if (pathname.endsWith('/')) pathname += 'index.html';
    const file = path.join(dir, pathname);
    if (!file.startsWith(dir + path.sep)) { res.writeHead(403); res.end(); return; }
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); res.end('not found'); return; }
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
      res.end(data);
    });
  });
  return new Promise((resolve) => {
    server.listen(port, host, () => resolve({ server, url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${server.address().port}${base}` }));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [root = 'dist', port = '8000'] = process.argv.slice(2);
  const { url } = await startServer(root, Number(port), { host: 'localhost' });
  console.log(`Embedding Playground: ${url}  (Ctrl+C to stop)`);
}
