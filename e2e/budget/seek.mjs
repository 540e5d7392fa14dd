// Time travel as a class meets it: a 10-minute run with about 30 inputs (orders, crashes,
// restarts, cut links), then 60 seeks to random moments. A seek's time is from moving the
// scrubber to the page showing that moment (the replay from a checkpoint and the redraw).
// Then the link that carries the run, and the same seeks in a run that fast-forwarded 10,000
// orders (far more work between checkpoints).
import { watchedPage } from '../lib.mjs';
import { report, fail, percentile } from './report.mjs';

async function advance(page, ms) {
  await page.evaluate((ms) => window.dispatchEvent(new CustomEvent('saga-advance', { detail: ms })), ms);
}

/** Moves the scrubber to `t` and resolves with the ms until the page shows it. */
const seek = (page, t) =>
  page.evaluate(
    (t) =>
      new Promise((resolve) => {
        const input = document.querySelector('.timeline-bar .scrub input');
        const start = performance.now();
        input.value = String(t);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        const check = () => {
          if (Number(document.querySelector('.clock')?.dataset.nowMs) === t) resolve(performance.now() - start);
          else requestAnimationFrame(check);
        };
        check();
      }),
    t,
  );

async function seeks(page, n, seed) {
  const end = Number(await page.locator('.timeline-bar').getAttribute('data-end-ms'));
  let x = seed;
  const times = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    times.push(await seek(page, Math.floor((x / 2147483648) * end)));
  }
  return { times, end };
}

export async function measureSeek(browser, url) {
  const m = await watchedPage(browser);
  const page = m.page;
  await page.goto(`${url}?lang=en`);
  await page.waitForSelector('body[data-ready=true]');
  await advance(page, 0);
  // 30 inputs over 10 minutes: an order every 30 s, a crash and a restart, a cut and a heal.
  let inputs = 0;
  for (let k = 0; k < 20; k++) {
    await page.keyboard.press('o');
    inputs += 1;
    if (k % 5 === 2) {
      await page.keyboard.press(String(1 + (k % 3)));
      inputs += 1;
    }
    if (k % 5 === 3) {
      await page.keyboard.press(String(1 + ((k - 1) % 3)));
      inputs += 1;
    }
    if (k === 10 || k === 14) {
      await page.keyboard.press('Shift+2');
      inputs += 1;
    }
    await advance(page, 30_000);
  }
  await page.waitForFunction(() => Number(document.querySelector('.clock')?.dataset.nowMs) >= 600_000);
  const { times, end } = await seeks(page, 60, 7);
  const p95 = percentile(times, 0.95);
  report(
    `seek in a 10-minute class run (${inputs} inputs, ${(end / 60000).toFixed(1)} min), p95 of 60`,
    `${p95.toFixed(1)} ms (median ${percentile(times, 0.5).toFixed(1)}, max ${Math.max(...times).toFixed(1)})`,
    '<= 100 ms',
    p95 <= 100,
  );
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.locator('.link-field input').inputValue();
  report(`link to that run (${inputs} inputs)`, `${link.length} characters`, '< 2,000', link.length < 2000);

  // The same after a fast-forward of 10,000 orders.
  await page.locator('.toolbar input[type=range]').fill('2');
  await page.getByRole('tab', { name: /^Fast-forward/ }).click();
  await page.locator('#ff-orders').fill('10000');
  await page.locator('form.fast-forward button[type=submit]').click();
  await page.locator('form.fast-forward .ff-verdict').waitFor({ timeout: 120000 });
  await advance(page, 0);
  const ff = await seeks(page, 30, 11);
  const ffP95 = percentile(ff.times, 0.95);
  report(
    `seek in that run after a fast-forward of 10,000 orders (${(ff.end / 60000).toFixed(0)} min), p95 of 30`,
    `${ffP95.toFixed(1)} ms (median ${percentile(ff.times, 0.5).toFixed(1)}, max ${Math.max(...ff.times).toFixed(1)})`,
    '<= 100 ms',
    ffP95 <= 100,
  );
  if (m.problems.length) fail(`seek page problems: ${m.problems.join('; ')}`);
  await m.context.close();
}
