// Simulation throughput: the benchmark run natively, and the same run compiled to WebAssembly as
// the site ships it (the `web` profile) and timed in Node. Five pairs of runs, each pair a native
// and a wasm run back to back, every other pair in the other order (native, wasm, wasm, native,
// ...), so a machine whose load drifts slows both sides of a pair alike; each throughput is the
// median of its five, and the ratio the median of the five pairs' ratios (on this 2-core virtual
// machine a neighbour's burst has upset one pair in three, either way).
import { execFileSync } from 'node:child_process';
import { ROOT } from '../lib.mjs';
import { report, median } from './report.mjs';

/** Pairs of runs: five, so two pairs a burst of load upsets still leave the median alone. */
const RUNS = 5;
const ORDERS = '100000';

const run = (cmd, args) => execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const nativeArgs = ['run', '--release', '--locked', '-q', '-p', 'saga-cli', '--', 'bench', '--orders', ORDERS, '--seed', '1'];
const wasmArgs = ['test', '--locked', '--profile', 'web', '--target', 'wasm32-unknown-unknown', '-p', 'saga-lab', '--test', 'wasm_throughput', '--', '--nocapture'];

const native = () => JSON.parse(run('cargo', nativeArgs)).events_per_s;
const wasm = () => {
  const out = run('cargo', wasmArgs);
  const line = out.split('\n').find((l) => l.includes('wasm-throughput '));
  return JSON.parse(line.slice(line.indexOf('{'))).events_per_s;
};

export function measureThroughput() {
  // Build both first, so no run pays for a compile.
  run('cargo', ['build', '--release', '--locked', '-q', '-p', 'saga-cli']);
  run('cargo', ['test', '--locked', '--profile', 'web', '--target', 'wasm32-unknown-unknown', '-p', 'saga-lab', '--test', 'wasm_throughput', '--no-run']);
  const n = [];
  const w = [];
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      n.push(native());
      w.push(wasm());
    } else {
      w.push(wasm());
      n.push(native());
    }
  }
  const M = (x) => `${(x / 1e6).toFixed(2)}`;
  const nm = median(n);
  const wm = median(w);
  report('native throughput, 100,000 orders under faults', `${M(nm)} M events/s (median of ${RUNS}; runs ${n.map(M).join(', ')})`, '>= 2,000,000 events/s', nm >= 2e6);
  const ratios = n.map((x, i) => x / w[i]);
  const ratio = median(ratios);
  report(
    'the same run as shipped (web profile, engine at opt-level 2) as wasm in Node',
    `${M(wm)} M events/s (runs ${w.map(M).join(', ')}); native / wasm = ${ratio.toFixed(2)}, the median of the pairs ${ratios.map((r) => r.toFixed(2)).join(', ')} (of the medians: ${(nm / wm).toFixed(2)})`,
    'ratio <= 2',
    ratio <= 2,
  );
}
