/**
 * Memory growth and exhaustion, on the wasm backends (the heap and memory.grow are theirs):
 *
 * - a call that grows wasm memory works, and layers and sequences created before the growth
 *   still give the reference result (fresh views on the new buffer);
 * - a request above 4 GiB and a refused memory.grow (WebAssembly.Memory.prototype.grow patched to
 *   throw RangeError) are OUT_OF_MEMORY; the next call works and bytesInUse is as before;
 * - a buffer size past 2^32 is OUT_OF_MEMORY or the right result, never a trap.
 *
 * The cases: memory-cases.ts; memory.test.ts checks memory under load.
 */
import { ConvError } from '../../src/index';
import { RefTensor, Rng, Tensor, expectTensorClose, randomTensor } from '../helpers/reference';
import { createLayer, initBackends, runOp, sc } from '../helpers/testers';
import { getBackend } from '../../src/backends/registry';
import { DATA, describeWasm, expectCode } from './memory-cases';

beforeAll(() => initBackends());

// ---------------------------------------------------------------------------------------------
// Growth and exhaustion (wasm backends: the heap and memory.grow are theirs)

/** The linear memory size of one backend (memory() sums every loaded module). */
const ownBytes = (backend: string): number => getBackend('test', backend as never).memory().wasmBytes;

/** Stride of the big pointwise calls: their inputs are big, their outputs 1/64 of that. */
const BIG_STRIDE = 8;

/**
 * A pointwise NHWC call (stride BIG_STRIDE) whose input alone is about `bytes` bytes. Its expected
 * result is the plain 4x2 matrix product per sampled pixel, in float64 (refPointwiseConv2d's
 * layout permutes over megabytes take seconds; this is the same sum).
 */
function bigPointwise(bytes: number, w: Tensor = randomTensor(new Rng(10), [4, 2])): { x: Tensor; w: Tensor; ref: RefTensor } {
  const c = 4;
  const side = Math.ceil(Math.sqrt(bytes / 4 / c));
  const x = { data: new Float32Array(side * side * c), shape: [1, side, side, c] };
  for (let i = 0; i < x.data.length; i++) x.data[i] = ((i * 7919) % 1999) / 1000 - 1;
  const o = Math.floor((side - 1) / BIG_STRIDE) + 1;
  const ref = new Float64Array(o * o * 2);
  for (let oy = 0; oy < o; oy++) {
    for (let ox = 0; ox < o; ox++) {
      const p = oy * BIG_STRIDE * side + ox * BIG_STRIDE;
      for (let k = 0; k < 2; k++) {
        let acc = 0;
        for (let ci = 0; ci < c; ci++) acc += x.data[p * c + ci] * w.data[ci * 2 + k];
        ref[(oy * o + ox) * 2 + k] = acc;
      }
    }
  }
  return { x, w, ref: { data: ref, shape: [1, o, o, 2] } };
}

describeWasm('%s: growth and exhaustion', (backend) => {
  test('a refused memory.grow is OUT_OF_MEMORY for functional calls, create, layers and sequences; all work again after', () => {
    const d = DATA[2];
    runOp(d.c, d.inp, backend);
    const layer = createLayer(d.c, d.inp, backend);
    const w4x2 = randomTensor(new Rng(1), [4, 2]);
    const pw = sc.createPointwiseConv2d(w4x2, { layout: 'NHWC', stride: BIG_STRIDE, backend } as never);
    const seq = sc.createSequence([sc.createPointwiseConv2d(randomTensor(new Rng(2), [4, 4]), { layout: 'NHWC', stride: BIG_STRIDE, backend } as never),
      sc.createPointwiseConv2d(w4x2, { layout: 'NHWC', backend } as never)] as never);
    layer.run(d.inp.x);
    const proto = WebAssembly.Memory.prototype as { grow: (pages: number) => number };
    const grow = proto.grow;
    const m0 = sc.memory();
    const own = ownBytes(backend);
    const big = bigPointwise(own + (1 << 20), w4x2);
    const bigW = randomTensor(new Rng(3), [1, Math.ceil(own / 4 / 9) + 1024, 3, 3]);
    let calls = 0;
    proto.grow = function refused(): number {
      calls++;
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded (refused by the test)');
    };
    try {
      expectCode(() => sc.pointwiseConv2d(big.x, w4x2, { layout: 'NHWC', stride: BIG_STRIDE, backend } as never), 'OUT_OF_MEMORY');
      expectCode(() => pw.run(big.x), 'OUT_OF_MEMORY');
      expectCode(() => seq.run(big.x), 'OUT_OF_MEMORY');
      expectCode(() => sc.createConv2d(bigW, { backend } as never), 'OUT_OF_MEMORY');
      expect(calls).toBeGreaterThan(0);
      expect(sc.memory().liveLayers).toBe(m0.liveLayers);
      // small calls still fit without growing
      expectTensorClose(layer.run(d.inp.x), d.ref, 'layer while growth is refused');
      expectTensorClose(runOp(d.c, d.inp, backend), d.ref, 'functional while growth is refused');
    } finally {
      proto.grow = grow;
    }
    expect(ownBytes(backend)).toBe(own);
    // a refused run may drop that layer's run buffers (they come back on its next run)
    expect(sc.memory().bytesInUse).toBeLessThanOrEqual(m0.bytesInUse);
    expectTensorClose(pw.run(big.x), big.ref, 'layer once growth is allowed again');
    expectTensorClose(layer.run(d.inp.x), d.ref, 'other layer after');
    seq.run(big.x);
    const m1 = sc.memory();
    pw.dispose();
    seq.dispose();
    layer.dispose();
    expect(sc.memory().liveLayers).toBe(m1.liveLayers - 4);
  });

  test('a run that grows wasm memory works; layers and a sequence made before it still give the reference', () => {
    const layers = DATA.slice(0, 5).map((d) => createLayer(d.c, d.inp, backend));
    const rng = new Rng(12);
    const sx = randomTensor(rng, [1, 3, 6, 6]);
    const seq = sc.createSequence([sc.createConv2d(randomTensor(rng, [4, 3, 2, 2]), { backend } as never),
      sc.createDepthwiseConv2d(randomTensor(rng, [8, 1, 3, 3]), { padding: 1, backend } as never)] as never);
    const big = bigPointwise(ownBytes(backend) + (1 << 20));
    const l0 = sc.createPointwiseConv2d(big.w, { layout: 'NHWC', stride: BIG_STRIDE, backend } as never);
    try {
      layers.forEach((l, i) => expectTensorClose(l.run(DATA[i].inp.x), DATA[i].ref, `${DATA[i].c.name} before`));
      const seqBefore = seq.run(sx);
      const w0 = ownBytes(backend);
      // the layer's own run grows the memory (its buffers and the output view come after)
      expectTensorClose(l0.run(big.x), big.ref, 'the run that grows the memory');
      expect(ownBytes(backend)).toBeGreaterThan(w0);
      layers.forEach((l, i) => expectTensorClose(l.run(DATA[i].inp.x), DATA[i].ref, `${DATA[i].c.name} after growth`));
      expectTensorClose(seq.run(sx), { data: Float64Array.from(seqBefore.data), shape: seqBefore.shape }, 'sequence after growth');
      expectTensorClose(sc.pointwiseConv2d(big.x, big.w, { layout: 'NHWC', stride: BIG_STRIDE, backend } as never), big.ref, 'functional big call');
    } finally {
      for (const l of layers) l.dispose();
      l0.dispose();
      seq.dispose();
    }
  });

  test('a request above 4 GiB is OUT_OF_MEMORY, without growing; the next call works with the same bytesInUse', () => {
    const d = DATA[0];
    runOp(d.c, d.inp, backend);
    const m0 = sc.memory();
    // transposed 16x16 on 2048x2048, cropped to 1x1: its column buffer is 4M pixels x 256 taps x 4 B = 4 GiB
    const x = { data: new Float32Array(2048 * 2048).fill(0.5), shape: [1, 1, 2048, 2048] };
    const w = { data: new Float32Array(256).fill(1), shape: [1, 1, 16, 16] };
    const opts = { padding: [1031, 1031, 1031, 1031] };
    expect(sc.convTranspose2dShape(x.shape, w.shape, opts as never)).toEqual([1, 1, 1, 1]);
    expectCode(() => sc.convTranspose2d(x, w, { ...opts, backend } as never), 'OUT_OF_MEMORY');
    expect(sc.memory().bytesInUse).toBe(m0.bytesInUse);
    expectTensorClose(runOp(d.c, d.inp, backend), d.ref, 'after OUT_OF_MEMORY');
    const l = sc.createConvTranspose2d(w, { ...opts, backend } as never);
    expectCode(() => l.run(x), 'OUT_OF_MEMORY');
    expectCode(() => l.run(x), 'OUT_OF_MEMORY');
    l.dispose();
    expect(sc.memory().bytesInUse).toBe(m0.bytesInUse);
    expect(sc.memory().liveLayers).toBe(m0.liveLayers);
    expect(ownBytes(backend)).toBeLessThan(2 ** 30);
  });
});

// ---------------------------------------------------------------------------------------------
// Last: a buffer size past 2^32 (before d32a5bd it wrapped in i32, the kernel overran the block,
// trapped and overwrote a live layer's packed weights; last so that a regression hurts no other test)

describeWasm('%s: 32-bit overflow of a buffer size', (backend) => {
  test('conv2d whose indirection buffer needs 2^32 entries (16 GiB): OUT_OF_MEMORY or the right result, never a trap; no live layer corrupted', () => {
    const d = DATA[0];
    // a hole below the live layer's blocks, where a small (wrapped) indirection buffer would go
    const hole = sc.createConv2d({ data: new Float32Array(64 * 64 * 9), shape: [64, 64, 3, 3] }, { backend } as never);
    const l = createLayer(d.c, d.inp, backend);
    hole.dispose();
    try {
      expectTensorClose(l.run(d.inp.x), d.ref, 'before');
      const m0 = sc.memory();
      // 2048x2048 output (16 MB) from a 1x1 input and a 1024x1 kernel (kW = 1: not the row-merged
      // path): 2^22 pixels x 2^10 taps
      const x = { data: new Float32Array([1]), shape: [1, 1, 1, 1] };
      const w = { data: new Float32Array(1024).fill(1), shape: [1, 1, 1024, 1] };
      const padding = [1535, 1023, 1535, 1024];
      expect(sc.conv2dShape(x.shape, w.shape, { padding } as never)).toEqual([1, 1, 2048, 2048]);
      let err: unknown;
      let y: Tensor | undefined;
      try {
        y = sc.conv2d(x, w, { padding, backend } as never);
      } catch (e) {
        err = e;
      }
      // the live layer first: a trap must not have overwritten its packed weights
      const problems: string[] = [];
      try {
        expectTensorClose(l.run(d.inp.x), d.ref, 'a live layer after the call');
      } catch (e) {
        problems.push(String(e));
      }
      if (y === undefined) {
        if (!(err instanceof ConvError)) problems.push(`the call threw ${String(err)}`);
        else if (err.code !== 'OUT_OF_MEMORY') problems.push(`the call threw ConvError ${err.code}`);
      } else {
        // ones where the 1024x1 window covers the input pixel: rows 512..1535 of column 1023
        let bad = 0;
        for (let r = 0; r < 2048; r++) {
          for (let c = 0; c < 2048; c++) {
            const want = r >= 512 && r <= 1535 && c === 1023 ? 1 : 0;
            if (y.data[r * 2048 + c] !== want) bad++;
          }
        }
        if (bad) problems.push(`${bad} wrong output elements`);
      }
      if (sc.memory().bytesInUse !== m0.bytesInUse) problems.push(`bytesInUse ${m0.bytesInUse} -> ${sc.memory().bytesInUse}`);
      if (problems.length) throw new Error(problems.join('\n'));
    } finally {
      l.dispose();
    }
  });
});
