/**
 * TensorFlow.js peers: the wasm backend (XNNPACK inside; SIMD binary, one thread) and the pure-JS
 * cpu backend, in their native NHWC layout. Weights are uploaded once per layer (as a prepared
 * layer would hold them); every timed call starts from a Float32Array and ends with one, as
 * simdconv's `layer.run` does: tensor from the input data (copy in), the op, dataSync (copy out).
 *
 * Ops: tf.fused.conv2d / tf.fused.depthwiseConv2d carry the bias; conv2dTranspose has no fused form,
 * so its bias is a tf.add; separable is fused.depthwiseConv2d then a fused 1x1 conv2d (what
 * tf.separableConv2d does inside); grouped conv has no tfjs op and is emulated by splitting the
 * input into groups, one fused conv2d per group and a concat (the row is marked "emulated").
 */
import { dirname } from 'node:path';
import { importPeer } from './resolve.mjs';

/**
 * Load tfjs-core with the backends that resolve.
 * @param {string[]} wanted peer names among 'tfjs-wasm', 'tfjs-cpu'
 * @param {string[]} notes receives one line per peer skipped
 * @returns {Promise<object[]>} peers
 */
export async function loadTfjsPeers(wanted, notes) {
  if (!wanted.some((n) => n.startsWith('tfjs-'))) return [];
  const tf = await importPeer('@tensorflow/tfjs-core');
  if (!tf) {
    notes.push('tfjs-wasm, tfjs-cpu: @tensorflow/tfjs-core does not resolve; skipped');
    return [];
  }
  tf.env().set('PROD', true); // no debug-mode checks, no "already registered" noise
  const peers = [];
  if (wanted.includes('tfjs-wasm')) {
    const resolved = await importPeer('@tensorflow/tfjs-backend-wasm', true);
    if (!resolved) {
      notes.push('tfjs-wasm: @tensorflow/tfjs-backend-wasm does not resolve; skipped');
    } else {
      const { mod: wasm, path } = resolved;
      // In Node the backend reads its .wasm files from a directory path (with a trailing slash).
      wasm.setWasmPaths(`${dirname(path)}/`);
      // One thread, and the plain SIMD binary rather than the threaded one.
      wasm.setThreadsCount(1);
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      try {
        if (!(await tf.setBackend('wasm'))) throw new Error('setBackend returned false');
        const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
        peers.push(makePeer(tf, 'tfjs-wasm', 'wasm', `TensorFlow.js ${tf.version_core} wasm (${simd ? 'SIMD' : 'no SIMD'}, 1 thread)`));
      } catch (e) {
        notes.push(`tfjs-wasm: backend failed to start (${e.message}); skipped`);
      }
    }
  }
  if (wanted.includes('tfjs-cpu')) {
    if (!(await importPeer('@tensorflow/tfjs-backend-cpu'))) {
      notes.push('tfjs-cpu: @tensorflow/tfjs-backend-cpu does not resolve; skipped');
    } else if (!(await tf.setBackend('cpu'))) {
      notes.push('tfjs-cpu: backend failed to start; skipped');
    } else {
      peers.push(makePeer(tf, 'tfjs-cpu', 'cpu', `TensorFlow.js ${tf.version_core} cpu (pure JS)`));
    }
  }
  return peers;
}

function makePeer(tf, name, backendName, label) {
  return {
    name,
    label,
    layout: 'NHWC',
    /**
     * Prepare a case: upload the weights and return the timed closure.
     * @returns {Promise<{ run: () => Float32Array, emulated: boolean, dispose: () => void }>}
     */
    async prepare(bc) {
      await tf.setBackend(backendName);
      const s = bc.spec;
      const xs = bc.x.NHWC.shape;
      const w = bc.weights.map((wt) => tf.tensor(wt.NHWC.data, wt.NHWC.shape));
      const b = tf.tensor1d(bc.bias);
      const keep = [...w, b];
      const pad = s.pad === 0 ? 'valid' : s.pad;
      const strides = s.stride;
      const dilations = s.dilation ?? 1;
      let op;
      let emulated = false;
      switch (s.type) {
        case 'standard': case 'dilated': case 'pointwise':
          op = (x) => tf.fused.conv2d({ x, filter: w[0], strides, pad, dilations, bias: b });
          break;
        case 'depthwise':
          op = (x) => tf.fused.depthwiseConv2d({ x, filter: w[0], strides, pad, dilations, bias: b });
          break;
        case 'separable':
          op = (x) => {
            const d = tf.depthwiseConv2d(x, w[0], strides, pad, 'NHWC', dilations);
            const y = tf.fused.conv2d({ x: d, filter: w[1], strides: 1, pad: 'valid', bias: b });
            d.dispose();
            return y;
          };
          break;
        case 'grouped': {
          emulated = true;
          const g = s.groups;
          const ws = tf.split(w[0], g, 3);
          const bs = tf.split(b, g, 0);
          keep.push(...ws, ...bs);
          op = (x) => {
            const xs2 = tf.split(x, g, 3);
            const ys = xs2.map((xi, i) => tf.fused.conv2d({ x: xi, filter: ws[i], strides, pad, dilations, bias: bs[i] }));
            const y = tf.concat(ys, 3);
            for (const t of [...xs2, ...ys]) t.dispose();
            return y;
          };
          break;
        }
        case 'transposed': {
          if ((s.groups ?? 1) !== 1) return { unsupported: 'grouped transposed conv has no tfjs op' };
          if (s.dilation && s.dilation !== 1) return { unsupported: 'tfjs conv2dTranspose has no dilation' };
          const outShape = [1, bc.outShape[2], bc.outShape[3], bc.outShape[1]];
          // outputShape carries outputPadding: the extra rows are the end of a larger output.
          op = (x) => {
            const t = tf.conv2dTranspose(x, w[0], outShape, strides, pad);
            const y = tf.add(t, b);
            t.dispose();
            return y;
          };
          break;
        }
        default:
          return { unsupported: `no tfjs op for ${s.type}` };
      }
      const data = bc.x.NHWC.data;
      return {
        emulated,
        // tfjs has one active backend: the runner times its peers in interleaved rounds, so each
        // window first makes this peer's backend the active one again
        activate: () => tf.setBackend(backendName),
        run() {
          const x = tf.tensor4d(data, xs);
          const y = op(x);
          const out = y.dataSync();
          x.dispose();
          y.dispose();
          return out;
        },
        dispose() { for (const t of keep) t.dispose(); },
      };
    },
  };
}
