/**
 * stream() (API.md, "Streaming 1-D convolution"): random stacks of conv1d and convTranspose1d
 * layers (1-4 layers, strides, dilations, groups, every padding form and mode that streams,
 * activations, bias) cut into random chunks (0, 1, k-1, k, large) on every backend, in both
 * layouts and batches above 1, equal run() on the whole signal; reset and end make the stream
 * reusable; `out`; every error, after which the stream goes on as if it had not happened.
 *
 * Mirroring src/ops/stream/: stream/stage.test.ts (lookahead), stream/store.test.ts (the state
 * bound: the bytes a stream holds do not grow with the pushes); the stacks and chunks:
 * stream/stream-helpers.ts.
 */
import { compare, randomArray, Rng, seedOf } from '../../helpers/reference';
import { BACKENDS, errorCode, initBackends, sc } from '../../helpers/testers';
import {
  Layout, LayerDesc, Streamable, T3, build, concatTime, expectSame, pick, randomCuts, randomStack, runOrCode, sliceTime, streamed,
} from './stream/stream-helpers';

beforeAll(() => initBackends());

describe.each(BACKENDS)('%s', (backend) => {
  test('random stacks, random chunks: the concatenation equals run()', () => {
    // STREAM_STACKS=2000 for a longer fuzz by hand
    const STACKS = Number(process.env.STREAM_STACKS) || (backend === 'js' ? 40 : 60);
    let compared = 0;
    for (let i = 0; i < STACKS; i++) {
      const rng = new Rng(seedOf(`stream/${backend}/${i}`));
      const descs = randomStack(rng);
      const layout: Layout = rng.next() < 0.5 ? 'NCW' : 'NWC';
      const n = pick(rng, [1, 1, 2, 3]);
      const net = build(rng, descs, layout, backend);
      const ctx = `stack ${i} ${layout} n${n}: ${descs.map((d) => `${d.op}(${d.cin}->${d.cout} k${d.k} ${JSON.stringify(d.opts, (key, v) => (key === 'bias' ? undefined : v))})`).join(', ')}`;
      try {
        const s = net.stream();
        // a signal run() refuses: end() throws the same, and the stream keeps the signal
        const short = rng.int(1, 3);
        const xs = { data: randomArray(rng, n * descs[0].cin * short), shape: layout === 'NCW' ? [n, descs[0].cin, short] : [n, short, descs[0].cin] };
        const ref = runOrCode(net, xs);
        if (typeof ref === 'string') {
          s.push(xs);
          expect(errorCode(() => s.end())).toBe(ref);
          s.reset();
        }
        const t = pick(rng, [rng.int(4, 40), rng.int(40, 200)]);
        const x = { data: randomArray(rng, n * descs[0].cin * t), shape: layout === 'NCW' ? [n, descs[0].cin, t] : [n, t, descs[0].cin] };
        const want = runOrCode(net, x);
        if (typeof want === 'string') {
          for (const c of randomCuts(rng, t, descs[0].k)) s.push(sliceTime(x, 0, c, layout));
          expect(errorCode(() => s.end())).toBe(want);
          s.dispose();
          continue;
        }
        compared++;
        for (let r = 0; r < 3; r++) {
          const cuts = r === 0 ? [t] : randomCuts(rng, t, descs[0].k);
          try {
            expectSame(streamed(s, x, cuts, layout, rng, descs[descs.length - 1].cout), want, `cuts ${cuts.join(',')}`);
          } catch (e) {
            throw new Error(`${ctx}: ${(e as Error).message}`);
          }
        }
        s.dispose();
      } finally {
        net.dispose();
      }
    }
    // most stacks take their signal (the others check that end() throws what run() does)
    expect(compared).toBeGreaterThan(STACKS * 0.6);
  });

  test('reset forgets the signal; end makes the stream reusable; a new batch after either', () => {
    const rng = new Rng(seedOf(`reset/${backend}`));
    const descs: LayerDesc[] = [
      { op: 'conv1d', cin: 3, cout: 8, k: 3, opts: { padding: 'same', paddingMode: 'reflect', bias: randomArray(rng, 8) } },
      { op: 'convTranspose1d', cin: 8, cout: 4, k: 4, opts: { stride: 2, padding: 1, activation: 'relu' } },
      { op: 'conv1d', cin: 4, cout: 5, k: 5, opts: { stride: 2, dilation: 2, padding: 'causal', paddingMode: 'replicate' } },
    ];
    for (const layout of ['NCW', 'NWC'] as Layout[]) {
      const net = build(rng, descs, layout, backend);
      const s = net.stream();
      for (const n of [2, 1, 3]) {
        const x = { data: randomArray(rng, n * 3 * 37), shape: layout === 'NCW' ? [n, 3, 37] : [n, 37, 3] };
        const want = net.run(x);
        s.push(sliceTime(x, 0, 11, layout));
        s.push(sliceTime(x, 11, 5, layout));
        s.reset();
        const first = streamed(s, x, [4, 0, 9, 1, 23], layout);
        expectSame(first, want, `${layout} n${n} after reset`);
        const second = streamed(s, x, [37], layout);
        expectSame(second, want, `${layout} n${n} after end`);
        expect(compare(second.data, first.data)).toBeNull();
      }
      s.dispose();
      net.dispose();
    }
  });

  test('out: the data returned is out; a wrong out is BAD_OUT and changes nothing', () => {
    const rng = new Rng(seedOf(`out/${backend}`));
    const net = build(rng, [{ op: 'conv1d', cin: 3, cout: 4, k: 3, opts: { padding: 'same' } }], 'NCW', backend);
    const s = net.stream();
    const x = { data: randomArray(rng, 2 * 3 * 20), shape: [2, 3, 20] };
    const want = net.run(x);
    const parts: T3[] = [];
    const out1 = new Float32Array(2 * 4 * s.outputSteps(12));
    expect(errorCode(() => s.push(sliceTime(x, 0, 12, 'NCW'), { out: new Float32Array(out1.length + 1) }))).toBe('BAD_OUT');
    expect(errorCode(() => s.push(sliceTime(x, 0, 12, 'NCW'), { out: new Float64Array(out1.length) as never }))).toBe('BAD_OUT');
    const y1 = s.push(sliceTime(x, 0, 12, 'NCW'), { out: out1 });
    expect(y1.data).toBe(out1);
    parts.push(y1);
    parts.push(s.push(sliceTime(x, 12, 8, 'NCW')));
    expect(errorCode(() => s.end({ out: new Float32Array(3) }))).toBe('BAD_OUT');
    const outEnd = new Float32Array(2 * 4 * 1);
    const yEnd = s.end({ out: outEnd });
    expect(yEnd.data).toBe(outEnd);
    parts.push(yEnd);
    expectSame(concatTime(parts, 'NCW'), want, 'with out');
    s.dispose();
    net.dispose();
  });

  test('refused chunks: each error its code, and the stream goes on as if it had not been pushed', () => {
    const rng = new Rng(seedOf(`errors/${backend}`));
    for (const layout of ['NCW', 'NWC'] as Layout[]) {
      const descs: LayerDesc[] = [
        { op: 'conv1d', cin: 3, cout: 6, k: 3, opts: { padding: [2, 1], paddingMode: 'reflect', stride: 2 } },
        { op: 'convTranspose1d', cin: 6, cout: 2, k: 3, opts: { stride: 2, outputPadding: 1 } },
      ];
      const net = build(rng, descs, layout, backend);
      const s = net.stream();
      const x = { data: randomArray(rng, 2 * 3 * 30), shape: layout === 'NCW' ? [2, 3, 30] : [2, 30, 3] };
      const want = net.run(x);
      const ncw = layout === 'NCW';
      const parts: T3[] = [];
      let at = 0;
      const good = (c: number): void => {
        parts.push(s.push(sliceTime(x, at, c, layout)));
        at += c;
      };
      expect(errorCode(() => s.end())).toBe('BAD_TENSOR'); // nothing pushed: run() refuses a time axis of 0
      good(2);
      const chunk = sliceTime(x, at, 3, layout);
      const wrongC = { data: new Float32Array(2 * 4 * 3), shape: ncw ? [2, 4, 3] : [2, 3, 4] };
      expect(errorCode(() => s.push(wrongC))).toBe('CHANNEL_MISMATCH');
      const wrongN = { data: new Float32Array(1 * 3 * 3), shape: ncw ? [1, 3, 3] : [1, 3, 3] };
      expect(errorCode(() => s.push(wrongN))).toBe('SHAPE_MISMATCH');
      expect(errorCode(() => s.push({ data: chunk.data, shape: [2, 3, 3, 1] }))).toBe('BAD_RANK');
      expect(errorCode(() => s.push({ data: chunk.data, shape: [18] }))).toBe('BAD_RANK');
      expect(errorCode(() => s.push({ data: chunk.data.subarray(1), shape: chunk.shape }))).toBe('SHAPE_MISMATCH');
      expect(errorCode(() => s.push({ data: chunk.data, shape: ncw ? [2, 3, -3] : [2, -3, 3] }))).toBe('BAD_TENSOR');
      expect(errorCode(() => s.push({ data: chunk.data, shape: ncw ? [2, 3, 1.5] : [2, 1.5, 3] }))).toBe('BAD_TENSOR');
      expect(errorCode(() => s.push({ data: Array.from(chunk.data), shape: chunk.shape } as never))).toBe('BAD_TENSOR');
      expect(errorCode(() => s.push(null as never))).toBe('BAD_TENSOR');
      expect(errorCode(() => s.push(chunk, 5 as never))).toBe('BAD_OPTION');
      expect(errorCode(() => s.outputSteps(-1))).toBe('BAD_OPTION');
      expect(errorCode(() => s.outputSteps(1.5))).toBe('BAD_OPTION');
      expect(errorCode(() => s.outputSteps('3' as never))).toBe('BAD_OPTION');
      good(3);
      good(0);
      good(25);
      parts.push(s.end());
      expectSame(concatTime(parts, layout), want, `${layout} after refused chunks`);
      s.dispose();
      net.dispose();
    }
  });

  test('end() throws what run() would, and keeps the signal: push more and end again', () => {
    const rng = new Rng(seedOf(`short/${backend}`));
    for (const [desc, code] of [
      [{ op: 'conv1d', cin: 2, cout: 3, k: 5, opts: {} }, 'EMPTY_OUTPUT'],
      [{ op: 'conv1d', cin: 2, cout: 3, k: 3, opts: { padding: 3, paddingMode: 'reflect' } }, 'BAD_PADDING'],
    ] as [LayerDesc, string][]) {
      const net = build(rng, [desc], 'NWC', backend);
      const s = net.stream();
      const x = { data: randomArray(rng, 2 * 9), shape: [1, 9, 2] };
      const short = sliceTime(x, 0, 3, 'NWC');
      expect(errorCode(() => net.run(short))).toBe(code);
      const y0 = s.push(short);
      expect(y0.shape).toEqual([1, 0, 3]);
      expect(errorCode(() => s.end())).toBe(code);
      const y1 = s.push(sliceTime(x, 3, 6, 'NWC'));
      expectSame(concatTime([y0, y1, s.end()], 'NWC'), net.run(x), `${code}, then more`);
      s.dispose();
      net.dispose();
    }
  });

  test('layers that cannot stream: BAD_RANK and BAD_OPTION at stream()', () => {
    const w2 = { data: new Float32Array(2 * 2 * 9), shape: [2, 2, 3, 3] };
    const c2 = sc.createConv2d(w2, { backend });
    expect(errorCode(() => (c2 as unknown as Streamable).stream())).toBe('BAD_RANK');
    const seq2 = sc.createSequence([c2, sc.createConv2d(w2, { backend })]);
    expect(errorCode(() => (seq2 as unknown as Streamable).stream())).toBe('BAD_RANK');
    seq2.dispose();
    const w3 = { data: new Float32Array(2 * 2 * 27), shape: [2, 2, 3, 3, 3] };
    const c3 = sc.createConvTranspose3d(w3, { backend });
    expect(errorCode(() => (c3 as unknown as Streamable).stream())).toBe('BAD_RANK');
    c3.dispose();
    const w1 = { data: new Float32Array(2 * 2 * 3), shape: [2, 2, 3] };
    const same2 = sc.createConv1d(w1, { backend, padding: 'same', stride: 2 });
    expect(errorCode(() => same2.stream())).toBe('BAD_OPTION');
    const seqSame2 = sc.createSequence([sc.createConv1d(w1, { backend, padding: 'causal' }), same2]);
    expect(errorCode(() => seqSame2.stream())).toBe('BAD_OPTION');
    seqSame2.dispose();
    const circular = sc.createConv1d(w1, { backend, padding: 1, paddingMode: 'circular' });
    expect(errorCode(() => circular.stream())).toBe('BAD_OPTION');
    circular.dispose();
    // a transposed layer's 'same' crop does not depend on the length: it streams at any stride
    const tSame = sc.createConvTranspose1d(w1, { backend, padding: 'same', stride: 2 });
    tSame.stream().dispose();
    tSame.dispose();
  });

  test('dispose: DISPOSED after it, the layers stay usable; a disposed layer stops its streams', () => {
    const rng = new Rng(seedOf(`dispose/${backend}`));
    const layer = build(rng, [{ op: 'convTranspose1d', cin: 2, cout: 3, k: 3, opts: { stride: 2 } }], 'NCW', backend);
    const x = { data: randomArray(rng, 2 * 10), shape: [1, 2, 10] };
    const want = layer.run(x);
    const s = layer.stream();
    s.push(sliceTime(x, 0, 4, 'NCW'));
    s.dispose();
    s.dispose();
    expect(errorCode(() => s.push(x))).toBe('DISPOSED');
    expect(errorCode(() => s.end())).toBe('DISPOSED');
    expect(errorCode(() => s.reset())).toBe('DISPOSED');
    expect(errorCode(() => s.outputSteps(3))).toBe('DISPOSED');
    expectSame(layer.run(x), want, 'the layer after its stream was disposed');
    const s2 = layer.stream();
    expectSame(streamed(s2, x, [3, 7], 'NCW'), want, 'a new stream');
    s2.push(sliceTime(x, 0, 4, 'NCW'));
    layer.dispose();
    expect(errorCode(() => s2.push(x))).toBe('DISPOSED');
    expect(errorCode(() => s2.end())).toBe('DISPOSED');
    expect(errorCode(() => layer.stream())).toBe('DISPOSED');
    s2.dispose();

    // a layer handed to a sequence: its own stream stops, the sequence's works
    const w = { data: randomArray(rng, 2 * 2 * 3), shape: [2, 2, 3] };
    const a = sc.createConv1d(w, { backend, padding: 'causal' });
    const sa = a.stream();
    const net = sc.createSequence([a, sc.createConv1d(w, { backend, padding: 'causal' })]);
    expect(errorCode(() => sa.push(x))).toBe('DISPOSED');
    sa.dispose();
    const sn = net.stream();
    expectSame(streamed(sn, x, [5, 5], 'NCW'), net.run(x), 'the sequence');
    net.dispose();
    expect(errorCode(() => sn.push(x))).toBe('DISPOSED');
    sn.dispose();
  });
});
