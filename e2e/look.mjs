// Screenshots of the release build at the sizes a class meets it, for a person to look at:
//   node e2e/look.mjs [query] [WxH ...]   (default: 1280x720 1024x768 1920x1080 412x823 360x740)
// Writes e2e/screenshots/look-WxH.png. Not a test: the e2e tests check the layout.
import path from 'node:path';
import { serve, launch, SHOTS } from './lib.mjs';
import fs from 'node:fs';

const args = process.argv.slice(2);
// --orders N: set the speed to x0.1, place N orders and look 2 s later (tokens in flight).
const ordersAt = args.indexOf('--orders');
const orders = ordersAt >= 0 ? Number(args.splice(ordersAt, 2)[1]) : 0;
const query = args[0] && !/^\d+x\d+$/.test(args[0]) ? args.shift() : 'lang=en';
const sizes = (args.length ? args : ['1280x720', '1024x768', '1920x1080', '412x823', '360x740']).map((s) => s.split('x').map(Number));
fs.mkdirSync(SHOTS, { recursive: true });
const { server, url } = await serve();
const browser = await launch();
for (const [width, height] of sizes) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${url}?${query}`);
  await page.waitForSelector('body[data-ready=true]');
  if (orders > 0) {
    await page.locator('.toolbar input[type=range]').fill('-1');
    for (let i = 0; i < orders; i++) await page.keyboard.press('o');
    await page.waitForTimeout(2000);
  } else {
    await page.waitForTimeout(1500);
  }
  const file = path.join(SHOTS, `look-${width}x${height}.png`);
  await page.screenshot({ path: file, fullPage: width < 700 });
  const scroll = await page.evaluate(() => ({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight }));
  console.log(`${file} page ${scroll.w}x${scroll.h}`);
  await context.close();
}
await browser.close();
server.close();
