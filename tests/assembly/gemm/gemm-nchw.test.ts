/**
 * Pointwise convolution on NCHW planes (assembly/gemm/gemm-nchw.ts, run_pointwise_nchw_f32):
 * 2x16 blocks (SIMD builds), pixel tails (P % 16) and odd output channel counts (row tails), batch
 * > 1, qmin/qmax, against float64 loops; nothing is written past the output.
 */
import { expectClose, flavors, harness, Harness, randomArray, rng } from '../harness';

function run(h: Harness, n: number, cin: number, cout: number, P: number, lo = -Infinity, hi = Infinity): void {
  const r = rng(n * 1000 + cin * 100 + cout * 10 + P);
  const x = randomArray(n * cin * P, r);
  const w = randomArray(cout * cin, r);
  const bias = randomArray(cout, r);
  const outLen = n * cout * P;
  const y = h.alloc(outLen + 4, 55);
  h.ex.run_pointwise_nchw_f32(h.put(x), h.put(w), h.put(bias), y, n, cin, cout, P, lo, hi);
  const got = h.get(y, outLen + 4);
  h.reset();
  const want = new Float64Array(outLen);
  for (let b = 0; b < n; b++) for (let co = 0; co < cout; co++) for (let p = 0; p < P; p++) {
    let s = bias[co];
    for (let ci = 0; ci < cin; ci++) s += w[co * cin + ci] * x[(b * cin + ci) * P + p];
    want[(b * cout + co) * P + p] = Math.min(Math.max(s, lo), hi);
  }
  expectClose(got.subarray(0, outLen), want, `pointwise nchw n=${n} cin=${cin} cout=${cout} P=${P}`);
  expect(Array.from(got.subarray(outLen))).toEqual([55, 55, 55, 55]);
}

describe.each(flavors())('pointwise NCHW gemm (%s)', (flavor) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(flavor);
  });
  test.each([1, 5, 15, 16, 17, 31, 32, 33, 49, 64])('P = %i (pixel tails)', (P) => run(h, 1, 5, 4, P));
  test.each([1, 2, 3, 7, 8, 13])('cout = %i (row tails)', (cout) => run(h, 1, 6, cout, 35));
  test('k_eq_1, k large', () => {
    run(h, 1, 1, 3, 40);
    run(h, 1, 130, 5, 48);
  });
  test('batch 3, relu6', () => run(h, 3, 9, 11, 37, 0, 6));
  // the SIMD k loop runs 8 channels per trip over a packed panel and leaves after any of them
  test('cin = 1..17 (each exit of the 8-channel loop)', () => { for (let cin = 1; cin <= 17; cin++) run(h, 1, cin, 3, 33); });
  test('cin up to the panel and past it (the plain loop takes over)', () => {
    const panel = h.ex.NCHW_PANEL_CHANNELS.value as number;
    run(h, 1, panel, 2, 20);
    run(h, 1, panel + 1, 3, 18);
  });
  test('qmin / qmax', () => run(h, 2, 4, 6, 20, -0.1, 0.2));
});
