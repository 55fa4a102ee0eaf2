/**
 * The wasm Backend end to end (createKernel / createRunner / run / dispose) on every build of
 * this runtime, against the float64 plain loops of wasm-helpers.ts, over every stage kind of
 * plan.ts: channel tails, batch > 1, asymmetric padding, non-square kernels, strides and
 * dilations, groups, multipliers, outputPadding, both layouts, chains, aliasing, memory reuse.
 */
import { loadWasmBackend, WasmBackend } from '../../../../src/backends/wasm';
import type { WasmBackendName } from '../../../../src/backends/wasm';
import { resolve, Geometry } from '../../../../src/ops/plan';
import type { Kernel } from '../../../../src/backends/types';
import {
  expectClose, flavors, makeSpec, randomArray, refStage, rng, SpecArgs, toNchw, weightLength,
} from './wasm-helpers';

const NAMES: Record<string, WasmBackendName> = { relaxed: 'wasm-relaxed', simd: 'wasm-simd', scalar: 'wasm' };

interface Case extends SpecArgs {
  name: string;
  n: number;
  c: number;
  h: number;
  w: number;
}

const CASES: Case[] = [
  // conv: standard, pointwise, strided, dilated, grouped, padded
  { name: 'conv_3x3s1p1_c3_co5', kind: 'conv', n: 1, c: 3, h: 7, w: 6, cin: 3, cout: 5, kH: 3, kW: 3, pad: [1, 1, 1, 1] },
  { name: 'conv_1x1_c13_co17', kind: 'conv', n: 1, c: 13, h: 5, w: 5, cin: 13, cout: 17, kH: 1, kW: 1 },
  { name: 'conv_1x1s2_c7_co9_n2', kind: 'conv', n: 2, c: 7, h: 7, w: 8, cin: 7, cout: 9, kH: 1, kW: 1, stride: [2, 2] },
  { name: 'conv_3x2_s2x1_d1x2_asym_n2', kind: 'conv', n: 2, c: 5, h: 9, w: 8, cin: 5, cout: 7, kH: 3, kW: 2,
    stride: [2, 1], dilation: [1, 2], pad: [1, 0, 2, 1], act: 'relu' },
  { name: 'grouped_3x3g4_c8_co12', kind: 'conv', n: 1, c: 8, h: 6, w: 7, cin: 8, cout: 12, groups: 4, kH: 3, kW: 3, pad: [1, 1, 1, 1] },
  { name: 'grouped_3x3g3_c9_co6_relu6', kind: 'conv', n: 3, c: 9, h: 5, w: 4, cin: 9, cout: 6, groups: 3, kH: 3, kW: 3,
    pad: [0, 1, 2, 1], act: 'relu6' },
  // groups of 4 outputs (conv/grouped.ts on SIMD builds; NCHW output planes written by the kernel)
  { name: 'grouped_3x3g8_c32_co32_n2_cout4', kind: 'conv', n: 2, c: 32, h: 7, w: 9, cin: 32, cout: 32, groups: 8,
    kH: 3, kW: 3, pad: [1, 1, 1, 1], act: 'relu' },
  { name: 'grouped_3x3g3_c6_co12_cout4_s2', kind: 'conv', n: 1, c: 6, h: 9, w: 5, cin: 6, cout: 12, groups: 3,
    kH: 3, kW: 3, stride: [2, 2], pad: [1, 0, 1, 1] },
  { name: 'grouped_g2_c4_co34', kind: 'conv', n: 1, c: 4, h: 4, w: 5, cin: 4, cout: 34, groups: 2, kH: 2, kW: 2 },
  { name: 'dilated_3x3d2_c4_co8', kind: 'conv', n: 1, c: 4, h: 9, w: 9, cin: 4, cout: 8, kH: 3, kW: 3, dilation: [2, 2], pad: [2, 2, 2, 2] },
  { name: 'conv_same_5x5s2_c3_co1', kind: 'conv', n: 1, c: 3, h: 9, w: 11, cin: 3, cout: 1, kH: 5, kW: 5, stride: [2, 2], same: true },
  { name: 'conv_7x7s2p3_c3_co16', kind: 'conv', n: 1, c: 3, h: 20, w: 19, cin: 3, cout: 16, kH: 7, kW: 7, stride: [2, 2], pad: [3, 3, 3, 3] },
  { name: 'conv_pad_beyond_kernel', kind: 'conv', n: 1, c: 2, h: 3, w: 3, cin: 2, cout: 3, kH: 2, kW: 2, pad: [3, 3, 3, 3] },
  { name: 'conv_3x3_c64_co24_k_large', kind: 'conv', n: 1, c: 64, h: 6, w: 6, cin: 64, cout: 24, kH: 3, kW: 3, pad: [1, 1, 1, 1] },
  { name: 'conv_1x1_c1_co1', kind: 'conv', n: 2, c: 1, h: 3, w: 3, cin: 1, cout: 1, kH: 1, kW: 1 },
  { name: 'pointwise_c7_co5_n2_relu6_nchw_planes', kind: 'conv', n: 2, c: 7, h: 33, w: 35, cin: 7, cout: 5, kH: 1, kW: 1, act: 'relu6' },
  { name: 'pointwise_c3_co33_p1024', kind: 'conv', n: 1, c: 3, h: 32, w: 32, cin: 3, cout: 33, kH: 1, kW: 1 },
  { name: 'conv_1x1_c16_co8_mr_tail', kind: 'conv', n: 1, c: 16, h: 1, w: 7, cin: 16, cout: 8, kH: 1, kW: 1 },
  // NCHW im2col gemm (SIMD builds, c*kH*kW <= 64): blocks of 16 output columns, the last one
  // shifted left to end at the row's end, rows narrower than a block, stride 2 (shuffled loads),
  // other strides and the image's edges (a lane at a time), K at the limit; then just past it
  { name: 'im2col_3x3s2p1_c3_co7_n2_ow35', kind: 'conv', n: 2, c: 3, h: 9, w: 70, cin: 3, cout: 7, kH: 3, kW: 3,
    stride: [2, 2], pad: [1, 1, 1, 1], act: 'relu6' },
  { name: 'im2col_3x3_c1_co2_ow16', kind: 'conv', n: 1, c: 1, h: 5, w: 18, cin: 1, cout: 2, kH: 3, kW: 3 },
  { name: 'im2col_5x3_s3x3_d1x2_asym_c2_co5', kind: 'conv', n: 1, c: 2, h: 13, w: 80, cin: 2, cout: 5, kH: 5, kW: 3,
    stride: [3, 3], dilation: [1, 2], pad: [2, 3, 1, 0] },
  { name: 'im2col_2x2_c16_co3_k64_ow40', kind: 'conv', n: 1, c: 16, h: 4, w: 41, cin: 16, cout: 3, kH: 2, kW: 2, act: 'relu' },
  { name: 'conv_3x3_c8_co5_k72_wide', kind: 'conv', n: 1, c: 8, h: 4, w: 37, cin: 8, cout: 5, kH: 3, kW: 3, pad: [1, 1, 1, 1] },
  // Winograd (SIMD builds: 3x3 stride 1, one group, channels multiples of 4 and >= 16): F(4x4,3x3) up to
  // dilation 3 and 256 input channels, F(2x2,3x3) beyond (channel sums >= 64): odd sizes, batch > 1,
  // asymmetric padding, dilation; then one channel count short of it
  { name: 'winograd_3x3_c32_co36_n2_asym', kind: 'conv', n: 2, c: 32, h: 7, w: 9, cin: 32, cout: 36, kH: 3, kW: 3,
    pad: [0, 2, 1, 1], act: 'relu6' },
  { name: 'winograd_3x3d2_c24_co40', kind: 'conv', n: 1, c: 24, h: 11, w: 10, cin: 24, cout: 40, kH: 3, kW: 3,
    dilation: [2, 2], pad: [2, 2, 2, 2] },
  { name: 'winograd_f2_3x3d4_c32_co32', kind: 'conv', n: 1, c: 32, h: 14, w: 13, cin: 32, cout: 32, kH: 3, kW: 3,
    dilation: [4, 4], pad: [4, 3, 4, 4] },
  { name: 'winograd_f2_3x3_c260_co16', kind: 'conv', n: 1, c: 260, h: 6, w: 5, cin: 260, cout: 16, kH: 3, kW: 3,
    pad: [1, 1, 1, 1] },
  { name: 'conv_3x3_c33_co32_not_winograd', kind: 'conv', n: 1, c: 33, h: 5, w: 6, cin: 33, cout: 32, kH: 3, kW: 3, pad: [1, 1, 1, 1] },
  // NCHW pointwise on bands of pixels (runner.ts runBands): 22500-pixel planes, 2 bands
  { name: 'pointwise_bands_c5_co7_n2', kind: 'conv', n: 2, c: 5, h: 150, w: 150, cin: 5, cout: 7, kH: 1, kW: 1, act: 'relu6' },
  // depthwise
  ...[1, 3, 5, 7, 13, 17].map((c): Case => ({
    name: `depthwise_3x3s1d1p1_c${c}`, kind: 'dw', n: 1, c, h: 6, w: 5, cin: c, cout: c, kH: 3, kW: 3, pad: [1, 1, 1, 1],
  })),
  { name: 'depthwise_3x3s2d1p1_c13_n2', kind: 'dw', n: 2, c: 13, h: 9, w: 8, cin: 13, cout: 13, kH: 3, kW: 3,
    stride: [2, 2], pad: [1, 1, 1, 1], act: 'relu6' },
  { name: 'depthwise_5x3_d2x1_asym_c8', kind: 'dw', n: 1, c: 8, h: 10, w: 7, cin: 8, cout: 8, kH: 5, kW: 3,
    dilation: [2, 1], pad: [3, 0, 1, 2], act: 'relu' },
  { name: 'depthwise_m2_c3', kind: 'dw', n: 1, c: 3, h: 5, w: 5, cin: 3, cout: 6, kH: 3, kW: 3, pad: [1, 1, 1, 1] },
  { name: 'depthwise_m3_c5_s2', kind: 'dw', n: 2, c: 5, h: 7, w: 6, cin: 5, cout: 15, kH: 3, kW: 2, stride: [2, 2], pad: [1, 0, 1, 1] },
  { name: 'depthwise_1x3_s2x1_c4', kind: 'dw', n: 1, c: 4, h: 5, w: 6, cin: 4, cout: 4, kH: 1, kW: 3, stride: [2, 1] },
  { name: 'depthwise_pad_beyond_kernel_c5', kind: 'dw', n: 1, c: 5, h: 2, w: 2, cin: 5, cout: 5, kH: 2, kW: 2, pad: [3, 3, 3, 3] },
  { name: 'depthwise_3x3s2p1_wide_c5_n2', kind: 'dw', n: 2, c: 5, h: 5, w: 101, cin: 5, cout: 5, kH: 3, kW: 3,
    stride: [2, 2], pad: [1, 1, 1, 1], act: 'relu' },
  { name: 'depthwise_3x3s1p1_wide_m2_c3', kind: 'dw', n: 1, c: 3, h: 4, w: 53, cin: 3, cout: 6, kH: 3, kW: 3, pad: [1, 1, 1, 1] },
  { name: 'depthwise_3x3s1d2x1_wide_c4', kind: 'dw', n: 1, c: 4, h: 7, w: 50, cin: 4, cout: 4, kH: 3, kW: 3,
    dilation: [2, 1], pad: [2, 1, 2, 1], act: 'relu6' },
  { name: 'depthwise_same_3x3s2_c6', kind: 'dw', n: 1, c: 6, h: 8, w: 7, cin: 6, cout: 6, kH: 3, kW: 3, stride: [2, 2], same: true },
  // NCHW depthwise on bands of channels (runner.ts runChannelBands): 15000, 24000 and 21240 floats
  // per channel, so bands of 8 (8, 8, 3 per image), 5 (5, 2) and 6 (6, 5) channels
  { name: 'depthwise_bands_3x3s2p1_m2_c19_n2', kind: 'dw', n: 2, c: 19, h: 100, w: 100, cin: 19, cout: 38, kH: 3, kW: 3,
    stride: [2, 2], pad: [1, 1, 1, 1], act: 'relu6' },
  { name: 'depthwise_bands_3x3s1p1_c7', kind: 'dw', n: 1, c: 7, h: 120, w: 100, cin: 7, cout: 7, kH: 3, kW: 3, pad: [1, 1, 1, 1] },
  { name: 'depthwise_bands_3x3d2x1_asym_m3_c11_n2', kind: 'dw', n: 2, c: 11, h: 90, w: 60, cin: 11, cout: 33, kH: 3, kW: 3,
    dilation: [2, 1], pad: [2, 1, 0, 1], act: 'relu' },
  // transposed
  { name: 'transposed_2x2s2_c4_co6', kind: 'deconv', n: 1, c: 4, h: 4, w: 5, cin: 4, cout: 6, kH: 2, kW: 2, stride: [2, 2] },
  { name: 'transposed_4x4s2p1_c5_co3', kind: 'deconv', n: 1, c: 5, h: 4, w: 4, cin: 5, cout: 3, kH: 4, kW: 4, stride: [2, 2], pad: [1, 1, 1, 1] },
  { name: 'transposed_3x3s2op1_p1_c3_co5', kind: 'deconv', n: 2, c: 3, h: 3, w: 4, cin: 3, cout: 5, kH: 3, kW: 3,
    stride: [2, 2], pad: [1, 1, 1, 1], outPad: [1, 1], act: 'relu' },
  { name: 'transposed_g2_3x3s2_c4_co6', kind: 'deconv', n: 1, c: 4, h: 3, w: 3, cin: 4, cout: 6, groups: 2, kH: 3, kW: 3, stride: [2, 2] },
  { name: 'transposed_d2op1_3x3s1_c2_co3', kind: 'deconv', n: 1, c: 2, h: 4, w: 3, cin: 2, cout: 3, kH: 3, kW: 3,
    dilation: [2, 2], outPad: [1, 1], pad: [1, 1, 1, 1] },
  { name: 'transposed_same_4x4s2_c3_co4', kind: 'deconv', n: 1, c: 3, h: 3, w: 5, cin: 3, cout: 4, kH: 4, kW: 4, stride: [2, 2], same: true },
  { name: 'transposed_asym_s3x2_n2_c7_co13', kind: 'deconv', n: 2, c: 7, h: 3, w: 4, cin: 7, cout: 13, kH: 3, kW: 2,
    stride: [3, 2], pad: [1, 0, 2, 1], outPad: [2, 1], act: 'relu6' },
  { name: 'transposed_1x1_c9_co17', kind: 'deconv', n: 1, c: 9, h: 3, w: 3, cin: 9, cout: 17, kH: 1, kW: 1 },
  { name: 'transposed_g3_2x3s2_c6_co9', kind: 'deconv', n: 1, c: 6, h: 4, w: 3, cin: 6, cout: 9, groups: 3, kH: 2, kW: 3,
    stride: [2, 2], outPad: [1, 0] },
];

describe.each(flavors())('wasm backend (%s)', (flavor) => {
  let backend: WasmBackend;
  beforeAll(async () => {
    backend = (await loadWasmBackend(NAMES[flavor])) as WasmBackend;
  });

  function check(cs: Case, layout: 'NCHW' | 'NHWC', seed: number): void {
    const r = rng(seed);
    const spec = makeSpec(cs);
    const g = resolve(spec, cs.n, cs.c, cs.h, cs.w);
    const x = randomArray(cs.n * cs.h * cs.w * cs.c, r);
    const wts = randomArray(weightLength(spec, cs.c), r);
    const bias = randomArray(spec.cout, r);
    const before = backend.memory().bytesInUse;
    const kernel = backend.createKernel({ spec, weights: wts, bias });
    const runner = backend.createRunner([kernel]);
    const expected = refStage(g, x, wts, bias);
    const outLen = g.n * g.oh * g.ow * g.cout;
    const xin = layout === 'NHWC' ? x : toNchw(x, g.n, g.h, g.w, g.c);
    const want = layout === 'NHWC' ? expected : toNchw(expected, g.n, g.oh, g.ow, g.cout);
    const out = new Float32Array(outLen);
    runner.run(xin, layout, [g], out);
    expectClose(out, want, `${cs.name} ${layout}`);
    // a second run reuses every buffer
    const used = backend.memory().bytesInUse;
    out.fill(NaN);
    runner.run(xin, layout, [g], out);
    expectClose(out, want, `${cs.name} ${layout} rerun`);
    expect(backend.memory().bytesInUse).toBe(used);
    runner.dispose();
    kernel.dispose();
    kernel.dispose();
    expect(backend.memory().bytesInUse).toBe(before);
  }

  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, cs) => {
    check(cs, 'NHWC', 1);
    check(cs, 'NCHW', 2);
  });

  test('chain: depthwise 3x3 then pointwise (separable), intermediates stay in wasm', () => {
    const r = rng(7);
    const dw = makeSpec({ kind: 'dw', cin: 13, cout: 13, kH: 3, kW: 3, pad: [1, 1, 1, 1], act: 'relu' });
    const pw = makeSpec({ kind: 'conv', cin: 13, cout: 10, kH: 1, kW: 1, act: 'relu6' });
    const g1 = resolve(dw, 2, 13, 6, 5);
    const g2 = resolve(pw, 2, 13, g1.oh, g1.ow);
    const x = randomArray(2 * 6 * 5 * 13, r);
    const w1 = randomArray(9 * 13, r), b1 = randomArray(13, r);
    const w2 = randomArray(13 * 10, r), b2 = randomArray(10, r);
    const ks: Kernel[] = [
      backend.createKernel({ spec: dw, weights: w1, bias: b1 }),
      backend.createKernel({ spec: pw, weights: w2, bias: b2 }),
    ];
    const runner = backend.createRunner(ks);
    const mid = Float32Array.from(refStage(g1, x, w1, b1));
    const want = refStage(g2, mid, w2, b2);
    const out = new Float32Array(want.length);
    runner.run(x, 'NHWC', [g1, g2], out);
    expectClose(out, want, 'separable');
    runner.dispose();
    ks.forEach((k) => k.dispose());
  });

  test('chain in NCHW: depthwise then pointwise (boundary transposes), then the lone depthwise path again', () => {
    const r = rng(17);
    const dw = makeSpec({ kind: 'dw', cin: 6, cout: 6, kH: 3, kW: 3, stride: [2, 2], pad: [1, 1, 1, 1] });
    const pw = makeSpec({ kind: 'conv', cin: 6, cout: 9, kH: 1, kW: 1 });
    const g1 = resolve(dw, 1, 6, 4, 99);
    const g2 = resolve(pw, 1, 6, g1.oh, g1.ow);
    const x = randomArray(4 * 99 * 6, r);
    const w1 = randomArray(9 * 6, r), b1 = randomArray(6, r), w2 = randomArray(54, r), b2 = randomArray(9, r);
    const k1 = backend.createKernel({ spec: dw, weights: w1, bias: b1 });
    const k2 = backend.createKernel({ spec: pw, weights: w2, bias: b2 });
    const chain = backend.createRunner([k1, k2]);
    const lone = backend.createRunner([k1]);
    const mid = refStage(g1, x, w1, b1);
    const want = refStage(g2, Float32Array.from(mid), w2, b2);
    const out = new Float32Array(want.length);
    chain.run(toNchw(x, 1, 4, 99, 6), 'NCHW', [g1, g2], out);
    expectClose(out, toNchw(want, 1, g2.oh, g2.ow, 9), 'chain NCHW');
    const out1 = new Float32Array(mid.length);
    lone.run(toNchw(x, 1, 4, 99, 6), 'NCHW', [g1], out1);
    expectClose(out1, toNchw(mid, 1, g1.oh, g1.ow, 6), 'lone dw NCHW');
    chain.dispose();
    lone.dispose();
    k1.dispose();
    k2.dispose();
  });

  test('out may alias x; a new input size rebuilds the indirection', () => {
    const r = rng(9);
    const spec = makeSpec({ kind: 'conv', cin: 4, cout: 4, kH: 3, kW: 3, pad: [1, 1, 1, 1] });
    const wts = randomArray(36 * 4, r), bias = randomArray(4, r);
    const k = backend.createKernel({ spec, weights: wts, bias });
    const runner = backend.createRunner([k]);
    for (const [h, w] of [[5, 5], [8, 3], [5, 5]]) {
      const g = resolve(spec, 1, 4, h, w);
      const x = randomArray(h * w * 4, r);
      const want = refStage(g, x, wts, bias);
      runner.run(x, 'NHWC', [g], x);
      expectClose(x, want, `alias ${h}x${w}`);
    }
    runner.dispose();
    k.dispose();
  });

  /**
   * A lone stage on NCHW data that the runner runs in bands: with out === x, with out a view of
   * x's buffer `shift` floats on (which must not be banded over x), then three times into one
   * array (the band buffers are reused: no memory growth).
   */
  function checkBandAliasing(spec: ReturnType<typeof makeSpec>, g: Geometry, seed: number, shift: number): void {
    const r = rng(seed);
    const wts = randomArray(weightLength(spec, g.c), r), bias = randomArray(spec.cout, r);
    const k = backend.createKernel({ spec, weights: wts, bias });
    const runner = backend.createRunner([k]);
    const x = randomArray(g.h * g.w * g.c, r);
    const want = toNchw(refStage(g, x, wts, bias), 1, g.oh, g.ow, g.cout);
    const xin = toNchw(x, 1, g.h, g.w, g.c);
    const same = Float32Array.from(xin);
    runner.run(same, 'NCHW', [g], same);
    expectClose(same, want, 'alias');
    const buf = new Float32Array(xin.length + shift);
    buf.set(xin);
    const shifted = buf.subarray(shift);
    runner.run(buf.subarray(0, xin.length), 'NCHW', [g], shifted);
    expectClose(shifted, want, 'overlapping views');
    const before = backend.memory().bytesInUse;
    const out = new Float32Array(want.length);
    for (let i = 0; i < 3; i++) runner.run(xin, 'NCHW', [g], out);
    expect(backend.memory().bytesInUse).toBe(before);
    expectClose(out, want, 'repeat');
    runner.dispose();
    k.dispose();
  }

  test('NCHW pointwise bands: out may alias x, and a view sharing x\'s buffer elsewhere is not banded over x', () => {
    const spec = makeSpec({ kind: 'conv', cin: 6, cout: 6, kH: 1, kW: 1 });
    // out starts 7 planes' pixels into a buffer whose start holds x
    checkBandAliasing(spec, resolve(spec, 1, 6, 150, 151), 31, 7 * 151);
  });

  test('NCHW depthwise channel bands: out may alias x, and a view sharing x\'s buffer elsewhere is not banded over x', () => {
    // multiplier 4 and stride 2: each image's output is as long as its input; 20000 floats per
    // channel, so bands of 6 channels (6, 6, 1)
    const spec = makeSpec({ kind: 'dw', cin: 13, cout: 52, kH: 3, kW: 3, stride: [2, 2], pad: [1, 1, 1, 1] });
    const g = resolve(spec, 1, 13, 100, 100);
    expect(g.cout * g.oh * g.ow).toBe(13 * 100 * 100);
    // out starts 3 input planes into a buffer whose start holds x
    checkBandAliasing(spec, g, 37, 3 * 100 * 100);
  });

  // (the scalar build has no NCHW pointwise kernel, so no pixel bands)
  test.each([
    ['depthwise channel bands', makeSpec({ kind: 'dw', cin: 13, cout: 13, kH: 3, kW: 3, pad: [1, 1, 1, 1] }), 13] as const,
    ...(flavor === 'scalar' ? [] : [['pointwise pixel bands', makeSpec({ kind: 'conv', cin: 6, cout: 6, kH: 1, kW: 1 }), 6] as const]),
  ])('NCHW %s take wasm memory for a band, not for the whole input and output', (_name, spec, c) => {
    const g = resolve(spec, 1, c, 150, 151);
    const r = rng(41);
    const k = backend.createKernel({ spec, weights: randomArray(weightLength(spec, c), r), bias: randomArray(spec.cout, r) });
    const runner = backend.createRunner([k]);
    const before = backend.memory().bytesInUse;
    runner.run(randomArray(g.n * g.c * g.h * g.w, r), 'NCHW', [g], new Float32Array(g.n * g.cout * g.oh * g.ow));
    // the bands hold at most 512 KiB; the whole depthwise input and output take 2 x 1.12 MiB
    expect(backend.memory().bytesInUse - before).toBeLessThan(1 << 20);
    runner.dispose();
    k.dispose();
  });

  test('an indirection buffer of 2^32 entries is OUT_OF_MEMORY, not a wrapped small block', () => {
    // 2048x2048 output of a 1x1 input through a 1024x1 kernel: 2^22 pixels x 2^10 taps
    const spec = makeSpec({ kind: 'conv', cin: 1, cout: 1, kH: 1024, kW: 1, pad: [1535, 1023, 1535, 1024] });
    const g = resolve(spec, 1, 1, 1, 1);
    expect([g.oh, g.ow]).toEqual([2048, 2048]);
    const k = backend.createKernel({ spec, weights: new Float32Array(1024).fill(1), bias: new Float32Array(1) });
    const runner = backend.createRunner([k]);
    const before = backend.memory().bytesInUse;
    expect(() => runner.run(new Float32Array([1]), 'NHWC', [g], new Float32Array(2048 * 2048)))
      .toThrow(expect.objectContaining({ code: 'OUT_OF_MEMORY' }));
    runner.dispose();
    k.dispose();
    expect(backend.memory().bytesInUse).toBeLessThanOrEqual(before);
  });

  test('row-merged conv falls back to taps when the padded copy would dwarf the input', () => {
    const r = rng(23);
    const spec = makeSpec({ kind: 'conv', cin: 2, cout: 3, kH: 3, kW: 3, stride: [1, 1 << 21], pad: [0, 1, 0, 1] });
    const g = resolve(spec, 1, 2, 5, 5);
    const x = randomArray(50, r), wts = randomArray(54, r), bias = randomArray(3, r);
    const k = backend.createKernel({ spec, weights: wts, bias });
    const runner = backend.createRunner([k]);
    const out = new Float32Array(g.oh * g.ow * 3);
    runner.run(x, 'NHWC', [g], out);
    expectClose(out, refStage(g, x, wts, bias), 'huge stride');
    expect(runner.bytes() + k.bytes()).toBeLessThan(1 << 20);
    runner.dispose();
    k.dispose();
  });

  test('a geometry plan.ts would not produce (stride 0, dilation 0) is a ConvError, never a trap', () => {
    const spec = makeSpec({ kind: 'dw', cin: 3, cout: 3, kH: 3, kW: 3, pad: [1, 1, 1, 1] });
    const g = resolve(spec, 1, 3, 4, 4);
    const k = backend.createKernel({ spec, weights: new Float32Array(27), bias: new Float32Array(3) });
    const runner = backend.createRunner([k]);
    const x = new Float32Array(48), out = new Float32Array(48);
    expect(() => runner.run(x, 'NHWC', [{ ...g, strideW: 0 }], out)).toThrow(expect.objectContaining({ code: 'BAD_STRIDE' }));
    expect(() => runner.run(x, 'NCHW', [{ ...g, dilationH: 0 }], out)).toThrow(expect.objectContaining({ code: 'BAD_DILATION' }));
    expect(() => runner.run(x, 'NCHW', [{ ...g, padTop: -1 }], out)).toThrow(expect.objectContaining({ code: 'BAD_PADDING' }));
    expect(() => runner.run(x.subarray(1), 'NCHW', [g], out)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => runner.run(x, 'NCHW', [g], out.subarray(1))).toThrow(expect.objectContaining({ code: 'BAD_OUT' }));
    runner.run(x, 'NCHW', [g], out);
    runner.dispose();
    k.dispose();
  });

  test('NaN and Infinity propagate as in PyTorch', () => {
    const spec = makeSpec({ kind: 'conv', cin: 2, cout: 3, kH: 1, kW: 1, act: 'relu' });
    const g = resolve(spec, 1, 2, 1, 2);
    const k = backend.createKernel({ spec, weights: new Float32Array([1, 1, 1, 1, 1, 1]), bias: new Float32Array(3) });
    const runner = backend.createRunner([k]);
    const out = new Float32Array(6);
    runner.run(new Float32Array([NaN, 1, Infinity, 1]), 'NHWC', [g], out);
    expect(Array.from(out.subarray(0, 3)).every(Number.isNaN)).toBe(true);
    expect(Array.from(out.subarray(3))).toEqual([Infinity, Infinity, Infinity]);
    runner.dispose();
    k.dispose();
  });

  test.each([
    ['F(4x4)', 1, 32], ['F(2x2), dilation 4', 4, 48], ['F(2x2), 260 channels', 1, 260],
  ])('Winograd layer (%s): NaN and infinity propagate as in the direct sum; finite inputs after them', (_v, d, c) => {
    // Winograd would spread them over whole tiles; such inputs run the igemm (packed on first use)
    const r = rng(11);
    const spec = makeSpec({ kind: 'conv', cin: c, cout: 16, kH: 3, kW: 3, dilation: [d, d], pad: [d, d, d, d] });
    const [h, w] = [13, 11];
    const g = resolve(spec, 2, c, h, w);
    const x = randomArray(2 * h * w * c, r);
    const wts = randomArray(weightLength(spec, c), r);
    const bias = randomArray(16, r);
    const before = backend.memory().bytesInUse;
    const k = backend.createKernel({ spec, weights: wts, bias });
    const runner = backend.createRunner([k]);
    const out = new Float32Array(2 * g.oh * g.ow * 16);
    const bad = x.slice();
    bad[(3 * w + 4) * c + 5] = NaN; // image 0, pixel (3, 4), channel 5
    bad[((h + 9) * w + 2) * c] = Infinity; // image 1, pixel (9, 2), channel 0
    bad[((h + 9) * w + 9) * c + 1] = -Infinity; // image 1, pixel (9, 9), channel 1
    for (const layout of ['NHWC', 'NCHW'] as const) {
      for (const input of [bad, x, bad, x]) {
        const want = refStage(g, input, wts, bias);
        runner.run(layout === 'NHWC' ? input : toNchw(input, 2, h, w, c), layout, [g], out);
        expectClose(out, layout === 'NHWC' ? want : toNchw(want, 2, g.oh, g.ow, 16), `${layout} ${input === bad ? 'bad' : 'finite'}`);
        if (input === bad) {
          const nan = want.filter((v) => Number.isNaN(v)).length;
          const inf = want.filter((v) => v === Infinity || v === -Infinity).length;
          expect(nan).toBeGreaterThan(0);
          expect(inf).toBeGreaterThan(0);
          expect(nan + inf).toBeLessThan(want.length / 4);
        }
      }
    }
    const used = backend.memory().bytesInUse;
    runner.run(bad, 'NHWC', [g], out);
    expect(backend.memory().bytesInUse).toBe(used);
    runner.dispose();
    k.dispose();
    expect(backend.memory().bytesInUse).toBe(before);
  });

  test('memory(): wasmBytes is the memory size; layers return what they took', () => {
    const m0 = backend.memory();
    expect(m0.wasmBytes).toBeGreaterThan(0);
    const spec = makeSpec({ kind: 'conv', cin: 32, cout: 32, kH: 3, kW: 3, pad: [1, 1, 1, 1] });
    const k = backend.createKernel({ spec, weights: new Float32Array(9 * 32 * 32), bias: new Float32Array(32) });
    expect(backend.memory().bytesInUse).toBeGreaterThan(m0.bytesInUse + 9 * 32 * 32 * 4);
    expect(k.bytes()).toBeGreaterThan(9 * 32 * 32 * 4);
    const runner = backend.createRunner([k]);
    const g = resolve(spec, 1, 32, 64, 64);
    runner.run(new Float32Array(64 * 64 * 32), 'NCHW', [g], new Float32Array(64 * 64 * 32));
    // input, output and the NHWC copy of the input: held by the runner or (a lone layer on NCHW
    // data writing its output planes itself) by the kernel
    expect(runner.bytes() + k.bytes() - 9 * 32 * 32 * 4).toBeGreaterThanOrEqual(3 * 64 * 64 * 32 * 4);
    runner.dispose();
    k.dispose();
    expect(backend.memory().bytesInUse).toBe(m0.bytesInUse);
  });
});

describe('loadWasmBackend', () => {
  test('rejects an unknown name', async () => {
    await expect(loadWasmBackend('wasm-foo' as WasmBackendName)).rejects.toThrow();
  });
});

export type { Geometry };
