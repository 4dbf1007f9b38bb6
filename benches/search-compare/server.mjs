// A tiny static file server for the search comparison: node server.mjs ROOT PORT
// Serves ROOT on 127.0.0.1:PORT as a static host would, without compression (byte counts are
// taken from what is sent; run.sh also reports gzip sizes), and no cache headers but what
// Node sends by default (none), like python3 -m http.server without Last-Modified. A folder URL serves its index.html;
// the query string is ignored; a missing file is a 404 with ROOT/404.html if there is one.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const [root, port] = process.argv.slice(2);
if (!root || !port) {
  console.error('usage: node server.mjs ROOT PORT');
  process.exit(2);
}
const ROOT = path.resolve(root);
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.xml': 'application/xml',
  '.wasm': 'application/wasm',
  '.pagefind': 'application/octet-stream',
};

function send(res, status, file) {
  fs.readFile(file, (err, body) => {
    if (err) {
      res.writeHead(status === 200 ? 500 : status, { 'content-type': 'text/plain' });
      res.end(String(status));
      return;
    }
    res.writeHead(status, {
      'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
      'content-length': body.length,
    });
    res.end(body);
  });
}

http
  .createServer((req, res) => {
    let p;
    try {
      p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch (e) {
      res.writeHead(400).end();
      return;
    }
    const file = path.join(ROOT, path.normalize(p));
    if (!file.startsWith(ROOT)) {
      res.writeHead(403).end();
      return;
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        if (!p.endsWith('/')) {
          res.writeHead(301, { location: p + '/' }).end();
          return;
        }
        const index = path.join(file, 'index.html');
        if (fs.existsSync(index)) return send(res, 200, index);
      } else if (!err && st.isFile()) {
        return send(res, 200, file);
      }
      send(res, 404, path.join(ROOT, '404.html'));
    });
  })
  .listen(Number(port), '127.0.0.1', () => console.error(`server.mjs: ${ROOT} on http://127.0.0.1:${port}/`));
