/**
 * bench/report.mjs: the summary's ceiling figures, on a hand-made result (no timing). The judged
 * path's share, wasm-simd's, and the faster wasm peer's share of the wasm-simd ceiling (the peer
 * rows carry ceilingShare from bench/run.mjs); a layer type that is not judged gets none. The
 * reports are for whoever ran `npx simdconv bench`: they explain their columns and name nothing
 * the package does not ship.
 * bench/report.mjs is an ES module that jest (CommonJS here) cannot require: each check runs in a
 * child node process that prints JSON.
 */
import { spawnSync } from 'child_process';
import { resolve } from 'path';
import { pathToFileURL } from 'url';

const REPORT = pathToFileURL(resolve(__dirname, '../../bench/report.mjs')).href;

function inNode(body: string): any {
  const script = `import * as rep from ${JSON.stringify(REPORT)};\nconst out = await (async () => { ${body} })();\nconsole.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`node exited with ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

/** A run of two layers (one judged type, one not) with two paths and two wasm peers. */
const RESULT = {
  meta: {
    date: '2026-11-29', cpu: 'test cpu', cores: 2, node: 'v20', v8: '11.3', execArgv: [], paths: ['wasm-relaxed', 'wasm-simd'],
    layouts: ['NCHW'], primaryLayout: 'NCHW', autoBackend: 'wasm-relaxed',
    peers: { 'tfjs-wasm': 'tfjs wasm', 'ort-web': 'ort web' },
    ceilings: { types: ['pointwise', 'standard', 'dilated'], judged: 'wasm-relaxed' },
  },
  notes: [],
  cases: [
    { case: 'pw', suite: 'layers', type: 'pointwise', mflop: 100 },
    { case: 'dw', suite: 'layers', type: 'depthwise', mflop: 10 },
  ],
  rows: [
    { case: 'pw', contender: 'wasm-relaxed', kind: 'path', layout: 'NCHW', status: 'ok', gflops: 20, ceilingShare: 0.6 },
    { case: 'pw', contender: 'wasm-simd', kind: 'path', layout: 'NCHW', status: 'ok', gflops: 12, ceilingShare: 0.7 },
    { case: 'pw', contender: 'tfjs-wasm', kind: 'peer', layout: 'NHWC', status: 'ok', gflops: 9, ceilingShare: 0.4 },
    { case: 'pw', contender: 'ort-web', kind: 'peer', layout: 'NCHW', status: 'ok', gflops: 8, ceilingShare: 0.5 },
    { case: 'dw', contender: 'wasm-relaxed', kind: 'path', layout: 'NCHW', status: 'ok', gflops: 4 },
    { case: 'dw', contender: 'wasm-simd', kind: 'path', layout: 'NCHW', status: 'ok', gflops: 4 },
    { case: 'dw', contender: 'tfjs-wasm', kind: 'peer', layout: 'NHWC', status: 'ok', gflops: 2 },
    { case: 'dw', contender: 'ort-web', kind: 'peer', layout: 'NCHW', status: 'ok', gflops: 1 },
  ],
};

describe('bench/report.mjs ceiling shares', () => {
  test('the faster wasm peer\'s share of the wasm-simd ceiling, beside the paths\' shares', () => {
    const r = inNode(`
      const result = ${JSON.stringify(RESULT)};
      const sum = rep.summarize(result);
      return { rows: sum.rows.map((x) => x.ceiling), geo: sum.geo, md: rep.toMarkdown(result) };`);
    // tfjs-wasm is the faster peer on 'pw' (9 > 8): its share, not ort-web's larger one
    expect(r.rows[0]).toEqual({ path: 'wasm-relaxed', share: 0.6, simdShare: 0.7, peerShare: 0.4 });
    expect(r.rows[1]).toBeNull();
    expect(r.geo.peerCeilingShare).toBeCloseTo(0.4, 12);
    const lines = r.md.split('\n');
    const head = lines.find((l: string) => l.startsWith('| layer'));
    expect(head).toContain('| % ceil relaxed | % ceil simd | peer % ceil simd |');
    expect(lines.find((l: string) => l.startsWith('| pw '))).toMatch(/\| 60% \| 70% \| 40% \|$/);
    expect(r.md).toContain('The 1 pointwise/standard/dilated case uses 60% of the ceiling of wasm-relaxed (geomean; wasm-simd 70% of its own; '
      + 'the faster wasm peer 40% of the wasm-simd ceiling).');
    expect(r.md).toContain('peer % ceil simd: GFLOP/s of the faster of tfjs-wasm and ort-web');
  });

  test('a judged layer above its ceiling is counted and explained', () => {
    const r = inNode(`
      const result = ${JSON.stringify(RESULT)};
      result.rows[0].ceilingShare = 1.2;
      return { over: rep.summarize(result).ceiling.over, md: rep.toMarkdown(result) };`);
    expect(r.over).toBe(1);
    expect(r.md).toContain('1 of them above 100%, which a Winograd layer can reach');
  });

  test('the reports say how to read them and name no document or target a user does not have', () => {
    const r = inNode(`
      const result = ${JSON.stringify(RESULT)};
      result.meta.ceilings.start = { at: '2026-11-29T00:00:00Z', ms: 1, paths: {
        'wasm-relaxed': { gflops: 40, bestGflops: 41, samples: [40] }, 'wasm-simd': { gflops: 20, bestGflops: 21, samples: [20] },
        'wasm-simd:hoisted': { gflops: 40, bestGflops: 41, samples: [40] } } };
      result.meta.ceilings.end = result.meta.ceilings.start;
      return { text: rep.toText(result), md: rep.toMarkdown(result), html: rep.toHtml(result) };`);
    for (const report of [r.text, r.md, r.html]) {
      expect(report).toContain('How to read: GFLOP/s = 2 x multiply-accumulates / median time of one call');
      expect(report).toContain('Ceiling of a path: the most GFLOP/s its multiply-add instructions reach on this machine');
      expect(report).not.toMatch(/PERF\.md|Target|hoisted/);
    }
    expect(r.md).toContain('| path | loop (12 chains) | start | end | mean | best |\n');
  });

  test('no peer column when no peer row has a share (a run without ceilings around the peers)', () => {
    const r = inNode(`
      const result = ${JSON.stringify(RESULT)};
      for (const row of result.rows) if (row.kind === 'peer') delete row.ceilingShare;
      const sum = rep.summarize(result);
      return { peer: sum.rows[0].ceiling.peerShare, geo: sum.geo.peerCeilingShare ?? null, md: rep.toMarkdown(result) };`);
    expect(r.peer).toBeNull();
    expect(r.geo).toBeNull();
    expect(r.md).not.toContain('peer % ceil simd');
  });

  test('a run without peers has no peer columns and says how to add them', () => {
    const r = inNode(`
      const result = ${JSON.stringify(RESULT)};
      result.rows = result.rows.filter((row) => row.kind !== 'peer');
      result.meta.peers = {};
      const withPeers = ${JSON.stringify(RESULT)};
      return { md: rep.toMarkdown(result), text: rep.toText(result), peersMd: rep.toMarkdown(withPeers) };`);
    const head = (md: string): string => md.split('\n').find((l) => l.startsWith('| layer')) as string;
    expect(head(r.md)).not.toMatch(/best\/peer|js\/tfjs-cpu/);
    expect(head(r.peersMd)).toContain('| best/peer | js/tfjs-cpu |');
    for (const report of [r.md, r.text]) {
      expect(report).toContain('No other library was timed. To see simdconv beside TensorFlow.js and onnxruntime-web, install them');
      expect(report).not.toContain('best/peer:');
    }
    expect(r.peersMd).not.toContain('No other library was timed');
  });
});
