// Fast-forward: "run N orders under chaos" from the screen, with its progress, Pause, the
// verdict at the end, and bad input refused with a message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOTS, axeViolations } from '../lib.mjs';
import { open, finish, frames } from './harness.mjs';

const form = (page) => page.locator('form.fast-forward');
const status = (page) => form(page).locator('.ff-status');
/** The fast-forward is a tab beside the tables (a tool, like Compare). */
const openTab = (page, name = 'Fast-forward') => page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();

async function run(page, orders) {
  await form(page).getByLabel('Orders under chaos').fill(String(orders));
  await form(page).getByRole('button', { name: 'Run', exact: true }).click();
}

test('10,000 orders under chaos run to a consistent verdict, with the figures', async () => {
  const w = await open();
  const { page } = w;
  await openTab(page);
  // Long tasks (over 50 ms) while the fast-forward runs: it works in slices, so none.
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({
      type: 'longtask',
      buffered: false,
    });
  });
  await run(page, 10000);
  await form(page).locator('.ff-verdict').waitFor({ timeout: 60000 });
  const text = await status(page).textContent();
  // Orders a crashed Order service could not take are rejected; the rest all end.
  assert.match(text, /10,000 orders, [\d,]+ rejected: [\d,]+ confirmed, [\d,]+ cancelled, 0 pending/);
  assert.match(text, /✔ Settled .* after the heal: consistent, 0 violations/);
  assert.match(text, /[\d,]+ events and .* of virtual time in [\d.]+ s \([\d,]+ events\/s\)/);
  assert.equal(await form(page).locator('.ff-verdict.good').count(), 1);
  // The rest of the page agrees: the checker's verdict and the orders table.
  await page.locator('.consistency.ok').waitFor();
  const tasks = await page.evaluate(() => window.__longTasks);
  console.log(`# long tasks during 10,000 orders: ${tasks.length} (longest ${Math.max(0, ...tasks).toFixed(0)} ms)`);
  assert.deepEqual(await axeViolations(page), []);
  await finish(w, 'fast-forward-done');
});

test('Pause holds a fast-forward mid-run, Play resumes it', async () => {
  const w = await open();
  const { page } = w;
  await openTab(page);
  await form(page).getByLabel('Orders under chaos').fill('10000');
  // 10,000 orders take well under a second here, faster than a test can click: the page itself
  // presses Pause three frames after Run, as a person would press it mid-run.
  await page.evaluate(async () => {
    document.querySelector('form.fast-forward button[type=submit]').click();
    for (let i = 0; i < 3; i++) await new Promise(requestAnimationFrame);
    document.querySelector('.transport button').click();
  });
  await page.getByRole('button', { name: 'Play', exact: true }).waitFor();
  const placed = () => status(page).locator('p').textContent();
  await status(page).locator('progress').waitFor();
  const held = await placed();
  assert.match(held, /^[\d,]+ \/ 10,000 orders placed$/);
  assert.notEqual(held, '0 / 10,000 orders placed', 'it had started');
  // Another tab open: the fast-forward's tab still says how far it is.
  await page.getByRole('tab', { name: /^Orders/ }).click();
  assert.match(await page.getByRole('tab', { name: /^Fast-forward/ }).textContent(), /^Fast-forward \d+%$/);
  await openTab(page);
  await frames(page, 30);
  assert.equal(await placed(), held, 'nothing moves while paused');
  assert.equal(await form(page).getByRole('button', { name: 'Run', exact: true }).isDisabled(), true);
  await page.screenshot({ path: path.join(SHOTS, 'fast-forward-paused.png') });
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await form(page).locator('.ff-verdict').waitFor({ timeout: 60000 });
  await finish(w, 'fast-forward-resumed');
});

test('a number of orders out of range is refused with a message, and the run keeps its state', async () => {
  const w = await open();
  const { page } = w;
  await openTab(page);
  const clock = await page.locator('.clock').textContent();
  for (const bad of ['0', '10001', '', '-5', '2.5']) {
    await run(page, bad);
    await page.locator('.notice', { hasText: 'Orders under chaos: enter a whole number in the allowed range: 1–10,000' }).waitFor();
    assert.equal(await status(page).locator('progress').count(), 0, `${bad} starts nothing`);
  }
  assert.match(await status(page).textContent(), /Crashes, cut links/);
  assert.ok((await page.locator('.clock').textContent()) >= clock);
  // A good number then runs, and the complaint about the bad one goes.
  await run(page, 200);
  await form(page).locator('.ff-verdict').waitFor({ timeout: 60000 });
  assert.equal(await page.locator('.notice').count(), 0, 'the old notice is gone');
  await finish(w, 'fast-forward-refused');
});

test('Korean: the fast-forward speaks Korean', async () => {
  const w = await open('lang=ko');
  const { page } = w;
  await openTab(page, '빨리 감기');
  await form(page).getByLabel('장애 속 주문 수').fill('300');
  await form(page).getByRole('button', { name: '실행', exact: true }).click();
  await form(page).locator('.ff-verdict').waitFor({ timeout: 60000 });
  assert.match(await status(page).textContent(), /주문 300건, 거절 [\d,]+건: 확정 [\d,]+, 취소 [\d,]+, 처리 중 0/);
  assert.match(await status(page).textContent(), /✔ 복구 .* 뒤 안정: 일관됨, 위반 0건/);
  await finish(w, 'fast-forward-ko');
});
