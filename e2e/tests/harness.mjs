// What every browser test file shares: one server and browser per file, a page opened on the
// app and ready, and the small actions the tests repeat.
import { before, after } from 'node:test';
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

after(async () => {
  await browser?.close();
  server?.close();
});

/** A watched page on the app, once it is interactive. */
export async function open(query = 'lang=en', options = {}) {
  const w = await watchedPage(browser, options);
  await w.page.goto(`${base}?${query}`);
  await w.page.waitForSelector('body[data-ready=true]');
  return w;
}

/** The base URL the app is served at (a sub-folder). */
export const baseUrl = () => base;

export const orderBadge = (page, id) => page.locator(`tr[data-order="${id}"] .badge`).first();

export const lagOf = async (page, service) =>
  Number((await page.locator(`g.link[data-service=${service}] .lag-text`).textContent()).replace(/\D+/g, ''));

export async function placeOrder(page, product = '0', quantity = '1') {
  const form = page.locator('form.order-form');
  await form.getByLabel('Product', { exact: true }).selectOption(product);
  await form.getByLabel('Quantity', { exact: true }).fill(quantity);
  await form.getByRole('button', { name: 'Place order' }).click();
}

/** Waits until the event log mentions `pattern`. */
export async function logSays(page, pattern, timeout = 15000) {
  await page.waitForFunction(
    (src) => new RegExp(src).test(document.querySelector('ol.log')?.textContent ?? ''),
    pattern.source,
    { timeout },
  );
}

/** Screenshot, then no console error, page error or foreign request may have happened. */
export async function finish(w, name) {
  await w.page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  assert.deepEqual(w.problems, [], 'no console error, page error or foreign request');
  await w.context.close();
}
