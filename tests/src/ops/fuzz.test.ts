/**
 * Option fuzzing (fast-check, fixed seeds): any value in any option of conv2d and
 * convTranspose2d either throws a ConvError (never a TypeError, RangeError or a trap) or, when it
 * is one of API.md's forms, gives the reference result; a value outside API.md's forms must be
 * rejected. After every call a fixed valid call on the same backend must still be right.
 */
import fc from 'fast-check';
import { ConvError } from '../../../src/index';
import { Rng, expectTensorClose, randomTensor, refConv2d, refConvTranspose2d, RefOptions } from '../../helpers/reference';
import { BACKENDS, initBackends, sc } from '../../helpers/testers';

beforeAll(() => initBackends());

const rng = new Rng(99);
const X = randomTensor(rng, [1, 4, 5, 4]);
const W = randomTensor(rng, [4, 2, 2, 3]); // conv2d with groups 2 by default below
const TW = randomTensor(rng, [4, 1, 3, 2]); // transposed, Cout/g = 1
const VALID_REF = refConv2d(X, W, { groups: 2, padding: 1 });

const isInt = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min;
/** Values in API.md's forms ('yes'), outside them ('no'), or where the contract is silent ('either'). */
type Verdict = 'yes' | 'no' | 'either';
const BIG = 2 ** 28; // larger values are bug #1 in the report; do not count them twice
function intOrPair(v: unknown, min: number): Verdict {
  const one = (x: unknown): Verdict => (isInt(x, min) ? ((x as number) > BIG ? 'either' : 'yes') : 'no');
  if (v === undefined || v === null) return v === undefined ? 'yes' : 'either';
  if (Array.isArray(v)) {
    if (v.length !== 2) return 'no';
    const a = one(v[0]);
    const b = one(v[1]);
    return a === 'no' || b === 'no' ? 'no' : a === 'either' || b === 'either' ? 'either' : 'yes';
  }
  return one(v);
}
function paddingVerdict(v: unknown): Verdict {
  if (v === 'same' || v === 'valid') return 'yes';
  if (Array.isArray(v) && v.length === 4) {
    const vs = v.map((x) => intOrPair(x, 0));
    return vs.includes('no') ? 'no' : vs.includes('either') ? 'either' : 'yes';
  }
  return intOrPair(v, 0);
}

const anyValue = fc.oneof(
  fc.anything(),
  fc.integer({ min: -3, max: 4 }),
  fc.double({ noDefaultInfinity: false, noNaN: false, min: -4, max: 4 }),
  fc.constantFrom(NaN, Infinity, -Infinity, 0.5, -0, 2 ** 31, '1', 'same', 'valid', 'SAME', true, [], [1], [1, 1, 1]),
  fc.array(fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constantFrom(NaN, 1.5, '1', null)), { minLength: 1, maxLength: 5 }),
);

function outcome(f: () => { data: Float32Array; shape: number[] }): { err?: unknown; y?: { data: Float32Array; shape: number[] } } {
  try {
    return { y: f() };
  } catch (err) {
    return { err };
  }
}

describe.each(BACKENDS)('%s', (backend) => {
  const validAfter = (): void => {
    expectTensorClose(sc.conv2d(X, W, { groups: 2, padding: 1, backend } as never), VALID_REF, 'valid call after fuzzed call');
  };

  const fuzz = (name: string, key: string, verdict: (v: unknown) => Verdict, seed: number, op: 'conv2d' | 'convTranspose2d'): void => {
    test(`${op} opts.${name}: ConvError or the right result`, () => {
      fc.assert(
        fc.property(anyValue, (v) => {
          const base: Record<string, unknown> = op === 'conv2d' ? { groups: 2, stride: 2, padding: 1 } : { stride: 2, groups: 4, padding: 1 };
          const opts = { ...base, [key]: v, backend };
          const r = outcome(() => (op === 'conv2d' ? sc.conv2d(X, W, opts as never) : sc.convTranspose2d(X, TW, opts as never)));
          const ver = verdict(v);
          if (r.err !== undefined) {
            if (!(r.err instanceof ConvError)) throw new Error(`${key}=${fc.stringify(v)} threw a non-ConvError: ${String(r.err)}`);
          } else {
            if (ver === 'no') throw new Error(`${key}=${fc.stringify(v)} is not one of API.md's forms but was accepted`);
            if (ver === 'yes') {
              const ro = { ...base, [key]: v } as RefOptions;
              let ref;
              try {
                ref = op === 'conv2d' ? refConv2d(X, W, ro) : refConvTranspose2d(X, TW, ro);
              } catch {
                ref = undefined; // e.g. an empty output: the library must have thrown, and it did not
                throw new Error(`${key}=${fc.stringify(v)} gives no valid output but was accepted`);
              }
              expectTensorClose(r.y!, ref, `${key}=${fc.stringify(v)}`);
            }
          }
          validAfter();
        }),
        { numRuns: 150, seed },
      );
    });
  };

  fuzz('stride', 'stride', (v) => intOrPair(v, 1), 1, 'conv2d');
  fuzz('dilation', 'dilation', (v) => intOrPair(v, 1), 2, 'conv2d');
  fuzz('padding', 'padding', paddingVerdict, 3, 'conv2d');
  fuzz('groups', 'groups', (v) => (v === undefined ? 'no' /* groups 1 mismatches W */ : v === 2 ? 'yes' : 'no'), 4, 'conv2d');
  fuzz('activation', 'activation', (v) => (v === undefined || v === 'none' || v === 'relu' || v === 'relu6' ? 'yes' : 'no'), 5, 'conv2d');
  fuzz('layout', 'layout', (v) => (v === undefined || v === 'NCHW' ? 'yes' : v === 'NHWC' ? 'either' : 'no'), 6, 'conv2d');
  fuzz('bias', 'bias', (v) => (v === undefined ? 'yes' : 'no'), 7, 'conv2d');
  fuzz('out', 'out', (v) => (v === undefined ? 'yes' : 'no'), 8, 'conv2d');
  fuzz('stride', 'stride', (v) => intOrPair(v, 1), 9, 'convTranspose2d');
  fuzz('outputPadding', 'outputPadding', (v) => {
    const p = intOrPair(v, 0);
    if (p !== 'yes' || v === undefined) return p;
    const [a, b] = Array.isArray(v) ? v : [v, v];
    return a < 2 && b < 2 ? 'yes' : 'no'; // stride 2, dilation 1
  }, 10, 'convTranspose2d');
  fuzz('padding', 'padding', paddingVerdict, 11, 'convTranspose2d');
});
