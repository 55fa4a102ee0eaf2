#!/usr/bin/env node
/**
 * The threads bench in a browser: TensorFlow.js wasm with its threaded build, which it refuses to
 * run in Node (tfjs issue 3830, bench/peers/tfjs.mjs), beside simdconv and onnxruntime-web
 * (env.wasm.numThreads) at the same thread counts, on the reference layers, in one page of headless Chromium (/usr/bin/chromium through playwright-core)
 * served with COOP/COEP (cross-origin isolated: SharedArrayBuffer and threads allowed).
 *
 * Each contender at each count lives in its own Web Worker of the page: a library reads its thread
 * count once per instance (tfjs-wasm: setThreadsCount before the backend starts, and its pool is
 * otherwise half the cores), so one worker per (library, count) holds each count in one page, and a
 * worker may block in Atomics.wait where a page's main thread would spin. The page prepares every
 * contender of a layer, checks its output against simdconv's at the first count (API.md's
 * tolerance), then times them in interleaved rounds, each window inside its worker (batches of
 * calls, the median per call); the table is bench/run.mjs's threads table (medians of per-round ratios).
 * tfjs-wasm at one thread runs its plain SIMD build (as in Node), above one its threaded SIMD build
 * with setThreadsCount(N). A shim: tfjs 4.22 caps its pool at navigator.hardwareConcurrency / 2
 * even when setThreadsCount asks for more (backend.cc assumes two logical CPUs per core), which
 * leaves it one thread on a 2-core host; where N is above that cap, its worker reports
 * hardwareConcurrency as 2N before the backend starts, so that the N threads asked for (at most the
 * real cores, as for the others) run. The label then says so, and gives getThreadsCount(), the
 * count of tfjs's pool. ort-web loads its own dist files (ort.wasm.min.mjs and its threaded
 * wasm) in each worker and runs the suite's one-node ONNX models (bench/peers/ort.mjs).
 *
 * --network: the MobileNetV1 body instead (bench/networks/mobilenet.mjs: 27 conv + ReLU6 layers,
 * the same seeded weights): simdconv's createSequence of the 27 layers, tfjs-wasm's fused ops
 * chained, ort-web's one 27-node model; one row, same table.
 *
 *   npm run build && node bench/browser.mjs [--threads 1,2] [--layers filter | --network] [--rounds 5]
 *     [--quick] [--markdown file] [--json file]
 */
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import os from 'node:os';
import { LAYERS, buildCase, selectCases } from './cases.mjs';
import { threadList } from './cli.mjs';
import { threadsText, threadsMarkdown } from './run.mjs';
import { mobilenetCases, mobilenetOnnx } from './networks/mobilenet.mjs';
import { serve } from '../tests/browser/server.mjs';
import { CHROMIUM_ARGS } from '../tests/browser/examples.mjs';
// browser/page.mjs: the worker's and the page's source and the case files; this file builds and
// serves them, drives Chromium and prints the table
import { HOST, PAGE, writeCases } from './browser/page.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

const USAGE = `Usage: node bench/browser.mjs [options]

simdconv, TensorFlow.js wasm (threaded build) and onnxruntime-web at each thread count, in headless Chromium
with COOP/COEP, one Web Worker per library and count, interleaved rounds.

  --threads <list>   thread counts (default 1,2)
  --layers <filter>  reference layers (names, substrings or types; default all 18)
  --network          the MobileNetV1 body (27 layers + ReLU6) as one contender per library and count
  --rounds <n>       interleaved rounds (default 5; --quick 1)
  --quick            short windows: proves the wiring, not a measurement
  --markdown <file>  write the table as markdown
  --json <file>      write every figure as JSON`;

function parseArgs(argv) {
  const o = { threads: [1, 2], filter: '', rounds: null, quick: false, markdown: null, json: null, network: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`browser bench: ${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--threads': o.threads = threadList(value()); break;
      case '--layers': o.filter = value(); break;
      case '--rounds': o.rounds = Number(value()); break;
      case '--quick': o.quick = true; break;
      case '--network': o.network = true; break;
      case '--markdown': case '--md': o.markdown = value(); break;
      case '--json': o.json = value(); break;
      case '-h': case '--help': o.help = true; break;
      default: throw new Error(`browser bench: unknown option '${a}'\n\n${USAGE}`);
    }
  }
  o.rounds ??= o.quick ? 1 : 5;
  return o;
}

export async function main(argv) {
  const o = parseArgs(argv);
  if (o.help) { console.log(USAGE); return 0; }
  if (!existsSync(join(ROOT, 'dist/index.js'))) throw new Error('browser bench: dist/index.js is missing: npm run build');
  if (!existsSync(CHROMIUM)) throw new Error(`browser bench: ${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM=)`);
  if (o.network && o.filter) throw new Error('browser bench: --network and --layers exclude each other');
  const specs = o.network ? [] : o.filter ? selectCases(LAYERS, o.filter) : LAYERS;
  if (!o.network && !specs.length) throw new Error(`browser bench: --layers ${o.filter} selects no reference layer`);
  const cases = o.network ? mobilenetCases() : specs.map((s) => buildCase(s));
  const network = o.network ? { name: 'mobilenetv1.body', macs: cases.reduce((a, bc) => a + bc.expectedMacs, 0) } : null;
  const dir = mkdtempSync(join(tmpdir(), 'simdconv-browser-bench-'));
  const t0 = performance.now();
  try {
    copyFileSync(join(ROOT, 'dist/index.js'), join(dir, 'index.js'));
    const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    mkdirSync(join(dir, 'tfjs'));
    for (const f of readdirSync(wasmDir).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join(dir, 'tfjs', f));
    // the package's "exports" hide package.json: its main entry lives in dist/ beside the files the page loads
    const ortDir = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
    mkdirSync(join(dir, 'ort'));
    for (const f of ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm']) copyFileSync(join(ortDir, f), join(dir, 'ort', f));
    writeFileSync(join(dir, 'host-entry.js'), HOST);
    // bench/peers/tfjs.mjs imports Node modules (and resolve.mjs) for its loader, which the page does not call
    const stubNode = {
      name: 'stub-node',
      setup(b) {
        b.onResolve({ filter: /^node:/ }, (a) => ({ path: a.path, namespace: 'stub' }));
        b.onResolve({ filter: /\/resolve\.mjs$/ }, () => ({ path: 'resolve', namespace: 'stub-resolve' }));
        b.onLoad({ filter: /.*/, namespace: 'stub-resolve' }, () => ({ contents: 'export const importPeer = async () => null; export const resolvePeer = () => null;' }));
        b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export const dirname = () => ""; export const createRequire = () => () => null; export const pathToFileURL = (p) => p; export const join = (...p) => p.join("/");' }));
      },
    };
    await build({ entryPoints: [join(dir, 'host-entry.js')], bundle: true, format: 'esm', platform: 'browser', outfile: join(dir, 'host.js'),
      external: ['./index.js'], plugins: [stubNode], logLevel: 'error', nodePaths: [join(ROOT, 'node_modules')] });
    const budget = o.quick ? { samples: 2, minMs: 2 } : { samples: 5, minMs: 20 };
    if (network) writeFileSync(join(dir, 'net.onnx'), mobilenetOnnx(cases));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ counts: o.threads, rounds: o.rounds, budget, network, cases: writeCases(dir, cases, { onnx: !network }) }));
    await build({ entryPoints: [join(ROOT, 'bench/close.cjs')], bundle: true, format: 'esm', platform: 'browser', outfile: join(dir, 'close.js'), logLevel: 'error' });
    writeFileSync(join(dir, 'main.js'), PAGE);
    writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>');

    const server = await serve(dir, { headers: ISOLATED });
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
    let r;
    try {
      const page = await browser.newPage();
      page.on('console', (m) => process.stderr.write(`${m.text().replace(/^progress: /, '')}\n`));
      // an error outside the page's try (a module that does not load) ends the run instead of the wait
      const failed = new Promise((_, reject) => page.on('pageerror', (e) => reject(new Error(`browser bench: page error: ${e.message}`))));
      await page.goto(server.url);
      r = await Promise.race([page.waitForFunction(() => window.result, null, { timeout: 0, polling: 1000 }).then((h) => h.jsonValue()), failed]);
    } finally {
      await browser.close();
      await server.close();
    }
    if (r.error) throw new Error(`browser bench: the page failed: ${r.error}`);
    if (!r.isolated) throw new Error('browser bench: the page is not cross-origin isolated: no threads');
    const path = r.rows.find((x) => x.kind === 'path')?.contender;
    const result = {
      meta: {
        date: new Date().toISOString(), where: 'browser', userAgent: r.userAgent, cpu: os.cpus()[0]?.model?.trim(), cores: r.cores, quick: o.quick,
        primaryLayout: 'NCHW', autoBackend: path, paths: [path], peers: {},
        threads: { counts: o.threads, peers: r.labels, libs: Object.fromEntries(o.threads.map((n) => [n, { count: r.threads[`${path}@${n}`] ?? null, reason: '' }])) },
        loadAvg: os.loadavg()[0], durationS: +((performance.now() - t0) / 1e3).toFixed(1),
      },
      notes: [],
      cases: network ? [{ case: network.name, suite: 'layers', type: 'network', mflop: (2 * network.macs) / 1e6 }]
        : cases.map((bc) => ({ case: bc.spec.name, suite: 'layers', type: bc.spec.type, mflop: (2 * bc.expectedMacs) / 1e6 })),
      rows: r.rows.filter((x) => x.threads === o.threads[0]),
      threadRows: r.rows.filter((x) => x.threads !== o.threads[0]),
    };
    const head = `simdconv browser bench: ${r.userAgent}; ${r.cores} logical CPUs (${result.meta.cpu}); cross-origin isolated; `
      + `${o.rounds} interleaved round(s)${o.quick ? ', QUICK (not a measurement)' : ''}; load average ${os.loadavg()[0].toFixed(2)} at the end`;
    console.log(`${head}${threadsText(result)}`);
    for (const x of r.rows) if (x.status !== 'ok') console.log(`${x.case} ${x.contender} @${x.threads}: ${x.status}${x.note ? ` (${x.note})` : ''}`);
    if (o.markdown) { mkdirSync(dirname(resolve(o.markdown)), { recursive: true }); writeFileSync(resolve(o.markdown), `${head}\n${threadsMarkdown(result)}`); }
    if (o.json) { mkdirSync(dirname(resolve(o.json)), { recursive: true }); writeFileSync(resolve(o.json), `${JSON.stringify(result, null, 1)}\n`); }
    return r.rows.some((x) => x.status === 'mismatch') ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    console.error(e?.message ?? e);
    process.exitCode = 1;
  });
}
