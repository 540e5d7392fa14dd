// Trunk post-build hook: minifies the wasm-bindgen JavaScript glue of a release build with
// terser (an npm package installed by scripts/setup.sh). Trunk's own JS minifier gives up on
// the glue's `export default`. (The page loads it through Trunk.toml's own loader script, which
// carries no integrity hash to update.)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir || process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { minify } = await import(path.join(root, 'e2e/node_modules/terser/main.js'));

for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.js'))) {
  const file = path.join(dir, name);
  const before = fs.readFileSync(file, 'utf8');
  const { code } = await minify(before, { module: true, compress: { passes: 2 }, mangle: true, format: { comments: false } });
  fs.writeFileSync(file, code);
  console.log(`minify-glue: ${name} ${before.length} -> ${code.length} bytes`);
}
