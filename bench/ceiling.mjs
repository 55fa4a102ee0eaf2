/**
 * The ceilings of the paths, measured in the run that times the layers: the GFLOP/s a loop of 12
 * independent multiply-add chains reaches on this machine, at this moment, for each way simdconv
 * computes. A layer's GFLOP/s over the ceiling of the path it ran on is the share of the machine
 * it uses, a figure that means the same on a shared 2.5 GHz VM and on a 3 GHz desktop.
 *
 *   node bench/ceiling.mjs          print this machine's ceilings (add --experimental-wasm-relaxed-simd
 *                                   on Node 20/21 for the relaxed one)
 *
 * Every loop runs the same recurrence on 12 accumulators, `peak(n)` for n trips:
 *
 *   path          one step of one chain (c = 1/n, d = 1)             FLOP per step
 *   wasm-relaxed  acc = f32x4.relaxed_madd(acc, c, d)                8
 *   wasm-simd     acc = f32x4.add(f32x4.mul(acc, c), d)              8
 *   wasm          acc = f32.add(f32.mul(acc, c), d)                  2
 *   js            acc = acc * c + 1 (JS numbers, a plain function)   2
 *
 * FLOP = 2 per lane multiply-add, as for the layers (2 x MACs). The chains are independent, so a
 * loop is bound by the throughput of the FP units, not by the latency of one chain: on x86 with 2
 * FP ports a mul + add chain step takes 8 cycles of latency and 12 chains need 12 cycles of port
 * time per trip (measured: 8 chains already reach the plateau, 6 do not). acc converges to about
 * 1 + 1/n: no overflow, no denormals.
 *
 * Why the product depends on the accumulator (acc * c) rather than being a loop-invariant a * b as
 * in "acc = acc + a * b": V8's optimizing compilers compute a product of loop-invariant values once,
 * before the loop (TurboFan's scheduler hoists it, and value numbering merges the 12 equal products
 * into one). `node --print-wasm-code --no-liftoff` shows that loop as 12 addps and no mulps. It
 * measures the add throughput, which on x86 is the FMA throughput: as fast as relaxed_madd, twice a
 * real mul + add kernel, whose products (a broadcast of A times a vector of B) change every step.
 * PERF.md's "31.7 GFLOP/s mul + add" and "8.0 scalar" match that hoisted loop; it is measured here
 * too, as 'wasm-simd:hoisted' and 'wasm:hoisted', for that comparison only.
 *
 * Checked with `node --experimental-wasm-relaxed-simd --print-wasm-code --no-liftoff` (Node 20.20,
 * V8 11.3, and Node 22.23, V8 12.4; x64): the loop of each module is 12 vfmadd213ps / 12 vmulps +
 * 12 vaddps / 12 vmulss + 12 vaddss, every value in an xmm register, no stack access (no spill)
 * between the loop's stack check and its back edge; the ':hoisted' loops are 12 vaddps / vaddss
 * with one vmulps / vmulss before the loop. The JS loop (`--print-opt-code --print-opt-code-filter=jsPeak`) is 12
 * vmulsd + 12 vaddsd on registers.
 *
 * The wasm modules are written byte by byte below (no toolchain, no dependency: the suite runs from
 * an installed package). peakModule('wasm-simd') is this module, as text:
 *
 *   (module
 *     (type (func (param i32) (result f32)))
 *     (func (export "peak") (type 0) (param $n i32) (result f32)
 *       (local $c v128) (local $d v128) (local $acc0 v128) ... (local $acc11 v128)
 *       (local.set $c (f32x4.splat (f32.div (f32.const 1) (f32.convert_i32_s (local.get $n)))))
 *       (local.set $d (f32x4.splat (f32.const 1)))
 *       (local.set $acc0 (f32x4.splat (f32.const 1)))   ;; ... $acc11 = splat(12)
 *       (loop $L
 *         (local.set $acc0 (f32x4.add (f32x4.mul (local.get $acc0) (local.get $c)) (local.get $d)))
 *         ;; ... the same for $acc1 .. $acc11
 *         (br_if $L (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
 *       ;; the sum of all accumulators, lane 0: none of the work is dead
 *       (f32x4.extract_lane 0 (f32x4.add (... (f32x4.add (local.get $acc0) (local.get $acc1)) ...) (local.get $acc11)))))
 *
 * 'wasm' uses f32 locals and f32.mul / f32.add (no splat, no extract_lane); 'wasm-relaxed' replaces
 * each mul + add pair by f32x4.relaxed_madd (0xfd 0x85 0x02: opcode 0x105 of the relaxed-SIMD
 * proposal, `relaxed_madd(a, b, c) = a * b + c`). The ':hoisted' forms compute
 * `acc = acc + c * d` instead. Modules are validated with WebAssembly.validate: relaxed SIMD is
 * skipped where the runtime lacks it (Node 20/21 without --experimental-wasm-relaxed-simd).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** PERF.md's figures (2 cores of a ~3.0 GHz Xeon, Node 20), GFLOP/s [low, high], for the report. */
export const PERF_MD_CEILINGS = {
  'wasm-relaxed': { gflops: [46, 50], what: 'f32x4.relaxed_madd, 10-12 accumulators' },
  'wasm-simd': { gflops: [31.7, 31.7], what: 'f32x4 mul + add, 12 accumulators' },
  wasm: { gflops: [8.0, 8.0], what: 'scalar f32 wasm' },
  js: { gflops: [8.1, 8.1], what: 'plain JS numbers, 12 chains' },
};

/** What each loop computes, for the report (see the table at the top of this file). */
export const LOOP_LABELS = {
  'wasm-relaxed': 'f32x4.relaxed_madd(acc, c, d)',
  'wasm-simd': 'f32x4 acc * c + d (mul, add)',
  wasm: 'f32 acc * c + d (mul, add)',
  js: 'JS numbers acc * c + 1',
  'wasm-simd:hoisted': "f32x4 acc + a * b (V8 hoists a * b: adds only)",
  'wasm:hoisted': "f32 acc + a * b (V8 hoists a * b: adds only)",
};

/** The paths with a ceiling, in the report's order. */
export const CEILING_PATHS = ['wasm-relaxed', 'wasm-simd', 'wasm', 'js'];
/** PERF.md's invariant-product loops (adds only once V8 hoists the product): reference figures. */
export const HOISTED_LOOPS = ['wasm-simd:hoisted', 'wasm:hoisted'];

/** Independent accumulator chains in every loop. */
export const CHAINS = 12;

// ---------------------------------------------------------------------------------------------
// A minimal wasm binary writer: what the peak modules need, nothing more.

/** Unsigned LEB128. */
export function uleb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit values). */
export function sleb(n) {
  const out = [];
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const f32Bytes = (x) => [...new Uint8Array(new Float32Array([x]).buffer)];
/** A vector: its length, then its items (each an array of bytes). */
const vec = (items) => [...uleb(items.length), ...items.flat()];
const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];
const name = (s) => vec([...new TextEncoder().encode(s)].map((b) => [b]));

const T = { i32: 0x7f, f32: 0x7d, v128: 0x7b, func: 0x60 };
const OP = {
  loop: 0x03, end: 0x0b, brIf: 0x0d, emptyBlockType: 0x40,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Const: 0x41, i32Sub: 0x6b,
  f32Const: 0x43, f32Add: 0x92, f32Mul: 0x94, f32Div: 0x95, f32ConvertI32S: 0xb2,
};
/** A SIMD instruction: the 0xfd prefix, then its opcode as unsigned LEB128. */
const simd = (op) => [0xfd, ...uleb(op)];
const V = {
  f32x4Splat: simd(0x13),
  f32x4ExtractLane: simd(0x1f), // then the lane index (one byte)
  f32x4Add: simd(0xe4), // 0xfd 0xe4 0x01
  f32x4Mul: simd(0xe6), // 0xfd 0xe6 0x01
  f32x4RelaxedMadd: simd(0x105), // 0xfd 0x85 0x02
};

/**
 * The module of a wasm loop: exports `peak(n: i32) -> f32` (n >= 1 trips).
 * @param {'wasm-relaxed'|'wasm-simd'|'wasm'|'wasm-simd:hoisted'|'wasm:hoisted'} loop
 * @param {number} [chains]
 * @returns {Uint8Array}
 */
export function peakModule(loop, chains = CHAINS) {
  const [kind, variant] = loop.split(':');
  if (!['wasm-relaxed', 'wasm-simd', 'wasm'].includes(kind) || (variant && variant !== 'hoisted')) {
    throw new Error(`bench: no peak loop '${loop}'`);
  }
  const vector = kind !== 'wasm';
  const ty = vector ? T.v128 : T.f32;
  const splat = vector ? V.f32x4Splat : [];
  const add = vector ? V.f32x4Add : [OP.f32Add];
  const mul = vector ? V.f32x4Mul : [OP.f32Mul];
  // Local indices: 0 = $n (the parameter), 1 = $c, 2 = $d, 3.. = the accumulators.
  const n = 0; const c = 1; const d = 2; const acc = (i) => 3 + i;
  const get = (l) => [OP.localGet, ...uleb(l)];
  const set = (l) => [OP.localSet, ...uleb(l)];
  const body = [];
  // c = splat(1 / f32(n)): not a constant, so nothing folds; d = splat(1); acc_i = splat(i + 1).
  body.push(OP.f32Const, ...f32Bytes(1), ...get(n), OP.f32ConvertI32S, OP.f32Div, ...splat, ...set(c));
  body.push(OP.f32Const, ...f32Bytes(1), ...splat, ...set(d));
  for (let i = 0; i < chains; i++) body.push(OP.f32Const, ...f32Bytes(i + 1), ...splat, ...set(acc(i)));
  body.push(OP.loop, OP.emptyBlockType);
  for (let i = 0; i < chains; i++) {
    if (variant === 'hoisted') {
      // acc = acc + c * d: the product is loop-invariant (V8 computes it once, before the loop)
      body.push(...get(acc(i)), ...get(c), ...get(d), ...mul, ...add, ...set(acc(i)));
    } else if (kind === 'wasm-relaxed') {
      // acc = relaxed_madd(acc, c, d) = acc * c + d
      body.push(...get(acc(i)), ...get(c), ...get(d), ...V.f32x4RelaxedMadd, ...set(acc(i)));
    } else {
      // acc = acc * c + d
      body.push(...get(acc(i)), ...get(c), ...mul, ...get(d), ...add, ...set(acc(i)));
    }
  }
  // n -= 1; go on while n != 0.
  body.push(...get(n), OP.i32Const, ...sleb(1), OP.i32Sub, OP.localTee, ...uleb(n), OP.brIf, 0, OP.end);
  // Return the sum of the accumulators (lane 0).
  body.push(...get(acc(0)));
  for (let i = 1; i < chains; i++) body.push(...get(acc(i)), ...add);
  if (vector) body.push(...V.f32x4ExtractLane, 0);
  body.push(OP.end);

  // Locals are declared in groups of (count, type): one group, $c, $d and the accumulators.
  const func = [...vec([[...uleb(2 + chains), ty]]), ...body];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic "\0asm", version 1
    ...section(1, vec([[T.func, ...vec([[T.i32]]), ...vec([[T.f32]])]])), // types: 0 = (i32) -> f32
    ...section(3, vec([uleb(0)])), // functions: function 0 has type 0
    ...section(7, vec([[...name('peak'), 0x00, ...uleb(0)]])), // exports: "peak" = function 0
    ...section(10, vec([[...uleb(func.length), ...func]])), // code: the body of function 0
  ]);
}

/** The JS loop: 12 chains of JS numbers, acc = acc * c + 1, one multiply and one add per step. */
export function jsPeak(n) {
  const c = 1 / n;
  let a0 = 1; let a1 = 2; let a2 = 3; let a3 = 4; let a4 = 5; let a5 = 6;
  let a6 = 7; let a7 = 8; let a8 = 9; let a9 = 10; let a10 = 11; let a11 = 12;
  for (let i = 0; i < n; i++) {
    a0 = a0 * c + 1; a1 = a1 * c + 1; a2 = a2 * c + 1; a3 = a3 * c + 1;
    a4 = a4 * c + 1; a5 = a5 * c + 1; a6 = a6 * c + 1; a7 = a7 * c + 1;
    a8 = a8 * c + 1; a9 = a9 * c + 1; a10 = a10 * c + 1; a11 = a11 * c + 1;
  }
  return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
}

/** FLOP of one trip of a loop. */
export function flopPerTrip(loop, chains = CHAINS) {
  return chains * 2 * (loop.startsWith('wasm-simd') || loop.startsWith('wasm-relaxed') ? 4 : 1);
}

/**
 * The `peak` function of a loop, or null when this runtime cannot run it (relaxed SIMD on
 * Node 20/21 without --experimental-wasm-relaxed-simd, SIMD on old engines).
 * @returns {((n: number) => number) | null}
 */
export function peakFunction(loop) {
  if (loop === 'js') return jsPeak;
  const bytes = peakModule(loop);
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(bytes)) return null;
  return new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.peak;
}

/**
 * A sampler of a loop's ceiling for scripts that alternate it with a kernel (tools/layer-overhead.mjs,
 * tools/share.mjs): each call runs `trips` trips (about 1 ms here) and returns GFLOP/s;
 * null when this runtime cannot run the loop.
 * @returns {(() => number) | null}
 */
export function ceilingSampler(loop, trips = 40000) {
  const peak = peakFunction(loop);
  if (!peak) return null;
  const flop = flopPerTrip(loop) * trips;
  return () => {
    const t0 = performance.now();
    peak(trips);
    return flop / (performance.now() - t0) / 1e6;
  };
}

/**
 * Times `runs` in alternating windows, each right after one sample of `ceiling` (a
 * ceilingSampler), `rounds` times round: per run, its windows' times (ms) and the ceiling
 * sampled before each (GFLOP/s), so that a run's share of the ceiling is taken in the same minute.
 * @returns {{ ms: number[], ceilings: number[] }[]}
 */
export function alternateWindows(runs, rounds, ceiling) {
  const out = runs.map(() => ({ ms: [], ceilings: [] }));
  for (let k = 0; k < rounds; k++) {
    runs.forEach((run, i) => {
      const c = ceiling();
      const t0 = performance.now();
      run();
      out[i].ms.push(performance.now() - t0);
      out[i].ceilings.push(c);
    });
  }
  return out;
}

/**
 * Warms a peak function up to V8's optimized code (the first call runs in the baseline compiler,
 * and a call never switches tiers while it runs) and measures its speed: calls of about 2 ms until
 * three in a row are not faster than the best seen (300 ms at most). Self-contained: the thread
 * ceiling's workers (run/machine.mjs) run its source.
 * @returns {{ tripsPerMs: number, sink: number }}
 */
export function calibrate(peak) {
  let trips = 1 << 12;
  let best = Infinity; // ms per trip
  let sink = 0;
  const t0 = performance.now();
  for (let stall = 0; stall < 3 && performance.now() - t0 < 300;) {
    const t = performance.now();
    sink += peak(trips);
    const ms = performance.now() - t;
    if (ms < 0.5) { trips *= 4; continue; }
    if (ms / trips < best * 0.97) { best = ms / trips; stall = 0; } else stall++;
    trips = Math.max(1, Math.round(2 / best));
  }
  return { tripsPerMs: 1 / best, sink };
}

export function median(xs) {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Why a loop cannot run here. */
export function unsupportedWhy(loop) {
  return loop.startsWith('wasm-relaxed')
    ? 'relaxed SIMD is off in this runtime (Node 20/21: --experimental-wasm-relaxed-simd)'
    : 'this runtime cannot compile the loop';
}

/**
 * Measures ceilings. Each loop is compiled, warmed up until V8 runs its optimized code (the first
 * call runs in the baseline compiler at a tenth to a third of the speed, and a call never switches
 * tiers while it runs) and calibrated, once, on first use; a measurement is then `samples` calls
 * of about `sampleMs` each, and reports their median and best.
 */
export class CeilingMeter {
  constructor() {
    /** loop -> { peak, flop, tripsPerMs } | null */
    this.kernels = new Map();
    this.sink = 0;
  }

  /** The warmed-up kernel of a loop, or null when this runtime cannot run it. */
  kernel(loop) {
    if (this.kernels.has(loop)) return this.kernels.get(loop);
    const peak = peakFunction(loop);
    let k = null;
    if (peak) {
      const cal = calibrate(peak);
      this.sink += cal.sink;
      k = { peak, flop: flopPerTrip(loop), tripsPerMs: cal.tripsPerMs };
    }
    this.kernels.set(loop, k);
    return k;
  }

  /**
   * Measure one loop.
   * @param {string} loop  a path of CEILING_PATHS or a loop of HOISTED_LOOPS
   * @param {{ samples?: number, sampleMs?: number }} [o]
   * @returns {{ gflops: number, bestGflops: number, samples: number[] } | null}
   *   gflops is the median sample, samples are GFLOP/s; null when the loop cannot run here
   */
  measure(loop, { samples = 5, sampleMs = 20 } = {}) {
    const k = this.kernel(loop);
    if (!k) return null;
    const trips = Math.max(1, Math.round(sampleMs * k.tripsPerMs));
    const out = [];
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      this.sink += k.peak(trips);
      const ms = performance.now() - t;
      out.push((k.flop * trips) / (ms * 1e6));
    }
    if (Number.isNaN(this.sink)) throw new Error('bench: a ceiling loop returned NaN');
    return { gflops: median(out), bestGflops: Math.max(...out), samples: out };
  }

  /**
   * Measure several loops, one after the other.
   * @returns {{ at: string, ms: number, paths: Record<string, { gflops: number, bestGflops: number,
   *   samples: number[] } | { unsupported: string }> }}
   */
  measureAll(loops = CEILING_PATHS, o = {}) {
    const t0 = performance.now();
    const at = new Date().toISOString();
    const out = {};
    for (const l of loops) out[l] = this.measure(l, o) ?? { unsupported: unsupportedWhy(l) };
    return { at, ms: +(performance.now() - t0).toFixed(1), paths: out };
  }
}

// `node bench/ceiling.mjs`: print this machine's ceilings.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = new CeilingMeter().measureAll([...CEILING_PATHS, ...HOISTED_LOOPS]);
  for (const [loop, v] of Object.entries(r.paths)) {
    const ref = PERF_MD_CEILINGS[loop] ?? PERF_MD_CEILINGS[loop.split(':')[0]];
    const refText = ref.gflops[0] === ref.gflops[1] ? `${ref.gflops[0]}` : `${ref.gflops[0]}-${ref.gflops[1]}`;
    const what = `${LOOP_LABELS[loop]}; PERF.md: ${ref.what}`;
    console.log(v.gflops != null
      ? `${loop.padEnd(17)} ${v.gflops.toFixed(1).padStart(5)} GFLOP/s median, best ${v.bestGflops.toFixed(1).padStart(5)}, PERF.md ${refText.padEnd(5)}  ${what}`
      : `${loop.padEnd(17)} skipped: ${v.unsupported}`);
  }
  console.log(`${r.ms} ms; median and best of 5 samples of 20 ms`);
}
