// Builds the TypeScript facade: dist/index.js (ES module), dist/index.cjs (CommonJS) with
// esbuild, and the declarations (dist/types) with tsc. Needs src/loader/wasm-bytes.gen.ts
// (npm run build:wasm) first.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${root}/src/loader/wasm-bytes.gen.ts`)) {
  console.error('build-ts: src/loader/wasm-bytes.gen.ts is missing; run `npm run build:wasm` first');
  process.exit(1);
}
const common = {
  entryPoints: [`${root}/src/index.ts`],
  bundle: true,
  platform: 'neutral',
  target: 'es2022',
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
};
await Promise.all([
  build({ ...common, format: 'esm', outfile: `${root}/dist/index.js` }),
  build({ ...common, format: 'cjs', outfile: `${root}/dist/index.cjs` }),
]);
execFileSync(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, '-p', `${root}/tsconfig.json`, '--emitDeclarationOnly'], {
  stdio: 'inherit',
});
// The same declarations marked CommonJS, for `require` consumers under module node16/nodenext:
// TypeScript reads .d.ts files inside a "type": "module" package as ESM otherwise (TS1479).
rmSync(`${root}/dist/types-cjs`, { recursive: true, force: true });
cpSync(`${root}/dist/types`, `${root}/dist/types-cjs`, { recursive: true });
writeFileSync(`${root}/dist/types-cjs/package.json`, '{ "type": "commonjs" }\n');
console.log('build-ts: dist/index.js, dist/index.cjs, dist/types/, dist/types-cjs/');
