#!/usr/bin/env node
// Browser test of the examples: packs simdconv, installs the tarball into each example
// (examples/vite, examples/webpack, examples/esbuild, examples/audio-worklet), builds it with its bundler, serves the
// build on 127.0.0.1 and opens it in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core). For each page it checks that
//   (a) the numbers equal Node's for the same calls (the same examples/shared/demo.js, run by
//       tests/browser/node-reference.mjs on the installed package, on every backend): within
//       API.md's tolerance |a-b| <= 1e-4 + 1e-4|b| of Node's default backend, and bit for bit
//       where the page ran a backend Node ran too (the same wasm, or the same JavaScript),
//   (b) init() picked a SIMD backend (wasm-relaxed or wasm-simd),
//   (c) the Web Worker's numbers equal them too,
//   (d) there was no console error, page error or failed request,
//   (e) threads: served without COOP/COEP, the page and its worker run on one thread and
//       threads().reason names both headers; the Vite, webpack and esbuild builds are served a
//       second time with them, where the page and its worker each run a pool (threads 'auto', or
//       2 if Chromium reports one core) and, once the page is left (navigated away or closed),
//       none of its workers runs on (Chromium's target list, nested workers included);
// and it runs the benchmark page once (few runs) to check that it draws its chart. The
// audio-worklet page streams a signal through stream() inside an AudioWorkletProcessor, rendered by
// an OfflineAudioContext: its init() must pick a SIMD backend there and the audio equal run().
// Screenshots go to a temp directory (printed); init() times in Chromium are printed.
//
//   node scripts/browser-test.mjs                 # pack, install, build, test
//   SIMDCONV_TGZ=/path/x.tgz node scripts/browser-test.mjs
//   node scripts/browser-test.mjs --no-install    # reuse each example's node_modules
//   node scripts/browser-test.mjs --only=vite     # one example
//   CHROMIUM=/path/to/chrome node scripts/browser-test.mjs
//
// Ends with `N passed, N failed`; exit code 1 on any failure.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer as createNetServer } from 'node:net';
import { Checks, NPM_QUIET, ROOT, assert, packTarball, tempDir } from '../tests/package/util.mjs';
import { serve } from '../tests/browser/server.mjs';
import { EXAMPLES, CHROMIUM_ARGS, ISOLATION_HEADERS, compareBits, compareResults, SIMD_BACKENDS } from '../tests/browser/examples.mjs';

const argv = process.argv.slice(2);
const NO_INSTALL = argv.includes('--no-install');
const ONLY = argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PAGE_TIMEOUT_MS = 120_000;
// Chromium stops a worker that does not yield to it within 2 s of its page going away (the
// pool's sleep in Atomics.wait included); a worker still listed after this runs on.
const WORKERS_GONE_MS = 8_000;
// Where an isolated page is navigated to when the test leaves it (same origin, same headers).
const LEFT_PAGE = 'left.html';

const checks = new Checks();
const t0 = Date.now();
const shots = tempDir('screens');
const examples = EXAMPLES.filter((e) => !ONLY || ONLY.includes(e.name));

/** Runs a command asynchronously (examples install and build in parallel); rejects with its output. */
function sh(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) :
      reject(new Error(`\`${cmd} ${args.join(' ')}\` in ${cwd} exited ${code}:\n${out.trim().split('\n').slice(-30).join('\n')}`))));
  });
}

// 1. The package, and each example installed and built.
let tgz;
if (!NO_INSTALL) tgz = await checks.check('npm pack', () => packTarball());
const ready = new Set();
await Promise.all(examples.map(async (ex) => {
  const dir = join(ROOT, 'examples', ex.name);
  if (!NO_INSTALL) {
    if (!tgz) return;
    const ok = await checks.check(`${ex.name}: npm ci && npm install --no-save <tarball>`, async () => {
      await sh('npm', ['ci', ...NPM_QUIET], dir);
      // Not in the example's package.json: a lockfile pin of a local tarball lets npm ci reuse a stale copy.
      await sh('npm', ['install', '--no-save', ...NPM_QUIET, tgz], dir);
      return true;
    });
    if (!ok) return;
  }
  const built = await checks.check(`${ex.name}: npm run build`, async () => {
    const out = await sh('npm', ['run', 'build'], dir);
    const warn = out.split('\n').filter((l) => /\bwarn(ing)?\b/i.test(l) && !/^npm warn/i.test(l));
    if (warn.length) console.log(`  ${ex.name} build warnings:\n    ${warn.slice(0, 10).join('\n    ')}`);
    return true;
  });
  if (built) ready.add(ex.name);
}));

// 2. Node's results for the same calls, on the package as installed in an example, on every
// backend Node runs (in a child with relaxed SIMD, so that Node 20 has wasm-relaxed as Chromium does).
async function nodeResults() {
  const ex = examples.find((e) => ready.has(e.name)) ?? examples[0];
  const pkgDir = join(ROOT, 'examples', ex.name, 'node_modules/simdconv');
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const imp = pkg.exports?.['.']?.import;
  const entry = (typeof imp === 'object' ? imp?.default : imp) ?? pkg.module ?? pkg.main;
  const out = await sh(process.execPath, [join(ROOT, 'scripts/relaxed-node.mjs'), join(ROOT, 'tests/browser/node-reference.mjs'), join(pkgDir, entry)], ROOT);
  return JSON.parse(out);
}
const nodeRef = ready.size ? await checks.check('Node: the demo calls on the installed package, every backend', nodeResults) : undefined;
const reference = nodeRef?.byBackend[nodeRef.auto];
if (reference) {
  console.log(`  Node picked ${reference.backend} on ${reference.threads.count} threads, init() ${reference.initMs.toFixed(1)} ms; ` +
    `also ran ${Object.keys(nodeRef.byBackend).filter((b) => b !== nodeRef.auto).join(', ')}`);
}

// 3. Chromium.
const summary = { chromium: CHROMIUM, node: reference && { backend: reference.backend, initMs: reference.initMs }, pages: [] };
let browser;
if (ready.size) {
  browser = await checks.check(`launch ${CHROMIUM}`, async () => {
    assert(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM=)`);
    const { chromium } = await import('playwright-core');
    return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  });
}

/**
 * Opens `url`, collects errors, waits for `waitFor` (a window property) or window.__error; then,
 * if given, `leave(page)` (its value is the result's `left`) before the context closes.
 */
async function openPage(url, waitFor, shotName, on = browser, leave) {
  const context = await on.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console.error: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`); });
  try {
    await page.goto(url);
    let timeout;
    await page.waitForFunction((k) => window[k] !== undefined || window.__error !== undefined, waitFor, { timeout: PAGE_TIMEOUT_MS })
      .catch((e) => (timeout = e));
    const got = await page.evaluate((k) => ({ value: window[k], error: window.__error, text: document.body.innerText }), waitFor);
    const shot = join(shots, `${shotName}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    if (timeout) {
      got.error = `no window.${waitFor} after ${PAGE_TIMEOUT_MS / 1000} s; the page shows:\n${got.text.slice(0, 600)}` +
        (errors.length ? `\nerrors: ${errors.join('\n')}` : '');
    }
    const left = !got.error && leave ? await leave(page) : undefined;
    return { ...got, errors, shot, left };
  } finally {
    await context.close();
  }
}

const cdpSessions = new WeakMap();
/** The worker targets of `origin` (its scripts and its blob: workers) in Chromium's target list. */
async function workerTargets(on, origin) {
  if (!cdpSessions.has(on)) cdpSessions.set(on, await on.newBrowserCDPSession());
  const { targetInfos } = await cdpSessions.get(on).send('Target.getTargets');
  return targetInfos.filter((t) => t.type === 'worker' && (t.url.startsWith(`${origin}/`) || t.url.startsWith(`blob:${origin}/`)));
}

/**
 * Leaves `page` (how: 'navigate' to LEFT_PAGE on the same site, or 'close') and waits for the
 * site's workers to go. Each site is opened by one page at a time, so its workers are that page's.
 * @returns {{before: number, after: number, ms: number}} workers before, workers left, ms waited
 */
async function leavePage(page, base, how, on) {
  const origin = new URL(base).origin;
  const before = (await workerTargets(on, origin)).length;
  const t0 = Date.now();
  if (how === 'close') await page.close();
  else await page.goto(base + LEFT_PAGE);
  let after;
  for (;;) {
    after = (await workerTargets(on, origin)).length;
    if (after === 0 || Date.now() - t0 > WORKERS_GONE_MS) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { before, after, ms: Date.now() - t0 };
}

/** Throws unless `res` (a page's or worker's runDemo result) has the threads its page's headers allow. */
function checkThreads(res, isolated, who) {
  const t = res.threads;
  assert(res.isolated === isolated, `${who}: crossOriginIsolated is ${res.isolated}`);
  if (isolated) {
    assert(t.count > 1 && t.reason === '', `${who}: threads() ${JSON.stringify(t)}`);
  } else {
    assert(t.count === 1, `${who}: threads() ${JSON.stringify(t)}`);
    // the reason is the headers only where threads could have run: a SIMD backend
    if (SIMD_BACKENDS.includes(res.backend)) {
      for (const h of ['Cross-Origin-Opener-Policy', 'Cross-Origin-Embedder-Policy']) {
        assert(t.reason.includes(h), `${who}: threads().reason does not name ${h}: '${t.reason}'`);
      }
    }
  }
}

/** Opens each page under `base` (label e.g. 'vite' or 'vite dev') and checks it; `isolated`: served with COOP/COEP. */
async function checkPages(name, base, pages, on = browser, { isolated = false } = {}) {
  for (const p of pages) {
    const label = `${name}/${p.path}`;
    // 'auto' where Chromium reports two cores or more, else two asked for by name
    const path = isolated && pageCores < 2 ? `${p.path}${p.path.includes('?') ? '&' : '?'}threads=2` : p.path;
    const r = await checks.check(`${label}: loads and publishes ${p.waitFor}`, async () => {
      const leave = p.lifetime && ((page) => leavePage(page, base, p.lifetime, on));
      const got = await openPage(base + path, p.waitFor, `${name.replace(/\W+/g, '-')}-${p.path.replace(/\W+/g, '_')}`, on, leave);
      console.log(`  screenshot ${got.shot}`);
      assert(!got.error, `the page reported: ${got.error}`);
      return got;
    });
    if (!r) continue;
    await checks.check(`${label}: no console error, page error or failed request`, () => {
      assert(!r.errors.length, r.errors.join('\n'));
    });
    if (p.waitFor === '__results') {
      const res = r.value;
      summary.pages.push({ page: label, backend: res.backend, initMs: res.initMs, threads: res.threads, isolated: res.isolated,
        workerBackend: res.worker?.backend, workerInitMs: res.worker?.initMs, workerThreads: res.worker?.threads, left: r.left });
      console.log(`  ${label}: init() picked ${res.backend} on ${res.threads.count} thread(s) in ${res.initMs.toFixed(1)} ms` +
        (res.worker ? `; worker picked ${res.worker.backend} on ${res.worker.threads.count} in ${res.worker.initMs.toFixed(1)} ms` : '') +
        (res.threads.reason ? `\n    reason: ${res.threads.reason}` : ''));
      if (p.backend) {
        await checks.check(`${label}: init() resolved to '${p.backend}'`, () => {
          assert(res.backend === p.backend, `got ${res.backend}`);
          if (res.worker) assert(res.worker.backend === p.backend, `worker got ${res.worker.backend}`);
        });
      } else {
        await checks.check(`${label}: init() picked a SIMD backend`, () => {
          assert(SIMD_BACKENDS.includes(res.backend), `picked ${res.backend}`);
          if (res.worker) assert(SIMD_BACKENDS.includes(res.worker.backend), `worker picked ${res.worker.backend}`);
        });
      }
      await checks.check(`${label}: ${isolated ? 'cross-origin isolated, threads in page and worker' : 'not isolated: one thread, reason names COOP and COEP'}`, () => {
        checkThreads(res, isolated, 'page');
        if (p.worker) checkThreads(res.worker, isolated, 'worker');
      });
      if (reference) {
        await checks.check(`${label}: main-thread numbers equal Node's`, () => compareResults(res, reference));
      }
      if (p.worker) {
        await checks.check(`${label}: worker numbers equal Node's`, () => {
          assert(res.worker, 'no worker results on window.__results.worker');
          if (reference) compareResults(res.worker, reference);
        });
      }
      // the same backend in Node and the page: the same wasm (or JavaScript) on the same inputs,
      // at any thread count, must give the same bits
      const same = nodeRef?.byBackend[res.backend];
      if (same) {
        await checks.check(`${label}: bits equal Node's ${res.backend} (page ${res.threads.count} thread(s), Node ${same.threads.count})`, () => {
          compareBits(res, same);
          if (res.worker) {
            assert(res.worker.backend === res.backend, `worker ran ${res.worker.backend}`);
            compareBits(res.worker, same);
          }
        });
      }
      if (p.lifetime) {
        await checks.check(`${label}: no worker outlives the page (${p.lifetime === 'close' ? 'closed' : 'navigated away'})`, () => {
          const l = r.left;
          // the demo's worker, the page's pool and the worker's pool (each threads().count - 1)
          const want = 1 + (res.threads.count - 1) + (res.worker ? res.worker.threads.count - 1 : 0);
          assert(l.before === want, `${l.before} workers while the page ran, expected ${want}`);
          assert(l.after === 0, `${l.after} of its workers still run ${l.ms} ms after the page was left`);
          // about 2 s where the pool is not closed on pagehide: Chromium force-stops workers asleep in Atomics.wait
          console.log(`  ${label}: its ${l.before} workers were gone ${l.ms} ms after the page was left`);
        });
      }
    } else if (p.waitFor === '__worklet') {
      const w = r.value;
      summary.pages.push({ page: label, worklet: w });
      console.log(`  ${label}: the worklet's init() picked ${w.backend}; ${w.quanta} quanta rendered, worst ${w.worst.toFixed(3)}x the tolerance`);
      await checks.check(`${label}: init() in the AudioWorkletGlobalScope picked a SIMD backend`, () => {
        assert(SIMD_BACKENDS.includes(w.backend), `picked ${w.backend}`);
      });
      await checks.check(`${label}: the audio the worklet streamed equals run() on the whole signal`, () => {
        assert(w.ok && w.quanta * 128 >= w.frames, `worst ${w.worst}x the tolerance at frame ${w.worstAt}, ${w.quanta} quanta`);
      });
    } else if (p.waitFor === '__bench') {
      await checks.check(`${label}: every layer timed on every backend, chart drawn`, () => {
        const b = r.value;
        assert(b.rows.length >= 2 && b.rows.every((row) => row.ms > 0 && Number.isFinite(row.gflops)), JSON.stringify(b.rows));
        summary.pages.push({ page: label, bench: b });
        for (const row of b.rows) console.log(`    ${row.layer.padEnd(14)} ${row.backend.padEnd(12)} ${row.ms.toFixed(2).padStart(8)} ms ${row.gflops.toFixed(2).padStart(7)} GFLOP/s`);
      });
    }
  }
}

/** A free TCP port on 127.0.0.1 (for a dev server that cannot take port 0). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the example's dev server (ex.dev.command + port args); resolves to {url, stop}. */
async function startDevServer(ex) {
  const dir = join(ROOT, 'examples', ex.name);
  const port = await freePort();
  const [cmd, ...args] = ex.dev.command(port);
  const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('close', resolve);
    child.kill('SIGTERM');
  });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dev server exited ${child.exitCode}:\n${out}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return { url, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`dev server not up on ${url} after 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

let pageCores = 0;
if (browser) {
  const version = browser.version();
  summary.chromiumVersion = version;
  const blank = await browser.newPage();
  pageCores = await blank.evaluate(() => navigator.hardwareConcurrency);
  await blank.close();
  summary.pageCores = pageCores;
  console.log(`  Chromium ${version}, navigator.hardwareConcurrency ${pageCores}`);
  for (const ex of examples.filter((e) => ready.has(e.name))) {
    const site = await serve(join(ROOT, 'examples', ex.name, ex.serveDir));
    try {
      await checkPages(ex.name, site.url, ex.pages);
    } finally {
      await site.close();
    }
    // the same build, cross-origin isolated
    if (ex.isolated) {
      const left = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>left</title><p>the test left the page</p>';
      const isoSite = await serve(join(ROOT, 'examples', ex.name, ex.serveDir), { headers: ISOLATION_HEADERS, files: { [`/${LEFT_PAGE}`]: left } });
      try {
        await checkPages(`${ex.name} coop-coep`, isoSite.url, ex.isolated.pages, browser, { isolated: true });
      } finally {
        await isoSite.close();
      }
    }
    for (const c of ex.csp ?? []) {
      const cspSite = await serve(join(ROOT, 'examples', ex.name, ex.serveDir), { headers: { 'content-security-policy': c.policy } });
      try {
        await checkPages(`${ex.name} csp-${c.name}`, cspSite.url, c.pages);
      } finally {
        await cspSite.close();
      }
    }
    if (ex.dev) {
      const dev = await checks.check(`${ex.name}: dev server starts`, () => startDevServer(ex));
      if (dev) {
        try {
          await checkPages(`${ex.name} dev`, dev.url, ex.dev.pages);
        } finally {
          await dev.stop();
        }
      }
    }
  }
  await browser.close();

  // A browser without WebAssembly (V8 --jitless, as in Edge's enhanced security mode or iOS
  // Lockdown Mode): init() must fall back to 'js' by itself and compute the same numbers.
  const ex = examples.find((e) => ready.has(e.name) && e.noWasm);
  if (ex) {
    const jitless = await checks.check('launch Chromium with --js-flags=--jitless (no WebAssembly)', async () => {
      const { chromium } = await import('playwright-core');
      return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--js-flags=--jitless'], timeout: 60_000 });
    });
    if (jitless) {
      const site = await serve(join(ROOT, 'examples', ex.name, ex.serveDir));
      try {
        await checkPages(`${ex.name} no-wasm`, site.url, ex.noWasm.pages, jitless);
      } finally {
        await site.close();
        await jitless.close();
      }
    }
  }
}

writeFileSync(join(shots, 'summary.json'), JSON.stringify(summary, null, 2));
console.log(`screenshots and summary.json in ${shots}; ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
checks.finish();
