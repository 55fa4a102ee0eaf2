// The demo that every example page runs, on the main thread and in a Web Worker, and that
// tests/browser runs again in Node to check the page's numbers. It takes the simdconv module as
// an argument (it has no imports) so one copy serves every example and the Node test: each
// example's own entry file shows the usual `import ... from 'simdconv'`.
//
// Inputs come from a tiny seeded PRNG (mulberry32), so a page, a worker and Node compute the
// same calls on the same bits.

/** mulberry32: a 32-bit seeded PRNG; returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Float32Array of `n` values in [-1, 1) from `rand`. */
export function randomArray(rand, n) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rand() * 2 - 1;
  return a;
}

const size = (shape) => shape.reduce((p, d) => p * d, 1);

/** A random tensor of `shape` from `rand`. */
export function randomTensor(rand, shape) {
  return { data: randomArray(rand, size(shape)), shape };
}

/**
 * The calls the pages make: each op of the brief on small odd-sized inputs with non-default
 * options (padding, stride, groups, multiplier, bias, activations, a layout).
 * Every case draws from its own seed so that adding a case changes no other.
 */
export const CASES = [
  {
    name: 'conv2d 3x3 same, bias, relu',
    run(sc, rand) {
      const x = randomTensor(rand, [1, 5, 12, 11]);
      const w = randomTensor(rand, [8, 5, 3, 3]);
      return sc.conv2d(x, w, { padding: 'same', bias: randomArray(rand, 8), activation: 'relu' });
    },
  },
  {
    name: 'conv2d grouped 3x3 s2 d2, NHWC',
    run(sc, rand) {
      const x = randomTensor(rand, [2, 13, 13, 6]);
      const w = randomTensor(rand, [3, 3, 2, 9]); // HWIO [kH, kW, Cin/groups, Cout]
      return sc.conv2d(x, w, { stride: 2, padding: [2, 1, 2, 1], dilation: 2, groups: 3, layout: 'NHWC' });
    },
  },
  {
    name: 'depthwiseConv2d 3x3 s2, multiplier 2',
    run(sc, rand) {
      const x = randomTensor(rand, [1, 6, 15, 14]);
      const w = randomTensor(rand, [12, 1, 3, 3]);
      return sc.depthwiseConv2d(x, w, { stride: 2, padding: 1, bias: randomArray(rand, 12), activation: 'relu6' });
    },
  },
  {
    name: 'separableConv2d 3x3 + 1x1',
    run(sc, rand) {
      const x = randomTensor(rand, [1, 7, 10, 9]);
      const dw = randomTensor(rand, [7, 1, 3, 3]);
      const pw = randomTensor(rand, [10, 7, 1, 1]);
      return sc.separableConv2d(x, dw, pw, {
        padding: 1,
        depthwiseBias: randomArray(rand, 7),
        depthwiseActivation: 'relu6',
        bias: randomArray(rand, 10),
      });
    },
  },
  {
    name: 'convTranspose2d 4x4 s2 p1',
    run(sc, rand) {
      const x = randomTensor(rand, [1, 6, 7, 8]);
      const w = randomTensor(rand, [6, 5, 4, 4]); // [Cin, Cout/g, kH, kW]
      return sc.convTranspose2d(x, w, { stride: 2, padding: 1, bias: randomArray(rand, 5) });
    },
  },
];

/** FNV-1a over the float32 words of `a`, as 8 hex digits: the bits of a result, compared exactly. */
export function bitsHash(a) {
  const u = new Uint32Array(a.buffer, a.byteOffset, a.length);
  let h = 0x811c9dc5;
  for (let i = 0; i < u.length; i++) {
    const w = u[i];
    for (let s = 0; s < 32; s += 8) h = Math.imul(h ^ ((w >>> s) & 0xff), 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * Runs `init()` (with `backend` and `threads` if given) and every case on the simdconv module `sc`.
 * @returns {{backend: string, initMs: number, runMs: number, threads: {count: number,
 *   requested: number | 'auto', reason: string}, isolated: boolean | null, cases: Array<{name: string,
 *   shape: number[], checksum: number, absSum: number, first: number[], bits: string, data: number[]}>}}
 *   isolated is crossOriginIsolated (null in Node)
 */
export async function runDemo(sc, { where = 'main', backend: want, threads: wantThreads } = {}) {
  const options = {};
  if (want) options.backend = want;
  if (wantThreads !== undefined) options.threads = wantThreads;
  const t0 = performance.now();
  const backend = await sc.init(options);
  const initMs = performance.now() - t0;
  const t1 = performance.now();
  const cases = CASES.map((c, i) => {
    const y = c.run(sc, mulberry32(1234 + i));
    let checksum = 0;
    let absSum = 0;
    for (const v of y.data) {
      checksum += v;
      absSum += Math.abs(v);
    }
    return { name: c.name, shape: y.shape, checksum, absSum, first: Array.from(y.data.subarray(0, 4)),
      bits: bitsHash(y.data), data: Array.from(y.data) };
  });
  const isolated = typeof globalThis.crossOriginIsolated === 'boolean' ? globalThis.crossOriginIsolated : null;
  return { where, backend, initMs, runMs: performance.now() - t1, threads: sc.threads(), isolated, cases };
}

/** `?threads=auto` or `?threads=N` of the page's URL: what init() is asked for (undefined: its default). */
export function threadsParam(search) {
  const t = new URLSearchParams(search).get('threads');
  return t === null ? undefined : t === 'auto' ? 'auto' : Number(t);
}

const escapeHtml = (t) => t.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

const fmt = (v) => (Object.is(v, -0) ? 0 : v).toFixed(4);

/** Renders one `runDemo` result as an HTML table (a string; the values are our own numbers). */
export function resultTable(r, title) {
  const rows = r.cases
    .map((c) => `<tr><td>${c.name}</td><td>[${c.shape.join(', ')}]</td><td class="num">${fmt(c.checksum)}</td>` +
      `<td class="num">${fmt(c.absSum)}</td><td class="num">${c.first.map(fmt).join(' ')}</td></tr>`)
    .join('');
  return `<h2>${title}</h2>
<p>backend <b class="backend">${r.backend}</b> &middot; threads <b class="threads">${r.threads.count}</b>
&middot; init() ${r.initMs.toFixed(1)} ms &middot; ${r.cases.length} calls ${r.runMs.toFixed(1)} ms</p>
${r.threads.reason ? `<p class="reason">${r.threads.count === 1 ? 'one thread' : `${r.threads.count} threads`}: ${escapeHtml(r.threads.reason)}</p>` : ''}
<table><thead><tr><th>call</th><th>output shape</th><th>sum</th><th>sum |y|</th><th>first values</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

/**
 * Runs the demo on this page (and in `worker` if given), shows it in `#app` and publishes it on
 * `window.__results` ({backend, initMs, threads, isolated, cases, worker?}) for tests/browser, or `window.__error`.
 * `?backend=wasm` (or any backend name) in the page's URL asks init() for that backend, and
 * `?threads=2` (or 'auto') for that many threads; the page shows how many it got and, if fewer,
 * why (threads().reason: e.g. the COOP/COEP headers a page needs for threads).
 * @param sc     the simdconv module
 * @param label  the bundler's name, for the heading
 * @param worker a Worker that answers a message {backend?, threads?} with `runDemo`'s result (or {error})
 */
export async function showDemo(sc, label, worker) {
  const app = document.getElementById('app');
  document.head.insertAdjacentHTML('beforeend', `<style>${STYLE}</style>`);
  try {
    const want = new URLSearchParams(location.search).get('backend') ?? undefined;
    const threads = threadsParam(location.search);
    const main = await runDemo(sc, { backend: want, threads });
    let html = resultTable(main, 'Main thread');
    let workerResult;
    if (worker) {
      workerResult = await new Promise((resolve, reject) => {
        worker.onmessage = (e) => (e.data.error ? reject(new Error(`worker: ${e.data.error}`)) : resolve(e.data));
        worker.onerror = (e) => reject(new Error(`worker: ${e.message}`));
        worker.postMessage({ backend: want, threads });
      });
      html += resultTable(workerResult, 'Web Worker');
      const same = main.cases.every((c, i) => c.data.every((v, j) => close(workerResult.cases[i].data[j], v)));
      html += `<p class="verdict">worker and main thread agree: <b>${same ? 'yes' : 'NO'}</b></p>`;
    }
    app.innerHTML = `<p>simdconv bundled by <b>${label}</b> &middot; crossOriginIsolated ` +
      `<b class="isolated">${self.crossOriginIsolated ? 'yes' : 'no'}</b></p>` + html;
    window.__results = { ...main, worker: workerResult };
  } catch (e) {
    app.innerHTML = `<p class="error">failed: ${String(e && e.stack ? e.stack : e)}</p>`;
    window.__error = String(e && e.stack ? e.stack : e);
    throw e;
  }
}

/** API.md's tolerance. */
export function close(a, b) {
  return Math.abs(a - b) <= 1e-4 + 1e-4 * Math.abs(b) || (Number.isNaN(a) && Number.isNaN(b));
}

/** The worker's side: answers a message {backend?, threads?} with runDemo's result. */
export function serveDemo(sc, scope) {
  scope.onmessage = async (e) => {
    try {
      scope.postMessage(await runDemo(sc, { where: 'worker', backend: e.data?.backend, threads: e.data?.threads }));
    } catch (e) {
      scope.postMessage({ error: String(e && e.stack ? e.stack : e) });
    }
  };
}

export const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 8px; } h2 { font-size: 16px; margin: 18px 0 6px; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
td.num { font-family: ui-monospace, monospace; text-align: right; } .backend { color: #0a6; }
.error { color: #c00; white-space: pre-wrap; } .reason { color: #555; font-size: 13px; }
`;
