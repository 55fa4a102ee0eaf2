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
 *
 * 1-D and 3-D (NWC, NDHWC):
 * - conv1d: tf.conv1d is tf.conv2d on a height-1 image; the same call is made here as
 *   tf.fused.conv2d, which carries the bias, with explicit padding of the width only. Not available:
 *   stride and dilation both above 1 (tf.conv1d refuses them), groups, 'causal' padding (tf.conv1d
 *   has none). Depthwise (groups = channels): tf.fused.depthwiseConv2d on a height-1 image, as tfjs
 *   has no depthwise conv1d.
 * - convTranspose1d: tf.conv2dTranspose on a height-1 image, bias as a tf.add; not available with
 *   groups or dilation.
 * - conv3d, convTranspose3d: tf.conv3d and tf.conv3dTranspose, bias as a tf.add. They pad only
 *   'valid' or 'same' (SAME_UPPER): a layer whose padding is neither (unet3d.down: 1 at each end at
 *   stride 2, where 'same' pads 0 before and 1 after) is not available, nor are groups.
 */
import { dirname } from 'node:path';
import { importPeer } from './resolve.mjs';

/** SAME_UPPER padding of one axis (TensorFlow's 'same'): { out, begin, end }. */
function samePads(n, k, s, d) {
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + (k - 1) * d + 1 - n, 0);
  return { out, begin: Math.floor(total / 2), end: total - Math.floor(total / 2) };
}

/**
 * The tfjs pad string that equals a case's padding ('valid' or 'same'), or null. Transposed cases
 * are checked as the forward conv from their output to their input, as tfjs defines them.
 * @param {object} bc a built case
 */
export function tfjsPadString(bc) {
  const s = bc.spec;
  const { begin, end } = bc.pads;
  if (begin.every((v) => v === 0) && end.every((v) => v === 0)) return 'valid';
  const transposed = s.type.startsWith('convTranspose') || s.type === 'transposed';
  const fwdIn = (transposed ? bc.outShape : bc.xShape).slice(2);
  const fwdOut = (transposed ? bc.xShape : bc.outShape).slice(2);
  const same = fwdIn.every((n, i) => {
    const p = samePads(n, s.k, s.stride, s.dilation ?? 1);
    return p.out === fwdOut[i] && p.begin === begin[i] && p.end === end[i];
  });
  return same ? 'same' : null;
}

/**
 * Why tfjs cannot run a 1-D or 3-D case as specified, or null when it can.
 * @param {object} bc a built case
 */
export function tfjsNdUnsupported(bc) {
  const s = bc.spec;
  const g = s.groups ?? 1;
  const d = s.dilation ?? 1;
  const depthwise = g > 1 && g === s.c && s.type === 'conv1d';
  if (g > 1 && !depthwise) return 'tfjs has no grouped conv';
  if (s.type === 'conv1d') {
    if (s.pad === 'causal') return "tf.conv1d has no 'causal' padding";
    if (s.stride > 1 && d > 1) return 'tf.conv1d takes stride or dilation above 1, not both';
    return null;
  }
  if (d > 1 && s.type.startsWith('convTranspose')) return 'tfjs transposed convs have no dilation';
  if (s.type === 'conv3d' || s.type === 'convTranspose3d') {
    if (s.stride > 1 && d > 1) return 'tf.conv3d takes stride or dilation above 1, not both';
    if (!tfjsPadString(bc)) {
      const t = s.type === 'conv3d' ? 'tf.conv3d' : 'tf.conv3dTranspose';
      const fwd = (s.type === 'conv3d' ? bc.xShape : bc.outShape)[2];
      const p = samePads(fwd, s.k, s.stride, d);
      return `${t} pads only 'valid' or 'same' ('same' pads [${p.begin}, ${p.end}] here, the layer [${bc.pads.begin[0]}, ${bc.pads.end[0]}])`;
    }
  }
  return null;
}

/**
 * Why tfjs-wasm runs one thread in Node: its WASM_HAS_MULTITHREAD_SUPPORT flag returns false when
 * IS_NODE (flags_wasm.js, tfjs issue 3830), and its threaded build starts Web Workers from Blob
 * URLs, which Node has not. Its threaded figures come from a browser page (bench/browser.mjs, in
 * the repository; the note names no file, since installed packages do not ship that page).
 */
export const TFJS_NODE_THREADS = 'tfjs-wasm runs one thread in Node (its thread support flag is false under Node, tfjs issue 3830); '
  + 'its threaded build runs in browsers only';

/**
 * Load tfjs-core with the backends that resolve.
 * @param {string[]} wanted peer names among 'tfjs-wasm', 'tfjs-cpu'
 * @param {string[]} notes receives one line per peer skipped
 * @param {{ threads?: number[] }} [o] the thread counts of a --threads run: tfjs-wasm runs at 1 and
 *   stands as unsupported at the others; tfjs-cpu (pure JS, one thread) runs at 1 only
 * @returns {Promise<object[]>} peers
 */
export async function loadTfjsPeers(wanted, notes, o = {}) {
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
        for (const n of (o.threads ?? []).filter((c) => c > 1)) {
          peers.push({ name: 'tfjs-wasm', threads: n, label: `TensorFlow.js ${tf.version_core} wasm: not at ${n} threads in Node`, layout: 'NHWC', prepare: async () => ({ unsupported: TFJS_NODE_THREADS }) });
        }
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

/**
 * One tfjs peer on an already registered backend (also what the browser bench page runs,
 * bench/browser.mjs).
 */
export function makePeer(tf, name, backendName, label) {
  return {
    name,
    threads: 1,
    label,
    layout: 'NHWC',
    /**
     * Prepare a case: upload the weights and return the timed closure.
     * @returns {Promise<{ run: () => Float32Array, emulated: boolean, dispose: () => void }>}
     */
    async prepare(bc) {
      await tf.setBackend(backendName);
      const s = bc.spec;
      const rank = bc.rank ?? 2;
      if (rank !== 2) {
        const why = tfjsNdUnsupported(bc);
        if (why) return { unsupported: why };
      }
      // 1-D cases run on height-1 images: input [1, 1, W, C], filters [1, k, ...]
      const xs = rank === 1 ? [1, 1, ...bc.x.NHWC.shape.slice(1)] : bc.x.NHWC.shape;
      const wShape = (wt) => {
        if (rank !== 1) return wt.NHWC.shape;
        // depthwise: [k, 1, C*m] and [1, k, C, m] are the same bytes
        if (s.type === 'conv1d' && (s.groups ?? 1) > 1) return [1, s.k, s.c, s.cout / s.c];
        return [1, ...wt.NHWC.shape];
      };
      const w = bc.weights.map((wt) => tf.tensor(wt.NHWC.data, wShape(wt)));
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
        case 'conv1d': {
          const [pb] = bc.pads.begin;
          const [pe] = bc.pads.end;
          const pad1 = pb === 0 && pe === 0 ? 'valid' : [[0, 0], [0, 0], [pb, pe], [0, 0]];
          const args = { filter: w[0], strides: [1, strides], pad: pad1, dilations: [1, dilations], bias: b };
          op = (s.groups ?? 1) > 1 ? (x) => tf.fused.depthwiseConv2d({ x, ...args }) : (x) => tf.fused.conv2d({ x, ...args });
          break;
        }
        case 'convTranspose1d': {
          const [pb] = bc.pads.begin;
          const [pe] = bc.pads.end;
          const pad1 = pb === 0 && pe === 0 ? 'valid' : [[0, 0], [0, 0], [pb, pe], [0, 0]];
          const outShape = [1, 1, bc.outShape[2], bc.outShape[1]];
          op = (x) => {
            const t = tf.conv2dTranspose(x, w[0], outShape, [1, strides], pad1);
            const y = tf.add(t, b);
            t.dispose();
            return y;
          };
          break;
        }
        case 'conv3d': {
          const pad3 = tfjsPadString(bc);
          op = (x) => {
            const t = tf.conv3d(x, w[0], strides, pad3, 'NDHWC', dilations);
            const y = tf.add(t, b);
            t.dispose();
            return y;
          };
          break;
        }
        case 'convTranspose3d': {
          const pad3 = tfjsPadString(bc);
          const outShape = [1, ...bc.outShape.slice(2), bc.outShape[1]];
          op = (x) => {
            const t = tf.conv3dTranspose(x, w[0], outShape, strides, pad3);
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
          const x = tf.tensor(data, xs);
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
