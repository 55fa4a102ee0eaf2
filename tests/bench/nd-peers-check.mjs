/**
 * Runs every peer that resolves on small 1-D and 3-D cases (each type and option of the reference
 * layers: stride, dilation, causal padding, depthwise and grouped, transposed with cropping), and
 * on a few 2-D ones (the models every peer builds from a case's rank and pads), and
 * compares each output with the tests' float64 reference (tests/helpers/reference-nd.ts) by API.md's tolerance. Prints
 * one JSON object: { peers: [names], notes, results: { <case>: { <peer>: { status, maxErr?, note? } } },
 * sameVsPad1 } where sameVsPad1 is the largest difference between tf.conv3d with 'same' and the
 * reference of a stride-2 layer padded 1 at both ends (unet3d.down's padding), on tfjs-cpu.
 *
 *   node tests/bench/nd-peers-check.mjs
 */
import { buildCase, nhwcToNchw } from '../../bench/cases.mjs';
import { check } from '../../bench/close.cjs';
import { loadPeers } from '../../bench/peers/index.mjs';
import { importPeer } from '../../bench/peers/resolve.mjs';
import { importTs } from '../helpers/import-ts.mjs';

const { refConvNd, refConvTransposeNd } = await importTs("export * from './tests/helpers/reference-nd.ts';");

/** The reference output of a built case (bench/cases.mjs buildCase), channels-first. */
function referenceNd(bc) {
  const s = bc.spec;
  if (s.type === 'separable') throw new Error('referenceNd: separable has two stages');
  const transposed = s.type.startsWith('convTranspose') || s.type === 'transposed';
  const ref = transposed ? refConvTransposeNd : refConvNd;
  return ref(bc.x.NCHW, bc.weights[0].NCHW, {
    stride: s.stride, dilation: s.dilation ?? 1, groups: s.type === 'depthwise' ? s.c : s.groups ?? 1,
    padding: [...bc.pads.begin, ...bc.pads.end], outputPadding: s.outputPadding ?? 0, bias: bc.bias,
  }).data;
}

export const SMALL_ND = [
  { name: 'c1.s2p1', type: 'conv1d', c: 3, w: 20, cout: 4, k: 3, stride: 2, pad: 1 },
  { name: 'c1.dil2', type: 'conv1d', c: 4, w: 25, cout: 5, k: 3, stride: 1, pad: 2, dilation: 2 },
  { name: 'c1.k10s5', type: 'conv1d', c: 1, w: 64, cout: 6, k: 10, stride: 5, pad: 0 },
  { name: 'c1.causal', type: 'conv1d', c: 3, w: 17, cout: 4, k: 3, stride: 1, pad: 'causal', dilation: 2 },
  { name: 'c1.s2dil2', type: 'conv1d', c: 3, w: 21, cout: 4, k: 3, stride: 2, pad: 1, dilation: 2 },
  { name: 'c1.dw', type: 'conv1d', c: 6, w: 19, cout: 6, k: 5, stride: 1, pad: 2, groups: 6 },
  { name: 'c1.g2', type: 'conv1d', c: 6, w: 15, cout: 4, k: 3, stride: 1, pad: 1, groups: 2 },
  { name: 't1.s2p1', type: 'convTranspose1d', c: 4, w: 9, cout: 3, k: 4, stride: 2, pad: 1 },
  { name: 'c3.p1', type: 'conv3d', c: 3, d: 5, h: 6, w: 7, cout: 4, k: 3, stride: 1, pad: 1 },
  { name: 'c3.s2p1', type: 'conv3d', c: 2, d: 8, h: 8, w: 8, cout: 3, k: 3, stride: 2, pad: 1 },
  { name: 'c3.s2p0', type: 'conv3d', c: 2, d: 7, h: 6, w: 5, cout: 3, k: 3, stride: 2, pad: 0 },
  { name: 't3.k2s2', type: 'convTranspose3d', c: 4, d: 3, h: 4, w: 3, cout: 2, k: 2, stride: 2, pad: 0 },
  { name: 't3.k3s2p1', type: 'convTranspose3d', c: 3, d: 3, h: 2, w: 4, cout: 2, k: 3, stride: 2, pad: 1 },
];

/** 2-D cases of the suite's types, small. */
export const SMALL_2D = [
  { name: 'c2.s2p1', type: 'standard', c: 3, h: 9, w: 8, cout: 4, k: 3, stride: 2, pad: 1 },
  { name: 'c2.g2dil2', type: 'grouped', c: 4, h: 9, w: 9, cout: 6, k: 3, stride: 1, pad: 2, dilation: 2, groups: 2 },
  { name: 'c2.dw', type: 'depthwise', c: 5, h: 7, w: 6, cout: 5, k: 3, stride: 1, pad: 1 },
  { name: 'c2.pw', type: 'pointwise', c: 6, h: 5, w: 5, cout: 3, k: 1, stride: 1, pad: 0 },
  { name: 't2.k4s2p1', type: 'transposed', c: 4, h: 4, w: 5, cout: 3, k: 4, stride: 2, pad: 1 },
];


async function main() {
  const notes = [];
  const peers = await loadPeers(['tfjs-wasm', 'ort-web', 'tfjs-cpu', 'ort-node'], notes);
  const results = {};
  for (const spec of [...SMALL_ND, ...SMALL_2D]) {
    const bc = buildCase({ ...spec, suite: 'layers-nd' }, 7);
    const ref = referenceNd(bc);
    results[spec.name] = {};
    for (const peer of peers) {
      let prepared;
      try {
        prepared = await peer.prepare(bc);
        if (prepared.unsupported) {
          results[spec.name][peer.name] = { status: 'unsupported', note: prepared.unsupported };
          continue;
        }
        await prepared.activate?.();
        const y = await prepared.run();
        const yN = peer.layout === 'NCHW' ? y : nhwcToNchw(y, bc.outShape);
        const c = check(yN, ref);
        results[spec.name][peer.name] = { status: c.ok ? 'ok' : 'mismatch', maxErr: c.maxAbs };
      } catch (e) {
        results[spec.name][peer.name] = { status: 'error', note: String(e?.message ?? e).split('\n')[0] };
      } finally {
        await prepared?.dispose?.();
      }
    }
  }
  // What tf.conv3d's 'same' computes where the layer pads 1 at both ends at stride 2.
  let sameVsPad1 = null;
  const tf = await importPeer('@tensorflow/tfjs-core');
  if (tf && peers.some((p) => p.name === 'tfjs-cpu')) {
    await tf.setBackend('cpu');
    const bc = buildCase({ ...SMALL_ND.find((c) => c.name === 'c3.s2p1'), suite: 'layers-nd' }, 7);
    const ref = referenceNd(bc);
    const x = tf.tensor(bc.x.NHWC.data, bc.x.NHWC.shape);
    const w = tf.tensor(bc.weights[0].NHWC.data, bc.weights[0].NHWC.shape);
    const y = tf.add(tf.conv3d(x, w, bc.spec.stride, 'same'), tf.tensor1d(bc.bias));
    const yN = nhwcToNchw(y.dataSync(), bc.outShape);
    sameVsPad1 = { shape: y.shape, maxErr: check(yN, ref).maxAbs };
  }
  console.log(JSON.stringify({ peers: peers.map((p) => p.name), notes, results, sameVsPad1 }));
}

await main();
