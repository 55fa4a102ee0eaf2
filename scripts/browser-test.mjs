#!/usr/bin/env node
// Browser test of the examples: packs simdconv, installs the tarball into each example
// (examples/vite, examples/webpack, examples/esbuild, examples/audio-worklet), builds it with its bundler, serves the
// build on 127.0.0.1 and opens it in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core). For each page it checks that
//   (a) the numbers equal Node's for the same calls (the same examples/shared/demo.js, run here
//       on the installed package; API.md's tolerance |a-b| <= 1e-4 + 1e-4|b|),
//   (b) init() picked a SIMD backend (wasm-relaxed or wasm-simd),
//   (c) the Web Worker's numbers equal them too,
//   (d) there was no console error, page error or failed request;
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
import { pathToFileURL } from 'node:url';
import { Checks, NPM_QUIET, ROOT, assert, packTarball, tempDir } from '../tests/package/util.mjs';
import { serve } from '../tests/browser/server.mjs';
import { EXAMPLES, CHROMIUM_ARGS, compareResults, SIMD_BACKENDS } from '../tests/browser/examples.mjs';

const argv = process.argv.slice(2);
const NO_INSTALL = argv.includes('--no-install');
const ONLY = argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PAGE_TIMEOUT_MS = 120_000;

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

// 2. Node's results for the same calls, on the package as installed in an example.
async function nodeResults() {
  const ex = examples.find((e) => ready.has(e.name)) ?? examples[0];
  const pkgDir = join(ROOT, 'examples', ex.name, 'node_modules/simdconv');
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const imp = pkg.exports?.['.']?.import;
  const entry = (typeof imp === 'object' ? imp?.default : imp) ?? pkg.module ?? pkg.main;
  const sc = await import(pathToFileURL(join(pkgDir, entry)).href);
  const { runDemo } = await import(pathToFileURL(join(ROOT, 'examples/shared/demo.js')).href);
  return runDemo(sc, { where: 'node' });
}
const reference = ready.size ? await checks.check('Node: the demo calls on the installed package', nodeResults) : undefined;
if (reference) console.log(`  Node picked ${reference.backend}, init() ${reference.initMs.toFixed(1)} ms`);

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

/** Opens `url`, collects errors, waits for `waitFor` (a window property) or window.__error. */
async function openPage(url, waitFor, shotName, on = browser) {
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
    return { ...got, errors, shot };
  } finally {
    await context.close();
  }
}

/** Opens each page under `base` (label e.g. 'vite' or 'vite dev') and checks it. */
async function checkPages(name, base, pages, on = browser) {
  for (const p of pages) {
    const label = `${name}/${p.path}`;
    const r = await checks.check(`${label}: loads and publishes ${p.waitFor}`, async () => {
      const got = await openPage(base + p.path, p.waitFor, `${name.replace(/\W+/g, '-')}-${p.path.replace(/\W+/g, '_')}`, on);
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
      summary.pages.push({ page: label, backend: res.backend, initMs: res.initMs, workerBackend: res.worker?.backend, workerInitMs: res.worker?.initMs });
      console.log(`  ${label}: init() picked ${res.backend} in ${res.initMs.toFixed(1)} ms` +
        (res.worker ? `; worker picked ${res.worker.backend} in ${res.worker.initMs.toFixed(1)} ms` : ''));
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
      if (reference) {
        await checks.check(`${label}: main-thread numbers equal Node's`, () => compareResults(res, reference));
      }
      if (p.worker) {
        await checks.check(`${label}: worker numbers equal Node's`, () => {
          assert(res.worker, 'no worker results on window.__results.worker');
          if (reference) compareResults(res.worker, reference);
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

if (browser) {
  const version = browser.version();
  summary.chromiumVersion = version;
  console.log(`  Chromium ${version}`);
  for (const ex of examples.filter((e) => ready.has(e.name))) {
    const site = await serve(join(ROOT, 'examples', ex.name, ex.serveDir));
    try {
      await checkPages(ex.name, site.url, ex.pages);
    } finally {
      await site.close();
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
