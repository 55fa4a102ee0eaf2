/**
 * The TypeScript side of the ABI (src/loader/load.ts WasmExports) against its source of truth,
 * assembly/index.ts, and against what every embedded build exports: a name added, renamed or
 * dropped on one side fails here, not as an undefined function at run time.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ABI_VERSION, wasmBytes, WasmFlavor } from '../../../src/loader/load';

const ROOT = path.join(__dirname, '..', '..', '..');
const read = (p: string): string => fs.readFileSync(path.join(ROOT, p), 'utf8');

/** Names assembly/index.ts exports: `export const NAME`, `x as name` and `export { name }` entries. */
function assemblyExports(): Set<string> {
  const src = read('assembly/index.ts').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  const names = new Set<string>();
  for (const m of src.matchAll(/export\s+(?:const|function)\s+([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]);
  for (const block of src.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const item of block[1].split(',')) {
      const t = item.trim();
      if (!t) continue;
      const as = /\bas\s+([A-Za-z_][A-Za-z0-9_]*)$/.exec(t);
      names.add(as ? as[1] : t);
    }
  }
  return names;
}

/** Member names of the WasmExports interface in src/loader/load.ts. */
function declaredExports(): Set<string> {
  const src = read('src/loader/load.ts');
  const body = /export interface WasmExports \{([\s\S]*?)\n\}/.exec(src);
  if (!body) throw new Error('no WasmExports interface in src/loader/load.ts');
  const clean = body[1].replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  const names = new Set<string>();
  // members sit at two spaces; continued parameter lists are indented deeper
  for (const m of clean.matchAll(/^ {2}(?:readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*[(:]/gm)) names.add(m[1]);
  return names;
}

test('WasmExports declares exactly what assembly/index.ts exports (and the memory)', () => {
  const asm = assemblyExports();
  const ts = declaredExports();
  ts.delete('memory');
  expect([...ts].filter((n) => !asm.has(n)).sort()).toEqual([]);
  expect([...asm].filter((n) => !ts.has(n)).sort()).toEqual([]);
});

test.each(['scalar', 'simd', 'relaxed'] as WasmFlavor[])('the %s build exports every declared name', (flavor) => {
  const mod = new WebAssembly.Module(wasmBytes(flavor));
  const got = new Set(WebAssembly.Module.exports(mod).map((e) => e.name));
  const missing = [...declaredExports()].filter((n) => n !== 'memory' && !got.has(n));
  expect(missing).toEqual([]);
});

test('the ABI version has one source: assembly/params.ts', () => {
  const m = /export const ABI = (\d+);/.exec(read('assembly/params.ts'));
  expect(m).not.toBeNull();
  expect(ABI_VERSION).toBe(Number(m![1]));
  expect(read('src/loader/load.ts')).not.toMatch(/ABI_VERSION\s*=\s*\d+/);
});
