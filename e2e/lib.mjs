// Shared helpers for the browser tests and the budget script: a static server that mounts
// dist/ under a sub-folder (as a GitHub Pages project site would), and a Debian-chromium
// browser whose every request, console error and page error is recorded.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');
export const SUBFOLDER = '/demo/';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Kinds of file a static host compresses (GitHub Pages and Netlify gzip these; not images). */
const COMPRESSIBLE = new Set(['.html', '.js', '.wasm', '.css', '.svg', '.json', '.txt']);

/**
 * Serves DIST at http://127.0.0.1:PORT/demo/ and nothing else, gzipping text and WebAssembly
 * for a browser that accepts it, as GitHub Pages and Netlify do (at zlib's default level): the sizes and timings a test
 * measures are the ones a visitor gets.
 */
export async function serve({ dist = DIST } = {}) {
  const gzipped = new Map();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (!url.pathname.startsWith(SUBFOLDER)) {
      res.writeHead(404).end('not found');
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(SUBFOLDER.length)) || 'index.html';
    const file = path.normalize(path.join(dist, rel));
    if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end('not found');
      return;
    }
    const ext = path.extname(file);
    const headers = { 'content-type': TYPES[ext] ?? 'application/octet-stream', 'cache-control': 'no-store', vary: 'accept-encoding' };
    if (COMPRESSIBLE.has(ext) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
      const stamp = fs.statSync(file).mtimeMs;
      let entry = gzipped.get(file);
      if (!entry || entry.stamp !== stamp) {
        entry = { stamp, body: zlib.gzipSync(fs.readFileSync(file)) };
        gzipped.set(file, entry);
      }
      res.writeHead(200, { ...headers, 'content-encoding': 'gzip', 'content-length': entry.body.length });
      res.end(entry.body);
      return;
    }
    res.writeHead(200, headers);
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { server, url: `http://127.0.0.1:${port}${SUBFOLDER}` };
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A page that records problems: console errors, page errors, and requests to other hosts. */
export async function watchedPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol === 'data:') return;
    if (u.hostname !== '127.0.0.1') problems.push(`request to another host: ${r.url()}`);
  });
  return { context, page, problems };
}

/** Runs axe-core on the page and returns its violations. */
export async function axeViolations(page) {
  await page.addScriptTag({ path: path.join(ROOT, 'e2e/node_modules/axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
}

export const SHOTS = path.join(ROOT, 'e2e/screenshots');
