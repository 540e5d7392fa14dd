// Seed 001, "2단계 커밋은 참여하는 노드가 많을수록 더 높은 지연시간이 발생하게 된다": under TCC and
// 2PC a control adds Payment and Points to the transaction. They appear on the stage as compact
// boxes with what they hold, each has a table of its own, the transaction log has a column for
// each, they crash and restart like any node (keys 5 and 6), and the compare view shows how many
// took part and how long they held their resources. In Korean, at a projector's size and a phone's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOTS, axeViolations } from '../lib.mjs';
import { open, finish, placeOrderInForm, runUntil, runUntilShown, advance, overlaps, crowd } from './harness.mjs';

const protocol = (page, value) => page.locator('label.protocol select').selectOption(value);
const node = (page, service) => page.locator(`svg.stage g.node[data-service="${service}"]`);
const consistent = (page) => runUntilShown(page, page.locator('.consistency.ok'), { step: 100, what: 'consistency' });

/** Opens the transactions tab and sets how many participants take part (the run starts again). */
async function participants(page, n) {
  await page.locator('#tab-sagas').click();
  await page.locator('select[name=participants]').selectOption(String(n));
  await advance(page, 0);
}

test('참여자 추가 (시드 001): 2PC에 결제와 포인트가 참여하고, 각자의 테이블에서 확정된다', async () => {
  const w = await open('lang=ko', { viewport: { width: 1280, height: 720 } });
  const { page } = w;
  await protocol(page, '2pc');
  assert.equal(await node(page, 'Payment').count(), 0, 'three participants by default');
  await participants(page, 5);
  assert.equal(await node(page, 'Payment').count(), 1, 'Payment on the stage');
  assert.equal(await node(page, 'Points').count(), 1, 'Points on the stage');
  assert.match(await node(page, 'Payment').textContent(), /결제/);
  assert.match(await node(page, 'Points').textContent(), /포인트/);

  await placeOrderInForm(page, '0', '1');
  // While the votes are out, Payment holds the order's amount, locked (2PC).
  await runUntil(page, async () => /잠금 o0/.test(await node(page, 'Payment').textContent()), {
    step: 20,
    what: 'Payment shows its prepared lock',
  });
  await page.screenshot({ path: path.join(SHOTS, 'participants-2pc-voting-ko.png') });
  await consistent(page);
  // The transaction log has a column per participant, and each added one its own table.
  const heads = await page.locator('table.data thead th').allTextContents();
  for (const name of ['상품', '배송', '주문', '결제', '포인트']) {
    assert.ok(heads.some((h) => h.trim() === name), `a column for ${name}: ${heads}`);
  }
  for (const service of ['Payment', 'Points']) {
    const row = page.locator(`.account-table[data-service="${service}"] tbody tr`).first();
    assert.match(await row.textContent(), /o0.*CHARGED 차감/, `${service} charged o0`);
  }
  assert.match(await page.locator('[data-testid=tx-figures]').textContent(), /참여자 전체의 자원 점유 시간 \(TCC, 2PC\) [1-9]/);
  assert.deepEqual(await axeViolations(page), [], 'axe, with five participants');
  await finish(w, 'participants-2pc-ko');
});

test('참여자도 다운된다: 결제 서비스가 다운되면 투표가 없어 중단되고, 재시작 후 해제된다 (키 5)', async () => {
  const w = await open('lang=ko');
  const { page } = w;
  await protocol(page, '2pc');
  await participants(page, 4);
  assert.equal(await node(page, 'Points').count(), 0, 'four participants: no Points');
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('5'); // 결제 서비스 다운
  assert.match(await node(page, 'Payment').getAttribute('class'), /down/);
  await placeOrderInForm(page, '0', '1');
  // No vote from Payment: the coordinator decides abort; Payment hears it once it is back.
  await runUntil(page, async () => /o0\s*CANCELLED/.test(await page.locator('g.client').textContent()), {
    step: 100,
    what: 'the client hears o0 CANCELLED',
  });
  await page.keyboard.press('5'); // 재시작
  await consistent(page);
  const row = page.locator('.account-table[data-service="Payment"] tbody tr').first();
  assert.match(await row.textContent(), /o0.*RELEASED 해제/);
  await finish(w, 'participants-payment-down-ko');
});

test('비교: TCC와 2PC는 참여자 수와 자원 점유 시간을 보여 준다', async () => {
  const w = await open('lang=ko');
  const { page } = w;
  await protocol(page, 'tcc-operator');
  await participants(page, 5);
  await page.locator('#tab-compare').click();
  await page.locator('.compare button').first().click();
  await placeOrderInForm(page, '0', '1');
  const row = (name) => page.locator('tr', { has: page.locator('th', { hasText: name }) });
  await runUntil(page, async () => /[1-9]/.test((await row('참여자 전체의 자원 점유 시간').locator('td').allTextContents())[3] ?? ''), {
    step: 100,
    what: 'held time under 2PC',
  });
  const count = await row('트랜잭션당 참여자 수').locator('td').allTextContents();
  assert.equal(count[2].trim(), '5', `TCC: ${count}`);
  assert.equal(count[3].trim(), '5', `2PC: ${count}`);
  assert.doesNotMatch(count[0], /\d/, `a saga has no participants to count: ${count}`);
  await finish(w, 'participants-compare-ko');
});

for (const [width, height] of [
  [1280, 720],
  [412, 823],
]) {
  test(`다섯 참여자의 무대: 라벨이 겹치지 않는다 (${width}x${height}, 메시지 많음)`, async () => {
    const w = await open('lang=ko', { viewport: { width, height } });
    const { page } = w;
    await protocol(page, 'tcc-operator');
    await participants(page, 5);
    await crowd(page, 'ko');
    const busy = await overlaps(page);
    assert.deepEqual(busy.bad, [], 'no two labels overlap');
    await finish(w, `participants-crowded-${width}-ko`);
  });
}
