// Reliable delivery in the browser (seeds 003, 004): every switch of the "Delivery guarantees"
// block (in the settings tab) flipped from the screen, and what the stage, the tables and the
// checker then show. Virtual time is driven by the test (`advance`, `runUntil`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOTS, axeViolations } from '../lib.mjs';
import { open, orderBadge, placeOrder, finish, advance, runUntil, runUntilShown, runUntilLogSays } from './harness.mjs';

const guarantees = (page) => page.locator('fieldset.delivery-options');
const tab = (page, name) => page.getByRole('tab', { name }).click();
const settings = (page) => tab(page, /Network & settings/);
const button = (page, name) => page.getByRole('button', { name, exact: true });
const mark = (page, invariant, m) => page.locator(`.invariants li[data-invariant=${invariant}].${m}`);
const violated = (page, invariant) => runUntilShown(page, mark(page, invariant, 'violated'), { what: `${invariant} violated` });
const pending = (page, invariant) => mark(page, invariant, 'pending').waitFor({ state: 'attached' });
const holds = async (page, invariant) =>
  assert.equal(await page.locator(`.invariants li[data-invariant=${invariant}]`).getAttribute('class'), 'holds', `${invariant} holds`);
const consistent = (page) => runUntilShown(page, page.locator('.consistency.ok'), { what: 'consistency' });

/** Chooses how services publish (an option's visible text) in the settings tab. */
async function publishing(page, label) {
  await settings(page);
  await guarantees(page).locator('select').selectOption({ label });
}

/** Applies the switches that take effect on reset, and shows the orders again. */
async function reset(page) {
  await button(page, 'Reset').click();
  await tab(page, /^Orders/);
}

test('dual write at Order: a crash between commit and publish loses OrderPlaced for ever', async () => {
  const w = await open();
  const { page } = w;
  await publishing(page, 'dual write at Order (at-most-once publishing)');
  await reset(page);
  // No outbox on the stage, only the events a dual write has yet to send.
  await page.locator('g.service[data-service=Order]', { hasText: 'dual write: unsent 0' }).waitFor();
  await settings(page);
  await button(page, 'Order: Crash at its next commit').click();
  await tab(page, /^Orders/);
  await placeOrder(page, '0', '1');
  await runUntilLogSays(page, /Order committed m0 but never published it: the event is LOST/);
  await violated(page, 'NoEventLost');
  await button(page, 'Restart Order').click();
  await advance(page, 10000);
  assert.match(await orderBadge(page, 0).textContent(), /PENDING/, 'nothing will ever move the order on');
  await finish(w, 'reliability-dual-write');
});

test('outbox: the same crash loses nothing; the outbox fills, the relay drains it, marks the row sent, the cleanup removes it, the order confirms', async () => {
  const w = await open();
  const { page } = w;
  await settings(page);
  await button(page, 'Order: Crash at its next commit').click();
  await tab(page, /^Orders/);
  await placeOrder(page, '0', '1');
  const strip = page.locator('g.service[data-service=Order] .outbox-strip');
  // The crash strikes after the commit and before the relay polls: the row stays unsent.
  await runUntilShown(page, page.locator('g.service.down[data-service=Order]'), { step: 5 });
  await page.locator('g.service[data-service=Order] .outbox-strip[data-rows="1"] .cell.unsent').waitFor();
  await tab(page, /Outbox & DLQ/);
  const card = page.locator('.outbox-card[data-service=Order]');
  assert.match(await card.textContent(), /relay stopped \(service down\)/);
  assert.match(await card.locator('tbody').textContent(), /m0\s*OrderPlaced\s*waiting/, 'the row waits in the table');
  await page.screenshot({ path: path.join(SHOTS, 'reliability-outbox-filled.png') });
  assert.deepEqual(await axeViolations(page), [], 'axe with the outbox tables');
  await button(page, 'Restart Order').click();
  // Seed 003's status column: published, the row is marked sent, and a cleanup removes it later.
  await runUntilShown(page, page.locator('g.service[data-service=Order] .outbox-strip .cell.published'), { step: 5 });
  assert.match(await card.locator('tbody').textContent(), /m0\s*OrderPlaced\s*published ✓/, 'marked sent');
  await page.screenshot({ path: path.join(SHOTS, 'reliability-outbox-marked-sent.png') });
  await runUntilShown(page, page.locator('g.service[data-service=Order] .outbox-strip[data-rows="0"]'));
  assert.equal(await strip.locator('.cell').count(), 0, 'drained');
  await consistent(page);
  assert.match(await card.textContent(), /The outbox is empty/);
  assert.match(await card.textContent(), /processed-message table \(\d+\): m\d/);
  await holds(page, 'NoEventLost');
  await tab(page, /Orders/);
  assert.match(await orderBadge(page, 0).textContent(), /CONFIRMED/);
  await finish(w, 'reliability-outbox');
});

test('publish first at Product: ProductChanged goes out, the commit rolls back, Order confirms without stock', async () => {
  const w = await open();
  const { page } = w;
  await publishing(page, 'publish first, then commit, at Product');
  await reset(page);
  await settings(page);
  await button(page, 'Product: Crash at its next commit').click();
  await tab(page, /^Orders/);
  await placeOrder(page, '0', '1');
  await runUntilLogSays(page, /Product's commit fails after it published 1 event\(s\) from m\d+: ROLLED BACK \(a phantom event\)/);
  await violated(page, 'NoPhantomEvent');
  await violated(page, 'NoConfirmedOrderWithoutStock');
  await runUntilShown(page, orderBadge(page, 0).filter({ hasText: 'CONFIRMED' }));
  await page.locator('g.service.down[data-service=Product]').waitFor();
  await tab(page, /Stock/);
  assert.match(await page.locator('table.data tbody tr').first().textContent(), /Keyboard\s*10/, 'stock never taken');
  await page.screenshot({ path: path.join(SHOTS, 'reliability-publish-first.png') });
  // After the restart Product reads OrderPlaced again, and this time the commit holds: the
  // tables agree again, and the phantom event stays on the record.
  await button(page, 'Restart Product').click();
  await runUntilShown(page, page.locator('table.data tbody tr', { hasText: /Keyboard\s*9/ }));
  await runUntilShown(page, mark(page, 'NoConfirmedOrderWithoutStock', 'holds'));
  await mark(page, 'NoPhantomEvent', 'violated').waitFor({ state: 'attached' });
  assert.match(await page.locator('.consistency.bad .verdict').textContent(), /Violated.*Violations: [1-9]/);
  await finish(w, 'reliability-publish-first-recovered');
});

test('publish first at Delivery: DeliveryStarted goes out for a delivery row that rolls back', async () => {
  const w = await open();
  const { page } = w;
  await publishing(page, 'publish first, then commit, at Delivery');
  await reset(page);
  await settings(page);
  await button(page, 'Delivery: Crash at its next commit').click();
  await tab(page, /^Orders/);
  await placeOrder(page, '0', '1');
  await runUntilLogSays(page, /Delivery's commit fails after it published 1 event\(s\) from m\d+: ROLLED BACK/);
  await violated(page, 'NoPhantomEvent');
  await page.locator('g.service.down[data-service=Delivery]').waitFor();
  await finish(w, 'reliability-publish-first-delivery');
});

test('at-most-once: Product commits before handling, crashes mid-handling, and the record is lost', async () => {
  const w = await open();
  const { page } = w;
  await settings(page);
  await page.getByLabel('At-most-once consuming: commit before handling (on reset)').check();
  await reset(page);
  await button(page, 'Slow Product').click();
  await placeOrder(page, '0', '1');
  await runUntilShown(page, page.locator('g.service[data-service=Product]', { hasText: 'handling @0' }), { step: 10 });
  await button(page, 'Crash Product').click();
  await runUntilLogSays(page, /Product crashed handling m0 at offset 0, already committed: the record is LOST/);
  await violated(page, 'NoEventLost');
  await button(page, 'Restart Product').click();
  await button(page, 'Slow Product').click();
  await advance(page, 10000);
  assert.match(await orderBadge(page, 0).textContent(), /PENDING/, 'Product never hears of the order again');
  await tab(page, /Outbox & DLQ/);
  assert.match(await page.locator('.outbox-card[data-service=Product]').textContent(), /at-most-once consuming \(commits, then handles\)/);
  await finish(w, 'reliability-at-most-once');
});

/** Every batch duplicated on every link. */
async function duplicateEverything(page) {
  await settings(page);
  await page.fill('input[name=duplicate]', '100');
  await button(page, 'Apply').click();
}

test('idempotent consumers: a redelivered message is a ghost copy, and the badge says "duplicate ignored"', async () => {
  const w = await open();
  const { page } = w;
  await duplicateEverything(page);
  await placeOrder(page, '0', '1');
  await runUntilShown(page, page.locator('.tokens .token.ghost'), { step: 20 });
  await page.screenshot({ path: path.join(SHOTS, 'reliability-ghost.png') });
  const badge = page.locator('g.service .dup-badge').first();
  await runUntilShown(page, badge, { step: 20 });
  assert.match(await badge.textContent(), /m\d+ duplicate ignored/);
  assert.equal(await page.locator('g.service .dup-badge.bad').count(), 0);
  await holds(page, 'AtMostOnceEffect');
  await finish(w, 'reliability-duplicate-ignored');
});

test('without the processed-message table the same duplicate is applied twice, and the checker names it', async () => {
  const w = await open();
  const { page } = w;
  await settings(page);
  await page.getByLabel('Idempotent consumers (on reset)').uncheck();
  await reset(page);
  await duplicateEverything(page);
  await placeOrder(page, '0', '1');
  const badge = page.locator('g.service .dup-badge.bad').first();
  await runUntilShown(page, badge, { step: 20 });
  assert.match(await badge.textContent(), /duplicate applied!/);
  await page.screenshot({ path: path.join(SHOTS, 'reliability-duplicate-applied.png') });
  await violated(page, 'AtMostOnceEffect');
  await tab(page, /Outbox & DLQ/);
  assert.match(await page.locator('.outbox-card[data-service=Product]').textContent(), /no processed-message table/);
  await finish(w, 'reliability-duplicate-applied');
});

test("a failing handler is retried with back-off, dead-lettered, then replayed from the DLQ panel", async () => {
  const w = await open();
  const { page } = w;
  await settings(page);
  await page.getByLabel("Product's handler fails").check();
  await tab(page, /^Orders/);
  await placeOrder(page, '0', '1');
  await runUntilLogSays(page, /Product's handler FAILED on m0 \(offset 0\), attempt 1: retry at/);
  await runUntilLogSays(page, /Product: m0 dead-lettered after 3 attempts/);
  await tab(page, /Outbox & DLQ/);
  const letter = page.locator('tr[data-letter="0"]');
  await letter.waitFor();
  assert.match(await letter.textContent(), /Product\s*m0 OrderPlaced\s*.*p0.*\s*3\s*handler error/);
  // A letter waiting for a person keeps the system from converging: the mark stays pending.
  await pending(page, 'DeadLetterQueueEmpty');
  await settings(page);
  await page.getByLabel("Product's handler fails").uncheck();
  await tab(page, /Outbox & DLQ/);
  await button(page, 'Replay m0 (Product)').click();
  await runUntilLogSays(page, /Product: dead letter m0 replayed/);
  await consistent(page);
  await tab(page, /Orders/);
  assert.match(await orderBadge(page, 0).textContent(), /CONFIRMED/);
  await finish(w, 'reliability-dead-letter-replay');
});

test('a poison message is dead-lettered by every consumer that acts on it; fixed, then replayed, the order confirms', async () => {
  const w = await open();
  const { page } = w;
  await settings(page);
  await button(page, 'Poison the next order').click();
  await tab(page, /^Orders/);
  await placeOrder(page, '0', '1');
  await runUntilLogSays(page, /Product: m0 dead-lettered after 3 attempts/);
  await runUntilLogSays(page, /Delivery: m0 dead-lettered after 3 attempts/);
  await page.locator('g.node.dlq.full', { hasText: '2' }).waitFor();
  await tab(page, /Outbox & DLQ/);
  const letter = page.locator('tr[data-letter="0"]').first();
  await letter.waitFor();
  assert.match(await letter.textContent(), /poison message/);
  // Replayed as it is, it fails again: the message itself is wrong.
  await button(page, 'Replay m0 (Product)').click();
  await runUntilLogSays(page, /Product's handler FAILED on m0 \(offset 0\), attempt 4/);
  // A person corrects it; now a replay at each consumer succeeds.
  await button(page, 'Fix m0 (Product)').click();
  await runUntilLogSays(page, /poison message m0 fixed, ready to replay/);
  assert.equal(await button(page, 'Fix m0 (Delivery)').count(), 0, 'fixed for every consumer that queued it');
  await button(page, 'Replay m0 (Product)').click();
  await button(page, 'Replay m0 (Delivery)').click();
  await tab(page, /^Orders/);
  await runUntilShown(page, orderBadge(page, 0).filter({ hasText: 'CONFIRMED' }));
  await consistent(page);
  await finish(w, 'reliability-poison-fixed');
});

test('a flaky client resubmits with the same key; Order recognises it and makes one order', async () => {
  const w = await open();
  const { page } = w;
  await settings(page);
  await page.getByLabel('Flaky client network (answers get lost)').check();
  await page.locator('g.client', { hasText: 'flaky' }).waitFor();
  await placeOrder(page, '0', '1');
  await runUntilLogSays(page, /the answer to k\d+ is LOST on the client's flaky network/);
  await runUntilLogSays(page, /Order replies: same idempotency key, existing o0/);
  await runUntilShown(page, page.locator('g.client', { hasText: /↻ o0\s*recognised/ }));
  await page.getByLabel('Flaky client network (answers get lost)').uncheck();
  await consistent(page);
  await tab(page, /^Orders/);
  assert.equal(await page.locator('tr[data-order]').count(), 1, 'one order, not two');
  await finish(w, 'reliability-flaky-client');
});

test('the tempting restock guess (from the stock level) loses the last units on a legitimate cancel', async () => {
  const guessing = async (on) => {
    const w = await open();
    const { page } = w;
    await settings(page);
    if (on) await page.getByLabel(/Restock by guessing from the stock level/).check();
    await reset(page);
        // Monitor starts with 3 in stock: order all three, then cancel once confirmed.
    await placeOrder(page, '1', '3');
    await tab(page, /^Orders/);
    await runUntilShown(page, orderBadge(page, 0).filter({ hasText: 'CONFIRMED' }));
    await page.getByRole('button', { name: 'Cancel order o0' }).click();
    await runUntilShown(page, orderBadge(page, 0).filter({ hasText: 'CANCELLED' }));
    await advance(page, 3000);
    await tab(page, /Stock/);
    const monitor = await page.locator('table.data tbody tr').nth(1).textContent();
    return { w, page, monitor };
  };
  const right = await guessing(false);
  assert.match(right.monitor, /Monitor\s*3/, 'the causation-id rule restores all three units');
  await finish(right.w, 'reliability-restock-causation');
  const wrong = await guessing(true);
  assert.match(wrong.monitor, /Monitor\s*0/, 'the guess keeps them: stock is lost');
  await runUntilLogSays(wrong.page, /no restock: guessed from the stock level/);
  await violated(wrong.page, 'StockConserved');
  await finish(wrong.w, 'reliability-restock-guess');
});
