/**
 * onnxruntime peers on a one-node ONNX model per layer (two nodes for separable) built by
 * onnx-model.mjs, NCHW (channels-first at every rank) like simdconv's default. A session is
 * created once per layer (weights are initializers: packed once); every timed call wraps the input
 * Float32Array in an ort.Tensor and reads the output's data, as simdconv's run does.
 *
 * - ort-web: onnxruntime-web, the wasm execution provider, one thread, SIMD.
 * - ort-node: onnxruntime-node, native code (MLAS, with the host's AVX2 / AVX-512), one thread
 *   (intraOpNumThreads 1, interOpNumThreads 1, sequential execution): not a wasm peer but the
 *   reference of what the hardware does outside wasm. Optional: no package.json lists it, since its
 *   package is over 100 MB and its install script downloads more; it is used when it resolves.
 *
 * At a thread count above one (bench --threads): ort-web runs numThreads = N, each count in its
 * own worker_thread (ort-host.mjs: one process holds ort-web at one count only), timed inside
 * that worker; ort-node runs intraOpNumThreads = N (a session option: in-process, one session per
 * count). With --threads even count 1 of ort-web is hosted, so that every count is hosted alike.
 *
 * ONNX Conv and ConvTranspose are N-D: the 1-D and 3-D cases are the same nodes with one or three
 * spatial axes (causal padding is pads [dilation * (k - 1), 0]).
 */
import { importPeer as defaultImport } from './resolve.mjs';
import { buildConvModel } from './onnx-model.mjs';
import { openOrtWebHost } from './ort-host.mjs';

/** How to install the native reference without the install script's extra download. */
export const ORT_NODE_INSTALL = 'ONNXRUNTIME_NODE_INSTALL=skip npm i --no-save onnxruntime-node@1.30.0';

/**
 * The ONNX nodes of a case, or { unsupported } for a type with no node.
 * @param {object} bc a built case (cases.mjs buildCase)
 */
export function onnxNodes(bc) {
  const s = bc.spec;
  const r = bc.rank ?? 2;
  const d = s.dilation ?? 1;
  const common = {
    kernel: Array(r).fill(s.k), strides: Array(r).fill(s.stride), pads: [...bc.pads.begin, ...bc.pads.end],
    dilations: Array(r).fill(d),
  };
  const [w0, w1] = bc.weights.map((wt) => wt.NCHW);
  const x = { input: 'x', output: 'y', wDims: w0.shape, w: w0.data, b: bc.bias };
  switch (s.type) {
    case 'standard': case 'dilated': case 'grouped': case 'pointwise': case 'conv1d': case 'conv3d':
      return [{ op: 'Conv', ...x, ...common, group: s.groups ?? 1 }];
    case 'depthwise':
      return [{ op: 'Conv', ...x, ...common, group: s.c }];
    case 'separable':
      return [
        { op: 'Conv', input: 'x', output: 'd', wDims: w0.shape, w: w0.data, ...common, group: s.c },
        { op: 'Conv', input: 'd', output: 'y', wDims: w1.shape, w: w1.data, b: bc.bias, kernel: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 },
      ];
    case 'transposed': case 'convTranspose1d': case 'convTranspose3d':
      return [{
        op: 'ConvTranspose', ...x, ...common, group: s.groups ?? 1,
        outputPadding: s.outputPadding ? Array(r).fill(s.outputPadding) : undefined,
      }];
    default:
      return { unsupported: `no ONNX node for ${s.type}` };
  }
}

/** The ONNX model of a case, or { unsupported }. */
export function caseModel(bc) {
  const nodes = onnxNodes(bc);
  if (!Array.isArray(nodes)) return nodes;
  return buildConvModel({ nodes, inputName: 'x', inputDims: bc.xShape, outputName: 'y', outputDims: bc.outShape });
}

const plural = (n) => `${n} thread${n > 1 ? 's' : ''}`;

/**
 * ort-web hosted in a worker at `threads` (ort-host.mjs); its prepared layers time themselves
 * there (`measure`), and `run` (the first call, the check) brings the output back.
 */
function hostedWebPeer(host, threads) {
  return {
    name: 'ort-web',
    threads,
    label: host.label,
    layout: 'NCHW',
    async: true,
    async prepare(bc) {
      const model = caseModel(bc);
      if (!(model instanceof Uint8Array)) return model;
      const p = await host.prepare(model, bc.x.NCHW.data, bc.xShape);
      let first = p.out;
      return {
        emulated: false,
        createMs: p.createMs,
        firstRunMs: p.firstRunMs,
        // the first run happened in the worker at prepare; later calls (none in the suite) run again
        async run() { if (first) { const y = first; first = null; return y; } return p.run(); },
        measure: (budget) => p.measure(budget),
        dispose: () => p.dispose(),
      };
    },
    close: () => host.close(),
  };
}

function makePeer(ort, name, label, sessionOptions, threads = 1) {
  return {
    name,
    threads,
    label,
    layout: 'NCHW',
    async: true,
    async prepare(bc) {
      const model = caseModel(bc);
      if (!(model instanceof Uint8Array)) return model;
      const session = await ort.InferenceSession.create(model, sessionOptions);
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
  };
}

/**
 * @param {string[]} wanted peer names; this file serves 'ort-web' and 'ort-node'
 * @param {string[]} notes receives a line when a peer is skipped
 * @param {{ importPeer?: typeof defaultImport, threads?: number[] }} [o] how packages are imported
 *   (tests replace it); threads: the thread counts of a --threads run (one peer per count; ort-web
 *   then hosted in a worker per count), absent for the one-thread suite
 */
export async function loadOrtPeers(wanted, notes, o = {}) {
  const importPeer = o.importPeer ?? defaultImport;
  const peers = [];
  const counts = o.threads ?? [1];
  if (wanted.includes('ort-web') && o.threads) {
    if (!(await importPeer('onnxruntime-web'))) notes.push('ort-web: onnxruntime-web does not resolve; skipped');
    else {
      for (const n of counts) {
        const host = await openOrtWebHost(n);
        if (host.error) notes.push(`ort-web at ${plural(n)}: its worker did not start (${host.error}); skipped`);
        else {
          if (host.threads !== n) notes.push(`ort-web at ${plural(n)}: env.wasm.numThreads reads ${host.threads}`);
          peers.push(hostedWebPeer(host, n));
        }
      }
    }
  } else if (wanted.includes('ort-web')) {
    const ort = await importPeer('onnxruntime-web');
    if (!ort) {
      notes.push('ort-web: onnxruntime-web does not resolve; skipped');
    } else {
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.simd = true;
      ort.env.wasm.proxy = false;
      ort.env.logLevel = 'error';
      peers.push(makePeer(ort, 'ort-web', `onnxruntime-web ${ort.env.versions?.web ?? ''} wasm (SIMD, 1 thread)`.replace('  ', ' '),
        { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }));
    }
  }
  if (wanted.includes('ort-node')) {
    let ort = null;
    let why = null;
    try {
      const mod = await importPeer('onnxruntime-node');
      ort = mod && (mod.InferenceSession ? mod : mod.default);
      if (!mod) why = `onnxruntime-node (the native reference, optional) is not installed; skipped. To compare with it: ${ORT_NODE_INSTALL}`;
      else if (!ort?.InferenceSession) why = 'onnxruntime-node exports no InferenceSession; skipped';
    } catch (e) {
      // installed, but its native binding does not load here (another platform's package, an old glibc)
      why = `onnxruntime-node does not load (${String(e?.message ?? e).split('\n')[0]}); skipped`;
    }
    if (why) {
      notes.push(`ort-node: ${why}`);
    } else {
      ort.env.logLevel = 'error';
      for (const n of counts) {
        peers.push(makePeer(ort, 'ort-node', `onnxruntime-node ${ort.env.versions?.node ?? ''} native CPU (MLAS, ${plural(n)})`.replace('  ', ' '), {
          executionProviders: ['cpu'], graphOptimizationLevel: 'all',
          intraOpNumThreads: n, interOpNumThreads: 1, executionMode: 'sequential',
        }, n));
      }
    }
  }
  return peers;
}
