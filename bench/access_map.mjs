// Access-map benchmark (not a test): the large marketplace (`seed --large`: 10,000 buyer users
// in 100 buyers, 200 groups, 40 profiles, 3,000 assignments, 50 impersonation configs) read by
// the release portal in headless Chromium from a sandbox on loopback, signed in as admin01.
//
// - "complete map": from "Read again" to the complete map on screen (every list read, 100 to a
//   page, 6 in flight, the map built and its first rows painted); the portal's own split (read /
//   build) from the screen's data-read-ms and data-build-ms.
// - memory once the map is complete: the JS heap (performance.memory, precise) plus the WASM
//   linear memory (data-wasm-bytes).
// - filter or sort → next painted frame: the change event dispatched on the control, then the
//   time to the first frame painted after it (rAF, then a task), and the work alone (the time to
//   the first task after it: the portal's reactive update and the DOM writes).
// Median of RUNS. Usage: node bench/access_map.mjs <portal-url> <api-url>
import { chromium } from 'playwright-core';

const [portal, api] = process.argv.slice(2);
const RUNS = Number(process.env.RUNS || 5);
const CLIENT = '5E8F0C2A-7B1D-4C3E-9A6F-2D4B8E1F0A11';
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const mb = (n) => (n / 1048576).toFixed(1) + ' MB';

const token = await (await fetch(`${api}/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: `grant_type=password&client_id=${CLIENT}&username=admin01&password=Gatehouse-Admin1` })).json();
if (!token.access_token) throw new Error(`no token: ${JSON.stringify(token)}`);
const contexts = JSON.stringify([{ base_url: api, client_id: CLIENT, username: 'admin01', access_token: token.access_token,
  refresh_token: null, expires_at: Date.now() + 3600e3, lifetime: 3600, persistent: false }]);

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--enable-precise-memory-info',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
await context.addInitScript((c) => sessionStorage.setItem('gatehouse.contexts', c), contexts);
const p = await context.newPage();

// the first open: navigation → complete map (the portal starting, the document, the read)
await p.goto(`${portal}/?op=enhanced:access-map`);
await p.waitForSelector('#am-ready', { timeout: 120000 });
const first = await p.evaluate(() => performance.now());
const users = await p.getAttribute('#am-ready', 'data-users');
const summary = await p.textContent('#am-summary');
console.log(`large marketplace: ${summary.trim()}`);
console.log(`navigation → complete map (first open, portal start included): ${first.toFixed(0)} ms`);

const total = [], read = [], build = [], heap = [], wasm = [];
for (let i = 0; i < RUNS; i++) {
  const t = await p.evaluate(() => new Promise((resolve) => {
    const t0 = performance.now();
    const obs = new MutationObserver(() => {
      if (document.querySelector('#am-ready #am-matrix tbody tr[data-user]')) {
        obs.disconnect();
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
      }
    });
    obs.observe(document.body, { subtree: true, childList: true });
    document.getElementById('am-reload').click();
  }));
  total.push(t);
  const s = await p.evaluate(() => {
    const el = document.getElementById('screen');
    return { read: Number(el.dataset.readMs), build: Number(el.dataset.buildMs), wasm: Number(el.dataset.wasmBytes),
      heap: performance.memory ? performance.memory.usedJSHeapSize : 0 };
  });
  read.push(s.read); build.push(s.build); wasm.push(s.wasm); heap.push(s.heap);
}
console.log(`"Read again" → complete map painted, ${users} users: median ${median(total).toFixed(0)} ms (runs: ${total.map((x) => x.toFixed(0)).join(', ')}); of it reading ${median(read).toFixed(0)} ms, building ${median(build).toFixed(0)} ms`);
console.log(`memory with the map: JS heap ${mb(median(heap))} + WASM ${mb(median(wasm))} = ${mb(median(heap) + median(wasm))}`);

// filter and sort changes → next painted frame
const changes = [
  ['user type: buyer', '#am-type', 'buyer'], ['user type: all', '#am-type', ''],
  ['role: Shopper', '#am-role', 'Shopper'], ['role: all', '#am-role', ''],
  ['sort: most roles', '#am-sort', 'most'], ['sort: by user', '#am-sort', 'user'],
  ['elevated only', '#am-elevated', 'toggle'], ['elevated off', '#am-elevated', 'toggle'],
  ['search "user12"', '#am-search', 'user12'], ['search cleared', '#am-search', ''],
];
const frame = [], work = [], each = new Map();
for (let i = 0; i < RUNS; i++) {
  for (const [label, sel, value] of changes) {
    const r = await p.evaluate(([sel, value]) => new Promise((resolve) => {
      const el = document.querySelector(sel);
      const t0 = performance.now();
      let w = 0;
      if (value === 'toggle') { el.checked = !el.checked; el.dispatchEvent(new Event('change', { bubbles: true })); }
      else if (el.tagName === 'INPUT') { el.value = value; el.dispatchEvent(new Event('input', { bubbles: true })); }
      else { el.value = value; el.dispatchEvent(new Event('change', { bubbles: true })); }
      setTimeout(() => { w = performance.now() - t0; }, 0);
      requestAnimationFrame(() => setTimeout(() => resolve({ frame: performance.now() - t0, work: w }), 0));
    }), [sel, value]);
    frame.push(r.frame); work.push(r.work || r.frame);
    each.set(label, [...(each.get(label) || []), r.work || r.frame]);
  }
}
console.log(`  work per change (median): ${[...each].map(([l, xs]) => `${l} ${median(xs).toFixed(1)} ms`).join('; ')}`);
const p95 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]; };
console.log(`filter or sort change → next painted frame: median ${median(frame).toFixed(1)} ms, p95 ${p95(frame).toFixed(1)} ms; the work alone: median ${median(work).toFixed(1)} ms, p95 ${p95(work).toFixed(1)} ms (${changes.length} changes × ${RUNS})`);
await browser.close();
