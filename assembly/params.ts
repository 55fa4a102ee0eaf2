/**
 * Build-wide constants: the ABI version and the register-tile sizes of each build. One source
 * builds three modules (scalar, simd, relaxed); the compile-time constants ASC_FEATURE_SIMD and
 * ASC_FEATURE_RELAXED_SIMD pick the path in plain `if`s, so no code is copied per build.
 */

/** Bumped whenever an export's signature or a packed layout changes. */
export const ABI = 1;

/** Rows of the gemm register tile (output pixels): 4 in every build. */
export const MR = 4;

/** Columns of the gemm register tile (output channels): 8 with SIMD (two v128), 4 scalar. */
export const NR: i32 = ASC_FEATURE_SIMD ? 8 : 4;

/** Channels per depthwise block: one v128 (scalar builds keep the same packed layout). */
export const DW_CB = 4;

/** Bytes every buffer may be read past its end (one v128): memory allocations are padded by it. */
export const EXTRA_BYTES = 16;
