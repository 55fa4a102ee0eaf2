/**
 * convOutputSize and convTransposeOutputSize: API.md's formulas, checked on named values and,
 * with fast-check, against brute-force counts of window positions / scattered rows.
 */
import fc from 'fast-check';
import { ConvError, convOutputSize, convTransposeOutputSize } from '../../../src/index';

/** Number of window positions o >= 0 whose last tap o*s - p0 + d*(K-1) stays inside the padded input. */
function bruteConv(i: number, k: number, s: number, p0: number, p1: number, d: number): number {
  let n = 0;
  for (let o = 0; o * s + d * (k - 1) <= i + p0 + p1 - 1; o++) n++;
  return n;
}

/** Rows of the full scatter output ((I-1)s + d(K-1) + 1) plus outputPadding, minus the crops. */
function bruteTranspose(i: number, k: number, s: number, p0: number, p1: number, d: number, op: number): number {
  let last = 0;
  for (let r = 0; r < i; r++) for (let t = 0; t < k; t++) last = Math.max(last, r * s + t * d);
  return last + 1 + op - p0 - p1;
}

describe('convOutputSize', () => {
  test.each([
    // [I, K, s, p0, p1, d, expected]
    [5, 3, 1, 0, 0, 1, 3],
    [5, 3, 1, 1, 1, 1, 5],
    [5, 3, 2, 1, 1, 1, 3],
    [7, 3, 2, 1, 0, 1, 3],
    [7, 3, 2, 1, 1, 1, 4],
    [224, 7, 2, 3, 3, 1, 112],
    [8, 3, 2, 1, 1, 2, 3],
    [6, 2, 2, 0, 0, 1, 3],
    [5, 5, 1, 0, 0, 1, 1],
    [1, 3, 1, 1, 1, 1, 1],
    [4, 3, 3, 0, 0, 1, 1],
    [10, 3, 1, 0, 0, 4, 2],
  ])('I=%i K=%i s=%i p=(%i,%i) d=%i -> %i', (i, k, s, p0, p1, d, want) => {
    expect(convOutputSize(i, k, s, p0, p1, d)).toBe(want);
  });

  test('defaults: stride 1, no padding, dilation 1', () => {
    expect(convOutputSize(5, 3)).toBe(3);
    expect(convOutputSize(5, 3, 2)).toBe(2);
    expect(convOutputSize(5, 3, 2, 1)).toBe(2); // padEnd defaults to 0: floor((5+1-3)/2)+1
    expect(convOutputSize(5, 3, 1, 1, 1)).toBe(5);
  });

  test('a kernel larger than the padded input gives a size below 1', () => {
    expect(convOutputSize(2, 5)).toBeLessThan(1);
    expect(convOutputSize(3, 3, 1, 0, 0, 2)).toBeLessThan(1);
  });

  test('matches a brute-force count of window positions (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 4 }),
        (i, k, s, p0, p1, d) => {
          const b = bruteConv(i, k, s, p0, p1, d);
          if (b >= 1) expect(convOutputSize(i, k, s, p0, p1, d)).toBe(b);
          else expect(convOutputSize(i, k, s, p0, p1, d)).toBeLessThan(1);
        },
      ),
      { numRuns: 500, seed: 42 },
    );
  });
});

describe('convTransposeOutputSize', () => {
  test.each([
    // [I, K, s, p0, p1, d, op, expected]
    [3, 3, 1, 0, 0, 1, 0, 5],
    [3, 3, 3, 0, 0, 1, 1, 10],
    [3, 3, 2, 0, 0, 1, 1, 8],
    [3, 3, 3, 1, 1, 1, 0, 7],
    [3, 3, 2, 2, 2, 1, 0, 3],
    [3, 2, 1, 0, 0, 2, 0, 5],
    [4, 4, 2, 1, 1, 1, 0, 8],
    [7, 3, 3, 1, 1, 1, 1, 20],
    [1, 1, 1, 0, 0, 1, 0, 1],
  ])('I=%i K=%i s=%i p=(%i,%i) d=%i op=%i -> %i', (i, k, s, p0, p1, d, op, want) => {
    expect(convTransposeOutputSize(i, k, s, p0, p1, d, op)).toBe(want);
  });

  test('defaults', () => {
    expect(convTransposeOutputSize(3, 3)).toBe(5);
    expect(convTransposeOutputSize(3, 3, 2)).toBe(7);
    expect(convTransposeOutputSize(3, 3, 2, 1, 1)).toBe(5);
  });

  test('matches the scattered rows minus crops plus outputPadding (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 }),
        (i, k, s, p0, p1, d, op) => {
          expect(convTransposeOutputSize(i, k, s, p0, p1, d, op)).toBe(bruteTranspose(i, k, s, p0, p1, d, op));
        },
      ),
      { numRuns: 500, seed: 43 },
    );
  });
});

describe('bad arguments throw ConvError naming the helper and the argument', () => {
  test.each([
    ['convOutputSize', () => convOutputSize(NaN, 3), 'inSize'],
    ['convOutputSize', () => convOutputSize(5, 0), 'kernel'],
    ['convOutputSize', () => convOutputSize(5, 3, 1.5), 'stride'],
    ['convOutputSize', () => convOutputSize(5, 3, 1, -1), 'padBegin'],
    ['convOutputSize', () => convOutputSize(5, 3, 1, 0, 0, Infinity), 'dilation'],
    ['convTransposeOutputSize', () => convTransposeOutputSize(3, 3, 0), 'stride'],
    ['convTransposeOutputSize', () => convTransposeOutputSize(3, 3, 1, 0, 0, 1, -1), 'outputPadding'],
    ['convTransposeOutputSize', () => convTransposeOutputSize(3, '3' as never), 'kernel'],
  ])('%s %#', (fn, f, arg) => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConvError);
    expect((err as Error).message).toContain(fn);
    expect((err as Error).message).toContain(arg);
    expect(convOutputSize(5, 3, 1, 1, 1)).toBe(5);
  });
});
