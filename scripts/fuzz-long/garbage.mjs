/**
 * The garbage calls of scripts/fuzz-long.mjs: a valid case's call with one argument or option
 * replaced by garbage (with `hostile`, also revoked proxies, throwing getters, objects that only
 * claim Float32Array's prototype and arrays whose entries change after the first read), which
 * must throw a ConvError of a known code.
 */
import * as sc from '../../dist/index.js';
import { FN, prod } from './cases.mjs';

const CODES = new Set(['BAD_TENSOR', 'BAD_RANK', 'SHAPE_MISMATCH', 'CHANNEL_MISMATCH', 'BAD_KERNEL', 'BAD_GROUPS', 'BAD_STRIDE', 'BAD_DILATION',
  'BAD_PADDING', 'BAD_OUTPUT_PADDING', 'BAD_BIAS', 'BAD_OPTION', 'EMPTY_OUTPUT', 'BAD_OUT', 'OUT_OF_MEMORY', 'DISPOSED', 'BACKEND_UNAVAILABLE', 'NOT_INITIALIZED']);

/** A printable name of any value (proxies included). */
function show(v) {
  try {
    if (typeof v === 'symbol') return 'a symbol';
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'function') return 'a function';
    if (v !== null && typeof v === 'object') return Array.isArray(v) ? `[${Array.from({ length: v.length }, (_, i) => String(v[i])).join(', ')}]` : (v.constructor?.name ?? 'an object');
    return String(v);
  } catch {
    return 'a hostile object';
  }
}

const GARBAGE_VALUES = [NaN, Infinity, -Infinity, -1, 0, 0.5, 2 ** 31, '1', 'same ', 'NCHW ', true, null, {}, [], [1], [1, 2, 3], [NaN, 1], [1, -1],
  () => 1, 1n, Symbol.for('g'), new Float64Array(4), new Int32Array(4), new DataView(new ArrayBuffer(16)), 2 ** 29];

/** Arrays made by flipping(): valid on their first read, so accepting them is right. */
const FLIPPING = new WeakSet();

/** An array whose entries read honestly once, then as `late`. */
function flipping(arr, late) {
  const reads = new Map();
  const p = new Proxy(arr, {
    get(t, k, rcv) {
      if (typeof k === 'string' && /^\d+$/.test(k)) {
        const n = (reads.get(k) ?? 0) + 1;
        reads.set(k, n);
        return n > 1 ? late : t[Number(k)];
      }
      return Reflect.get(t, k, rcv);
    },
  });
  FLIPPING.add(p);
  return p;
}

function hostileValue(r) {
  switch (r.int(0, 3)) {
    case 0: {
      const p = Proxy.revocable({}, {});
      p.revoke();
      return p.proxy;
    }
    case 1:
      return Object.defineProperty({}, 'data', { enumerable: true, get() { throw new Error('getter'); } });
    case 2:
      return Object.create(Float32Array.prototype);
    default:
      return flipping([1, 1], r.pick([0, 0.5, -1]));
  }
}

/**
 * One garbage call derived from a valid one (`hostile`: half of the values hostile ones);
 * returns a description of what went wrong, or null.
 */
export function garbageCall(r, cs, x, backend, outLength, hostile) {
  const fn = sc[FN[cs.op]];
  const opts = { ...cs.opts, backend };
  const ws = cs.weights.slice();
  let xa = x;
  let what;
  const kind = r.int(0, 5);
  const v = hostile && r.next() < 0.5 ? hostileValue(r) : r.pick(GARBAGE_VALUES);
  if (kind === 0) {
    const keys = ['stride', 'padding', 'dilation', 'groups', 'outputPadding', 'bias', 'activation', 'layout', 'backend', 'out', 'depthwiseBias', 'depthwiseActivation'];
    const key = r.pick(keys);
    opts[key] = v;
    what = `opts.${key} = ${show(v)}`;
    // values that are valid for that key are skipped
    if ((key === 'padding' || key === 'outputPadding') && v === 0) return null;
    if (key === 'groups' && v === 1 && (cs.op === 'conv2d' || cs.op === 'transposed') && (cs.opts.groups ?? 1) === 1) return null;
  } else if (kind === 1) {
    xa = { data: x.data.subarray(0, Math.max(0, x.data.length - r.int(1, 3))), shape: x.shape };
    what = 'x.data short';
  } else if (kind === 2) {
    const s = x.shape.slice();
    s[r.int(0, 3)] = v;
    xa = { data: x.data, shape: s };
    what = `x.shape entry ${show(v)}`;
    if (typeof v === 'number' && Number.isInteger(v) && v > 0 && v * x.data.length / prod(x.shape) === x.data.length) return null;
  } else if (kind === 3) {
    const i = r.int(0, ws.length - 1);
    ws[i] = { data: new Float64Array(ws[i].data), shape: ws[i].shape };
    what = `weights[${i}].data Float64Array`;
  } else if (kind === 4) {
    xa = v;
    what = `x = ${show(v)}`;
  } else {
    const len = outLength + r.pick([-2, -1, 1, 3]);
    opts.out = new Float32Array(len > 0 ? len : outLength + 1);
    what = 'out of a wrong length';
  }
  try {
    fn(xa, ...ws, opts);
  } catch (e) {
    if (e instanceof sc.ConvError && CODES.has(e.code)) return null;
    return `garbage ${what}: threw ${e?.constructor?.name}: ${e?.message}`;
  }
  // accepted: fine only when the value happened to be valid (skipped above), or an array valid
  // on its first read (the library must then have used that read: tests/robustness checks the result)
  if (FLIPPING.has(v)) return null;
  return `garbage ${what}: accepted`;
}
