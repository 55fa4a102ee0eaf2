/**
 * What the streaming benchmark (bench/stream.mjs) and the stream soak (tools/stream-soak.mjs)
 * share: their options, the built library, seeded data (bench/rng.cjs), conv1d and
 * convTranspose1d weights in the layout's order, and one output array per output length, so
 * that push(x, {out}) allocates nothing.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from './rng.cjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/** The value after `--name` on the command line, else `dflt`. */
export function arg(name, dflt) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
}

/** The build in dist/ (`npm run build:ts`). */
export const loadLibrary = () => import(join(root, 'dist', 'index.js'));

/** n floats uniform in [-scale, scale), the same for the same seed. */
export function random(n, seed, scale = 0.5) {
  const rng = new Rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-scale, scale);
  return a;
}

/**
 * Weights of a 1-D layer in the layout's order: conv1d [cout, cin, k] (NCW) or [k, cin, cout]
 * (NWC); for convTranspose1d pass (cin, cout / groups) as (a, b).
 */
export function weights1d(layout, a, b, k, seed, scale = 0.5) {
  return { data: random(a * b * k, seed, scale), shape: layout === 'NCW' ? [a, b, k] : [k, b, a] };
}

/** The `out` for a push of `steps` steps: one array per output length, made once. */
export function outputs(stream, channels) {
  const made = new Map();
  return (steps) => {
    const k = stream.outputSteps(steps);
    let o = made.get(k);
    if (!o) made.set(k, (o = new Float32Array(channels * k)));
    return o;
  };
}
