/**
 * ONNX operator conformance (Conv, ConvTranspose; ONNX 1.12.0 test data, see fixtures/README.md):
 * every vector, of rank 1, 2 and 3, runs on every backend and is compared with ONNX's expected
 * output at API.md's tolerance; also channels-last (inputs and weights transposed, output
 * transposed back) and as a prepared layer. Rank-2 vectors run their `simdconv` call
 * description; rank-1 and rank-3 ones the call their resolved ONNX attributes describe.
 */
import { expectClose, Tensor } from '../../helpers/reference';
import { moveAxis, toChannelsLast } from '../../helpers/reference-nd';
import { BACKENDS, initBackends, sc } from '../../helpers/testers';
import { OnnxVector, inputOf, loadVectors } from './fixtures';

beforeAll(() => initBackends());

const vectors = loadVectors();
const runnable = vectors;

test('the fixtures are all there: 16 node tests + 29 pytorch-converted, 28 of them rank 2, 17 rank 1 or 3', () => {
  expect(vectors.length).toBe(45);
  expect(vectors.filter((v) => v.rank === 2 && v.simdconv !== null).length).toBe(28);
  expect(vectors.filter((v) => v.rank !== 2 && v.resolved !== undefined).length).toBe(17);
});

const LAYOUTS: Record<number, [string, string]> = { 1: ['NCW', 'NWC'], 2: ['NCHW', 'NHWC'], 3: ['NCDHW', 'NDHWC'] };
type Fn = (x: Tensor, w: Tensor, o: never) => Tensor;
type Create = (w: Tensor, o: never) => sc.PreparedLayer;
const OPS: Record<string, [Fn, Create]> = {
  conv1d: [sc.conv1d, sc.createConv1d],
  conv2d: [sc.conv2d, sc.createConv2d],
  conv3d: [sc.conv3d, sc.createConv3d],
  convTranspose1d: [sc.convTranspose1d, sc.createConvTranspose1d],
  convTranspose2d: [sc.convTranspose2d, sc.createConvTranspose2d],
  convTranspose3d: [sc.convTranspose3d, sc.createConvTranspose3d],
};

/** The op and options of a vector: its simdconv description (rank 2) or its resolved attributes. */
function callOf(v: OnnxVector): { op: string; options: Record<string, unknown>; bias: boolean } {
  if (v.simdconv) return v.simdconv;
  const r = v.resolved!;
  const op = `${v.op === 'Conv' ? 'conv' : 'convTranspose'}${v.rank}d`;
  const options: Record<string, unknown> = {
    stride: r.strides, dilation: r.dilations, groups: r.group, padding: r.pads,
  };
  if (v.op === 'ConvTranspose') options.outputPadding = r.output_padding;
  return { op, options, bias: inputOf(v, 'B') !== undefined };
}

/** [A, B, ...k] -> [...k, B, A]: channels-last weights of either kind. */
function weightsLast(w: Tensor): Tensor {
  const r = w.shape.length;
  const t = moveAxis(moveAxis(w, 1, r - 1), 0, r - 1);
  return { data: Float32Array.from(t.data), shape: t.shape };
}

function call(v: OnnxVector, last: boolean, backend: string, mode: 'op' | 'layer'): Tensor {
  const c = callOf(v);
  let x = inputOf(v, 'X')!;
  let w = inputOf(v, 'W')!;
  const b = inputOf(v, 'B');
  if (last) {
    const t = toChannelsLast(x);
    x = { data: Float32Array.from(t.data), shape: t.shape };
    w = weightsLast(w);
  }
  const opts = { ...c.options, layout: LAYOUTS[v.rank][last ? 1 : 0], backend, ...(c.bias ? { bias: b!.data } : {}) } as never;
  const [fn, create] = OPS[c.op];
  if (mode === 'layer') {
    const layer = create(w, opts);
    try {
      return layer.run(x);
    } finally {
      layer.dispose();
    }
  }
  return fn(x, w, opts);
}

describe.each(BACKENDS)('%s', (backend) => {
  test.each(runnable.map((v) => [v.name, v] as const))('%s', (_n, v) => {
    const y = call(v, false, backend, 'op');
    expect(y.shape).toEqual(v.output.shape);
    expectClose(y.data, v.output.data, `${v.file} ${backend}`);
  });
  test.each(runnable.map((v) => [v.name, v] as const))('%s (channels last)', (_n, v) => {
    const y = call(v, true, backend, 'op');
    const want = toChannelsLast({ data: v.output.data, shape: v.output.shape });
    expect(y.shape).toEqual(want.shape);
    expectClose(y.data, want.data, `${v.file} ${backend} channels last`);
  });
  test.each(runnable.map((v) => [v.name, v] as const))('%s (prepared layer)', (_n, v) => {
    const y = call(v, false, backend, 'layer');
    expect(y.shape).toEqual(v.output.shape);
    expectClose(y.data, v.output.data, `${v.file} ${backend} layer`);
  });
});
