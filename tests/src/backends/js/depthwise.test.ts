/**
 * Depthwise kernels against the defining loop on NHWC data: the 3x3 row kernels (sliding and
 * strided/dilated), zero padding into scratch, and the general per-pixel path (other kernels, m > 1).
 */
import { f32DwconvMinmax3x3Row, f32DwconvMinmax3x3Row1, padNhwc, runDepthwise } from '../../../../src/backends/js/depthwise';
import { Scratch } from '../../../../src/backends/js/scratch';
import { ConvOptions, normaliseOptions } from '../../../../src/ops/options';
import { resolve, specDepthwise } from '../../../../src/ops/plan';
import { canonicalWeights } from '../../../../src/tensor/layout';
import { expectClose, randomF32 } from './reference';

function check(n: number, c: number, h: number, w: number, m: number, kH: number, kW: number, opts: ConvOptions): void {
  const spec = specDepthwise('depthwiseConv2d', [c * m, 1, kH, kW], normaliseOptions('depthwiseConv2d', opts));
  const g = resolve(spec, n, c, h, w);
  const wUser = randomF32(c * m * kH * kW, 1);
  const bias = randomF32(c * m, 2);
  const x = randomF32(n * h * w * c, 3);
  const y = new Float32Array(n * g.oh * g.ow * g.cout + 3).fill(4);
  const s = new Scratch();
  runDepthwise(Float64Array.from(canonicalWeights(spec, wUser, 'NCHW')), Float64Array.from(bias), g, x, y, s);
  const want = new Float64Array(y.length).fill(4);
  const [min, max] = [g.min, g.max];
  for (let b = 0; b < n; b++) for (let oy = 0; oy < g.oh; oy++) for (let ox = 0; ox < g.ow; ox++) for (let o = 0; o < c * m; o++) {
    const ci = Math.floor(o / m);
    let v = bias[o];
    for (let ky = 0; ky < kH; ky++) for (let kx = 0; kx < kW; kx++) {
      const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
      const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
      if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
      v += x[((b * h + iy) * w + ix) * c + ci] * wUser[(o * kH + ky) * kW + kx];
    }
    want[((b * g.oh + oy) * g.ow + ox) * g.cout + o] = v < min ? min : v > max ? max : v;
  }
  expectClose(y, want, JSON.stringify({ n, c, h, w, m, kH, kW, opts }));
}

describe('runDepthwise', () => {
  it('3x3 s1 p1 c13 (sliding row kernel, padded copy)', () => check(1, 13, 6, 7, 1, 3, 3, { padding: 1 }));
  it('3x3 s1 valid c5 batch 2 (no copy)', () => check(2, 5, 5, 6, 1, 3, 3, {}));
  it('3x3 s2 p1 c64 (strided row kernel)', () => check(1, 64, 9, 8, 1, 3, 3, { stride: 2, padding: 1 }));
  it('3x3 d2 asymmetric padding c7 relu6', () => check(2, 7, 8, 9, 1, 3, 3, { dilation: 2, padding: [2, 1, 0, 3], activation: 'relu6' }));
  it('3x3 s1 d1x2 c3 (dilated along W only)', () => check(1, 3, 6, 9, 1, 3, 3, { dilation: [1, 2], padding: [1, 2] }));
  it('3x3 s2x1 same c17', () => check(1, 17, 7, 6, 1, 3, 3, { stride: [2, 1], padding: 'same' }));
  it('3x3 m2 c3 (general path)', () => check(1, 3, 5, 5, 2, 3, 3, { padding: 1 }));
  it('5x5 p2 c17 relu (general path)', () => check(1, 17, 6, 6, 1, 5, 5, { padding: 2, activation: 'relu' }));
  it('2x4 m3 s2 c5 (general path)', () => check(2, 5, 7, 9, 3, 2, 4, { stride: 2, padding: [0, 1, 1, 2] }));
  it('1x1 m1 c1', () => check(1, 1, 3, 4, 1, 1, 1, {}));
  it('3x3 on 1x1 input with padding 1', () => check(1, 7, 1, 1, 1, 3, 3, { padding: 1 }));
});

describe('depthwise helpers', () => {
  it('padNhwc zero-pads every side and copies the interior', () => {
    const spec = specDepthwise('depthwiseConv2d', [2, 1, 3, 3], normaliseOptions('depthwiseConv2d', { padding: [1, 2, 0, 1] }));
    const g = resolve(spec, 2, 2, 2, 3);
    const x = Float32Array.from({ length: 2 * 2 * 3 * 2 }, (_, i) => i + 1);
    const hp = 3, wp = 6;
    for (let b = 0; b < 2; b++) {
      const xp = new Float32Array(hp * wp * 2 + 1).fill(-1);
      padNhwc(x, b * 2 * 3 * 2, g, xp);
      for (let y = 0; y < hp; y++) for (let xx = 0; xx < wp; xx++) for (let c = 0; c < 2; c++) {
        const iy = y - 1, ix = xx - 2;
        const want = iy >= 0 && iy < 2 && ix >= 0 && ix < 3 ? x[((b * 2 + iy) * 3 + ix) * 2 + c] : 0;
        expect(xp[(y * wp + xx) * 2 + c]).toBe(want);
      }
      expect(xp[hp * wp * 2]).toBe(-1);
    }
  });

  it('the sliding and the strided row kernels agree at stride 1', () => {
    const c = 5, ow = 9, wp = ow + 2;
    const xp = randomF32(3 * wp * c, 8);
    const w = Float64Array.from(randomF32(9 * c, 9));
    const bias = Float64Array.from(randomF32(c, 10));
    const y1 = new Float32Array(ow * c), y2 = new Float32Array(ow * c);
    f32DwconvMinmax3x3Row1(xp, 0, wp * c, w, bias, y1, 0, c, ow, -0.5, 0.5);
    f32DwconvMinmax3x3Row(xp, 0, wp * c, c, c, w, bias, y2, 0, c, ow, -0.5, 0.5);
    expect(Array.from(y1)).toEqual(Array.from(y2));
    expect(y1.some((v) => v === 0.5) && y1.some((v) => v === -0.5)).toBe(true);
  });
});
