/**
 * The js Backend end to end: every stage kind on many geometries (odd channels, batch > 1,
 * asymmetric padding, non-square kernels/strides/dilations, groups, multipliers, output padding)
 * in both layouts, against float64 reference loops over the PyTorch layouts.
 */
import { jsBackend } from '../../../../src/backends/js/index';
import { build, E2E, prepare, reference, runCase } from './backend-harness';
import { expectClose } from './reference';

const cases: Record<string, E2E> = {
  // standard / dilated / grouped conv
  standard_3x3s1p1_c3_co5: { op: 'conv2d', n: 1, c: 3, h: 7, w: 6, cout: 5, k: [3, 3], opts: { padding: 1 } },
  standard_3x3s2p1_c13_co17_n2: { op: 'conv2d', n: 2, c: 13, h: 9, w: 8, cout: 17, k: [3, 3], opts: { stride: 2, padding: 1 } },
  standard_1x1_c1_co1: { op: 'conv2d', n: 1, c: 1, h: 3, w: 4, cout: 1, k: [1, 1] },
  standard_3x3_valid_c1: { op: 'conv2d', n: 1, c: 1, h: 5, w: 5, cout: 3, k: [3, 3] },
  standard_5x3_s2x1_d1x2_asym: {
    op: 'conv2d', n: 1, c: 5, h: 11, w: 10, cout: 7, k: [5, 3], opts: { stride: [2, 1], dilation: [1, 2], padding: [1, 2, 0, 3] },
  },
  standard_2x4_s1x3_pad_bottom_right: { op: 'conv2d', n: 2, c: 7, h: 6, w: 13, cout: 13, k: [2, 4], opts: { stride: [1, 3], padding: [0, 0, 3, 2] } },
  standard_7x7s2p3_c3_co64: { op: 'conv2d', n: 1, c: 3, h: 15, w: 14, cout: 64, k: [7, 7], opts: { stride: 2, padding: 3 } },
  standard_3x3_same_s2_even: { op: 'conv2d', n: 1, c: 5, h: 8, w: 10, cout: 6, k: [3, 3], opts: { stride: 2, padding: 'same' } },
  standard_kernel_wider_than_input: { op: 'conv2d', n: 1, c: 3, h: 2, w: 3, cout: 4, k: [5, 5], opts: { padding: 2 } },
  standard_3x3_c64_co130_relu: { op: 'conv2d', n: 1, c: 64, h: 6, w: 5, cout: 130, k: [3, 3], opts: { padding: 1, activation: 'relu' } },
  standard_3x3_c96_co72_relu6: { op: 'conv2d', n: 1, c: 96, h: 7, w: 9, cout: 72, k: [3, 3], opts: { padding: [1, 0], activation: 'relu6' } },
  standard_no_bias: { op: 'conv2d', n: 1, c: 5, h: 5, w: 5, cout: 5, k: [3, 3], bias: false },
  dilated_3x3d2p2_c7: { op: 'conv2d', n: 1, c: 7, h: 9, w: 9, cout: 7, k: [3, 3], opts: { dilation: 2, padding: 2 } },
  dilated_3x3d3_s2_c17: { op: 'conv2d', n: 1, c: 17, h: 13, w: 12, cout: 5, k: [3, 3], opts: { dilation: 3, stride: 2, padding: [3, 1] } },
  grouped_3x3g4_c12_co8: { op: 'conv2d', n: 1, c: 12, h: 6, w: 7, cout: 8, k: [3, 3], opts: { groups: 4, padding: 1 } },
  grouped_3x3g32_c128_co128: { op: 'conv2d', n: 1, c: 128, h: 5, w: 5, cout: 128, k: [3, 3], opts: { groups: 32, padding: 1 } },
  grouped_gC_c7_co14: { op: 'conv2d', n: 2, c: 7, h: 5, w: 6, cout: 14, k: [3, 3], opts: { groups: 7, padding: 1 } },
  grouped_g5_c65_co5_1x1: { op: 'conv2d', n: 1, c: 65, h: 4, w: 3, cout: 5, k: [1, 1], opts: { groups: 5 } },
  grouped_g3_2x2_s2: { op: 'conv2d', n: 1, c: 3, h: 6, w: 7, cout: 9, k: [2, 2], opts: { groups: 3, stride: 2 } },
  standard_3x3_c64_several_row_blocks: { op: 'conv2d', n: 1, c: 64, h: 12, w: 12, cout: 9, k: [3, 3], opts: { padding: 1 } },
  conv_1x1_padded: { op: 'conv2d', n: 1, c: 5, h: 4, w: 4, cout: 3, k: [1, 1], opts: { padding: 1 } },
  // pointwise
  pointwise_c64_co130: { op: 'pointwiseConv2d', n: 1, c: 64, h: 5, w: 7, cout: 130 },
  pointwise_c130_co65_n2: { op: 'pointwiseConv2d', n: 2, c: 130, h: 3, w: 3, cout: 65 },
  pointwise_c17_co13_rank2: { op: 'pointwiseConv2d', n: 1, c: 17, h: 4, w: 5, cout: 13, rank2: true },
  pointwise_s2_c5_co7: { op: 'pointwiseConv2d', n: 1, c: 5, h: 7, w: 6, cout: 7, opts: { stride: 2 } },
  pointwise_c1_co1_relu: { op: 'pointwiseConv2d', n: 1, c: 1, h: 3, w: 3, cout: 1, opts: { activation: 'relu' } },
  pointwise_several_row_blocks_n2: { op: 'pointwiseConv2d', n: 2, c: 7, h: 9, w: 8, cout: 5 },
  pointwise_c3_co100: { op: 'pointwiseConv2d', n: 3, c: 3, h: 2, w: 2, cout: 100 },
  // depthwise
  depthwise_3x3s1p1_c13: { op: 'depthwiseConv2d', n: 1, c: 13, h: 7, w: 8, k: [3, 3], opts: { padding: 1 } },
  depthwise_3x3s2p1_c64: { op: 'depthwiseConv2d', n: 1, c: 64, h: 9, w: 9, k: [3, 3], opts: { stride: 2, padding: 1 } },
  depthwise_3x3s1_valid_c5_n2: { op: 'depthwiseConv2d', n: 2, c: 5, h: 6, w: 5, k: [3, 3] },
  depthwise_3x3d2p2_c7_relu6: { op: 'depthwiseConv2d', n: 1, c: 7, h: 8, w: 9, k: [3, 3], opts: { dilation: 2, padding: 2, activation: 'relu6' } },
  depthwise_5x5p2_c17: { op: 'depthwiseConv2d', n: 1, c: 17, h: 7, w: 7, k: [5, 5], opts: { padding: 2 } },
  depthwise_3x3_m2_c3: { op: 'depthwiseConv2d', n: 1, c: 3, h: 5, w: 6, k: [3, 3], m: 2, opts: { padding: 1 } },
  depthwise_5x3_m3_c7_asym: { op: 'depthwiseConv2d', n: 2, c: 7, h: 9, w: 6, k: [5, 3], m: 3, opts: { padding: [2, 0, 1, 2], stride: [1, 2] } },
  depthwise_3x3_c1: { op: 'depthwiseConv2d', n: 1, c: 1, h: 4, w: 4, k: [3, 3], opts: { padding: 1 } },
  depthwise_3x3_same_s2_c130: { op: 'depthwiseConv2d', n: 1, c: 130, h: 8, w: 7, k: [3, 3], opts: { stride: 2, padding: 'same' } },
  depthwise_3x3_s2x1_d1x2_c66: { op: 'depthwiseConv2d', n: 1, c: 66, h: 9, w: 10, k: [3, 3], opts: { stride: [2, 1], dilation: [1, 2], padding: [1, 2] } },
  depthwise_1x1_m4_c5: { op: 'depthwiseConv2d', n: 1, c: 5, h: 3, w: 3, k: [1, 1], m: 4 },
  // large enough for the NCHW plane path (oh*ow >= 400)
  depthwise_planes_3x3s1p1_c5: { op: 'depthwiseConv2d', n: 2, c: 5, h: 21, w: 20, k: [3, 3], opts: { padding: 1, activation: 'relu6' } },
  depthwise_planes_3x3s2_c3: { op: 'depthwiseConv2d', n: 1, c: 3, h: 41, w: 40, k: [3, 3], opts: { stride: 2, padding: [1, 0, 0, 1] } },
  depthwise_planes_5x5_m2_c3: { op: 'depthwiseConv2d', n: 1, c: 3, h: 20, w: 22, k: [5, 5], m: 2, opts: { padding: 2 } },
  separable_planes_3x3_c4_co6: { op: 'separableConv2d', n: 1, c: 4, h: 20, w: 21, cout: 6, k: [3, 3], opts: { padding: 1 } },
  // transposed
  transposed_4x4s2p1_c13_co7: { op: 'convTranspose2d', n: 1, c: 13, h: 5, w: 4, cout: 7, k: [4, 4], opts: { stride: 2, padding: 1 } },
  transposed_2x2s2_c64_co65: { op: 'convTranspose2d', n: 1, c: 64, h: 4, w: 3, cout: 65, k: [2, 2], opts: { stride: 2 } },
  transposed_3x3s2p1op1_c5: { op: 'convTranspose2d', n: 2, c: 5, h: 4, w: 5, cout: 3, k: [3, 3], opts: { stride: 2, padding: 1, outputPadding: 1 } },
  transposed_3x3s1p1_c17_co17_relu: { op: 'convTranspose2d', n: 1, c: 17, h: 6, w: 6, cout: 17, k: [3, 3], opts: { padding: 1, activation: 'relu' } },
  transposed_grouped_g2_c6_co4: { op: 'convTranspose2d', n: 1, c: 6, h: 4, w: 4, cout: 4, k: [3, 3], opts: { groups: 2, stride: 2 } },
  transposed_grouped_g3_c3_co6_relu6: { op: 'convTranspose2d', n: 1, c: 3, h: 3, w: 5, cout: 6, k: [2, 3], opts: { groups: 3, stride: [1, 2], activation: 'relu6' } },
  transposed_dilated_d2_op1: { op: 'convTranspose2d', n: 1, c: 7, h: 4, w: 5, cout: 5, k: [3, 3], opts: { dilation: 2, outputPadding: 1 } },
  transposed_asym_pad_stride_3x2: {
    op: 'convTranspose2d', n: 1, c: 5, h: 4, w: 6, cout: 7, k: [4, 3], opts: { stride: [3, 2], padding: [1, 0, 2, 1], outputPadding: [2, 1] },
  },
  transposed_same_s2: { op: 'convTranspose2d', n: 1, c: 3, h: 5, w: 4, cout: 3, k: [4, 4], opts: { stride: 2, padding: 'same' } },
  transposed_1x1_c1_co1: { op: 'convTranspose2d', n: 1, c: 1, h: 3, w: 3, cout: 1, k: [1, 1] },
  transposed_crop_larger_than_kernel: { op: 'convTranspose2d', n: 1, c: 3, h: 6, w: 6, cout: 2, k: [2, 2], opts: { stride: 2, padding: [3, 2, 1, 4] } },
  transposed_k5_s4_c66_co3: { op: 'convTranspose2d', n: 1, c: 66, h: 3, w: 3, cout: 3, k: [5, 5], opts: { stride: 4, padding: 1, outputPadding: 3 } },
  // separable (two chained stages)
  separable_3x3_c13_co17: { op: 'separableConv2d', n: 1, c: 13, h: 6, w: 7, cout: 17, k: [3, 3], opts: { padding: 1 } },
  separable_3x3s2_m2_relu6: {
    op: 'separableConv2d', n: 2, c: 5, h: 8, w: 7, cout: 7, k: [3, 3], m: 2,
    opts: { padding: 1, stride: 2, depthwiseActivation: 'relu6', activation: 'relu' },
  },
  separable_5x5_c64_co64: { op: 'separableConv2d', n: 1, c: 64, h: 5, w: 5, cout: 64, k: [5, 5], opts: { padding: 'same' } },
};

describe.each(['NCHW', 'NHWC'] as const)('js backend, %s', (layout) => {
  it.each(Object.entries(cases))('%s', (name, t) => {
    const b = build(t, name.length);
    const p = prepare(t, b, layout);
    const got = runCase(p, t, b.x, layout);
    expectClose(got, reference(t, b, p.geoms), `${name} ${layout}`);
    // a second run reuses the buffers and gives the same result
    const again = runCase(p, t, b.x, layout);
    expect(Array.from(again)).toEqual(Array.from(got));
  });
});

describe('js backend runner', () => {
  const same: E2E = { op: 'conv2d', n: 2, c: 5, h: 6, w: 7, cout: 5, k: [3, 3], opts: { padding: 1 } };

  it.each(['NCHW', 'NHWC'] as const)('is correct when out aliases x (%s)', (layout) => {
    const planes: E2E = { ...same, op: 'depthwiseConv2d', h: 21, w: 20 };
    for (const t of [same, { ...same, op: 'separableConv2d', m: 1 } as E2E, { ...same, op: 'depthwiseConv2d' } as E2E, planes]) {
      const b = build(t, 3);
      const p = prepare(t, b, layout);
      const want = reference(t, b, p.geoms);
      const x = layout === 'NCHW' ? Float32Array.from(b.x) : (runCase(p, t, b.x, layout), null);
      if (x) {
        p.runner.run(x, layout, p.geoms, x);
        expectClose(x, want, `${t.op} aliased ${layout}`);
      } else {
        // NHWC: build the NHWC input, run in place, compare in NCHW
        const { toNhwc, toNchw } = jest.requireActual('./reference');
        const xh: Float32Array = toNhwc(b.x, t.n, t.c, t.h, t.w);
        p.runner.run(xh, layout, p.geoms, xh);
        expectClose(toNchw(xh, t.n, t.h, t.w, t.c), want, `${t.op} aliased ${layout}`);
      }
    }
  });

  it('is correct when out overlaps x partially (NHWC)', () => {
    const t = same;
    const b = build(t, 4);
    const p = prepare(t, b, 'NHWC');
    const { toNhwc, toNchw } = jest.requireActual('./reference');
    const len = t.n * t.c * t.h * t.w;
    const mem = new Float32Array(len + 10);
    mem.set(toNhwc(b.x, t.n, t.c, t.h, t.w), 0);
    const x = mem.subarray(0, len);
    const out = mem.subarray(10, 10 + len);
    p.runner.run(x, 'NHWC', p.geoms, out);
    expectClose(toNchw(out, t.n, t.h, t.w, t.c), reference(t, b, p.geoms), 'overlap');
  });

  it('runs one layer at two input sizes and does not grow after warm-up', () => {
    const t: E2E = { op: 'conv2d', n: 1, c: 7, h: 9, w: 8, cout: 6, k: [3, 3], opts: { stride: 2, padding: 1 } };
    const big: E2E = { ...t, n: 2, h: 13, w: 12 };
    const b = build(t, 5);
    const p = prepare(t, b, 'NCHW');
    const bBig = build(big, 6);
    bBig.w = b.w;
    bBig.bias = b.bias;
    const pBig = prepare(big, bBig, 'NCHW');
    // the big geometries on the small case's runner (kernels are identical)
    const runSmall = () => runCase(p, t, b.x, 'NCHW');
    expectClose(runSmall(), reference(t, b, p.geoms), 'small');
    const y = new Float32Array(pBig.outLen);
    p.runner.run(bBig.x, 'NCHW', pBig.geoms, y);
    expectClose(y, reference(big, bBig, pBig.geoms), 'big');
    const bytes = p.runner.bytes();
    expectClose(runSmall(), reference(t, b, p.geoms), 'small again');
    p.runner.run(bBig.x, 'NCHW', pBig.geoms, y);
    expect(p.runner.bytes()).toBe(bytes);
  });

  it('chains stages of every kind (conv -> dw -> deconv -> pointwise)', () => {
    const { normaliseOptions } = jest.requireActual('../../../../src/ops/options');
    const plan = jest.requireActual('../../../../src/ops/plan');
    const { canonicalWeights } = jest.requireActual('../../../../src/tensor/layout');
    const { randomF32, refConv2d, refConvTranspose2d } = jest.requireActual('./reference');
    const n = 2, c = 5, h = 7, w = 6;
    const w1 = randomF32(8 * 5 * 9, 1), b1 = randomF32(8, 2);
    const w2 = randomF32(16 * 9, 3), b2 = randomF32(16, 4);
    const w3 = randomF32(16 * 3 * 16, 5), b3 = randomF32(3, 6);
    const w4 = randomF32(9 * 3, 7), b4 = randomF32(9, 8);
    const s1 = plan.specConv2d('conv2d', [8, 5, 3, 3], normaliseOptions('conv2d', { padding: 1, bias: b1, activation: 'relu' }));
    const s2 = plan.specDepthwise('depthwiseConv2d', [16, 1, 3, 3], normaliseOptions('depthwiseConv2d', { stride: 2, padding: 1, bias: b2 }));
    const s3 = plan.specTransposed('convTranspose2d', [16, 3, 4, 4], normaliseOptions('convTranspose2d', { stride: 2, padding: 1, bias: b3 }));
    const s4 = plan.specPointwise('pointwiseConv2d', [9, 3], normaliseOptions('pointwiseConv2d', { bias: b4, activation: 'relu6' }));
    const specs = [s1, s2, s3, s4];
    const ws = [w1, w2, w3, w4], bs = [b1, b2, b3, b4];
    const kernels = specs.map((spec, i) => jsBackend.createKernel({ spec, weights: canonicalWeights(spec, ws[i], 'NCHW'), bias: bs[i] }));
    const geoms = [];
    let [cc, hh, ww] = [c, h, w];
    for (const spec of specs) {
      const g = plan.resolve(spec, n, cc, hh, ww);
      geoms.push(g);
      [cc, hh, ww] = [g.cout, g.oh, g.ow];
    }
    const x = randomF32(n * c * h * w, 9);
    const out = new Float32Array(n * cc * hh * ww);
    jsBackend.createRunner(kernels).run(x, 'NCHW', geoms, out);
    const base = { n, stride: [1, 1], dilation: [1, 1], pad: [1, 1, 1, 1] };
    const r1 = refConv2d(x, w1, { ...base, c, h, w, cout: 8, kH: 3, kW: 3, groups: 1, bias: b1, min: 0 });
    const r2 = refConv2d(Float32Array.from(r1.y), w2, { ...base, stride: [2, 2], c: 8, h: r1.oh, w: r1.ow, cout: 16, kH: 3, kW: 3, groups: 8, bias: b2 });
    const r3 = refConvTranspose2d(Float32Array.from(r2.y), w3, { ...base, stride: [2, 2], c: 16, h: r2.oh, w: r2.ow, cout: 3, kH: 4, kW: 4, groups: 1, bias: b3, outPad: [0, 0] });
    const r4 = refConv2d(Float32Array.from(r3.y), w4, { ...base, pad: [0, 0, 0, 0], c: 3, h: r3.oh, w: r3.ow, cout: 9, kH: 1, kW: 1, groups: 1, bias: b4, min: 0, max: 6 });
    expect([hh, ww]).toEqual([r4.oh, r4.ow]);
    expectClose(out, r4.y, 'chain');
  });

  it('propagates NaN and Infinity as PyTorch does', () => {
    for (const op of ['conv2d', 'depthwiseConv2d', 'convTranspose2d', 'pointwiseConv2d'] as const) {
      for (const activation of ['none', 'relu', 'relu6'] as const) {
        const t: E2E = { op, n: 1, c: 3, h: 6, w: 6, cout: 3, k: op === 'pointwiseConv2d' ? undefined : [3, 3],
          opts: op === 'pointwiseConv2d' ? { activation } : { padding: 1, activation } };
        const b = build(t, 11);
        b.x[0] = NaN;
        b.x[20] = Infinity;
        b.x[50] = -Infinity;
        const p = prepare(t, b, 'NCHW');
        expectClose(runCase(p, t, b.x, 'NCHW'), reference(t, b, p.geoms), `${op} ${activation}`);
      }
    }
  });

  it('refuses an x or out that is shorter than the geometry (a shrunk resizable buffer)', () => {
    const t: E2E = { op: 'conv2d', n: 1, c: 3, h: 4, w: 4, cout: 2, k: [3, 3], opts: { padding: 1 } };
    const b = build(t, 14);
    const p = prepare(t, b, 'NCHW');
    expect(() => p.runner.run(b.x.subarray(1), 'NCHW', p.geoms, new Float32Array(p.outLen)))
      .toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => p.runner.run(b.x, 'NCHW', p.geoms, new Float32Array(p.outLen - 1)))
      .toThrow(expect.objectContaining({ code: 'BAD_OUT' }));
  });

  it('refuses a disposed kernel and foreign kernels', () => {
    const t: E2E = { op: 'depthwiseConv2d', n: 1, c: 3, h: 4, w: 4, k: [3, 3] };
    const b = build(t, 13);
    for (const layout of ['NCHW', 'NHWC'] as const) {
      const p = prepare(t, b, layout);
      p.kernels[0].dispose();
      expect(() => runCase(p, t, b.x, layout)).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
    }
    expect(() => jsBackend.createRunner([{ spec: {} as never, bytes: () => 0, dispose: () => undefined }])).toThrow(/js backend/);
  });

  it('reports the bytes it holds and frees them on dispose', () => {
    const t: E2E = { op: 'conv2d', n: 1, c: 5, h: 6, w: 6, cout: 7, k: [3, 3], opts: { padding: 1 } };
    const b = build(t, 12);
    const p = prepare(t, b, 'NCHW');
    const k = p.kernels[0];
    // 2 panels x (45 + 1) x 4 float64, then 45 x 4 of gemm scratch
    expect(k.bytes()).toBe((2 * 46 * 4 + 45 * 4) * 8);
    expect(p.runner.bytes()).toBe(0);
    runCase(p, t, b.x, 'NCHW');
    expect(p.runner.bytes()).toBeGreaterThan(0);
    p.runner.dispose();
    expect(p.runner.bytes()).toBe(0);
    k.dispose();
    k.dispose();
    expect(k.bytes()).toBe(0);
    expect(jsBackend.memory()).toEqual({ wasmBytes: 0, bytesInUse: 0 });
    expect(jsBackend.name).toBe('js');
  });
});
