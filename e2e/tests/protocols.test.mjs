// The two-phase protocols and the compare view in the browser: each protocol's signature
// failure injected from the screen, and what the screen then shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOTS, axeViolations } from '../lib.mjs';
import { open, orderBadge, placeOrder, finish, advance, frames, runUntil, runUntilShown, runUntilLogSays } from './harness.mjs';

const protocol = (page, value) => page.locator('label.protocol select').selectOption(value);
const tab = (page, name) => page.getByRole('tab', { name }).click();
const consistent = (page) => runUntilShown(page, page.locator('.consistency.ok'), { step: 200, what: 'consistency' });

test('TCC: Confirm never reaches Product; the order stays PENDING until an operator confirms it', async () => {
  const w = await open();
  const { page } = w;
  await protocol(page, 'tcc-operator');
  await page.getByRole('button', { name: 'At the next decision: Cut Product' }).click();
  await placeOrder(page, '0', '2');
  await tab(page, /Stock/);
  // Try holds the units without taking them: reserved 2, stock still 10.
  await runUntilShown(page, page.locator('td.held', { hasText: '2' }));
  assert.match(await page.locator('table.data tbody tr').first().textContent(), /Keyboard\s*10\s*2\s*8/);
  await tab(page, /Transactions/);
  const row = page.locator('tr.alert-row[data-order="0"]');
  await runUntilShown(page, row, { step: 200 });
  assert.match(await row.textContent(), /stuck: PENDING/);
  assert.match(await row.textContent(), /Reserved 2/, "the admin panel shows Product's own row");
  assert.deepEqual(await axeViolations(page), [], 'axe with the admin panel and an alert');
  await page.getByRole('button', { name: 'Heal link Product' }).click();
  await page.screenshot({ path: path.join(SHOTS, 'tcc-alert.png') });
  await page.getByRole('button', { name: 'Decide by hand o0: Confirm' }).click();
  await consistent(page);
  await tab(page, /Orders/);
  assert.match(await orderBadge(page, 0).textContent(), /CONFIRMED/);
  await tab(page, /Stock/);
  assert.match(await page.locator('table.data tbody tr').first().textContent(), /Keyboard\s*8\s*0\s*8/);
  await finish(w, 'tcc-operator');
});

test("the operator's decision keeps the keyboard's focus while the transaction log redraws", async () => {
  const w = await open();
  const { page } = w;
  await protocol(page, 'tcc-operator');
  await page.getByRole('button', { name: 'At the next decision: Cut Product' }).click();
  await placeOrder(page, '0', '2');
  await runUntilShown(page, page.getByRole('button', { name: /Open the admin panel/ }), { step: 200 });
  // The banner's button opens the admin panel with the decision focused.
  await page.getByRole('button', { name: /Open the admin panel/ }).click();
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
  await frames(page, 3);
  assert.equal(await focused(), 'Decide by hand o0: Confirm', 'the banner focuses the decision');
  // A new order (its key leaves the focus where it is) adds a transaction to the log below.
  await page.keyboard.press('o');
  await runUntilShown(page, page.locator('#panel-sagas tr[data-order="1"]'), { step: 50 });
  assert.equal(await focused(), 'Decide by hand o0: Confirm', 'focus kept while the log redraws');
  await finish(w, 'tcc-decision-focus');
});

test('TCC: with participant sweep, Product settles its own stale reservation by asking Order', async () => {
  const w = await open();
  const { page } = w;
  await protocol(page, 'tcc-sweep');
  await page.getByRole('button', { name: 'At the next decision: Cut Product' }).click();
  await placeOrder(page, '0', '1');
  await runUntilLogSays(page, /Product's sweeper will settle it/);
  await page.getByRole('button', { name: 'Heal link Product' }).click();
  await runUntilLogSays(page, /Product's sweeper: o0 is CONFIRMED/, { step: 200 });
  await consistent(page);
  await tab(page, /Stock/);
  assert.match(await page.locator('table.data tbody tr').first().textContent(), /Keyboard\s*9\s*0\s*9/);
  await finish(w, 'tcc-sweep');
});

// Seed 002 §26, the seed's own case, in Korean: the order ends CANCELLED, but Product's
// reservation was never released (its Cancel ran out of retries behind a cut link). Product's
// sweeper finds the stale reservation, asks Order for the order's status, and cancels its own.
test('TCC 참여자 스윕 (시드 002 §26): 주문은 취소, 상품 서비스의 예약은 남고, 스위퍼가 주문 상태를 조회해 스스로 취소한다', async () => {
  const w = await open('lang=ko');
  const { page } = w;
  await protocol(page, 'tcc-sweep');
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('3'); // 배송 서비스 다운: its Try times out, so the coordinator decides to cancel.
  await page.locator('.traps button').nth(1).click(); // 다음 결정 순간 상품 서비스 링크 단절
  const form = page.locator('form.order-form');
  await form.locator('select').first().selectOption('0');
  await form.locator('input[type=number]').first().fill('1');
  await form.locator('button[type=submit]').click();
  await runUntilLogSays(page, /코디네이터는 포기: 상품 서비스의 스위퍼가 정리/, { step: 100 });
  // The seed's state: the order is cancelled, and Product still holds the unit it reserved.
  await page.locator('#tab-orders').click();
  await runUntilShown(page, page.locator('tr[data-order="0"] .badge.cancelled'), { step: 100 });
  await page.locator('#tab-stock').click();
  assert.match(await page.locator('table.data tbody tr').first().locator('td.held').textContent(), /1/, 'a reservation left behind');
  assert.deepEqual(await axeViolations(page), [], 'axe in Korean');
  await page.screenshot({ path: path.join(SHOTS, 'tcc-sweep-cancelled-ko.png') });
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Shift+2'); // 상품 서비스 링크 복구
  await page.keyboard.press('3'); // 배송 서비스 재시작
  await runUntilLogSays(page, /상품 서비스의 스위퍼: o0은 CANCELLED 취소/, { step: 200 });
  await consistent(page);
  assert.equal(await page.locator('table.data tbody tr').first().locator('td.held').count(), 0, 'the reservation is released');
  await finish(w, 'tcc-sweep-cancelled-ko');
});

test('2PC: the coordinator crashes after the votes; participants stay in doubt holding their locks', async () => {
  const w = await open();
  const { page } = w;
  await protocol(page, '2pc');
  await page.getByRole('button', { name: 'At the next decision: Crash coordinator' }).click();
  await placeOrder(page, '0', '1');
  await runUntilShown(page, page.locator('g.coordinator.down'));
  await placeOrder(page, '0', '2');
  await page.locator('tr[data-order="0"] .lock').waitFor();
  await advance(page, 3000);
  assert.match(await orderBadge(page, 1).textContent(), /PENDING/, 'the next order waits');
  await tab(page, /Stock/);
  assert.match(await page.locator('td.lock-cell').first().textContent(), /locked by o0.*orders blocked behind it: 1/);
  await tab(page, /Transactions/);
  // The decision was logged before the crash: the operator may only follow it.
  await page.getByRole('button', { name: 'Decide by hand o0: Confirm' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Decide by hand o0: Cancel' }).count(), 0);
  assert.match(await page.locator('[data-invariant=NoParticipantInDoubt]').textContent(), /pending|violated/);
  await page.screenshot({ path: path.join(SHOTS, 'two-pc-in-doubt.png') });
  await page.getByRole('button', { name: 'Restart Coordinator' }).click();
  await consistent(page);
  assert.match(await page.getByTestId('tx-figures').textContent(), /Row lock time \(2PC\) [1-9]/);
  await tab(page, /Orders/);
  assert.match(await orderBadge(page, 0).textContent(), /CONFIRMED/);
  assert.match(await orderBadge(page, 1).textContent(), /CONFIRMED/);
  await finish(w, 'two-pc-recovered');
});

test('compare: one Delivery outage, four protocols side by side', async () => {
  const w = await open();
  const { page } = w;
  await tab(page, /Compare/);
  await page.getByRole('button', { name: 'Compare all four protocols' }).click();
  const table = page.getByTestId('compare-table');
  await table.waitFor();
  assert.deepEqual(await table.locator('thead th').allTextContents(), [
    'Choreography', 'Orchestration', 'TCC', 'Two-phase commit',
  ]);
  await page.getByRole('button', { name: 'Crash Delivery' }).click();
  await placeOrder(page, '0', '1');
  const outcomes = () => table.locator('tbody tr').first().locator('td').allTextContents();
  // The coordinated protocols give up on Delivery and cancel; choreography waits.
  await runUntil(page, async () => (await outcomes()).slice(1).every((c) => c === '0 / 1 / 0'), { step: 200, what: 'the coordinated protocols cancel' });
  assert.equal((await outcomes())[0], '0 / 0 / 1', 'choreography keeps the order PENDING');
  assert.deepEqual(await axeViolations(page), [], 'axe with the compare table');
  await page.getByRole('button', { name: 'Restart Delivery' }).click();
  await runUntil(page, async () => (await outcomes())[0] === '1 / 0 / 0', { step: 200, what: 'the choreography confirms' });
  assert.deepEqual(await outcomes(), ['1 / 0 / 0', '0 / 1 / 0', '0 / 1 / 0', '0 / 1 / 0']);
  await finish(w, 'compare');
});
