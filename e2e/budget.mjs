// Prints Saga Lab's budgets against their goals: the release build in dist/, served from a
// sub-folder with gzip as static hosts serve it. The test command fails only where an issue
// made a budget a failing test:
//   boot payload (every byte fetched before the first interactive render)  goal <= 200 KB, fails > 300 KB
//   each file fetched later, on demand                                      fails > 60 KB
//   Lighthouse mobile (median of 3)  Performance >= 98 (fails < 90), LCP <= 2.0 s,
//                                    Accessibility and Best Practices 100 (fail below)
// and reports the rest: first interactive render; p95 frame interval with 200 and 2,000 in
// flight, unthrottled and with the CPU 4x and 6x slower; the fast-forward of 10,000 orders and
// the longest task meanwhile; wasm memory over 50,000 orders; native and wasm throughput.
// Each part is a module of budget/.
import { serve, launch } from './lib.mjs';
import { printAll } from './budget/report.mjs';
import { measureBoot } from './budget/boot.mjs';
import { lighthouse } from './budget/lighthouse.mjs';
import { measureFrames } from './budget/frames.mjs';
import { measureLongRun } from './budget/long_run.mjs';
import { measureSeek } from './budget/seek.mjs';
import { measureThroughput } from './budget/throughput.mjs';
import { engineCost } from './budget/engine_cost.mjs';

const { server, url } = await serve();
try {
  const browser = await launch();
  try {
    await measureBoot(browser, url);
    await measureFrames(browser, url);
    await measureLongRun(browser, url);
    await measureSeek(browser, url);
  } finally {
    await browser.close();
  }
  await lighthouse(url);
} finally {
  server.close();
}
measureThroughput();
await engineCost();
process.exit(printAll() ? 0 : 1);
