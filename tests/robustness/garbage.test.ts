/**
 * Garbage in every argument of every public function, on every backend: NaN, Infinity, negatives,
 * fractions, strings, symbols, bigints, functions, objects, null, missing fields, enormous sizes,
 * wrong typed arrays (Float64Array, Int32Array, Uint8Array, DataView, plain arrays, an object
 * that only claims Float32Array's prototype), data shorter or longer than the shape, shapes with
 * holes, strings, bigints and NaN, frozen objects, proxies (transparent, revoked, with throwing
 * traps), getters that throw, and values that change between two reads (the library must use what
 * it checked). Each must throw a ConvError with one of API.md's codes (never a TypeError from
 * inside, a WebAssembly.RuntimeError or a hang); afterwards the same function called validly
 * gives the reference result and memory() shows the same bytesInUse and liveLayers.
 *
 * tests/src/errors.test.ts checks the code and message of each table row on the ops; this file
 * covers every exported function and the hostile values that table does not list.
 */
import fc from 'fast-check';
import { ConvError } from '../../src/index';
import {
  RefTensor, Rng, Tensor, expectTensorClose, randomTensor, refConv2d, refConvTranspose2d, refDepthwiseConv2d,
  refPointwiseConv2d, refSeparableConv2d,
} from '../helpers/reference';
import { BACKENDS, initBackends, sc } from '../helpers/testers';

beforeAll(() => initBackends());

const CODES = new Set([
  'BAD_TENSOR', 'BAD_RANK', 'SHAPE_MISMATCH', 'CHANNEL_MISMATCH', 'BAD_KERNEL', 'BAD_GROUPS', 'BAD_STRIDE', 'BAD_DILATION',
  'BAD_PADDING', 'BAD_OUTPUT_PADDING', 'BAD_BIAS', 'BAD_OPTION', 'EMPTY_OUTPUT', 'BAD_OUT', 'OUT_OF_MEMORY', 'DISPOSED',
  'BACKEND_UNAVAILABLE', 'NOT_INITIALIZED',
]);

// ---------------------------------------------------------------------------------------------
// Hostile values. Factories: proxies and getters keep state, so every call gets a fresh one.

type Make = () => unknown;
const named = (name: string, make: Make): [string, Make] => [name, make];

function revoked(): unknown {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
}
const throwingGetter = (key: string, base: object = {}): unknown =>
  Object.defineProperty({ ...base }, key, { enumerable: true, get() { throw new Error(`getter ${key} says no`); } });
const throwingTraps = (): unknown => new Proxy({}, {
  get() { throw new Error('get trap'); }, ownKeys() { throw new Error('ownKeys trap'); }, has() { throw new Error('has trap'); },
  getPrototypeOf() { throw new Error('getPrototypeOf trap'); },
});

/** Invalid wherever a tensor, an option value, an options object or a number is expected. */
const ANY: [string, Make][] = [
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
function tensorGarbage(shape: number[]): [string, Make][] {
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
const OPT_COMMON: [string, Make][] = [...ANY, named('null', () => null), named('{}', () => ({})), named('a getter-throwing object', () => throwingGetter('x'))];
const OPT_SPECIFIC: Record<string, [string, Make][]> = {
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
const optValues = (key: string): [string, Make][] => [...OPT_COMMON, ...(OPT_SPECIFIC[key] ?? [])];

/** Whole-options garbage (undefined, null and {} are valid options). */
const OPTS_GARBAGE: [string, Make][] = [
  ...ANY.filter(([n]) => n !== '[]' && n !== 'a Date' && !n.startsWith('fake')), named('[]', () => []), named('an unknown key', () => ({ strides: 2 })),
  named('Object.freeze({stride: 0})', () => Object.freeze({ stride: 0 })),
  named('ownKeys trap throws', () => new Proxy({}, { ownKeys() { throw new Error('ownKeys'); } })),
  named('getter stride throws', () => throwingGetter('stride')), named('getter layout throws', () => throwingGetter('layout')),
];

/** Garbage for run()'s options and init()'s: primitives and hostile objects (an object without `out` is valid). */
const PLAIN_GARBAGE: [string, Make][] = [
  ...ANY.filter(([n]) => !/^\[|Array|DataView|Date|fake/.test(n)),
];

/** Number-argument garbage for convOutputSize & co (`zeroOk`: a pad, where 0 is valid). */
const numGarbage = (zeroOk: boolean): [string, Make][] => [
  named('NaN', () => NaN), named('Infinity', () => Infinity), named('-1', () => -1), named('0.5', () => 0.5), named("'3'", () => '3'),
  named('null', () => null), named('{}', () => ({})), named('[3]', () => [3]), named('3n', () => 3n), named('2^53', () => 2 ** 53),
  named('a symbol', () => Symbol('n')), named('true', () => true), named('a revoked proxy', revoked),
  ...(zeroOk ? [] : [named('0', () => 0)]),
];

// ---------------------------------------------------------------------------------------------
// Valid calls and their references

const rng = new Rng(77);
const X = randomTensor(rng, [1, 3, 6, 5]);
const W = randomTensor(rng, [4, 3, 3, 3], 0.5);
const DW = randomTensor(rng, [6, 1, 3, 3], 0.5);
const PW = randomTensor(rng, [4, 3, 1, 1], 0.5);
const PW2 = randomTensor(rng, [5, 6], 0.5);
const TW = randomTensor(rng, [3, 2, 3, 3], 0.5);
const B4 = randomTensor(rng, [4]).data;
const OPTS: Record<string, Record<string, unknown>> = {
  conv2d: { padding: 1, bias: B4, activation: 'relu' },
  depthwiseConv2d: { stride: 2, padding: 'same' },
  pointwiseConv2d: { bias: B4 },
  separableConv2d: { padding: 1, depthwiseActivation: 'relu6' },
  convTranspose2d: { stride: 2, padding: 1, outputPadding: 1 },
};
const WEIGHTS: Record<string, Tensor[]> = {
  conv2d: [W], depthwiseConv2d: [DW], pointwiseConv2d: [PW], separableConv2d: [DW, PW2], convTranspose2d: [TW],
};
const REFS: Record<string, RefTensor> = {
  conv2d: refConv2d(X, W, OPTS.conv2d),
  depthwiseConv2d: refDepthwiseConv2d(X, DW, OPTS.depthwiseConv2d),
  pointwiseConv2d: refPointwiseConv2d(X, PW, OPTS.pointwiseConv2d),
  separableConv2d: refSeparableConv2d(X, DW, PW2, OPTS.separableConv2d),
  convTranspose2d: refConvTranspose2d(X, TW, OPTS.convTranspose2d),
};
type OpName = keyof typeof OPTS;
const OPS = Object.keys(OPTS) as OpName[];
const CREATE: Record<OpName, string> = {
  conv2d: 'createConv2d', depthwiseConv2d: 'createDepthwiseConv2d', pointwiseConv2d: 'createPointwiseConv2d',
  separableConv2d: 'createSeparableConv2d', convTranspose2d: 'createConvTranspose2d',
};
const api = sc as unknown as Record<string, (...a: unknown[]) => any>;

/** Calls fn and classifies the outcome. */
function outcome(f: () => unknown): { ok: true; value: unknown } | { ok: false; err: unknown } {
  try {
    return { ok: true, value: f() };
  } catch (err) {
    return { ok: false, err };
  }
}

function describeErr(err: unknown): string {
  if (err instanceof Error) return `${err.constructor.name}: ${err.message}`;
  try {
    return String(err);
  } catch {
    return 'an unprintable value';
  }
}

/** Every failure of a garbage call, collected so that one test reports all of them. */
class Failures {
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
const isHostile = (name: string): boolean => /revoked|throw|getter|trap|fake|proxy/i.test(name);

/**
 * The garbage suites, once for ordinary garbage and once for hostile objects (`keep` picks the
 * values by name), so that a failure of one kind does not hide the other.
 */
function garbageSuites(kind: string, keep: (name: string) => boolean): void {
  const sel = (list: [string, Make][]): [string, Make][] => list.filter(([n]) => keep(n));
describe.each(BACKENDS)(`${kind}: %s`, (backend) => {
  const validOp = (op: OpName): Tensor => api[op](X, ...WEIGHTS[op], { ...OPTS[op], backend });
  let base: { bytesInUse: number; liveLayers: number };

  beforeAll(() => {
    for (let i = 0; i < 2; i++) for (const op of OPS) validOp(op);
    const m = sc.memory();
    base = { bytesInUse: m.bytesInUse, liveLayers: m.liveLayers };
  });

  /** After garbage: the op still right, nothing leaked. */
  function after(fails: Failures, what: string, op: OpName): void {
    fails.check(`${what}: valid ${op} afterwards`, () => expectTensorClose(validOp(op), REFS[op], op));
    const m = sc.memory();
    if (m.bytesInUse !== base.bytesInUse || m.liveLayers !== base.liveLayers) {
      fails.list.push(`${what}: bytesInUse ${base.bytesInUse} -> ${m.bytesInUse}, liveLayers ${base.liveLayers} -> ${m.liveLayers}`);
      base = { bytesInUse: m.bytesInUse, liveLayers: m.liveLayers }; // report each leak once
    }
  }

  test.each(OPS)('%s and its create*: garbage in x, every weight, opts and every option', (op) => {
    const fails = new Failures();
    const ws = WEIGHTS[op];
    const argNames = op === 'separableConv2d' ? ['wDepthwise', 'wPointwise'] : ['w'];
    const call = (x: unknown, w: unknown[], opts: unknown): unknown => api[op](x, ...w, opts);
    const create = (w: unknown[], opts: unknown): unknown => {
      const l = api[CREATE[op]](...w, opts);
      l.dispose();
      return l;
    };
    for (const [name, make] of sel(tensorGarbage(X.shape))) {
      fails.expectConvError(`${op}(x = ${name})`, () => call(make(), ws, { ...OPTS[op], backend }));
      after(fails, `x = ${name}`, op);
    }
    ws.forEach((w, i) => {
      for (const [name, make] of sel(tensorGarbage(w.shape))) {
        const bad = (): unknown[] => ws.map((v, j) => (j === i ? make() : v));
        fails.expectConvError(`${op}(${argNames[i]} = ${name})`, () => call(X, bad(), { ...OPTS[op], backend }));
        fails.expectConvError(`${CREATE[op]}(${argNames[i]} = ${name})`, () => create(bad(), { ...OPTS[op], backend }));
        after(fails, `${argNames[i]} = ${name}`, op);
      }
    });
    for (const [name, make] of sel(OPTS_GARBAGE)) {
      fails.expectConvError(`${op}(opts = ${name})`, () => call(X, ws, make()));
      fails.expectConvError(`${CREATE[op]}(opts = ${name})`, () => create(ws, make()));
      after(fails, `opts = ${name}`, op);
    }
    for (const key of Object.keys(OPT_SPECIFIC)) {
      for (const [name, make] of sel(optValues(key))) {
        fails.expectConvError(`${op}(opts.${key} = ${name})`, () => call(X, ws, { ...OPTS[op], backend, [key]: make() }));
        if (key !== 'out') fails.expectConvError(`${CREATE[op]}(opts.${key} = ${name})`, () => create(ws, { ...OPTS[op], backend, [key]: make() }));
        after(fails, `opts.${key} = ${name}`, op);
      }
    }
    // out is an option of run(), not of create*
    fails.expectConvError(`${CREATE[op]}(opts.out = a right-sized Float32Array)`, () => create(ws, { ...OPTS[op], backend, out: new Float32Array(REFS[op].data.length) }));
    after(fails, 'create with out', op);
    fails.assertNone();
  });

  test.each(OPS)('%s layer.run: garbage in x, run options and out; the layer stays right', (op) => {
    const fails = new Failures();
    const layer = api[CREATE[op]](...WEIGHTS[op], { ...OPTS[op], backend });
    try {
      layer.run(X); // its run buffers exist from here on
      const mLayer = sc.memory();
      for (const [name, make] of sel(tensorGarbage(X.shape))) {
        fails.expectConvError(`layer.run(x = ${name})`, () => layer.run(make()));
        fails.check(`after layer.run(x = ${name})`, () => expectTensorClose(layer.run(X), REFS[op], `${op} layer`));
      }
      for (const [name, make] of sel([...PLAIN_GARBAGE, ...optValues('out').map(([n, m]): [string, Make] => [`{out: ${n}}`, () => ({ out: m() })]), named('{out} getter throws', () => throwingGetter('out'))])) {
        fails.expectConvError(`layer.run(X, ${name})`, () => layer.run(X, make()));
        fails.check(`after layer.run(X, ${name})`, () => expectTensorClose(layer.run(X), REFS[op], `${op} layer`));
      }
      const m = sc.memory();
      if (m.bytesInUse !== mLayer.bytesInUse) fails.list.push(`layer.run garbage: bytesInUse ${mLayer.bytesInUse} -> ${m.bytesInUse}`);
    } finally {
      layer.dispose();
    }
    after(fails, 'layer garbage', op);
    fails.assertNone();
  });

  test('createSequence and sequence.run: garbage in the list and the runs; refused lists leave their layers usable', () => {
    const fails = new Failures();
    const mk = (): { a: any; b: any } => ({
      a: sc.createConv2d(W, { ...OPTS.conv2d, backend } as never),
      b: sc.createDepthwiseConv2d(randomTensor(new Rng(5), [8, 1, 3, 3]), { padding: 1, backend } as never),
    });
    const ref1 = REFS.conv2d;
    const dwW = randomTensor(new Rng(5), [8, 1, 3, 3]);
    const seqRef = refDepthwiseConv2d({ data: new Float32Array(ref1.data), shape: ref1.shape }, dwW, { padding: 1 });
    const lists: [string, (l: { a: any; b: any }) => unknown][] = [
      ...ANY.map(([n, m]): [string, (l: { a: any; b: any }) => unknown] => [n, () => m()]),
      ['null', () => null], ['undefined', () => undefined], ['{}', () => ({})],
      ['[a, garbage]', (l) => [l.a, {}]], ['[a, a]', (l) => [l.a, l.a]], ['[a, null]', (l) => [l.a, null]],
      ['[a, b, revoked proxy]', (l) => [l.a, l.b, revoked()]], ['[b, a] (channels do not chain)', (l) => [l.b, l.a]],
      ['array with a hole [a, , b]', (l) => { const r = [l.a, undefined, l.b]; delete r[1]; return r; }],
      ['array proxy whose get throws', (l) => new Proxy([l.a, l.b], { get(t, k) { if (k === 'length') return 2; throw new Error('get'); } })],
    ];
    for (const [name, make] of lists.filter(([n]) => keep(n))) {
      const l = mk();
      fails.expectConvError(`createSequence(${name})`, () => sc.createSequence(make(l) as never));
      // the refused list took nothing over: both layers still run and dispose fully
      fails.check(`layers after createSequence(${name})`, () => {
        expectTensorClose(l.a.run(X), ref1, 'a');
        l.a.dispose();
        l.b.dispose();
      });
      after(fails, `createSequence(${name})`, 'conv2d');
    }
    const l = mk();
    const seq = sc.createSequence([l.a, l.b]);
    try {
      expectTensorClose(seq.run(X), seqRef, 'sequence');
      const m0 = sc.memory();
      for (const [name, make] of sel(tensorGarbage(X.shape))) {
        fails.expectConvError(`sequence.run(x = ${name})`, () => seq.run(make() as never));
        fails.check(`after sequence.run(x = ${name})`, () => expectTensorClose(seq.run(X), seqRef, 'sequence'));
      }
      for (const [name, make] of sel(optValues('out'))) {
        fails.expectConvError(`sequence.run(X, {out: ${name}})`, () => seq.run(X, { out: make() } as never));
      }
      for (const [name, make] of sel(PLAIN_GARBAGE)) fails.expectConvError(`sequence.run(X, ${name})`, () => seq.run(X, make() as never));
      fails.check('sequence after garbage', () => expectTensorClose(seq.run(X), seqRef, 'sequence'));
      if (sc.memory().bytesInUse !== m0.bytesInUse) fails.list.push(`sequence garbage: bytesInUse ${m0.bytesInUse} -> ${sc.memory().bytesInUse}`);
      fails.expectConvError('layer.run on a layer a sequence owns', () => l.a.run(X));
    } finally {
      seq.dispose();
    }
    seq.dispose();
    fails.expectConvError('sequence.run after dispose', () => seq.run(X));
    after(fails, 'sequence', 'conv2d');
    fails.assertNone();
  });
});

describe(`${kind}: shape and MAC helpers, convOutputSize, convTransposeOutputSize, init`, () => {
  const SHAPE_ARGS: Record<OpName, number[][]> = {
    conv2d: [W.shape], depthwiseConv2d: [DW.shape], pointwiseConv2d: [PW.shape], separableConv2d: [DW.shape, PW2.shape],
    convTranspose2d: [TW.shape],
  };
  const shapeGarbage: [string, Make][] = [
    ...ANY, named('null', () => null), named('{}', () => ({})), named('with a hole', () => [1, , 5, 5]), named("with '3'", () => [1, '3', 5, 5]),
    named('bigints', () => [1n, 3n, 5n, 5n]), named('with NaN', () => [1, 3, NaN, 5]), named('with 0.5', () => [1, 3, 0.5, 5]),
    named('with -5', () => [1, -5, 5, 5]), named('rank 3', () => [3, 5, 5]), named('2^60 entries', () => [2 ** 60, 3, 2 ** 60, 5]),
    named('an Int32Array', () => Int32Array.from([1, 3, 5, 5])), named('revoked', revoked),
  ];

  test.each(OPS)('%sShape and its Macs', (op) => {
    const fails = new Failures();
    const shapeFn = api[`${op}Shape`];
    const macsFn = api[`${op}Macs`];
    const ws = SHAPE_ARGS[op];
    const ref = REFS[op].shape;
    for (const fn of [shapeFn, macsFn]) {
      const which = fn === shapeFn ? 'Shape' : 'Macs';
      for (const [name, make] of sel(shapeGarbage)) {
        fails.expectConvError(`${op}${which}(xShape = ${name})`, () => fn(make(), ...ws, OPTS[op]));
        ws.forEach((_, i) => fails.expectConvError(`${op}${which}(w${i} = ${name})`, () => fn(X.shape, ...ws.map((w, j) => (i === j ? make() : w)), OPTS[op])));
      }
      for (const [name, make] of sel(OPTS_GARBAGE)) fails.expectConvError(`${op}${which}(opts = ${name})`, () => fn(X.shape, ...ws, make()));
      for (const key of ['stride', 'padding', 'dilation', 'layout']) {
        for (const [name, make] of sel(optValues(key))) fails.expectConvError(`${op}${which}(opts.${key} = ${name})`, () => fn(X.shape, ...ws, { ...OPTS[op], [key]: make() }));
      }
    }
    fails.check(`${op}Shape valid`, () => expect(shapeFn(X.shape, ...ws, OPTS[op])).toEqual(ref));
    fails.check(`${op}Macs valid`, () => expect(typeof macsFn(X.shape, ...ws, OPTS[op])).toBe('number'));
    fails.assertNone();
  });

  test('convOutputSize and convTransposeOutputSize', () => {
    const fails = new Failures();
    const fns: [string, (...a: unknown[]) => number, number[], boolean[]][] = [
      ['convOutputSize', sc.convOutputSize as never, [7, 3, 2, 1, 1, 1], [false, false, false, true, true, false]],
      ['convTransposeOutputSize', sc.convTransposeOutputSize as never, [7, 3, 2, 1, 1, 1, 1], [false, false, false, true, true, false, true]],
    ];
    for (const [name, fn, args, zeroOk] of fns) {
      args.forEach((_, i) => {
        for (const [vn, make] of sel(numGarbage(zeroOk[i]))) {
          fails.expectConvError(`${name} arg ${i} = ${vn}`, () => fn(...args.map((a, j) => (i === j ? make() : a))));
        }
      });
    }
    fails.check('valid', () => {
      expect(sc.convOutputSize(7, 3, 2, 1, 1, 1)).toBe(4);
      expect(sc.convTransposeOutputSize(7, 3, 2, 1, 1, 1, 1)).toBe(14);
    });
    fails.assertNone();
  });

  test('init rejects garbage with a ConvError and keeps the default backend', async () => {
    const before = sc.backend();
    const list: [string, Make][] = sel([
      ...PLAIN_GARBAGE, named('{backend: garbage}', () => ({ backend: 'gpu' })),
      named('{backend: NaN}', () => ({ backend: NaN })), named("{backend: 'AUTO'}", () => ({ backend: 'AUTO' })),
      named('getter backend throws', () => throwingGetter('backend')),
    ]);
    const fails: string[] = [];
    for (const [name, make] of list) {
      let err: unknown;
      try {
        await sc.init(make() as never);
        fails.push(`init(${name}) resolved`);
        continue;
      } catch (e) {
        err = e;
      }
      if (!(err instanceof ConvError) || !CODES.has(err.code)) fails.push(`init(${name}) rejected with ${describeErr(err)}`);
    }
    if (sc.backend() !== before) {
      fails.push(`the default backend changed from ${before} to ${sc.backend()}`);
      await sc.init({ backend: before });
    }
    if (fails.length) throw new Error(fails.join('\n'));
  });
});

}

garbageSuites('ordinary garbage', (n) => !isHostile(n));
garbageSuites('hostile objects', isHostile);

// ---------------------------------------------------------------------------------------------
// Values that change between two reads: what the library checked must be what it uses.

/** An array whose index reads return the honest entries `honest` times, then `late`. */
function flipping<T>(arr: T[], late: unknown, honest = 1, only?: number[]): T[] {
  const reads = new Map<string, number>();
  return new Proxy(arr, {
    get(t, k, r) {
      if (typeof k === 'string' && /^\d+$/.test(k) && (only === undefined || only.includes(Number(k)))) {
        const n = (reads.get(k) ?? 0) + 1;
        reads.set(k, n);
        return n > honest ? late : t[Number(k)];
      }
      return Reflect.get(t, k, r);
    },
  });
}

describe.each(BACKENDS)('%s: arrays and getters that change after they were checked', (backend) => {
  const XD = randomTensor(new Rng(8), [1, 3, 8, 8]);
  const cases: [string, OpName, () => unknown[], RefTensor][] = [];
  const add = (what: string, op: OpName, args: () => unknown[], ref: RefTensor): void => {
    cases.push([what, op, args, ref]);
  };
  for (const late of [0, 0.5, -1, NaN, 2 ** 31]) {
    add(`conv2d stride [1, 1] then ${late}`, 'conv2d', () => [XD, W, { stride: flipping([1, 1], late), backend }], refConv2d(XD, W, { stride: 1 }));
    add(`depthwise dilation [1, 1] then ${late}`, 'depthwiseConv2d', () => [XD, DW, { dilation: flipping([1, 1], late), backend }], refDepthwiseConv2d(XD, DW, {}));
    add(`transposed stride [2, 2] then ${late}`, 'convTranspose2d', () => [XD, TW, { stride: flipping([2, 2], late), backend }], refConvTranspose2d(XD, TW, { stride: 2 }));
    add(`transposed outputPadding [1, 1] then ${late}`, 'convTranspose2d', () => [XD, TW, { stride: 2, outputPadding: flipping([1, 1], late), backend }], refConvTranspose2d(XD, TW, { stride: 2, outputPadding: 1 }));
  }
  for (const late of [-1, -3, 0.5, 2 ** 31]) {
    add(`conv2d padding [1, 1, 1, 1] then ${late}`, 'conv2d', () => [XD, W, { padding: flipping([1, 1, 1, 1], late), backend }], refConv2d(XD, W, { padding: 1 }));
    add(`separable padding [1, 1] then ${late}`, 'separableConv2d', () => [XD, DW, PW2, { padding: flipping([1, 1], late), backend }], refSeparableConv2d(XD, DW, PW2, { padding: 1 }));
  }
  for (const honest of [1, 2, 3, 4, 5]) {
    const opts = (): unknown => {
      let reads = 0;
      return Object.defineProperty({ backend }, 'groups', { enumerable: true, get: () => (++reads > honest ? 0.5 : 1) });
    };
    add(`conv2d groups getter 1 for ${honest} reads, then 0.5`, 'conv2d', () => [XD, W, opts()], refConv2d(XD, W, {}));
  }
  for (const late of [5, 100]) {
    add(`x.shape [1, 3, 8, 8] then H, W ${late}`, 'conv2d', () => [{ data: XD.data, shape: flipping(XD.shape.slice(), late, 1, [2, 3]) }, W, { backend }], refConv2d(XD, W, {}));
    add(`layer.run x.shape [1, 3, 8, 8] then H, W ${late}`, 'conv2d', () => [{ data: XD.data, shape: flipping(XD.shape.slice(), late, 1, [2, 3]) }, W, { backend, viaLayer: true }], refConv2d(XD, W, {}));
  }
  add('w.shape [4, 3, 3, 3] then kernel 1x1', 'conv2d', () => [XD, { data: W.data, shape: flipping(W.shape.slice(), 1, 1, [2, 3]) }, { backend }], refConv2d(XD, W, {}));
  add('w.shape [4, 3, 3, 3] then kernel 2x2', 'conv2d', () => [XD, { data: W.data, shape: flipping(W.shape.slice(), 2, 1, [2, 3]) }, { backend }], refConv2d(XD, W, {}));

  test.each(cases.map((c) => [c[0], c] as const))('%s: a ConvError or the result of the values checked', (_n, [what, op, args, ref]) => {
    const m0 = sc.memory();
    const r = outcome(() => {
      const a = args();
      const o = a[a.length - 1] as Record<string, unknown>;
      if (!o.viaLayer) return api[op](...a);
      const layer = api[CREATE[op]](...a.slice(1, -1), { backend });
      try {
        return layer.run(a[0]);
      } finally {
        layer.dispose();
      }
    });
    if (r.ok) {
      expectTensorClose(r.value as Tensor, ref, what);
    } else if (!(r.err instanceof ConvError)) {
      throw new Error(`${what}: threw ${describeErr(r.err)}`);
    }
    expect(sc.memory().bytesInUse).toBe(m0.bytesInUse);
    expectTensorClose(api[op](...(op === 'separableConv2d' ? [XD, DW, PW2] : [XD, op === 'conv2d' ? W : op === 'depthwiseConv2d' ? DW : TW]), { ...(op === 'convTranspose2d' ? { stride: 2 } : {}), backend }),
      op === 'conv2d' ? refConv2d(XD, W, {}) : op === 'depthwiseConv2d' ? refDepthwiseConv2d(XD, DW, {}) : op === 'separableConv2d' ? refSeparableConv2d(XD, DW, PW2, {}) : refConvTranspose2d(XD, TW, { stride: 2 }),
      `valid ${op} afterwards`);
  });
});

// fast-check: anything at all in any argument position of the ops
describe.each(BACKENDS)('%s: fc.anything() in every argument', (backend) => {
  test('ops and create*: ConvError or (for valid draws) the reference result', () => {
    const ops = OPS;
    fc.assert(
      fc.property(fc.constantFrom(...ops), fc.integer({ min: 0, max: 3 }), fc.anything({ withBigInt: true, withBoxedValues: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withMap: true, withSet: true, withDate: true }), (op, pos, v) => {
        const args: unknown[] = [X, ...WEIGHTS[op], { ...OPTS[op], backend }];
        if (pos >= args.length) return;
        const opts = args[args.length - 1] as Record<string, unknown>;
        if (pos === args.length - 1 && (v === null || v === undefined)) return; // valid: no options
        // an anything() in the options position replaces its keys' values one at a time
        if (pos === args.length - 1 && v !== null && typeof v === 'object' && !Array.isArray(v)) args[pos] = { ...opts, ...(v as object) };
        else args[pos] = v;
        const r = outcome(() => api[op](...args));
        if (!r.ok && !(r.err instanceof ConvError && CODES.has(r.err.code))) throw new Error(`${op} arg ${pos} = ${fc.stringify(v)}: threw ${describeErr(r.err)}`);
        if (r.ok) expectTensorClose(r.value as Tensor, REFS[op], `${op} accepted arg ${pos} = ${fc.stringify(v)}`);
        expectTensorClose(api[op](X, ...WEIGHTS[op], { ...OPTS[op], backend }), REFS[op], 'valid afterwards');
      }),
      { numRuns: 150, seed: 515 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Buffers that shrink after x was checked (a resizable ArrayBuffer resized by a later getter)

describe.each(BACKENDS)('%s: x on a resizable buffer that a later getter shrinks', (backend) => {
  const XD = randomTensor(new Rng(18), [1, 3, 5, 5]);
  const ref = refConv2d(XD, W, { padding: 1 });
  test.each([true, false])('length-tracking view %s: a ConvError or the result of the data checked, never stale memory', (tracking) => {
    const fails = new Failures();
    for (const via of ['w.data getter', 'opts.padding getter', 'layer.run out getter'] as const) {
      const ab = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer & { resize(n: number): void })(XD.data.byteLength, { maxByteLength: XD.data.byteLength * 4 });
      const data = tracking ? new Float32Array(ab) : new Float32Array(ab, 0, XD.data.length);
      data.set(XD.data);
      const w = via === 'w.data getter' ? { shape: W.shape, get data() { ab.resize(0); return W.data; } } : W;
      const opts: Record<string, unknown> = { backend };
      if (via === 'opts.padding getter') Object.defineProperty(opts, 'padding', { enumerable: true, get() { ab.resize(0); return 1; } });
      else opts.padding = 1;
      const r = outcome(() => {
        if (via !== 'layer.run out getter') return sc.conv2d({ data, shape: XD.shape }, w as never, opts as never);
        const layer = sc.createConv2d(W, { padding: 1, backend } as never);
        try {
          return layer.run({ data, shape: XD.shape }, { get out() { ab.resize(0); return undefined; } } as never);
        } finally {
          layer.dispose();
        }
      });
      if (r.ok) fails.check(`${via}: accepted`, () => expectTensorClose(r.value as Tensor, ref, 'result'));
      else if (!(r.err instanceof ConvError)) fails.list.push(`${via}: threw ${describeErr(r.err)}`);
    }
    fails.check('valid afterwards', () => expectTensorClose(sc.conv2d(XD, W, { padding: 1, backend } as never), ref, 'result'));
    fails.assertNone();
  });
});

// ---------------------------------------------------------------------------------------------
// Unusual but valid inputs: hardening must not refuse them

describe.each(BACKENDS)('%s: unusual but valid inputs are accepted and right', (backend) => {
  const XD = randomTensor(new Rng(19), [1, 3, 5, 5]);
  const ref = refConv2d(XD, W, { padding: 1, bias: B4 });
  const shared = (a: Float32Array): Float32Array => {
    const s = new Float32Array(new SharedArrayBuffer(a.byteLength));
    s.set(a);
    return s;
  };
  class F32 extends Float32Array {}
  class TensorClass {
    constructor(readonly data: Float32Array, readonly shape: number[]) {}
  }
  const cases: [string, () => Tensor][] = [
    ['frozen tensors, shapes and options', () => sc.conv2d(Object.freeze({ data: XD.data, shape: Object.freeze(XD.shape.slice()) }) as never,
      Object.freeze({ data: W.data, shape: Object.freeze(W.shape.slice()) }) as never, Object.freeze({ padding: Object.freeze([1, 1]), bias: B4, backend }) as never)],
    ['transparent proxies everywhere', () => sc.conv2d(new Proxy({ data: XD.data, shape: new Proxy(XD.shape.slice(), {}) }, {}),
      new Proxy({ data: W.data, shape: W.shape.slice() }, {}), new Proxy({ padding: new Proxy([1, 1, 1, 1], {}), bias: B4, backend }, {}) as never)],
    ['Float32Array subclasses', () => sc.conv2d({ data: F32.from(XD.data), shape: XD.shape }, { data: F32.from(W.data), shape: W.shape }, { padding: 1, bias: F32.from(B4), backend } as never)],
    ['SharedArrayBuffer-backed data, bias and out', () => sc.conv2d({ data: shared(XD.data), shape: XD.shape }, { data: shared(W.data), shape: W.shape },
      { padding: 1, bias: shared(B4), out: shared(new Float32Array(ref.data.length)), backend } as never)],
    ['class instances with getters', () => sc.conv2d(new TensorClass(XD.data, XD.shape.slice()), { get data() { return W.data; }, get shape() { return W.shape.slice(); } }, { padding: 1, bias: B4, backend } as never)],
    ['null-prototype options', () => sc.conv2d(XD, W, Object.assign(Object.create(null), { padding: 1, bias: B4, backend }))],
  ];
  test.each(cases)('%s', (_n, f) => {
    expectTensorClose(f(), ref, _n);
  });
});
