// Portal benchmark (not a test): bundle size, time to a ready console with OrderCloud's
// 402-operation document, and time to show a 5,000-item (~3 MB) response. Cold runs in headless
// Chromium, median of RUNS. Usage: node bench/portal.mjs <portal-url> <api-url> <ordercloud.json>
import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const [portal, api, ocPath] = process.argv.slice(2);
const RUNS = Number(process.env.RUNS || 5);
const dist = path.resolve(process.env.DIST || 'dist');
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const kb = (n) => (n / 1024).toFixed(1) + ' KB';

// 1. transferred size of JS + WASM + CSS
let raw = 0, gz = 0, br = 0;
for (const f of fs.readdirSync(dist).filter((f) => /\.(js|wasm|css)$/.test(f))) {
  const b = fs.readFileSync(path.join(dist, f));
  raw += b.length;
  gz += zlib.gzipSync(b, { level: 9 }).length;
  br += zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}
console.log(`bundle (JS + WASM + CSS): ${kb(raw)} raw, ${kb(gz)} gzip, ${kb(br)} brotli`);

// a local server for the OrderCloud document and a 5,000-item response (with CORS)
const oc = fs.readFileSync(ocPath);
const items = Array.from({ length: 5000 }, (_, i) => ({
  ID: `ITEM${String(i).padStart(5, '0')}`, Username: `user${i}`, FirstName: `First${i}`, LastName: `Last${i}`,
  Email: `user${i}@example.com`, Phone: '555-0100', Active: i % 7 !== 0, DateCreated: '2024-01-01T00:00:00Z',
  AvailableRoles: ['Shopper', 'MeAdmin', 'MeAddressAdmin', 'OrderReader'], xp: { Tier: i % 5, Region: 'north', Notes: 'x'.repeat(330) },
}));
const big = JSON.stringify({ Meta: { Page: 1, PageSize: 5000, TotalCount: 5000, TotalPages: 1, ItemRange: [1, 5000] }, Items: items });
const bigSpec = JSON.stringify({ openapi: '3.0.1', info: { title: 'big', version: '1' }, tags: [{ name: 'Big' }],
  paths: { '/big': { get: { operationId: 'Big.List', tags: ['Big'], summary: 'A big list', parameters: [], security: [{ OAuth2: [] }], responses: { 200: { description: 'ok' } } } } } });
const server = http.createServer((req, res) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Headers', '*');
  if (req.method === 'OPTIONS') { res.writeHead(204); return res.end(); }
  const body = req.url.startsWith('/oc.json') ? oc : req.url.startsWith('/big-spec.json') ? bigSpec : req.url.startsWith('/v1/big') ? big : null;
  if (!body) { res.writeHead(404); return res.end(); }
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const local = `http://127.0.0.1:${server.address().port}`;
console.log(`big response: ${(big.length / 1048576).toFixed(2)} MB, 5000 items`);

const token = await (await fetch(`${api}/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: 'grant_type=password&client_id=5E8F0C2A-7B1D-4C3E-9A6F-2D4B8E1F0A11&username=admin01&password=Gatehouse-Admin1' })).json();
const ctx = (base) => [{ base_url: base, client_id: '5E8F0C2A-7B1D-4C3E-9A6F-2D4B8E1F0A11', username: 'admin01', access_token: token.access_token,
  refresh_token: null, expires_at: Date.now() + 3600e3, lifetime: 3600, persistent: false }];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'] });

async function page(base, specUrl) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const contexts = JSON.stringify(ctx(base));
  await context.addInitScript(([c, s]) => {
    sessionStorage.setItem('gatehouse.contexts', c);
    localStorage.setItem('gatehouse.spec_url', s);
  }, [contexts, specUrl]);
  return [context, await context.newPage()];
}

// 2. navigation → console ready (menu rendered) with the OrderCloud document
const ready = [];
for (let i = 0; i < RUNS; i++) {
  const [context, p] = await page(api, `${local}/oc.json`);
  await p.goto(portal);
  await p.waitForSelector('#console-ready .op-select, #welcome', { timeout: 30000 });
  await p.waitForFunction(() => (document.getElementById('welcome')?.textContent || '').includes('402 operations') && document.querySelectorAll('.menu .resource').length > 30);
  ready.push(await p.evaluate(() => performance.now()));
  await context.close();
}
console.log(`console ready with the 402-operation OrderCloud document: median ${median(ready).toFixed(0)} ms (runs: ${ready.map((x) => x.toFixed(0)).join(', ')})`);

// 3. Send → first rows of a 5,000-item response on screen
const shown = [], afterArrival = [], nodes = [];
for (let i = 0; i < RUNS; i++) {
  const [context, p] = await page(local, `${local}/big-spec.json`);
  await p.goto(`${portal}/?op=GET%20/big`);
  await p.waitForSelector('#send');
  const t = await p.evaluate(() => new Promise((resolve) => {
    const t0 = performance.now();
    const obs = new MutationObserver(() => {
      const pre = document.querySelector('#response-body pre');
      if (pre && pre.textContent.includes('ITEM00000')) { obs.disconnect(); resolve(performance.now() - t0); }
    });
    obs.observe(document.body, { subtree: true, childList: true, characterData: true });
    document.getElementById('send').click();
  }));
  shown.push(t);
  await p.waitForFunction(() => Number(document.getElementById('response')?.dataset.renderMs) > 0);
  afterArrival.push(await p.evaluate(() => Number(document.getElementById('response').dataset.renderMs)));
  nodes.push(await p.evaluate(() => document.querySelectorAll('*').length));
  // scrolling to the end stays cheap: only the visible window is in the DOM
  await context.close();
}
console.log(`5,000-item response: Send → first rows ${median(shown).toFixed(0)} ms median (includes transfer); arrival → rendered ${median(afterArrival).toFixed(0)} ms; page DOM nodes ${median(nodes)}`);
await browser.close();
server.close();
