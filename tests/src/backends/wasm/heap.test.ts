/**
 * The wasm heap (src/backends/wasm/heap.ts): alignment and padding, first fit, coalescing with
 * both neighbours, growth through memory.grow (views follow the new buffer), and OUT_OF_MEMORY
 * (ConvError, never a trap) above the cap or when growth is refused.
 */
import { Heap, ALIGN, OVERREAD, MAX_MEMORY_BYTES } from '../../../../src/backends/wasm/heap';
import { ConvError } from '../../../../src/errors';
import { mulberry32 } from '../../../../bench/rng.cjs';

const PAGE = 65536;

describe('Heap', () => {
  test('allocations are 64-byte aligned, padded by the over-read allowance, and counted', () => {
    const mem = new WebAssembly.Memory({ initial: 1 });
    const heap = new Heap(mem, 100);
    const a = heap.alloc(1);
    const b = heap.alloc(48);
    expect(new Heap(new WebAssembly.Memory({ initial: 1 }), 0).alloc(1)).toBe(ALIGN); // never 0
    const c = heap.alloc(0);
    for (const p of [a, b, c]) expect(p % ALIGN).toBe(0);
    expect(a).toBeGreaterThanOrEqual(100);
    expect(heap.sizeOf(b)).toBeGreaterThanOrEqual(48 + OVERREAD);
    expect(b - a).toBeGreaterThanOrEqual(1 + OVERREAD);
    expect(heap.bytesInUse).toBe(heap.sizeOf(a) + heap.sizeOf(b) + heap.sizeOf(c));
    heap.free(a);
    heap.free(b);
    heap.free(c);
    expect(heap.bytesInUse).toBe(0);
    expect(heap.liveBlocks).toBe(0);
  });

  test('freed blocks are reused and coalesce with both neighbours', () => {
    const mem = new WebAssembly.Memory({ initial: 1 });
    const heap = new Heap(mem, 0);
    const a = heap.alloc(100), b = heap.alloc(100), c = heap.alloc(100), d = heap.alloc(100);
    heap.free(b);
    expect(heap.alloc(100)).toBe(b); // first fit
    heap.free(b);
    heap.free(a); // merges with b
    heap.free(c); // merges a|b with c
    const big = heap.alloc(3 * 100 + 2 * (heap.sizeOf(d) - 100));
    expect(big).toBe(a);
    heap.free(big);
    heap.free(d);
    // everything coalesced back: one block can take the whole page
    const all = heap.alloc(PAGE - ALIGN - OVERREAD);
    expect(all).toBe(ALIGN); // address 0 is never handed out
    expect(mem.buffer.byteLength).toBe(PAGE);
    heap.free(all);
  });

  test('grows the memory when nothing fits; views follow the new buffer', () => {
    const mem = new WebAssembly.Memory({ initial: 1 });
    const heap = new Heap(mem, 0);
    const a = heap.alloc(1000);
    heap.write(a, new Float32Array([1, 2, 3]));
    const oldBuffer = mem.buffer;
    const big = heap.alloc(3 * PAGE);
    expect(mem.buffer).not.toBe(oldBuffer);
    expect(mem.buffer.byteLength).toBeGreaterThanOrEqual(4 * PAGE);
    expect(Array.from(heap.view(a, 3))).toEqual([1, 2, 3]);
    heap.write(big + 3 * PAGE - 4, new Float32Array([9]));
    expect(heap.f32()[(big + 3 * PAGE - 4) / 4]).toBe(9);
    heap.free(a);
    heap.free(big);
    // the grown tail merged with the rest: no further growth for the same size
    const len = mem.buffer.byteLength;
    heap.free(heap.alloc(3 * PAGE));
    expect(mem.buffer.byteLength).toBe(len);
  });

  test('growth extends a free block that ends at the memory end', () => {
    const mem = new WebAssembly.Memory({ initial: 1 });
    const heap = new Heap(mem, 0);
    const a = heap.alloc(PAGE / 2);
    const b = heap.alloc(PAGE); // needs growth; uses the free tail after a
    expect(b).toBe(a + heap.sizeOf(a));
    expect(mem.buffer.byteLength).toBe(2 * PAGE);
    heap.free(a);
    heap.free(b);
  });

  test('OUT_OF_MEMORY above 4 GiB, without growing', () => {
    const mem = new WebAssembly.Memory({ initial: 1 });
    const heap = new Heap(mem, 0);
    let err: unknown;
    try {
      heap.alloc(MAX_MEMORY_BYTES);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConvError);
    expect((err as ConvError).code).toBe('OUT_OF_MEMORY');
    expect(mem.buffer.byteLength).toBe(PAGE);
    expect(heap.bytesInUse).toBe(0);
  });

  test('OUT_OF_MEMORY when memory.grow is refused (a maximum), and the heap still works after', () => {
    const mem = new WebAssembly.Memory({ initial: 1, maximum: 2 });
    const heap = new Heap(mem, 0);
    const a = heap.alloc(PAGE);
    expect(() => heap.alloc(2 * PAGE)).toThrow(expect.objectContaining({ code: 'OUT_OF_MEMORY' }));
    const b = heap.alloc(100);
    expect(b).toBeGreaterThan(a);
    heap.free(a);
    heap.free(b);
    expect(heap.bytesInUse).toBe(0);
  });

  test('OUT_OF_MEMORY past a lowered cap; bad sizes', () => {
    const mem = new WebAssembly.Memory({ initial: 1 });
    const heap = new Heap(mem, 0, 4 * PAGE);
    expect(() => heap.alloc(5 * PAGE)).toThrow(ConvError);
    expect(() => heap.alloc(NaN)).toThrow(ConvError);
    expect(() => heap.alloc(-1)).toThrow(ConvError);
    expect(() => heap.free(12345)).toThrow();
    heap.free(0);
  });

  test('many random alloc/free cycles keep blocks disjoint and bytesInUse exact', () => {
    const mem = new WebAssembly.Memory({ initial: 1 });
    const heap = new Heap(mem, 0);
    const rand = mulberry32(42);
    const live = new Map<number, number>();
    for (let i = 0; i < 2000; i++) {
      if (live.size > 0 && rand() < 0.45) {
        const keys = [...live.keys()];
        const p = keys[Math.floor(rand() * keys.length)];
        heap.free(p);
        live.delete(p);
      } else {
        const n = Math.floor(rand() * 5000);
        const p = heap.alloc(n);
        live.set(p, heap.sizeOf(p));
      }
    }
    const spans = [...live.entries()].sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][0] + spans[i - 1][1]);
    expect(heap.bytesInUse).toBe(spans.reduce((s, x) => s + x[1], 0));
    for (const p of live.keys()) heap.free(p);
    expect(heap.bytesInUse).toBe(0);
  });
});

describe('Heap over a shared memory (the threaded builds)', () => {
  const shared = (initial: number, maximum: number): WebAssembly.Memory =>
    new WebAssembly.Memory({ initial, maximum, shared: true } as WebAssembly.MemoryDescriptor);

  test('growth keeps the buffer attached and the heap re-reads memory.buffer for the new length', () => {
    const mem = shared(1, 64);
    const heap = new Heap(mem, 0, 64 * PAGE);
    const a = heap.alloc(1000);
    heap.write(a, new Float32Array([1, 2, 3]));
    const oldBuffer = mem.buffer;
    const oldView = heap.f32();
    expect(heap.f32()).toBe(oldView); // no growth: the same views
    const big = heap.alloc(3 * PAGE);
    expect(oldBuffer.byteLength).toBe(PAGE); // a shared buffer is not detached; it keeps its length
    expect(mem.buffer.byteLength).toBeGreaterThanOrEqual(4 * PAGE);
    expect(heap.f32().length).toBe(mem.buffer.byteLength / 4);
    expect(Array.from(heap.view(a, 3))).toEqual([1, 2, 3]);
    heap.write(big + 3 * PAGE - 4, new Float32Array([9]));
    expect(heap.f32()[(big + 3 * PAGE - 4) / 4]).toBe(9);
    // the old view still sees the same memory below its length
    expect(oldView[a / 4 + 1]).toBe(2);
    heap.free(a);
    heap.free(big);
    expect(heap.bytesInUse).toBe(0);
  });

  test('OUT_OF_MEMORY at the shared maximum, and the heap still works after', () => {
    const mem = shared(1, 4);
    const heap = new Heap(mem, 0, 4 * PAGE);
    const a = heap.alloc(2 * PAGE);
    let err: unknown;
    try {
      heap.alloc(3 * PAGE);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConvError);
    expect((err as ConvError).code).toBe('OUT_OF_MEMORY');
    heap.free(a);
    heap.free(heap.alloc(3 * PAGE));
    expect(heap.bytesInUse).toBe(0);
  });
});
