// One static server for the built admin panel, used by `npm start` (scripts/start.mjs) and by the browser run
// (e2e/harness.ts), so the browser tests exercise the very server a user starts.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `root` on 127.0.0.1 (`port` 0 = a free one): GET/HEAD only; a path without an extension and without a file
 * gets `index.html` (SPA routes); a missing file with an extension is 404 (`/favicon.ico` 204, so browsers log
 * nothing); a malformed escape is 400 and a path outside `root` 403, never a crash.
 *
 * @example
 * const panel = await startStaticServer('examples/admin-panel/dist', 0);
 * console.log(panel.url); await panel.close();
 */
export function startStaticServer(root, port) {
  const base = path.resolve(root);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      // A malformed escape (e.g. /%E0) is the client's mistake, not a reason for the server to exit.
      res.writeHead(400).end();
      return;
    }
    let file = path.resolve(base, `.${pathname}`);
    if (file !== base && !file.startsWith(base + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file)) {
      if (pathname === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      if (path.extname(pathname) !== '') {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
        return;
      }
      file = path.join(base, 'index.html');
    }
    // Hashed assets can be cached; index.html must not be, so a rebuild shows at once.
    const cache = file.includes(`${path.sep}assets${path.sep}`)
      ? 'public, max-age=31536000, immutable'
      : 'no-cache';
    res.writeHead(200, {
      'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'Cache-Control': cache,
    });
    if (req.method === 'HEAD') res.end();
    else
      createReadStream(file)
        .on('error', () => res.destroy()) // e.g. a file removed by a rebuild meanwhile
        .pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address();
      resolve({
        url: `http://127.0.0.1:${bound}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
