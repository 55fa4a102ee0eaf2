/**
 * The peers a run compares against, in one list. A peer has { name, threads, label, layout, async?,
 * close?, prepare(case) -> { run, emulated, dispose, measure?(budget), createMs?, firstRunMs? } |
 * { unsupported } }; its output is in its layout. A prepared layer with `measure` times itself
 * (in the worker that hosts it) and reports its own create and first-run times.
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

/**
 * Load the wanted peers that resolve; the others leave a line in `notes`. Every peer carries
 * `threads`; with o.threads (a --threads run) there is one peer per name and count, else one per name.
 * @param {{ threads?: number[] }} [o]
 */
export async function loadPeers(wanted, notes, o = {}) {
  const peers = [...await loadTfjsPeers(wanted, notes, o), ...await loadOrtPeers(wanted, notes, o)];
  return PEER_NAMES.flatMap((n) => peers.filter((p) => p.name === n));
}
