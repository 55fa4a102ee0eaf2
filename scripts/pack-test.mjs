#!/usr/bin/env node
// Package test: what a user gets from `npm install simdconv`. Packs the repository (npm pack runs
// `prepare`, the full build), installs the tarball into a fresh `npm init -y` project in a temp
// directory, and there: require() it (CommonJS), import it (ES module), type-check a consumer
// (tsc, three module resolutions), and bundle it for the browser (esbuild, platform=browser) to
// prove nothing reachable imports a Node built-in; and run `npx simdconv bench --quick` there.
// Catches files missing from `files`, `exports` pointing nowhere, Node-only code in the bundle,
// and a bench command that writes anywhere but the user's directory.
//
//   node scripts/pack-test.mjs            # packs first
//   SIMDCONV_TGZ=/path/x.tgz node scripts/pack-test.mjs
//
// Ends with `N passed, N failed`; exit code 1 on any failure.
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { relaxedFlags } from '../bin/relaxed-simd.mjs';
import { Checks, ROOT, NPM_QUIET, assert, npm, packTarball, run, tarballFiles, tempDir } from '../tests/package/util.mjs';

const checks = new Checks();
const t0 = Date.now();

const tgz = await checks.check('npm pack', () => packTarball());
if (!tgz) {
  checks.finish();
  process.exit();
}

const files = tarballFiles(tgz);
await checks.check('tarball holds what exports/main/module/types name', () => {
  const pkg = JSON.parse(run('tar', ['xzOf', tgz, 'package/package.json']));
  const decls = files.filter((f) => f.endsWith('.d.ts')).length;
  console.log(`  ${files.length} files: ${files.filter((f) => !f.endsWith('.d.ts')).join(', ')} and ${decls} .d.ts`);
  const named = new Set([pkg.main, pkg.module, pkg.types, ...Object.values(pkg.bin ?? {})]);
  const walk = (v) => (typeof v === 'string' ? named.add(v) : v && typeof v === 'object' && Object.values(v).forEach(walk));
  walk(pkg.exports);
  named.delete(undefined);
  const missing = [...named].filter((p) => !files.includes(p.replace(/^\.\//, '')));
  assert(!missing.length, `named in package.json but not in the tarball: ${missing.join(', ')}`);
  // The benchmark suite ships on purpose: it is what `npx simdconv bench` runs (its .mjs files and
  // the layer list); its results, its maintainer scripts (smoke test, docs renderer, network
  // benchmark), the tools and everything else of the repository stay out.
  const stray = files.filter((f) => /^(src|assembly|tests|scripts|tools|docs|examples|node_modules|bench\/results|bench\/networks)\//.test(f)
    || /^bench\/(smoke|render-docs)\.mjs$/.test(f)
    || (f.startsWith('bench/') && !/\.mjs$|^bench\/layers(-1d-3d)?\.json$|^bench\/(rng|close)\.cjs$/.test(f)));
  assert(!stray.length, `sources or tooling in the tarball: ${stray.slice(0, 10).join(', ')}`);
});

// A fresh consumer project.
const dir = tempDir('consumer');
const installed = await checks.check('npm init -y && npm install <tarball>', () => {
  npm(['init', '-y'], { cwd: dir });
  npm(['install', ...NPM_QUIET, tgz], { cwd: dir });
  assert(existsSync(join(dir, 'node_modules/simdconv/package.json')), 'simdconv not in node_modules');
  return true;
});

// The same tiny conv from both module systems: x = 1..9 (3x3), a 2x2 kernel of ones.
const CONSUMER_BODY = `
  const name = await init();
  if (!['wasm-relaxed', 'wasm-simd', 'wasm', 'js'].includes(name)) throw new Error('init() gave ' + name);
  const x = { data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), shape: [1, 1, 3, 3] };
  const w = { data: new Float32Array(4).fill(1), shape: [1, 1, 2, 2] };
  const want = [12, 16, 24, 28];
  for (const b of [undefined, 'js']) {
    const y = conv2d(x, w, { backend: b });
    if (JSON.stringify(y.shape) !== '[1,1,2,2]' || y.data.some((v, i) => Math.abs(v - want[i]) > 1e-5)) {
      throw new Error('conv2d on ' + (b ?? name) + ': ' + JSON.stringify(y));
    }
  }
  let code;
  try { conv2d(x, { data: new Float32Array(4), shape: [1, 2, 2, 2] }); } catch (e) { code = e instanceof ConvError && e.code; }
  if (code !== 'SHAPE_MISMATCH' && code !== 'CHANNEL_MISMATCH') throw new Error('bad weights gave ' + code);
  console.log(JSON.stringify({ backend: name, ok: true }));
`;

if (installed) {
  await checks.check('CommonJS: require("simdconv") runs conv2d', () => {
    writeFileSync(join(dir, 'check.cjs'),
      `const { init, conv2d, ConvError } = require('simdconv');\n(async () => {${CONSUMER_BODY}})().catch((e) => { console.error(e); process.exit(1); });\n`);
    const out = run(process.execPath, ['check.cjs'], { cwd: dir });
    console.log(`  ${out.trim()}`);
  });

  await checks.check('ES module: import {init, conv2d} from "simdconv" runs conv2d', () => {
    writeFileSync(join(dir, 'check.mjs'), `import { init, conv2d, ConvError } from 'simdconv';\n${CONSUMER_BODY}\n`);
    console.log(`  ${run(process.execPath, ['check.mjs'], { cwd: dir }).trim()}`);
    // Node 20/21: the flag turns relaxed SIMD on; Node 22+ has it on already (and rejects the flag)
    const flags = relaxedFlags();
    if (flags.length) console.log(`  with ${flags.join(' ')}: ${run(process.execPath, [...flags, 'check.mjs'], { cwd: dir }).trim()}`);
  });

  await checks.check('examples/stream-node: a WAV streamed through a causal stack (stream.Transform) equals run()', () => {
    copyFileSync(join(ROOT, 'examples/stream-node/stream-wav.mjs'), join(dir, 'stream-wav.mjs'));
    // no input file: the example writes its own into TMPDIR, here the consumer project
    const out = run(process.execPath, ['stream-wav.mjs'], { cwd: dir, env: { ...process.env, TMPDIR: dir } }).trim();
    for (const line of out.split('\n')) console.log(`  ${line}`);
    assert(out.includes('the streamed output equals run() on the whole signal'), 'no equality line in the output');
    assert(existsSync(join(dir, 'simdconv-stream-output.wav')), 'no output WAV written');
  });

  await checks.check('no WebAssembly (node --jitless): init() falls back to js, CJS and ESM', () => {
    for (const f of ['check.cjs', 'check.mjs']) {
      const out = run(process.execPath, ['--jitless', f], { cwd: dir }).trim();
      assert(JSON.parse(out).backend === 'js', `${f}: ${out}`);
    }
  });

  await checks.check('npx simdconv bench writes its reports into the current directory', () => {
    // benchmark.js is a devDependency of simdconv: users run `npm i -D benchmark` first; here the
    // repository's copy stands in through NODE_PATH (no registry needed)
    const env = { ...process.env, NODE_PATH: join(ROOT, 'node_modules') };
    const args = ['--no', 'simdconv', 'bench', '--quick', '--layers', 'mbv1.dw1', '--paths', 'js', '--layout', 'NCHW', '--no-peers', '--no-ceilings'];
    const r = spawnSync('npx', args, { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
    assert(r.status === 0, `npx simdconv bench exited ${r.status}:\n${r.stderr}`);
    const reports = existsSync(join(dir, 'simdconv-bench')) ? readdirSync(join(dir, 'simdconv-bench')) : [];
    const html = reports.find((f) => f.endsWith('.html'));
    assert(html && reports.some((f) => f.endsWith('.md')) && reports.some((f) => f.endsWith('.json')), `./simdconv-bench holds ${reports.join(', ') || 'nothing'}`);
    assert(r.stderr.includes(join('simdconv-bench', html)), `the command does not say where the report is:\n${r.stderr}`);
    assert(!existsSync(join(dir, 'node_modules/simdconv/bench/results')), 'reports written into node_modules/simdconv');
    console.log(`  ${r.stderr.trim().split('\n').pop()}`);
  });

  await checks.check('node -e "require(\'simdconv\')" exports the API', () => {
    const keys = run(process.execPath, ['-e', "console.log(Object.keys(require('simdconv')).sort().join(' '))"], { cwd: dir }).trim();
    const esmKeys = run(process.execPath, ['--input-type=module', '-e', "import * as m from 'simdconv'; console.log(Object.keys(m).sort().join(' '))"], { cwd: dir }).trim();
    assert(keys === esmKeys, `CommonJS and ESM export different names:\n  cjs: ${keys}\n  esm: ${esmKeys}`);
    const want = ['init', 'backend', 'memory', 'ConvError', 'conv2d', 'depthwiseConv2d', 'pointwiseConv2d', 'separableConv2d',
      'convTranspose2d', 'createConv2d', 'createDepthwiseConv2d', 'createPointwiseConv2d', 'createSeparableConv2d',
      'createConvTranspose2d', 'createSequence', 'convOutputSize', 'convTransposeOutputSize', 'conv2dShape', 'conv2dMacs',
      'createConv1d', 'createConvTranspose1d', 'ConvStream'];
    const missing = want.filter((k) => !keys.split(' ').includes(k));
    assert(!missing.length, `missing exports: ${missing.join(', ')}`);
  });

  // Types: a consumer that uses the API, checked under the three resolutions users have.
  const TS_BODY = `
const x: Tensor = { data: new Float32Array(9), shape: [1, 1, 3, 3] };
export async function f(): Promise<number> {
  const b: BackendName = await init({ backend: 'auto' });
  const opts: ConvOptions = { padding: 'same', activation: 'relu6', layout: 'NCHW', backend: b };
  const y: Tensor = conv2d(x, x, opts);
  const layer = createConv2d(x, { stride: [1, 1] });
  layer.run(x, { out: new Float32Array(9) });
  layer.dispose();
  // @ts-expect-error: layouts are case-sensitive
  conv2d(x, x, { layout: 'nchw' });
  try { conv2d(x, x); } catch (e) { if (e instanceof ConvError) { const c: ConvErrorCode = e.code; void c; } }
  return y.data[0] + memory().bytesInUse;
}
`;
  const IMPORT = `import { init, conv2d, createConv2d, memory, ConvError } from 'simdconv';\nimport type { Tensor, ConvOptions, BackendName, ConvErrorCode } from 'simdconv';\n`;
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  // One tsc run per module setting (tsc is slow here); the file extension sets the module kind.
  // node16 (and TypeScript before 5.8 under nodenext too) cannot require() an ES module, so a
  // CommonJS consumer needs CommonJS-flavoured declarations behind exports.require.types.
  const tsVariants = [
    { files: ['check-bundler.ts'], args: ['--module', 'esnext', '--moduleResolution', 'bundler'] },
    { files: ['check-esm.mts', 'check-cjs.cts'], args: ['--module', 'nodenext', '--moduleResolution', 'nodenext'] },
    { files: ['check-esm16.mts', 'check-cjs16.cts'], args: ['--module', 'node16', '--moduleResolution', 'node16'] },
    { files: ['check-node10.ts'], args: ['--module', 'commonjs', '--moduleResolution', 'node10'] },
  ];
  for (const v of tsVariants) {
    await checks.check(`types: tsc ${v.args.join(' ')} on ${v.files.join(', ')}`, () => {
      assert(existsSync(tsc), 'typescript is not installed in the repository (npm ci first)');
      for (const f of v.files) writeFileSync(join(dir, f), IMPORT + TS_BODY);
      run(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--lib', 'es2022,dom', ...v.args, ...v.files], { cwd: dir });
    });
  }

  await checks.check('browser bundle: esbuild --platform=browser resolves no Node built-in', async () => {
    const { build } = createRequire(join(ROOT, 'package.json'))('esbuild');
    writeFileSync(join(dir, 'entry.mjs'), "import * as sc from 'simdconv';\nglobalThis.sc = sc;\n");
    for (const format of ['esm', 'iife']) {
      const r = await build({ entryPoints: [join(dir, 'entry.mjs')], bundle: true, platform: 'browser', format, write: false, logLevel: 'silent', absWorkingDir: dir })
        .catch((e) => { throw new Error(`esbuild (${format}) failed:\n${e.errors?.map((m) => m.text).join('\n') ?? e}`); });
      assert(r.warnings.length === 0, `esbuild warnings: ${r.warnings.map((m) => m.text).join('; ')}`);
    }
  });

  await checks.check('dist/index.js and dist/index.cjs name no Node built-in', () => {
    const builtin = /(?:from\s*|import\s*\(\s*|require\s*\(\s*)["'](node:[\w/]+|fs|path|url|os|module|crypto|worker_threads|child_process|util|buffer|perf_hooks)["']/g;
    for (const f of ['dist/index.js', 'dist/index.cjs']) {
      const p = join(dir, 'node_modules/simdconv', f);
      if (!existsSync(p)) continue;
      const src = readFileSync(p, 'utf8');
      const hits = [...src.matchAll(builtin)].map((m) => m[1]);
      assert(!hits.length, `${f} imports Node built-ins: ${[...new Set(hits)].join(', ')}`);
      // Not failures, but worth seeing: globals a browser lacks.
      const globals = [/\bBuffer\.(?:from|alloc|isBuffer|concat)\b/, /\bprocess\.(?:env|versions|platform|nextTick|cwd)\b/, /\b__dirname\b/, /\b__filename\b/]
        .filter((re) => re.test(src)).map((re) => re.source);
      if (globals.length) console.log(`  note: ${f} uses Node globals ${globals.join(', ')} (guarded?)`);
    }
  });
}

console.log(`consumer project: ${dir}; ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
checks.finish();
