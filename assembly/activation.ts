/**
 * The activations of API.md that are not a clamp (relu, relu6 and clip are the kernels' own
 * min/max), applied to a stage's output right after its kernel wrote it, in place:
 * PyTorch's formulas, so that NaN and infinities come out as they do there. exp by range
 * reduction and a degree-5 polynomial; erf by a rational function of degree 9/6 (odd/even, as
 * XNNPACK's vgelu), clamped to [-1, 1]: it passes 1 at 5.2, so it reaches +-1 exactly; both far inside API.md's
 * tolerance over the whole float range (docs/performance.md#activation-math). The SIMD builds run
 * every float through the vector forms, the last 1-3 of a run too, so a split of a buffer between
 * threads changes no bit; their multiply-adds are fused in the relaxed build. The scalar forms
 * (the scalar build) repeat the simd build's arithmetic operation for operation.
 */
import { clampf, storeTail, vclamp, vmadd } from './simd';

export const ACT_SIGMOID = 1;
export const ACT_TANH = 2;
export const ACT_SILU = 3;
export const ACT_HARD_SIGMOID = 4;
export const ACT_HARD_SWISH = 5;
export const ACT_GELU = 6;
export const ACT_GELU_TANH = 7;
export const ACT_LEAKY_RELU = 8;
export const ACT_ELU = 9;
export const ACT_PRELU = 10;

/**
 * The constants, in static memory: V8 rebuilds a v128 constant at every use inside a loop, where
 * a splatting load from this table (in L1) is one instruction. Read-only, so every instance of a
 * threaded build may share it. Coefficients fitted by tools/fit-activations.py.
 */
const KTABLE: usize = memory.data<f32>([
  // exp(x): its input range (2^-126 and +inf at the ends), log2(e), -ln(2) and
  // exp(r) = 1 + r + r^2 (e2 + e3 r + e4 r^2 + e5 r^3)
  -87.33, 88.72, 1.44269504088896341, -0.6931471805599453,
  4.9999234080e-01, 1.6667114198e-01, 4.1889928281e-02, 8.3124516532e-03,
  // exp(-x): the same with x's range, log2(e) and ln(2) negated, and the polynomial in s = -r
  -88.72, 87.33, -1.44269504088896341, 0.6931471805599453,
  4.9999234080e-01, -1.6667114198e-01, 4.1889928281e-02, -8.3124516532e-03,
  12583039.0, // 1.5 * 2^23 + 127
  1.0, 2.0, 0.0, 0.5, 3.0, 6.0,
  -1.5957691216057308, -0.07135481627260025, // -2 sqrt(2 / pi), and that times gelu-tanh's 0.044715
  5.2, -5.2, // |x| beyond which erf(x / sqrt 2) is +-1 in float
  7.9789847136e-01, 5.6772492826e-02, 8.2617430016e-03, 9.1720386990e-05, -1.7408306974e-07, // erf numerator
  2.3790155351e-01, 2.4897454306e-02, 1.3581651729e-03, // erf denominator (1 + ...)
  -1.0,
], 16);
/** The blocks of exp(x) and exp(-x), and each constant's place in a block. */
const EXP = 0, EXP_NEG = 8, LO = 0, HI = 1, LOG2E = 2, NLN2 = 3, E2 = 4, E3 = 5, E4 = 6, E5 = 7;
const MAGIC = 16, ONE = 17, TWO = 18, ZERO = 19, HALF = 20, THREE = 21, SIX = 22, GT_U = 23, GT_CU = 24;
const ERF_MAX = 25, ERF_MIN = 26, P0 = 27, P1 = 28, P2 = 29, P3 = 30, P4 = 31;
const Q1 = 32, Q2 = 33, Q3 = 34, MONE = 35;

/** Constant i of KTABLE on 4 lanes. */
// @ts-ignore: decorator
@inline
function K(i: i32): v128 {
  return v128.load32_splat(KTABLE + (<usize>i << 2));
}

/** Constant i of KTABLE. */
// @ts-ignore: decorator
@inline
function k(i: i32): f32 {
  return load<f32>(KTABLE + (<usize>i << 2));
}

// --- vector forms

/**
 * exp(x) (b = EXP) or exp(-x) (b = EXP_NEG) on 4 lanes: 2^n * p(r), +-x = n ln 2 + r, after
 * clamping +-x to [-87.33, 88.72]: the ends give 2^-126 and +inf (n = 128), which is what every
 * activation here needs of exp at +-infinity, and a NaN stays NaN through the clamp. n is rounded
 * by adding 1.5 * 2^23 + 127: the low mantissa bits are then n + 127, 2^n's exponent bits, with no
 * float-to-int conversion. exp(-x) takes x itself (no negation): its block's constants carry the
 * signs, and it evaluates p(-s) with s = x + n ln 2 = -r.
 */
// @ts-ignore: decorator
@inline
function vexpOf(x: v128, b: i32): v128 {
  const xc = vclamp(x, K(b + LO), K(b + HI));
  const t = vmadd(xc, K(b + LOG2E), K(MAGIC));
  const n = f32x4.sub(t, K(MAGIC));
  const r = vmadd(n, K(b + NLN2), xc);
  const r2 = f32x4.mul(r, r);
  const q = vmadd(vmadd(K(b + E5), r, K(b + E4)), r2, vmadd(K(b + E3), r, K(b + E2)));
  const p = vmadd(q, r2, b == EXP_NEG ? f32x4.sub(K(ONE), r) : f32x4.add(r, K(ONE)));
  return f32x4.mul(p, i32x4.shl(t, 23));
}

// @ts-ignore: decorator
@inline
function vexp(x: v128): v128 {
  return vexpOf(x, EXP);
}

/** 0.5 x (1 + erf(x / sqrt 2)), erf as x P(x^2) / Q(x^2) on |x| <= 5.2, and +-1 beyond. */
// @ts-ignore: decorator
@inline
function vgelu(x: v128): v128 {
  const xc = vclamp(x, K(ERF_MIN), K(ERF_MAX));
  const t = f32x4.mul(xc, xc);
  let p = vmadd(K(P4), t, K(P3));
  p = vmadd(p, t, K(P2));
  p = vmadd(p, t, K(P1));
  p = vmadd(p, t, K(P0));
  let q = vmadd(K(Q3), t, K(Q2));
  q = vmadd(q, t, K(Q1));
  q = vmadd(q, t, K(ONE));
  const erf = vclamp(f32x4.div(f32x4.mul(xc, p), q), K(MONE), K(ONE));
  const h = f32x4.mul(K(HALF), x);
  return vmadd(h, erf, h);
}

/** 1 - 2 / (exp(2x) + 1): tanh with its limits at +-infinity. */
// @ts-ignore: decorator
@inline
function vtanh(x: v128): v128 {
  const e = vexp(f32x4.add(x, x));
  return f32x4.sub(K(ONE), f32x4.div(K(TWO), f32x4.add(e, K(ONE))));
}

// @ts-ignore: decorator
@inline
function vsigmoid(x: v128): v128 {
  return f32x4.div(K(ONE), f32x4.add(K(ONE), vexpOf(x, EXP_NEG)));
}

// @ts-ignore: decorator
@inline
function vsilu(x: v128): v128 {
  return f32x4.div(x, f32x4.add(K(ONE), vexpOf(x, EXP_NEG)));
}

// @ts-ignore: decorator
@inline
function vhardSigmoid(x: v128): v128 {
  return f32x4.div(vclamp(f32x4.add(x, K(THREE)), K(ZERO), K(SIX)), K(SIX));
}

/** x * (relu6(x + 3) / 6): x * 6 would overflow near the float range's end. */
// @ts-ignore: decorator
@inline
function vhardSwish(x: v128): v128 {
  return f32x4.mul(x, vhardSigmoid(x));
}

/** 0.5 x (1 + tanh(u)) = x / (1 + exp(-2u)), u = sqrt(2 / pi) (x + 0.044715 x^3): -2u = x (a x^2 + b). */
// @ts-ignore: decorator
@inline
function vgeluTanh(x: v128): v128 {
  const m2u = f32x4.mul(x, vmadd(K(GT_CU), f32x4.mul(x, x), K(GT_U)));
  return f32x4.div(x, f32x4.add(K(ONE), vexp(m2u)));
}

/** leakyRelu and prelu: alpha x below 0. */
// @ts-ignore: decorator
@inline
function vleaky(x: v128, alpha: v128): v128 {
  return v128.bitselect(x, f32x4.mul(alpha, x), f32x4.gt(x, K(ZERO)));
}

// @ts-ignore: decorator
@inline
function velu(x: v128, alpha: v128): v128 {
  return v128.bitselect(x, f32x4.mul(alpha, f32x4.sub(vexp(x), K(ONE))), f32x4.gt(x, K(ZERO)));
}

// @ts-ignore: decorator
@inline
function vact(x: v128, kind: i32, alpha: v128): v128 {
  switch (kind) {
    case ACT_SIGMOID: return vsigmoid(x);
    case ACT_TANH: return vtanh(x);
    case ACT_SILU: return vsilu(x);
    case ACT_HARD_SIGMOID: return vhardSigmoid(x);
    case ACT_HARD_SWISH: return vhardSwish(x);
    case ACT_GELU: return vgelu(x);
    case ACT_GELU_TANH: return vgeluTanh(x);
    case ACT_LEAKY_RELU:
    case ACT_PRELU:
      return vleaky(x, alpha);
    case ACT_ELU: return velu(x, alpha);
    default: return x;
  }
}

/*
 * One class per kind, so that mapRun<T> compiles one loop per kind with the formula inlined: with
 * the kind a value, even a constant one, Binaryen folds the loops into one that branches on the
 * kind at every vector. Never instantiated: mapRun calls v() on a null reference.
 */
// @ts-ignore: decorator
@final @unmanaged class Sigmoid { @inline v(x: v128, a: v128): v128 { return vsigmoid(x); } }
// @ts-ignore: decorator
@final @unmanaged class Tanh { @inline v(x: v128, a: v128): v128 { return vtanh(x); } }
// @ts-ignore: decorator
@final @unmanaged class Silu { @inline v(x: v128, a: v128): v128 { return vsilu(x); } }
// @ts-ignore: decorator
@final @unmanaged class HardSigmoid { @inline v(x: v128, a: v128): v128 { return vhardSigmoid(x); } }
// @ts-ignore: decorator
@final @unmanaged class HardSwish { @inline v(x: v128, a: v128): v128 { return vhardSwish(x); } }
// @ts-ignore: decorator
@final @unmanaged class Gelu { @inline v(x: v128, a: v128): v128 { return vgelu(x); } }
// @ts-ignore: decorator
@final @unmanaged class GeluTanh { @inline v(x: v128, a: v128): v128 { return vgeluTanh(x); } }
// @ts-ignore: decorator
@final @unmanaged class Leaky { @inline v(x: v128, a: v128): v128 { return vleaky(x, a); } }
// @ts-ignore: decorator
@final @unmanaged class Elu { @inline v(x: v128, a: v128): v128 { return velu(x, a); } }

// --- scalar forms: the vector forms' operations, one lane

// @ts-ignore: decorator
@inline
function sexpOf(x: f32, b: i32): f32 {
  const xc = clampf(x, k(b + LO), k(b + HI));
  const t = xc * k(b + LOG2E) + k(MAGIC);
  const n = t - k(MAGIC);
  const r = xc + n * k(b + NLN2);
  const r2 = r * r;
  const q = (k(b + E3) * r + k(b + E2)) + r2 * (k(b + E5) * r + k(b + E4));
  const p = q * r2 + (b == EXP_NEG ? k(ONE) - r : r + k(ONE));
  return p * reinterpret<f32>(reinterpret<i32>(t) << 23);
}

// @ts-ignore: decorator
@inline
function sgelu(x: f32): f32 {
  const xc = clampf(x, k(ERF_MIN), k(ERF_MAX));
  const t = xc * xc;
  let p = k(P4) * t + k(P3);
  p = p * t + k(P2);
  p = p * t + k(P1);
  p = p * t + k(P0);
  let q = k(Q3) * t + k(Q2);
  q = q * t + k(Q1);
  q = q * t + k(ONE);
  const erf = clampf((xc * p) / q, k(MONE), k(ONE));
  const h = k(HALF) * x;
  return h + h * erf;
}

function actf(x: f32, kind: i32, alpha: f32): f32 {
  switch (kind) {
    case ACT_SIGMOID:
      return k(ONE) / (k(ONE) + sexpOf(x, EXP_NEG));
    case ACT_TANH:
      return k(ONE) - k(TWO) / (sexpOf(x + x, EXP) + k(ONE));
    case ACT_SILU:
      return x / (k(ONE) + sexpOf(x, EXP_NEG));
    case ACT_HARD_SIGMOID:
      return clampf(x + k(THREE), k(ZERO), k(SIX)) / k(SIX);
    case ACT_HARD_SWISH:
      return x * (clampf(x + k(THREE), k(ZERO), k(SIX)) / k(SIX));
    case ACT_GELU:
      return sgelu(x);
    case ACT_GELU_TANH:
      return x / (k(ONE) + sexpOf(x * (k(GT_CU) * (x * x) + k(GT_U)), EXP));
    case ACT_LEAKY_RELU:
    case ACT_PRELU:
      return x > 0 ? x : alpha * x;
    case ACT_ELU:
      return x > 0 ? x : alpha * (sexpOf(x, EXP) - k(ONE));
    default:
      return x;
  }
}

/**
 * Applies activation T to the `count` floats at p (a multiple of 16), four vectors per trip: the
 * long formulas are chains of dependent operations, and four of them side by side keep the
 * pipes busy (two left them idle; six spill registers).
 */
// @ts-ignore: decorator
@inline
function mapRun<T>(p: usize, count: i32, va: v128): usize {
  const f = changetype<T>(0);
  let i = 0;
  for (; i + 16 <= count; i += 16) {
    const a = f.v(v128.load(p), va);
    const b = f.v(v128.load(p, 16), va);
    const c = f.v(v128.load(p, 32), va);
    const d = f.v(v128.load(p, 48), va);
    v128.store(p, a);
    v128.store(p, b, 16);
    v128.store(p, c, 32);
    v128.store(p, d, 48);
    p += 64;
  }
  return p;
}

/** vact for a kind known only at run time: the last 1-15 floats of a run. */
function vactAny(x: v128, kind: i32, alpha: v128): v128 {
  return vact(x, kind, alpha);
}

/**
 * `count` floats at p, one alpha for all: one loop per kind over whole trips of 16 floats, with
 * no branch per vector; the last 1-15 through vactAny, which branches on the kind. The last 1-3
 * go through the vector form too (reading up to 12 bytes past the run, within the heap's
 * over-read margin), so each float's bits do not depend on where a run starts.
 */
function activateRun(p: usize, count: i32, kind: i32, alpha: f32): void {
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(alpha);
    const n = count & ~15;
    switch (kind) {
      case ACT_SIGMOID: p = mapRun<Sigmoid>(p, n, va); break;
      case ACT_TANH: p = mapRun<Tanh>(p, n, va); break;
      case ACT_SILU: p = mapRun<Silu>(p, n, va); break;
      case ACT_HARD_SIGMOID: p = mapRun<HardSigmoid>(p, n, va); break;
      case ACT_HARD_SWISH: p = mapRun<HardSwish>(p, n, va); break;
      case ACT_GELU: p = mapRun<Gelu>(p, n, va); break;
      case ACT_GELU_TANH: p = mapRun<GeluTanh>(p, n, va); break;
      case ACT_ELU: p = mapRun<Elu>(p, n, va); break;
      default: p = mapRun<Leaky>(p, n, va); break;
    }
    // the last 1-15 floats through the form that dispatches per vector (one copy of each formula)
    let rest = count - n;
    for (; rest >= 4; rest -= 4) {
      v128.store(p, vactAny(v128.load(p), kind, va));
      p += 16;
    }
    if (rest > 0) storeTail(p, vactAny(v128.load(p), kind, va), rest);
    return;
  }
  const end = p + (<usize>count << 2);
  const k1 = kind == ACT_PRELU ? ACT_LEAKY_RELU : kind;
  for (; p < end; p += 4) store<f32>(p, actf(load<f32>(p), k1, alpha));
}

/**
 * Applies activation `kind` in place to a stage's output at `out`: `rows` rows of `channels`
 * floats (channels-last, plane 0) or `rows` images of `channels` planes of `plane` floats
 * (channels-first). `alpha`: leakyRelu's and elu's parameter; `prelu`: `channels` slopes (0 for
 * the other kinds).
 */
export function activate(out: usize, rows: i32, channels: i32, plane: i32, kind: i32, alpha: f32, prelu: usize): void {
  if (kind != ACT_PRELU) {
    activateRun(out, rows * channels * (plane > 0 ? plane : 1), kind, alpha);
    return;
  }
  if (plane > 0) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < channels; c++) {
        activateRun(out, plane, kind, load<f32>(prelu + (<usize>c << 2)));
        out += <usize>plane << 2;
      }
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    if (ASC_FEATURE_SIMD) {
      let c = 0;
      for (; c + 4 <= channels; c += 4) {
        v128.store(out, vact(v128.load(out), ACT_PRELU, v128.load(prelu + (<usize>c << 2))));
        out += 16;
      }
      const rest = channels - c;
      if (rest > 0) {
        storeTail(out, vact(v128.load(out), ACT_PRELU, v128.load(prelu + (<usize>c << 2))), rest);
        out += <usize>rest << 2;
      }
    } else {
      for (let c = 0; c < channels; c++) {
        store<f32>(out, actf(load<f32>(out), ACT_LEAKY_RELU, load<f32>(prelu + (<usize>c << 2))));
        out += 4;
      }
    }
  }
}
