/**
 * How split-conv.ts cuts Winograd where its blocks are few (winogradPanels), and what the splits
 * give each thread on the reference layers of 100 MFLOP or more at 16 threads (issue 20's plan
 * past two cores: at least TASKS_PER_THREAD tasks a thread in every split table), counted by
 * tools/split-counts.mjs in a child process. That the cuts give the bits of one thread:
 * threads-bits.test.ts.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { winogradPanels } from '../../../../src/backends/wasm/split-conv';
import { TASKS_PER_THREAD } from '../../../../src/backends/wasm/split-plan';
import { RELAXED_NODE_FLAGS } from '../../../helpers/backends';

const ROOT = path.resolve(__dirname, '../../../..');

describe('winogradPanels', () => {
  test('all the channels while the blocks give every thread its tasks, or split evenly two or more a thread', () => {
    expect(winogradPanels(10, 64, 16, 2)).toEqual([0, 64]);
    expect(winogradPanels(98, 256, 16, 16)).toEqual([0, 256]);
    expect(winogradPanels(8, 256, 16, 2)).toEqual([0, 256]);
    expect(winogradPanels(32, 256, 16, 16)).toEqual([0, 256]);
    // uneven, or fewer than two a thread: panels
    expect(winogradPanels(7, 256, 16, 2)).toEqual([0, 128, 128, 256]);
    expect(winogradPanels(2, 32, 16, 2)).toEqual([0, 16, 16, 32]);
  });

  test('runs of whole panels that make up the tasks, the last one ending at cout', () => {
    // 8 blocks at 16 threads: 10 runs wanted of 16 panels, so one panel each
    const p = winogradPanels(8, 256, 16, 16);
    expect(p.length / 2).toBe(16);
    expect(p.slice(0, 4)).toEqual([0, 16, 16, 32]);
    expect(p[p.length - 1]).toBe(256);
    // 49 blocks at 16 threads: two runs of two 16-column panels each
    expect(winogradPanels(49, 64, 16, 16)).toEqual([0, 32, 32, 64]);
    // a last panel narrower than nr
    expect(winogradPanels(1, 40, 16, 4)).toEqual([0, 16, 16, 32, 32, 40]);
    for (const [blocks, cout, threads] of [[3, 24, 8], [8, 256, 16], [49, 64, 16], [1, 4, 2], [7, 64, 2]]) {
      const q = winogradPanels(blocks, cout, 16, threads);
      for (let i = 0; i < q.length; i += 2) {
        expect(q[i] % 16).toBe(0);
        expect(q[i + 1]).toBe(i + 2 < q.length ? q[i + 2] : cout);
      }
      expect(blocks * (q.length / 2) >= Math.min(TASKS_PER_THREAD * threads, blocks * Math.ceil(cout / 16))).toBe(true);
    }
  });
});

describe('the reference layers at 16 threads', () => {
  test(`every split table of the layers of 100 MFLOP or more gives each thread at least ${TASKS_PER_THREAD} tasks`, () => {
    const r = spawnSync(process.execPath, [...RELAXED_NODE_FLAGS, 'tools/split-counts.mjs', '--threads', '16'],
      { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = r.stdout.trim().split('\n').slice(2).map((l) => l.trim().split(/\s+/));
    expect(rows.length).toBeGreaterThanOrEqual(12);
    for (const row of rows) {
      expect({ layer: row[0], fewest: Number(row[row.length - 1]) >= TASKS_PER_THREAD }).toEqual({ layer: row[0], fewest: true });
    }
  });
});
