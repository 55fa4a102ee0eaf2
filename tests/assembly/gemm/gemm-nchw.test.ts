/**
 * Convolution on NCHW planes (assembly/gemm/gemm-nchw.ts; families gemm-nchw and im2col-nchw of
 * bench/kernels/list.cjs) against float64 loops; nothing is written past the output.
 * - run_pointwise_nchw_f32: blocks of 16 pixels (SIMD builds) and pixel tails (the last block
 *   overlapping its predecessor; under 16 pixels the plain loop), output channels around the
 *   2-row tile, every exit of the 8-channel k loop, the panel's channel limit (past it the plain
 *   loop), batch > 1, qmin/qmax.
 * - run_conv2d_im2col_nchw_f32: blocks of 16 output columns (the last one shifted to end at the
 *   row's end), rows under 16 columns, strides 1, 2 (vector paths) and 3, dilation, padding on
 *   every side and beyond the kernel, every exit of the 8-channel k loop, rows of more blocks
 *   than the panel holds at once, batch > 1.
 */
import { NchwGemmTester } from './gemm-nchw-tester';
import { Case, describeKernels, Entry, many, one, range } from '../kernels';

type P = Entry<'gemm-nchw'>;
type I = Entry<'im2col-nchw'>;

/** The pointwise case of (n, cin, cout, P), seeded as ever. */
const pw = (n: number, cin: number, cout: number, P: number) =>
  new NchwGemmTester().n(n).c(cin).cout(cout).pixels(P).seed(n * 1000 + cin * 100 + cout * 10 + P);

function pointwise(e: P): Case<P>[] {
  const B = 16;
  return [
    many('p_lt_16', [1, 5, B - 1].map((p) => pw(1, 5, 4, p))),
    one('p_eq_16', pw(1, 5, 4, B)),
    many('p_gt_16: the last block overlaps its predecessor', [B + 1, 31, 33, 49].map((p) => pw(1, 5, 4, p))),
    many('p_div_16', [2 * B, 4 * B].map((p) => pw(1, 5, 4, p))),
    one('m_lt_mr: one output channel', pw(1, 6, 1, 35)),
    one('m_eq_mr', pw(1, 6, e.mr, 35)),
    many('m_gt_mr: row tails', [3, 7, 13].map((co) => pw(1, 6, co, 35))),
    one('m_div_mr', pw(1, 6, 8, 35)),
    one('k_eq_1', pw(1, 1, 3, 40)),
    // the SIMD k loop runs 8 channels per trip over a packed panel and leaves after any of them
    many('k_lt_8', range(1, 7).map((cin) => pw(1, cin, 3, 33))),
    one('k_eq_8', pw(1, 8, 3, 33)),
    many('k_gt_8', [9, 10, 11, 12, 13, 14, 15, 17].map((cin) => pw(1, cin, 3, 33))),
    one('k_div_8', pw(1, 16, 3, 33)),
    one('k_large', pw(1, 130, 5, 48)),
    {
      name: 'k_eq_panel, k_gt_panel: up to the panel and past it (the plain loop takes over)',
      run: (k) => {
        const panel = k.h.ex.NCHW_PANEL_CHANNELS.value as number;
        pw(1, panel, 2, 20).test(k);
        pw(1, panel + 1, 3, 18).test(k);
      },
    },
    one('batch_gt_1, relu6', pw(3, 9, 11, 37).clamp(0, 6)),
    one('qmin_qmax', pw(2, 4, 6, 20).clamp(-0.1, 0.2)),
  ];
}

/** An im2col case on 3 channels, 3x3, output rows of `ow` columns. */
const im = (ow: number) => new NchwGemmTester().c(3).size(5, ow + 2).cout(5).kernel(3, 3);

/** An im2col case of c channels and a 1x2 kernel (K = 2c), padded on the left. */
const k1x2 = (c: number) => new NchwGemmTester().c(c).size(3, 20).cout(3).kernel(1, 2).pad(0, 1, 0, 0);

function im2col(_e: I): Case<I>[] {
  const t = () => new NchwGemmTester();
  return [
    many('ow_lt_16: rows narrower than a block', [1, 5, 15].map(im)),
    one('ow_eq_16', im(16)),
    many('ow_gt_16: the last block shifted to end at the row\'s end', [17, 31, 33, 50].map(im)),
    one('ow_div_16', im(32)),
    one('stride 2, padding on every side (MobileNet\'s first layer, small)',
      t().n(2).c(3).size(11, 75).cout(7).kernel(3, 3).stride(2).pad(1, 1, 1, 1).clamp(0, 6)),
    one('7x7 stride 2 pad 3, 37 output columns', t().c(3).size(9, 73).cout(4).kernel(7, 7).stride(2).pad(3, 3, 3, 3)),
    one('stride 3, dilation 2x3, asymmetric padding', t().c(2).size(12, 70).cout(3).kernel(2, 3).stride(1, 3).dilation(2, 3).pad(2, 4, 0, 1)),
    one('pad_gt_kernel: whole padding rows and blocks', t().c(1).size(2, 20).cout(2).kernel(2, 2).pad(3, 17, 3, 17)),
    // K = c * kH * kW = 2c: each exit of the 8-channel loop
    many('k_lt_8', [1, 2, 3].map(k1x2)),
    one('k_eq_8', k1x2(4)),
    many('k_gt_8', [5, 6, 7, 9, 10, 11, 13, 14, 15, 17].map(k1x2)),
    many('k_div_8', [8, 12, 16].map(k1x2)),
    one('k_gt_panel_blocks: rows of more blocks than the panel holds (K 300: 6 blocks per fill)',
      t().c(12).size(5, 120).cout(2).kernel(5, 5).pad(0, 2, 0, 2)),
  ];
}

describeKernels('gemm-nchw', pointwise);
describeKernels('im2col-nchw', im2col);
