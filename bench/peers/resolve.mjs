/**
 * Resolve an optional peer package: from this package's own node_modules first, then from the
 * current directory (a project that installed simdconv and the peers side by side).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const here = createRequire(import.meta.url);
const cwd = createRequire(join(process.cwd(), 'package.json'));

/** The resolved ESM entry path of a package, or null. */
export function resolvePeer(name) {
  for (const req of [here, cwd]) {
    try {
      return req.resolve(name);
    } catch { /* try the next place */ }
  }
  return null;
}

/**
 * Import a peer package if it resolves.
 * @param {string} name
 * @param {boolean} [withPath] return { mod, path } instead of the module
 */
export async function importPeer(name, withPath = false) {
  // import() applies the package's "import" export conditions; require.resolve only finds it.
  let mod = null;
  try {
    mod = await import(name);
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    const path = resolvePeer(name);
    if (!path) return null;
    mod = await import(pathToFileURL(path).href);
  }
  return withPath ? { mod, path: resolvePeer(name) } : mod;
}
