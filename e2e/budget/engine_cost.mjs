// What shipping the engine at opt-level 2 (for speed) costs in download: the same site built with
// the engine at opt-level z (`web-engine-z`), its wasm gzipped beside the shipped one.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { ROOT, DIST } from '../lib.mjs';
import { kb, report } from './report.mjs';

const gzWasm = (dir) => {
  const f = fs.readdirSync(dir).find((n) => n.endsWith('.wasm'));
  return zlib.gzipSync(fs.readFileSync(path.join(dir, f))).length;
};

export async function engineCost() {
  const dir = path.join(ROOT, 'target/dist-engine-z');
  execFileSync('bash', ['scripts/build.sh', '--cargo-profile', 'web-engine-z', '--dist', dir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const shipped = gzWasm(DIST);
  const small = gzWasm(dir);
  report(
    'what the engine at opt-level 2 adds to the boot payload',
    `${kb(shipped - small)} (wasm ${kb(shipped)} gzipped; ${kb(small)} with the engine at opt-level z)`,
    'reported',
    true,
  );
}
