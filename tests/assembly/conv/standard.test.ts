/**
 * Standard convolution over the igemm tiles (assembly/conv/standard.ts; family conv of
 * bench/kernels/list.cjs): the indirection builders (padding taps point at the zero row, the
 * last tile repeats its last pixel; the rows indirection), then every entry, the build's tile
 * and the 4x8 (4x4 scalar), per-tap or row-merged, NHWC or NCHW planes out, against float64
 * loops on the tile's boundaries (output channels around nr, pixels around mr, channels around
 * 4) and on strides, dilations, paddings, groups and batches. NCHW output: odd planes with batch
 * > 1 make tiles straddle two images, channel counts cover the 8|4|1..3 column tails, and
 * 3x3x256->64 (576 KiB of packed weights) the L2 column blocks.
 */
import { flavors, harness, Harness } from '../harness';
import { ConvTester } from './conv-tester';
import { Case, describeKernels, Entry, many, one } from '../kernels';

describe.each(flavors())('conv indirection builders (%s)', (flavor) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(flavor);
  });

  test('indirection buffer: pointers, zero taps, tail repetition', () => {
    const n = 1, H = 3, W = 3, c = 2, k = 3, pad = 1;
    const oh = 3, ow = 3, pixels = 9, taps = 9;
    const len = h.ex.size_conv_indirection_u32(pixels, taps, h.mr);
    expect(len).toBe(Math.ceil(pixels / h.mr) * h.mr * taps);
    const ind = h.heap.alloc(len * 4);
    const x = 1024, zero = 64;
    h.ex.build_conv_indirection_ndhwc_u32(ind, x, zero, n, 1, H, W, c, 1, oh, ow, 1, k, k, 1, 1, 1, 1, 1, 1, 0, pad, pad, 0, h.mr);
    const u = h.heap.u32().slice(ind >>> 2, (ind >>> 2) + len);
    h.heap.free(ind);
    const MR = h.mr;
    const at = (m: number, tap: number) => u[(Math.floor(m / MR) * taps + tap) * MR + (m % MR)];
    for (let m = 0; m < len / taps; m++) {
      const mm = Math.min(m, pixels - 1);
      const oy = Math.floor(mm / ow), ox = mm % ow;
      for (let tap = 0; tap < taps; tap++) {
        const iy = oy - pad + Math.floor(tap / k), ix = ox - pad + (tap % k);
        const want = iy < 0 || iy >= H || ix < 0 || ix >= W ? zero : x + (iy * W + ix) * c * 4;
        expect(at(m, tap)).toBe(want);
      }
    }
  });

  test('rows indirection repeats the last row', () => {
    const len = Math.ceil(5 / h.mr) * h.mr;
    const ind = h.heap.alloc(len * 4);
    h.ex.build_rows_indirection_u32(ind, 4096, 5, 12, h.mr);
    const want = Array.from({ length: len }, (_, i) => 4096 + 12 * Math.min(i, 4));
    expect(Array.from(h.heap.u32().slice(ind >>> 2, (ind >>> 2) + len))).toEqual(want);
    h.heap.free(ind);
  });
});

type E = Entry<'conv'>;
type Row = [string, ...number[]];

/** Row-merged cases: name, n, c, H, W, cout, kH, kW, sH, sW, dH, pt, pl, pb, pr, alt (the tile that runs them). */
const ROWS: Row[] = [
  ['7x7 s2 p3 c3 co16', 1, 3, 15, 14, 16, 7, 7, 2, 2, 1, 3, 3, 3, 3, 0],
  ['3x3 s2 p1 c3 co5 batch 2', 2, 3, 9, 10, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1],
  ['3x5 s(3,2) dH 2, asymmetric padding, c4 co19', 1, 4, 11, 12, 19, 3, 5, 3, 2, 2, 2, 0, 1, 1, 0],
  ['bottom rows and right columns never read (large stride)', 1, 2, 10, 11, 17, 2, 2, 4, 4, 1, 0, 0, 0, 0, 0],
  ['padding wider than the kernel', 1, 2, 3, 3, 3, 2, 2, 1, 1, 1, 3, 3, 3, 3, 0],
];

/** Per-tap cases: name, n, c, H, W, cout, groups, kH, kW, sH, sW, dH, dW, pt, pl, pb, pr, alt. */
const TAPS: Row[] = [
  ['grouped g4 coutG 3', 1, 8, 5, 6, 12, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1],
  ['grouped g2 coutG 13, 2 panels of the 4x8 tile', 2, 6, 4, 5, 26, 2, 2, 3, 1, 2, 1, 1, 0, 1, 1, 1, 1],
  ['3x3p1 c5 co13', 1, 5, 6, 7, 13, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0],
  ['grouped g4 3x3 s2 asym, batch 2', 2, 8, 7, 9, 12, 4, 3, 3, 2, 2, 1, 1, 0, 1, 2, 0, 0],
  ['dilated 3x2 d2x3', 1, 3, 9, 10, 9, 1, 3, 2, 1, 1, 2, 3, 2, 3, 2, 3, 0],
  ['pointwise c17 co9 batch 3', 3, 17, 3, 5, 9, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
];

/** NCHW-output cases: name, n, c, H, W, cout, groups, kH, kW, s, pad, asym (no bottom padding). */
const NCHW: Row[] = [
  ['3x3p1 c5 co17, 5x7 planes, batch 3', 3, 5, 5, 7, 17, 1, 3, 3, 1, 1, 0],
  ['3x3 s2 c3 co35 asym padding, 4x3 planes, batch 2', 2, 3, 8, 6, 35, 1, 3, 3, 2, 1, 1],
  ['grouped g2 coutG 13, 3x3 planes, batch 2', 2, 6, 3, 3, 26, 2, 3, 3, 1, 1, 1],
  ['pointwise c17 co1, 7x7', 1, 17, 7, 7, 1, 1, 1, 1, 1, 0, 0],
  ['3x3p1 c256 co64 (column blocks), batch 2, 5x5', 2, 256, 5, 5, 64, 1, 3, 3, 1, 1, 1],
  // 3-row tiles: 2 x 13 pixels straddle the images at row 1, end with a 2-row tile; co 20 = 12 + 8
  ['pointwise c7 co20, 1x13 planes, batch 2', 2, 7, 1, 13, 20, 1, 1, 1, 1, 0, 0],
  // last panels of 8 and of 4 + 2 columns (the SIMD builds' 2x8 tile)
  ['3x3p1 c9 co24, 3x5 planes, batch 2', 2, 9, 3, 5, 24, 1, 3, 3, 1, 1, 0],
  ['pointwise c4 co6, 2x9 planes', 1, 4, 2, 9, 6, 1, 1, 1, 1, 0, 0],
];

function migrated(e: E): Case<E>[] {
  const t = () => new ConvTester();
  if (e.input === 'rows') {
    return ROWS.filter((r) => r[15] === e.alt).map(([name, n, c, H, W, cout, kH, kW, sH, sW, dH, pt, pl, pb, pr]) =>
      one(`row-merged: ${name}`, t().n(n).c(c).size(H, W).cout(cout).kernel(kH, kW).stride(sH, sW).dilation(dH, 1)
        .pad(pt, pl, pb, pr).seed(cout * 31 + c * kW)));
  }
  if (e.output === 'NCHW') {
    return NCHW.map(([name, n, c, H, W, cout, groups, kH, kW, s, pad, asym]) =>
      one(`NCHW output: ${name}`, t().n(n).c(c).size(H, W).cout(cout).groups(groups).kernel(kH, kW).stride(s)
        .pad(pad, pad, asym ? 0 : pad, pad).clamp(-1.5, 1.5).seed(cout * 7 + c)));
  }
  return TAPS.filter((r) => r[17] === e.alt).map(([name, n, c, H, W, cout, groups, kH, kW, sH, sW, dH, dW, pt, pl, pb, pr]) =>
    one(name, t().n(n).c(c).size(H, W).cout(cout).groups(groups).kernel(kH, kW).stride(sH, sW).dilation(dH, dW)
      .pad(pt, pl, pb, pr).clamp(-1, 1).seed(cout * 13 + c)));
}

/** Cases on the tile's boundaries: output channels (n) around nr, pixels (m) around mr, channels (k) around 4. */
function boundaries(e: E): Case<E>[] {
  const base = () => new ConvTester().c(4).size(5, 6).cout(e.nr).kernel(3, 3).pad(1, 1, 1, 1);
  const grouped = e.input !== 'rows';
  return [
    many('n_lt_nr', [1, e.nr - 1].filter((v) => v >= 1).map((co) => base().cout(co))),
    one('n_eq_nr', base()),
    many('n_gt_nr', [e.nr + 1, e.nr + 3, 2 * e.nr - 1].map((co) => base().cout(co))),
    one('n_div_nr', base().cout(2 * e.nr)),
    many('k_lt_4', [1, 2, 3].map((c) => base().c(c))),
    one('k_eq_4', base().c(4)),
    many('k_gt_4', [5, 7, 9].map((c) => base().c(c))),
    many('m_lt_mr: one output pixel', [base().size(3, 3).pad(0, 0, 0, 0), base().size(1, 1)]),
    many('m_gt_mr: pixel tails', [1, 2, 3].map((w) => base().size(2 * e.mr + 1, w).pad(1, 0, 1, 0).kernel(3, 1))),
    one('batch: tiles straddle two images', base().n(3).size(3, 5)),
    one('pad_gt_kernel', base().size(2, 3).pad(3, 4, 3, 2)),
    one('stride_2, asymmetric padding', base().size(9, 8).stride(2).pad(1, 0, 0, 1)),
    one('dilation_2', base().size(9, 9).dilation(2, grouped ? 2 : 1).pad(2, 2, 2, 2)),
    ...(grouped ? [many('groups_gt_1', [base().c(6).cout(3 * e.nr).groups(3), base().c(4).cout(2).groups(2)])] : []),
    one('qmin', base().cout(e.nr + 3).qmin(0)),
    one('qmax', base().cout(e.nr + 3).qmax(0.25)),
  ];
}

describeKernels('conv', (e) => [...boundaries(e), ...migrated(e)]);
