// Seed 000, "사용자가 주문을 취소 할 때", in Korean: Order answers "취소 접수" (step 2) and
// publishes OrderCancelled; the order is CANCELLING, a PENDING state of its own, and turns
// CANCELLED only when DeliveryCancelled and Product's ProductChanged are back (step 5). With the
// switch on, the same cancel is CANCELLED at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOTS, axeViolations } from '../lib.mjs';
import { open, placeOrderInForm, orderBadge, finish, runUntilShown, runUntilLogSays } from './harness.mjs';

const consistent = (page) => runUntilShown(page, page.locator('.consistency.ok'), { step: 100, what: 'consistency' });


test('주문 취소 (시드 000): 취소 접수 뒤 보상 트랜잭션이 확인되어야 취소 완료', async () => {
  const w = await open('lang=ko');
  const { page } = w;
  await placeOrderInForm(page, '0', '2');
  await runUntilShown(page, page.locator('tr[data-order="0"] .badge.confirmed'), { step: 50 });
  await consistent(page);

  // The cancel is accepted at once: the reply says so, and the order waits, CANCELLING.
  await page.locator('tr[data-order="0"] button').click();
  assert.match(await orderBadge(page, 0).textContent(), /CANCELLING 취소 접수/);
  assert.match(await page.locator('tr[data-order="0"]').textContent(), /고객 요청으로 취소/);
  assert.equal(await page.locator('tr[data-order="0"] button').count(), 0, 'no second cancel while one is under way');
  assert.match(await page.locator('ol.log').textContent(), /주문 서비스 응답: o0 취소 접수/);
  assert.match(await page.locator('g.client').textContent(), /CANCELLING/, 'the client node shows what the customer sees');
  assert.equal(await page.locator('.consistency.ok').count(), 0, 'the cancel window is PENDING, not consistent');
  await page.screenshot({ path: path.join(SHOTS, 'cancel-accepted-ko.png') });
  assert.deepEqual(await axeViolations(page), [], 'axe in Korean, mid-cancel');

  // Product gives the stock back first or Delivery cancels first; the order waits for both.
  await runUntilLogSays(page, /기록함, 다른 응답 대기/, { step: 20 });
  assert.match(await orderBadge(page, 0).textContent(), /CANCELLING/, 'one compensation confirmed is not enough');
  await runUntilShown(page, page.locator('tr[data-order="0"] .badge.cancelled'), { step: 20 });
  assert.match(await page.locator('ol.log').textContent(), /보상 트랜잭션 확인: 주문 CANCELLED \(취소 완료\)/);
  await consistent(page);
  await finish(w, 'cancel-completed-ko');
});

test('즉시 취소 스위치: 같은 취소가 보상 트랜잭션 확인 전에 CANCELLED', async () => {
  const w = await open('lang=ko');
  const { page } = w;
  await page.locator('#tab-settings').click();
  await page.locator('input[name=cancel_at_once]').check();
  await page.locator('button.reset').click();
  await page.locator('#tab-orders').click();
  await placeOrderInForm(page, '0', '2');
  await runUntilShown(page, page.locator('tr[data-order="0"] .badge.confirmed'), { step: 50 });
  await page.locator('tr[data-order="0"] button').click();
  assert.match(await orderBadge(page, 0).textContent(), /CANCELLED 취소/);
  assert.match(await page.locator('ol.log').textContent(), /주문 서비스 응답: o0 취소됨/);
  await consistent(page);
  await finish(w, 'cancel-at-once-ko');
});
