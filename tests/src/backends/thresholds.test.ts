/**
 * Issue 18, items 1-3: every size- or shape-driven path choice of the conv kernels (row-merged
 * mode, 4x8 / 2x16 / grouped tiles and their panels, Winograd F(4x4) / F(2x2) and its NaN
 * fallback, im2col on NCHW planes, the NCHW pointwise kernel and its caps, column blocks), with
 * cases on both sides of each threshold, on every backend and layout against the float64
 * reference. The depthwise and transposed choices are in thresholds-dw.test.ts, the runner's
 * (bands, aliasing, chains, prepared layers at several sizes) in thresholds-runner.test.ts.
 */
import { LAYOUTS, materialise } from '../../helpers/cases';
import { Tensor, cloneTensor, expectTensorClose } from '../../helpers/reference';
import { BACKENDS, caseData, createLayer, defineOpSuite, initBackends, referenceOf, runOp } from '../../helpers/testers';
import {
  BLOCKS, DEPTHWISE_CONV, IM2COL, POINTWISE, POINTWISE_CAPS, ROWS, TILES, TRANSPOSES, WINOGRAD, at, defineLayoutSuite, unique,
} from './threshold-cases';

defineOpSuite('row-merged mode: cin 16/17, kW 1/3, dilationW 1/2, padded-copy guard', ROWS);
defineOpSuite('tiles: coutG 8/9 (4x8 or 2x16), groups of 4 outputs, 2x16 panel tails', TILES);
defineOpSuite('Winograd: cin/cout 12/16/18, cin 256/257/260, dilation 3/4, cin+cout 60/64, blocks of tiles', WINOGRAD);
defineOpSuite('im2col on NCHW planes: K 64/65/72, cout 8/9, ow 15/16/17, ow 512/513 (PANEL chunks)', IM2COL);
defineOpSuite('NCHW pointwise kernel: plane 511/512/513/527, stride, padding', POINTWISE);
defineLayoutSuite('NCHW pointwise kernel caps: cin 2048/2049, weights at and over 512 KiB', POINTWISE_CAPS, ['NCHW']);
defineOpSuite('column and pixel blocks: wasm L2 blocks (K 1023, 64/65 columns), js B blocks (K 511), js im2col blocks (K 576)', BLOCKS);
defineOpSuite('depthwise written as conv2d: groups = Cin = Cout, and its neighbours', DEPTHWISE_CONV);
defineOpSuite('layout transposes: 1, 3 and 4 channels, 1, 3 and 4 pixels', TRANSPOSES);

/**
 * Winograd layers run the igemm when the input holds NaN or infinity (packIgemm rebuilds its
 * weights from the transformed ones): F(4x4) with 16 input channels (whose fallback is the
 * row-merged mode), F(2x2) from 260 channels and from dilation 4, each also after and before a
 * finite input on the same prepared layer.
 */
const WINO_NONFINITE = unique([
  at('nonfinite f4 rows', { op: 'conv2d', c: 16, cout: 16, k: 3, padding: 1, h: 7, w: 9 }),
  at('nonfinite f4 valid', { op: 'conv2d', c: 20, cout: 16, k: 3, h: 8, w: 9, bias: true }),
  at('nonfinite f2 cin_eq_260', { op: 'conv2d', c: 260, cout: 16, k: 3, padding: 1, h: 6, w: 6 }),
  at('nonfinite f2 dilation_eq_4', { op: 'conv2d', c: 32, cout: 32, k: 3, dilation: 4, padding: 4, h: 9, w: 10 }),
]);

function withNonFinite(x: Tensor): Tensor {
  const t = cloneTensor(x);
  const n = t.data.length;
  t.data[Math.floor(n / 3)] = NaN;
  t.data[Math.floor((2 * n) / 3)] = Infinity;
  t.data[5] = -Infinity;
  return t;
}

describe('Winograd layers on inputs with NaN and infinity (the igemm fallback)', () => {
  beforeAll(() => initBackends());
  describe.each(BACKENDS)('%s', (backend) => {
    describe.each(LAYOUTS)('%s', (layout) => {
      test.each(WINO_NONFINITE.map((c) => [c.name, c] as const))('%s', (_n, c) => {
        const { inp } = caseData(c, layout);
        const bad = { ...inp, x: withNonFinite(inp.x) };
        expectTensorClose(runOp(c, bad, backend), referenceOf(c, bad), `${c.name} ${layout} ${backend} NaN/Inf`);
        const act = { ...bad, opts: { ...bad.opts, activation: 'relu6' as const } };
        expectTensorClose(runOp(c, act, backend), referenceOf({ ...c, activation: 'relu6' }, act), `${c.name} ${layout} ${backend} NaN/Inf relu6`);
      });

      test.each(WINO_NONFINITE.map((c) => [c.name, c] as const))('%s: one prepared layer on finite, non-finite, finite inputs', (_n, c) => {
        const { inp, ref } = caseData(c, layout);
        const layer = createLayer(c, inp, backend);
        try {
          const bad = { ...inp, x: withNonFinite(inp.x) };
          const other = { ...inp, x: materialise(c, layout, 'larger', c.h + 3, c.w + 1).x };
          expectTensorClose(layer.run(inp.x), ref, `${c.name} ${layout} ${backend} finite first`);
          expectTensorClose(layer.run(bad.x), referenceOf(c, bad), `${c.name} ${layout} ${backend} non-finite`);
          expectTensorClose(layer.run(inp.x), ref, `${c.name} ${layout} ${backend} finite again`);
          expectTensorClose(layer.run(other.x), referenceOf(c, other), `${c.name} ${layout} ${backend} finite, larger`);
          expectTensorClose(layer.run(bad.x), referenceOf(c, bad), `${c.name} ${layout} ${backend} non-finite again`);
        } finally {
          layer.dispose();
        }
      });
    });
  });
});
