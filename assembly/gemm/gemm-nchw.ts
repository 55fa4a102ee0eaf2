/**
 * Convolution straight on NCHW data, no boundary transposes: gemms whose B rows are 16 pixels of
 * an input plane (or of an im2col line) and whose C rows come out as 16 pixels of an output plane.
 *
 * pointwiseNchw: a lone 1x1, stride 1, unpadded, ungrouped layer on NCHW input, or every
 * pointwise stage of an all-NCHW chain: per image Y[cout][P] = clamp(bias + W[cout][cin] x
 * X[cin][P]), P = h*w. Per block of 16 pixels, the block's cin rows of 16 pixels are first copied
 * into PANEL, one 64-byte line per channel, then every pair of output channels runs the
 * micro-kernel over that panel. Read in place, the rows sit one plane apart: planes of 12544 or
 * 3136 pixels put the 32..128 lines of a block into 4..16 of the 64 sets of the 8-way L1 cache,
 * which then evicts them between output channels.
 *
 * convNchw: a one-group convolution with few weights per output channel (RGB and grayscale first
 * layers) as the same gemm over im2col lines: per 16 output pixels of an output row, PANEL gets
 * the c*kH*kW lines of the block (packIm2colRow), so the k loop runs all of them at once.
 *
 * Micro-kernel f32_gemm_nchw_minmax_2x16: 2 output channels x 16 pixels, 8 accumulators,
 * 4 B vectors (16 pixels of one channel), 2 weight broadcasts = 14 registers, the 2x16 igemm's
 * tile with the bias per row. Its k loop takes eight channels per trip at constant offsets
 * (written out, as in igemm.ts: load offsets must be literals), each
 * followed by a real exit test: with four, V8 unrolled the loop twice and left jumps across
 * 32-byte boundaries (see the igemm 2x16 loop in igemm.ts and tools/loop-report.mjs); with
 * eight it does not unroll, and in pointwiseNchw no jump crosses one. In gemmPanel (convNchw)
 * two of the exit tests do in every variant tried, which is why pointwiseNchw keeps its own copy
 * of the loop (see docs/performance.md#nchw-pointwise-k-loop).
 *
 * The packed panel is what makes the kernel pay off on large planes and many channels
 * (see docs/performance.md#nchw-pointwise-panel). Weights stored pre-broadcast, or broadcast by
 * shuffles, were slower (see docs/performance.md#nchw-pointwise-weights-not-kept).
 *
 *   w (wRow bytes per output channel): [co][ci]        x: [ci][P]        y: [co][P]
 *
 * Every block is 16 whole pixels of a plane: when P is not a multiple of 16 the last block starts
 * at P - 16 and overlaps its predecessor (those pixels get the same values twice), so nothing is
 * read past a plane and no pixel runs a scalar loop, where such planes spent a large part of
 * their time (see docs/performance.md#overlapping-last-block). Planes under 16 pixels and the scalar build
 * run the plain loop.
 */
export { pointwiseNchw, pointwiseNchwAt } from './f32-gemm-nchw-2x16';
export { convNchw, convNchwRows } from './im2col-nchw';
