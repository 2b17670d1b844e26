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

/** Where the panel reads the local backend's address, anon key and tokens (same origin only). */
export const SESSION_PATH = '/__local-backend/session';

/**
 * Why a request for the session must be refused, or `null` when it comes from a page of this very server. The
 * tokens are handed out only to this origin's own `fetch`: `Host` must be a loopback name with our port (a foreign
 * name that resolves to 127.0.0.1 is DNS rebinding), `Sec-Fetch-Site` (when the browser sends it) `same-origin`,
 * `Sec-Fetch-Dest` (when sent) `empty` (a fetch, never a `<script>`, frame or navigation), `Origin` (when sent) our
 * own. A caller that sends none of the three is not a browser page (curl, a test): the local user, who can read
 * the tokens in the terminal anyway.
 */
function sessionRefusal(req, port) {
  const host = (req.headers.host ?? '').toLowerCase();
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return `Host not allowed: "${host}"`;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return `Sec-Fetch-Site is ${site}, not same-origin`;
  const dest = req.headers['sec-fetch-dest'];
  if (dest !== undefined && dest !== 'empty') return `Sec-Fetch-Dest is ${dest}, not a fetch`;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return `Origin ${origin} is not this server`;
  return null;
}

function sendJson(res, status, body) {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  res.end(JSON.stringify(body));
}

/**
 * Serves `root` on 127.0.0.1 (`port` 0 = a free one): GET/HEAD only; a path without an extension and without a file
 * gets `index.html` (SPA routes); a missing file with an extension is 404 (`/favicon.ico` 204, so browsers log
 * nothing); a malformed escape is 400 and a path outside `root` 403, never a crash.
 *
 * With `options.session` (a function returning the local backend's `{ url, anonKey, organizations }`), it also
 * answers `GET /__local-backend/session` with it, to pages of its own origin only (see `sessionRefusal`); other
 * callers get `403 { error }`, and without `options.session` it is `404 { error }`.
 *
 * @example
 * const panel = await startStaticServer('examples/admin-panel/dist', 0, { session: () => backendSession });
 * console.log(panel.url); await panel.close();
 */
export function startStaticServer(root, port, options = {}) {
  const base = path.resolve(root);
  let boundPort = port;
  const server = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] === SESSION_PATH) {
      if (req.method !== 'GET') {
        res.writeHead(405, { Allow: 'GET' }).end();
        return;
      }
      const refusal = sessionRefusal(req, boundPort);
      if (refusal !== null) {
        sendJson(res, 403, { error: `The local backend session is for this server's own pages: ${refusal}` });
        return;
      }
      const session = options.session?.() ?? null;
      if (session === null) {
        sendJson(res, 404, { error: 'No local backend runs behind this server (start it with npm start)' });
        return;
      }
      sendJson(res, 200, session);
      return;
    }
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
      boundPort = bound;
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
