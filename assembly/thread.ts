/**
 * Kernel scratch, one per instance. The non-threaded builds keep each scratch area in static
 * memory (memory.data), as before. The threaded builds (--enable threads, one imported shared
 * memory for every instance of a pool) cannot: every instance would write the same static bytes.
 * There each instance gets a block of THREAD_SCRATCH_BYTES from the host (set_thread_scratch;
 * the host owns all memory above heap_base) and the areas sit at fixed offsets in it. The base is
 * a wasm global, and globals are per instance, so no kernel signature changes.
 *
 *   block: | PANEL 128 KiB | TAIL 128 | BLOCK 64 | PTRS 160 | WINO 576 | OUTROW 64 | T 144 |
 */
import { NCHW_PANEL } from './params';

/** The NCHW pointwise / im2col panel (gemm/gemm-nchw.ts): NCHW_PANEL lines of 64 bytes. */
export const SCRATCH_PANEL: usize = 0;
/** Two rows of 16 outputs of a block wider than its row (gemm/gemm-nchw.ts). */
export const SCRATCH_TAIL: usize = SCRATCH_PANEL + <usize>NCHW_PANEL * 64;
/** One 4x4 block of weights while packGroups4 rotates it (conv/grouped.ts). */
export const SCRATCH_BLOCK: usize = SCRATCH_TAIL + 128;
/** A Winograd tile's 36 input pointers (conv/winograd.ts). */
export const SCRATCH_PTRS: usize = SCRATCH_BLOCK + 64;
/** 36 v128 of a Winograd tile's intermediate transform (conv/winograd.ts). */
export const SCRATCH_WINO: usize = SCRATCH_PTRS + 160;
/** One output row of a Winograd F(4x4) tile (conv/winograd.ts). */
export const SCRATCH_OUTROW: usize = SCRATCH_WINO + 576;
/** t = G g, 18 float64, of the F(4x4) weight transform (conv/winograd.ts). */
export const SCRATCH_T: usize = SCRATCH_OUTROW + 64;
/** Bytes of one instance's scratch block in the threaded builds; 0 in the others. */
export const SCRATCH_BYTES: usize = ASC_FEATURE_THREADS ? SCRATCH_T + 144 : 0;

/** This instance's scratch block (threaded builds). */
let scratchBase: usize = 0;

/**
 * Sets this instance's scratch block: SCRATCH_BYTES at `ptr`, 64-byte aligned, owned by the
 * host and used by no other instance. Threaded builds only; the others ignore it.
 */
export function setThreadScratch(ptr: usize): void {
  if (ASC_FEATURE_THREADS) scratchBase = ptr;
}

/**
 * A scratch area: `staticPtr` (its memory.data) in the non-threaded builds, this instance's
 * block plus `offset` in the threaded ones. Compile-time choice, inlined.
 */
// @ts-ignore: decorator
@inline
export function scratchArea(staticPtr: usize, offset: usize): usize {
  return ASC_FEATURE_THREADS ? scratchBase + offset : staticPtr;
}
