// Node's results for the demo calls (examples/shared/demo.js) on every backend this Node runs,
// as JSON on stdout: what scripts/browser-test.mjs compares the pages with, bit for bit where a
// page ran the same backend. It runs in a child started through scripts/relaxed-node.mjs, so that
// Node 20/21 has wasm-relaxed too, as Chromium does.
//
//   node scripts/relaxed-node.mjs tests/browser/node-reference.mjs <the package's ESM entry file>
import { pathToFileURL } from 'node:url';
import { runDemo } from '../../examples/shared/demo.js';

const entry = process.argv[2];
if (!entry) throw new Error('usage: node-reference.mjs <entry file of the simdconv package>');
const sc = await import(pathToFileURL(entry).href);
const auto = await runDemo(sc, { where: 'node' });
const byBackend = { [auto.backend]: auto };
for (const name of ['wasm-relaxed', 'wasm-simd', 'wasm', 'js']) {
  if (byBackend[name]) continue;
  try {
    byBackend[name] = await runDemo(sc, { where: 'node', backend: name });
  } catch (e) {
    if (e?.code !== 'BACKEND_UNAVAILABLE') throw e;
  }
}
process.stdout.write(JSON.stringify({ auto: auto.backend, byBackend }));
