// Peer comparison (not a test): Swagger UI, RapiDoc, Scalar and Stoplight Elements, served
// from npm, on the same document and the same 5,000-item answer as bench/portal.mjs, in the same
// headless Chromium. "Ready" = the tool shows its list of operations (per-tool check below); "big
// response" = from pressing the tool's send button (found by role and name) to the first item shown.
// Usage: node bench/peers.mjs <ordercloud.json> <node_modules dir with the four packages>
import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const [ocPath, mods] = process.argv.slice(2);
const RUNS = Number(process.env.RUNS || 3);
// how long to wait for a big response before calling it "not shown"
const LIMIT = Number(process.env.LIMIT_MS || 180000);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const oc = fs.readFileSync(ocPath);
const doc = JSON.parse(oc);
const summaries = [];
for (const item of Object.values(doc.paths)) for (const m of ['get', 'post', 'put', 'patch', 'delete']) if (item[m]?.summary) summaries.push(item[m].summary.trim().replace(/\.$/, ''));
const [first, last] = [summaries[0], summaries[summaries.length - 1]];
const items = Array.from({ length: 5000 }, (_, i) => ({
  ID: `ITEM${String(i).padStart(5, '0')}`, Username: `user${i}`, FirstName: `First${i}`, LastName: `Last${i}`,
  Email: `user${i}@example.com`, Phone: '555-0100', Active: i % 7 !== 0, DateCreated: '2024-01-01T00:00:00Z',
  AvailableRoles: ['Shopper', 'MeAdmin', 'MeAddressAdmin', 'OrderReader'], xp: { Tier: i % 5, Region: 'north', Notes: 'x'.repeat(330) },
}));
const big = JSON.stringify({ Meta: { Page: 1, PageSize: 5000, TotalCount: 5000, TotalPages: 1, ItemRange: [1, 5000] }, Items: items });

const tools = {
  swagger: {
    files: ['swagger-ui-dist/swagger-ui-bundle.js', 'swagger-ui-dist/swagger-ui.css'],
    page: (spec) => `<link rel="stylesheet" href="/m/swagger-ui-dist/swagger-ui.css"><div id="ui"></div><script src="/m/swagger-ui-dist/swagger-ui-bundle.js"></script>
      <script>SwaggerUIBundle({url: '${spec}', dom_id: '#ui', docExpansion: 'list', tryItOutEnabled: true})</script>`,
    send: [(p) => p.getByRole('button', { name: /GET\s*\/big/ }).first(), (p) => p.getByRole('button', { name: /^Execute$/ })],
    ready: `document.querySelectorAll('.opblock').length >= 5`,
  },
  rapidoc: {
    files: ['rapidoc/dist/rapidoc-min.js'],
    page: (spec) => `<script type="module" src="/m/rapidoc/dist/rapidoc-min.js"></script><rapi-doc spec-url="${spec}" render-style="read" allow-try="true" show-header="false"></rapi-doc>`,
    send: [(p) => p.getByRole('button', { name: /^TRY$/ })],
    ready: `(() => { const t = deepText(document); let n = 0; for (const s of SUMMARIES) if (t.includes(s) && ++n >= 20) return true; return false; })()`,
  },
  scalar: {
    files: ['@scalar/api-reference/dist/browser/standalone.js'],
    page: (spec) => `<div id="app"></div><script src="/m/@scalar/api-reference/dist/browser/standalone.js"></script>
      <script>Scalar.createApiReference('#app', {url: '${spec}'})</script>`,
    send: [(p) => p.getByRole('button', { name: /^Test Request/ }).first(), (p) => p.getByRole('button', { name: /^Send/ }).last()],
    ready: `document.querySelectorAll('.endpoint').length >= 100`,
  },
  elements: {
    files: ['@stoplight/elements/web-components.min.js', '@stoplight/elements/styles.min.css'],
    page: (spec) => `<link rel="stylesheet" href="/m/@stoplight/elements/styles.min.css"><script src="/m/@stoplight/elements/web-components.min.js"></script>
      <elements-api apiDescriptionUrl="${spec}" router="hash" layout="sidebar"></elements-api>`,
    send: [(p) => p.getByText('A big list', { exact: true }).first(), (p) => p.getByRole('button', { name: /Send API Request/ })],
    ready: `(() => { const t = document.querySelector('elements-api')?.textContent || ''; return t.includes('Security Profiles') && t.includes('Admin Users'); })()`,
  },
};

let port;
const server = http.createServer((req, res) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Headers', '*');
  if (req.method === 'OPTIONS') { res.writeHead(204); return res.end(); }
  const u = new URL(req.url, 'http://x');
  if (u.pathname === '/oc.json') { res.writeHead(200, { 'Content-Type': 'application/json' }); return res.end(oc); }
  if (u.pathname === '/big.json') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return res.end(JSON.stringify({ openapi: '3.0.1', info: { title: 'big', version: '1' }, servers: [{ url: `http://127.0.0.1:${port}/v1` }],
      paths: { '/big': { get: { operationId: 'Big.List', summary: 'A big list', responses: { 200: { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } } } } } }));
  }
  if (u.pathname === '/v1/big') { res.writeHead(200, { 'Content-Type': 'application/json' }); return res.end(big); }
  if (u.pathname.startsWith('/m/')) {
    const f = path.join(mods, decodeURIComponent(u.pathname.slice(3)));
    if (fs.existsSync(f)) { res.writeHead(200, { 'Content-Type': f.endsWith('.css') ? 'text/css' : 'text/javascript' }); return res.end(fs.readFileSync(f)); }
  }
  const t = tools[u.pathname.slice(1)];
  if (t) { res.writeHead(200, { 'Content-Type': 'text/html' }); return res.end(`<!doctype html><html><head><meta charset="utf-8"></head><body>${t.page(u.searchParams.get('spec'))}</body></html>`); }
  res.writeHead(404); res.end();
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
port = server.address().port;
const base = `http://127.0.0.1:${port}`;

if (process.env.HOLD) { console.log(base); await new Promise(() => {}); }
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const deep = `function deepText(r){let t=(r.nodeType===9?r.documentElement.textContent:r.textContent)||'';for(const e of r.querySelectorAll('*'))if(e.shadowRoot)t+=deepText(e.shadowRoot);return t}`;

const why = {};
const only = process.env.ONLY ? process.env.ONLY.split(',') : null;
for (const [name, t] of Object.entries(tools)) {
  if (only && !only.includes(name)) continue;
  let brotli = 0;
  for (const f of t.files) brotli += zlib.brotliCompressSync(fs.readFileSync(path.join(mods, f)), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const ready = [], shown = [];
  for (let i = 0; i < RUNS; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const p = await ctx.newPage();
    await p.goto(`${base}/${name}?spec=/oc.json`);
    try {
      await p.waitForFunction(([SUMMARIES, src, ready]) => { eval(src); return eval(ready); }, [summaries, deep, t.ready], { timeout: 60000, polling: 50 });
      ready.push(await p.evaluate(() => performance.now()));
    } catch { ready.push(Infinity); }
    await ctx.close();
    const ctx2 = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const q = await ctx2.newPage();
    await q.goto(`${base}/${name}?spec=/big.json`);
    let step = 0;
    try {
      // each tool's own controls, found by role and name (Playwright pierces shadow roots)
      for (const [k, find] of t.send.entries()) {
        step = k;
        const loc = find(q);
        await loc.waitFor({ timeout: 30000 });
        if (k < t.send.length - 1) { await loc.click(); await q.waitForTimeout(500); continue; }
        const button = await loc.elementHandle();
        const ms = await q.evaluate(([src, button, limit]) => new Promise((resolve) => {
          eval(src);
          const t0 = performance.now();
          button.click();
          const poll = () => (deepText(document).includes('ITEM00000') ? resolve(performance.now() - t0) : performance.now() - t0 > limit ? resolve(Infinity) : setTimeout(poll, 20));
          poll();
        }), [deep, button, LIMIT]);
        shown.push(ms);
      }
    } catch (e) { shown.push(Infinity); why[name] = `could not drive step ${step + 1}: ${String(e).split('\n')[0]}`; }
    await ctx2.close();
  }
  const f = (x) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : 'not shown');
  console.log(`${name}: ${(brotli / 1024).toFixed(0)} KB brotli; operations shown ${f(median(ready))}; 5,000-item response shown ${f(median(shown))} (runs: ${ready.map(f).join(' / ')} | ${shown.map(f).join(' / ')})${why[name] ? ' — ' + why[name] : ''}`);
}
await browser.close();
server.close();
