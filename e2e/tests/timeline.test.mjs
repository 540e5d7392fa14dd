// A run is a record: scrubbing shows the exact past, acting there starts a branch and the old
// future stays, a link and an exported file reproduce the run (in a fresh page and in
// saga-cli), and a bad file or link is named and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { open, finish, advance, placeOrder, orderBadge, frames } from './harness.mjs';
import { ROOT } from '../lib.mjs';

const hashOf = (page) => page.locator('.stage-panel').getAttribute('data-trace-hash');
const nowOf = async (page) => Number(await page.locator('.clock').getAttribute('data-now-ms'));
const bar = (page) => page.locator('.timeline-bar');

/** Drags the scrubber to `ms` and waits until the page shows that moment. */
async function scrubTo(page, ms) {
  await bar(page).locator('.scrub input').fill(String(ms));
  await page.waitForFunction((t) => Number(document.querySelector('.clock')?.dataset.nowMs) === t, ms);
}

test('the scrubber shows the exact past, and the end again', async () => {
  const w = await open();
  const { page } = w;
  // The page played a few frames before the test paused it: times are from there.
  const t0 = await nowOf(page);
  await placeOrder(page);
  await advance(page, 300);
  const at300 = { hash: await hashOf(page), badge: await orderBadge(page, 0).textContent() };
  assert.match(at300.badge, /PENDING/);
  await advance(page, 2700);
  const atEnd = { hash: await hashOf(page), badge: await orderBadge(page, 0).textContent() };
  assert.match(atEnd.badge, /CONFIRMED/);
  assert.equal(await bar(page).getAttribute('data-end-ms'), String(t0 + 3000));

  await scrubTo(page, t0 + 300);
  assert.equal(await hashOf(page), at300.hash, 'the same run, to the bit, as it stood at 300 ms');
  assert.equal(await orderBadge(page, 0).textContent(), at300.badge);
  assert.equal(await bar(page).getAttribute('data-in-past'), 'true');
  await frames(page, 2);
  assert.ok((await page.locator('.stage-tokens .token').count()) > 0, 'the messages in flight then are on the stage');
  const newest = await page.locator('ol.log li').first().textContent();
  assert.match(newest, /^\s*\d+ ms/, newest);
  assert.ok(Number(/(\d+) ms/.exec(newest)[1]) <= t0 + 300, `the log ends at the moment shown: ${newest}`);

  // Playing on from the past replays what happened: the same end.
  await advance(page, 2700);
  assert.equal(await hashOf(page), atEnd.hash);
  await scrubTo(page, t0 + 1000);
  await bar(page).getByRole('button', { name: /To the end/ }).click();
  await page.waitForFunction((t) => Number(document.querySelector('.clock')?.dataset.nowMs) === t, t0 + 3000);
  assert.equal(await hashOf(page), atEnd.hash);
  assert.equal(await bar(page).getAttribute('data-in-past'), 'false');
  await finish(w, 'timeline-scrub');
});

test('acting in the past starts a branch, and the old future is a branch away', async () => {
  const w = await open();
  const { page } = w;
  const t0 = await nowOf(page);
  await placeOrder(page);
  await advance(page, 3000);
  const first = await hashOf(page);
  assert.match(await orderBadge(page, 0).textContent(), /CONFIRMED/);

  await scrubTo(page, t0 + 100);
  await page.keyboard.press('2'); // crash Product, in the past
  await page.locator('.notice', { hasText: /New branch 2/ }).waitFor();
  assert.equal(await bar(page).getAttribute('data-branch'), '2');
  assert.equal(await bar(page).getAttribute('data-in-past'), 'false', 'the new branch ends here');
  await advance(page, 2900);
  assert.match(await orderBadge(page, 0).textContent(), /PENDING/, 'Product is down on this branch');
  const second = await hashOf(page);
  assert.notEqual(second, first);

  const branches = bar(page).locator('.branch select');
  assert.deepEqual(await branches.locator('option').allTextContents(), ['Branch 1', `Branch 2 · from ${t0 + 100} ms`]);
  await branches.selectOption('1');
  await page.waitForFunction(() => document.querySelector('.timeline-bar')?.dataset.branch === '1');
  assert.equal(await nowOf(page), t0 + 3000);
  assert.equal(await hashOf(page), first, 'the abandoned future, exactly');
  assert.match(await orderBadge(page, 0).textContent(), /CONFIRMED/);
  await bar(page).locator('.branch select').selectOption('2');
  await page.waitForFunction(() => document.querySelector('.timeline-bar')?.dataset.branch === '2');
  assert.equal(await hashOf(page), second);
  await finish(w, 'timeline-branches');
});

/** A session with a bit of everything: orders, a crash and restart, a scrub and a fork. */
async function session(page) {
  await placeOrder(page);
  await advance(page, 150);
  await page.keyboard.press('2');
  await placeOrder(page, '1', '2');
  await advance(page, 1200);
  await page.keyboard.press('2');
  await advance(page, 2000);
  await scrubTo(page, (await nowOf(page)) - 2500);
  await placeOrder(page);
  await advance(page, 2500);
}

test('a copied link opens the same run in a fresh page', async () => {
  const w = await open('lang=en', { permissions: ['clipboard-read', 'clipboard-write'] });
  const { page } = w;
  await session(page);
  const hash = await hashOf(page);
  const end = await bar(page).getAttribute('data-end-ms');
  await bar(page).getByRole('button', { name: 'Copy link' }).click();
  const field = bar(page).locator('.link-field input');
  await field.waitFor();
  const link = await field.inputValue();
  assert.match(link, /\/demo\/\?run=[A-Za-z0-9_-]+$/, 'the page\'s own folder, with the run');
  assert.ok(link.length < 2000, `a link of ${link.length} characters`);
  await page.locator('.notice', { hasText: /Link copied|copy the link/ }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText().catch(() => null));
  if (copied !== null) assert.equal(copied, link);

  const w2 = await open(link.split('?')[1]);
  assert.equal(await hashOf(w2.page), hash, 'the same run, to the bit');
  assert.equal(await bar(w2.page).getAttribute('data-end-ms'), end);
  assert.equal(await nowOf(w2.page), Number(end));
  await finish(w2, 'timeline-link-opened');
  await finish(w, 'timeline-link');
});

test('a bad link opens the default run and says what was wrong', async () => {
  for (const [run, expect] of [
    ['AQcCCEtleWJvYXJk', /changed or cut|cut short/],
    ['not*a*link', /'\*' cannot be in a link/],
    ['', /it is empty/],
  ]) {
    const w = await open(`lang=en&run=${run}`);
    const note = page => page.locator('.notice.problem');
    await note(w.page).waitFor();
    const text = await note(w.page).textContent();
    assert.match(text, /The link could not be opened, so this is the default run/, text);
    assert.match(text, expect, text);
    assert.ok((await nowOf(w.page)) < 1000, 'a fresh run');
    assert.equal(await w.page.locator('tr[data-order]').count(), 0);
    await finish(w, 'timeline-bad-link');
  }
});

test('an exported run replays to the same hash in saga-cli, and imports back', async () => {
  const w = await open();
  const { page } = w;
  await session(page);
  const hash = await hashOf(page);
  const [download] = await Promise.all([page.waitForEvent('download'), bar(page).getByRole('button', { name: 'Export' }).click()]);
  assert.match(download.suggestedFilename(), /^saga-lab-run-1\.json$/);
  const file = path.join(os.tmpdir(), `saga-e2e-${process.pid}.json`);
  await download.saveAs(file);
  const text = fs.readFileSync(file, 'utf8');
  assert.match(text, /"format": 4/);
  const out = execFileSync('cargo', ['run', '-q', '-p', 'saga-cli', '--', 'run', file], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(JSON.parse(out).trace_hash, hash, 'the runner replays the page\'s run to the same trace');

  // And back into a fresh page, by the file picker.
  const w2 = await open();
  await bar(w2.page).locator('input[type=file]').setInputFiles(file);
  await w2.page.locator('.notice', { hasText: /Opened saga-e2e-/ }).waitFor();
  assert.equal(await hashOf(w2.page), hash);
  // And by dropping it on the page.
  const w3 = await open();
  await w3.page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, text);
  await w3.page.locator('.notice', { hasText: /Opened dropped\.json/ }).waitFor();
  assert.equal(await hashOf(w3.page), hash);
  fs.rmSync(file);
  await finish(w3, 'timeline-dropped');
  await finish(w2, 'timeline-imported');
  await finish(w, 'timeline-exported');
});

test('a bad file is named with its field and problem, and the run on screen stays', async () => {
  const w = await open();
  const { page } = w;
  await placeOrder(page);
  await advance(page, 500);
  const [hash, now] = [await hashOf(page), await nowOf(page)];
  const input = bar(page).locator('input[type=file]');
  const cases = [
    ['not-json.json', 'hello', /not JSON \(line 1, column 1\)/],
    ['empty.json', '', /it is empty/],
    ['newer.json', '{"format": 5, "seed": 1, "future": true}', /`format`: made by a newer version of Saga Lab \(format 5\)/],
    ['raft.json', '{"format": 1, "seed": 1, "config": {"protocol": "Raft"}}', /`config.protocol`: "Raft" is not one of Choreography, Orchestration, Tcc, TwoPc/],
    ['huge.json', ' '.repeat(10 * 1024 * 1024), /10,485,760 bytes/],
    ['absurd.json', '{"format": 1, "seed": 1, "config": {"handle_ms": 5000000000}}', /`config.handle_ms`: must be between 0 and 3600000/],
    ['absurd-seed.json', '{"format": 1, "seed": 1e30}', /`seed`: must be a whole number/],
    ['product.json', '{"format": 1, "seed": 1, "inputs": [{"at_ms": 0, "command": {"command": "PlaceOrder", "product": 7, "quantity": 1}}]}', /`inputs\[0\].command.product`: no product 7 \(the catalogue has 2\)/],
  ];
  for (const [name, text, expect] of cases) {
    await input.setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
    const note = page.locator('.notice.problem', { hasText: name });
    await note.waitFor();
    const said = await note.textContent();
    assert.match(said, /Could not open the file; the current run is kept/, said);
    assert.match(said, expect, said);
    assert.equal(await hashOf(page), hash, `${name}: the run on screen is kept`);
    assert.equal(await nowOf(page), now);
  }
  await finish(w, 'timeline-bad-files');
});

test('Korean: the strip and its messages', async () => {
  const w = await open('lang=ko');
  const { page } = w;
  await advance(page, 100);
  await bar(page).locator('input[type=file]').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"format": 1, "seed": 1, "config": {"protocol": "Raft"}}') });
  const note = page.locator('.notice.problem');
  await note.waitFor();
  assert.match(await note.textContent(), /파일을 열 수 없습니다.*x\.json: `config.protocol`: 알 수 없는 이름 "Raft"/);
  for (const label of ['링크 복사', '내보내기', '가져오기']) assert.equal(await bar(page).getByText(label).count(), 1, label);
  await finish(w, 'timeline-ko');
});
