#!/usr/bin/env node
/**
 * Builds the five wasm modules from assembly/index.ts (asconfig.json targets scalar, simd,
 * relaxed, and the threaded simd-threads, relaxed-threads; .wasm and .wat under build/) and
 * embeds them as base64 in src/loader/wasm-bytes.gen.ts, so no bundler has to locate a .wasm
 * file. Run by `npm run build:wasm`.
 */
import asc from 'assemblyscript/asc';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARGETS = ['scalar', 'simd', 'relaxed', 'simd-threads', 'relaxed-threads'];

mkdirSync(join(root, 'build'), { recursive: true });
const b64 = {};
for (const target of TARGETS) {
  const { error, stderr } = await asc.main(
    ['--config', join(root, 'asconfig.json'), '--target', target, '--baseDir', root],
    { stdout: process.stdout, stderr: process.stderr },
  );
  if (error) {
    console.error(`build-wasm: asc failed for target ${target}: ${error.message}`);
    console.error(stderr.toString());
    process.exit(1);
  }
  const bytes = readFileSync(join(root, 'build', `${target}.wasm`));
  b64[target] = bytes.toString('base64');
  console.log(`build-wasm: build/${target}.wasm ${bytes.length} bytes`);
}

// the ABI version lives in assembly/params.ts alone; the loader reads it from the generated module
const abi = /export const ABI = (\d+);/.exec(readFileSync(join(root, 'assembly', 'params.ts'), 'utf8'));
if (!abi) {
  console.error('build-wasm: no `export const ABI = <n>;` in assembly/params.ts');
  process.exit(1);
}

const out = `// Auto-generated. Do not edit. Generator: scripts/build-wasm.mjs
// Source: assembly/index.ts, built per asconfig.json targets ${TARGETS.join(', ')}.
/* eslint-disable */
/** The ABI version of the builds below (assembly/params.ts ABI). */
export const ABI_VERSION = ${abi[1]};
/** build/scalar.wasm: no SIMD. */
export const SCALAR_WASM_BASE64 = '${b64.scalar}';
/** build/simd.wasm: SIMD128. */
export const SIMD_WASM_BASE64 = '${b64.simd}';
/** build/relaxed.wasm: SIMD128 + relaxed SIMD. */
export const RELAXED_WASM_BASE64 = '${b64.relaxed}';
/** build/simd-threads.wasm: SIMD128 + threads, imports a shared env.memory. */
export const SIMD_THREADS_WASM_BASE64 = '${b64['simd-threads']}';
/** build/relaxed-threads.wasm: SIMD128 + relaxed SIMD + threads, imports a shared env.memory. */
export const RELAXED_THREADS_WASM_BASE64 = '${b64['relaxed-threads']}';
`;
writeFileSync(join(root, 'src', 'loader', 'wasm-bytes.gen.ts'), out);
console.log('build-wasm: wrote src/loader/wasm-bytes.gen.ts');
