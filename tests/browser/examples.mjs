// What scripts/browser-test.mjs opens, how Chromium starts, and how results are compared.
import { closeEnough } from '../../bench/close.cjs';

/**
 * Each example: where its build is served from, and its pages. Every build is served without
 * COOP/COEP (`pages`: one thread, and threads().reason names the headers) and the three bundlers'
 * builds again with them (`isolated.pages`: threads, in the page and in its Web Worker).
 * `lifetime` says how the page is left ('navigate': to another page of the site; 'close') before
 * the test checks that none of its workers runs on.
 */
export const EXAMPLES = [
  {
    name: 'vite',
    serveDir: 'dist',
    pages: [
      { path: 'index.html', waitFor: '__results', worker: true },
      // Each other backend, asked for by name, in the browser too.
      { path: 'index.html?backend=wasm-simd', waitFor: '__results', worker: true, backend: 'wasm-simd' },
      { path: 'index.html?backend=wasm', waitFor: '__results', worker: true, backend: 'wasm' },
      { path: 'index.html?backend=js', waitFor: '__results', worker: true, backend: 'js' },
      // Few runs: the test checks that the page works, it does not benchmark.
      { path: 'bench.html?runs=3', waitFor: '__bench' },
    ],
    // `vite` (the dev server, which pre-bundles dependencies its own way) must work unconfigured too.
    dev: {
      command: (port) => [process.execPath, 'node_modules/vite/bin/vite.js', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
      pages: [{ path: 'index.html', waitFor: '__results', worker: true }],
    },
    // In a Chromium without WebAssembly, init() falls back to 'js' (page and worker).
    noWasm: { pages: [{ path: 'index.html', waitFor: '__results', worker: true, backend: 'js' }] },
    // Under a Content-Security-Policy: without 'wasm-unsafe-eval' compiling is refused and init()
    // falls back to 'js' quietly; with it, the SIMD build runs.
    csp: [
      { name: 'strict', policy: "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
        pages: [{ path: 'index.html', waitFor: '__results', worker: true, backend: 'js' }] },
      { name: 'wasm', policy: "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'wasm-unsafe-eval'",
        pages: [{ path: 'index.html', waitFor: '__results', worker: true }] },
    ],
    isolated: { pages: [{ path: 'index.html', waitFor: '__results', worker: true, lifetime: 'navigate' }] },
  },
  {
    name: 'webpack', serveDir: '.', pages: [{ path: 'index.html', waitFor: '__results', worker: true }],
    isolated: { pages: [{ path: 'index.html', waitFor: '__results', worker: true, lifetime: 'close' }] },
  },
  {
    name: 'esbuild', serveDir: '.', pages: [{ path: 'index.html', waitFor: '__results', worker: true }],
    isolated: { pages: [{ path: 'index.html', waitFor: '__results', worker: true, lifetime: 'navigate' }] },
  },
  // stream() inside an AudioWorkletProcessor (init() in the AudioWorkletGlobalScope: no fetch, Worker,
  // atob or TextDecoder), rendered by an OfflineAudioContext and checked against run() by the page.
  { name: 'audio-worklet', serveDir: '.', pages: [{ path: 'index.html', waitFor: '__worklet' }] },
];

export const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export const SIMD_BACKENDS = ['wasm-relaxed', 'wasm-simd'];

/** The response headers that make a page cross-origin isolated, which threads need (API.md). */
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/**
 * Throws unless `got` (a page's or worker's runDemo result) matches `want` (Node's) case by case:
 * same names, shapes, lengths, and every element within tolerance.
 */
export function compareResults(got, want) {
  if (got.cases.length !== want.cases.length) throw new Error(`${got.cases.length} cases, Node has ${want.cases.length}`);
  const bad = [];
  want.cases.forEach((w, i) => {
    const g = got.cases[i];
    if (g.name !== w.name) return bad.push(`case ${i}: '${g.name}' vs Node's '${w.name}'`);
    if (JSON.stringify(g.shape) !== JSON.stringify(w.shape)) return bad.push(`${w.name}: shape [${g.shape}] vs Node's [${w.shape}]`);
    if (g.data.length !== w.data.length) return bad.push(`${w.name}: ${g.data.length} values vs Node's ${w.data.length}`);
    let worst = -1;
    let worstDiff = 0;
    let count = 0;
    for (let j = 0; j < w.data.length; j++) {
      // JSON turns NaN into null on the way out of the page.
      const a = g.data[j] === null ? NaN : g.data[j];
      if (!closeEnough(a, w.data[j])) {
        count++;
        const d = Math.abs(a - w.data[j]);
        if (!(d <= worstDiff)) { worstDiff = d; worst = j; }
      }
    }
    if (count) bad.push(`${w.name}: ${count} of ${w.data.length} values differ, worst at ${worst}: ${g.data[worst]} vs Node's ${w.data[worst]}`);
  });
  if (bad.length) throw new Error(bad.join('\n'));
}

/**
 * Throws unless every case of `got` has the same bits as `want`'s (runDemo's `bits`, a hash of
 * the float32 words): for a page and Node that ran the same backend, where thread count and
 * runtime must not change a bit (API.md). Names the cases that differ and how many values.
 */
export function compareBits(got, want) {
  const bad = [];
  want.cases.forEach((w, i) => {
    const g = got.cases[i];
    if (g?.bits === w.bits) return;
    // JSON (Node's side) turns NaN into null
    const num = (v) => (v === null ? NaN : v);
    const differ = g ? w.data.filter((v, j) => !(num(v) === num(g.data[j]) || (Number.isNaN(num(v)) && Number.isNaN(num(g.data[j]))))).length
      : w.data.length;
    bad.push(`${w.name}: bits ${g?.bits} vs Node's ${w.bits} (${differ} of ${w.data.length} values differ)`);
  });
  if (bad.length) throw new Error(bad.join('\n'));
}
