// Prints Saga Lab's budgets against their goals. Exits non-zero only when the size exceeds its
// hard limit (the one budget the issues make a failing test); the other figures are reported.
//   gzipped wasm + JS + CSS            goal <= 140 KB, fails above 200 KB
//   navigation -> first interactive    (cold cache, headless Chromium)
//   p95 frame time, 200 and 2,000 in flight  goal <= 16.7 ms
//   native throughput, 100,000 orders      goal >= 2,000,000 events/s
//   the same run as wasm in Node            goal native / wasm <= 2
//   fast-forward, 10,000 orders             goal <= 1 s, no task over 50 ms
//   wasm memory over 50,000 orders at x100  flat once the bounds fill
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { serve, launch, watchedPage, DIST } from './lib.mjs';

const KB = 1024;
const rows = [];
let failed = false;
const report = (name, value, goal, ok) => rows.push({ name, value, goal, verdict: ok ? 'ok' : 'over goal' });

// 1. Size.
let total = 0;
const parts = [];
for (const f of fs.readdirSync(DIST)) {
  if (!/\.(wasm|js|css)$/.test(f)) continue;
  const gz = zlib.gzipSync(fs.readFileSync(path.join(DIST, f)), { level: 9 }).length;
  total += gz;
  parts.push(`${f.replace(/-[0-9a-f]{16}/, '')} ${(gz / KB).toFixed(1)} KB`);
}
report('gzipped wasm+js+css', `${(total / KB).toFixed(1)} KB (${parts.join(', ')})`, '<= 140 KB (fails > 200 KB)', total <= 140 * KB);
if (total > 200 * KB) failed = true;

const { server, url } = await serve();
const browser = await launch();
try {
  // 2. First interactive render, cold cache: a fresh context per sample, median of five.
  const samples = [];
  for (let i = 0; i < 5; i++) {
    const w = await watchedPage(browser);
    await w.page.goto(`${url}?lang=en`);
    await w.page.waitForSelector('body[data-ready=true]');
    samples.push(await w.page.evaluate(() => performance.getEntriesByName('saga-lab-interactive')[0]?.startTime ?? NaN));
    await w.context.close();
  }
  samples.sort((a, b) => a - b);
  report('navigation -> first interactive render', `${samples[2].toFixed(0)} ms (median of 5, cold cache; min ${samples[0].toFixed(0)}, max ${samples[4].toFixed(0)})`, 'reported', true);

  // 3. Frame time with about 200, then about 2,000 messages in flight. At x0.01 with every batch
  // delayed 15-60 s of virtual time and sent on a detour (reorder 100 %), each order puts one
  // more message on the wire and none arrives or times out during the measurement; the tokens
  // still move every frame.
  const w = await watchedPage(browser);
  const { page } = w;
  await page.goto(`${url}?lang=en`);
  await page.waitForSelector('body[data-ready=true]');
  await page.locator('.toolbar input[type=range]').fill('-2');
  await page.fill('input[name=delay]', '100');
  await page.fill('input[name=reorder]', '100');
  await page.fill('input[name=delay_ms]', '60000');
  await page.getByRole('button', { name: 'Apply' }).click();
  const inFlight = () => page.evaluate(() => Number(document.querySelector('g.tokens')?.dataset.inFlight ?? 0));
  for (const target of [200, 2000]) {
    // Clicks from inside the page, a batch at a time: the same handler a person's click runs.
    for (let i = 0; i < 40 && (await inFlight()) < target; i++) {
      await page.evaluate((n) => {
        const b = [...document.querySelectorAll('button')].find((x) => x.textContent.trim() === 'Place order');
        for (let k = 0; k < n; k++) b.click();
      }, Math.min(100, Math.max(1, target - (await inFlight()))));
      await page.waitForTimeout(50);
    }
    const count = await inFlight();
    // Two figures: the interval between frames (what a person sees; 16.7 ms at 60 Hz, so
    // jitter of a few tenths of a millisecond around it is the display clock, not a dropped
    // frame) and the work the app's frame callback did (how much of the 16.7 ms it uses).
    const { intervals, work } = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const intervals = [];
          const work = [];
          const layer = document.querySelector('g.tokens');
          let last = performance.now();
          const start = last;
          function frame(now) {
            intervals.push(now - last);
            work.push(Number(layer.dataset.frameWorkMs ?? NaN));
            last = now;
            if (now - start < 3000) requestAnimationFrame(frame);
            else resolve({ intervals, work });
          }
          requestAnimationFrame(frame);
        }),
    );
    const pct = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)];
    const p95 = pct(intervals, 0.95);
    const fps = intervals.length / 3;
    report(
      `p95 frame interval, ${count} messages in flight`,
      `${p95.toFixed(1)} ms (${fps.toFixed(0)} frames/s; median ${pct(intervals, 0.5).toFixed(1)} ms)`,
      '<= 16.7 ms (+0.5 ms display-clock jitter)',
      p95 <= 17.2,
    );
    report(`p95 work per frame, ${count} messages in flight`, `${pct(work, 0.95).toFixed(2)} ms (median ${pct(work, 0.5).toFixed(2)} ms)`, 'well under 16.7 ms', pct(work, 0.95) <= 8);
  }
  if (w.problems.length) {
    console.log(`budget page problems: ${w.problems.join('; ')}`);
    failed = true;
  }
  await w.context.close();

  // 5. Fast-forward and memory over a long run. At the highest speed (x100), the fast-forward
  // runs 10,000 orders under chaos (about 33 minutes of virtual time) five times over. Each run
  // reports its wall time, and the longest task while it ran (it computes in slices of about
  // 12 ms). The WebAssembly memory only ever grows, so equal sizes after the second and the
  // fifth run mean every queue, log and table stays bounded once its bound has filled.
  const m = await watchedPage(browser);
  await m.page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__sagaWasm = e.detail.wasm; }));
  await m.page.goto(`${url}?lang=en`);
  await m.page.waitForSelector('body[data-ready=true]');
  await m.page.locator('.toolbar input[type=range]').fill('2');
  await m.page.getByRole('tab', { name: /^Fast-forward/ }).click();
  const memory = [];
  const walls = [];
  let longest = 0;
  for (let k = 1; k <= 5; k++) {
    await m.page.evaluate(() => {
      window.__longTasks = [];
      window.__observer?.disconnect();
      window.__observer = new PerformanceObserver((l) => window.__longTasks.push(...l.getEntries().map((e) => e.duration)));
      window.__observer.observe({ type: 'longtask' });
    });
    await m.page.locator('#ff-orders').fill('10000');
    await m.page.locator('form.fast-forward button[type=submit]').click();
    await m.page.locator('form.fast-forward .ff-verdict').waitFor({ timeout: 120000 });
    // The page redraws in the frame after the verdict: let that task end before reading.
    await m.page.waitForTimeout(500);
    const figures = await m.page.locator('form.fast-forward .ff-status p.muted').textContent();
    walls.push(Number(/time in ([\d.]+) s/.exec(figures)?.[1] ?? NaN));
    longest = Math.max(longest, ...(await m.page.evaluate(() => window.__longTasks)));
    memory.push(await m.page.evaluate(() => window.__sagaWasm.memory.buffer.byteLength));
  }
  const sorted = [...walls].sort((a, b) => a - b);
  report(
    'fast-forward, 10,000 orders under chaos in the browser',
    `${sorted[2].toFixed(2)} s (median of 5; runs ${walls.map((x) => x.toFixed(2)).join(', ')} s)`,
    '<= 1 s',
    sorted[2] <= 1,
  );
  report('longest task while fast-forwarding (the final redraw included)', `${longest.toFixed(0)} ms`, '<= 50 ms', longest <= 50);
  const mb = (b) => `${(b / 1048576).toFixed(1)} MB`;
  report(
    'wasm memory after 10,000 to 50,000 orders (33 min to 2 h 45 virtual, at x100)',
    memory.map(mb).join(' / '),
    'flat once the bounds fill (equal after the 2nd and 5th run)',
    memory[4] === memory[1],
  );
  if (m.problems.length) {
    console.log(`memory page problems: ${m.problems.join('; ')}`);
    failed = true;
  }
  await m.context.close();
} finally {
  await browser.close();
  server.close();
}


// 4. Simulation throughput: the benchmark run natively, and the same run compiled to
// WebAssembly and timed in Node, both as the browser build compiles it (everything for size)
// and with the engine optimised for speed (as the native build is).
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const native = JSON.parse(run('cargo', ['run', '--release', '--locked', '-q', '-p', 'saga-cli', '--', 'bench', '--orders', '100000', '--seed', '1']));
report('native throughput, 100,000 orders under faults', `${(native.events_per_s / 1e6).toFixed(2)} M events/s`, '>= 2,000,000 events/s', native.events_per_s >= 2e6);
for (const [profile, label] of [['web', 'as shipped, opt-level z'], ['release', 'engine at opt-level 3']]) {
  const out = run('cargo', ['test', '--locked', '--profile', profile, '--target', 'wasm32-unknown-unknown', '-p', 'saga-lab', '--test', 'wasm_throughput', '--', '--nocapture']);
  const line = out.split('\n').find((l) => l.includes('wasm-throughput '));
  const wasm = JSON.parse(line.slice(line.indexOf('{')));
  const ratio = native.events_per_s / wasm.events_per_s;
  report(`wasm throughput in Node (${label})`, `${(wasm.events_per_s / 1e6).toFixed(2)} M events/s, native / wasm = ${ratio.toFixed(2)}`, 'ratio <= 2', ratio <= 2);
}

for (const r of rows) console.log(`${r.verdict === 'ok' ? 'ok  ' : 'OVER'} ${r.name}: ${r.value} [goal ${r.goal}]`);
process.exit(failed ? 1 : 0);
