// Seed 002 §44, in Korean: the orchestrated saga and TCC answer the client only when all
// processing is done (synchronous), so the client waits with a spinner and gives up after a
// timeout; the choreography answers at once with PENDING and the client polls. The default
// follows the seed; a setting forces either way. The compare view says how long the user waited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOTS, axeViolations } from '../lib.mjs';
import { open, placeOrderInForm, finish, runUntil, runUntilShown, runUntilLogSays } from './harness.mjs';

const protocol = (page, value) => page.locator('label.protocol select').selectOption(value);
const client = (page) => page.locator('g.client');
const spinner = (page) => page.locator('g.client circle.spinner');


test('동기식 응답 (시드 002 §44): 오케스트레이션의 클라이언트는 처리가 모두 끝날 때까지 기다린다', async () => {
  const w = await open('lang=ko');
  const { page } = w;
  await protocol(page, 'orchestration');
  await placeOrderInForm(page, '0', '2');
  // Order took the request, and the client waits for the outcome: a spinner, no PENDING.
  assert.equal(await spinner(page).count(), 1, 'a spinner on the client node');
  assert.match(await client(page).textContent(), /o0.*대기 중/);
  assert.match(await page.locator('ol.log').textContent(), /클라이언트가 o0의 처리 결과를 기다림 \(동기식 응답, t=5\.0 s에 포기\)/);
  assert.doesNotMatch(await page.locator('ol.log').textContent(), /접수 \(PENDING 처리 중\)/);
  await runUntilLogSays(page, /주문 서비스: .*처리 중|코디네이터|사가 시작/, { step: 50 });
  assert.equal(await spinner(page).count(), 1, 'still waiting while the saga runs');
  await page.screenshot({ path: path.join(SHOTS, 'sync-reply-waiting-ko.png') });
  assert.deepEqual(await axeViolations(page), [], 'axe in Korean, with the client waiting');
  await runUntilLogSays(page, /주문 서비스가 기다리던 클라이언트에 응답: o0 CONFIRMED 확정/, { step: 50 });
  assert.equal(await spinner(page).count(), 0, 'the spinner is gone');
  assert.match(await client(page).textContent(), /o0\s*CONFIRMED/);

  // How long the user waited, side by side: the whole saga here, nothing under choreography.
  await page.locator('#tab-compare').click();
  await page.locator('.compare button').first().click();
  const row = page.locator('tr', { has: page.locator('th', { hasText: '사용자가 응답을 기다린 시간' }) });
  await runUntilShown(page, row, { step: 50 });
  const cells = await row.locator('td').allTextContents();
  assert.match(cells[0], /^0 ms \/ 0 ms \(0\)$/, `choreography answers at once: ${cells}`);
  assert.match(cells[1], /^[1-9][\d.,]* (ms|s) \/ /, `orchestration makes the user wait: ${cells}`);
  await finish(w, 'sync-reply-settled-ko');
});

test('동기식 응답의 시간 초과: 클라이언트는 포기하지만 주문은 계속 처리된다', async () => {
  const w = await open('lang=ko');
  const { page } = w;
  await protocol(page, '2pc');
  // 다음 결정 순간 코디네이터 다운: every participant stays in doubt until it restarts.
  await page.locator('.traps button').nth(0).click();
  await placeOrderInForm(page, '0', '1');
  assert.equal(await spinner(page).count(), 1);
  await runUntilLogSays(page, /클라이언트가 o0의 응답을 기다리다 포기 \(시간 초과\): 주문은 계속 처리됨/, { step: 200 });
  assert.equal(await spinner(page).count(), 0);
  assert.match(await client(page).textContent(), /◷ o0\s*시간 초과/);
  await page.screenshot({ path: path.join(SHOTS, 'sync-reply-timeout-ko.png') });
  assert.match(await page.locator('tr[data-order="0"] .badge').first().textContent(), /PENDING/, 'the order goes on without the client');
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('4'); // 코디네이터 재시작: it re-sends its logged decision.
  await runUntilShown(page, page.locator('.consistency.ok'), { step: 200, what: 'consistency' });
  await finish(w, 'sync-reply-timeout-ko');
});

test('응답 시점 설정: 코레오그래피는 즉시 PENDING, 설정을 바꾸면 오케스트레이션도 즉시 응답', async () => {
  const w = await open('lang=ko');
  const { page } = w;
  await placeOrderInForm(page, '0', '1');
  assert.equal(await spinner(page).count(), 0, 'choreography answers at once');
  assert.match(await client(page).textContent(), /o0\s*PENDING/);
  assert.match(await page.locator('ol.log').textContent(), /주문 서비스 응답: o0 접수 \(PENDING 처리 중\)/);

  await protocol(page, 'orchestration');
  await page.locator('#tab-settings').click();
  await page.locator('select[name=reply_timing]').selectOption('at_once');
  await page.locator('button.reset').click();
  await placeOrderInForm(page, '0', '1');
  assert.equal(await spinner(page).count(), 0, 'the setting answers at once under orchestration too');
  assert.match(await client(page).textContent(), /o0\s*PENDING/);
  await runUntil(page, async () => /CONFIRMED/.test(await client(page).textContent()), { step: 50, what: 'the client sees CONFIRMED by polling' });
  await finish(w, 'reply-timing-switch-ko');
});
