// The boot payload: every byte the browser fetches before the app's first interactive render,
// as it came over the wire (gzipped by the test server, as static hosts do), taken from
// Playwright's request log. Files fetched later, on demand, are listed apart.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { watchedPage, DIST } from '../lib.mjs';
import { KB, kb, limit, report, fail, median } from './report.mjs';

export const BOOT_GOAL = 200 * KB;
export const BOOT_LIMIT = 300 * KB;
export const ON_DEMAND_LIMIT = 60 * KB;

/** One cold load: the requests with their encoded sizes, split at the interactive mark. */
async function coldLoad(browser, url) {
  const w = await watchedPage(browser);
  const requests = [];
  w.page.on('requestfinished', (r) => requests.push(r));
  await w.page.goto(`${url}?lang=en`);
  await w.page.waitForSelector('body[data-ready=true]');
  const markEpoch = await w.page.evaluate(
    () => performance.timeOrigin + (performance.getEntriesByName('saga-lab-interactive')[0]?.startTime ?? NaN),
  );
  const interactiveMs = await w.page.evaluate(() => performance.getEntriesByName('saga-lab-interactive')[0]?.startTime ?? NaN);
  // Anything the page asks for by itself shortly after its first render counts as "later".
  await w.page.waitForLoadState('networkidle');
  const rows = [];
  for (const r of requests) {
    const u = new URL(r.url());
    if (u.protocol === 'data:') continue;
    const sizes = await r.sizes();
    const response = await r.response();
    const started = r.timing().startTime;
    rows.push({
      file: u.pathname.endsWith('/') ? 'index.html' : path.basename(u.pathname),
      bytes: sizes.responseBodySize,
      encoding: (await response?.headerValue('content-encoding')) ?? 'identity',
      boot: started <= markEpoch,
    });
  }
  if (w.problems.length) fail(`boot page problems: ${w.problems.join('; ')}`);
  await w.context.close();
  return { rows, interactiveMs };
}

/** Measures the boot payload and the first interactive render; lists on-demand files. */
export async function measureBoot(browser, url) {
  const loads = [];
  for (let i = 0; i < 5; i++) loads.push(await coldLoad(browser, url));
  const { rows } = loads[0];
  const boot = rows.filter((r) => r.boot);
  const total = boot.reduce((s, r) => s + r.bytes, 0);
  const parts = boot.map((r) => `${r.file.replace(/-[0-9a-f]{16}/, '')} ${kb(r.bytes)}${r.encoding === 'gzip' ? '' : ` (${r.encoding})`}`);
  limit(
    'boot payload (every request before the first interactive render, as served with gzip)',
    `${kb(total)} in ${boot.length} requests (${parts.join(', ')})`,
    `<= ${kb(BOOT_GOAL)}`,
    total <= BOOT_GOAL,
    total <= BOOT_LIMIT,
    `above ${kb(BOOT_LIMIT)}`,
  );
  const times = loads.map((l) => l.interactiveMs);
  report(
    'navigation -> first interactive render, cold cache, served with gzip',
    `${median(times).toFixed(0)} ms (median of 5; min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`,
    'reported',
    true,
  );
  // Later: what the page fetched after its first render, and every file of the site it did not
  // fetch at all (data loaded when a feature is used). Each must stay small.
  const fetched = new Set(boot.map((r) => r.file));
  const later = new Map(rows.filter((r) => !r.boot).map((r) => [r.file, r.bytes]));
  for (const file of walk(DIST)) {
    const name = path.basename(file);
    if (fetched.has(name) || later.has(name)) continue;
    later.set(path.relative(DIST, file), zlib.gzipSync(fs.readFileSync(file)).length);
  }
  if (later.size === 0) {
    report('on demand (fetched after the first render)', 'none: the site has no other file', `each <= ${kb(ON_DEMAND_LIMIT)}`, true);
  }
  for (const [file, bytes] of [...later].sort()) {
    limit(`on demand: ${file}`, `${kb(bytes)} gzipped`, `<= ${kb(ON_DEMAND_LIMIT)}`, bytes <= ON_DEMAND_LIMIT, bytes <= ON_DEMAND_LIMIT, `above ${kb(ON_DEMAND_LIMIT)}`);
  }
  return { total, boot };
}

function* walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}
