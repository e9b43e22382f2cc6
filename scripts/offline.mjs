// Trunk post-build hook (see Trunk.toml): makes the built page work offline and locks it down.
// 1. Writes sw.js from assets/sw.js with the list of built files and a version derived from
//    their contents (a new deployment = a new version = the old cache is dropped).
// 2. Fills index.html's Content-Security-Policy with the hash of Trunk's inline loader script,
//    so the policy allows exactly that script and nothing inline besides.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('run by Trunk as a post_build hook (TRUNK_STAGING_DIR unset)');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const indexPath = join(staging, 'index.html');
let html = readFileSync(indexPath, 'utf8');
const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
if (inline.length === 0) throw new Error('no inline loader script found in index.html');
const hashes = inline.map((s) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`);
const csp = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`,
  // Leptos sets a few style attributes (colour swatches); no remote style.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');
if (!html.includes('__CSP__')) throw new Error('index.html lacks the __CSP__ placeholder');
html = html.replace('__CSP__', csp);
writeFileSync(indexPath, html);

const files = readdirSync(staging)
  .filter((f) => statSync(join(staging, f)).isFile() && f !== 'sw.js')
  .sort();
const version = createHash('sha256');
for (const f of files) version.update(f).update(readFileSync(join(staging, f)));
const sw = readFileSync(join(root, 'assets', 'sw.js'), 'utf8')
  .replace('__VERSION__', version.digest('hex').slice(0, 16))
  .replace('__FILES__', JSON.stringify(files.map((f) => `./${f}`)));
writeFileSync(join(staging, 'sw.js'), sw);
console.log(`offline: sw.js caches ${files.length} files; CSP allows ${hashes.length} inline script(s)`);
