/**
 * Results at 2, 3, 4 and 8 threads equal to one thread bit for bit (split.ts): every
 * selection-table exemplar, at the measured thresholds and with everything split, and shapes that
 * cut each split kernel and each pass around the kernels in few or uneven tasks. The threads()
 * API itself: threads.test.ts.
 */
import * as os from 'node:os';
import { WasmBackend, runExemplar } from '../../src/backends/wasm/backend';
import { EXEMPLARS, Exemplar, stageSpec } from '../../src/backends/wasm/exemplars';
import { resolve } from '../../src/ops/plan';
import { Rng, randomTensor } from '../helpers/reference';
import { THREADED, closeAll, fresh, opened, track } from './threads-helpers';

afterEach(() => {
  for (const f of opened.splice(0)) closeAll(f);
  jest.restoreAllMocks();
});

describe.each(THREADED)('%s: N threads give the bits of one', (b) => {
  let one: WasmBackend;
  beforeAll(async () => {
    const f = fresh();
    await f.lib.init({ backend: b, threads: 1 });
    one = f.reg.getBackend('test', b) as WasmBackend;
  });

  test.each([2, 3, 4, 8])('threads %i: every exemplar of the selection table', async (n) => {
    const f = track();
    await f.lib.init({ backend: b, threads: n });
    const many = f.reg.getBackend('test', b) as WasmBackend;
    expect(many.pool.size).toBe(n);
    const rng = new Rng(17 + n);
    // at the measured thresholds (the exemplars stay on the caller), then with every split kernel
    // and every pass around the kernels split
    for (const [minMacs, minBytes] of [[f.sel.SPLIT_MIN_MACS, f.split.SPLIT_MIN_BYTES], [0, 0]]) {
      f.sel.splitTuning.minMacs = minMacs;
      f.split.passTuning.minBytes = minBytes;
      for (const e of EXEMPLARS) sameBits(one, many, e, rng);
    }
  });

  test.each([2, 3, 4, 8])('threads %i: split kernels on fewer tiles than threads, idle threads, tiles across images',
    async (n) => {
      const { many } = await splitEverything(b, n);
      const rng = new Rng(29 + n);
      for (const e of SPLIT_SHAPES) {
        const d = sameBits(one, many, e, rng);
        // every stage of these shapes splits
        for (const s of d) {
          expect({ shape: e.name, kernel: s.kernel }).toEqual({ shape: e.name, kernel: expect.stringContaining(`on ${n} threads`) });
          expect({ shape: e.name, kernel: s.kernel }).toEqual({ shape: e.name, kernel: expect.stringContaining(e.want) });
        }
      }
    });

  test.each([2, 3, 8])('threads %i: the input copied in as the first tasks start (feeds), and a copy that fails', async (n) => {
    const { f, many } = await splitEverything(b, n);
    const real = f.split.Feed.prototype.copy;
    const copy = jest.spyOn(f.split.Feed.prototype, 'copy');
    const rng = new Rng(53 + n);
    for (const e of FEED_SHAPES) {
      copy.mockClear();
      const d = sameBits(one, many, e, rng);
      // every task of the first split gets its own chunk (at least one per thread)
      expect({ shape: e.name, chunks: copy.mock.calls.length >= n, path: d[0].path })
        .toEqual({ shape: e.name, chunks: true, path: e.want });
    }
    // a copy that throws half-way: the call throws it, no worker is left waiting, the next call is right
    const e = FEED_SHAPES[0];
    copy.mockClear();
    let calls = 0;
    copy.mockImplementation(function (this: InstanceType<typeof f.split.Feed>, chunks: readonly number[], t: number) {
      // the first chunk goes in, the second fails
      if (++calls === 2) throw new Error('copy failed');
      real.call(this, chunks, t);
    });
    const x = randomTensor(rng, [...e.input]).data;
    expect(() => runExemplar(many, e, 1, x, randomWeights(e, rng), new Float32Array(outputLength(e)))).toThrow('copy failed');
    copy.mockRestore();
    sameBits(one, many, e, rng);
  });

  test.each([2, 3, 4, 8])('threads %i: the passes around the kernels split: transposes, expansion, activations, col2im',
    async (n) => {
      const { f, many } = await splitEverything(b, n);
      const proto = f.split.Split.prototype;
      const spies = {
        transpose: jest.spyOn(proto, 'transpose'), expand: jest.spyOn(proto, 'expand'),
        activate: jest.spyOn(proto, 'activate'), col2im: jest.spyOn(proto, 'col2im'),
      };
      const rng = new Rng(41 + n);
      const got = [];
      for (const e of PASS_SHAPES) {
        for (const spy of Object.values(spies)) spy.mockClear();
        const d = sameBits(one, many, e, rng);
        // each shape runs the passes it names on the pool, on the path it names
        const ran = Object.entries(spies).filter(([, spy]) => spy.mock.calls.length > 0).map(([k]) => k).sort();
        got.push({ shape: e.name, ran, path: d[0].path });
      }
      expect(got).toEqual(PASS_SHAPES.map((e) => ({ shape: e.name, ran: [...e.passes].sort(), path: e.want })));
    });
});

/** Shapes that cut the split kernels' work in few or uneven tasks (run with every split kernel split). */
/** A backend of n threads that splits every stage and pass, whatever its size. */
async function splitEverything(b: (typeof THREADED)[number], n: number): Promise<{ f: ReturnType<typeof track>; many: WasmBackend }> {
  // plan for all n threads (Pool.width) whatever the cores of the machine running the tests
  jest.spyOn(os, 'availableParallelism').mockReturnValue(64);
  const f = track();
  await f.lib.init({ backend: b, threads: n });
  const many = f.reg.getBackend('test', b) as WasmBackend;
  expect(many.pool.width).toBe(n);
  f.sel.splitTuning.minMacs = 0;
  f.split.passTuning.minBytes = 0;
  return { f, many };
}

/** Stage s followed by activation `kind` (prelu: its slopes). */
const withAct = (s: Exemplar['stages'][number], kind: 'sigmoid' | 'elu' | 'prelu' | 'gelu', prelu?: number[]):
  Exemplar['stages'][number] => ({
  ...s, min: -Infinity, max: Infinity,
  act: { kind, min: -Infinity, max: Infinity, alpha: kind === 'elu' ? 0.7 : 0, name: kind,
    ...(prelu ? { prelu: new Float32Array(prelu) } : {}) },
});
/** c prelu slopes, negative to positive. */
const slopes = (c: number): number[] => Array.from({ length: c }, (_, i) => 0.05 * (i + 1) - 0.3);

const SPLIT_SHAPES: readonly (Exemplar & { want: string })[] = ((): (Exemplar & { want: string })[] => {
  const conv = (cin: number, cout: number, k: number,
    o: { groups?: number; stride?: number; pad?: number; dilation?: number } = {}) =>
    stageSpec({ kind: 'conv', cin, cout, k, ...o });
  const deconv = (cin: number, cout: number, k: number, o: { stride?: number; pad?: number } = {}) =>
    stageSpec({ kind: 'deconv', cin, cout, k, ...o });
  const dw = (cout: number, k: number, o: { stride?: number; pad?: number; dilation?: number } = {}) =>
    stageSpec({ kind: 'dw', cout, k, ...o });
  const dw1 = (cout: number, k: number) => stageSpec({ kind: 'dw', cout, k: [1, k] });
  // `want`: a part of the kernel's name (the shape exercises that kernel)
  const shape = (name: string, s: Exemplar['stages'][number], input: Exemplar['input'], layout: Exemplar['layout'],
    want: string): Exemplar & { want: string } =>
    ({ name, stages: [s], input, layout, path: layout === 'NHWC' ? 'nhwc' : 'nchw-staged', kernels: [], warm: false, want });
  return [
    // 3 pixels (2 tiles of 2), 3 panels of 16: pixel x channel tasks (channels not a multiple of 4: no Winograd)
    shape('igemm 3 pixels x 40 channels NHWC', conv(24, 42, 3, { pad: 1 }), [1, 24, 1, 3], 'NHWC', '_2x16__'),
    shape('igemm 3 pixels x 40 channels NCHW out', conv(24, 42, 3, { pad: 1 }), [1, 24, 1, 3], 'NCHW', '_nchw_out'),
    // one panel, 2 tiles: fewer tasks than threads, idle threads
    shape('igemm 4 pixels x 16 channels', conv(24, 14, 3, { pad: 1 }), [1, 24, 2, 2], 'NHWC', 'f32_igemm'),
    shape('igemm 1 pixel', conv(24, 26, 3), [1, 24, 3, 3], 'NCHW', '_nchw_out'),
    // NCHW planes of 49 pixels in two images: tiles across the image boundary, panels cut
    shape('igemm NCHW out, 2 images of odd planes', conv(24, 42, 3, { pad: 1 }), [2, 24, 7, 7], 'NCHW', '_nchw_out'),
    shape('igemm many pixels', conv(24, 26, 3, { pad: 1, stride: 1 }), [2, 24, 23, 21], 'NHWC', 'f32_igemm'),
    // grouped: the 4x8 tile (coutG 8) and groups of 4 (NHWC and NCHW planes, odd planes)
    shape('igemm 4x8 grouped', conv(16, 32, 3, { groups: 4, pad: 1 }), [2, 16, 5, 5], 'NHWC', '_4x8_'),
    shape('igemm groups4 NHWC', conv(16, 16, 3, { groups: 4, pad: 1 }), [2, 16, 5, 5], 'NHWC', '_groups4 '),
    shape('igemm groups4 NCHW out', conv(16, 16, 3, { groups: 4, pad: 1 }), [2, 16, 5, 5], 'NCHW', '_groups4_nchw_out'),
    shape('igemm groups4 NCHW out, 1 pixel', conv(16, 16, 1, { groups: 4 }), [1, 16, 1, 1], 'NCHW', '_groups4_nchw_out'),
    // row-merged (cin 3, 7x7 stride 2)
    shape('igemm-rows', conv(3, 24, 7, { stride: 2, pad: 3 }), [1, 3, 17, 15], 'NHWC', '_rows'),
    // the NCHW gemms over runs of output channels, odd channel counts, two images
    shape('pointwise NCHW', conv(16, 21, 1), [2, 16, 24, 24], 'NCHW', 'f32_gemm_relu6_nchw'),
    shape('pointwise NCHW, few channels', conv(8, 6, 1), [1, 8, 16, 40], 'NCHW', 'f32_gemm_relu6_nchw'),
    // planes not a multiple of 16: the overlapping last block, a last run merged into the one before
    shape('pointwise NCHW, 645-pixel plane', conv(8, 5, 1), [1, 8, 15, 43], 'NCHW', 'f32_gemm_relu6_nchw'),
    shape('pointwise NCHW, 657-pixel planes', conv(6, 9, 1), [2, 6, 9, 73], 'NCHW', 'f32_gemm_relu6_nchw'),
    shape('im2col NCHW, one output row', conv(3, 10, 3, { pad: 1 }), [1, 3, 1, 45], 'NCHW', 'im2col'),
    shape('im2col NCHW', conv(4, 22, 3, { pad: 1 }), [2, 4, 9, 20], 'NCHW', 'im2col'),
    shape('im2col NCHW, narrow rows', conv(4, 19, 3, { stride: 2 }), [1, 4, 9, 13], 'NCHW', 'im2col'),
    // NCHW depthwise over runs of channels (multiplier 1 and 2, two images), and the 1-D NCW rows
    shape('dwconv NCHW', dw(6, 3, { pad: 1 }), [2, 3, 9, 50], 'NCHW', 'f32_dwconv2d_chw'),
    shape('dwconv NCHW s2, 1 channel', dw(1, 3, { pad: 1, stride: 2 }), [1, 1, 8, 60], 'NCHW', 'f32_dwconv2d_chw'),
    shape('dwconv NCHW, 5 channels', dw(5, 3, { pad: 1 }), [1, 5, 6, 49], 'NCHW', 'f32_dwconv2d_chw'),
    shape('dwconv1d NCW', dw1(6, 5), [2, 3, 1, 70], 'NCHW', 'f32_dwconv1d_ncw'),
    // NHWC depthwise over runs of output rows: the row kernels (kW 3 and 5), the 3x3 pixel kernel,
    // the generic one, a multiplier, strides and dilations that start rows in the padding
    shape('dwconv NHWC 3x3 rows', dw(12, 3, { pad: 1 }), [2, 12, 7, 20], 'NHWC', 'f32_dwconv'),
    shape('dwconv NHWC 3x3 s2', dw(8, 3, { pad: 1, stride: 2 }), [1, 8, 9, 9], 'NHWC', 'f32_dwconv'),
    shape('dwconv NHWC 5x5', dw(8, 5, { pad: 2 }), [1, 8, 6, 7], 'NHWC', 'f32_dwconv'),
    shape('dwconv NHWC 7x7 m2 s2', dw(6, 7, { pad: 3, stride: 2 }), [1, 3, 11, 10], 'NHWC', '_m2_expanded'),
    shape('dwconv NHWC 3x3 dilation 2', dw(5, 3, { pad: 2, dilation: 2 }), [2, 5, 8, 6], 'NHWC', 'f32_dwconv'),
    shape('dwconv NHWC 1 row', dw(4, 3, { pad: 1 }), [1, 4, 1, 9], 'NHWC', 'f32_dwconv'),
    // Winograd F(4x4) and F(2x2) over runs of blocks: one tile, tiles across images, dilation phases, NCHW out
    shape('winograd 4x4, one tile', conv(16, 16, 3, { pad: 1 }), [1, 16, 3, 4], 'NHWC', 'winograd_f4x4'),
    shape('winograd 4x4, 2 images', conv(16, 24, 3, { pad: 1 }), [2, 16, 13, 11], 'NHWC', 'winograd_f4x4'),
    shape('winograd 4x4 NCHW out', conv(16, 24, 3, { pad: 1 }), [1, 16, 17, 9], 'NCHW', 'winograd_f4x4'),
    shape('winograd 2x2 dilation 4', conv(32, 32, 3, { pad: 4, dilation: 4 }), [1, 32, 14, 15], 'NHWC', 'winograd_f2x2'),
    // blocks too few for the threads: panels of output channels too (16, 16 and 8 of them)
    shape('winograd 4x4 NCHW out, channel panels', conv(16, 40, 3, { pad: 1 }), [1, 16, 5, 6], 'NCHW', 'winograd_f4x4'),
    // Winograd followed by an activation (the pass over its output splits with it)
    shape('winograd 4x4, 2 images, sigmoid', withAct(conv(16, 24, 3, { pad: 1 }), 'sigmoid'), [2, 16, 13, 11], 'NHWC',
      'winograd_f4x4'),
    shape('winograd 4x4 NCHW out, prelu', withAct(conv(16, 24, 3, { pad: 1 }), 'prelu', slopes(24)), [1, 16, 17, 9], 'NCHW',
      'winograd_f4x4'),
    shape('winograd 2x2 dilation 4, gelu', withAct(conv(32, 32, 3, { pad: 4, dilation: 4 }), 'gelu'), [1, 32, 14, 15], 'NHWC',
      'winograd_f2x2'),
    // transposed: the gemm into col
    shape('deconv col2im', deconv(8, 8, 3, { stride: 2, pad: 1 }), [2, 8, 5, 3], 'NHWC', 'deconv_gemm_col2im'),
    // rows too few for the threads: channel quads too, the last of 3 channels, the clamp's scalar tail
    shape('deconv col2im, channel quads', deconv(8, 7, 3, { stride: 2, pad: 1 }), [1, 8, 2, 3], 'NHWC', 'deconv_gemm_col2im'),
    shape('deconv tiles NCHW out', deconv(8, 24, 2, { stride: 2 }), [1, 8, 3, 5], 'NCHW', 'deconv_gemm_tiles'),
    // the tiled col2im over runs of output rows: a crop, 2 images, channels not a multiple of 4
    shape('deconv tiles NCHW out, cropped', deconv(8, 6, 3, { stride: 3, pad: 1 }), [2, 8, 4, 5], 'NCHW', 'deconv_gemm_tiles'),
    shape('deconv tiles NCHW out, 1 row', deconv(4, 8, 2, { stride: 2 }), [1, 4, 1, 9], 'NCHW', 'deconv_gemm_tiles'),
  ];
})();

/**
 * Shapes whose first split reads the input still in the caller's array (split-plan.ts, Feed):
 * NCHW depthwise (channel runs, two images), the NCHW pointwise gemm (pixel runs of every plane,
 * long enough to go in run by run at 8 threads), the im2col gemm (input rows) and the staged
 * path's transpose; `want`: the first stage's path.
 */
const FEED_SHAPES: readonly (Exemplar & { want: string })[] = ((): (Exemplar & { want: string })[] => {
  const shape = (name: string, s: Exemplar['stages'][number], input: Exemplar['input'], want: string): Exemplar & { want: string } =>
    ({ name, stages: [s], input, layout: 'NCHW', path: 'nchw-planes', kernels: [], warm: false, want });
  return [
    shape('dwconv NCHW, 2 images', stageSpec({ kind: 'dw', cout: 7, k: 3, pad: 1 }), [2, 7, 9, 50], 'NCHW planes in place'),
    shape('pointwise NCHW, long pixel runs', stageSpec({ kind: 'conv', cin: 3, cout: 5, k: 1 }), [1, 3, 96, 120],
      'NCHW planes in place'),
    shape('im2col NCHW rows, 2 images', stageSpec({ kind: 'conv', cin: 4, cout: 22, k: 3, pad: 1 }), [2, 4, 33, 40],
      'NCHW planes in place'),
    shape('staged transpose, long pixel runs', stageSpec({ kind: 'conv', cin: 12, cout: 8, k: 3, pad: 1 }), [1, 12, 120, 100],
      'NCHW transposed to NHWC -> NHWC transposed to NCHW'),
    // a small plane of many channels: its transpose splits by channel blocks as well
    shape('staged transpose, channel blocks', stageSpec({ kind: 'conv', cin: 40, cout: 8, k: 3, pad: 1 }), [2, 40, 7, 9],
      'NCHW transposed to NHWC -> NHWC transposed to NCHW'),
  ];
})();

type Pass = 'transpose' | 'expand' | 'activate' | 'col2im';

/**
 * Shapes whose passes around the kernels split (run with every pass split): the staged path's
 * transposes (3 channels and more, fewer pixels than threads, two images), the m-fold expansion,
 * the activations on floats not a multiple of 4 (one slope, prelu's per channel in both layouts),
 * and the general col2im with overlapping taps, groups, a crop, dilation and fewer rows than threads.
 */
type PassShape = Exemplar & { passes: readonly Pass[]; want: string };
const PASS_SHAPES: readonly PassShape[] = ((): PassShape[] => {
  const conv = (cin: number, cout: number, k: number, o: { groups?: number; stride?: number; pad?: number } = {}) =>
    stageSpec({ kind: 'conv', cin, cout, k, ...o });
  const deconv = (cin: number, cout: number, k: number,
    o: { groups?: number; stride?: number; pad?: number; dilation?: number } = {}) => stageSpec({ kind: 'deconv', cin, cout, k, ...o });
  const dw = (cout: number, k: number, o: { stride?: number; pad?: number } = {}) => stageSpec({ kind: 'dw', cout, k, ...o });
  // want: the path describe() gives the first stage
  const shape = (name: string, stages: Exemplar['stages'], input: Exemplar['input'], layout: Exemplar['layout'],
    passes: readonly Pass[], want = layout === 'NHWC' ? 'NHWC in place' : 'NCHW transposed to NHWC -> NHWC transposed to NCHW'):
    PassShape => ({ name, stages, input, layout, path: 'nhwc', kernels: [], warm: false, passes, want });
  return [
    shape('staged igemm, transposes both ways', [conv(20, 8, 3, { stride: 2, pad: 1 })], [2, 20, 9, 9], 'NCHW', ['transpose']),
    shape('staged igemm, 1 output pixel', [conv(12, 8, 3)], [1, 12, 3, 3], 'NCHW', ['transpose']),
    shape('staged, 3 input planes', [conv(3, 8, 3, { pad: 1 }), conv(8, 8, 3, { pad: 1 })], [1, 3, 7, 37], 'NCHW', ['transpose'],
      'NCHW transposed to NHWC -> NHWC'),
    shape('staged dwconv 14x14', [dw(24, 3, { pad: 1 })], [1, 24, 14, 14], 'NCHW', ['transpose']),
    shape('dwconv m2 expansion', [dw(6, 3, { pad: 1 })], [1, 3, 11, 10], 'NHWC', ['expand']),
    shape('dwconv m3 expansion, 2 pixels', [dw(9, 3, { pad: 1 })], [1, 3, 1, 2], 'NHWC', ['expand']),
    shape('sigmoid NHWC, odd floats', [withAct(conv(8, 7, 3, { pad: 1 }), 'sigmoid')], [1, 8, 5, 7], 'NHWC', ['activate']),
    shape('gelu NCHW planes', [withAct(dw(7, 3, { pad: 1 }), 'gelu')], [2, 7, 5, 67], 'NCHW', ['activate'], 'NCHW planes in place'),
    shape('elu, 3 floats', [withAct(conv(4, 3, 1), 'elu')], [1, 4, 1, 1], 'NHWC', ['activate']),
    shape('prelu NHWC rows', [withAct(conv(8, 7, 3, { pad: 1 }), 'prelu', slopes(7))], [1, 8, 5, 7], 'NHWC', ['activate']),
    shape('prelu NCHW planes', [withAct(conv(8, 7, 1), 'prelu', slopes(7))], [2, 8, 16, 41], 'NCHW', ['activate'],
      'NCHW planes in place'),
    shape('prelu staged, one slope', [withAct(conv(12, 9, 3), 'prelu', [0.25])], [1, 12, 6, 7], 'NCHW', ['activate', 'transpose'],
      'NCHW transposed to NHWC -> NCHW written by the kernel'),
    shape('col2im NHWC, overlapping taps', [deconv(8, 8, 3, { stride: 2, pad: 1 })], [2, 8, 5, 3], 'NHWC', ['col2im']),
    shape('col2im stride 1, 3 rows', [deconv(4, 6, 3)], [1, 4, 1, 1], 'NHWC', ['col2im']),
    shape('col2im groups 2, dilation 2', [deconv(8, 12, 3, { groups: 2, dilation: 2, pad: 1 })], [1, 8, 6, 5], 'NHWC', ['col2im']),
    shape('col2im staged NCHW', [deconv(6, 10, 4, { stride: 2, pad: 1 })], [2, 6, 4, 5], 'NCHW', ['col2im', 'transpose']),
    shape('col2im NHWC, stride = kernel, cropped', [deconv(5, 7, 3, { stride: 3, pad: 2 })], [1, 5, 3, 4], 'NHWC', ['col2im']),
  ];
})();

/** Runs e on one thread and on many with the same random input and weights; expects the same bits. */
function sameBits(one: WasmBackend, many: WasmBackend, e: Exemplar, rng: Rng): ReturnType<typeof runExemplar> {
  const [bn, c, h, w] = e.input;
  const x = randomTensor(rng, [bn, c, h, w]).data;
  const weights = randomWeights(e, rng);
  const a = runOut(one, e, x, weights);
  const out = new Float32Array(outputLength(e));
  const d = runExemplar(many, e, 1, x, weights, out);
  expect({ exemplar: e.name, bits: equalBits(a, out) }).toEqual({ exemplar: e.name, bits: true });
  return d;
}

/** Random weights for each stage of an exemplar. */
function randomWeights(e: Exemplar, rng: Rng): Float32Array[] {
  return e.stages.map((s) => {
    const len = s.kind === 'dw' ? s.kH * s.kW * s.cout
      : s.kind === 'conv' ? s.kH * s.kW * (s.cin / s.groups) * s.cout
      : s.kH * s.kW * s.cin * (s.cout / s.groups);
    return randomTensor(rng, [len]).data;
  });
}

/** Runs an exemplar once with a given input and weights and returns its output. */
function runOut(be: WasmBackend, e: (typeof EXEMPLARS)[number], x: Float32Array, weights: Float32Array[]): Float32Array {
  const out = new Float32Array(outputLength(e));
  runExemplar(be, e, 1, x, weights, out);
  return out;
}

function outputLength(e: (typeof EXEMPLARS)[number]): number {
  const [n, c, h, w] = e.input;
  let cur = { c, h, w };
  let len = 0;
  for (const s of e.stages) {
    const g = resolve(s, n, cur.c, cur.h, cur.w);
    cur = { c: g.cout, h: g.oh, w: g.ow };
    len = g.n * g.cout * g.oh * g.ow;
  }
  return len;
}

function equalBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}
