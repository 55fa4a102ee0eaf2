/** Allocation guard of the js backend: typed-array allocation failures become ConvError('OUT_OF_MEMORY'). */
import { ConvError } from '../../errors.js';

/**
 * Runs `alloc`, turning an allocation failure (V8 throws RangeError) into ConvError('OUT_OF_MEMORY').
 * @throws ConvError OUT_OF_MEMORY
 */
export function allocating<T>(what: string, alloc: () => T): T {
  try {
    return alloc();
  } catch (e) {
    if (e instanceof RangeError) {
      throw new ConvError('OUT_OF_MEMORY', `js backend: cannot allocate ${what}: ${e.message}`);
    }
    throw e;
  }
}
