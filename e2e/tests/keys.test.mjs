// Keys that never misfire, and keys for a demo: Space always plays or pauses and the arrows
// always step, even after a button had the focus or the help was opened and closed; Escape
// closes what is open and gives the focus back to the page; every demo key does its one thing
// and is listed in the help, which is one key away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations } from '../lib.mjs';
import { open, finish, advance, orderBadge } from './harness.mjs';

const playing = async (page) => (await page.locator('.transport button.primary').getAttribute('aria-pressed')) === 'true';
const now = async (page) => Number(await page.locator('.clock').getAttribute('data-now-ms'));
const orders = async (page) => page.locator('tr[data-order]').count();
const node = (page, service) => page.locator(`g.service[data-service=${service}]`);

/** Presses `key` and waits for the page to have drawn what it did. */
async function press(page, key) {
  await page.keyboard.press(key);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

test('Space plays and pauses, and a focused button never takes it', async () => {
  const w = await open();
  const { page } = w;
  // Focus on "Place order": Space must not place another order.
  await page.locator('form.order-form button[type=submit]').focus();
  await press(page, 'Space');
  assert.equal(await playing(page), true, 'Space played');
  assert.equal(await orders(page), 0, 'the focused button was not pressed');
  await press(page, 'Space');
  assert.equal(await playing(page), false, 'Space paused');
  // The same on every kind of button: a crash button, a tab, the help button.
  for (const target of [page.getByRole('button', { name: 'Crash Product' }), page.getByRole('tab', { name: /^Stock/ }), page.locator('.help-button')]) {
    await target.focus();
    await press(page, 'Space');
    assert.equal(await playing(page), true);
    await press(page, 'Space');
    assert.equal(await playing(page), false);
  }
  assert.equal(await node(page, 'Product').getAttribute('class'), 'node service', 'Product was not crashed');
  assert.equal(await page.getByRole('dialog').count(), 0, 'help was not opened');
  await finish(w, 'keys-space');
});

test('the right arrow steps wherever the focus is, but not in a text field or a select', async () => {
  const w = await open();
  const { page } = w;
  await page.keyboard.press('o');
  await page.locator('tr[data-order="0"]').waitFor();
  for (const target of [page.locator('form.order-form button[type=submit]'), page.getByRole('tab', { name: /^Orders/ }), page.getByRole('button', { name: 'Heal everything', exact: true })]) {
    await target.focus();
    const before = await now(page);
    await press(page, 'ArrowRight');
    await page.waitForFunction((t) => Number(document.querySelector('.clock').dataset.nowMs) > t, before);
  }
  // In a text field the arrow moves the caret; in a select it chooses.
  const qty = page.locator('form.order-form').getByLabel('Quantity', { exact: true });
  await qty.focus();
  const before = await now(page);
  await press(page, 'ArrowRight');
  await press(page, 'Space');
  assert.equal(await now(page), before, 'no step from a text field');
  assert.equal(await playing(page), false, 'no play from a text field');
  await page.locator('form.order-form select').focus();
  await press(page, 'ArrowRight');
  assert.equal(await now(page), before, 'no step from a select');
  await finish(w, 'keys-arrows');
});

test('? opens the help in one key; Escape closes it and gives the focus back to the page', async () => {
  const w = await open();
  const { page } = w;
  await page.locator('.help-button').focus();
  await press(page, '?');
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const text = await dialog.textContent();
  for (const k of ['Space', '→', '+ / −', 'O', '1 … 6', 'Shift + 1 … 6', 'H', 'R', 'P', 'F', 'L', '?', 'Esc']) {
    assert.ok(text.includes(k), `the help lists ${k}`);
  }
  assert.deepEqual(await axeViolations(page), [], 'axe with the help open');
  // The dialog is modal: Space does not start the run behind it.
  await press(page, 'Space');
  assert.equal(await playing(page), false);
  await press(page, 'Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement === document.body), true, 'the focus is back on the page');
  // After help was opened and closed, Space plays (it does not reopen the help).
  await press(page, 'Space');
  assert.equal(await playing(page), true);
  assert.equal(await page.getByRole('dialog').count(), 0);
  await finish(w, 'keys-help');
});

test('demo keys: order, crash and restart, cut and heal, heal all, speed, protocol, reset', async () => {
  const w = await open();
  const { page } = w;
  // Each key after a button had the focus, as in a lecture.
  const fromButton = async (key) => {
    await page.locator('.fault-panel .panel-head button').focus();
    await press(page, key);
  };
  await fromButton('o');
  await page.locator('tr[data-order="0"]').waitFor();
  await fromButton('1');
  await page.locator('g.service.down[data-service=Order]').waitFor();
  await fromButton('1');
  await page.locator('g.service[data-service=Order]:not(.down)').waitFor();
  await fromButton('2');
  await page.locator('g.service.down[data-service=Product]').waitFor();
  await fromButton('3');
  await page.locator('g.service.down[data-service=Delivery]').waitFor();
  await fromButton('Shift+Digit2');
  await page.locator('g.link.cut[data-service=Product]').waitFor();
  await fromButton('h');
  await page.waitForFunction(() => !document.querySelector('g.service.down, g.link.cut'));
  // 4 is the coordinator: under the choreography there is none, and the page says so.
  await fromButton('4');
  await page.locator('.notice.problem').waitFor();
  await page.locator('.notice button').click();
  const speed = () => page.locator('.toolbar output').textContent();
  assert.equal(await speed(), '×0.10', 'a teaching pace by default');
  await fromButton('+');
  assert.notEqual(await speed(), '×0.10');
  await fromButton('-');
  assert.equal(await speed(), '×0.10');
  await fromButton('p');
  await page.locator('g.coordinator').waitFor();
  assert.equal(await page.locator('label.protocol select').inputValue(), 'orchestration');
  await fromButton('4');
  await page.locator('g.coordinator.down').waitFor();
  await fromButton('Shift+Digit4');
  await page.locator('g.coordinator.partitioned').waitFor();
  await fromButton('o');
  await advance(page, 100);
  await fromButton('r');
  await page.waitForFunction(() => document.querySelector('.clock').dataset.nowMs === '0');
  assert.equal(await orders(page), 0, 'the reset run has no orders');
  assert.equal(await page.locator('g.coordinator.down').count(), 0);
  await fromButton('l');
  // The Korean texts are fetched the first time Korean is chosen: the page switches when they arrive.
  await page.waitForFunction(() => document.documentElement.lang === 'ko');
  await fromButton('l');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  // A key typed into a field is text, not a command.
  const qty = page.locator('form.order-form').getByLabel('Quantity', { exact: true });
  await qty.fill('');
  await qty.press('l');
  await qty.press('o');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await orders(page), 0);
  await qty.fill('1');
  await fromButton('o');
  await orderBadge(page, 0).waitFor();
  await finish(w, 'keys-demo');
});
