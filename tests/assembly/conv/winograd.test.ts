/**
 * Winograd F(2x2, 3x3) and F(4x4, 3x3) (assembly/conv/winograd.ts) on the SIMD builds, against
 * float64 loops:
 * the weight transform, then run_conv2d_winograd_f32 with odd output sizes (edge tiles half
 * outside), padding on every side and beyond the kernel, dilation 2 and 3 (tiles spread over the
 * phases), batch > 1 (tiles of two images in one block), blocks of fewer tiles than the layer
 * (T < tiles, a last short block), NHWC and NCHW output, qmin/qmax; nothing is written past the
 * output.
 */
import { expectClose, flavors, harness, Harness, randomArray, rng } from '../harness';
import { refConv } from '../../src/backends/wasm/wasm-helpers';

interface Wino {
  n: number; h: number; w: number; c: number; cout: number;
  pT?: number; pL?: number; pB?: number; pR?: number; d?: number; T?: number; nchw?: boolean;
}

/** Tile rows (columns) of an output of `size` with dilation d: per phase, groups of m rows d apart. */
function tileCount(size: number, d: number, m: number): number {
  let t = 0;
  for (let a = 0; a < d; a++) t += Math.ceil(Math.ceil((size - a) / d) / m);
  return t;
}

/** The transforms' G matrices (assembly/conv/winograd.ts), tile m -> G ((m+2) x 3). */
const G_OF: Record<number, number[][]> = {
  2: [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]],
  4: [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3], [-1 / 3, 1 / 3, -1 / 3], [-16 / 15, -8 / 15, -4 / 15], [1 / 15, -2 / 15, 4 / 15],
    [0, 0, 1]],
};

function weights(h: Harness, m: number, w: number, c: number, cout: number, u: number): void {
  if (m === 4) h.ex.winograd_weights43_f32(w, c, cout, u);
  else h.ex.winograd_weights_f32(w, c, cout, u);
}

function run(h: Harness, m: number, a: Wino, lo = -Infinity, hi = Infinity): void {
  const { n, c, cout } = a;
  const [pT, pL, pB, pR, d] = [a.pT ?? 1, a.pL ?? 1, a.pB ?? 1, a.pR ?? 1, a.d ?? 1];
  const oh = a.h + pT + pB - 2 * d, ow = a.w + pL + pR - 2 * d;
  const r = rng(n * 31 + c * 7 + a.h * 3 + d + (a.T ?? 0));
  const x = randomArray(n * a.h * a.w * c, r);
  const wts = randomArray(9 * c * cout, r);
  const bias = randomArray(cout, r);
  const nr = h.nr, mr = h.mr;
  // weights: canonical [3][3][c][cout] -> E U[e], each packed with a zero bias
  const E = (m + 2) ** 2;
  const uFloats = h.ex.packed_gemm_floats(1, c, cout, nr);
  const u = h.alloc(E * c * cout);
  weights(h, m, h.put(wts), c, cout, u);
  const packed = h.alloc(E * uFloats);
  for (let e = 0; e < E; e++) h.ex.pack_gemm_f32(1, 1, c, cout, nr, u + e * c * cout * 4, 0, packed + e * uFloats * 4);
  const tiles = n * tileCount(oh, d, m) * tileCount(ow, d, m);
  let T = Math.min(a.T ?? 64, tiles);
  T += T & 1;
  const v = h.alloc(E * T * c), mm = h.alloc(E * T * cout);
  const ind = h.alloc(E * T);
  h.ex.build_rows_indirection(ind, v, E * T, c * 4, mr);
  const zero = h.alloc(c);
  const tab = h.alloc(oh + ow);
  const outLen = n * oh * ow * cout;
  const y = h.alloc(outLen + 4, 55);
  h.ex.run_conv2d_winograd_f32(h.put(x), packed, h.put(bias), y, ind, v, mm, zero, tab, n, a.h, a.w, c, cout, oh, ow,
    pT, pL, d, T, lo, hi, a.nchw ? oh * ow : 0, m);
  const got = h.get(y, outLen + 4);
  h.reset();
  const nhwc = refConv({ n, h: a.h, w: a.w, c, oh, ow, cout, groups: 1, cinG: c, coutG: cout, kH: 3, kW: 3,
    strideH: 1, strideW: 1, dilationH: d, dilationW: d, padTop: pT, padLeft: pL, min: lo, max: hi }, x, wts, bias);
  let want: Float64Array = nhwc;
  if (a.nchw) {
    const P = oh * ow;
    want = new Float64Array(outLen);
    for (let b = 0; b < n; b++) for (let p = 0; p < P; p++) for (let o = 0; o < cout; o++) {
      want[(b * cout + o) * P + p] = nhwc[(b * P + p) * cout + o];
    }
  }
  expectClose(got.subarray(0, outLen), want, `winograd F(${m}x${m}) ${JSON.stringify(a)}`);
  expect(Array.from(got.subarray(outLen))).toEqual([55, 55, 55, 55]);
}

const cases = flavors().filter((f) => f !== 'scalar').flatMap((f) => [2, 4].map((m) => [f, m] as [typeof f, number]));

describe.each(cases)('Winograd (%s, output tile %i)', (flavor, m) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(flavor);
  });

  test('weight transform: U = G g G^T', () => {
    const g = [1, 2, 3, 4, 5, 6, 7, 8, 9]; // one (ci, co): g[r][c] at canonical [r][c][0][0]
    const n = m + 2;
    const u = h.alloc(n * n);
    weights(h, m, h.put(g), 1, 1, u);
    const got = h.get(u, n * n);
    h.reset();
    const G = G_OF[m];
    const want: number[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) s += G[i][r] * g[r * 3 + c] * G[j][c];
      want.push(s);
    }
    expectClose(got, want, 'U');
  });
  test('even and odd output sizes, padding 1', () => {
    run(h, m, { n: 1, h: 6, w: 8, c: 4, cout: 16 });
    run(h, m, { n: 1, h: 7, w: 5, c: 8, cout: 20 });
  });
  test('asymmetric padding, padding beyond the kernel, none', () => {
    run(h, m, { n: 1, h: 5, w: 9, c: 12, cout: 8, pT: 0, pL: 2, pB: 3, pR: 0 });
    run(h, m, { n: 1, h: 2, w: 3, c: 4, cout: 4, pT: 4, pL: 3, pB: 4, pR: 5 });
    run(h, m, { n: 1, h: 9, w: 9, c: 16, cout: 32, pT: 0, pL: 0, pB: 0, pR: 0 });
  });
  test('dilation 2 and 3 (tiles over the phases)', () => {
    run(h, m, { n: 1, h: 13, w: 11, c: 8, cout: 12, d: 2, pT: 2, pL: 2, pB: 2, pR: 2 });
    run(h, m, { n: 1, h: 10, w: 17, c: 4, cout: 8, d: 3, pT: 3, pL: 1, pB: 2, pR: 3 });
  });
  test('batch 3 and blocks shorter than the layer (T = 6, 2 and a last short block)', () => {
    run(h, m, { n: 3, h: 5, w: 7, c: 8, cout: 8, T: 6 });
    run(h, m, { n: 2, h: 9, w: 6, c: 4, cout: 24, T: 2 });
  });
  test('NCHW output planes, with dilation and batch', () => {
    run(h, m, { n: 2, h: 7, w: 9, c: 8, cout: 12, nchw: true });
    run(h, m, { n: 1, h: 12, w: 10, c: 4, cout: 8, d: 2, pT: 2, pL: 2, pB: 2, pR: 2, nchw: true, T: 10 });
  });
  test('NCHW output rows of whole and partial tiles (widths 8, 9, 10, 11, 4 pixels)', () => {
    for (const w of [8, 9, 10, 11, 4]) run(h, m, { n: 1, h: 6, w, c: 8, cout: 12, nchw: true });
    run(h, m, { n: 1, h: 11, w: 12, c: 4, cout: 8, pT: 0, pL: 0, pB: 0, pR: 0, nchw: true });
  });
  test('qmin / qmax (ReLU6)', () => run(h, m, { n: 1, h: 8, w: 8, c: 16, cout: 16 }, 0, 6));
  test('many channels (sums of 9 x 256 products)', () => run(h, m, { n: 1, h: 6, w: 6, c: 256, cout: 20 }));
});
