/**
 * Issue 18, items 1-3, the runner's choices: bands of pixels (band >= 1024, plane >= 2 bands),
 * channel bands, the `apart` rule that lets `out` alias `x`, the direct NCHW chain (every stage
 * on the planes), and prepared layers and sequences run at sizes on both sides of a kernel's
 * threshold (the kernels keep scratch and indirection buffers between runs), on every backend
 * against the float64 reference.
 */
import { CaseSpec, LAYOUTS, OpCase, materialise } from '../../helpers/cases';
import { Layout, RefTensor, Tensor, cloneTensor, expectTensorClose } from '../../helpers/reference';
import {
  BACKENDS, LayerLike, caseData, createLayer, defineOpSuite, initBackends, referenceOf, runOp, sc,
} from '../../helpers/testers';
import { PIXEL_BANDS, PIXEL_BANDS_NCHW, SEPARABLE, at, defineLayoutSuite, unique } from './threshold-cases';

defineOpSuite('pixel bands: plane 512 and 16384 at band 8192, 2 ragged bands', PIXEL_BANDS);
defineLayoutSuite('pixel bands: plane 16383 at band 8192, 2 images, 128/129 channels (band 1024/1008)', PIXEL_BANDS_NCHW, ['NCHW']);
defineOpSuite('separable: direct NCHW chain at ow 48 / plane 576, not at ow 47, plane 480, ow 23 (stride 2), 5x5', SEPARABLE);

// ---------------------------------------------------------------------------------------------
// out aliasing x: the band paths run only when out and x are distinct or the very same array

/** Cases whose output has the input's length, on the band paths and beside them. */
const ALIAS = unique([
  at('alias pixel_bands', { op: 'pointwise', c: 8, cout: 8, h: 128, w: 128 }),
  at('alias pixel_bands_off plane_eq_512', { op: 'pointwise', c: 8, cout: 8, h: 16, w: 32 }),
  at('alias channel_bands', { op: 'depthwise', c: 17, k: 3, padding: 1, h: 64, w: 64 }),
  at('alias channel_bands m4 s2', { op: 'depthwise', c: 17, multiplier: 4, k: 3, stride: 2, padding: 1, h: 64, w: 64 }),
  at('alias channel_bands_off ow_eq_48', { op: 'depthwise', c: 4, k: 3, padding: 1, h: 6, w: 48 }),
]);

describe('out aliasing x (the `apart` rule of the band paths)', () => {
  beforeAll(() => initBackends());
  describe.each(BACKENDS)('%s', (backend) => {
    describe.each(LAYOUTS)('%s', (layout) => {
      test.each(ALIAS.map((c) => [c.name, c] as const))('%s: out is x.data itself', (_n, c) => {
        const { inp, ref } = caseData(c, layout);
        expect(ref.data.length).toBe(inp.x.data.length);
        const x = cloneTensor(inp.x);
        const y = runOp(c, { ...inp, x }, backend, { out: x.data });
        expect(y.data).toBe(x.data);
        expectTensorClose(y, ref, `${c.name} ${layout} ${backend} out === x`);
      });

      test.each(ALIAS.map((c) => [c.name, c] as const))('%s: out overlaps x at an offset', (_n, c) => {
        const { inp, ref } = caseData(c, layout);
        const len = inp.x.data.length;
        for (const shift of [16, -16]) {
          const big = new Float32Array(len + 16);
          const xAt = shift > 0 ? 0 : 16;
          big.set(inp.x.data, xAt);
          const x = { data: big.subarray(xAt, xAt + len), shape: inp.x.shape };
          const out = big.subarray(xAt + shift, xAt + shift + len);
          const y = runOp(c, { ...inp, x }, backend, { out });
          expect(y.data).toBe(out);
          expectTensorClose(y, ref, `${c.name} ${layout} ${backend} out at x ${shift > 0 ? '+' : ''}${shift}`);
        }
      });
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Prepared layers and sequences at several input sizes

/** An input size of a run; `c` changes the channels (NCHW depthwise: the multiplier follows). */
interface Size {
  n?: number;
  c?: number;
  h: number;
  w: number;
}

const sizeName = (s: Size): string => `${s.n ?? 1}x${s.c ?? ''}x${s.h}x${s.w}`;

/**
 * Runs `stages` as one prepared layer (one stage) or a sequence of prepared layers, in the given
 * order of sizes, and checks each run against the chained references. Weights come from each
 * stage's case; the input from the first stage's case at each size.
 */
function checkSizes(stages: OpCase[], sizes: Size[], backend: Parameters<typeof runOp>[2], layout: Layout): void {
  const ins = stages.map((s) => materialise(s, layout));
  const layers: LayerLike[] = stages.map((s, i) => createLayer(s, ins[i], backend));
  const net: LayerLike = layers.length === 1 ? layers[0] : sc.createSequence(layers as never);
  try {
    for (const size of sizes) {
      const first = { ...stages[0], n: size.n ?? stages[0].n, c: size.c ?? stages[0].c };
      const x = materialise(first, layout, sizeName(size), size.h, size.w).x;
      // the chained references keep the float64 intermediates (they only read x.data by index)
      let cur: Tensor = x;
      let ref: RefTensor | undefined;
      for (let i = 0; i < stages.length; i++) {
        ref = referenceOf(stages[i], { ...ins[i], x: cur });
        cur = ref as unknown as Tensor;
      }
      expectTensorClose(net.run(x), ref as RefTensor, `${stages.map((s) => s.name).join(' -> ')} ${layout} ${backend} at ${sizeName(size)}`);
    }
  } finally {
    net.dispose();
  }
}

interface SizesCase {
  title: string;
  stages: CaseSpec[];
  sizes: Size[];
  layouts?: Layout[];
}

const PREPARED: SizesCase[] = [
  {
    // gemmNchw on and off (plane 511/512), then bands of pixels (16384 = 2 bands of 8192)
    title: 'prepared pw plane_eq_511 plane_eq_512 bands',
    stages: [{ op: 'pointwise', c: 8, cout: 8, bias: true }],
    sizes: [{ h: 7, w: 73 }, { h: 16, w: 32 }, { h: 7, w: 73 }, { h: 128, w: 128 }, { h: 16, w: 32 }],
  },
  {
    // the padded-copy guard: 2 x (4 + 32780) = 4*2*4 + 65536 (rows), 2 x (3 + 32780) > 4*2*3 + 65536 (igemm)
    title: 'prepared conv rows padded_eq_guard padded_gt_guard',
    stages: [{ op: 'conv2d', c: 1, cout: 1, k: [1, 2], padding: [0, 0, 0, 32780] }],
    sizes: [{ h: 2, w: 4 }, { h: 2, w: 3 }, { h: 2, w: 4 }],
  },
  {
    // the NCHW kernel stages edge columns just past its zero row, zeroed only when allocated: a
    // wider run after a narrower one must still read zeros there (then ow 47, NHWC, and 90)
    title: 'prepared dw nchw widths 100 60 100 47 90',
    stages: [{ op: 'depthwise', c: 4, k: 3, padding: 1 }],
    sizes: [{ h: 4, w: 100 }, { h: 4, w: 60 }, { h: 4, w: 100 }, { h: 4, w: 47 }, { h: 4, w: 90 }],
  },
  {
    title: 'prepared dw nchw s2 widths 100 60 100',
    stages: [{ op: 'depthwise', c: 4, k: 3, stride: 2, padding: 1 }],
    sizes: [{ h: 5, w: 100 }, { h: 5, w: 60 }, { h: 5, w: 100 }],
  },
  {
    // NCHW depthwise weights [16, 1, 3, 3] on 16 channels (no bands, then bands of 15) and on 8 (m 2)
    title: 'prepared dw nchw channel bands band_eq_16 band_eq_15 m2',
    stages: [{ op: 'depthwise', c: 16, k: 3, padding: 1 }],
    sizes: [{ h: 64, w: 64 }, { h: 64, w: 65 }, { c: 8, h: 64, w: 64 }, { h: 64, w: 64 }],
    layouts: ['NCHW'],
  },
  {
    title: 'prepared im2col ow_eq_15 ow_eq_16 ow_eq_513',
    stages: [{ op: 'conv2d', c: 3, cout: 9, k: 3, padding: 1 }],
    sizes: [{ h: 4, w: 15 }, { h: 4, w: 16 }, { h: 2, w: 513 }, { n: 2, h: 4, w: 15 }],
  },
  {
    title: 'prepared winograd f4 sizes',
    stages: [{ op: 'conv2d', c: 16, cout: 16, k: 3, padding: 1, bias: true }],
    sizes: [{ h: 7, w: 9 }, { n: 2, h: 12, w: 5 }, { h: 7, w: 9 }],
  },
  {
    title: 'prepared deconv stride_eq_kernel sizes',
    stages: [{ op: 'transposed', c: 4, cout: 8, k: 2, stride: 2, bias: true }],
    sizes: [{ h: 5, w: 5 }, { h: 3, w: 7 }, { n: 2, h: 5, w: 5 }],
  },
  {
    title: 'prepared separable ow_eq_47 ow_eq_48 plane_eq_480',
    stages: [{ op: 'separable', c: 8, cout: 16, k: 3, padding: 1 }],
    sizes: [{ h: 12, w: 47 }, { h: 12, w: 48 }, { h: 10, w: 48 }, { h: 12, w: 48 }],
  },
];

/** Two-stage sequences on both sides of the direct-chain rule. */
const SEQUENCES: SizesCase[] = [
  {
    // im2col (a 4x8-tile layer) then pointwise: direct from pointwise planes of 512 pixels
    title: 'sequence im2col pointwise plane_eq_1024 plane_eq_256',
    stages: [{ op: 'conv2d', c: 3, cout: 8, k: 3, padding: 1 }, { op: 'pointwise', c: 8, cout: 16, bias: true }],
    sizes: [{ h: 32, w: 32 }, { h: 16, w: 16 }, { h: 32, w: 32 }],
  },
  {
    // two im2col stages: direct on any plane, rows narrower than 16 included
    title: 'sequence im2col im2col ow_eq_6 ow_eq_20',
    stages: [{ op: 'conv2d', c: 3, cout: 9, k: 3, padding: 1 }, { op: 'conv2d', c: 9, cout: 5, k: 2, activation: 'relu' }],
    sizes: [{ h: 6, w: 6 }, { h: 5, w: 21 }],
  },
  {
    title: 'sequence dw dw ow_eq_100_50 ow_eq_40_20',
    stages: [{ op: 'depthwise', c: 8, k: 3, padding: 1 }, { op: 'depthwise', c: 8, k: 3, stride: 2, padding: 1 }],
    sizes: [{ h: 6, w: 100 }, { h: 6, w: 40 }, { h: 6, w: 100 }],
  },
  {
    title: 'sequence pw pw plane_eq_512 plane_eq_480',
    stages: [{ op: 'pointwise', c: 8, cout: 16 }, { op: 'pointwise', c: 16, cout: 8 }],
    sizes: [{ h: 16, w: 32 }, { h: 15, w: 32 }, { h: 16, w: 32 }],
  },
  {
    title: 'sequence dw pw ow_eq_48 ow_eq_47',
    stages: [{ op: 'depthwise', c: 8, k: 3, padding: 1 }, { op: 'pointwise', c: 8, cout: 16 }],
    sizes: [{ h: 12, w: 48 }, { h: 12, w: 47 }, { h: 12, w: 48 }],
  },
  {
    // a transposed stage is never on the planes; the last conv writes them from its tile
    title: 'sequence deconv conv not_direct',
    stages: [{ op: 'transposed', c: 4, cout: 8, k: 2, stride: 2 }, { op: 'conv2d', c: 8, cout: 16, k: 3, padding: 1 }],
    sizes: [{ h: 5, w: 5 }, { h: 3, w: 4 }],
  },
];

function defineSizesSuite(title: string, list: SizesCase[]): void {
  describe(title, () => {
    beforeAll(() => initBackends());
    describe.each(BACKENDS)('%s', (backend) => {
      describe.each(LAYOUTS)('%s', (layout) => {
        const here = list.filter((s) => (s.layouts ?? LAYOUTS).includes(layout));
        test.each(here.map((s) => [s.title, s] as const))('%s', (_t, s) => {
          const stages = s.stages.map((spec, i) => at(`${s.title} stage ${i}`, spec));
          checkSizes(stages, s.sizes, backend, layout);
        });
      });
    });
  });
}

defineSizesSuite('prepared layers run at sizes on both sides of a threshold', PREPARED);
defineSizesSuite('sequences on both sides of the direct NCHW chain rule', SEQUENCES);
