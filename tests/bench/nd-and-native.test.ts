/**
 * The bench's 1-D and 3-D cases and the native reference (onnxruntime-node):
 * - the reference layers of layers-1d-3d.json build the shapes, weights and MACs of API.md, and
 *   --layers selects them only when named (a type, 'conv1d' / 'conv3d', or a name);
 * - a library without the 1-D and 3-D ops skips them with one note;
 * - every peer's model of small 1-D, 3-D and 2-D cases matches a float64 plain-loop reference, and
 *   TensorFlow.js marks not available what it cannot do (causal, stride with dilation, groups, a
 *   3-D padding that is neither 'valid' nor 'same', which unet3d.down's is);
 * - ort-node is skipped with one note (the install command) when onnxruntime-node does not resolve
 *   or does not load, and runs one thread when it does;
 * - the report shows best/ort-node per layer and as a geomean, as the median of per-round ratios.
 * The bench is ES modules that jest (CommonJS here) cannot require: each check runs in a child
 * node process that prints JSON.
 */
import { spawnSync } from 'child_process';
import { resolve } from 'path';
import { pathToFileURL } from 'url';

const url = (p: string) => pathToFileURL(resolve(__dirname, p)).href;
const CASES = url('../../bench/cases.mjs');
const ORT = url('../../bench/peers/ort.mjs');
const TFJS = url('../../bench/peers/tfjs.mjs');
const RUN = url('../../bench/run.mjs');
const REPORT = url('../../bench/report.mjs');

function inNode(body: string): any {
  const script = `const out = await (async () => { ${body} })();\nconsole.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`node exited with ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

describe('1-D and 3-D cases', () => {
  test('the reference layers: shapes, weights (both layouts), pads, MACs and library options', () => {
    const r = inNode(`
      const m = await import(${JSON.stringify(CASES)});
      return m.ND_LAYERS.map((s) => {
        const b = m.buildCase(s);
        const { bias, ...o } = b.options('NHWC');
        return { name: s.name, suite: s.suite, kind: b.kind, x: b.xShape, xl: b.x.NHWC.shape, y: b.outShape,
          w: b.weights[0].NCHW.shape, wl: b.weights[0].NHWC.shape, macs: b.expectedMacs, pads: b.pads, o,
          first: b.options('NCHW').layout, biasLen: bias.length };
      });`);
    expect(r.map((c: any) => c.name)).toEqual(['w2v.fe0', 'w2v.fe1', 'tcn.dil8', 'conformer.dw', 'hifigan.up1', 'c3d.like.c64', 'unet3d.enc2', 'unet3d.down', 'unet3d.up']);
    const by = Object.fromEntries(r.map((c: any) => [c.name, c]));
    for (const c of r) expect(c.suite).toBe('layers-nd');
    // conv: Cout * Cin/g * prod(k) * prod(out); transposed: Cin * Cout/g * prod(k) * prod(in)
    expect(by['w2v.fe0']).toMatchObject({ kind: 'conv1d', x: [1, 1, 16000], xl: [1, 16000, 1], y: [1, 512, 3199], w: [512, 1, 10], wl: [10, 1, 512], macs: 512 * 10 * 3199, first: 'NCW' });
    expect(by['w2v.fe0'].o).toEqual({ stride: 5, padding: 0, groups: 1, layout: 'NWC' });
    expect(by['w2v.fe1']).toMatchObject({ y: [1, 512, 1599], w: [512, 512, 3], macs: 512 * 512 * 3 * 1599 });
    expect(by['tcn.dil8']).toMatchObject({ y: [1, 64, 16000], pads: { begin: [16], end: [0] }, macs: 64 * 64 * 3 * 16000 });
    expect(by['tcn.dil8'].o).toEqual({ stride: 1, dilation: 8, padding: 'causal', groups: 1, layout: 'NWC' });
    expect(by['conformer.dw']).toMatchObject({ y: [1, 256, 1000], w: [256, 1, 31], wl: [31, 1, 256], macs: 256 * 31 * 1000 });
    expect(by['conformer.dw'].o.groups).toBe(256);
    expect(by['hifigan.up1']).toMatchObject({ kind: 'convTranspose1d', y: [1, 256, 1600], w: [512, 256, 16], wl: [16, 256, 512], macs: 512 * 256 * 16 * 200 });
    expect(by['c3d.like.c64']).toMatchObject({ kind: 'conv3d', x: [1, 64, 8, 28, 28], xl: [1, 8, 28, 28, 64], y: [1, 64, 8, 28, 28], w: [64, 64, 3, 3, 3], wl: [3, 3, 3, 64, 64], macs: 64 * 64 * 27 * 8 * 28 * 28, first: 'NCDHW' });
    expect(by['c3d.like.c64'].o.layout).toBe('NDHWC');
    expect(by['unet3d.enc2']).toMatchObject({ y: [1, 32, 32, 32, 32], macs: 32 * 32 * 27 * 32 ** 3 });
    expect(by['unet3d.down']).toMatchObject({ y: [1, 64, 16, 16, 16], pads: { begin: [1, 1, 1], end: [1, 1, 1] }, macs: 64 * 32 * 27 * 16 ** 3 });
    expect(by['unet3d.up']).toMatchObject({ kind: 'convTranspose3d', y: [1, 32, 32, 32, 32], w: [64, 32, 2, 2, 2], wl: [2, 2, 2, 32, 64], macs: 64 * 32 * 8 * 16 ** 3 });
    for (const c of r) expect(c.biasLen).toBe(c.y[1]);
  });

  test('the channels-last forms are the same numbers', () => {
    const r = inNode(`
      const m = await import(${JSON.stringify(CASES)});
      const b = m.buildCase({ name: 't', type: 'conv3d', c: 3, d: 2, h: 3, w: 4, cout: 5, k: 3, stride: 1, pad: 1 });
      const back = m.nhwcToNchw(b.x.NHWC.data, b.xShape);
      const w = b.weights[0];
      // [Cout, Cin, kD, kH, kW] element (o=4, i=2, 1, 2, 0) is [kD, kH, kW, Cin, Cout] element (1, 2, 0, 2, 4)
      const a = w.NCHW.data[(((4 * 3 + 2) * 3 + 1) * 3 + 2) * 3 + 0];
      const l = w.NHWC.data[(((1 * 3 + 2) * 3 + 0) * 3 + 2) * 5 + 4];
      return { same: back.every((v, i) => v === b.x.NCHW.data[i]), a, l };`);
    expect(r.same).toBe(true);
    expect(r.l).toBe(r.a);
  });

  test('--layers: no filter keeps the 2-D selection; conv1d, conv3d, types and names select the 1-D and 3-D layers', () => {
    const r = inNode(`
      const m = await import(${JSON.stringify(CASES)});
      const all = [...m.LAYERS, ...m.KERNELS, ...m.ND_LAYERS];
      const names = (f) => m.selectCases(all, f).map((c) => c.name);
      return { none: names(''), twoD: [...m.LAYERS, ...m.KERNELS].map((c) => c.name), c1: names('conv1d'), c3: names('conv3d'),
        t1: names('convTranspose1d'), one: names('unet3d.up'), mixed: names('mbv1.pw13,w2v.fe0'), sub: names('unet3d') };`);
    expect(r.none).toEqual(r.twoD);
    expect(r.c1).toEqual(['w2v.fe0', 'w2v.fe1', 'tcn.dil8', 'conformer.dw', 'hifigan.up1']);
    expect(r.c3).toEqual(['c3d.like.c64', 'unet3d.enc2', 'unet3d.down', 'unet3d.up']);
    expect(r.t1).toEqual(['hifigan.up1']);
    expect(r.one).toEqual(['unet3d.up']);
    expect(r.mixed).toEqual(['mbv1.pw13', 'w2v.fe0']);
    expect(r.sub).toEqual(['unet3d.enc2', 'unet3d.down', 'unet3d.up']);
  });

  test('a library without the 1-D and 3-D ops skips those layers with one note', () => {
    const r = inNode(`
      const { runSuite } = await import(${JSON.stringify(RUN)});
      const lib = { init: async () => 'js' };
      const res = await runSuite({ lib, filter: 'conv1d,conv3d', paths: [], layouts: ['NCHW'], peers: [], quick: true, ceilings: false, progress() {} });
      return { notes: res.notes, cases: res.cases.length, rows: res.rows.length };`);
    expect(r.cases).toBe(0);
    expect(r.rows).toBe(0);
    const skip = r.notes.filter((n: string) => n.includes('skipped'));
    expect(skip).toEqual(['w2v.fe0, w2v.fe1, tcn.dil8, conformer.dw, hifigan.up1, c3d.like.c64, unet3d.enc2, unet3d.down, unet3d.up: '
      + 'skipped, this simdconv build has no createConv1d, createConvTranspose1d, createConv3d, createConvTranspose3d']);
  });

  test('a library with conv1d: its paths run the 1-D cases, with the API.md names and options, and the peers are checked against them', () => {
    const r = inNode(`
      const { runSuite } = await import(${JSON.stringify(RUN)});
      const calls = [];
      // conv1d as API.md draft 4 names it, in plain loops: x [1, C, W] (NCW) or [1, W, C] (NWC),
      // w [Cout, Cin/g, k] or [k, Cin/g, Cout]
      const createConv1d = (w, o) => {
        calls.push({ fn: 'createConv1d', w: w.shape, o: { ...o, bias: o.bias.length } });
        const nwc = o.layout === 'NWC';
        const [cout, cpg, k] = nwc ? [w.shape[2], w.shape[1], w.shape[0]] : w.shape;
        const g = o.groups ?? 1;
        const d = o.dilation ?? 1;
        const wAt = (oc, ci, t) => (nwc ? w.data[(t * cpg + ci) * cout + oc] : w.data[(oc * cpg + ci) * k + t]);
        return {
          run(x, opts = {}) {
            const [c, n] = nwc ? [x.shape[2], x.shape[1]] : [x.shape[1], x.shape[2]];
            const [pb, pe] = o.padding === 'causal' ? [d * (k - 1), 0] : [o.padding, o.padding];
            const ow = Math.floor((n + pb + pe - d * (k - 1) - 1) / o.stride) + 1;
            const xAt = (ci, i) => (nwc ? x.data[i * c + ci] : x.data[ci * n + i]);
            const y = opts.out ?? new Float32Array(cout * ow);
            const opg = cout / g;
            for (let oc = 0; oc < cout; oc++) {
              const g0 = Math.floor(oc / opg) * cpg;
              for (let p = 0; p < ow; p++) {
                let acc = o.bias[oc];
                for (let ci = 0; ci < cpg; ci++) {
                  for (let t = 0; t < k; t++) {
                    const i = p * o.stride - pb + t * d;
                    if (i >= 0 && i < n) acc += wAt(oc, ci, t) * xAt(g0 + ci, i);
                  }
                }
                y[nwc ? p * cout + oc : oc * ow + p] = acc;
              }
            }
            return { data: y, shape: nwc ? [1, ow, cout] : [1, cout, ow] };
          },
          dispose() {},
        };
      };
      const conv1dMacs = (xs, ws, o) => { calls.push({ fn: 'conv1dMacs', xs, ws, layout: o.layout }); return 256 * 31 * 1000; };
      const lib = { init: async (o) => o?.backend ?? 'js', createConv1d, conv1dMacs };
      const res = await runSuite({ lib, filter: 'conformer.dw', paths: ['js'], layouts: ['NCHW', 'NHWC'], peers: ['ort-web'], quick: true, ceilings: false, progress() {} });
      return { notes: res.notes, cases: res.cases.map((c) => [c.case, c.suite, c.mflop]), rows: res.rows.map((x) => [x.contender, x.layout, x.status, x.note ?? null]), calls };`);
    expect(r.notes).toEqual([]);
    expect(r.cases).toEqual([['conformer.dw', 'layers-nd', 2 * 256 * 31 * 1000 / 1e6]]);
    expect(r.rows).toEqual([['js', 'NCHW', 'ok', null], ['js', 'NHWC', 'ok', null], ['ort-web', 'NCHW', 'ok', null]]);
    expect(r.calls[0]).toEqual({ fn: 'conv1dMacs', xs: [1, 256, 1000], ws: [256, 1, 31], layout: 'NCW' });
    expect(r.calls[1]).toEqual({ fn: 'createConv1d', w: [256, 1, 31], o: { stride: 1, bias: 256, padding: 15, groups: 256, layout: 'NCW', backend: 'js' } });
    expect(r.calls[2]).toEqual({ fn: 'createConv1d', w: [31, 1, 256], o: { stride: 1, bias: 256, padding: 15, groups: 256, layout: 'NWC', backend: 'js' } });
  });
});

describe('peer models against the float64 reference', () => {
  let res: any;
  beforeAll(() => {
    const r = spawnSync(process.execPath, ['--no-warnings', resolve(__dirname, 'nd-peers-check.mjs')], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`nd-peers-check exited with ${r.status}: ${r.stderr}`);
    res = JSON.parse(r.stdout.trim().split('\n').pop() as string);
  });

  test('onnxruntime-web and -node: every case matches', () => {
    const orts = res.peers.filter((p: string) => p.startsWith('ort-'));
    expect(orts).toContain('ort-web');
    for (const [name, byPeer] of Object.entries<any>(res.results)) {
      for (const p of orts) expect([name, p, byPeer[p].status, byPeer[p].note]).toEqual([name, p, 'ok', undefined]);
    }
  });

  test('TensorFlow.js: matches where it runs, n/a where it cannot', () => {
    const na: Record<string, RegExp> = {
      'c1.causal': /no 'causal' padding/,
      'c1.s2dil2': /stride or dilation above 1, not both/,
      'c1.g2': /no grouped conv/,
      'c3.s2p1': /pads only 'valid' or 'same' \('same' pads \[0, 1\] here, the layer \[1, 1\]\)/,
    };
    const tfjs = res.peers.filter((p: string) => p.startsWith('tfjs-'));
    expect(tfjs).toEqual(['tfjs-wasm', 'tfjs-cpu']);
    for (const [name, byPeer] of Object.entries<any>(res.results)) {
      for (const p of tfjs) {
        const got = byPeer[p];
        if (na[name]) {
          expect([name, p, got.status]).toEqual([name, p, 'unsupported']);
          expect(got.note).toMatch(na[name]);
        } else if (p === 'tfjs-wasm' && name.startsWith('t3.')) {
          // tfjs-wasm 4.22's conv3dTranspose gives wrong sums (tfjs-cpu, fed the same tensors,
          // matches): the suite's check before timing marks it a mismatch, not timed
          expect(['ok', 'mismatch']).toContain(got.status);
        } else {
          expect([name, p, got.status]).toEqual([name, p, 'ok']);
        }
      }
    }
  });

  test("tf.conv3d 'same' at stride 2 is not a pad of 1 at both ends (unet3d.down is n/a)", () => {
    // the same output size, other values: 'same' pads 0 before and 1 after there
    expect(res.sameVsPad1.shape).toEqual([1, 4, 4, 4, 3]);
    expect(res.sameVsPad1.maxErr).toBeGreaterThan(1e-2);
  });

  test('the real layers TensorFlow.js cannot run', () => {
    const r = inNode(`
      const m = await import(${JSON.stringify(CASES)});
      const t = await import(${JSON.stringify(TFJS)});
      return Object.fromEntries(m.ND_LAYERS.map((s) => { const b = m.buildCase(s); return [s.name, [t.tfjsNdUnsupported(b), t.tfjsPadString(b)]]; }));`);
    expect(r['tcn.dil8'][0]).toMatch(/causal/);
    expect(r['unet3d.down'][0]).toMatch(/'same' pads \[0, 1\] here, the layer \[1, 1\]/);
    for (const n of ['w2v.fe0', 'w2v.fe1', 'conformer.dw', 'hifigan.up1', 'c3d.like.c64', 'unet3d.enc2', 'unet3d.up']) expect([n, r[n][0]]).toEqual([n, null]);
    expect(r['c3d.like.c64'][1]).toBe('same');
    expect(r['unet3d.up'][1]).toBe('valid');
  });
});

describe('ort-node, the optional native reference', () => {
  test('not installed: no peer, one note with the install command', () => {
    const r = inNode(`
      const o = await import(${JSON.stringify(ORT)});
      const notes = [];
      const peers = await o.loadOrtPeers(['ort-node'], notes, { importPeer: async () => null });
      return { peers: peers.length, notes, cmd: o.ORT_NODE_INSTALL };`);
    expect(r.peers).toBe(0);
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toMatch(/^ort-node: onnxruntime-node .*is not installed; skipped/);
    expect(r.notes[0]).toContain(r.cmd);
    expect(r.cmd).toMatch(/^ONNXRUNTIME_NODE_INSTALL=skip npm i --no-save onnxruntime-node@/);
  });

  test('installed but its native binding does not load: no peer, one note', () => {
    const r = inNode(`
      const o = await import(${JSON.stringify(ORT)});
      const notes = [];
      const importPeer = async (name) => {
        if (name !== 'onnxruntime-node') return null;
        const e = new Error('libonnxruntime.so.1: cannot open shared object file');
        e.code = 'ERR_DLOPEN_FAILED';
        throw e;
      };
      const peers = await o.loadOrtPeers(['ort-web', 'ort-node'], notes, { importPeer });
      return { peers: peers.length, notes };`);
    expect(r.peers).toBe(0);
    expect(r.notes.find((n: string) => n.startsWith('ort-node:'))).toMatch(/does not load \(libonnxruntime\.so\.1: cannot open shared object file\); skipped/);
  });

  test('not asked for: nothing loaded, no note', () => {
    const r = inNode(`
      const o = await import(${JSON.stringify(ORT)});
      const notes = [];
      let asked = [];
      const peers = await o.loadOrtPeers(['tfjs-wasm'], notes, { importPeer: async (n) => { asked.push(n); return null; } });
      return { peers: peers.length, notes, asked };`);
    expect(r).toEqual({ peers: 0, notes: [], asked: [] });
  });

  test('when it resolves here: one thread, native CPU, a Conv that matches', () => {
    const r = inNode(`
      const o = await import(${JSON.stringify(ORT)});
      const m = await import(${JSON.stringify(CASES)});
      const notes = [];
      const [peer] = await o.loadOrtPeers(['ort-node'], notes);
      if (!peer) return { skipped: notes };
      const b = m.buildCase({ name: 't', type: 'standard', c: 2, h: 3, w: 3, cout: 1, k: 3, stride: 1, pad: 1 });
      const p = await peer.prepare(b);
      const y = await p.run();
      // centre output: the whole 3x3 window of both channels
      let acc = b.bias[0];
      for (let c = 0; c < 2; c++) for (let i = 0; i < 9; i++) acc += b.weights[0].NCHW.data[c * 9 + i] * b.x.NCHW.data[c * 9 + i];
      await p.dispose();
      return { label: peer.label, layout: peer.layout, len: y.length, centre: y[4], acc };`);
    if (r.skipped) {
      expect(r.skipped[0]).toMatch(/^ort-node: /);
      return;
    }
    expect(r.label).toMatch(/^onnxruntime-node [\d.]+ native CPU \(MLAS, 1 thread\)$/);
    expect(r.layout).toBe('NCHW');
    expect(r.len).toBe(9);
    expect(Math.abs(r.centre - r.acc)).toBeLessThan(1e-5);
  });
});

describe('report: the native column', () => {
  const RESULT = {
    meta: {
      date: 'd', cpu: 'test cpu', cores: 2, node: 'v20', v8: '11.3', execArgv: [], paths: ['wasm-relaxed', 'wasm-simd'],
      layouts: ['NCHW'], primaryLayout: 'NCHW', autoBackend: 'wasm-relaxed',
      peers: { 'tfjs-wasm': 't', 'ort-web': 'o', 'ort-node': 'n' },
    },
    notes: [],
    cases: [
      { case: 'a', suite: 'layers', type: 'standard', mflop: 100 },
      { case: 'b', suite: 'layers', type: 'depthwise', mflop: 10 },
      { case: 'w2v.fe0', suite: 'layers-nd', type: 'conv1d', mflop: 30 },
    ],
    rows: [
      // per-round ms: the ratios of the rounds are ort-node / path = 0.5, 0.25, 0.6, 0.5, 0.4: median 0.5
      { case: 'a', contender: 'wasm-relaxed', kind: 'path', layout: 'NCHW', status: 'ok', gflops: 20, roundMs: [2, 4, 1, 2, 2.5] },
      { case: 'a', contender: 'wasm-simd', kind: 'path', layout: 'NCHW', status: 'ok', gflops: 10, roundMs: [4, 4, 4, 4, 4] },
      { case: 'a', contender: 'ort-node', kind: 'peer', layout: 'NCHW', status: 'ok', gflops: 45, roundMs: [1, 1, 0.6, 1, 1] },
      { case: 'a', contender: 'ort-web', kind: 'peer', layout: 'NCHW', status: 'ok', gflops: 10, roundMs: [4, 4, 4, 4, 4] },
      // no roundMs: the ratio of GFLOP/s
      { case: 'b', contender: 'wasm-relaxed', kind: 'path', layout: 'NCHW', status: 'ok', gflops: 4 },
      { case: 'b', contender: 'ort-node', kind: 'peer', layout: 'NCHW', status: 'ok', gflops: 8 },
      { case: 'b', contender: 'tfjs-wasm', kind: 'peer', layout: 'NHWC', status: 'ok', gflops: 2 },
      { case: 'w2v.fe0', contender: 'wasm-relaxed', kind: 'path', layout: 'NCHW', status: 'ok', gflops: 20 },
      { case: 'w2v.fe0', contender: 'tfjs-wasm', kind: 'peer', layout: 'NHWC', status: 'unsupported', note: "tf.conv1d has no 'causal' padding" },
      { case: 'w2v.fe0', contender: 'ort-node', kind: 'peer', layout: 'NCHW', status: 'ok', gflops: 25 },
    ],
  };

  test('best/ort-node per layer and geomean; ort-node is not a peer of best/peer', () => {
    const r = inNode(`
      const rep = await import(${JSON.stringify(REPORT)});
      const result = ${JSON.stringify(RESULT)};
      const sum = rep.summarize(result);
      const nd = rep.summarize(result, 'layers-nd');
      return { native: sum.native, rows: sum.rows.map((x) => [x.native, x.ratio, x.bestPeer?.name]), geo: sum.geo.native,
        nd: nd.rows.map((x) => x.native), md: rep.toMarkdown(result), text: rep.toText(result) };`);
    expect(r.native).toBe('ort-node');
    expect(r.rows[0][0]).toBeCloseTo(0.5, 12);
    expect(r.rows[0][1]).toBeCloseTo(2, 12); // ort-web 4 ms over relaxed's per round: 2, 1, 4, 2, 1.6
    expect(r.rows[0][2]).toBe('ort-web');
    expect(r.rows[1]).toEqual([0.5, 2, 'tfjs-wasm']);
    expect(r.geo).toBeCloseTo(0.5, 12);
    expect(r.nd).toEqual([0.8]);
    const head = r.md.split('\n').find((l: string) => l.startsWith('| layer'));
    expect(head).toContain('| ort-node | best/peer | best/ort-node | js/tfjs-cpu |');
    expect(r.md).toMatch(/^### 1-D and 3-D layers \(GFLOP\/s/m);
    expect(r.md).toMatch(/\| \*\*geomean\*\* \|.*\*\*0\.50x\*\*/);
    expect(r.text).toMatch(/^ort-node: onnxruntime-node, native machine code/m);
  });

  test('no ort-node in the run: no native column', () => {
    const r = inNode(`
      const rep = await import(${JSON.stringify(REPORT)});
      const result = ${JSON.stringify(RESULT)};
      delete result.meta.peers['ort-node'];
      result.rows = result.rows.filter((x) => x.contender !== 'ort-node');
      return { md: rep.toMarkdown(result), native: rep.summarize(result).native };`);
    expect(r.native).toBeNull();
    expect(r.md).not.toContain('ort-node');
  });

  test('sameRunRatio: median of the rounds when both have them, else GFLOP/s', () => {
    const r = inNode(`
      const { sameRunRatio } = await import(${JSON.stringify(REPORT)});
      return [
        sameRunRatio({ roundMs: [1, 2, 1, 1] }, { roundMs: [2, 2, 3, 1] }),
        sameRunRatio({ gflops: 3, roundMs: [1] }, { gflops: 6, roundMs: [1, 2] }),
        sameRunRatio({ gflops: 3 }, null),
      ];`);
    expect(r).toEqual([1.5, 0.5, null]);
  });
});
