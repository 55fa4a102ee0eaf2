/**
 * The TypeScript helpers of tests/ for plain node scripts (scripts/fuzz-long.mjs,
 * tests/bench/nd-peers-check.mjs), which cannot import .ts: `source`, an ES module's text whose
 * imports are relative to the repository's root, bundled on the fly with esbuild (a
 * devDependency) and imported from memory.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export async function importTs(source) {
  const js = (await build({
    stdin: { contents: source, resolveDir: fileURLToPath(new URL('../..', import.meta.url)), loader: 'ts' },
    bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'warning',
  })).outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`);
}
