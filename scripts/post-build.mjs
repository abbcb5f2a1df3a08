// Trunk post-build hook, on the staging directory before it becomes dist/:
// 1. moves the inline module script Trunk writes into index.html (the one that loads the WASM)
//    into a file of its own, so the portal runs under a Content-Security-Policy that forbids
//    inline script (`script-src 'self' 'wasm-unsafe-eval'`);
// 2. minifies the stylesheet (comments and layout whitespace) and the wasm-bindgen glue (terser,
//    from npm: 49 KB → 23 KB, 1.7 KB less over the wire) and updates their integrity hashes.
import { minify } from 'terser';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('post-build: TRUNK_STAGING_DIR is not set (run by trunk as a post_build hook)');
const page = join(dir, 'index.html');
let html = readFileSync(page, 'utf8');

const inline = /<script type="module"(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g;
let moved = 0;
html = html.replace(inline, (_, code) => {
  // the loader takes the module public/early.js compiles while the file downloads, and asks
  // for the file itself only when there is none
  const wants = /module_or_path: ('[^']+')/;
  if (!wants.test(code)) throw new Error('post-build: the WASM loader names no module_or_path');
  code = code.replace(wants, 'module_or_path: (await window.gatehouseWasm) ?? $1');
  const name = `boot-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`;
  writeFileSync(join(dir, name), code);
  moved += 1;
  return `<script type="module" src="./${name}"></script>`;
});
if (moved !== 1) throw new Error(`post-build: expected one inline module script in index.html, found ${moved}`);
if (/<script(?![^>]*\ssrc=)[^>]*>/.test(html)) throw new Error('post-build: an inline script is left in index.html');

for (const css of readdirSync(dir).filter((f) => f.endsWith('.css'))) {
  const path = join(dir, css);
  const small = readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/;}/g, '}')
    .trim();
  writeFileSync(path, small);
  const integrity = 'sha384-' + createHash('sha384').update(small).digest('base64');
  const link = new RegExp(`(href="\\./${css.replace(/[.]/g, '\\.')}" integrity=")[^"]*(")`);
  if (!link.test(html)) throw new Error(`post-build: no integrity attribute for ${css} in index.html`);
  html = html.replace(link, `$1${integrity}$2`);
}
// the glue is an ES module of plain functions; its import names are properties, so mangling
// local names cannot break the link to the WASM
for (const js of readdirSync(dir).filter((f) => /^gatehouse-[0-9a-f]+\.js$/.test(f))) {
  const path = join(dir, js);
  const out = await minify(readFileSync(path, 'utf8'), { module: true, compress: true, mangle: true });
  if (!out.code) throw new Error(`post-build: terser produced nothing for ${js}`);
  writeFileSync(path, out.code);
  const integrity = 'sha384-' + createHash('sha384').update(out.code).digest('base64');
  const link = new RegExp(`(href="\\./${js.replace(/[.]/g, '\\.')}"[^>]*integrity=")[^"]*(")`);
  if (!link.test(html)) throw new Error(`post-build: no integrity attribute for ${js} in index.html`);
  html = html.replace(link, `$1${integrity}$2`);
}
writeFileSync(page, html);
