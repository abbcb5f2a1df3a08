// The static host and the API of bench/peers.mjs, in a thread of its own: a request is answered
// while the bench's own thread is busy driving the browser (its protocol messages), as a real
// host answers whatever the browser's driver does. Files are read, hashed and cached once, as a
// static host keeps them, and the big answer is encoded once.
// workerData: { ocPath, mods, dirs: { name: dist }, pages: { name: html }, warm: [peer files] };
// posts its base URL once every file is read.
import { parentPort, workerData } from 'node:worker_threads';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const { ocPath, mods, dirs, pages, warm } = workerData;
const doc = JSON.parse(fs.readFileSync(ocPath));
const items = Array.from({ length: 5000 }, (_, i) => ({
  ID: `ITEM${String(i).padStart(5, '0')}`, Username: `user${i}`, FirstName: `First${i}`, LastName: `Last${i}`,
  Email: `user${i}@example.com`, Phone: '555-0100', Active: i % 7 !== 0, DateCreated: '2024-01-01T00:00:00Z',
  AvailableRoles: ['Shopper', 'MeAdmin', 'MeAddressAdmin', 'OrderReader'], xp: { Tier: i % 5, Region: 'north', Notes: 'x'.repeat(330) },
}));
const big = Buffer.from(JSON.stringify({ Meta: { Page: 1, PageSize: 5000, TotalCount: 5000, TotalPages: 1, ItemRange: [1, 5000] }, Items: items }));

let base;
// a body and its ETag, made once per name
const cache = new Map();
const once = (key, make) => {
  if (!cache.has(key)) {
    const body = Buffer.from(make());
    cache.set(key, { body, etag: `"${crypto.createHash('sha1').update(body).digest('base64url')}"` });
  }
  return cache.get(key);
};
const server = http.createServer((req, res) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Headers', '*');
  if (req.method === 'OPTIONS') { res.writeHead(204); return res.end(); }
  const u = new URL(req.url, 'http://x');
  // caching as a static host does it: versioned files for a year, the rest checked each time
  // by its ETag (so a second visit measures the browser's cache, not this server)
  const send = (type, key, make, versioned) => {
    const { body, etag } = once(key, make);
    const cacheControl = versioned ? 'public, max-age=31536000, immutable' : 'no-cache';
    if (req.headers['if-none-match'] === etag) { res.writeHead(304, { ETag: etag, 'Cache-Control': cacheControl }); return res.end(); }
    res.writeHead(200, { 'Content-Type': type, ETag: etag, 'Cache-Control': cacheControl });
    res.end(body);
  };
  if (u.pathname === '/oc.json') return send('application/json', 'oc', () => JSON.stringify({ ...doc, servers: [{ url: `${base}/v1` }] }));
  if (u.pathname === '/v1/adminusers') { res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }); return res.end(big); }
  const own = u.pathname.match(/^\/(gatehouse(?:_[a-z])?)\/(.*)$/);
  if (own && dirs[own[1]] && own[2] === 'config.json') return send('application/json', 'config', () => JSON.stringify({ api_base: base, client_id: 'BENCH' }));
  if (own && dirs[own[1]]) {
    const f = path.join(dirs[own[1]], own[2] || 'index.html');
    if (fs.existsSync(f) && fs.statSync(f).isFile()) {
      const type = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml' }[path.extname(f)] || 'application/octet-stream';
      return send(type, f, () => fs.readFileSync(f), /-[0-9a-f]{16}(_bg)?\.(js|wasm|css)$/.test(f));
    }
  }
  if (u.pathname.startsWith('/m/')) {
    const f = path.join(mods, decodeURIComponent(u.pathname.slice(3)));
    if (fs.existsSync(f)) return send(f.endsWith('.css') ? 'text/css' : 'text/javascript', f, () => fs.readFileSync(f), true);
  }
  const page = pages[u.pathname.slice(1)];
  if (page) return send('text/html', u.pathname, () => `<!doctype html><html><head><meta charset="utf-8"></head><body>${page}</body></html>`);
  res.writeHead(404); res.end();
});
server.listen(0, '127.0.0.1', () => {
  base = `http://127.0.0.1:${server.address().port}`;
  // every file read and hashed before the first round, so no tool's first visit pays for it
  once('oc', () => JSON.stringify({ ...doc, servers: [{ url: `${base}/v1` }] }));
  for (const dir of Object.values(dirs)) for (const f of fs.readdirSync(dir)) {
    const file = path.join(dir, f);
    if (fs.statSync(file).isFile()) once(file, () => fs.readFileSync(file));
  }
  for (const file of warm) once(file, () => fs.readFileSync(file));
  parentPort.postMessage(base);
});
