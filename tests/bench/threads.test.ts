/**
 * bench --threads, on a hand-made result (no timing): the threads table's speed-ups over one
 * thread and simdconv over the faster wasm peer at each count are medians of per-round ratios;
 * a peer that cannot run a count (tfjs-wasm above one in Node) shows n/a and takes no part; and
 * `--threads` takes distinct counts only. The bench is ES modules that jest (CommonJS here) cannot
 * require: each check runs in a child node process that prints JSON.
 */
import { spawnSync } from 'child_process';
import { resolve } from 'path';
import { pathToFileURL } from 'url';

const RUN = pathToFileURL(resolve(__dirname, '../../bench/run.mjs')).href;
const CLI = pathToFileURL(resolve(__dirname, '../../bench/cli.mjs')).href;

function inNode(body: string): any {
  const script = `import * as run from ${JSON.stringify(RUN)};\nimport * as cli from ${JSON.stringify(CLI)};\n`
    + `const out = await (async () => { ${body} })();\nconsole.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`node exited with ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

const row = (contender: string, threads: number, roundMs: number[] | null, extra = {}) => ({
  case: 'pw', suite: 'layers', type: 'pointwise', contender, threads, kind: contender.startsWith('wasm') ? 'path' : 'peer', layout: 'NCHW',
  ...(roundMs ? { status: 'ok', roundMs, medianMs: [...roundMs].sort((a, b) => a - b)[roundMs.length >> 1], cpuPerWall: threads } : { status: 'unsupported', note: 'not here' }),
  ...extra,
});

const RESULT = {
  meta: {
    primaryLayout: 'NCHW', autoBackend: 'wasm-relaxed',
    threads: { counts: [1, 2], libs: { 1: { count: 1, reason: '' }, 2: { count: 2, reason: '' } }, peers: { 'ort-web@1': 'ort 1', 'ort-web@2': 'ort 2' } },
  },
  notes: [],
  cases: [{ case: 'pw', suite: 'layers', type: 'pointwise', mflop: 100 }, { case: 'k', suite: 'kernels', type: 'gemm', mflop: 1 }],
  rows: [row('wasm-relaxed', 1, [10, 12, 11]), row('tfjs-wasm', 1, [20, 20, 20]), row('ort-web', 1, [30, 33, 30])],
  threadRows: [row('wasm-relaxed', 2, [5, 8, 5.5]), row('tfjs-wasm', 2, null), row('ort-web', 2, [16, 15, 20])],
};

/** RESULT with the thread ceiling's per-round ratios (run/machine.mjs), as timeCase stores them. */
const WITH_MACHINE = {
  ...RESULT,
  meta: { ...RESULT.meta, threads: { ...RESULT.meta.threads, machine: { loop: 'wasm-relaxed', sampleMs: 8 } } },
  cases: [
    { ...RESULT.cases[0], machine: { 2: [1.4, 1.2, 1.3] } },
    { ...RESULT.cases[1], machine: { 2: [9, 9, 9] } }, // a kernel: not in the table, nor in the pooled median
  ],
};

describe('bench --threads: the threads table', () => {
  it('gives per-round medians: speed-up over one thread and over the faster wasm peer at each count', () => {
    const s = inNode(`return run.summarizeThreads(${JSON.stringify(RESULT)});`);
    expect(s.counts).toEqual([1, 2]);
    expect(s.rows.map((r: any) => r.case)).toEqual(['pw']); // kernels have no threads table
    const c = s.rows[0].cells;
    // per-round 10/5, 12/8, 11/5.5 -> 2, 1.5, 2: median 2
    expect(c['wasm-relaxed@2'].speedup).toBeCloseTo(2, 10);
    expect(c['ort-web@2'].speedup).toBeCloseTo(30 / 16, 10);
    expect(c['tfjs-wasm@2'].status).toBe('unsupported');
    expect(c['tfjs-wasm@2'].speedup).toBeNull();
    // at 1 the faster peer is tfjs-wasm (20 ms); at 2 only ort-web ran: 16/5, 15/8, 20/5.5
    expect(s.rows[0].vsPeer[1]).toEqual({ ratio: 20 / 11, peer: 'tfjs-wasm' });
    expect(s.rows[0].vsPeer[2].peer).toBe('ort-web');
    expect(s.rows[0].vsPeer[2].ratio).toBeCloseTo(16 / 5, 10);
  });

  it('renders text and markdown with the targets and n/a for a count a peer cannot run', () => {
    const t = inNode(`return { text: run.threadsText(${JSON.stringify(RESULT)}), md: run.threadsMarkdown(${JSON.stringify(RESULT)}), none: run.threadsText({ meta: {}, rows: [], cases: [] }) };`);
    expect(t.text).toMatch(/Targets \(figures, not tests\)/);
    expect(t.text).toMatch(/n\/a/);
    expect(t.text).toMatch(/CPU\/wall/);
    expect(t.md).toMatch(/^\n## Threads/);
    expect(t.md).toMatch(/\| wasm-relaxed @1 ms \| wasm-relaxed @2 ms \| wasm-relaxed @2\/@1 \|/);
    expect(t.none).toBe('');
  });

  it('shows what the machine gave at each count: its @n/@1 per layer, geomean and over all rounds', () => {
    const s = inNode(`return run.summarizeThreads(${JSON.stringify(WITH_MACHINE)});`);
    expect(s.rows[0].machine[2]).toBeCloseTo(1.3, 10); // median of the layer's rounds
    expect(s.geo.machine[2]).toBeCloseTo(1.3, 10);
    expect(s.machine[2]).toEqual({ median: 1.3, min: 1.2, max: 1.4, rounds: 3 });
    const plain = inNode(`return run.summarizeThreads(${JSON.stringify(RESULT)});`);
    expect(plain.rows[0].machine).toEqual({});
    expect(plain.machine).toEqual({});
  });

  it('renders the machine column beside the path\'s @n/@1, in text, markdown and HTML alike', () => {
    const t = inNode(`const r = ${JSON.stringify(WITH_MACHINE)}; const p = ${JSON.stringify(RESULT)};
      return { text: run.threadsText(r), md: run.threadsMarkdown(r), html: run.threadsHtml(r), plain: run.threadsText(p) + run.threadsMarkdown(p) };`);
    const lines = t.text.split('\n');
    const head = lines.find((l: string) => l.startsWith('layer'));
    expect(head).toMatch(/wasm-relaxed @2\/@1 +machine @2\/@1 +tfjs-wasm @1 ms/);
    expect(lines.find((l: string) => l.startsWith('pw '))).toMatch(/2\.00x +1\.30x/);
    expect(lines.find((l: string) => l.startsWith('geomean'))).toMatch(/1\.30x/);
    expect(t.text).toMatch(/machine @2\/@1: the FMA ceiling loop \(wasm-relaxed\) on 2 threads at once over one thread, sampled in every round: what this host gave; a layer's @2\/@1 cannot exceed it by much\. Median over all 3 rounds 1\.30x/);
    expect(t.text).toMatch(/wasm-relaxed @2\/@1 geomean >= 1\.7x: [0-9.]+x \(machine @2\/@1 geomean 1\.30x\)/);
    expect(t.md).toMatch(/\| wasm-relaxed @2\/@1 \| machine @2\/@1 \| tfjs-wasm @1 ms \|/);
    expect(t.md).toMatch(/\| pw \|[^\n]*\| 2\.00x \| 1\.30x \|/);
    expect(t.html).toMatch(/<th class="n">wasm-relaxed @2\/@1<\/th><th class="n">machine @2\/@1<\/th>/);
    // every row of the grid has as many cells as the head
    const mdRows = t.md.split('\n').filter((l: string) => l.startsWith('| '));
    expect(new Set(mdRows.map((l: string) => l.split(' | ').length)).size).toBe(1);
    // no thread ceiling in the result (a browser run, an older JSON): no machine column
    expect(t.plain).not.toMatch(/machine/);
  });

  it('parses --threads as distinct positive counts in the order given', () => {
    const r = inNode(`
      const ok = cli.parseArgs(['--threads', '2,1']).threads;
      const bad = ['0', '1,1', 'a', '1.5', '65'].map((v) => { try { cli.parseArgs(['--threads', v]); return null; } catch (e) { return e.message; } });
      return { ok, bad, none: cli.parseArgs([]).threads };`);
    expect(r.ok).toEqual([2, 1]);
    expect(r.bad.every((m: string | null) => typeof m === 'string' && m.includes('--threads'))).toBe(true);
    expect(r.none).toBeNull();
  });
});
