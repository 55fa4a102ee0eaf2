/**
 * The kernel micro-benchmarks (bench/kernels/run.mjs) walk the kernel list the kernel tests walk:
 * every entry this runtime runs has at least one benchmark, and each benchmark's operands are set
 * up and its export called once (--smoke: no timing). run.mjs is an ES module that jest
 * (CommonJS here) cannot require: it runs in a child node process.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { KERNELS } from '../../bench/kernels/list.cjs';
import { RELAXED_NODE_FLAGS } from '../helpers/backends';
import { flavors } from './harness';

test('every kernel of the list this runtime runs has a micro-benchmark that runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simdconv-kernel-bench-'));
  try {
    const json = join(dir, 'rows.json');
    const r = spawnSync(process.execPath, [...RELAXED_NODE_FLAGS, '--no-warnings', resolve(__dirname, '../../bench/kernels/run.mjs'),
      '--smoke', '--json', json], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`run.mjs exited with ${r.status}: ${r.stderr}`);
    const rows: { family: string; kernel: string; flavor: string; mflop: number }[] = JSON.parse(readFileSync(json, 'utf8')).rows;
    const want = Object.values(KERNELS).flat().filter((e) => flavors().includes(e.flavor)).map((e) => `${e.family} ${e.name}`);
    const got = new Set(rows.map((x) => `${x.family} ${x.kernel}`));
    expect(want.filter((k) => !got.has(k))).toEqual([]);
    expect(rows.every((x) => x.mflop > 0)).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
