// No two labels on the stage overlap: with about 200 messages in flight and after a fast-forward
// of 10,000 orders, under every protocol, in both languages, at 1280x720. Every text on the
// stage and every token pill is a box; no two boxes may share more than a sliver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOTS } from '../lib.mjs';
import { open, finish, advance, frames } from './harness.mjs';

const PROTOCOLS = ['choreography', 'orchestration', 'tcc-operator', '2pc'];

/** Pairs of stage labels whose boxes overlap by more than a pixel each way. */
const overlaps = (page) =>
  page.evaluate(() => {
    const svg = document.querySelector('svg.stage');
    const layer = document.querySelector('svg.stage-tokens g.tokens');
    const boxes = [];
    // Fixed labels: every text of the stage (the tokens have an SVG of their own over it).
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim()) continue;
      boxes.push({ what: `text "${t.textContent.trim()}"`, r: t.getBoundingClientRect() });
    }
    // Tokens: each pill's outline (its text lies inside it).
    for (const g of layer.querySelectorAll(':scope > g.token')) {
      const rect = g.querySelector('rect');
      if (!rect) continue;
      boxes.push({ what: `token "${g.textContent.trim()}"`, r: rect.getBoundingClientRect() });
    }
    const bad = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r;
        const b = boxes[j].r;
        const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (dx > 1 && dy > 1) bad.push(`${boxes[i].what} × ${boxes[j].what} (${dx.toFixed(1)} x ${dy.toFixed(1)} px)`);
      }
    }
    return { count: boxes.length, tokens: layer.querySelectorAll(':scope > g.token').length, bad };
  });

/** Many messages on the wire: every batch delayed 15-60 s and sent on a detour. */
async function crowd(page, lang) {
  await page.getByRole('tab', { name: lang === 'en' ? /Network & settings/ : /네트워크·설정/ }).click();
  await page.fill('input[name=delay]', '100');
  await page.fill('input[name=reorder]', '100');
  await page.fill('input[name=delay_ms]', '60000');
  await page.locator('.weather button[type=submit]').click();
  for (let round = 0; round < 20; round++) {
    await page.evaluate(() => {
      const b = document.querySelector('form.order-form button[type=submit]');
      for (let k = 0; k < 10; k++) b.click();
    });
    await advance(page, 50);
  }
  await advance(page, 200);
}

for (const protocol of PROTOCOLS) {
  for (const lang of ['en', 'ko']) {
    test(`stage labels never overlap: ${protocol} (${lang}), 200 in flight, then after 10,000 orders`, async () => {
      const w = await open(`lang=${lang}`, { viewport: { width: 1280, height: 720 } });
      const { page } = w;
      await page.locator('label.protocol select').selectOption(protocol);
      await advance(page, 0);
      await crowd(page, lang);
      const busy = await overlaps(page);
      const inFlight = Number(await page.locator('g.tokens').getAttribute('data-in-flight'));
      assert.ok(inFlight >= 150, `a crowded stage (${inFlight} in flight)`);
      assert.ok(busy.tokens > 0, 'tokens drawn');
      assert.deepEqual(busy.bad, [], `with ${inFlight} in flight`);
      await page.screenshot({ path: path.join(SHOTS, `labels-${protocol}-${lang}-busy.png`) });
      // A fast-forward of 10,000 orders from a fresh run, then the stage as it is left.
      await page.keyboard.press('r');
      await page.getByRole('tab', { name: lang === 'en' ? /^Fast-forward/ : /^빨리 감기/ }).click();
      await page.locator('#ff-orders').fill('10000');
      await page.locator('form.fast-forward button[type=submit]').click();
      await page.locator('form.fast-forward .ff-verdict').waitFor({ timeout: 120000 });
      await frames(page, 4);
      const after = await overlaps(page);
      assert.deepEqual(after.bad, [], 'after the fast-forward');
      await finish(w, `labels-${protocol}-${lang}-after`);
    });
  }
}
