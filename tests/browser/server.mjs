// A tiny static file server for the browser tests: one directory, 127.0.0.1, a free port picked
// by the OS, correct MIME types (application/wasm included, which WebAssembly.compileStreaming
// requires), no directory listing, nothing outside the root.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `root` until `close()`.
 * @param headers extra response headers (e.g. a Content-Security-Policy), on every response
 * @param files   extra files by URL path ('/left.html': its text), served before `root`'s
 * @returns {Promise<{url: string, close: () => Promise<void>, requests: string[]}>}
 *   url ends with '/'; requests lists "STATUS path" for every request (to spot 404s)
 */
export async function serve(root, { headers = {}, files = {} } = {}) {
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = normalize(join(root, path));
    if (!(file + sep).startsWith(normalize(root + sep))) {
      requests.push(`403 ${path}`);
      res.writeHead(403).end();
      return;
    }
    try {
      let body;
      if (Object.hasOwn(files, path)) {
        body = files[path];
      } else {
        if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
        body = await readFile(file);
      }
      requests.push(`200 ${path}`);
      res.writeHead(200, {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...headers,
      });
      res.end(body);
    } catch {
      requests.push(`404 ${path}`);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
