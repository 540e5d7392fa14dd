// What every browser test file shares: one server and browser per file, a page opened on the
// app and ready, and the small actions the tests repeat.
import { before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, watchedPage, SHOTS } from '../lib.mjs';

let server, base, browser;

before(async () => {
  ({ server, url: base } = await serve());
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
});

// A test that failed leaves its page open: keep a picture of it for whoever reads the failure.
const pages = new Set();
afterEach(async (t) => {
  for (const w of pages) {
    const name = (t?.name ?? 'test').replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await w.page.screenshot({ path: path.join(SHOTS, `FAILED-${name}.png`) }).catch(() => {});
    await w.context.close().catch(() => {});
  }
  pages.clear();
});

after(async () => {
  await browser?.close();
  server?.close();
});

/**
 * A watched page on the app, once it is interactive, paused at t=0 (tests drive virtual time
 * with `advance` and `runUntil`); `{ play: true }` leaves it playing.
 */
export async function open(query = 'lang=en', { play = false, ...options } = {}) {
  const w = await blank(options);
  await w.page.goto(`${base}?${query}`);
  await w.page.waitForSelector('body[data-ready=true]');
  if (!play) await pause(w.page);
  return w;
}

/** A watched page not yet on the app (for what happens before it is ready). */
export async function blank(options = {}) {
  const w = await watchedPage(browser, options);
  pages.add(w);
  w.context.on('close', () => pages.delete(w));
  return w;
}

/** The base URL the app is served at (a sub-folder). */
export const baseUrl = () => base;

export const orderBadge = (page, id) => page.locator(`tr[data-order="${id}"] .badge`).first();

/** A consumer's lag as its node on the stage shows it ("@3/5 · lag 2"). */
export const lagOf = async (page, service) =>
  Number(/(\d+)\s*$/.exec(await page.locator(`g.service[data-service=${service}] text.lag`).textContent())[1]);

/** Places an order through the toolbar's form in either language (by position, not by label). */
export async function placeOrderInForm(page, product = '0', quantity = '1') {
  const form = page.locator('form.order-form');
  await form.locator('select').first().selectOption(product);
  await form.locator('input[type=number]').first().fill(quantity);
  await form.locator('button[type=submit]').click();
}

export async function placeOrder(page, product = '0', quantity = '1') {
  const form = page.locator('form.order-form');
  await form.getByLabel('Product', { exact: true }).selectOption(product);
  await form.getByLabel('Quantity', { exact: true }).fill(quantity);
  await form.getByRole('button', { name: 'Place order' }).click();
}


/** Screenshot, then no console error, page error or foreign request may have happened. */
export async function finish(w, name) {
  await w.page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  assert.deepEqual(w.problems, [], 'no console error, page error or foreign request');
  await w.context.close();
}

/**
 * Pauses the run and advances virtual time by exactly `ms` (0 only pauses), through the app's
 * test hook, then waits until the page shows that moment. Tests drive time this way, never by
 * waiting for the wall clock, so what they see does not depend on the machine's speed.
 */
export async function advance(page, ms) {
  const target = await page.evaluate((ms) => {
    const now = Number(document.querySelector('.clock')?.dataset.nowMs ?? 0);
    window.dispatchEvent(new CustomEvent('saga-advance', { detail: ms }));
    return now + ms;
  }, ms);
  await page.waitForFunction((t) => Number(document.querySelector('.clock')?.dataset.nowMs) >= t, target, { timeout: 10000 });
}

/** Pauses the run where it is. */
export const pause = (page) => advance(page, 0);

/**
 * Advances virtual time `step` ms at a time until `pred()` holds (checked before each step),
 * failing after `maxMs` of virtual time. Deterministic: the same run reaches the same state at
 * the same virtual time on any machine.
 */
export async function runUntil(page, pred, { step = 50, maxMs = 60000, what = 'the condition' } = {}) {
  for (let t = 0; ; t += step) {
    if (await pred()) return t;
    if (t >= maxMs) throw new Error(`${what} did not happen within ${maxMs} ms of virtual time`);
    await advance(page, step);
  }
}

/** Advances virtual time until `locator` matches something on the page. */
export const runUntilShown = (page, locator, opts = {}) =>
  runUntil(page, async () => (await locator.count()) > 0, { what: String(locator), ...opts });

/** Advances virtual time until the event log mentions `pattern`. */
export const runUntilLogSays = (page, pattern, opts = {}) =>
  runUntil(page, async () => pattern.test((await page.locator('ol.log').textContent().catch(() => '')) ?? ''), { what: String(pattern), ...opts });

/** Waits `n` animation frames of the page (a count of frames, not a time). */
export const frames = (page, n = 3) =>
  page.evaluate(async (n) => {
    for (let i = 0; i < n; i++) await new Promise(requestAnimationFrame);
  }, n);

/** Pairs of stage labels whose boxes overlap by more than a pixel each way. */
export const overlaps = (page) =>
  page.evaluate(() => {
    const svg = document.querySelector('svg.stage');
    const layer = document.querySelector('svg.stage-tokens g.tokens');
    const boxes = [];
    // Fixed labels: every text of the stage (the tokens have an SVG of their own over it).
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim()) continue;
      boxes.push({ what: `text "${t.textContent.trim()}"`, r: t.getBoundingClientRect() });
    }
    // Tokens: each pill's outline (its text lies inside it).
    for (const g of layer.querySelectorAll(':scope > g.token')) {
      const rect = g.querySelector('rect');
      if (!rect) continue;
      boxes.push({ what: `token "${g.textContent.trim()}"`, r: rect.getBoundingClientRect() });
    }
    const bad = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r;
        const b = boxes[j].r;
        const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (dx > 1 && dy > 1) bad.push(`${boxes[i].what} × ${boxes[j].what} (${dx.toFixed(1)} x ${dy.toFixed(1)} px)`);
      }
    }
    return { count: boxes.length, tokens: layer.querySelectorAll(':scope > g.token').length, bad };
  });

/** Many messages on the wire: every batch delayed 15-60 s and sent on a detour. */
export async function crowd(page, lang) {
  await page.getByRole('tab', { name: lang === 'en' ? /Network & settings/ : /네트워크·설정/ }).click();
  await page.fill('input[name=delay]', '100');
  await page.fill('input[name=reorder]', '100');
  await page.fill('input[name=delay_ms]', '60000');
  await page.locator('.weather button[type=submit]').click();
  for (let round = 0; round < 20; round++) {
    await page.evaluate(() => {
      const b = document.querySelector('form.order-form button[type=submit]');
      for (let k = 0; k < 10; k++) b.click();
    });
    await advance(page, 50);
  }
  await advance(page, 200);
}
