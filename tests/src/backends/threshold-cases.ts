/**
 * The cases of the threshold suites (thresholds*.test.ts): for every size- or shape-driven choice
 * of a path in the wasm and js backends, the smallest shapes on both sides of it. Each case's
 * name starts with the boundary it sits on (`plane_eq_511`, `k_gt_64`, ...), then the STYLE.md
 * name of its shape. The constants they cross live in src/backends/wasm/kernels.ts and runner.ts,
 * src/backends/js/*, assembly/conv/* and assembly/gemm/*; the comment of each group names them.
 * Also defineLayoutSuite, for large cases whose threshold exists in one layout only.
 */
import { CaseSpec, OpCase, makeCase } from '../../helpers/cases';
import { Layout, expectTensorClose } from '../../helpers/reference';
import { BACKENDS, caseData, initBackends, runOp } from '../../helpers/testers';

/** A case whose name leads with the boundary it tests. */
export function at(boundary: string, s: CaseSpec): OpCase {
  const c = makeCase(s);
  return { ...c, name: `${boundary} ${c.name}` };
}

/**
 * Cases x layouts x backends against the reference, without defineOpSuite's extra checks (input
 * snapshots, out, views, NaN), which on inputs of a million floats cost seconds and test nothing
 * of the threshold.
 */
export function defineLayoutSuite(title: string, cases: OpCase[], layouts: Layout[]): void {
  describe(title, () => {
    beforeAll(() => initBackends());
    describe.each(BACKENDS)('%s', (backend) => {
      describe.each(layouts)('%s', (layout) => {
        test.each(cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
          const { inp, ref } = caseData(c, layout);
          expectTensorClose(runOp(c, inp, backend), ref, `${c.name} ${layout} ${backend}`);
        });
      });
    });
  });
}

/** Fails loudly on a duplicate name (names seed the data and are test ids). */
export function unique(cases: OpCase[]): OpCase[] {
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
    seen.add(c.name);
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// ConvKernel (kernels.ts) and the igemm family

/** Row-merged mode: groups 1, cin <= 16, kW > 1, dilationW 1 (stride 2 keeps Winograd out). */
export const ROWS = unique([
  at('rows cin_eq_1', { op: 'conv2d', c: 1, cout: 4, k: 3, h: 6, w: 7 }),
  at('rows cin_eq_16', { op: 'conv2d', c: 16, cout: 24, k: 3, stride: 2, padding: 1, h: 9, w: 9 }),
  at('rows cin_eq_17', { op: 'conv2d', c: 17, cout: 24, k: 3, stride: 2, padding: 1, h: 9, w: 9 }),
  at('rows cin_eq_16 alt1', { op: 'conv2d', c: 16, cout: 8, k: 3, stride: 2, padding: 1, h: 9, w: 9 }),
  at('rows kw_eq_1', { op: 'conv2d', c: 8, cout: 8, k: [3, 1], padding: 1, h: 7, w: 6 }),
  at('rows kw_eq_3 kh_eq_1', { op: 'conv2d', c: 8, cout: 8, k: [1, 3], padding: 1, h: 7, w: 6 }),
  at('rows dilation_w_eq_2', { op: 'conv2d', c: 4, cout: 8, k: 3, dilation: [1, 2], padding: 2, h: 7, w: 9 }),
  at('rows dilation_h_eq_2', { op: 'conv2d', c: 4, cout: 8, k: 3, dilation: [2, 1], padding: 2, h: 9, w: 7, bias: true, activation: 'relu6' }),
  at('rows stride_3 same', { op: 'conv2d', c: 3, cout: 12, k: 5, stride: 3, padding: 'same', h: 11, w: 13, bias: true }),
  // the padded-copy guard hp*wp <= 4*h*w + 65536: 2 x (4 + 32780) = 8*4 + 65536 exactly, then one more column
  at('rows padded_eq_guard', { op: 'conv2d', c: 1, cout: 1, k: [1, 2], padding: [0, 0, 0, 32780], h: 2, w: 4 }),
  at('rows padded_gt_guard', { op: 'conv2d', c: 1, cout: 1, k: [1, 2], padding: [0, 0, 0, 32781], h: 2, w: 4 }),
]);

/**
 * Tiles: coutG <= 8 runs the 4x8 tile (alt 1, NCHW through both transposes), more the 2x16 one
 * (alt 0, NCHW output planes); groups of exactly 4 outputs the grouped kernel (alt 2), with the
 * rotation loop when cinG is a multiple of 4. Batch 2 on odd planes: tiles straddle two images.
 */
export const TILES = unique([
  at('alt coutg_eq_8', { op: 'conv2d', c: 20, cout: 8, k: 3, padding: 1, n: 2, h: 5, w: 5 }),
  at('alt coutg_eq_9', { op: 'conv2d', c: 20, cout: 9, k: 3, padding: 1, n: 2, h: 5, w: 5 }),
  at('alt coutg_eq_4 groups_eq_1', { op: 'conv2d', c: 20, cout: 4, k: 1, n: 2, h: 3, w: 3 }),
  at('alt2 coutg_eq_4 cing_eq_4', { op: 'conv2d', c: 8, cout: 8, groups: 2, k: 3, padding: 1, n: 2, h: 5, w: 5 }),
  at('alt2 coutg_eq_4 cing_eq_3', { op: 'conv2d', c: 6, cout: 8, groups: 2, k: 3, padding: 1, n: 2, h: 5, w: 5 }),
  at('alt2 coutg_eq_4 cing_eq_1', { op: 'conv2d', c: 4, cout: 16, groups: 4, k: 3, padding: 1, h: 5, w: 6 }),
  at('alt2 coutg_eq_4 s2', { op: 'conv2d', c: 16, cout: 16, groups: 4, k: 3, stride: 2, padding: 1, h: 9, w: 9, bias: true, activation: 'relu6' }),
  at('alt coutg_eq_5 groups_eq_2', { op: 'conv2d', c: 8, cout: 10, groups: 2, k: 3, padding: 1, n: 2, h: 5, w: 5 }),
  at('alt coutg_eq_9 groups_eq_2', { op: 'conv2d', c: 8, cout: 18, groups: 2, k: 3, padding: 1, n: 2, h: 5, w: 5 }),
  // 2x16 panels: full, 1..8 columns left (the 2x8 tile), 9..15 left (half a panel)
  at('panel coutg_eq_16', { op: 'conv2d', c: 20, cout: 16, k: 3, stride: 2, padding: 1, n: 2, h: 9, w: 9 }),
  at('panel coutg_eq_17', { op: 'conv2d', c: 20, cout: 17, k: 3, stride: 2, padding: 1, n: 2, h: 9, w: 9 }),
  at('panel coutg_eq_24', { op: 'conv2d', c: 20, cout: 24, k: 3, stride: 2, padding: 1, n: 2, h: 9, w: 9 }),
  at('panel coutg_eq_25', { op: 'conv2d', c: 20, cout: 25, k: 3, stride: 2, padding: 1, n: 2, h: 9, w: 9 }),
  at('panel coutg_eq_33', { op: 'conv2d', c: 20, cout: 33, k: 1, n: 2, h: 3, w: 5 }),
]);

/**
 * Winograd: 3x3, stride 1, groups 1, equal dilations, cin and cout multiples of 4 and >= 16;
 * F(4x4) up to dilation 3 and 256 input channels, F(2x2) beyond when cin + cout >= 64. Blocks
 * of T tiles: 228 for F(4x4) at 16 -> 16, 64 for F(2x2) at 260 -> 16.
 */
export const WINOGRAD = unique([
  at('wino cin_eq_16 cout_eq_16 f4', { op: 'conv2d', c: 16, cout: 16, k: 3, padding: 1, h: 7, w: 9 }),
  at('wino cin_eq_12', { op: 'conv2d', c: 12, cout: 16, k: 3, padding: 1, h: 7, w: 9 }),
  at('wino cout_eq_12', { op: 'conv2d', c: 16, cout: 12, k: 3, padding: 1, h: 7, w: 9 }),
  at('wino cout_eq_18', { op: 'conv2d', c: 20, cout: 18, k: 3, padding: 1, h: 7, w: 9 }),
  at('wino cin_eq_18', { op: 'conv2d', c: 18, cout: 20, k: 3, padding: 1, h: 7, w: 9 }),
  at('wino cin_eq_256 f4', { op: 'conv2d', c: 256, cout: 16, k: 3, padding: 1, h: 6, w: 6, bias: true }),
  at('wino cin_eq_257 igemm', { op: 'conv2d', c: 257, cout: 16, k: 3, padding: 1, h: 6, w: 6 }),
  at('wino cin_eq_260 f2', { op: 'conv2d', c: 260, cout: 16, k: 3, padding: 1, h: 6, w: 6, bias: true }),
  at('wino dilation_eq_3 f4', { op: 'conv2d', c: 32, cout: 32, k: 3, dilation: 3, padding: 3, h: 9, w: 10 }),
  at('wino dilation_eq_4 f2', { op: 'conv2d', c: 32, cout: 32, k: 3, dilation: 4, padding: 4, h: 9, w: 10 }),
  at('wino dilation_eq_4 sum_eq_60 igemm', { op: 'conv2d', c: 16, cout: 44, k: 3, dilation: 4, padding: 4, h: 9, w: 9 }),
  at('wino dilation_eq_4 sum_eq_64 f2', { op: 'conv2d', c: 16, cout: 48, k: 3, dilation: 4, padding: 4, h: 9, w: 9 }),
  at('wino dilation_2x1 igemm', { op: 'conv2d', c: 16, cout: 16, k: 3, dilation: [2, 1], padding: [2, 1], h: 9, w: 9 }),
  at('wino stride_eq_2 igemm', { op: 'conv2d', c: 16, cout: 16, k: 3, stride: 2, padding: 1, h: 9, w: 9 }),
  at('wino valid f4', { op: 'conv2d', c: 16, cout: 20, k: 3, h: 10, w: 11, bias: true, activation: 'relu6' }),
  at('wino asymmetric_pad f4', { op: 'conv2d', c: 16, cout: 16, k: 3, padding: [1, 0, 2, 1], n: 2, h: 7, w: 9 }),
  at('wino asymmetric_pad f2', { op: 'conv2d', c: 32, cout: 32, k: 3, dilation: 4, padding: [4, 3, 5, 4], h: 9, w: 9 }),
  // more tiles than one block: 4 x 8 x 8 = 256 > 228 (F(4x4)), 9 x 8 = 72 > 64 (F(2x2))
  at('wino tiles_gt_block f4', { op: 'conv2d', c: 16, cout: 16, k: 3, padding: 1, n: 4, h: 32, w: 32 }),
  at('wino tiles_gt_block f2', { op: 'conv2d', c: 260, cout: 16, k: 3, padding: 1, h: 18, w: 16 }),
]);

/**
 * The im2col gemm on NCHW planes: one group, SIMD, taps > 1 and cin*kH*kW <= 64; a lone layer
 * only with the 2x16 tile (cout > 8). Its blocks: rows under 16 pixels go through TAIL, the last
 * block of a row overlaps, and PANEL holds 2048 / K blocks (32 at K = 64).
 */
export const IM2COL = unique([
  at('im2col k_eq_64', { op: 'conv2d', c: 4, cout: 9, k: 4, h: 8, w: 19 }),
  at('im2col k_eq_64 rows', { op: 'conv2d', c: 1, cout: 9, k: 8, h: 10, w: 20 }),
  at('im2col k_eq_65 rows', { op: 'conv2d', c: 1, cout: 9, k: [5, 13], h: 7, w: 20 }),
  at('im2col k_eq_72', { op: 'conv2d', c: 8, cout: 16, k: 3, padding: 1, h: 6, w: 18 }),
  at('im2col k_eq_64 s2 p1', { op: 'conv2d', c: 4, cout: 12, k: 4, stride: 2, padding: 1, h: 9, w: 40, bias: true, activation: 'relu6' }),
  at('im2col cout_eq_8', { op: 'conv2d', c: 3, cout: 8, k: 3, padding: 1, h: 6, w: 20 }),
  at('im2col ow_eq_15', { op: 'conv2d', c: 3, cout: 9, k: 3, padding: 1, h: 4, w: 15 }),
  at('im2col ow_eq_16', { op: 'conv2d', c: 3, cout: 9, k: 3, padding: 1, h: 4, w: 16 }),
  at('im2col ow_eq_17', { op: 'conv2d', c: 3, cout: 9, k: 3, padding: 1, h: 4, w: 17 }),
  at('im2col ow_eq_512 blocks_eq_chunk', { op: 'conv2d', c: 4, cout: 9, k: 4, h: 4, w: 515 }),
  at('im2col ow_eq_513 blocks_gt_chunk', { op: 'conv2d', c: 4, cout: 9, k: 4, h: 4, w: 516 }),
  at('im2col stride_eq_3', { op: 'conv2d', c: 3, cout: 10, k: 3, stride: 3, padding: 1, h: 8, w: 50 }),
  at('im2col dilation_eq_2', { op: 'conv2d', c: 3, cout: 9, k: 3, dilation: 2, padding: 2, n: 2, h: 6, w: 20 }),
  at('im2col k5 grayscale', { op: 'conv2d', c: 1, cout: 16, k: 5, padding: 2, h: 9, w: 33 }),
]);

/**
 * The NCHW pointwise kernel: 1x1, stride 1, unpadded, groups 1, input planes of >= 512 pixels,
 * cin*cout*4 <= 512 KiB and cin <= NCHW_PANEL_CHANNELS (2048). Planes not a multiple of 16 end
 * with an overlapping block.
 */
export const POINTWISE = unique([
  at('pw plane_eq_511', { op: 'pointwise', c: 8, cout: 16, h: 7, w: 73 }),
  at('pw plane_eq_512', { op: 'pointwise', c: 8, cout: 16, h: 16, w: 32 }),
  at('pw plane_eq_513', { op: 'pointwise', c: 8, cout: 16, h: 27, w: 19, bias: true, activation: 'relu6' }),
  at('pw plane_eq_527', { op: 'pointwise', c: 9, cout: 15, h: 17, w: 31, pwRank: 2 }),
  at('pw plane_eq_512 cout_eq_8', { op: 'pointwise', c: 8, cout: 8, h: 16, w: 32 }),
  at('pw plane_eq_512 cout_eq_1', { op: 'pointwise', c: 5, cout: 1, n: 2, h: 16, w: 32 }),
  at('pw plane_eq_1024 s2', { op: 'pointwise', c: 8, cout: 16, stride: 2, h: 32, w: 32 }),
  at('pw plane_eq_512 conv_k1_p1', { op: 'conv2d', c: 8, cout: 16, k: 1, padding: 1, h: 16, w: 32 }),
]);

/**
 * The caps on cin (NCHW_PANEL_CHANNELS) and on the weights (cin*cout*4 <= 512 KiB): NCHW-only
 * choices (NHWC never runs the NCHW kernel) on inputs of a million floats, the weight cap's at
 * 67M multiply-adds.
 */
export const POINTWISE_CAPS = unique([
  at('pw cin_eq_2048', { op: 'pointwise', c: 2048, cout: 2, h: 16, w: 32 }),
  at('pw cin_eq_2049', { op: 'pointwise', c: 2049, cout: 2, h: 16, w: 32 }),
  at('pw weights_eq_512KiB', { op: 'pointwise', c: 2048, cout: 64, h: 16, w: 32 }),
  at('pw weights_gt_512KiB', { op: 'pointwise', c: 2048, cout: 65, h: 16, w: 32 }),
]);

/**
 * Column blocks: the wasm igemm splits a group's columns once its packed weights pass 256 KiB and
 * it has more than one tile (K = 1023: 64 columns fit, 65 do not); the js gemm once a column block
 * of packed float64 weights passes 256 KiB (K = 511: 64 columns); the js im2col blocks pixels by
 * 65536 / K (K = 576: 112 pixels).
 */
export const BLOCKS = unique([
  at('l2 cols_eq_64 k_eq_1023', { op: 'pointwise', c: 1023, cout: 64, h: 2, w: 3 }),
  at('l2 cols_eq_65 k_eq_1023', { op: 'pointwise', c: 1023, cout: 65, h: 2, w: 3 }),
  at('l2 cols_eq_65 tiles_eq_1', { op: 'pointwise', c: 1023, cout: 65, h: 1, w: 2 }),
  at('l2 cols_eq_65 3x3 zero_taps', { op: 'conv2d', c: 112, cout: 65, k: 3, padding: 1, h: 3, w: 3, bias: true }),
  at('l2 cols_eq_65 groups_eq_2', { op: 'conv2d', c: 2046, cout: 130, groups: 2, k: 1, h: 2, w: 3 }),
  at('js cols_eq_64 k_eq_511', { op: 'pointwise', c: 511, cout: 64, h: 2, w: 3 }),
  at('js cols_eq_65 k_eq_511', { op: 'pointwise', c: 511, cout: 65, h: 2, w: 3 }),
  at('js pixels_eq_112 k_eq_576', { op: 'conv2d', c: 64, cout: 8, k: 3, padding: 1, h: 7, w: 16 }),
  at('js pixels_eq_113 k_eq_576', { op: 'conv2d', c: 64, cout: 8, k: 3, padding: 1, h: 113, w: 1 }),
]);

/** Depthwise written as a grouped conv2d (groups = Cin = Cout > 1) builds as depthwise. */
export const DEPTHWISE_CONV = unique([
  at('dwconv groups_eq_c_eq_cout', { op: 'conv2d', c: 4, cout: 4, groups: 4, k: 3, padding: 1, h: 8, w: 8 }),
  at('dwconv cout_eq_2c', { op: 'conv2d', c: 4, cout: 8, groups: 4, k: 3, padding: 1, h: 8, w: 8 }),
  at('dwconv groups_eq_c_half', { op: 'conv2d', c: 4, cout: 4, groups: 2, k: 3, padding: 1, h: 8, w: 8 }),
  at('dwconv groups_eq_1 c_eq_1', { op: 'conv2d', c: 1, cout: 1, k: 3, padding: 1, h: 8, w: 8 }),
  at('dwconv ow_eq_48 nchw planes', { op: 'conv2d', c: 6, cout: 6, groups: 6, k: 3, padding: 1, h: 5, w: 48, bias: true, activation: 'relu6' }),
]);

/** js transposes: thin below 4 rows or columns, a plain copy for one channel or one pixel. */
export const TRANSPOSES = unique([
  at('transpose c_eq_1', { op: 'pointwise', c: 1, cout: 5, h: 3, w: 5 }),
  at('transpose c_eq_3 hw_eq_3', { op: 'pointwise', c: 3, cout: 5, h: 1, w: 3 }),
  at('transpose c_eq_4 hw_eq_4', { op: 'pointwise', c: 4, cout: 3, h: 2, w: 2 }),
  at('transpose hw_eq_1', { op: 'pointwise', c: 6, cout: 7, n: 2, h: 1, w: 1 }),
  at('transpose c_eq_3 hw_eq_37', { op: 'conv2d', c: 3, cout: 5, k: 1, h: 1, w: 37 }),
]);

// ---------------------------------------------------------------------------------------------
// DwKernel, DeconvKernel, js depthwise

/**
 * The NCHW depthwise kernel runs a lone layer from ow >= 48 at stride 1 and ow >= 24 at stride 2
 * (3x3, dilationW 1; strideW decides), whole rows in blocks of 4 with staged edge blocks.
 */
export const DW_NCHW = unique([
  at('dw ow_eq_47 s1', { op: 'depthwise', c: 4, k: 3, padding: 1, h: 4, w: 47 }),
  at('dw ow_eq_48 s1', { op: 'depthwise', c: 4, k: 3, padding: 1, h: 4, w: 48 }),
  at('dw ow_eq_49 s1', { op: 'depthwise', c: 4, k: 3, padding: 1, h: 4, w: 49, bias: true, activation: 'relu6' }),
  at('dw ow_eq_50 s1', { op: 'depthwise', c: 5, k: 3, padding: 1, n: 2, h: 3, w: 50 }),
  at('dw ow_eq_51 s1', { op: 'depthwise', c: 3, k: 3, padding: 1, h: 4, w: 51 }),
  at('dw ow_eq_47 s1 valid', { op: 'depthwise', c: 4, k: 3, h: 5, w: 49 }),
  at('dw ow_eq_48 s1 valid', { op: 'depthwise', c: 4, k: 3, h: 5, w: 50 }),
  at('dw ow_eq_48 s1 pad_eq_2', { op: 'depthwise', c: 4, k: 3, padding: 2, h: 3, w: 46 }),
  at('dw ow_eq_50 s1 pad_eq_3', { op: 'depthwise', c: 4, k: 3, padding: 3, h: 3, w: 46 }),
  at('dw ow_eq_23 s2', { op: 'depthwise', c: 4, k: 3, stride: 2, padding: 1, h: 5, w: 46 }),
  at('dw ow_eq_24 s2', { op: 'depthwise', c: 4, k: 3, stride: 2, padding: 1, h: 5, w: 47 }),
  at('dw ow_eq_24 s2 even', { op: 'depthwise', c: 4, k: 3, stride: 2, padding: 1, h: 6, w: 48 }),
  at('dw ow_eq_24 s2 same', { op: 'depthwise', c: 4, k: 3, stride: 2, padding: 'same', h: 6, w: 48, bias: true }),
  at('dw ow_eq_25 s2 valid', { op: 'depthwise', c: 4, k: 3, stride: 2, h: 5, w: 51 }),
  at('dw ow_eq_48 stride_2x1', { op: 'depthwise', c: 4, k: 3, stride: [2, 1], padding: 1, h: 7, w: 48 }),
  at('dw ow_eq_24 stride_1x2', { op: 'depthwise', c: 4, k: 3, stride: [1, 2], padding: 1, h: 4, w: 47 }),
  at('dw ow_eq_50 stride_eq_3', { op: 'depthwise', c: 4, k: 3, stride: 3, padding: 1, h: 5, w: 150 }),
  at('dw ow_eq_48 dilation_2x1', { op: 'depthwise', c: 4, k: 3, dilation: [2, 1], padding: [2, 1], h: 6, w: 48 }),
  at('dw ow_eq_48 dilation_1x2', { op: 'depthwise', c: 4, k: 3, dilation: [1, 2], padding: [1, 2], h: 4, w: 48 }),
  at('dw ow_eq_48 k5', { op: 'depthwise', c: 4, k: 5, padding: 2, h: 4, w: 48 }),
  at('dw ow_eq_48 m2', { op: 'depthwise', c: 3, multiplier: 2, k: 3, padding: 1, h: 4, w: 48 }),
  at('dw ow_eq_24 s2 m3', { op: 'depthwise', c: 2, multiplier: 3, k: 3, stride: 2, padding: 1, h: 5, w: 48 }),
]);

/**
 * NHWC depthwise kernels (wasm SIMD): kW 5 and kW 3 from 16 output columns run the row kernels,
 * narrower 3x3 the pixel kernel, everything else the generic one; multipliers expand the input.
 * js: 3x3 with multiplier 1 runs the row functions, the rest the generic one; on NCHW data a lone
 * depthwise stage runs on the planes from 400 output pixels.
 */
export const DW_NHWC = unique([
  at('dw 3x3 ow_eq_15', { op: 'depthwise', c: 6, k: 3, padding: 1, h: 5, w: 15 }),
  at('dw 3x3 ow_eq_16', { op: 'depthwise', c: 6, k: 3, padding: 1, h: 5, w: 16 }),
  at('dw 3x3 s2 ow_eq_15', { op: 'depthwise', c: 5, k: 3, stride: 2, padding: 1, h: 5, w: 29 }),
  at('dw 3x3 s2 ow_eq_16', { op: 'depthwise', c: 5, k: 3, stride: 2, padding: 1, h: 5, w: 31 }),
  at('dw 5x3 ow_eq_15', { op: 'depthwise', c: 7, k: [5, 3], padding: [2, 1], h: 6, w: 15 }),
  at('dw 5x3 ow_eq_16', { op: 'depthwise', c: 7, k: [5, 3], padding: [2, 1], h: 6, w: 16 }),
  at('dw 5x5 ow_eq_10', { op: 'depthwise', c: 6, k: 5, padding: 2, h: 6, w: 10, bias: true, activation: 'relu6' }),
  at('dw 3x5 ow_eq_9', { op: 'depthwise', c: 4, k: [3, 5], padding: [1, 0], h: 6, w: 13 }),
  at('dw 2x2 ow_eq_16', { op: 'depthwise', c: 5, k: 2, h: 5, w: 17 }),
  at('dw 7x7 pad_eq_3', { op: 'depthwise', c: 4, k: 7, padding: 3, h: 8, w: 9 }),
  at('dw 3x3 dilation_eq_2 ow_eq_16', { op: 'depthwise', c: 4, k: 3, dilation: 2, padding: 2, h: 6, w: 16 }),
  at('dw 3x3 pad_eq_3 empty_rows', { op: 'depthwise', c: 4, k: 3, padding: 3, h: 3, w: 17 }),
  at('dw 3x3 m2 ow_eq_16', { op: 'depthwise', c: 3, multiplier: 2, k: 3, padding: 1, h: 4, w: 16 }),
  at('dw 3x3 m3 ow_eq_15', { op: 'depthwise', c: 2, multiplier: 3, k: 3, padding: 1, h: 4, w: 15 }),
  at('dw js plane_eq_399', { op: 'depthwise', c: 4, k: 3, padding: 1, h: 19, w: 21 }),
  at('dw js plane_eq_400', { op: 'depthwise', c: 4, k: 3, padding: 1, h: 20, w: 20 }),
  at('dw js plane_eq_400 s2', { op: 'depthwise', c: 4, k: 3, stride: 2, padding: 1, h: 39, w: 39 }),
  at('dw js plane_eq_400 k5', { op: 'depthwise', c: 3, k: 5, padding: 2, h: 20, w: 20 }),
  at('dw js plane_eq_400 dilation_eq_2', { op: 'depthwise', c: 3, k: 3, dilation: 2, padding: 2, h: 20, w: 20 }),
  at('dw js plane_eq_400 m2', { op: 'depthwise', c: 2, multiplier: 2, k: 3, padding: 1, h: 20, w: 20 }),
]);

/**
 * Lone NCHW depthwise stages run in bands of floor(128 Ki floats / (plane + m*output plane))
 * channels when that is fewer than the input's: 16 channels of 64x64 at stride 1, 10 with m 2,
 * 6 of 128x128 at stride 2.
 */
export const DW_CHANNEL_BANDS = unique([
  at('bands c_eq_16 band_eq_16', { op: 'depthwise', c: 16, k: 3, padding: 1, h: 64, w: 64 }),
  at('bands c_eq_17 band_eq_16', { op: 'depthwise', c: 17, k: 3, padding: 1, h: 64, w: 64, bias: true }),
  at('bands c_eq_17 n_eq_2', { op: 'depthwise', c: 17, k: 3, padding: 1, n: 2, h: 64, w: 64 }),
  at('bands c_eq_10 m2 band_eq_10', { op: 'depthwise', c: 10, multiplier: 2, k: 3, padding: 1, h: 64, w: 64 }),
  at('bands c_eq_11 m2 band_eq_10', { op: 'depthwise', c: 11, multiplier: 2, k: 3, padding: 1, h: 64, w: 64 }),
  at('bands c_eq_6 s2 band_eq_6', { op: 'depthwise', c: 6, k: 3, stride: 2, padding: 1, h: 128, w: 128 }),
  at('bands c_eq_7 s2 band_eq_6', { op: 'depthwise', c: 7, k: 3, stride: 2, padding: 1, h: 128, w: 128, activation: 'relu6' }),
]);

/**
 * Transposed: the last stage on NCHW data writes the planes from the col2im when stride = kernel,
 * dilation 1 and one group; otherwise the NHWC col2im and a transpose. oxEnd = w*kW - padLeft is
 * the end of the columns a tap reaches: 0 at 'oxend_eq_0', negative at 'oxend_lt_0'.
 */
export const DECONV = unique([
  at('deconv stride_eq_kernel 2x2', { op: 'transposed', c: 4, cout: 8, k: 2, stride: 2, h: 5, w: 5 }),
  at('deconv stride_ne_kernel 3x3s2', { op: 'transposed', c: 4, cout: 8, k: 3, stride: 2, padding: 1, h: 5, w: 5 }),
  at('deconv stride_eq_kernel cout_eq_6', { op: 'transposed', c: 5, cout: 6, k: 2, stride: 2, h: 3, w: 7, bias: true, activation: 'relu6' }),
  at('deconv stride_eq_kernel crop_eq_1', { op: 'transposed', c: 4, cout: 8, k: 2, stride: 2, padding: 1, h: 4, w: 5 }),
  at('deconv stride_eq_kernel crop_gt_kernel', { op: 'transposed', c: 4, cout: 4, k: 2, stride: 2, padding: 3, h: 4, w: 5 }),
  at('deconv stride_eq_kernel outpad_eq_1', { op: 'transposed', c: 4, cout: 8, k: 2, stride: 2, outputPadding: 1, h: 3, w: 6 }),
  at('deconv stride_eq_kernel 2x3', { op: 'transposed', c: 3, cout: 5, k: [2, 3], stride: [2, 3], h: 4, w: 3 }),
  at('deconv stride_eq_kernel groups_eq_2', { op: 'transposed', c: 4, cout: 8, groups: 2, k: 2, stride: 2, h: 4, w: 4 }),
  at('deconv stride_eq_kernel dilation_eq_2', { op: 'transposed', c: 4, cout: 4, k: 2, stride: 2, dilation: 2, h: 4, w: 4 }),
  at('deconv stride_eq_kernel oxend_eq_0', { op: 'transposed', c: 4, cout: 4, k: 3, stride: 3, padding: [0, 3, 0, 0], outputPadding: [0, 2], h: 3, w: 1 }),
  at('deconv stride_eq_kernel oxend_lt_0', { op: 'transposed', c: 4, cout: 4, k: 3, stride: 3, padding: [0, 4, 0, 0], outputPadding: [0, 2], h: 3, w: 1 }),
  at('deconv stride_eq_kernel oxend_lt_0 k4', { op: 'transposed', c: 4, cout: 8, k: 4, stride: 4, padding: [1, 6, 0, 0], outputPadding: [0, 3], h: 2, w: 1 }),
]);

// ---------------------------------------------------------------------------------------------
// Runner (runner.ts)

/**
 * Bands of pixels for a lone pixel-wise NCHW stage: band = floor(128 Ki floats / (c + cout) / 16)
 * * 16 pixels, used when band >= 1024 (c + cout <= 128) and the plane holds 2 bands.
 */
export const PIXEL_BANDS = unique([
  at('bands plane_eq_512 band_eq_8192', { op: 'pointwise', c: 8, cout: 8, h: 16, w: 32 }),
  at('bands plane_eq_16384 band_eq_8192', { op: 'pointwise', c: 8, cout: 8, h: 128, w: 128 }),
  // bands of 8192 and 8197 pixels: the second ends on a block that overlaps its predecessor
  at('bands plane_eq_16389 ragged', { op: 'pointwise', c: 8, cout: 8, h: 3, w: 5463, bias: true, activation: 'relu6' }),
]);

/** The other sides of the band rules and a batch of 2, NCHW only (NHWC has no bands): a quarter million floats per image. */
export const PIXEL_BANDS_NCHW = unique([
  at('bands plane_eq_16383 band_eq_8192', { op: 'pointwise', c: 8, cout: 8, h: 129, w: 127 }),
  at('bands plane_eq_16384 n_eq_2', { op: 'pointwise', c: 8, cout: 8, n: 2, h: 128, w: 128, bias: true }),
  at('bands channels_eq_128 band_eq_1024', { op: 'pointwise', c: 64, cout: 64, h: 32, w: 64 }),
  at('bands channels_eq_129 band_eq_1008', { op: 'pointwise', c: 64, cout: 65, h: 32, w: 64 }),
]);

/**
 * Two stages on NCHW data run on the planes end to end when both do (direct chain): the depthwise
 * stage from ow 48 (stride 1) or 24 (stride 2), the pointwise one on planes of 512+ pixels.
 */
export const SEPARABLE = unique([
  at('chain ow_eq_48 plane_eq_576', { op: 'separable', c: 8, cout: 16, k: 3, padding: 1, h: 12, w: 48 }),
  at('chain ow_eq_47 plane_eq_564', { op: 'separable', c: 8, cout: 16, k: 3, padding: 1, h: 12, w: 47 }),
  at('chain ow_eq_48 plane_eq_480', { op: 'separable', c: 8, cout: 16, k: 3, padding: 1, h: 10, w: 48 }),
  at('chain ow_eq_48 plane_eq_528', { op: 'separable', c: 8, cout: 16, k: 3, padding: 1, h: 11, w: 48, bias: true, activation: 'relu6' }),
  at('chain ow_eq_24 s2 plane_eq_576', { op: 'separable', c: 8, cout: 16, k: 3, stride: 2, padding: 1, h: 48, w: 48 }),
  at('chain ow_eq_23 s2 plane_eq_529', { op: 'separable', c: 8, cout: 16, k: 3, stride: 2, padding: 1, h: 46, w: 46 }),
  at('chain ow_eq_48 cout_eq_8', { op: 'separable', c: 8, cout: 8, k: 3, padding: 1, h: 12, w: 48, depthwiseBias: true, depthwiseActivation: 'relu6' }),
  at('chain ow_eq_48 m2', { op: 'separable', c: 4, multiplier: 2, cout: 16, k: 3, padding: 1, h: 12, w: 48 }),
  at('chain ow_eq_48 k5', { op: 'separable', c: 8, cout: 16, k: 5, padding: 2, h: 12, w: 48 }),
]);
