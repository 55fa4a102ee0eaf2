/**
 * The garbage of tests/robustness/garbage*.test.ts: ConvError's codes, the hostile and invalid
 * values (factories: proxies and getters keep state), the valid calls and their references,
 * and Failures, which collects every failure of a garbage call so that one test reports all.
 */
import { ConvError } from '../../src/index';
import {
  RefTensor, Rng, Tensor, randomTensor, refConv2d, refConvTranspose2d, refDepthwiseConv2d,
  refPointwiseConv2d, refSeparableConv2d,
} from '../helpers/reference';
import { sc } from '../helpers/testers';

export const CODES = new Set([
  'BAD_TENSOR', 'BAD_RANK', 'SHAPE_MISMATCH', 'CHANNEL_MISMATCH', 'BAD_KERNEL', 'BAD_GROUPS', 'BAD_STRIDE', 'BAD_DILATION',
  'BAD_PADDING', 'BAD_OUTPUT_PADDING', 'BAD_BIAS', 'BAD_OPTION', 'EMPTY_OUTPUT', 'BAD_OUT', 'OUT_OF_MEMORY', 'DISPOSED',
  'BACKEND_UNAVAILABLE', 'NOT_INITIALIZED',
]);

// ---------------------------------------------------------------------------------------------
// Hostile values. Factories: proxies and getters keep state, so every call gets a fresh one.

export type Make = () => unknown;
export const named = (name: string, make: Make): [string, Make] => [name, make];

export function revoked(): unknown {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
}
export const throwingGetter = (key: string, base: object = {}): unknown =>
  Object.defineProperty({ ...base }, key, { enumerable: true, get() { throw new Error(`getter ${key} says no`); } });
export const throwingTraps = (): unknown => new Proxy({}, {
  get() { throw new Error('get trap'); }, ownKeys() { throw new Error('ownKeys trap'); }, has() { throw new Error('has trap'); },
  getPrototypeOf() { throw new Error('getPrototypeOf trap'); },
});

/** Invalid wherever a tensor, an option value, an options object or a number is expected. */
export const ANY: [string, Make][] = [
  named('NaN', () => NaN), named('Infinity', () => Infinity), named('-Infinity', () => -Infinity), named('-1', () => -1),
  named('1.5', () => 1.5), named('2^40', () => 2 ** 40), named("'1'", () => '1'), named("''", () => ''), named("'x'", () => 'x'),
  named('true', () => true), named('a symbol', () => Symbol('s')), named('1n', () => 1n), named('a function', () => () => 1),
  named('[]', () => []), named('[NaN, NaN]', () => [NaN, NaN]), named('[1, 2, 3]', () => [1, 2, 3]),
  named('Float64Array(2)', () => new Float64Array(2)), named('Int32Array(2)', () => new Int32Array(2)),
  named('DataView', () => new DataView(new ArrayBuffer(16))), named('a revoked proxy', revoked),
  named('a proxy with throwing traps', throwingTraps), named('a Date', () => new Date(0)),
  named('fake Float32Array (prototype only)', () => Object.create(Float32Array.prototype)),
];

/** Tensor-shaped garbage for a tensor argument whose valid shape is `shape`. */
export function tensorGarbage(shape: number[]): [string, Make][] {
  const n = shape.reduce((a, b) => a * b, 1);
  const f = (len = n): Float32Array => new Float32Array(len);
  const entryAt = (v: unknown): unknown[] => [shape[0], v, ...shape.slice(2)];
  return [
    ...ANY, named('null', () => null), named('undefined', () => undefined), named('{}', () => ({})),
    named('{data} (no shape)', () => ({ data: f() })), named('{shape} (no data)', () => ({ shape: shape.slice() })),
    named('data Float64Array', () => ({ data: new Float64Array(n), shape })),
    named('data Int32Array', () => ({ data: new Int32Array(n), shape })),
    named('data Uint8Array', () => ({ data: new Uint8Array(n * 4), shape })),
    named('data plain array', () => ({ data: new Array(n).fill(0), shape })),
    named('data DataView', () => ({ data: new DataView(new ArrayBuffer(4 * n)), shape })),
    named('data ArrayBuffer', () => ({ data: new ArrayBuffer(4 * n), shape })),
    named('data fake Float32Array', () => ({ data: Object.create(Float32Array.prototype), shape })),
    named('data one short', () => ({ data: f(n - 1), shape })), named('data one long', () => ({ data: f(n + 1), shape })),
    named('data empty', () => ({ data: f(0), shape })),
    named('shape a string', () => ({ data: f(), shape: shape.join(',') })),
    named('shape an Int32Array', () => ({ data: f(), shape: Int32Array.from(shape) })),
    named('shape an array-like object', () => ({ data: f(), shape: { ...shape, length: shape.length } })),
    named('shape with a hole', () => ({ data: f(), shape: (() => { const s: unknown[] = shape.slice(); delete s[1]; return s; })() })),
    named('shape with a string entry', () => ({ data: f(), shape: entryAt(String(shape[1])) })),
    named('shape with a bigint entry', () => ({ data: f(), shape: shape.map((d) => BigInt(d)) })),
    named('shape with NaN', () => ({ data: f(), shape: entryAt(NaN) })),
    named('shape with a fraction', () => ({ data: f(), shape: entryAt(shape[1] + 0.5) })),
    named('shape with a negative', () => ({ data: f(), shape: entryAt(-shape[1]) })),
    named('shape with null', () => ({ data: f(), shape: entryAt(null) })),
    named('shape with Infinity', () => ({ data: f(), shape: entryAt(Infinity) })),
    named('shape rank 3', () => ({ data: f(), shape: shape.slice(1) })),
    named('shape rank 5', () => ({ data: f(), shape: [1, ...shape] })),
    named('enormous shape (2^20 per axis)', () => ({ data: f(), shape: shape.map(() => 2 ** 20) })),
    named('enormous shape (2^31 + 1 elements)', () => ({ data: f(), shape: [...shape.slice(0, -1), 2 ** 31 + 1] })),
    named('shape 2^53 entry', () => ({ data: f(), shape: entryAt(2 ** 53) })),
    named('frozen tensor, data short', () => Object.freeze({ data: f(n - 1), shape: Object.freeze(shape.slice()) })),
    named('getter data throws', () => throwingGetter('data', { shape })),
    named('getter shape throws', () => throwingGetter('shape', { data: f() })),
    named('shape proxy whose get throws', () => ({ data: f(), shape: new Proxy(shape.slice(), { get(t, k) { if (k === 'length') return t.length; throw new Error('shape get'); } }) })),
    named('revoked proxy as shape', () => ({ data: f(), shape: revoked() })),
  ];
}

/** Invalid values of every option key (valid ones, e.g. 0 for padding, are not listed here). */
export const OPT_COMMON: [string, Make][] = [...ANY, named('null', () => null), named('{}', () => ({})), named('a getter-throwing object', () => throwingGetter('x'))];
export const OPT_SPECIFIC: Record<string, [string, Make][]> = {
  stride: [named('0', () => 0), named('[1, 0]', () => [1, 0]), named('[1.5, 1]', () => [1.5, 1]), named('2^29', () => 2 ** 29), named("'2'", () => '2')],
  dilation: [named('0', () => 0), named('[0, 1]', () => [0, 1]), named('[1, -1]', () => [1, -1])],
  padding: [named("'SAME'", () => 'SAME'), named("'full'", () => 'full'), named('[1, -1]', () => [1, -1]), named('[0, 0, 0]', () => [0, 0, 0]), named('[0, 0, 0, 0.5]', () => [0, 0, 0, 0.5]), named('2^29', () => 2 ** 29)],
  groups: [named('0', () => 0), named('[2]', () => [2]), named('2^53', () => 2 ** 53)],
  outputPadding: [named('[1, 1, 1]', () => [1, 1, 1]), named('5', () => 5), named('-0.5', () => -0.5)],
  bias: [named('Float32Array(1000)', () => new Float32Array(1000)), named('Float32Array(0)', () => new Float32Array(0)), named('a plain array', () => [0, 0, 0, 0])],
  activation: [named("'RELU'", () => 'RELU'), named("'swish'", () => 'swish'), named('clip min > max', () => ({ type: 'clip', min: 1, max: 0 })), named('prelu of 0 slopes', () => ({ type: 'prelu', alpha: new Float32Array(0) }))],
  layout: [named("'nchw'", () => 'nchw'), named("'NCWH'", () => 'NCWH')],
  backend: [named("'gpu'", () => 'gpu'), named("'auto'", () => 'auto'), named("'WASM'", () => 'WASM')],
  out: [named('Float32Array(1)', () => new Float32Array(1)), named('Float32Array(10^6)', () => new Float32Array(1e6)), named('a plain array', () => new Array(100).fill(0))],
  depthwiseBias: [named('Float32Array(1000)', () => new Float32Array(1000))],
  depthwiseActivation: [named("'relu7'", () => 'relu7')],
};
export const optValues = (key: string): [string, Make][] => [...OPT_COMMON, ...(OPT_SPECIFIC[key] ?? [])];

/** Whole-options garbage (undefined, null and {} are valid options). */
export const OPTS_GARBAGE: [string, Make][] = [
  ...ANY.filter(([n]) => n !== '[]' && n !== 'a Date' && !n.startsWith('fake')), named('[]', () => []), named('an unknown key', () => ({ strides: 2 })),
  named('Object.freeze({stride: 0})', () => Object.freeze({ stride: 0 })),
  named('ownKeys trap throws', () => new Proxy({}, { ownKeys() { throw new Error('ownKeys'); } })),
  named('getter stride throws', () => throwingGetter('stride')), named('getter layout throws', () => throwingGetter('layout')),
];

/** Garbage for run()'s options and init()'s: primitives and hostile objects (an object without `out` is valid). */
export const PLAIN_GARBAGE: [string, Make][] = [
  ...ANY.filter(([n]) => !/^\[|Array|DataView|Date|fake/.test(n)),
];

/** Number-argument garbage for convOutputSize & co (`zeroOk`: a pad, where 0 is valid). */
export const numGarbage = (zeroOk: boolean): [string, Make][] => [
  named('NaN', () => NaN), named('Infinity', () => Infinity), named('-1', () => -1), named('0.5', () => 0.5), named("'3'", () => '3'),
  named('null', () => null), named('{}', () => ({})), named('[3]', () => [3]), named('3n', () => 3n), named('2^53', () => 2 ** 53),
  named('a symbol', () => Symbol('n')), named('true', () => true), named('a revoked proxy', revoked),
  ...(zeroOk ? [] : [named('0', () => 0)]),
];

// ---------------------------------------------------------------------------------------------
// Valid calls and their references

export const rng = new Rng(77);
export const X = randomTensor(rng, [1, 3, 6, 5]);
export const W = randomTensor(rng, [4, 3, 3, 3], 0.5);
export const DW = randomTensor(rng, [6, 1, 3, 3], 0.5);
export const PW = randomTensor(rng, [4, 3, 1, 1], 0.5);
export const PW2 = randomTensor(rng, [5, 6], 0.5);
export const TW = randomTensor(rng, [3, 2, 3, 3], 0.5);
export const B4 = randomTensor(rng, [4]).data;
export const OPTS: Record<string, Record<string, unknown>> = {
  conv2d: { padding: 1, bias: B4, activation: 'relu' },
  depthwiseConv2d: { stride: 2, padding: 'same' },
  pointwiseConv2d: { bias: B4 },
  separableConv2d: { padding: 1, depthwiseActivation: 'relu6' },
  convTranspose2d: { stride: 2, padding: 1, outputPadding: 1 },
};
export const WEIGHTS: Record<string, Tensor[]> = {
  conv2d: [W], depthwiseConv2d: [DW], pointwiseConv2d: [PW], separableConv2d: [DW, PW2], convTranspose2d: [TW],
};
export const REFS: Record<string, RefTensor> = {
  conv2d: refConv2d(X, W, OPTS.conv2d),
  depthwiseConv2d: refDepthwiseConv2d(X, DW, OPTS.depthwiseConv2d),
  pointwiseConv2d: refPointwiseConv2d(X, PW, OPTS.pointwiseConv2d),
  separableConv2d: refSeparableConv2d(X, DW, PW2, OPTS.separableConv2d),
  convTranspose2d: refConvTranspose2d(X, TW, OPTS.convTranspose2d),
};
export type OpName = keyof typeof OPTS;
export const OPS = Object.keys(OPTS) as OpName[];
export const CREATE: Record<OpName, string> = {
  conv2d: 'createConv2d', depthwiseConv2d: 'createDepthwiseConv2d', pointwiseConv2d: 'createPointwiseConv2d',
  separableConv2d: 'createSeparableConv2d', convTranspose2d: 'createConvTranspose2d',
};
export const api = sc as unknown as Record<string, (...a: unknown[]) => any>;

/** Calls fn and classifies the outcome. */
export function outcome(f: () => unknown): { ok: true; value: unknown } | { ok: false; err: unknown } {
  try {
    return { ok: true, value: f() };
  } catch (err) {
    return { ok: false, err };
  }
}

export function describeErr(err: unknown): string {
  if (err instanceof Error) return `${err.constructor.name}: ${err.message}`;
  try {
    return String(err);
  } catch {
    return 'an unprintable value';
  }
}

/** Every failure of a garbage call, collected so that one test reports all of them. */
export class Failures {
  readonly list: string[] = [];
  expectConvError(what: string, f: () => unknown): void {
    const r = outcome(f);
    if (r.ok) this.list.push(`${what}: accepted (no error)`);
    else if (!(r.err instanceof ConvError)) this.list.push(`${what}: threw ${describeErr(r.err)}`);
    else if (!CODES.has(r.err.code)) this.list.push(`${what}: unknown code ${r.err.code}`);
  }
  check(what: string, f: () => void): void {
    try {
      f();
    } catch (e) {
      this.list.push(`${what}: ${describeErr(e)}`);
    }
  }
  assertNone(): void {
    if (this.list.length) throw new Error(`${this.list.length} failures:\n  ` + this.list.slice(0, 60).join('\n  '));
  }
}

/** Proxies, getters and traps that throw, and objects that only claim Float32Array's prototype. */
export const isHostile = (name: string): boolean => /revoked|throw|getter|trap|fake|proxy/i.test(name);
