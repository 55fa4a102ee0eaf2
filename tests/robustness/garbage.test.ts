/**
 * Garbage in every argument of every public function, on every backend: NaN, Infinity, negatives,
 * fractions, strings, symbols, bigints, functions, objects, null, missing fields, enormous sizes,
 * wrong typed arrays (Float64Array, Int32Array, Uint8Array, DataView, plain arrays, an object
 * that only claims Float32Array's prototype), data shorter or longer than the shape, shapes with
 * holes, strings, bigints and NaN, frozen objects, proxies (transparent, revoked, with throwing
 * traps), getters that throw, and fast-check's anything(). Each must throw a ConvError with one of
 * API.md's codes (never a TypeError from inside, a WebAssembly.RuntimeError or a hang); afterwards
 * the same function called validly gives the reference result and memory() shows the same
 * bytesInUse and liveLayers.
 *
 * tests/src/errors.test.ts checks the code and message of each table row on the ops; this file
 * covers every exported function and the hostile values that table does not list.
 * garbage-changing.test.ts: values that change between two reads (the library must use what it
 * checked); garbage-valid.test.ts: unusual but valid inputs. The values: garbage-cases.ts.
 */
import fc from 'fast-check';
import { ConvError } from '../../src/index';
import { Tensor, expectTensorClose, randomTensor, Rng, refDepthwiseConv2d } from '../helpers/reference';
import { BACKENDS, initBackends, sc } from '../helpers/testers';
import {
  ANY, CODES, CREATE, Failures, Make, OPS, OPTS, OPTS_GARBAGE, OPT_SPECIFIC, OpName, PLAIN_GARBAGE, PW2, REFS, TW, W, DW, PW, WEIGHTS, X,
  api, describeErr, isHostile, named, numGarbage, optValues, outcome, revoked, tensorGarbage, throwingGetter,
} from './garbage-cases';

beforeAll(() => initBackends());

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
