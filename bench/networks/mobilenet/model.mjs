/**
 * The network of bench/networks/mobilenet.mjs: the 27 layers of the MobileNetV1 body as bench
 * cases with seeded He-scaled weights, the prepared simdconv layers, the ONNX model of the whole
 * body, and the share of each layer's outputs that ReLU6 clamps. bench/browser.mjs builds the same.
 */
import { buildCase } from '../../cases.mjs';
import { buildConvModel } from '../../peers/onnx-model.mjs';

/** The 27 layers of the MobileNetV1 body as bench cases (bench/cases.mjs schema), NCHW sizes. */
export function mobilenetSpecs() {
  const specs = [{ name: 'conv0', type: 'standard', c: 3, h: 224, w: 224, cout: 32, k: 3, stride: 2, pad: 1 }];
  // [output channels of the pointwise, stride of the depthwise]
  const blocks = [[64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
    [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1]];
  let c = 32;
  let hw = 112;
  blocks.forEach(([cout, s], i) => {
    const n = i + 1;
    specs.push({ name: `dw${n}${s === 2 ? 's2' : ''}`, type: 'depthwise', c, h: hw, w: hw, cout: c, k: 3, stride: s, pad: 1 });
    hw = Math.floor((hw + 2 - 3) / s) + 1;
    specs.push({ name: `pw${n}`, type: 'pointwise', c, h: hw, w: hw, cout, k: 1, stride: 1, pad: 0 });
    c = cout;
  });
  return specs;
}

/**
 * Seeded cases with He-style gain: buildCase draws U(-1,1)/sqrt(fan-in); x sqrt(6) gives
 * Var(w) = 2/fan-in, so the second moment of the activations holds through the ReLUs. The input is
 * U(-3,3), so the pre-activations have a standard deviation near 2.5 and ReLU6 clamps at 6 too.
 */
export function mobilenetCases(seed = 7) {
  const GAIN = Math.sqrt(6);
  const INPUT_SCALE = 3;
  return mobilenetSpecs().map((spec, i) => {
    const bc = buildCase(spec, seed * 1000 + i);
    for (const wt of bc.weights) for (const l of ['NCHW', 'NHWC']) wt[l].data.forEach((v, j, a) => { a[j] = v * GAIN; });
    if (i === 0) for (const l of ['NCHW', 'NHWC']) bc.x[l].data.forEach((v, j, a) => { a[j] = v * INPUT_SCALE; });
    return bc;
  });
}

const CREATE = { conv2d: 'createConv2d', depthwiseConv2d: 'createDepthwiseConv2d', pointwiseConv2d: 'createPointwiseConv2d' };

/** The 27 prepared simdconv layers with bias and ReLU6. */
export function createLayers(lib, cases, layout, backend) {
  return cases.map((bc) => lib[CREATE[bc.kind]](...bc.weights.map((w) => w[layout]), { ...bc.options(layout, backend), activation: 'relu6' }));
}

/**
 * The ONNX model: buildConvModel encodes the 27 Conv nodes (weights, biases, attributes). Its
 * nodes always carry Conv attributes, which Clip rejects, so the 27 Clip(0,6) nodes and their two
 * scalar initializers are appended as a second GraphProto field of the ModelProto: protobuf merges
 * repeated embedded messages (the nodes and initializers are concatenated) and onnxruntime sorts
 * the graph topologically. A `Clip` (attribute-less node) option in buildConvModel would remove
 * this fragment (see the report).
 */
export function mobilenetOnnx(cases, { withClip = true } = {}) {
  const nodes = cases.map((bc, i) => {
    const s = bc.spec;
    const w = bc.weights[0].NCHW;
    return {
      op: 'Conv', input: i === 0 ? 'x' : `a${i - 1}`, output: withClip ? `c${i}` : (i === cases.length - 1 ? 'y' : `a${i}`),
      wDims: w.shape, w: w.data, b: bc.bias, kernel: [s.k, s.k], strides: [s.stride, s.stride],
      pads: [s.pad, s.pad, s.pad, s.pad], dilations: [1, 1], group: s.type === 'depthwise' ? s.c : 1,
    };
  });
  const model = buildConvModel({ nodes, inputName: 'x', inputDims: cases[0].xShape, outputName: 'y', outputDims: cases.at(-1).outShape });
  if (!withClip) return model;
  // Minimal protobuf for the fragment: GraphProto{ node=1 NodeProto{input=1, output=2, name=3,
  // op_type=4}, initializer=5 TensorProto{data_type=2, name=8, raw_data=9} } in ModelProto.graph=7.
  const te = new TextEncoder();
  const varint = (n) => { const o = []; while (n >= 0x80) { o.push((n & 0x7f) | 0x80); n >>>= 7; } o.push(n); return o; };
  const field = (f, bytes) => [...varint(f * 8 + 2), ...varint(bytes.length), ...bytes];
  const str = (f, s) => field(f, [...te.encode(s)]);
  const scalar = (name, v) => [0x10, 1, ...str(8, name), ...field(9, [...new Uint8Array(Float32Array.of(v).buffer)])];
  const graph = [];
  cases.forEach((_, i) => {
    const node = [...str(1, `c${i}`), ...str(1, 'clip_min'), ...str(1, 'clip_max'),
      ...str(2, i === cases.length - 1 ? 'y' : `a${i}`), ...str(3, `clip${i}`), ...str(4, 'Clip')];
    graph.push(...field(1, node));
  });
  graph.push(...field(5, scalar('clip_min', 0)), ...field(5, scalar('clip_max', 6)));
  const frag = Uint8Array.from(field(7, graph));
  const out = new Uint8Array(model.length + frag.length);
  out.set(model);
  out.set(frag, model.length);
  return out;
}

export function clampStats(cases, lib, path) {
  // The one-by-one outputs of each layer: share of exact zeros and of exact sixes.
  const layers = createLayers(lib, cases, 'NCHW', path);
  let t = cases[0].x.NCHW;
  const stats = cases.map((bc, i) => {
    t = layers[i].run(t);
    let z = 0; let six = 0; let s2 = 0;
    for (const v of t.data) { if (v === 0) z++; else if (v === 6) six++; s2 += v * v; }
    return { layer: bc.spec.name, zeros: z / t.data.length, sixes: six / t.data.length, rms: Math.sqrt(s2 / t.data.length) };
  });
  for (const l of layers) l.dispose();
  return stats;
}
