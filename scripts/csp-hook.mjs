// Trunk post-build hook: moves the inline module script Trunk writes into index.html (the one
// that loads the WASM) into a file of its own, so the portal runs under a Content-Security-Policy
// that forbids inline script (`script-src 'self' 'wasm-unsafe-eval'`).
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('csp-hook: TRUNK_STAGING_DIR is not set (run by trunk as a post_build hook)');
const page = join(dir, 'index.html');
const html = readFileSync(page, 'utf8');
const inline = /<script type="module"(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g;
let moved = 0;
const out = html.replace(inline, (_, code) => {
  const name = `boot-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`;
  writeFileSync(join(dir, name), code);
  moved += 1;
  return `<script type="module" src="./${name}"></script>`;
});
if (moved !== 1) throw new Error(`csp-hook: expected one inline module script in index.html, found ${moved}`);
if (/<script(?![^>]*\ssrc=)[^>]*>/.test(out)) throw new Error('csp-hook: an inline script is left in index.html');
writeFileSync(page, out);
