// Every kind of token the stage draws has a swatch in the legend, under every protocol: the test
// watches the stage through a run with duplicates, a crash, compensations and a crowded link,
// and checks each kind it saw against the legend it opened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, finish, advance, crowd, placeOrder } from './harness.mjs';

// The classes that tell a token's kind (the others mark a selection: chain, line, dim).
const KINDS = ['ev', 'comp', 'cmd', 'answer', 'ack', 'commit', 'ghost', 'handling', 'crowd'];

// What each protocol must show at least once in this run, so the check is never vacuous.
const CASES = [
  { protocol: 'choreography', must: ['ev', 'comp', 'ack', 'commit', 'ghost', 'handling', 'crowd'] },
  { protocol: 'orchestration', must: ['ev', 'cmd', 'answer', 'crowd'] },
  { protocol: 'tcc-operator', must: ['cmd', 'answer', 'crowd'] },
  { protocol: '2pc', must: ['cmd', 'answer', 'crowd'] },
];

/** The kinds of the tokens on the stage now. */
const kindsOnStage = (page) =>
  page.evaluate((kinds) => {
    const seen = new Set();
    for (const g of document.querySelectorAll('svg.stage-tokens g.tokens > g.token')) {
      for (const c of g.classList) if (kinds.includes(c)) seen.add(c);
    }
    return [...seen];
  }, KINDS);

for (const { protocol, must } of CASES) {
  test(`every token kind on the stage is in the legend: ${protocol}`, async () => {
    const w = await open();
    const { page } = w;
    await page.locator('label.protocol select').selectOption(protocol);
    await advance(page, 0);
    // Every message duplicated (ghosts: a consumer meets a copy again), and Delivery out of
    // stock-free reach: a crash makes the saga compensate.
    await page.getByRole('tab', { name: /Network & settings/ }).click();
    await page.fill('input[name=duplicate]', '100');
    await page.locator('.weather button[type=submit]').click();
    const seen = new Set();
    const look = async (steps) => {
      for (let i = 0; i < steps; i++) {
        for (const k of await kindsOnStage(page)) seen.add(k);
        await advance(page, 10);
      }
    };
    await placeOrder(page, '0', '1');
    await look(150);
    await page.getByRole('button', { name: 'Crash Delivery' }).click();
    await placeOrder(page, '0', '1');
    await placeOrder(page, '0', '999');
    await look(400);
    await page.getByRole('button', { name: 'Restart Delivery' }).click();
    await crowd(page, 'en');
    for (const k of await kindsOnStage(page)) seen.add(k);

    await page.locator('details.legend-pop summary').click();
    const legend = await page.evaluate((kinds) => {
      const out = new Set();
      for (const s of document.querySelectorAll('details.legend-pop .swatch')) {
        for (const c of s.classList) if (kinds.includes(c)) out.add(c);
      }
      return [...out];
    }, KINDS);
    for (const k of must) assert.ok(seen.has(k), `the run drew a "${k}" token (saw ${[...seen].join(', ')})`);
    for (const k of seen) assert.ok(legend.includes(k), `"${k}" tokens have a swatch in the legend (${legend.join(', ')})`);
    await finish(w, `legend-${protocol}`);
  });
}
