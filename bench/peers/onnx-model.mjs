/**
 * A minimal ONNX protobuf encoder: builds a ModelProto holding one Conv or ConvTranspose node
 * (or a chain of them, for separable conv) with the weights and biases as float initializers,
 * so onnxruntime-web can be benchmarked without the `onnx` package.
 *
 * Wire format (proto3, field numbers from onnx/onnx.proto, IR version 8, opset 17):
 *   ModelProto     ir_version=1 (varint), producer_name=2, graph=7, opset_import=8
 *   OperatorSetId  domain=1, version=2
 *   GraphProto     node=1, name=2, initializer=5, input=11, output=12
 *   NodeProto      input=1, output=2, name=3, op_type=4, attribute=5
 *   AttributeProto name=1, i=3, ints=8 (repeated int64), type=20 (INT=2, INTS=7)
 *   TensorProto    dims=1, data_type=2 (FLOAT=1), name=8, raw_data=9 (little-endian f32)
 *   ValueInfoProto name=1, type=2 -> TypeProto tensor_type=1 -> elem_type=1, shape=2
 *                  -> TensorShapeProto dim=1 -> Dimension dim_value=1
 */

const enc = new TextEncoder();

/** Growable byte sink with the few protobuf primitives the messages below need. */
class Writer {
  constructor() { this.parts = []; this.length = 0; }
  bytes(u8) { this.parts.push(u8); this.length += u8.length; return this; }
  varint(v) {
    // Non-negative integers only (sizes, counts, enum values): up to 2^53.
    const out = [];
    let n = v;
    while (n >= 0x80) { out.push((n % 0x80) | 0x80); n = Math.floor(n / 0x80); }
    out.push(n);
    return this.bytes(Uint8Array.from(out));
  }
  tag(field, wire) { return this.varint(field * 8 + wire); }
  int(field, v) { return this.tag(field, 0).varint(v); }
  len(field, u8) { return this.tag(field, 2).varint(u8.length).bytes(u8); }
  str(field, s) { return this.len(field, enc.encode(s)); }
  msg(field, w) { return this.len(field, w.finish()); }
  finish() {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const p of this.parts) { out.set(p, o); o += p.length; }
    return out;
  }
}

function attrInt(name, v) {
  return new Writer().str(1, name).int(3, v).int(20, 2);
}

function attrInts(name, vs) {
  const w = new Writer().str(1, name);
  for (const v of vs) w.int(8, v);
  return w.int(20, 7);
}

function tensorF32(name, dims, data) {
  const w = new Writer();
  for (const d of dims) w.int(1, d);
  w.int(2, 1).str(8, name);
  // raw_data is little-endian; every platform Node runs on is.
  return w.len(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function valueInfo(name, dims) {
  const shape = new Writer();
  for (const d of dims) shape.msg(1, new Writer().int(1, d));
  const tensorType = new Writer().int(1, 1).msg(2, shape);
  return new Writer().str(1, name).msg(2, new Writer().msg(1, tensorType));
}

/**
 * One ONNX node description.
 * @typedef {object} OnnxNode
 * @property {'Conv'|'ConvTranspose'} op
 * @property {string} input    name of the activation input
 * @property {string} output
 * @property {number[]} wDims  OIHW for Conv, IOHW for ConvTranspose
 * @property {Float32Array} w
 * @property {Float32Array} [b]
 * @property {number[]} kernel [kH, kW]
 * @property {number[]} strides
 * @property {number[]} pads   [top, left, bottom, right]
 * @property {number[]} dilations
 * @property {number} group
 * @property {number[]} [outputPadding]
 */

/**
 * Encode a model whose graph is the given chain of Conv/ConvTranspose nodes.
 * @param {{ nodes: OnnxNode[], inputName: string, inputDims: number[], outputName: string, outputDims: number[] }} spec
 * @returns {Uint8Array} the serialized ModelProto
 */
export function buildConvModel(spec) {
  const graph = new Writer();
  spec.nodes.forEach((n, i) => {
    const wName = `W${i}`;
    const bName = `B${i}`;
    const node = new Writer().str(1, n.input).str(1, wName);
    if (n.b) node.str(1, bName);
    node.str(2, n.output).str(3, `${n.op.toLowerCase()}${i}`).str(4, n.op);
    node.msg(5, attrInts('kernel_shape', n.kernel));
    node.msg(5, attrInts('strides', n.strides));
    node.msg(5, attrInts('pads', n.pads));
    node.msg(5, attrInts('dilations', n.dilations));
    node.msg(5, attrInt('group', n.group));
    if (n.outputPadding) node.msg(5, attrInts('output_padding', n.outputPadding));
    graph.msg(1, node);
  });
  graph.str(2, 'simdconv_bench');
  spec.nodes.forEach((n, i) => {
    graph.msg(5, tensorF32(`W${i}`, n.wDims, n.w));
    if (n.b) graph.msg(5, tensorF32(`B${i}`, [n.b.length], n.b));
  });
  graph.msg(11, valueInfo(spec.inputName, spec.inputDims));
  graph.msg(12, valueInfo(spec.outputName, spec.outputDims));
  return new Writer()
    .int(1, 8)
    .str(2, 'simdconv-bench')
    .msg(7, graph)
    .msg(8, new Writer().str(1, '').int(2, 17))
    .finish();
}
