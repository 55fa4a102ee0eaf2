/**
 * The NCHW plane depthwise path against the NHWC one (itself tested against the definition in
 * depthwise.test.ts): 3x3 sliding and strided rows, generic kernels, multipliers, padded copies of
 * short and long rows.
 */
import { runDepthwise } from '../../../../src/backends/js/depthwise';
import { padPlane, runDepthwiseNchw } from '../../../../src/backends/js/depthwise-nchw';
import { Scratch } from '../../../../src/backends/js/scratch';
import { ConvOptions, normaliseOptions } from '../../../../src/ops/options';
import { resolve, specDepthwise } from '../../../../src/ops/plan';
import { canonicalWeights } from '../../../../src/tensor/layout';
import { expectClose, randomF32, toNchw, toNhwc } from './reference';

function check(n: number, c: number, h: number, w: number, m: number, kH: number, kW: number, opts: ConvOptions): void {
  const spec = specDepthwise('depthwiseConv2d', [c * m, 1, kH, kW], normaliseOptions('depthwiseConv2d', opts));
  const g = resolve(spec, n, c, h, w);
  const canon = canonicalWeights(spec, randomF32(c * m * kH * kW, 1), 'NCHW');
  const taps = kH * kW;
  const wt = new Float64Array(canon.length);
  for (let t = 0; t < taps; t++) for (let o = 0; o < g.cout; o++) wt[o * taps + t] = canon[t * g.cout + o];
  const bias = Float64Array.from(randomF32(g.cout, 2));
  const x = randomF32(n * c * h * w, 3);
  const yNchw = new Float32Array(n * g.cout * g.oh * g.ow);
  runDepthwiseNchw(wt, bias, g, x, yNchw, new Scratch());
  const yNhwc = new Float32Array(yNchw.length);
  runDepthwise(Float64Array.from(canon), bias, g, toNhwc(x, n, c, h, w), yNhwc, new Scratch());
  expectClose(yNchw, toNchw(yNhwc, n, g.oh, g.ow, g.cout), JSON.stringify({ n, c, h, w, m, kH, kW, opts }));
}

describe('runDepthwiseNchw', () => {
  it('3x3 s1 p1 (sliding rows)', () => check(2, 5, 7, 9, 1, 3, 3, { padding: 1 }));
  it('3x3 s1 valid (no copy)', () => check(1, 3, 6, 6, 1, 3, 3, {}));
  it('3x3 s2 p1 on 70-wide rows (set copy)', () => check(1, 4, 5, 70, 1, 3, 3, { stride: 2, padding: 1, activation: 'relu6' }));
  it('3x3 d2 asymmetric', () => check(1, 7, 9, 8, 1, 3, 3, { dilation: [2, 1], padding: [2, 0, 1, 3] }));
  it('3x3 m3 same s2', () => check(2, 3, 8, 7, 3, 3, 3, { stride: 2, padding: 'same' }));
  it('5x2 m2 s1x2 relu (generic taps)', () => check(1, 5, 9, 8, 2, 5, 2, { stride: [1, 2], padding: [2, 1], activation: 'relu' }));
  it('1x1 c13', () => check(1, 13, 3, 3, 1, 1, 1, {}));
});

describe('padPlane', () => {
  it.each([[3, 4], [2, 65]])('pads a %ix%i plane', (h, w) => {
    const x = Float32Array.from({ length: 5 + h * w }, (_, i) => i);
    const [pt, pl, pb, pr] = [2, 1, 0, 3];
    const hp = pt + h + pb, wp = pl + w + pr;
    const plane = new Float32Array(hp * wp).fill(-1);
    padPlane(x, 5, h, w, pt, pl, pb, pr, plane);
    for (let y = 0; y < hp; y++) for (let xx = 0; xx < wp; xx++) {
      const iy = y - pt, ix = xx - pl;
      expect(plane[y * wp + xx]).toBe(iy >= 0 && iy < h && ix >= 0 && ix < w ? x[5 + iy * w + ix] : 0);
    }
  });
});
