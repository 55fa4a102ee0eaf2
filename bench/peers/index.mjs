/**
 * The peers a run compares against, in one list. A peer has { name, label, layout, async?,
 * prepare(case) -> { run, emulated, dispose } | { unsupported } }; its output is in its layout.
 */
import { loadTfjsPeers } from './tfjs.mjs';
import { loadOrtPeers } from './ort.mjs';

/** Every peer the suite knows, in report order. */
export const PEER_NAMES = ['tfjs-wasm', 'ort-web', 'tfjs-cpu', 'ort-node'];
/** The peers the targets are judged against (PERF.md): the best of these per layer. */
export const WASM_PEERS = ['tfjs-wasm', 'ort-web'];
/**
 * Native code (not wasm), optional: the reference of what the hardware does outside wasm, shown as
 * simdconv's share of its speed; never among the peers simdconv's targets are judged against.
 */
export const NATIVE_PEERS = ['ort-node'];

/** Load the wanted peers that resolve; the others leave a line in `notes`. */
export async function loadPeers(wanted, notes) {
  const peers = [...await loadTfjsPeers(wanted, notes), ...await loadOrtPeers(wanted, notes)];
  return PEER_NAMES.map((n) => peers.find((p) => p.name === n)).filter(Boolean);
}
