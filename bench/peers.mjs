// Peer comparison (not a test): Gatehouse beside Swagger UI, RapiDoc, Scalar and Stoplight
// Elements, every tool measured by the same checks, in the same headless Chromium, each in its
// default layout, on the same document (OrderCloud's, 402 operations) served with its `servers`
// pointed at this script's own server.
//
// - "ready": from navigation to the first painted frame in which the six Admin Users operations
//   are offered inside the viewport. Each tool is opened at its own address for that section (the
//   link a colleague would send): Gatehouse `?op=GET /adminusers` (its operation selector,
//   visible, holds the six), Swagger UI `#/Admin Users` (deepLinking), RapiDoc `#tag--Admin-Users`,
//   Scalar `#tag/admin-users`, Elements `#/operations/AdminUsers.List`. An operation counts when
//   its summary is shown in an element that is rendered and intersects the viewport.
// - "big response": `GET /adminusers` of the same document answered with 5,000 items (3 MB); from
//   the click on the tool's own send button (found by role and name) to the first painted frame
//   in which the first item is rendered (in view or below it: a response is read by scrolling).
// The clock stops the same way for every tool: the check runs on each animation frame, and the
//   time is taken after the frame that satisfied it has been painted (rAF, then a task).
// Usage: node bench/peers.mjs <ordercloud.json> <node_modules with the peers> <dist/>
// (GATEHOUSE_B=<another dist/>[,<another>…]: those builds too, as "gatehouse_b", "gatehouse_c", …, measured in the same
// rounds: an A/B comparison of two builds that the machine's drift from run to run cannot blur;
// CHROME_ARGS='--js-flags=…': more Chromium flags, for experiments)
// Peers at the versions scripts/bench pins.
import { chromium } from 'playwright-core';
import { Worker } from 'node:worker_threads';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const [ocPath, mods, dist] = process.argv.slice(2);
const RUNS = Number(process.env.RUNS || 5);
const LIMIT = Number(process.env.LIMIT_MS || 120000);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const brotli = (b) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

const doc = JSON.parse(fs.readFileSync(ocPath));
const six = [];
for (const [p, item] of Object.entries(doc.paths)) for (const m of ['get', 'post', 'put', 'patch', 'delete']) {
  if (item[m]?.tags?.includes('Admin Users')) six.push(item[m].summary.trim().replace(/\.$/, ''));
}
if (six.length !== 6) throw new Error(`expected the six Admin Users operations, found ${six.length}`);
// a token the portal can read (it decodes, the API verifies; this server verifies nothing)
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ usr: 'admin01', usrtype: 'admin', role: ['FullAccess'], exp: 4102444800 })}.x`;

// Swagger UI's block for GET /adminusers
const list = (p) => p.locator('.opblock-get').filter({ has: p.locator('[data-path="/adminusers"]') }).first();

const tools = {
  gatehouse: {
    dir: dist,
    files: () => fs.readdirSync(dist).filter((f) => /\.(js|wasm|css)$/.test(f)).map((f) => path.join(dist, f)),
    url: (base) => `${base}/gatehouse/?op=GET%20%2Fadminusers`,
    send: [(p) => p.locator('#send')],
  },
  swagger: {
    files: () => ['swagger-ui-dist/swagger-ui-bundle.js', 'swagger-ui-dist/swagger-ui.css'].map((f) => path.join(mods, f)),
    page: `<link rel="stylesheet" href="/m/swagger-ui-dist/swagger-ui.css"><div id="ui"></div><script src="/m/swagger-ui-dist/swagger-ui-bundle.js"></script>
      <script>SwaggerUIBundle({url: '/oc.json', dom_id: '#ui', deepLinking: true})</script>`,
    hash: '#/Admin%20Users',
    send: [(p) => list(p).locator('.opblock-summary-control').first(),
      (p) => list(p).getByRole('button', { name: /^Try it out/ }), (p) => list(p).getByRole('button', { name: /^Execute$/ })],
  },
  rapidoc: {
    files: () => [path.join(mods, 'rapidoc/dist/rapidoc-min.js')],
    page: `<script type="module" src="/m/rapidoc/dist/rapidoc-min.js"></script><rapi-doc spec-url="/oc.json"></rapi-doc>`,
    hash: '#tag--Admin-Users',
    // it renders an operation's controls once the operation itself is opened
    sendHash: '#get-/adminusers',
    // its TRY sits beside the operation's body, in the same parent
    send: [(p) => p.locator('[id="get-/adminusers"]').locator('xpath=..').getByRole('button', { name: /^TRY$/ })],
  },
  scalar: {
    files: () => [path.join(mods, '@scalar/api-reference/dist/browser/standalone.js')],
    page: `<div id="app"></div><script src="/m/@scalar/api-reference/dist/browser/standalone.js"></script>
      <script>Scalar.createApiReference('#app', {url: '/oc.json'})</script>`,
    hash: '#tag/admin-users',
    send: [(p) => p.locator('[id="api-1/tag/admin-users/GET/adminusers"]').getByRole('button', { name: /Test Request/ }).first(), (p) => p.getByRole('button', { name: /^Send/ }).last()],
  },
  elements: {
    files: () => ['@stoplight/elements/web-components.min.js', '@stoplight/elements/styles.min.css'].map((f) => path.join(mods, f)),
    page: `<link rel="stylesheet" href="/m/@stoplight/elements/styles.min.css"><script src="/m/@stoplight/elements/web-components.min.js"></script>
      <elements-api apiDescriptionUrl="/oc.json" router="hash"></elements-api>`,
    hash: '#/operations/AdminUsers.List',
    send: [(p) => p.getByRole('button', { name: /Send API Request/ })],
  },
};

// GATEHOUSE_B=<dist>[,<dist>…]: more builds, as gatehouse_b, gatehouse_c, …
for (const [i, other] of (process.env.GATEHOUSE_B ? process.env.GATEHOUSE_B.split(',') : []).entries()) {
  const name = `gatehouse_${String.fromCharCode(98 + i)}`;
  tools[name] = { ...tools.gatehouse, dir: other, url: (base) => `${base}/${name}/?op=GET%20%2Fadminusers`,
    files: () => fs.readdirSync(other).filter((f) => /\.(js|wasm|css)$/.test(f)).map((f) => path.join(other, f)) };
}
const portal = (name) => name.startsWith('gatehouse');

// the host of every tool's files, the document and the big answer: a thread of its own
const worker = new Worker(new URL('./peers-server.mjs', import.meta.url), { workerData: {
  ocPath, mods,
  dirs: Object.fromEntries(Object.entries(tools).filter(([, t]) => t.dir).map(([n, t]) => [n, t.dir])),
  pages: Object.fromEntries(Object.entries(tools).filter(([, t]) => t.page).map(([n, t]) => [n, t.page])),
  // the peers' files, read and hashed before the first round as the tools' own are
  warm: Object.values(tools).filter((t) => t.page).flatMap((t) => t.files()).filter((f) => fs.existsSync(f)),
} });
const base = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });

if (process.env.HOLD) { console.log(base); await new Promise(() => {}); }
// a browser of its own for each tool: one that brings Chromium down does not take the others along
const launch = () => chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(process.env.CHROME_ARGS ? process.env.CHROME_ARGS.split(' ') : [])] });
let browser;

// in every page: texts shown in the viewport (shadow roots included), and the frame clock
const helpers = () => {
  window.inView = (e) => {
    if (!e.checkVisibility || !e.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
  };
  // `anywhere`: rendered, in view or below it (a response is read by scrolling to it)
  window.shownTexts = (anywhere) => {
    const out = [];
    const walk = (root) => {
      const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = w.nextNode(); n; n = w.nextNode()) if (n.textContent.trim() && n.parentElement && (anywhere ? n.parentElement.checkVisibility() : inView(n.parentElement))) out.push(n.textContent);
      for (const e of root.querySelectorAll('*')) if (e.shadowRoot) walk(e.shadowRoot);
    };
    walk(document);
    return out;
  };
  // what a tool offers in view: Gatehouse's operation selector (in view) holds its resource's
  // operations; the others show them as text (no eval: Gatehouse's policy forbids it)
  window.offeredTexts = () => {
    const s = document.getElementById('op-select');
    if (s) return inView(s) ? [...s.options].map((o) => o.textContent) : [];
    return shownTexts();
  };
  // resolves with the time after the first painted frame in which check() holds
  window.afterPaintWhen = (check, t0, limit) => new Promise((resolve) => {
    const frame = () => {
      if (check()) return requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0)));
      if (performance.now() - t0 > limit) return resolve(Infinity);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
};

async function open(name, t) {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await ctx.addInitScript(helpers);
  if (portal(name)) {
    await ctx.addInitScript(([b, tok]) => {
      sessionStorage.setItem('gatehouse.contexts', JSON.stringify([{ base_url: b, client_id: 'BENCH', username: 'admin01', access_token: tok,
        refresh_token: null, expires_at: Date.now() + 3600e3, lifetime: 3600, persistent: false }]));
      sessionStorage.setItem('gatehouse.active', `${b}|BENCH|admin01`);
      localStorage.setItem('gatehouse.spec_url', `${b}/oc.json`);
    }, [base, token]);
  }
  const p = await ctx.newPage();
  if (process.env.DEBUG) { p.on('crash', () => console.log('crash', name)); p.on('console', (m) => console.log(name, m.text().slice(0, 300))); }
  return [ctx, p, t.url ? t.url(base) : `${base}/${name}${t.hash}`];
}

const why = {};
const only = process.env.ONLY ? process.env.ONLY.split(',') : null;
const names = Object.keys(tools).filter((n) => !only || only.includes(n));
const out = Object.fromEntries(names.map((n) => [n, { ready: [], warm: [], shown: [], parts: [], answer: [] }]));

// navigation → the six operations painted in view (ms), or Infinity
const timeReady = (name, p) => p.evaluate(([six, limit]) => afterPaintWhen(() => {
  const texts = offeredTexts().map((s) => s.replace(/\s+/g, ' '));
  return six.every((s) => texts.some((x) => x.includes(s)));
}, 0, limit), [six, LIMIT]).catch((e) => { why[name] = String(e).split('\n')[0]; return Infinity; });

// Gatehouse's first screen, in parts (ms on the page's clock): its own marks (src/api: mark)
// and the browser's resource timing
const firstParts = (p, ready) => p.evaluate((ready) => {
  const m = (n) => performance.getEntriesByName(`gatehouse:${n}`)[0]?.startTime;
  const res = performance.getEntriesByType('resource');
  const wasm = res.find((e) => e.name.endsWith('.wasm'));
  const spec = res.find((e) => e.name.includes('/oc.json'));
  const at = { wasm: wasm?.responseEnd, started: m('wasm-started'), asked: m('spec-request'), arrived: m('spec-arrived'),
    parsed: m('spec-parsed'), digested: m('spec-digested') };
  return { 'page, JS and WASM downloaded': at.wasm, 'WASM compiled and started': at.started - at.wasm,
    'until the document is asked for': at.asked - at.started, 'document fetched': at.arrived - at.asked,
    'of which on the wire': spec ? spec.responseEnd - spec.requestStart : NaN,
    'parsed (JSON)': at.parsed - at.arrived, 'digested (resource directory)': at.digested - at.parsed,
    'rendered and painted': ready - at.digested };
}, ready);

// the big answer in parts (ms after the click): its first part is shown while the rest arrives
// (read once the whole answer is in: the rest is read after the first part has been painted)
const answerParts = (p, t0, shown) => p.evaluate(async ([t0, shown]) => {
  const m = (n) => performance.getEntriesByName(`gatehouse:${n}`).find((e) => e.startTime >= t0)?.startTime - t0;
  for (let i = 0; i < 500 && !Number.isFinite(m('answer-arrived')); i++) await new Promise((r) => setTimeout(r, 20));
  const first = Number.isFinite(m('answer-early')) ? m('answer-early') : m('answer-arrived');
  return { 'click to request': m('answer-requested'), 'first part in (headers, ≥ 16 KB)': first - m('answer-requested'),
    'of which to the headers in the page': m('answer-headers') - m('answer-requested'),
    'of which to the first bytes read': m('answer-first-bytes') - m('answer-requested'),
    'format (first 16 KB) and view': m('answer-formatted') - first, 'first rows painted': shown - m('answer-formatted'),
    '(whole answer in, after the request)': m('answer-arrived') - m('answer-requested') };
}, [t0, shown]);

// TRACE=1: Gatehouse's first round traced (Chromium's trace of the page's main thread), and
// where that thread's time went printed by kind of work, longest first: to find what to remove
// (TRACE=timeline: also the page's marks and its tasks over 4 ms, in order)
const TRACE = process.env.TRACE;
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink', 'blink.user_timing'];
const mainThread = (buf, label) => {
  const events = JSON.parse(buf.toString()).traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const on = events.filter((e) => e.pid === main?.pid && e.tid === main?.tid && e.ph === 'X' && e.dur);
  const tasks = on.filter((e) => e.name === 'RunTask');
  const busy = tasks.reduce((a, e) => a + e.dur, 0) / 1000;
  const by = {};
  // the kinds of work inside tasks, each counted for its own time (its children's taken off)
  const kinds = on.filter((e) => e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask').sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const stack = [];
  for (const e of kinds) {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
    if (stack.length) by[stack.at(-1).name] = (by[stack.at(-1).name] || 0) - e.dur;
    by[e.name] = (by[e.name] || 0) + e.dur;
    stack.push(e);
  }
  const long = tasks.filter((e) => e.dur > 10000).map((e) => (e.dur / 1000).toFixed(1));
  console.log(`trace, ${label}: main thread busy ${busy.toFixed(1)} ms in ${tasks.length} tasks (over 10 ms: ${long.join(', ') || 'none'})`);
  // the page's own marks and the long tasks, on one clock (ms from the first mark)
  const marks = events.filter((e) => e.name?.startsWith('gatehouse:') && e.pid === main?.pid).sort((a, b) => a.ts - b.ts);
  const zero = marks[0]?.ts ?? tasks[0]?.ts ?? 0;
  const at = (ts) => ((ts - zero) / 1000).toFixed(1);
  if (process.env.TRACE === 'timeline') {
    // the network's events as the page's thread sees them (request sent, response and data in)
    const net = events.filter((e) => /^Resource(SendRequest|ReceiveResponse|ReceivedData|Finish)$/.test(e.name) && e.pid === main?.pid)
      .map((e) => [e.ts, `net ${e.name.slice(8)} ${(e.args?.data?.url || '').split('/').pop().slice(0, 30)}${e.args?.data?.encodedDataLength ? ' ' + e.args.data.encodedDataLength : ''}`]);
    const line = [...marks.map((m) => [m.ts, `mark ${m.name.slice(10)}`]), ...net.slice(0, 60),
      ...tasks.filter((e) => e.dur > Number(process.env.TRACE_TASK_MS || 4) * 1000).map((e) => {
        const inner = on.filter((c) => c !== e && c.ts >= e.ts && c.ts + c.dur <= e.ts + e.dur && c.dur > 1000 && c.name !== 'ThreadControllerImpl::RunTask')
          .sort((a, b) => b.dur - a.dur).slice(0, Number(process.env.TRACE_INNER || 4)).map((c) => `${c.name}${c.args?.data?.functionName ? ' ' + c.args.data.functionName : ''}${c.args?.data?.type ? ' ' + c.args.data.type : ''} ${(c.dur / 1000).toFixed(1)}`);
        return [e.ts, `task ${(e.dur / 1000).toFixed(1)} ms: ${inner.join('; ')}`];
      })].sort((a, b) => a[0] - b[0]);
    for (const [ts, text] of line) console.log(`  ${at(ts)}  ${text}`);
  }
  for (const [k, v] of Object.entries(by).sort((a, b) => b[1] - a[1]).slice(0, 14)) console.log(`  ${k}: ${(v / 1000).toFixed(1)} ms`);
};

// TRACE=profile: instead, a sampling profile of the page's JavaScript and WASM, self time by
// function (a build with names: wasm-opt -g)
const startTrace = async (p) => {
  if (TRACE === 'profile') {
    const cdp = await p.context().newCDPSession(p);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    return async (label) => {
      const { profile } = await cdp.send('Profiler.stop');
      if (process.env.TRACE_FILE) fs.writeFileSync(`${process.env.TRACE_FILE}-${label.replace(/ /g, '-')}.cpuprofile`, JSON.stringify(profile));
      return selfTimes(profile, label);
    };
  }
  await browser.startTracing(p, { categories: TRACE_CATEGORIES });
  return async (label) => {
    const buf = await browser.stopTracing();
    // TRACE_FILE=<prefix>: the raw trace kept too (<prefix>-first-screen.json …), for a closer look
    if (process.env.TRACE_FILE) fs.writeFileSync(`${process.env.TRACE_FILE}-${label.replace(/ /g, '-')}.json`, buf);
    return mainThread(buf, label);
  };
};
const selfTimes = (profile, label) => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = {};
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    const name = `${f.functionName || '(anonymous)'}${f.url ? ' ' + f.url.split('/').pop().split('-')[0] : ''}`;
    self[name] = (self[name] || 0) + (dt[i + 1] ?? 0);
  });
  console.log(`profile, ${label}: self time by function`);
  for (const [k, v] of Object.entries(self).filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${(v / 1000).toFixed(1)} ms  ${k}`);
  // total time (callees included) of the portal's own Rust functions, each counted once per sample
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const total = {};
  profile.samples.forEach((id, i) => {
    const seen = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const f = byId.get(n).callFrame.functionName;
      const m = f.match(/^(?:<)?(gatehouse[a-z_]*::[A-Za-z_:]+?)(?:::\{\{closure|::h[0-9a-f]{16}|$)/);
      const key = m ? m[1] : null;
      if (key && !seen.has(key)) { seen.add(key); total[key] = (total[key] || 0) + (dt[i + 1] ?? 0); }
    }
  });
  console.log(`profile, ${label}: total time of the portal's functions`);
  for (const [k, v] of Object.entries(total).sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${(v / 1000).toFixed(1)} ms  ${k}`);
};

// tools interleaved round by round, each round in a fresh browser per tool: a slow minute of
// the machine falls on every tool alike. The order turns each round (the first place of a round
// measured slower: an A/A run of one build, 396 against 343 ms), and the machine is let settle
// after each browser closes (its processes still exit while the next starts).
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 500);
for (let round = 0; round < RUNS; round++) {
  for (const name of names.map((_, i) => names[(i + round) % names.length])) {
    const t = tools[name], o = out[name];
    browser = await launch();
    // ready on a cold cache, then the second visit (the same browser profile: HTTP cache and
    // storage kept, as when a person comes back)
    {
      const [ctx, p, url] = await open(name, t);
      const tracing = TRACE && name === 'gatehouse' && round === 0;
      const stop = tracing && await startTrace(p);
      await p.goto(url, { waitUntil: 'commit' });
      const ms = await timeReady(name, p);
      if (tracing) {
        await stop('first screen');
        console.log('  elements on the first screen:', await p.evaluate(() => document.querySelectorAll('*').length),
          '| by tag:', await p.evaluate(() => Object.entries([...document.querySelectorAll('*')].reduce((a, e) => (a[e.tagName] = (a[e.tagName] || 0) + 1, a), {})).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${v}`).join(', ')));
      }
      o.ready.push(ms);
      if (portal(name) && Number.isFinite(ms)) o.parts.push(await firstParts(p, ms));
      await p.goto('about:blank');
      await p.goto(url, { waitUntil: 'commit' });
      o.warm.push(await timeReady(name, p));
      if (process.env.DEBUG) console.log('ready', name, ms, o.warm.at(-1), why[name]);
      await ctx.close();
    }
    // big response: the tool's own send button → first item painted
    {
      const [ctx, p, url] = await open(name, t);
      await p.goto(t.sendHash ? `${base}/${name}${t.sendHash}` : url);
      let step = 0;
      try {
        for (const [k, find] of t.send.entries()) {
          step = k;
          const loc = find(p);
          await loc.waitFor({ timeout: 60000 });
          if (k < t.send.length - 1) { await loc.click(); await p.waitForTimeout(500); continue; }
          const button = await loc.elementHandle();
          const tracing = TRACE && name === 'gatehouse' && round === 0;
          const stop = tracing && await startTrace(p);
          // a page busy for longer than the limit paints no frame at all: the clock in Node stops it
          const overdue = new Promise((r) => setTimeout(() => r([Infinity, 0]), LIMIT + 5000));
          const [ms, t0] = await Promise.race([overdue, p.evaluate(([button, limit]) => {
            const t0 = performance.now();
            button.click();
            return afterPaintWhen(() => shownTexts(true).some((s) => s.includes('ITEM00000')), t0, limit).then((ms) => [ms, t0]);
          }, [button, LIMIT])]);
          if (tracing) await stop('big answer');
          o.shown.push(ms);
          if (!Number.isFinite(ms)) why[name] = `no frame showing the first item within ${LIMIT / 1000} s`;
          else if (portal(name)) o.answer.push(await answerParts(p, t0, ms));
        }
      } catch (e) {
        o.shown.push(Infinity);
        why[name] = browser.isConnected() ? `could not drive step ${step + 1}: ${String(e).split('\n')[0]}` : `the browser went down while showing the response (step ${step + 1})`;
      }
    }
    // a page still busy is not waited for: its browser is closed with it
    await browser.close().catch(() => {});
    await new Promise((r) => setTimeout(r, SETTLE_MS));
  }
}

const f = (x) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : 'not shown');
for (const name of names) {
  const o = out[name], size = tools[name].files().reduce((n, file) => n + brotli(fs.readFileSync(file)), 0);
  console.log(`${name}: ${(size / 1024).toFixed(0)} KB brotli; Admin Users' six operations in view ${f(median(o.ready))} (second visit ${f(median(o.warm))}); 5,000-item response shown ${f(median(o.shown))} (runs: ${o.ready.map(f).join(' / ')} | ${o.warm.map(f).join(' / ')} | ${o.shown.map(f).join(' / ')})${why[name] ? ' — ' + why[name] : ''}`);
}
const parts = (list, title) => {
  if (!list.length) return;
  console.log(title);
  for (const k of Object.keys(list[0])) console.log(`  ${k}: ${median(list.map((x) => x[k])).toFixed(1)} ms`);
};
for (const name of names.filter(portal)) {
  parts(out[name].parts, `${name}'s first screen, medians of its parts:`);
  parts(out[name].answer, `${name}'s big answer, medians of its parts:`);
}
if (out.gatehouse) {
  const peers = names.filter((n) => !portal(n));
  if (peers.length) {
    const fastest = peers.reduce((a, b) => (median(out[a].ready) <= median(out[b].ready) ? a : b));
    console.log(`in view: Gatehouse / fastest peer (${fastest}) = ${(median(out.gatehouse.ready) / median(out[fastest].ready)).toFixed(2)} (aim ≤ 0.33)`);
  }
  if (out.scalar) console.log(`big answer: Gatehouse / Scalar = ${(median(out.gatehouse.shown) / median(out.scalar.shown)).toFixed(2)} (aim ≤ 0.5)`);
}
await worker.terminate();
