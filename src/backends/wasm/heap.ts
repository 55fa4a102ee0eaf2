/**
 * The host-side allocator of a wasm module's linear memory. Kernels allocate nothing: every
 * buffer they touch (packed weights, indirection and column buffers, activations) comes from here.
 *
 * - Blocks are 64-byte aligned (a cache line; v128 loads never straddle one needlessly) and padded
 *   by at least OVERREAD bytes, so kernels may read 16 bytes past the end of any buffer.
 * - Free blocks live in an address-ordered list and coalesce with both neighbours on release.
 * - When no free block fits, the memory grows (`memory.grow` from JS) by just enough pages; a
 *   refused growth, or a total above 4 GiB (wasm32's limit), throws ConvError('OUT_OF_MEMORY')
 *   instead of trapping.
 * - Views: `f32()` / `u32()` return views on the current `memory.buffer`, rebuilt whenever the
 *   buffer changed identity (after growth). Callers must not keep them across calls that may
 *   allocate. A shared memory (the threaded builds) works the same: growth does not detach its
 *   old buffer, but only a new `memory.buffer` object has the new length.
 */
import { ConvError } from '../../errors.js';

/** Alignment of every block, in bytes. */
export const ALIGN = 64;
/** Bytes every block extends past what was asked for (kernels' over-read allowance). */
export const OVERREAD = 16;
const PAGE = 65536;
/** wasm32 addresses 4 GiB at most. */
export const MAX_MEMORY_BYTES = 65536 * PAGE;

interface Span {
  ptr: number;
  size: number;
}

export class Heap {
  readonly memory: WebAssembly.Memory;
  private readonly freeList: Span[] = [];
  private readonly used = new Map<number, number>();
  private inUse = 0;
  private viewBuffer: ArrayBuffer | SharedArrayBuffer | undefined;
  private f32View: Float32Array | undefined;
  private u32View: Uint32Array | undefined;
  private readonly limit: number;

  /**
   * @param memory   the module's linear memory
   * @param base     first byte the heap may use (the module's heap_base)
   * @param maxBytes cap on the memory size (defaults to 4 GiB; tests lower it)
   */
  constructor(memory: WebAssembly.Memory, base: number, maxBytes = MAX_MEMORY_BYTES) {
    this.memory = memory;
    this.limit = Math.min(maxBytes, MAX_MEMORY_BYTES);
    // address 0 stays out of the heap so that 0 can mean 'no block'
    const start = Math.max(alignUp(base, ALIGN), ALIGN);
    const end = memory.buffer.byteLength;
    if (end > start) this.freeList.push({ ptr: start, size: end - start });
    else this.heapEnd = start;
    if (end > start) this.heapEnd = end;
  }

  /** Where the heap's managed range currently ends (the memory's size, or past it before growth). */
  private heapEnd = 0;

  /** Bytes held by live allocations (padded sizes). */
  get bytesInUse(): number {
    return this.inUse;
  }

  /** Number of live allocations. */
  get liveBlocks(): number {
    return this.used.size;
  }

  /** Size in bytes of the block at `ptr` (0 if none). */
  sizeOf(ptr: number): number {
    return this.used.get(ptr) ?? 0;
  }

  /**
   * Allocates `bytes` (>= 0) bytes, 64-byte aligned, with at least 16 readable bytes past the end.
   * The contents are unspecified (use `zero` when needed).
   * @throws ConvError OUT_OF_MEMORY when the memory cannot grow enough
   */
  alloc(bytes: number): number {
    if (!(bytes >= 0) || !Number.isFinite(bytes)) {
      throw new ConvError('OUT_OF_MEMORY', `wasm heap: cannot allocate ${bytes} bytes`);
    }
    const size = alignUp(bytes + OVERREAD, ALIGN);
    if (size > this.limit) {
      throw new ConvError('OUT_OF_MEMORY', `wasm heap: ${bytes} bytes exceed the ${this.limit} bytes wasm memory can hold`);
    }
    let i = this.findFit(size);
    if (i < 0) {
      this.grow(size);
      i = this.findFit(size);
      if (i < 0) throw new ConvError('OUT_OF_MEMORY', `wasm heap: no block of ${size} bytes after growing`);
    }
    const span = this.freeList[i];
    const ptr = span.ptr;
    if (span.size === size) this.freeList.splice(i, 1);
    else {
      span.ptr += size;
      span.size -= size;
    }
    this.used.set(ptr, size);
    this.inUse += size;
    return ptr;
  }

  /** Releases a block from `alloc`; 0 is ignored. @throws Error on an unknown pointer (a bug). */
  free(ptr: number): void {
    if (ptr === 0) return;
    const size = this.used.get(ptr);
    if (size === undefined) throw new Error(`wasm heap: free of unknown pointer ${ptr}`);
    this.used.delete(ptr);
    this.inUse -= size;
    this.insertFree(ptr, size);
  }

  /** Fills `bytes` bytes at `ptr` with zeros. */
  zero(ptr: number, bytes: number): void {
    new Uint8Array(this.memory.buffer, ptr, bytes).fill(0);
  }

  /** A Float32Array over the whole memory, current after any growth. Do not keep it. */
  f32(): Float32Array {
    this.refresh();
    return this.f32View!;
  }

  /** A Uint32Array over the whole memory, current after any growth. Do not keep it. */
  u32(): Uint32Array {
    this.refresh();
    return this.u32View!;
  }

  /** Copies `src` into wasm memory at byte address `ptr`. */
  write(ptr: number, src: Float32Array): void {
    this.f32().set(src, ptr >>> 2);
  }

  /** A view of `length` floats at byte address `ptr` (valid until the next allocation). */
  view(ptr: number, length: number): Float32Array {
    return this.f32().subarray(ptr >>> 2, (ptr >>> 2) + length);
  }

  private refresh(): void {
    const buf = this.memory.buffer;
    if (buf !== this.viewBuffer) {
      this.viewBuffer = buf;
      this.f32View = new Float32Array(buf);
      this.u32View = new Uint32Array(buf);
    }
  }

  private findFit(size: number): number {
    const list = this.freeList;
    for (let i = 0; i < list.length; i++) if (list[i].size >= size) return i;
    return -1;
  }

  private insertFree(ptr: number, size: number): void {
    const list = this.freeList;
    // binary search for the first span after ptr
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].ptr < ptr) lo = mid + 1;
      else hi = mid;
    }
    const prev = lo > 0 ? list[lo - 1] : undefined;
    const next = lo < list.length ? list[lo] : undefined;
    if (prev !== undefined && prev.ptr + prev.size === ptr) {
      prev.size += size;
      if (next !== undefined && prev.ptr + prev.size === next.ptr) {
        prev.size += next.size;
        list.splice(lo, 1);
      }
    } else if (next !== undefined && ptr + size === next.ptr) {
      next.ptr = ptr;
      next.size += size;
    } else {
      list.splice(lo, 0, { ptr, size });
    }
  }

  /** Grows the memory so that a block of `size` bytes fits at the end. */
  private grow(size: number): void {
    const end = this.memory.buffer.byteLength;
    const last = this.freeList.length > 0 ? this.freeList[this.freeList.length - 1] : undefined;
    const tailFree = last !== undefined && last.ptr + last.size === end ? last.size : 0;
    const start = Math.max(end, this.heapEnd);
    const need = size - tailFree + (start - end);
    const pages = Math.ceil(need / PAGE);
    const newBytes = end + pages * PAGE;
    if (newBytes > this.limit) {
      throw new ConvError('OUT_OF_MEMORY',
        `wasm heap: ${size} more bytes would take the memory to ${newBytes} bytes, above the ${this.limit} bytes limit`);
    }
    try {
      this.memory.grow(pages);
    } catch (e) {
      throw new ConvError('OUT_OF_MEMORY', `wasm heap: growing the memory by ${pages} pages was refused (${String(e)})`);
    }
    const newEnd = this.memory.buffer.byteLength;
    if (start < newEnd) this.insertFree(start, newEnd - start);
    this.heapEnd = newEnd;
  }
}

function alignUp(v: number, a: number): number {
  return Math.ceil(v / a) * a;
}
