/**
 * bench/run/machine.mjs, the thread ceiling: the ceiling loop on one thread, then on n threads at
 * once. Sanity and structure only (finite, > 0), never a speed: the host may give anything from
 * 0.9x to 2x. Each check runs in a child node process (jest, CommonJS here, cannot import the ES
 * module), which also shows that the process exits by itself: the workers are unref()ed, and
 * dispose() stops them.
 */
import { spawnSync } from 'child_process';
import { resolve } from 'path';
import { pathToFileURL } from 'url';
import { RELAXED_NODE_FLAGS } from '../helpers/backends';

const MACHINE = pathToFileURL(resolve(__dirname, '../../bench/run/machine.mjs')).href;

/** Run an ES module body in node; `m` is bench/run/machine.mjs. No process.exit: the child must end by itself. */
function inNode(body: string, relaxed = true): any {
  const script = `import * as m from ${JSON.stringify(MACHINE)};\nconst out = await (async () => { ${body} })();\nconsole.log(JSON.stringify(out));`;
  const args = [...(relaxed ? RELAXED_NODE_FLAGS : []), '--no-warnings', '--input-type=module', '-e', script];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error; // ETIMEDOUT: the child did not exit (a worker kept it alive)
  if (r.status !== 0) throw new Error(`node exited with ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

const sane = (x: number) => Number.isFinite(x) && x > 0;

describe('bench/run/machine.mjs: the thread ceiling', () => {
  it('gives one-thread and n-thread GFLOP/s and their ratio, and dispose() stops every worker', () => {
    const r = inNode(`
      const t = new m.ThreadCeiling({ maxN: 2 });
      const two = await t.speedup(2, { ms: 2 });
      const again = await t.speedup(2, { ms: 2 });
      const one = await t.speedup(1, { ms: 2 });
      let tooMany = null;
      try { await t.speedup(3); } catch (e) { tooMany = e.name; }
      const workers = t.workers.length;
      const exits = await t.dispose();
      return { loop: t.loop, two, again, one, tooMany, workers, exits, left: t.workers.length, after: await t.speedup(2, { ms: 2 }), disposeAgain: await t.dispose() };`);
    expect(r.loop).toBe('wasm-relaxed');
    for (const s of [r.two, r.again, r.one]) {
      expect(Object.keys(s).sort()).toEqual(['many', 'one', 'ratio']);
      expect(sane(s.one) && sane(s.many) && sane(s.ratio)).toBe(true);
      expect(s.ratio).toBeCloseTo(s.many / s.one, 10);
    }
    expect(r.tooMany).toBe('RangeError');
    expect(r.workers).toBe(1); // maxN - 1
    expect(r.exits).toHaveLength(1);
    expect(r.left).toBe(0);
    expect(r.after).toBeNull();
    expect(r.disposeAgain).toEqual([]);
  });

  it('exits by itself without dispose() (unref()ed workers), and falls back to f32x4 mul + add without relaxed SIMD', () => {
    const r = inNode(`
      const t = new m.ThreadCeiling({ maxN: 3 });
      const s = await t.speedup(3, { ms: 2 });
      return { loop: t.loop, s, workers: t.workers.length };`, false);
    // Node 22+ has relaxed SIMD on without the flag
    expect(r.loop).toBe(Number(process.versions.node.split('.')[0]) < 22 ? 'wasm-simd' : 'wasm-relaxed');
    expect(r.workers).toBe(2);
    expect(sane(r.s.one) && sane(r.s.many) && sane(r.s.ratio)).toBe(true);
  });
});
