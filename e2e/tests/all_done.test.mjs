// Seed 000's two ways to clear PENDING, side by side: by default Order clears it silently when
// Product's and Delivery's answers are both in; with the switch on, Order publishes one more
// event, AllDone, and the order turns CONFIRMED only when Order handles it (the existing event
// system's way). The event is on the bus and in the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, orderBadge, placeOrder, finish, runUntilShown, runUntilLogSays } from './harness.mjs';

const tab = (page, name) => page.getByRole('tab', { name }).click();

test('the AllDone switch: one more event on the bus, and PENDING clears only when Order handles it', async () => {
  const w = await open();
  const { page } = w;
  // Off by default: the order confirms on the second answer, with no AllDone anywhere.
  await placeOrder(page, '0', '1');
  await runUntilShown(page, page.locator('tr[data-order="0"] .badge.confirmed'));
  assert.doesNotMatch(await page.locator('ol.log').textContent(), /AllDone/);
  // On (it applies on reset), the same order takes one more event.
  await tab(page, /Network & settings/);
  await page.locator('input[name=all_done_event]').check();
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await tab(page, /^Orders/);
  await placeOrder(page, '0', '1');
  await runUntilLogSays(page, /AllDone published \(the order stays PENDING until Order handles it\)/, { step: 10 });
  assert.match(await orderBadge(page, 0).textContent(), /PENDING/, 'both answers are in, and the order still waits');
  await runUntilShown(page, page.locator('tr[data-order="0"] .badge.confirmed'), { step: 10 });
  assert.match(await page.locator('ol.log').textContent(), /Order handles AllDone m\d+ → all done: order CONFIRMED/);
  await tab(page, /^Bus log/);
  assert.match(await page.locator('[role=tabpanel]').textContent(), /AllDone/, 'the event is on the bus');
  await finish(w, 'all-done-event');
});
