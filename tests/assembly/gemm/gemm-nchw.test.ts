/**
 * Convolution on NCHW planes (assembly/gemm/gemm-nchw.ts) against float64 loops; nothing is
 * written past the output.
 * - run_pointwise_nchw_f32: 2x16 blocks (SIMD builds), pixel tails (P % 16: the last block
 *   overlapping its predecessor; under 16 pixels the plain loop) and odd output
 *   channel counts (row tails), batch > 1, qmin/qmax.
 * - run_conv2d_im2col_nchw_f32: blocks of 16 output columns (the last one shifted to end at the
 *   row's end), rows under 16 columns, strides 1, 2 (vector paths) and 3, dilation, padding on
 *   every side and beyond the kernel, every exit of the 8-channel k loop, rows of more blocks
 *   than the panel holds at once, batch > 1.
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

interface Im2col {
  n: number; c: number; h: number; w: number; cout: number; kH: number; kW: number;
  sH?: number; sW?: number; dH?: number; dW?: number; pT?: number; pL?: number; pB?: number; pR?: number;
}

function runIm2col(h: Harness, a: Im2col, lo = -Infinity, hi = Infinity): void {
  const { n, c, cout, kH, kW } = a;
  const [sH, sW, dH, dW] = [a.sH ?? 1, a.sW ?? 1, a.dH ?? 1, a.dW ?? 1];
  const [pT, pL, pB, pR] = [a.pT ?? 0, a.pL ?? 0, a.pB ?? 0, a.pR ?? 0];
  const oh = Math.floor((a.h + pT + pB - dH * (kH - 1) - 1) / sH) + 1;
  const ow = Math.floor((a.w + pL + pR - dW * (kW - 1) - 1) / sW) + 1;
  const r = rng(n * 7 + c * 131 + a.w * 17 + kH * 5 + kW + sW * 3 + dW);
  const x = randomArray(n * c * a.h * a.w, r);
  const K = c * kH * kW;
  const wts = randomArray(cout * K, r);
  const bias = randomArray(cout, r);
  const outLen = n * cout * oh * ow;
  const y = h.alloc(outLen + 4, 55);
  h.ex.run_conv2d_im2col_nchw_f32(h.put(x), h.put(wts), h.put(bias), y, n, c, a.h, a.w, cout, oh, ow, kH, kW,
    sH, sW, dH, dW, pT, pL, lo, hi);
  const got = h.get(y, outLen + 4);
  h.reset();
  const want = new Float64Array(outLen);
  for (let b = 0; b < n; b++) for (let co = 0; co < cout; co++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    let s = bias[co];
    for (let ci = 0; ci < c; ci++) for (let ky = 0; ky < kH; ky++) for (let kx = 0; kx < kW; kx++) {
      const iy = oy * sH - pT + ky * dH, ix = ox * sW - pL + kx * dW;
      if (iy >= 0 && iy < a.h && ix >= 0 && ix < a.w) {
        s += wts[co * K + (ci * kH + ky) * kW + kx] * x[((b * c + ci) * a.h + iy) * a.w + ix];
      }
    }
    want[((b * cout + co) * oh + oy) * ow + ox] = Math.min(Math.max(s, lo), hi);
  }
  expectClose(got.subarray(0, outLen), want, `im2col nchw ${JSON.stringify(a)}`);
  expect(Array.from(got.subarray(outLen))).toEqual([55, 55, 55, 55]);
}

describe.each(flavors())('im2col NCHW gemm (%s)', (flavor) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(flavor);
  });
  test.each([1, 5, 15, 16, 17, 31, 32, 33, 50])('output width %i (blocks, the shifted last block, narrow rows)', (ow) =>
    runIm2col(h, { n: 1, c: 3, h: 5, w: ow + 2, cout: 5, kH: 3, kW: 3 }));
  test('stride 2, padding on every side (MobileNet\'s first layer, small)', () =>
    runIm2col(h, { n: 2, c: 3, h: 11, w: 75, cout: 7, kH: 3, kW: 3, sH: 2, sW: 2, pT: 1, pL: 1, pB: 1, pR: 1 }, 0, 6));
  test('7x7 stride 2 pad 3, 37 output columns', () =>
    runIm2col(h, { n: 1, c: 3, h: 9, w: 73, cout: 4, kH: 7, kW: 7, sH: 2, sW: 2, pT: 3, pL: 3, pB: 3, pR: 3 }));
  test('stride 3, dilation 2x3, asymmetric padding', () =>
    runIm2col(h, { n: 1, c: 2, h: 12, w: 70, cout: 3, kH: 2, kW: 3, sH: 1, sW: 3, dH: 2, dW: 3, pT: 2, pL: 4, pB: 0, pR: 1 }));
  test('padding beyond the kernel (whole padding rows and blocks)', () =>
    runIm2col(h, { n: 1, c: 1, h: 2, w: 20, cout: 2, kH: 2, kW: 2, pT: 3, pL: 17, pB: 3, pR: 17 }));
  test('K = 1..17 (each exit of the 8-channel loop)', () => {
    for (let c = 1; c <= 17; c++) runIm2col(h, { n: 1, c, h: 3, w: 20, cout: 3, kH: 1, kW: 2, pL: 1 });
  });
  test('rows of more blocks than the panel holds (K 300: 6 blocks per fill)', () =>
    runIm2col(h, { n: 1, c: 12, h: 5, w: 120, cout: 2, kH: 5, kW: 5, pL: 2, pR: 2 }));
});
