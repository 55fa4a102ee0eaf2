/**
 * The streams of tests/src/ops/stream.test.ts and stream/*.test.ts: random stacks of conv1d and
 * convTranspose1d layers, their weights, chunks cut along time and joined again, and a signal
 * streamed in given chunk sizes, compared with run() on the whole signal.
 */
import { compare, randomArray, Rng } from '../../../helpers/reference';
import { sc } from '../../../helpers/testers';

export type Layout = 'NCW' | 'NWC';
export type T3 = { data: Float32Array; shape: number[] };
export interface Streamable {
  run(x: T3, opts?: { out?: Float32Array }): T3;
  stream(): sc.ConvStream;
  dispose(): void;
}

export const ACTIVATIONS: unknown[] = ['none', 'relu', 'relu6', 'sigmoid', 'tanh', 'silu', 'hardSwish', 'gelu',
  { type: 'leakyRelu', alpha: 0.2 }, { type: 'clip', min: -0.5, max: 0.5 }];

/** The time axis of a layout. */
export const timeAxis = (layout: Layout): number => (layout === 'NCW' ? 2 : 1);
export const steps = (t: T3, layout: Layout): number => t.shape[timeAxis(layout)];

/** Steps [from, from + len) of x. */
export function sliceTime(x: T3, from: number, len: number, layout: Layout): T3 {
  const ncw = layout === 'NCW';
  const n = x.shape[0];
  const c = ncw ? x.shape[1] : x.shape[2];
  const t = steps(x, layout);
  const out = new Float32Array(n * c * len);
  for (let b = 0; b < n; b++) {
    if (ncw) {
      for (let ch = 0; ch < c; ch++) out.set(x.data.subarray((b * c + ch) * t + from, (b * c + ch) * t + from + len), (b * c + ch) * len);
    } else {
      out.set(x.data.subarray((b * t + from) * c, (b * t + from + len) * c), b * len * c);
    }
  }
  return { data: out, shape: ncw ? [n, c, len] : [n, len, c] };
}

/** The parts joined along time. */
export function concatTime(parts: T3[], layout: Layout): T3 {
  const ncw = layout === 'NCW';
  const n = parts[0].shape[0];
  const c = ncw ? parts[0].shape[1] : parts[0].shape[2];
  const total = parts.reduce((a, p) => a + steps(p, layout), 0);
  const out = new Float32Array(n * c * total);
  let at = 0;
  for (const p of parts) {
    const t = steps(p, layout);
    expect(p.shape[0]).toBe(n);
    expect(ncw ? p.shape[1] : p.shape[2]).toBe(c);
    for (let b = 0; b < n; b++) {
      if (ncw) {
        for (let ch = 0; ch < c; ch++) out.set(p.data.subarray((b * c + ch) * t, (b * c + ch + 1) * t), (b * c + ch) * total + at);
      } else {
        out.set(p.data.subarray(b * t * c, (b + 1) * t * c), (b * total + at) * c);
      }
    }
    at += t;
  }
  return { data: out, shape: ncw ? [n, c, total] : [n, total, c] };
}

/** A layer of a random stack. */
export interface LayerDesc {
  op: 'conv1d' | 'convTranspose1d';
  cin: number;
  cout: number;
  k: number;
  opts: Record<string, unknown>;
}

export const pick = <T>(rng: Rng, a: readonly T[]): T => a[rng.int(0, a.length - 1)];
export const CHANNELS = [1, 2, 3, 4, 5, 6, 8, 16, 17];

export function commonDivisors(a: number, b: number): number[] {
  const out: number[] = [];
  for (let g = 1; g <= Math.min(a, b); g++) if (a % g === 0 && b % g === 0) out.push(g);
  return out;
}

export function randomLayer(rng: Rng, cin: number, last: boolean): LayerDesc {
  const transposed = rng.next() < 0.3;
  const depthwise = !transposed && rng.next() < 0.15;
  const cout = depthwise ? cin : last && rng.next() < 0.3 ? 1 : pick(rng, CHANNELS);
  const groups = depthwise ? cin : rng.next() < 0.3 ? pick(rng, commonDivisors(cin, cout)) : 1;
  const k = rng.int(1, 5);
  const opts: Record<string, unknown> = { groups };
  if (rng.next() < 0.6) opts.bias = randomArray(rng, cout, 0.5);
  if (rng.next() < 0.6) opts.activation = pick(rng, ACTIVATIONS);
  if (transposed) {
    const stride = pick(rng, [1, 2, 2, 3]);
    const dilation = pick(rng, [1, 1, 2]);
    opts.stride = stride;
    opts.dilation = dilation;
    const span = (k - 1) * dilation + 1;
    const form = rng.int(0, 3);
    if (form === 1) opts.padding = rng.int(0, 2);
    else if (form === 2) opts.padding = [rng.int(0, 2), rng.int(0, 2)];
    else if (form === 3 && span >= stride) opts.padding = 'same';
    if (opts.padding !== 'same' && rng.next() < 0.3) opts.outputPadding = rng.int(0, Math.max(stride, dilation) - 1);
    return { op: 'convTranspose1d', cin, cout, k, opts };
  }
  const stride = pick(rng, [1, 1, 1, 2, 3]);
  opts.stride = stride;
  opts.dilation = pick(rng, [1, 1, 2, 3]);
  const forms: unknown[] = ['causal', 'valid', rng.int(0, 3), [rng.int(0, 4), rng.int(0, 4)]];
  if (stride === 1) forms.push('same');
  opts.padding = pick(rng, forms);
  opts.paddingMode = pick(rng, ['zeros', 'zeros', 'reflect', 'replicate']);
  return { op: 'conv1d', cin, cout, k, opts };
}

export function randomStack(rng: Rng): LayerDesc[] {
  const count = rng.int(1, 4);
  const out: LayerDesc[] = [];
  let c = pick(rng, CHANNELS);
  for (let i = 0; i < count; i++) {
    const l = randomLayer(rng, c, i === count - 1);
    out.push(l);
    c = l.cout;
  }
  return out;
}

export function weightsOf(rng: Rng, l: LayerDesc, layout: Layout): T3 {
  const g = (l.opts.groups as number) ?? 1;
  const ncw = layout === 'NCW';
  const shape = l.op === 'conv1d'
    ? (ncw ? [l.cout, l.cin / g, l.k] : [l.k, l.cin / g, l.cout])
    : (ncw ? [l.cin, l.cout / g, l.k] : [l.k, l.cout / g, l.cin]);
  const fan = (l.op === 'conv1d' ? l.cin / g : l.cout / g) * l.k;
  return { data: randomArray(rng, shape.reduce((a, b) => a * b, 1), 1.5 / Math.sqrt(fan)), shape };
}

/** The layers of a stack as one streamable thing: the layer itself, or a sequence of them. */
export function build(rng: Rng, descs: LayerDesc[], layout: Layout, backend: string): Streamable {
  const layers = descs.map((l) => {
    const o = { ...l.opts, layout, backend } as never;
    const w = weightsOf(rng, l, layout);
    return l.op === 'conv1d' ? sc.createConv1d(w, o) : sc.createConvTranspose1d(w, o);
  });
  return (layers.length === 1 ? layers[0] : sc.createSequence(layers)) as unknown as Streamable;
}

/** Random chunk sizes summing to t: 0, 1, k-1, k, a large one, any. */
export function randomCuts(rng: Rng, t: number, k: number): number[] {
  const cuts: number[] = [];
  let left = t;
  while (left > 0) {
    const c = Math.min(left, pick(rng, [0, 1, Math.max(0, k - 1), k, t, rng.int(1, Math.max(1, t >> 1)), rng.int(1, 7)]));
    cuts.push(c);
    left -= c;
  }
  if (rng.next() < 0.3) cuts.push(0);
  return cuts;
}

/** Streams x in the given chunk sizes (with rng: `out` on some pushes); returns everything joined. */
export function streamed(s: sc.ConvStream, x: T3, cuts: number[], layout: Layout, rng?: Rng, cout = 0): T3 {
  const parts: T3[] = [];
  let at = 0;
  for (const c of cuts) {
    const want = s.outputSteps(c);
    const chunk = sliceTime(x, at, c, layout);
    let y: T3;
    if (rng && cout > 0 && rng.next() < 0.5) {
      const out = new Float32Array(x.shape[0] * cout * want);
      y = s.push(chunk, { out });
      expect(y.data).toBe(out);
    } else {
      y = s.push(chunk);
    }
    expect(steps(y, layout)).toBe(want);
    parts.push(y);
    at += c;
  }
  parts.push(s.end());
  return concatTime(parts, layout);
}

export function expectSame(got: T3, want: T3, ctx: string): void {
  expect(got.shape).toEqual(want.shape);
  const msg = compare(got.data, want.data);
  if (msg !== null) throw new Error(`${ctx}: ${msg}`);
}

/** What run() throws on x (a code), or its result. */
export function runOrCode(net: Streamable, x: T3): T3 | string {
  try {
    return net.run(x);
  } catch (e) {
    if (e instanceof sc.ConvError) return e.code;
    throw e;
  }
}
