/** im2col against its defining formula, on padded, strided, dilated, grouped, batched geometries. */
import { im2col, stridesOf } from '../../../../src/backends/js/im2col';
import { normaliseOptions, ConvOptions } from '../../../../src/ops/options';
import { Geometry, resolve, specConv2d } from '../../../../src/ops/plan';
import { randomF32 } from './reference';

function geom(n: number, c: number, h: number, w: number, cout: number, kH: number, kW: number, opts: ConvOptions): Geometry {
  const g = opts.groups ?? 1;
  return resolve(specConv2d('conv2d', [cout, c / g, kH, kW], normaliseOptions('conv2d', opts)), n, c, h, w);
}

const cases: Record<string, Geometry> = {
  valid_3x3_c1: geom(1, 1, 5, 5, 1, 3, 3, {}),
  pad1_3x3_c3_n2: geom(2, 3, 4, 5, 2, 3, 3, { padding: 1 }),
  asym_5x2_s2x1_d1x2_c5: geom(1, 5, 9, 8, 2, 5, 2, { stride: [2, 1], dilation: [1, 2], padding: [2, 1, 0, 3] }),
  grouped_g3_c6: geom(2, 6, 5, 4, 3, 3, 3, { groups: 3, padding: [1, 0] }),
  big_padding: geom(1, 2, 2, 2, 1, 3, 3, { padding: 4 }),
};

describe.each(['NHWC', 'NCHW'] as const)('im2col from %s', (layout) => {
  it.each(Object.entries(cases))('%s', (_name, g) => {
    const x = randomF32(g.n * g.h * g.w * g.c, 5);
    const xs = stridesOf(layout, g.c, g.h, g.w);
    const K = g.kH * g.kW * g.cinG;
    const total = g.n * g.oh * g.ow;
    for (let grp = 0; grp < g.groups; grp++) {
      // blocks that start mid-row and mid-image
      for (const [p0, mc] of [[0, total], [1, Math.min(5, total - 1)], [Math.max(0, total - 3), Math.min(3, total)]]) {
        const col = new Float32Array(mc * K + 1).fill(-7);
        im2col(x, xs, g, grp, p0, mc, col);
        for (let r = 0; r < mc; r++) {
          const p = p0 + r;
          const b = Math.floor(p / (g.oh * g.ow));
          const oy = Math.floor((p % (g.oh * g.ow)) / g.ow);
          const ox = p % g.ow;
          for (let ky = 0; ky < g.kH; ky++) for (let kx = 0; kx < g.kW; kx++) for (let ci = 0; ci < g.cinG; ci++) {
            const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
            const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
            const ch = grp * g.cinG + ci;
            const at = layout === 'NHWC' ? ((b * g.h + iy) * g.w + ix) * g.c + ch : ((b * g.c + ch) * g.h + iy) * g.w + ix;
            const want = iy < 0 || iy >= g.h || ix < 0 || ix >= g.w ? 0 : x[at];
            expect(col[r * K + (ky * g.kW + kx) * g.cinG + ci]).toBe(want);
          }
        }
        expect(col[mc * K]).toBe(-7);
      }
    }
  });
});
