// The page at the sizes it meets: projectors and laptops (every panel on screen, no page
// scroll, each panel a useful size, nothing pushed off by a notice or an opened block), and
// phones (one column, no sideways scroll, a stage that is readable, targets of 24 px). Each size
// in both languages, with axe-core, and a screenshot to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { axeViolations, SHOTS } from '../lib.mjs';
import { open, orderBadge, placeOrder, finish, advance, runUntilShown } from './harness.mjs';

const SCREENS = [
  [1280, 720],
  [1366, 768],
  [1280, 800],
  [1024, 768],
  [1920, 1080],
];
const PHONES = [
  [412, 823],
  [360, 740],
];
/** Each panel's least height on a screen, in CSS pixels. */
const MIN_DETAIL_PX = 200;
const MIN_LOG_LINES = 6;

/** Boxes of the page's panels, the viewport and the document's size. */
const measure = (page) =>
  page.evaluate(() => {
    const box = (sel) => {
      const el = document.querySelector(sel);
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height, width: r.width };
    };
    // One line of the log: its shortest entry (a long entry wraps onto two).
    const heights = [...document.querySelectorAll('ol.log > li')].map((li) => li.getBoundingClientRect().height).filter((h) => h > 0);
    return {
      vw: window.innerWidth,
      vh: window.innerHeight,
      docW: document.documentElement.scrollWidth,
      docH: document.documentElement.scrollHeight,
      stage: box('svg.stage'),
      verdict: box('.consistency .verdict'),
      detail: box('section.tables'),
      tableBox: box('.table-scroll'),
      log: box('ol.log'),
      faults: box('.fault-panel'),
      toolbar: box('.toolbar'),
      clock: box('.toolbar .clock'),
      lineH: heights.length ? Math.min(...heights) : 0,
    };
  });

function inside(m, name) {
  const b = m[name];
  assert.ok(b, `${name} is on the page`);
  assert.ok(b.top >= -0.5 && b.bottom <= m.vh + 0.5 && b.left >= -0.5 && b.right <= m.vw + 0.5, `${name} on screen: ${JSON.stringify(b)} in ${m.vw}x${m.vh}`);
}

/** Fills the log with lines and leaves a run in progress (in either language). */
async function busy(page) {
  await page.keyboard.press('o');
  await page.locator('#order-product').selectOption('1');
  await page.keyboard.press('o');
  await advance(page, 600);
  await page.keyboard.press('o');
  await advance(page, 100);
}

for (const [width, height] of SCREENS) {
  for (const lang of ['en', 'ko']) {
    test(`${width}x${height} (${lang}): stage, verdict, detail and log on screen together, no page scroll`, async () => {
      const w = await open(`lang=${lang}`, { viewport: { width, height } });
      const { page } = w;
      await busy(page);
      const check = async (when) => {
        const m = await measure(page);
        assert.ok(m.docH <= m.vh && m.docW <= m.vw, `${when}: no page scroll (${m.docW}x${m.docH} in ${m.vw}x${m.vh})`);
        for (const name of ['stage', 'verdict', 'detail', 'log', 'faults', 'clock']) inside(m, name);
        assert.ok(m.detail.height >= MIN_DETAIL_PX, `${when}: the detail is ${m.detail.height} px (at least ${MIN_DETAIL_PX})`);
        assert.ok(m.lineH > 0 && m.log.height >= MIN_LOG_LINES * Math.min(m.lineH, 40), `${when}: the log shows ${(m.log.height / m.lineH).toFixed(1)} lines (at least ${MIN_LOG_LINES})`);
        if (width >= 1280) assert.ok(m.toolbar.height < 60, `${when}: the toolbar is one line (${m.toolbar.height} px)`);
        // At 1280 px and wider the stage's labels draw at 14 px or more.
        if (width >= 1280) {
          const px = await page.evaluate(() => {
            const svg = document.querySelector('svg.stage');
            const scale = Math.min(svg.clientWidth / svg.viewBox.baseVal.width, svg.clientHeight / svg.viewBox.baseVal.height);
            return Math.min(...[...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale));
          });
          assert.ok(px >= 13.95, `${when}: the smallest stage label draws at ${px.toFixed(1)} px`);
        }
      };
      await check('running');
      // Opening a folded block and showing a notice push nothing off the screen.
      await page.locator('.consistency details.invariants summary').click();
      await page.locator('form.order-form').getByLabel(lang === 'en' ? 'Quantity' : '수량', { exact: true }).fill('0');
      await page.locator('form.order-form button[type=submit]').click();
      await page.locator('.notice.problem').waitFor();
      await check('with the invariants open and a notice');
      assert.deepEqual(await axeViolations(page), [], 'axe');
      await finish(w, `layout-${width}x${height}-${lang}`);
    });
  }
}

test('any panel can be enlarged and put back, by mouse and by key', async () => {
  const w = await open('lang=en', { viewport: { width: 1280, height: 720 } });
  const { page } = w;
  await busy(page);
  for (const [panel, name] of [['stage', 'Services and the event bus'], ['detail', 'Service tables'], ['verdict', 'Eventual consistency'], ['log', 'Event log']]) {
    await page.getByRole('button', { name: `Enlarge: ${name}` }).click();
    await page.locator(`main.layout[data-enlarged=${panel}]`).waitFor();
    const box = await page.locator(`[data-panel=${panel}]`).boundingBox();
    assert.ok(box.width >= 1200 && box.height >= 600, `${panel} takes most of the screen: ${JSON.stringify(box)}`);
    await page.getByRole('button', { name: `Put back: ${name}` }).click();
    await page.locator('main.layout[data-enlarged=""]').waitFor();
  }
  // F enlarges the panel that holds the focus; Escape puts it back.
  await page.getByRole('tab', { name: /^Stock/ }).focus();
  await page.keyboard.press('f');
  await page.locator('main.layout[data-enlarged=detail]').waitFor();
  assert.deepEqual(await axeViolations(page), [], 'axe with a panel enlarged');
  await page.keyboard.press('Escape');
  await page.locator('main.layout[data-enlarged=""]').waitFor();
  await page.keyboard.press('f');
  await page.locator('main.layout[data-enlarged=stage]').waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'stage-enlarged.png') });
  await page.keyboard.press('f');
  await page.locator('main.layout[data-enlarged=""]').waitFor();
  await finish(w, 'enlarge');
});

for (const [width, height] of PHONES) {
  for (const lang of ['en', 'ko']) {
    test(`phone ${width}x${height} (${lang}): no sideways scroll, a readable stage, 24 px targets, an order confirms`, async () => {
      const w = await open(`lang=${lang}`, { viewport: { width, height }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
      const { page } = w;
      const m = await measure(page);
      assert.ok(m.docW <= m.vw, `no sideways scroll (${m.docW} in ${m.vw})`);
      // The stage stands upright and fills the width; its labels stay readable.
      assert.ok(m.stage.width >= 0.9 * width && m.stage.right <= width, `the stage fills the width: ${JSON.stringify(m.stage)}`);
      const px = await page.evaluate(() => {
        const svg = document.querySelector('svg.stage');
        const scale = svg.clientWidth / svg.viewBox.baseVal.width;
        return Math.min(...[...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale));
      });
      assert.ok(px >= 13.5, `the smallest stage label draws at ${px.toFixed(1)} px`);
      // The toolbar wraps, and the clock stays in it, on its dark background.
      inside(m, 'clock');
      assert.ok(m.clock.top >= m.toolbar.top && m.clock.bottom <= m.toolbar.bottom, 'the clock is inside the toolbar');
      // Every control is a target of at least 24 x 24 px.
      const small = await page.evaluate(() =>
        [...document.querySelectorAll('button, input, select, summary, [role=tab], a[href]')]
          .filter((el) => el.offsetParent !== null && !el.closest('.visually-hidden'))
          .map((el) => ({ el: el.outerHTML.slice(0, 80), r: el.getBoundingClientRect() }))
          .filter(({ r }) => r.width < 23.5 || r.height < 23.5)
          .map(({ el, r }) => `${el} ${r.width.toFixed(0)}x${r.height.toFixed(0)}`),
      );
      assert.deepEqual(small, [], 'every target at least 24 px');
      // The tables scroll inside their own box.
      await page.keyboard.press('o');
      const table = await page.evaluate(() => {
        const el = document.querySelector('.table-scroll');
        return { overflowX: getComputedStyle(el).overflowX, width: el.getBoundingClientRect().width };
      });
      assert.equal(table.overflowX, 'auto');
      assert.ok(table.width <= width, 'the table box fits the screen');
      await runUntilShown(page, orderBadge(page, 0).filter({ hasText: 'CONFIRMED' }));
      assert.ok((await measure(page)).docW <= width, 'still no sideways scroll with an order in the table');
      assert.deepEqual(await axeViolations(page), [], 'axe');
      await page.screenshot({ path: path.join(SHOTS, `phone-${width}-${lang}-full.png`), fullPage: true });
      await finish(w, `phone-${width}x${height}-${lang}`);
    });
  }
}
