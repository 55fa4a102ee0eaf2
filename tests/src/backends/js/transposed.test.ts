/**
 * gemm + col2im against the scatter definition of a transposed convolution, on NHWC data:
 * crops, output padding (which un-crops the end, as PyTorch's gradient semantics), groups, batch.
 */
import { runDeconv } from '../../../../src/backends/js/transposed';
import { packPanels } from '../../../../src/backends/js/pack';
import { Scratch } from '../../../../src/backends/js/scratch';
import { normaliseOptions, ConvOptions } from '../../../../src/ops/options';
import { resolve, specTransposed } from '../../../../src/ops/plan';
import { canonicalWeights } from '../../../../src/tensor/layout';
import { expectClose, randomF32 } from './reference';

function check(n: number, c: number, h: number, w: number, coutG: number, kH: number, kW: number, opts: ConvOptions): void {
  const groups = opts.groups ?? 1;
  const spec = specTransposed('convTranspose2d', [c, coutG, kH, kW], normaliseOptions('convTranspose2d', opts));
  const g = resolve(spec, n, c, h, w);
  const wUser = randomF32(c * coutG * kH * kW, 2);
  const bias = randomF32(g.cout, 3);
  const packed = packPanels(canonicalWeights(spec, wUser, 'NCHW'), null, groups, c / groups, kH * kW * coutG);
  const x = randomF32(n * h * w * c, 4); // NHWC
  const y = new Float32Array(n * g.oh * g.ow * g.cout + 2).fill(5);
  runDeconv(packed, Float64Array.from(bias), g, x, y, new Scratch());
  const want = new Float64Array(y.length).fill(5);
  for (let b = 0; b < n; b++) for (let oy = 0; oy < g.oh; oy++) for (let ox = 0; ox < g.ow; ox++) {
    for (let o = 0; o < g.cout; o++) want[((b * g.oh + oy) * g.ow + ox) * g.cout + o] = bias[o];
  }
  const cinG = c / groups;
  for (let b = 0; b < n; b++) for (let iy = 0; iy < h; iy++) for (let ix = 0; ix < w; ix++) for (let i = 0; i < c; i++) {
    const grp = Math.floor(i / cinG);
    for (let ky = 0; ky < kH; ky++) for (let kx = 0; kx < kW; kx++) {
      const oy = iy * g.strideH + ky * g.dilationH - g.padTop;
      const ox = ix * g.strideW + kx * g.dilationW - g.padLeft;
      if (oy < 0 || oy >= g.oh || ox < 0 || ox >= g.ow) continue;
      for (let oc = 0; oc < coutG; oc++) {
        want[((b * g.oh + oy) * g.ow + ox) * g.cout + grp * coutG + oc] +=
          x[((b * h + iy) * w + ix) * c + i] * wUser[((i * coutG + oc) * kH + ky) * kW + kx];
      }
    }
  }
  if (opts.activation === 'relu') for (let i = 0; i < y.length - 2; i++) want[i] = Math.max(0, want[i]);
  expectClose(y, want, JSON.stringify(opts));
}

describe('runDeconv (gemm + col2im)', () => {
  it('k4 s2 p1 (dcgan)', () => check(1, 7, 4, 5, 6, 4, 4, { stride: 2, padding: 1 }));
  it('k2 s2, batch 2 (unet)', () => check(2, 5, 3, 3, 3, 2, 2, { stride: 2 }));
  it('outputPadding un-crops the end', () => check(1, 3, 4, 4, 2, 3, 3, { stride: 2, padding: [1, 1, 1, 1], outputPadding: 1 }));
  it('dilation with outputPadding below it', () => check(1, 3, 3, 4, 2, 3, 2, { dilation: [2, 3], outputPadding: [1, 2] }));
  it('groups 3, relu', () => check(2, 6, 3, 4, 2, 3, 3, { groups: 3, stride: [2, 1], padding: [0, 1, 2, 0], activation: 'relu' }));
  it('crop wider than the kernel', () => check(1, 2, 5, 5, 3, 2, 2, { stride: 3, padding: [3, 4, 2, 1] }));
  it('many pixels (several col blocks)', () => check(1, 4, 40, 45, 64, 3, 3, { stride: 2, padding: 1 }));
});
