// No two labels on the stage overlap: with about 200 messages in flight and after a fast-forward
// of 10,000 orders, under every protocol, in both languages, at 1280x720. Every text on the
// stage and every token pill is a box; no two boxes may share more than a sliver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SHOTS } from '../lib.mjs';
import { open, finish, advance, frames, overlaps, crowd } from './harness.mjs';

const PROTOCOLS = ['choreography', 'orchestration', 'tcc-operator', '2pc'];

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
