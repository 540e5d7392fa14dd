// End-to-end tests of the release build, served from a sub-folder, in Debian's chromium. Each
// test starts paused at t=0 and drives virtual time itself (`advance`, `runUntil`), so what it
// sees never depends on how fast the machine is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOTS, ROOT } from '../lib.mjs';
import { open, blank, baseUrl, orderBadge, lagOf, placeOrder, finish, advance, runUntil, runUntilShown, frames } from './harness.mjs';

const consistent = (page) => runUntilShown(page, page.locator('.consistency.ok'), { what: 'consistency' });

test('an order goes PENDING, then CONFIRMED, in the seed-000 happy path', async () => {
  const w = await open();
  const { page } = w;
  await placeOrder(page);
  await orderBadge(page, 0).filter({ hasText: 'PENDING' }).waitFor();
  await advance(page, 490);
  assert.match(await orderBadge(page, 0).textContent(), /PENDING/, 'still PENDING at 490 ms');
  await advance(page, 1);
  await orderBadge(page, 0).filter({ hasText: 'CONFIRMED' }).waitFor();
  // Converging until every consumer has committed, then consistent (780 ms in the golden trace).
  assert.match(await page.locator('.consistency .big').textContent(), /Converging/);
  // While it converges, the line under the verdict names what is still moving, every moment.
  const activity = page.locator('.consistency .activity');
  for (let left = 289; left > 0; left -= 17) {
    assert.match(await page.locator('.consistency .big').textContent(), /Converging/);
    assert.doesNotMatch(await activity.textContent(), /nothing in flight/, `at ${await page.locator('.clock').textContent()}`);
    await advance(page, Math.min(17, left));
  }
  await page.locator('.consistency.ok').waitFor();
  assert.match(await activity.textContent(), /nothing in flight/);
  await finish(w, 'confirmed');
});

test('Product down: the order stays PENDING while its lag grows; a restart converges', async () => {
  const w = await open();
  const { page } = w;
  await page.getByRole('button', { name: 'Crash Product' }).click();
  await page.locator('g.service[data-service=Product].down').waitFor();
  await placeOrder(page, '0', '2');
  await placeOrder(page, '1', '1');
  await advance(page, 3000);
  assert.match(await orderBadge(page, 0).textContent(), /PENDING/);
  assert.match(await orderBadge(page, 1).textContent(), /PENDING/);
  const lag = await lagOf(page, 'Product');
  assert.ok(lag >= 3, `Product's lag grows while it is down (lag ${lag})`);
  assert.equal(await lagOf(page, 'Delivery'), 0, 'Delivery keeps up');
  // Converging, not violated: this is the temporary inconsistency eventual consistency allows.
  assert.equal(await page.locator('.consistency.converging').count(), 1);
  await page.screenshot({ path: path.join(SHOTS, 'product-down.png') });
  await page.getByRole('button', { name: 'Restart Product' }).click();
  await runUntilShown(page, orderBadge(page, 1).filter({ hasText: 'CONFIRMED' }));
  assert.match(await orderBadge(page, 0).textContent(), /CONFIRMED/);
  await consistent(page);
  assert.equal(await lagOf(page, 'Product'), 0);
  await finish(w, 'product-recovered');
});

test('out of stock: the order is cancelled and Delivery compensates', async () => {
  const w = await open();
  const { page } = w;
  await page.getByRole('tab', { name: /Stock/ }).click();
  await page.getByLabel('New stock Keyboard').fill('0');
  await page.getByRole('button', { name: 'Set stock' }).first().click();
  await page.getByRole('tab', { name: /Orders/ }).click();
  await placeOrder(page, '0', '1');
  await runUntilShown(page, orderBadge(page, 0).filter({ hasText: 'CANCELLED' }));
  assert.match(await page.locator('tr[data-order="0"]').textContent(), /out of stock/);
  await consistent(page);
  await page.getByRole('tab', { name: /Deliveries/ }).click();
  assert.match(await page.locator('table.data tbody').textContent(), /CANCELLED/);
  const log = page.locator('ol.log');
  assert.match(await log.textContent(), /DeliveryCancelled/);
  assert.match(await log.textContent(), /no restock: caused by my own ProductOutOfStock/);
  // Selecting the compensation shows its ids and highlights its causal chain.
  await log.getByRole('button', { name: /Delivery emits DeliveryCancelled/ }).first().click();
  const detail = page.locator('section.detail');
  assert.match(await detail.textContent(), /Causation id/);
  assert.ok((await page.locator('ol.log li.chain').count()) >= 4, 'the chain is highlighted in the log');
  assert.match(await page.locator('.causal-tree').textContent(), /OrderPlaced[\s\S]*ProductOutOfStock[\s\S]*OrderCancelled[\s\S]*DeliveryCancelled/);
  await finish(w, 'out-of-stock');
});

test('the causal chain is a tree: the selected line apart from its siblings, the all-done join drawn as one', async () => {
  const w = await open();
  const { page } = w;
  await placeOrder(page);
  await advance(page, 500);
  await placeOrder(page);
  // The customer cancels the first order: a request of its own about the same order.
  await page.getByRole('button', { name: 'Cancel order o0' }).click();
  await advance(page, 400);
  await page.locator('ol.log').getByRole('button', { name: /Product emits ProductChanged/ }).last().click();
  const tree = page.locator('.causal-tree');
  // The root OrderPlaced and the selected ProductChanged are the line; DeliveryStarted is a
  // sibling branch.
  assert.match(await tree.locator('li.line').first().textContent(), /^m0 OrderPlaced/);
  assert.match(await tree.locator('li.self').textContent(), /ProductChanged/);
  assert.match(await tree.locator('li.branch').first().textContent(), /DeliveryStarted/);
  assert.equal(await tree.locator('li.self li').count(), 0, 'nothing below the selected event yet');
  // Order's all-done step needed both answers: one join.
  assert.match(await page.locator('.detail .join').textContent(), /all-done step joins: m\d+ ProductChanged \+ m\d+ DeliveryStarted → CONFIRMED/);
  // The customer's cancel is the same order, another request.
  assert.match(await page.locator('.detail .same-order').textContent(), /OrderCancelled/);
  // The log tells the line apart from the rest of the tree.
  assert.ok((await page.locator('ol.log li.line').count()) >= 2);
  assert.ok((await page.locator('ol.log li.chain:not(.line)').count()) >= 1);
  await finish(w, 'causal-tree');
});

test('typed input survives the live refresh (a regression: refreshes used to reset it)', async () => {
  const w = await open();
  const { page } = w;
  await placeOrder(page); // keeps the tables refreshing while we type
  const form = page.locator('form.order-form');
  await form.getByLabel('Quantity', { exact: true }).fill('4');
  await page.getByRole('tab', { name: /Network & settings/ }).click();
  await page.locator('form.seed input').fill('77');
  await page.fill('input[name=drop]', '15');
  await advance(page, 400);
  assert.equal(await form.getByLabel('Quantity', { exact: true }).inputValue(), '4');
  assert.equal(await page.locator('form.seed input').inputValue(), '77');
  assert.equal(await page.inputValue('input[name=drop]'), '15');
  await form.getByRole('button', { name: 'Place order' }).click();
  await page.getByRole('tab', { name: /Orders/ }).click();
  await page.locator('tr[data-order="1"]').waitFor();
  assert.match(await page.locator('tr[data-order="1"] td.num').first().textContent(), /^4$/);
  await finish(w, 'typing');
});

test('orchestration: a Delivery outage ends in backward recovery and a registry that clears', async () => {
  const w = await open();
  const { page } = w;
  await page.locator('label.protocol select').selectOption('orchestration');
  await page.locator('g.coordinator').waitFor();
  await page.getByRole('button', { name: 'Crash Delivery' }).click();
  await placeOrder(page, '0', '2');
  // Scheduling times out and is retried (forward recovery), then compensated (backward).
  const log = page.locator('ol.log');
  await runUntil(page, async () => /forward recovery: retry ScheduleDelivery, attempt 2 \/ 3/.test(await log.textContent()), { what: 'a retry' });
  await runUntilShown(page, orderBadge(page, 0).filter({ hasText: 'CANCELLED' }));
  assert.match(await log.textContent(), /backward recovery: technical failure at ScheduleDelivery/);
  assert.match(await page.locator('tr[data-order="0"]').textContent(), /a step kept failing/);
  await page.getByRole('tab', { name: /Sagas/ }).click();
  await runUntilShown(page, page.locator('ul.registry').filter({ hasText: 'CancelDelivery' }));
  assert.match(await page.locator('.consistency').textContent(), /Compensation registry empty\s*pending/);
  await page.screenshot({ path: path.join(SHOTS, 'orchestration-registry.png') });
  await page.getByRole('button', { name: 'Restart Delivery' }).click();
  await runUntil(page, async () => (await page.locator('ul.registry').count()) === 0, { what: 'the registry clears' });
  await consistent(page);
  await finish(w, 'orchestration-recovered');
});

test('orchestration: a coordinator crash mid-saga; after restart the saga resumes from its table', async () => {
  const w = await open();
  const { page } = w;
  await page.locator('label.protocol select').selectOption('orchestration');
  await page.getByRole('button', { name: 'Slow Product' }).click();
  await placeOrder(page, '0', '1');
  await runUntil(page, async () => /ReserveStock/.test(await page.locator('ol.log').textContent()), { what: 'ReserveStock' });
  await page.getByRole('button', { name: 'Crash Coordinator' }).click();
  await page.locator('g.coordinator.down').waitFor();
  await advance(page, 5000);
  assert.match(await orderBadge(page, 0).textContent(), /PENDING/, 'nothing moves while the coordinator is down');
  await page.getByRole('button', { name: 'Restart Coordinator' }).click();
  await page.getByRole('button', { name: 'Slow Product' }).click();
  await runUntilShown(page, orderBadge(page, 0).filter({ hasText: 'CONFIRMED' }));
  await consistent(page);
  await page.getByRole('tab', { name: /Stock/ }).click();
  assert.match(await page.locator('table.data tbody tr').first().textContent(), /Keyboard\s*9/, 'stock taken once, not twice');
  await finish(w, 'orchestration-coordinator-crash');
});

test('orchestration: with the irreversible step first, the checker says an apology is owed', async () => {
  const w = await open();
  const { page } = w;
  await page.locator('label.protocol select').selectOption('orchestration');
  await page.getByRole('tab', { name: /Network & settings/ }).click();
  await page.getByLabel(/Notify the customer first/).check();
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await page.getByRole('tab', { name: /^Orders/ }).click();
  await placeOrder(page, '1', '5');
  await runUntilShown(page, orderBadge(page, 0).filter({ hasText: 'CANCELLED' }));
  await runUntilShown(page, page.locator('[data-invariant=NoNotificationForCancelledOrder].violated'));
  // A broken invariant is loud: the verdict says so and names it.
  await page.locator('.consistency.bad .open-marks [data-invariant=NoNotificationForCancelledOrder]').waitFor();
  await finish(w, 'orchestration-notify-first');
});

test('a hidden tab pauses the run and a visible one resumes it', async () => {
  const w = await open('lang=en', { play: true });
  const { page } = w;
  const setHidden = (hidden) =>
    page.evaluate((h) => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  await page.getByRole('button', { name: /^Pause/ }).waitFor();
  await setHidden(true);
  await page.getByRole('button', { name: /^Play/ }).waitFor();
  const frozen = await page.locator('.clock').getAttribute('data-now-ms');
  await frames(page, 10);
  assert.equal(await page.locator('.clock').getAttribute('data-now-ms'), frozen, 'virtual time stands still while hidden');
  await setHidden(false);
  await page.getByRole('button', { name: /^Pause/ }).waitFor();
  await finish(w, 'hidden-tab');
});

test('a cut link is drawn cut, and a selected chain lights up on the stage', async () => {
  const w = await open();
  const { page } = w;
  await page.getByRole('button', { name: 'Cut link Product' }).click();
  await page.locator('g.link.cut[data-service=Product]').waitFor();
  assert.match(await page.locator('g.service[data-service=Product]').textContent(), /✂ cut/);
  await placeOrder(page);
  await advance(page, 1000);
  assert.ok((await lagOf(page, 'Product')) >= 1, 'Product cannot read while cut off');
  await page.locator('ol.log').getByRole('button', { name: /Order emits OrderPlaced/ }).click();
  assert.ok((await page.locator('g.log-row.chain').count()) >= 1, 'the chain is highlighted on the bus');
  await page.screenshot({ path: path.join(SHOTS, 'cut-and-chain.png') });
  // The selected event opened in the detail panel; the orders are a tab away.
  assert.equal(await page.getByRole('tab', { name: 'Selected event' }).getAttribute('aria-selected'), 'true');
  await page.getByRole('button', { name: 'Heal link Product' }).click();
  await page.getByRole('tab', { name: /^Orders/ }).click();
  await runUntilShown(page, orderBadge(page, 0).filter({ hasText: 'CONFIRMED' }));
  await finish(w, 'healed');
});

test('Korean: the language follows ?lang=ko and every panel is translated', async () => {
  const w = await open('lang=ko');
  const { page } = w;
  assert.equal(await page.getAttribute('html', 'lang'), 'ko');
  await page.getByRole('button', { name: '주문하기' }).click();
  await runUntilShown(page, page.locator('tr[data-order="0"] .badge').filter({ hasText: 'CONFIRMED' }));
  const body = await page.locator('body').textContent();
  for (const word of ['최종 일관성', '이벤트 로그', '장애 주입', '주문']) assert.ok(body.includes(word), word);
  await finish(w, 'korean');
});

test('a malformed link opens the app with a clear message', async () => {
  const w = await open('seed=banana&lang=xx');
  const text = await w.page.locator('.notice.problem').textContent();
  assert.match(text, /seed="banana"/);
  assert.match(text, /lang="xx"/);
  await w.page.locator('g.service').first().waitFor();
  await finish(w, 'bad-link');
});

test('before the wasm arrives the page says what it is, in both languages, and says so when the wasm cannot be had', async () => {
  // The wasm's request is held until the test lets it go: what a visitor on a slow phone sees
  // for a second or two.
  const w = await blank({ viewport: { width: 412, height: 823 } });
  const { page } = w;
  let release;
  const held = new Promise((r) => (release = r));
  await page.route(/_bg\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${baseUrl()}?lang=ko`);
  const shell = page.locator('#app .shell');
  await shell.waitFor();
  assert.equal(await shell.locator('h1').textContent(), 'Saga Lab');
  const text = await shell.textContent();
  assert.match(text, /Order, Product and Delivery services keep their data consistent/);
  assert.match(text, /주문 서비스, 상품 서비스, 배송 서비스가/);
  assert.match(await shell.locator('[role=status]').textContent(), /Loading the simulation… · 시뮬레이션을 불러오는 중…/);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 412, `no sideways scroll before the app either (${width} px)`);
  await page.screenshot({ path: path.join(SHOTS, 'before-wasm-phone.png') });
  release();
  await page.waitForSelector('body[data-ready=true]');
  assert.equal(await page.locator('.shell').count(), 0, 'the app replaced it');
  assert.equal(await page.locator('.toolbar h1').textContent(), '사가 랩');
  assert.deepEqual(w.problems, []);
  await w.context.close();

  const failed = await blank();
  await failed.page.route(/_bg\.wasm$/, (route) => route.abort());
  await failed.page.goto(`${baseUrl()}?lang=en`);
  const wait = failed.page.locator('.shell [role=status]');
  await wait.filter({ hasText: 'could not load' }).waitFor();
  assert.match(await wait.textContent(), /reload the page to try again .*페이지를 새로 고쳐 보세요/);
  // The refused request and the rejection it causes are the expected problems.
  assert.ok(failed.problems.length >= 1 && failed.problems.every((p) => /Failed to load resource|TypeError|fetch|net::/i.test(p)), failed.problems.join('; '));
  await failed.context.close();

  // Without scripts nothing loads: the page says what it needs, and not that it is loading.
  const noScript = await blank({ javaScriptEnabled: false });
  await noScript.page.goto(`${baseUrl()}?lang=en`);
  const shellText = noScript.page.locator('.shell-text');
  assert.match(await shellText.innerText(), /Saga Lab needs JavaScript and WebAssembly\. · 사가 랩을 쓰려면/);
  assert.equal(await noScript.page.locator('.shell-wait').isVisible(), false);
  await noScript.context.close();
});

test('a panic shows a readable message over the page instead of leaving it dead', async () => {
  const w = await open('lang=en&panic-test');
  const { page } = w;
  const alert = page.locator('#panic[role=alert]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Saga Lab stopped because of a bug\. Reload the page to start again\./);
  assert.match(await alert.textContent(), /사가 랩이 오류로 멈췄습니다/);
  assert.match(await alert.textContent(), /a deliberate panic, asked for by \?panic-test/);
  assert.equal(await page.locator('body').getAttribute('data-panicked'), 'true');
  assert.ok(await page.locator('g.service').first().isVisible(), 'the last picture stays on screen');
  await page.screenshot({ path: path.join(SHOTS, 'panic.png') });
  // The panic itself is the expected console error; the trap after it the expected page error.
  assert.ok(w.problems.length >= 1 && w.problems.every((p) => /panic|unreachable|bug/i.test(p)), w.problems.join('; '));
  await w.context.close();
});

test('reduced motion: tokens do not glide, they sit at fixed points', async () => {
  const w = await open('lang=en', { reducedMotion: 'reduce' });
  const { page } = w;
  await placeOrder(page);
  await advance(page, 20);
  const token = page.locator('g.tokens g.token').first();
  await token.waitFor();
  const a = await token.getAttribute('transform');
  await advance(page, 30);
  assert.equal(await token.getAttribute('transform'), a);
  await finish(w, 'reduced-motion');
});

test('README screenshot: a run with a crash in progress', async () => {
  const w = await open();
  const { page } = w;
  await placeOrder(page, '0', '2');
  await advance(page, 1200);
  await page.getByRole('button', { name: 'Crash Delivery' }).click();
  await placeOrder(page, '1', '1');
  await placeOrder(page, '1', '5');
  await advance(page, 300);
  await page.screenshot({ path: path.join(ROOT, 'static/screenshot.png') });
  await finish(w, 'readme');
});

test('CP: an order Product cannot check is refused, and the Orders table lists it with its reason', async () => {
  const w = await open();
  const { page } = w;
  await page.getByRole('tab', { name: /Network & settings/ }).click();
  await page.getByLabel('CP: reject the order').check();
  await page.getByRole('button', { name: 'Crash Product' }).click();
  await page.locator('g.service[data-service=Product].down').waitFor();
  await placeOrder(page, '0', '2');
  await page.getByRole('tab', { name: /Orders/ }).click();
  const refused = page.locator('tr.refused');
  await runUntilShown(page, refused);
  assert.match(await refused.textContent(), /Keyboard\s*2\s*⊘ REFUSED\s*Product service unreachable; CP mode refuses orders it cannot check/);
  assert.equal(await page.locator('tr[data-order]').count(), 0, 'a refused placement never became an order');
  // Product back: the next order goes through, and the refusal stays listed below it.
  await page.getByRole('button', { name: 'Restart Product' }).click();
  await advance(page, 100);
  await placeOrder(page, '1', '1');
  await runUntilShown(page, orderBadge(page, 0).filter({ hasText: 'CONFIRMED' }));
  const rows = await page.locator('#panel-orders tbody tr').evaluateAll((trs) => trs.map((tr) => tr.className || tr.dataset.order));
  assert.deepEqual(rows, ['0', 'refused'], 'newest first: the order, then the refusal');
  // AP takes the same placement as PENDING instead.
  await page.getByRole('tab', { name: /Network & settings/ }).click();
  await page.getByLabel('AP: accept as PENDING').check();
  await page.getByRole('button', { name: 'Crash Product' }).click();
  await placeOrder(page, '0', '1');
  await page.getByRole('tab', { name: /Orders/ }).click();
  await runUntilShown(page, orderBadge(page, 1).filter({ hasText: 'PENDING' }));
  assert.equal(await page.locator('tr.refused').count(), 1);
  await finish(w, 'cp-refused');
});
