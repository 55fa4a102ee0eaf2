/** memory() (API.md): the wasm linear memory, the bytes live allocations hold, the live layers. */
import { wasmMemory } from '../backends/registry.js';
import { liveLayerCount } from './layers.js';

/**
 * @returns wasmBytes: size of the wasm linear memories; bytesInUse: bytes held by live allocations
 *   (scratch kept for reuse counts); liveLayers: prepared layers not yet disposed
 */
export function memory(): { wasmBytes: number; bytesInUse: number; liveLayers: number } {
  return { ...wasmMemory(), liveLayers: liveLayerCount() };
}
