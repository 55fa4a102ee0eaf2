/**
 * onnxruntime-web peer: the wasm execution provider, one thread, SIMD, on a one-node ONNX model
 * per layer (two nodes for separable) built by onnx-model.mjs, NCHW like simdconv's default.
 * A session is created once per layer (weights are initializers: packed once); every timed call
 * wraps the input Float32Array in an ort.Tensor and reads the output's data, as simdconv's run does.
 */
import { importPeer } from './resolve.mjs';
import { buildConvModel } from './onnx-model.mjs';

/**
 * @param {string[]} wanted peer names; this file serves 'ort-web'
 * @param {string[]} notes receives a line when the peer is skipped
 */
export async function loadOrtPeers(wanted, notes) {
  if (!wanted.includes('ort-web')) return [];
  const ort = await importPeer('onnxruntime-web');
  if (!ort) {
    notes.push('ort-web: onnxruntime-web does not resolve; skipped');
    return [];
  }
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.simd = true;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  return [{
    name: 'ort-web',
    label: `onnxruntime-web ${ort.env.versions?.web ?? ''} wasm (SIMD, 1 thread)`.replace('  ', ' '),
    layout: 'NCHW',
    async: true,
    async prepare(bc) {
      const s = bc.spec;
      const p = s.pad;
      const common = {
        kernel: [s.k, s.k], strides: [s.stride, s.stride], pads: [p, p, p, p],
        dilations: [s.dilation ?? 1, s.dilation ?? 1],
      };
      const [w0, w1] = bc.weights.map((wt) => wt.NCHW);
      let nodes;
      switch (s.type) {
        case 'standard': case 'dilated': case 'grouped': case 'pointwise':
          nodes = [{ op: 'Conv', input: 'x', output: 'y', wDims: w0.shape, w: w0.data, b: bc.bias, ...common, group: s.groups ?? 1 }];
          break;
        case 'depthwise':
          nodes = [{ op: 'Conv', input: 'x', output: 'y', wDims: w0.shape, w: w0.data, b: bc.bias, ...common, group: s.c }];
          break;
        case 'separable':
          nodes = [
            { op: 'Conv', input: 'x', output: 'd', wDims: w0.shape, w: w0.data, ...common, group: s.c },
            { op: 'Conv', input: 'd', output: 'y', wDims: w1.shape, w: w1.data, b: bc.bias, kernel: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 },
          ];
          break;
        case 'transposed':
          nodes = [{
            op: 'ConvTranspose', input: 'x', output: 'y', wDims: w0.shape, w: w0.data, b: bc.bias, ...common,
            group: s.groups ?? 1, outputPadding: s.outputPadding ? [s.outputPadding, s.outputPadding] : undefined,
          }];
          break;
        default:
          return { unsupported: `no ONNX node for ${s.type}` };
      }
      const model = buildConvModel({ nodes, inputName: 'x', inputDims: bc.xShape, outputName: 'y', outputDims: bc.outShape });
      const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      const data = bc.x.NCHW.data;
      const dims = bc.xShape;
      return {
        emulated: false,
        async run() {
          const r = await session.run({ x: new ort.Tensor('float32', data, dims) });
          return r.y.data;
        },
        dispose() { return session.release(); },
      };
    },
  }];
}
