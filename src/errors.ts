/**
 * ConvError and its codes (API.md, "Errors"). Every bad input the library can see is reported
 * as a ConvError before any kernel runs; kernels assume validated plans.
 */

/** The machine-readable reason of a ConvError. */
export type ConvErrorCode =
  | 'BAD_TENSOR'
  | 'BAD_RANK'
  | 'SHAPE_MISMATCH'
  | 'CHANNEL_MISMATCH'
  | 'BAD_KERNEL'
  | 'BAD_GROUPS'
  | 'BAD_STRIDE'
  | 'BAD_DILATION'
  | 'BAD_PADDING'
  | 'BAD_OUTPUT_PADDING'
  | 'BAD_BIAS'
  | 'BAD_OPTION'
  | 'EMPTY_OUTPUT'
  | 'BAD_OUT'
  | 'OUT_OF_MEMORY'
  | 'DISPOSED'
  | 'BACKEND_UNAVAILABLE'
  | 'NOT_INITIALIZED';

/**
 * The one error type the library throws for bad input or unavailable resources.
 * `message` names the function, the argument, its value and what was expected.
 */
export class ConvError extends Error {
  readonly code: ConvErrorCode;
  constructor(code: ConvErrorCode, message: string) {
    super(message);
    this.name = 'ConvError';
    this.code = code;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** Renders a user value for an error message, never throwing and never printing megabytes. */
export function show(v: unknown): string {
  try {
    return showValue(v);
  } catch {
    return 'an unreadable value'; // a revoked proxy or a throwing getter
  }
}

function showValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined || v === null || typeof v === 'bigint') {
    return String(v);
  }
  if (typeof v === 'function') return 'a function';
  if (ArrayBuffer.isView(v)) {
    const name = (v as object).constructor?.name ?? 'TypedArray';
    const len = (v as unknown as { length?: number }).length;
    return len === undefined ? name : `${name}(${len})`;
  }
  if (Array.isArray(v)) {
    if (v.length > 8) return `an array of length ${v.length}`;
    return '[' + Array.from(v, show).join(', ') + ']';
  }
  if (typeof v === 'symbol') return 'a symbol';
  return 'an object';
}

/** True only for a real Float32Array (not an object that merely inherits its prototype). */
export function isFloat32Array(v: unknown): v is Float32Array {
  // isView first: it reads an internal slot, so a proxy is refused before any of its traps runs.
  return ArrayBuffer.isView(v) && v instanceof Float32Array;
}

/**
 * Runs a validation step over user values, turning anything but a ConvError that reading them
 * throws (a revoked proxy, a throwing getter, a fake typed array) into ConvError(code).
 * Only validation is wrapped: errors from the library's own work are never masked.
 */
export function readingUserValues<T>(fn: string, code: ConvErrorCode, what: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof ConvError) throw e;
    const why = e instanceof Error ? e.message : show(e);
    throw new ConvError(code, `${fn}: ${what} could not be read (${why})`);
  }
}
