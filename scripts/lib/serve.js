// A tiny static file server on loopback, for the browser tests and the demo screenshot.
// Listens on 127.0.0.1 with an OS-chosen port; close() stops it and drops open connections.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.csv': 'text/csv; charset=utf-8',
};

/**
 * Serves the files under `root` (GET/HEAD only, no directory listings; `/` is index.html).
 * `routes` maps a path to a handler (req, res) for dynamic answers; `port` 0 lets the OS choose;
 * `headers` go with every file (e.g. the two that make a page cross-origin isolated).
 * @returns {Promise<{ url: string, port: number, close(): Promise<void>, requests: string[] }>}
 */
export async function serveStatic(root, routes = {}, port = 0, headers = {}) {
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    try {
      if (routes[path]) return await routes[path](req, res);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      const file = normalize(join(root, path === '/' ? 'index.html' : path));
      if (file !== normalize(root) && !file.startsWith(normalize(root) + sep)) {
        res.writeHead(403).end();
        return;
      }
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...headers,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      res.writeHead(e?.code === 'ENOENT' || e?.code === 'EISDIR' ? 404 : 500, { 'content-type': 'text/plain' });
      res.end(String(e?.message ?? e));
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
      setTimeout(resolve, 2000).unref();
    }),
  };
}
