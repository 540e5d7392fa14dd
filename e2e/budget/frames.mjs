// Frame intervals with many messages in flight, unthrottled and with Chromium's CPU slowed
// 4x (Lighthouse's phone) and 6x (a modest classroom laptop). With every batch delayed 15-60 s
// of virtual time and sent on a detour (reorder 100 %), each order puts one more message on the
// wire (placed at x0.01), and then at x1 few arrive during the measurement while every token
// moves a little each frame.
import { watchedPage } from '../lib.mjs';
import { report, fail, percentile } from './report.mjs';

/** Goal for the p95 frame interval at each CPU slowdown, in ms (one 60 Hz frame, two at 6x). */
const GOALS = new Map([
  [1, 16.7],
  [4, 16.7],
  [6, 33.4],
]);
/** A few tenths of a millisecond around a frame are the display clock, not a dropped frame. */
const JITTER_MS = 0.5;

async function measure(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const intervals = [];
        const work = [];
        let last = performance.now();
        const start = last;
        function frame(now) {
          intervals.push(now - last);
          work.push(Number(window.__sagaFrameWorkMs ?? NaN));
          last = now;
          if (now - start < 3000) requestAnimationFrame(frame);
          else resolve({ intervals, work });
        }
        requestAnimationFrame(frame);
      }),
  );
}

/** Reports the p95 frame interval and the app's own work per frame. */
export async function measureFrames(browser, url) {
  const w = await watchedPage(browser);
  const { page } = w;
  const cdp = await w.context.newCDPSession(page);
  await page.goto(`${url}?lang=en`);
  await page.waitForSelector('body[data-ready=true]');
  await page.locator('.toolbar input[type=range]').fill('-2');
  await page.getByRole('tab', { name: /Network & settings/ }).click();
  await page.fill('input[name=delay]', '100');
  await page.fill('input[name=reorder]', '100');
  await page.fill('input[name=delay_ms]', '60000');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('tab', { name: /^Orders/ }).click();
  const inFlight = () => page.evaluate(() => Number(document.querySelector('g.tokens')?.dataset.inFlight ?? 0));
  for (const target of [200, 2000]) {
    await page.locator('.toolbar input[type=range]').fill('-2');
    // Clicks from inside the page, a batch at a time: the same handler a person's click runs.
    for (let i = 0; i < 40 && (await inFlight()) < target; i++) {
      const n = Math.min(100, Math.max(1, target - (await inFlight())));
      await page.evaluate((n) => {
        const b = document.querySelector('form.order-form button[type=submit]');
        for (let k = 0; k < n; k++) b.click();
      }, n);
      await page.waitForFunction((t) => Number(document.querySelector('g.tokens')?.dataset.inFlight ?? 0) >= t, Math.min(target, n), { timeout: 5000 }).catch(() => {});
    }
    const count = await inFlight();
    // Real time: the tokens move every frame.
    await page.locator('.toolbar input[type=range]').fill('0');
    for (const [rate, goal] of GOALS) {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate });
      const { intervals, work } = await measure(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
      const p95 = percentile(intervals, 0.95);
      const fps = intervals.length / 3;
      const cpu = rate === 1 ? 'unthrottled' : `CPU ${rate}x slower`;
      report(
        `p95 frame interval, ${count} in flight, ${cpu}`,
        `${p95.toFixed(1)} ms (${fps.toFixed(0)} frames/s; median ${percentile(intervals, 0.5).toFixed(1)} ms; app work p95 ${percentile(work, 0.95).toFixed(2)} ms)`,
        `<= ${goal} ms`,
        p95 <= goal + JITTER_MS,
      );
    }
  }
  if (w.problems.length) fail(`frame page problems: ${w.problems.join('; ')}`);
  await w.context.close();
}
