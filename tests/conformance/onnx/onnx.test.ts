/**
 * ONNX operator conformance (Conv, ConvTranspose; ONNX 1.12.0 test data, see fixtures/README.md):
 * every rank-2 vector runs through its `simdconv` call description on every backend and is
 * compared with ONNX's expected output at API.md's tolerance; also in NHWC (inputs and weights
 * transposed, output transposed back) and as a prepared layer. Rank-1 and rank-3 vectors are
 * listed as skipped: simdconv is 2-D only.
 */
import { expectClose, nchwToNhwc, permuteTensor, Tensor } from '../../helpers/reference';
import { BACKENDS, initBackends, sc } from '../../helpers/testers';
import { OnnxVector, inputOf, loadVectors } from './fixtures';

beforeAll(() => initBackends());

const vectors = loadVectors();
const runnable = vectors.filter((v) => v.rank === 2 && v.simdconv !== null);
const skipped = vectors.filter((v) => !(v.rank === 2 && v.simdconv !== null));

test('the fixtures are all there: 16 node tests + 29 pytorch-converted, 28 of them rank 2 (17 rank 1 or 3)', () => {
  expect(vectors.length).toBe(45);
  expect(runnable.length).toBe(28);
  expect(skipped.length).toBe(17);
  expect(skipped.every((v) => v.rank !== 2)).toBe(true);
});

function call(v: OnnxVector, layout: 'NCHW' | 'NHWC', backend: string, mode: 'op' | 'layer'): Tensor {
  const c = v.simdconv!;
  let x = inputOf(v, 'X')!;
  let w = inputOf(v, 'W')!;
  const b = inputOf(v, 'B');
  if (layout === 'NHWC') {
    x = nchwToNhwc(x);
    // OIHW -> HWIO (conv); [Cin, Cout/g, kH, kW] -> [kH, kW, Cout/g, Cin] (transposed): both (2, 3, 1, 0)
    w = permuteTensor(w, [2, 3, 1, 0]);
  }
  const opts = { ...c.options, layout, backend, ...(c.bias ? { bias: b!.data } : {}) } as never;
  if (mode === 'layer') {
    const layer = c.op === 'conv2d' ? sc.createConv2d(w, opts) : sc.createConvTranspose2d(w, opts);
    try {
      return layer.run(x);
    } finally {
      layer.dispose();
    }
  }
  return c.op === 'conv2d' ? sc.conv2d(x, w, opts) : sc.convTranspose2d(x, w, opts);
}

describe.each(BACKENDS)('%s', (backend) => {
  test.each(runnable.map((v) => [v.name, v] as const))('%s', (_n, v) => {
    const y = call(v, 'NCHW', backend, 'op');
    expect(y.shape).toEqual(v.output.shape);
    expectClose(y.data, v.output.data, `${v.file} ${backend}`);
  });
  test.each(runnable.map((v) => [v.name, v] as const))('%s (NHWC)', (_n, v) => {
    const y = call(v, 'NHWC', backend, 'op');
    const want = nchwToNhwc({ data: v.output.data, shape: v.output.shape });
    expect(y.shape).toEqual(want.shape);
    expectClose(y.data, want.data, `${v.file} ${backend} NHWC`);
  });
  test.each(runnable.map((v) => [v.name, v] as const))('%s (prepared layer)', (_n, v) => {
    const y = call(v, 'NCHW', backend, 'layer');
    expect(y.shape).toEqual(v.output.shape);
    expectClose(y.data, v.output.data, `${v.file} ${backend} layer`);
  });
});

describe('not 2-D (simdconv is 2-D only)', () => {
  for (const v of skipped) test.skip(`${v.name} (rank ${v.rank})`, () => undefined);
});
