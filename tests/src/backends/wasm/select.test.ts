/**
 * The selection table (src/backends/wasm/select.ts) walked two ways:
 * - every exemplar (src/backends/wasm/exemplars.ts: one per entry the table can return) is
 *   chosen as it says and runs right on every build against the float64 reference, and the
 *   exemplars together reach every kernel and every path;
 * - each threshold of the table, one case on each side, with the choice that side must get.
 * tests/src/backends/thresholds*.test.ts run layers on both sides of the same thresholds
 * through the public API.
 */
import { loadWasmBackend, WasmBackend } from '../../../../src/backends/wasm';
import type { WasmBackendName } from '../../../../src/backends/wasm';
import { runExemplar } from '../../../../src/backends/wasm/backend';
import { EXEMPLARS, Exemplar, stageSpec } from '../../../../src/backends/wasm/exemplars';
import {
  KERNEL_IDS, RUN_PATHS, selectPacking, selectRun, WasmFeatures,
  DW_NCHW_MIN_OW_S1, DW_NCHW_MIN_OW_S2, IM2COL_MAX_K, NCHW_POINTWISE_MIN_PLANE, ROWS_MAX_CIN,
  SMALL_GROUP_MAX_COUT, WINOGRAD43_MAX_CIN, WINOGRAD43_MAX_DILATION,
} from '../../../../src/backends/wasm/select';
import { resolve, Geometry, StageSpec } from '../../../../src/ops/plan';
import { expectClose, flavors, randomArray, refStage, rng, toNchw, weightLength } from './wasm-helpers';

const NAMES: Record<string, WasmBackendName> = { relaxed: 'wasm-relaxed', simd: 'wasm-simd', scalar: 'wasm' };
const SIMD: WasmFeatures = { simd: true, relaxed: true, gemmMr: 2, gemmNr: 16, nchwPanelChannels: 2048 };
const SCALAR: WasmFeatures = { simd: false, relaxed: false, gemmMr: 2, gemmNr: 4, nchwPanelChannels: 2048 };

function geomsOf(stages: readonly StageSpec[], [n, c, h, w]: readonly number[]): Geometry[] {
  const out: Geometry[] = [];
  for (const s of stages) {
    const g = resolve(s, n, c, h, w);
    out.push(g);
    [c, h, w] = [g.cout, g.oh, g.ow];
  }
  return out;
}

function choose(e: Pick<Exemplar, 'stages' | 'input' | 'layout'>, f = SIMD, apart = true) {
  return selectRun(e.stages.map((s) => selectPacking(s, f)), geomsOf(e.stages, e.input), e.layout, apart);
}

describe('exemplars', () => {
  test('together they reach every kernel and every path of the table', () => {
    expect(new Set(EXEMPLARS.flatMap((e) => e.kernels))).toEqual(new Set(KERNEL_IDS));
    expect(new Set(EXEMPLARS.map((e) => e.path))).toEqual(new Set(RUN_PATHS));
  });

  test.each(EXEMPLARS.map((e) => [e.name, e] as const))('%s: chosen as it says on a SIMD build', (_n, e) => {
    const c = choose(e);
    expect(c.path).toBe(e.path);
    expect(c.stages.map((s) => s.kernel)).toEqual(e.kernels);
    if (e.nchwOut !== undefined) expect(c.stages[c.stages.length - 1].output === 'NCHW').toBe(e.nchwOut);
    for (const s of c.stages) expect(Object.isFrozen(s)).toBe(true);
  });

  test.each(EXEMPLARS.map((e) => [e.name, e] as const))('%s: the scalar build has no SIMD-only kernel', (_n, e) => {
    const c = choose(e, SCALAR);
    for (const s of c.stages) expect(['igemm', 'igemm-rows', 'dwconv', 'dwconv-nchw', 'deconv-col2im', 'deconv-tiles']).toContain(s.kernel);
    // its 2-D depthwise NCHW kernel has a scalar loop: those choices are the SIMD builds'
    if (e.stages.every((st) => st.kind === 'dw') && !e.kernels.includes('dwconv1d-ncw')) expect(c.path).toBe(e.path);
  });

  describe.each(flavors())('%s build', (flavor) => {
    let b: WasmBackend;
    beforeAll(async () => {
      b = (await loadWasmBackend(NAMES[flavor])) as WasmBackend;
    });
    test.each(EXEMPLARS.map((e) => [e.name, e] as const))('%s: right against the reference', (_n, e) => {
      const r = rng(e.name.length * 7919);
      const [n, c, h, w] = e.input;
      const geoms = geomsOf(e.stages, e.input);
      const weights = e.stages.map((s, i) => randomArray(weightLength(s, geoms[i].c), r, -0.5, 0.5));
      const xNhwc = randomArray(n * h * w * c, r);
      // the reference chains NHWC stages with the exemplars' bias (0.1) and relu6
      let want: Float64Array | Float32Array = xNhwc;
      for (let i = 0; i < geoms.length; i++) {
        want = refStage(geoms[i], Float32Array.from(want), weights[i], new Float32Array(geoms[i].cout).fill(0.1));
      }
      const last = geoms[geoms.length - 1];
      const x = e.layout === 'NCHW' ? toNchw(xNhwc, n, h, w, c) : xNhwc;
      const out = new Float32Array(want.length);
      const d = runExemplar(b, e, 1, x, weights, out);
      const expected = e.layout === 'NCHW' ? toNchw(want, last.n, last.oh, last.ow, last.cout) : want;
      expectClose(out, expected, `${e.name} ${flavor}`);
      expect(d).toHaveLength(e.stages.length);
      for (const s of d) expect(s.kernel).toContain(flavor);
    });
  });
});

/** One stage on one input: its choice's kernels, the path and whether the last stage writes NCHW. */
function pick(s: StageSpec | StageSpec[], input: [number, number, number, number], layout: 'NCHW' | 'NHWC' = 'NCHW',
  apart = true): string {
  const c = choose({ stages: Array.isArray(s) ? s : [s], input, layout }, SIMD, apart);
  const last = c.stages[c.stages.length - 1];
  return `${c.path}:${c.stages.map((x) => x.kernel).join('+')}${last.output === 'NCHW' && c.path === 'nchw-staged' ? ':nchw-out' : ''}`;
}
const conv = (cin: number, cout: number, k: number | [number, number], o: object = {}): StageSpec =>
  stageSpec({ kind: 'conv', cin, cout, k, ...o });
const dw = (cout: number, k: number, o: object = {}): StageSpec => stageSpec({ kind: 'dw', cout, k, ...o });
const deconv = (cin: number, cout: number, k: number, o: object = {}): StageSpec =>
  stageSpec({ kind: 'deconv', cin, cout, k, ...o });

describe('thresholds', () => {
  test('plane_eq_511 / plane_eq_512: the NCHW 1x1 kernel from 512 pixels, only for 1x1 unpadded stride-1', () => {
    expect(NCHW_POINTWISE_MIN_PLANE).toBe(512);
    expect(pick(conv(16, 32, 1), [1, 16, 1, 511])).toBe('nchw-staged:igemm:nchw-out');
    expect(pick(conv(16, 32, 1), [1, 16, 1, 512])).toBe('nchw-planes:pointwise-nchw');
    expect(pick(conv(16, 32, 1, { pad: 1 }), [1, 16, 32, 32])).toBe('nchw-staged:igemm:nchw-out');
    expect(pick(conv(16, 32, 1, { stride: 2 }), [1, 16, 32, 32])).toBe('nchw-staged:igemm:nchw-out');
    // the bug of the wrong-results issue: an im2col layer on a large plane is not a 1x1 layer
    expect(pick(conv(3, 16, 3), [1, 3, 32, 32])).toBe('nchw-planes:im2col-nchw');
    expect(pick(conv(4, 24, 2), [1, 4, 64, 64])).toBe('nchw-planes:im2col-nchw');
  });

  test('weights_le_512KiB / weights_gt_512KiB: the NCHW 1x1 kernel only for weights that fit', () => {
    expect(pick(conv(256, 512, 1), [1, 256, 32, 32])).toBe('nchw-planes:pointwise-nchw');
    expect(pick(conv(256, 513, 1), [1, 256, 32, 32])).toBe('nchw-staged:igemm:nchw-out');
    expect(selectPacking(conv(2049, 4, 1), { ...SIMD, nchwPanelChannels: 2048 })).toMatchObject({ pointwiseNchw: false });
    expect(selectPacking(conv(2048, 4, 1), { ...SIMD, nchwPanelChannels: 2048 })).toMatchObject({ pointwiseNchw: true });
  });

  test('k_eq_64 / k_eq_65: the im2col NCHW kernel up to 64 weights per output channel', () => {
    expect(IM2COL_MAX_K).toBe(64);
    expect(pick(conv(16, 32, [2, 2]), [1, 16, 20, 20])).toBe('nchw-planes:im2col-nchw');
    expect(pick(conv(13, 32, [5, 1]), [1, 13, 20, 20])).toBe('nchw-staged:igemm:nchw-out');
    expect(pick(conv(13, 32, [5, 1]), [1, 13, 20, 20])).not.toContain('im2col');
    expect(pick(conv(16, 32, [4, 1]), [1, 16, 20, 20])).toBe('nchw-planes:im2col-nchw');
    expect(pick(conv(4, 32, 4, { groups: 2 }), [1, 4, 20, 20])).toBe('nchw-staged:igemm:nchw-out');
    // a lone im2col stage with the 4x8 tile stays on the NHWC igemm
    expect(pick(conv(3, 8, 3), [1, 3, 20, 20])).toBe('nchw-staged:igemm-rows');
  });

  test('cin_eq_16 / cin_eq_17: the row-merged igemm for few channels, a wide kernel, column dilation 1', () => {
    expect(ROWS_MAX_CIN).toBe(16);
    expect(pick(conv(16, 32, [3, 2], { stride: 2 }), [1, 16, 9, 9], 'NHWC')).toBe('nhwc:igemm-rows');
    expect(pick(conv(17, 32, [3, 2], { stride: 2 }), [1, 17, 9, 9], 'NHWC')).toBe('nhwc:igemm');
    expect(pick(conv(8, 32, [3, 1]), [1, 8, 9, 9], 'NHWC')).toBe('nhwc:igemm');
    expect(pick(conv(8, 32, 3, { dilation: 2 }), [1, 8, 9, 9], 'NHWC')).toBe('nhwc:igemm');
    // a padded copy much larger than the input (huge padding) keeps the plain igemm
    expect(pick(conv(8, 32, 3, { pad: 200 }), [1, 8, 2, 2], 'NHWC')).toBe('nhwc:igemm');
  });

  test('coutG_eq_8 / coutG_eq_9 / coutG_eq_4: the 4x8 tile, the build tile, groups of 4', () => {
    expect(SMALL_GROUP_MAX_COUT).toBe(8);
    expect(selectPacking(conv(20, 8, 3), SIMD)).toMatchObject({ tile: '4x8', mr: 4, nr: 8 });
    expect(selectPacking(conv(20, 9, 3), SIMD)).toMatchObject({ tile: 'build', mr: 2, nr: 16 });
    expect(selectPacking(conv(16, 16, 3, { groups: 4 }), SIMD)).toMatchObject({ tile: 'groups4', nr: 4 });
    expect(selectPacking(conv(16, 4, 3), SIMD)).toMatchObject({ tile: '4x8' });
    expect(selectPacking(conv(16, 16, 3, { groups: 4 }), SCALAR)).toMatchObject({ tile: 'build', nr: 4 });
    expect(pick(conv(20, 8, 3, { stride: 2 }), [1, 20, 9, 9])).toBe('nchw-staged:igemm');
    expect(pick(conv(20, 9, 3, { stride: 2 }), [1, 20, 9, 9])).toBe('nchw-staged:igemm:nchw-out');
  });

  test('winograd: 3x3 stride 1, one group, channels multiples of 4 from 16, F(4x4) up to 256 channels and dilation 3', () => {
    const wino = (s: StageSpec): number => (selectPacking(s, SIMD) as { winograd: number }).winograd;
    expect(wino(conv(16, 16, 3))).toBe(4);
    expect(wino(conv(12, 16, 3))).toBe(0);
    expect(wino(conv(16, 12, 3))).toBe(0);
    expect(wino(conv(18, 16, 3))).toBe(0);
    expect(wino(conv(16, 16, 3, { stride: 2 }))).toBe(0);
    expect(wino(conv(16, 16, 3, { groups: 2 }))).toBe(0);
    expect(wino(conv(16, 16, [3, 1]))).toBe(0);
    expect(WINOGRAD43_MAX_CIN).toBe(256);
    expect(wino(conv(256, 16, 3))).toBe(4);
    expect(wino(conv(260, 16, 3))).toBe(2);
    expect(WINOGRAD43_MAX_DILATION).toBe(3);
    expect(wino(conv(16, 16, 3, { dilation: 3 }))).toBe(4);
    expect(wino(conv(16, 44, 3, { dilation: 4 }))).toBe(0);
    expect(wino(conv(16, 48, 3, { dilation: 4 }))).toBe(2);
    expect(wino(conv(16, 16, 3, { dilation: 2 }))).toBe(4);
    expect(selectPacking(conv(16, 16, 3), SCALAR)).toMatchObject({ winograd: 0 });
  });

  test('ow_eq_47 / ow_eq_48 and ow_eq_23 / ow_eq_24: the NCHW depthwise kernel on wide rows', () => {
    expect([DW_NCHW_MIN_OW_S1, DW_NCHW_MIN_OW_S2]).toEqual([48, 24]);
    expect(pick(dw(8, 3, { pad: 1 }), [1, 8, 4, 47])).toBe('nchw-staged:dwconv');
    expect(pick(dw(8, 3, { pad: 1 }), [1, 8, 4, 48])).toBe('nchw-planes:dwconv-nchw');
    expect(pick(dw(8, 3, { stride: 2, pad: 1 }), [1, 8, 4, 46])).toBe('nchw-staged:dwconv');
    expect(pick(dw(8, 3, { stride: 2, pad: 1 }), [1, 8, 4, 47])).toBe('nchw-planes:dwconv-nchw');
    expect(pick(dw(8, 5, { pad: 2 }), [1, 8, 4, 64])).toBe('nchw-staged:dwconv');
    expect(pick(dw(8, 3, { stride: 3, pad: 1 }), [1, 8, 4, 200])).toBe('nchw-staged:dwconv');
    expect(pick(dw(8, 3, { pad: 1 }), [1, 8, 4, 48], 'NHWC')).toBe('nhwc:dwconv');
  });

  test('dw1d: the NCW row kernel for 1-D depthwise at stride 1 only', () => {
    expect(pick(dw(8, [1, 31] as never), [1, 8, 1, 100])).toBe('nchw-planes:dwconv1d-ncw');
    expect(pick(dw(8, [1, 3] as never, { stride: 2 }), [1, 8, 1, 100])).toBe('nchw-staged:dwconv');
    expect(pick(dw(8, [1, 3] as never, { pad: 1 }), [1, 8, 1, 100])).toBe('nchw-staged:dwconv');
    expect(pick(dw(8, [1, 3] as never), [1, 8, 2, 100])).toBe('nchw-staged:dwconv');
    expect(pick(dw(8, [1, 31] as never), [1, 8, 1, 100], 'NHWC')).toBe('nhwc:dwconv');
    expect(selectRun([selectPacking(dw(8, [1, 31] as never), SCALAR)], geomsOf([dw(8, [1, 31] as never)], [1, 8, 1, 100]), 'NCHW', true)
      .stages[0].kernel).toBe('dwconv');
  });

  test('bands: pixel bands from twice the band, channel bands past BAND_BYTES, never for overlapping out', () => {
    // 16 + 16 channels: 4096-pixel bands
    expect(pick(conv(16, 16, 1), [1, 16, 1, 8191])).toBe('nchw-planes:pointwise-nchw');
    expect(pick(conv(16, 16, 1), [1, 16, 1, 8192])).toBe('nchw-pixel-bands:pointwise-nchw');
    expect(pick(conv(16, 16, 1), [1, 16, 1, 8192], 'NCHW', false)).toBe('nchw-planes:pointwise-nchw');
    // bands below MIN_PIXEL_BAND (many channels) are not taken
    expect(pick(conv(128, 128, 1), [1, 128, 64, 64])).toBe('nchw-planes:pointwise-nchw');
    // 8 channels of 128x64: 16 KiB x 2 per channel fits 512 KiB; 128x128 does not
    expect(pick(dw(8, 3, { pad: 1 }), [1, 8, 64, 128])).toBe('nchw-planes:dwconv-nchw');
    expect(pick(dw(8, 3, { pad: 1 }), [1, 8, 128, 128])).toBe('nchw-channel-bands:dwconv-nchw');
    expect(pick(dw(8, 3, { pad: 1 }), [1, 8, 128, 128], 'NCHW', false)).toBe('nchw-planes:dwconv-nchw');
  });

  test('chains: NCHW planes end to end only when every stage reads planes', () => {
    expect(pick([dw(16, 3, { pad: 1 }), conv(16, 24, 1)], [1, 16, 8, 64])).toBe('nchw-planes:dwconv-nchw+pointwise-nchw');
    expect(pick([dw(16, 3, { pad: 1 }), conv(16, 24, 1)], [1, 16, 8, 47])).toBe('nchw-staged:dwconv+igemm:nchw-out');
    expect(pick([dw(16, 3, { pad: 1 }), conv(16, 8, 1)], [1, 16, 8, 8])).toBe('nchw-staged:dwconv+igemm');
    expect(pick([conv(16, 16, 1), conv(16, 16, 1)], [1, 16, 1, 8192])).toBe('nchw-planes:pointwise-nchw+pointwise-nchw');
  });

  test('deconv: the tiles kernel writes NCHW only when stride = kernel, dilation 1, one group', () => {
    expect(pick(deconv(8, 8, 2, { stride: 2 }), [1, 8, 4, 4])).toBe('nchw-staged:deconv-tiles:nchw-out');
    expect(pick(deconv(8, 8, 3, { stride: 2 }), [1, 8, 4, 4])).toBe('nchw-staged:deconv-col2im');
    expect(pick(deconv(8, 8, 2, { stride: 2, groups: 2 }), [1, 8, 4, 4])).toBe('nchw-staged:deconv-col2im');
    expect(pick(deconv(8, 8, 2, { stride: 2 }), [1, 8, 4, 4], 'NHWC')).toBe('nhwc:deconv-col2im');
  });
});
