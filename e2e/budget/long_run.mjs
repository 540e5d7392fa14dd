// Fast-forward and memory over a long run. At the highest speed (x100), the fast-forward runs
// 10,000 orders under chaos (about 33 minutes of virtual time) 24 times over, one run of about
// thirteen hours. Each run reports its wall time and the longest task while it ran (it
// computes in slices of about 12 ms; the browser reports only tasks over 50 ms). The
// WebAssembly memory only ever grows, so equal sizes after the twelfth and the last run mean
// every queue, log and table stays bounded once its bound has filled, time travel's checkpoints
// included (they fill over the first few runs: a busy run's checkpoint holds a few MB).
import { watchedPage } from '../lib.mjs';
import { report, fail } from './report.mjs';

const RUNS = 24;

export async function measureLongRun(browser, url) {
  const m = await watchedPage(browser);
  await m.page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__sagaWasm = e.detail.wasm; }));
  await m.page.goto(`${url}?lang=en`);
  await m.page.waitForSelector('body[data-ready=true]');
  await m.page.locator('.toolbar input[type=range]').fill('2');
  await m.page.getByRole('tab', { name: /^Fast-forward/ }).click();
  const memory = [];
  const walls = [];
  let longest = 0;
  for (let k = 1; k <= RUNS; k++) {
    await m.page.evaluate(() => {
      window.__longTasks = [];
      window.__observer?.disconnect();
      window.__observer = new PerformanceObserver((l) => window.__longTasks.push(...l.getEntries().map((e) => e.duration)));
      window.__observer.observe({ type: 'longtask' });
    });
    await m.page.locator('#ff-orders').fill('10000');
    await m.page.locator('form.fast-forward button[type=submit]').click();
    await m.page.locator('form.fast-forward .ff-verdict').waitFor({ timeout: 120000 });
    // The page redraws in the two frames after the verdict: let those tasks end before reading.
    await m.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(r)))));
    const figures = await m.page.locator('form.fast-forward .ff-status p.muted').textContent();
    walls.push(Number(/time in ([\d.]+) s/.exec(figures)?.[1] ?? NaN));
    longest = Math.max(longest, ...(await m.page.evaluate(() => window.__longTasks)));
    memory.push(await m.page.evaluate(() => window.__sagaWasm.memory.buffer.byteLength));
  }
  const sorted = [...walls].sort((a, b) => a - b);
  report(
    'fast-forward, 10,000 orders under chaos in the browser',
    `${sorted[RUNS / 2].toFixed(2)} s (median of ${RUNS}; runs ${walls.map((x) => x.toFixed(2)).join(', ')} s)`,
    '<= 1 s',
    sorted[RUNS / 2] <= 1,
  );
  report(
    'longest task while fast-forwarding (the final redraw included)',
    longest ? `${longest.toFixed(0)} ms` : 'none over 50 ms',
    '<= 50 ms',
    longest <= 50,
  );
  const mb = (b) => `${(b / 1048576).toFixed(1)} MB`;
  report(
    `wasm memory after 10,000 to ${(RUNS * 10).toLocaleString('en')},000 orders (33 min to ${Math.floor((RUNS * 33) / 60)} h ${(RUNS * 33) % 60} min virtual, at x100)`,
    memory.map(mb).join(' / '),
    `flat once the bounds fill (equal after the ${RUNS / 2}th and ${RUNS}th run; a busy machine may take a few runs more to fill them)`,
    memory[RUNS - 1] === memory[RUNS / 2 - 1],
  );
  if (m.problems.length) fail(`memory page problems: ${m.problems.join('; ')}`);
  await m.context.close();
}
