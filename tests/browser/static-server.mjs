// A minimal static server for the browser tests: serves SITE (a built site) mounted at
// BASE on a free loopback port; `..` cannot leave SITE. With `gzipBin`, `.bin` files
// (the gzipped search index) are sent with `Content-Encoding: gzip`, as a server that
// knows them would.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const types = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.svg': 'image/svg+xml', '.xml': 'application/xml', '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json', '.csv': 'text/csv; charset=utf-8', '.png': 'image/png',
};

export async function serveSite(site, base, { gzipBin = false } = {}) {
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    if (!p.startsWith(base)) { res.writeHead(404); res.end(); return; }
    p = path.join(site, p.slice(base.length));
    if (!p.startsWith(site)) { res.writeHead(403); res.end(); return; }
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) p = path.join(p, 'index.html');
    if (!fs.existsSync(p)) { res.writeHead(404); res.end('not found'); return; }
    const headers = { 'content-type': types[path.extname(p)] ?? 'application/octet-stream' };
    if (gzipBin && p.endsWith('.bin')) headers['content-encoding'] = 'gzip';
    res.writeHead(200, headers);
    fs.createReadStream(p).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}
