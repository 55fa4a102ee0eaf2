/**
 * Build-wide constants: the ABI version and the register-tile sizes of each build. One source
 * builds three modules (scalar, simd, relaxed); the compile-time constants ASC_FEATURE_SIMD and
 * ASC_FEATURE_RELAXED_SIMD pick the path in plain `if`s, so no code is copied per build.
 */

/**
 * SIMD builds use the 2x16 igemm tile: per k step 8 multiply-adds for 2 A pointer bumps and one
 * B pointer, against 4 bumps for the 4x8 tile; relaxed_madd, bound by instruction issue, gains the
 * most from it (see docs/performance.md#the-2x16-tile).
 */
// @ts-ignore: decorator
@lazy const TILE_2X16: bool = ASC_FEATURE_SIMD;

/** Bumped whenever an export's signature or a packed layout changes. */
export const ABI = 16;

/** Rows of the gemm register tile (output pixels): 2 (2x16 SIMD, 2x4 scalar). */
export const MR: i32 = 2;

/** Columns of the gemm register tile (output channels): 16 with SIMD (2x16), 4 scalar (2x4). */
export const NR: i32 = TILE_2X16 ? 16 : 4;

/** Channels per depthwise block: one v128 (scalar builds keep the same packed layout). */
export const DW_CB = 4;

/** Bytes every buffer may be read past its end (one v128): memory allocations are padded by it. */
export const EXTRA_BYTES = 16;

/**
 * Input channels the NCHW pointwise kernel packs per block of 16 pixels (assembly/gemm/gemm-nchw.ts,
 * a 128 KiB panel, static in the single-threaded SIMD builds and per instance in the threaded ones,
 * see thread.ts); the runner sends no layer with more.
 */
export const NCHW_PANEL: i32 = 2048;
