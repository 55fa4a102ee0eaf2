/**
 * The activations of API.md that are not a clamp (relu, relu6 and clip are the kernels' own
 * min/max), applied to a stage's output right after its kernel wrote it, in place:
 * PyTorch's formulas, so that NaN and infinities come out as they do there. Vector code on the
 * SIMD builds: exp by range reduction and a degree-6 polynomial, erfc by Abramowitz and Stegun
 * 7.1.26 (both far inside API.md's tolerance over the whole float range); NativeMathf on the
 * scalar build and on tails.
 */
import { vclamp } from './simd';

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

// --- scalar forms (the scalar build, tails, and the reference for the vector forms' tests)

// @ts-ignore: decorator
@inline
function erfcPoly(a: f32): f32 {
  // erfc(a) for a >= 0: t * poly(t) * exp(-a^2), t = 1 / (1 + p a)
  const t: f32 = 1.0 / (1.0 + 0.3275911 * a);
  const poly: f32 = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return poly * Mathf.exp(-a * a);
}

/** 0.5 * x * (1 + erf(x / sqrt 2)), with 1 + erf taken as erfc for negative x (no cancellation). */
// @ts-ignore: decorator
@inline
function geluf(x: f32): f32 {
  const a = Mathf.abs(x) * 0.70710678118654752;
  const q = erfcPoly(a);
  return 0.5 * x * (x >= 0 ? 2.0 - q : q);
}

function actf(x: f32, kind: i32, alpha: f32): f32 {
  switch (kind) {
    case ACT_SIGMOID:
      return 1.0 / (1.0 + Mathf.exp(-x));
    case ACT_TANH:
      return 1.0 - 2.0 / (Mathf.exp(2.0 * x) + 1.0);
    case ACT_SILU:
      return x / (1.0 + Mathf.exp(-x));
    case ACT_HARD_SIGMOID:
      return min<f32>(max<f32>(x + 3.0, 0.0), 6.0) / 6.0;
    case ACT_HARD_SWISH:
      return x * (min<f32>(max<f32>(x + 3.0, 0.0), 6.0) / 6.0);
    case ACT_GELU:
      return geluf(x);
    case ACT_GELU_TANH: {
      const u: f32 = 0.7978845608028654 * (x + 0.044715 * x * x * x);
      return 0.5 * x * (2.0 - 2.0 / (Mathf.exp(2.0 * u) + 1.0));
    }
    case ACT_LEAKY_RELU:
      return x > 0 ? x : alpha * x;
    case ACT_ELU:
      return x > 0 ? x : alpha * (Mathf.exp(x) - 1.0);
    default:
      return x;
  }
}

// --- vector forms

/**
 * The vector forms' constants, each splatted to 4 lanes, in static memory: V8 rebuilds a v128
 * constant from two 64-bit moves at every use inside a loop, where one load from this table
 * (in L1) costs one instruction. Read-only, so every instance of a threaded build may share it.
 */
const KTABLE: usize = memory.data<f32>([-87.33, -87.33, -87.33, -87.33, 88.72, 88.72, 88.72, 88.72, 12582912.0, 12582912.0, 12582912.0, 12582912.0, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 0.6931471805599453, 0.6931471805599453, 0.6931471805599453, 0.6931471805599453, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 1.0, 1.0, 1.0, 1.0, Infinity, Infinity, Infinity, Infinity, 0.70710678118654752, 0.70710678118654752, 0.70710678118654752, 0.70710678118654752, 0.3275911, 0.3275911, 0.3275911, 0.3275911, 1.061405429, 1.061405429, 1.061405429, 1.061405429, -1.453152027, -1.453152027, -1.453152027, -1.453152027, 1.421413741, 1.421413741, 1.421413741, 1.421413741, -0.284496736, -0.284496736, -0.284496736, -0.284496736, 0.254829592, 0.254829592, 0.254829592, 0.254829592, 2.0, 2.0, 2.0, 2.0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 3.0, 3.0, 3.0, 3.0, 6.0, 6.0, 6.0, 6.0, 0.7978845608028654, 0.7978845608028654, 0.7978845608028654, 0.7978845608028654, 0.044715, 0.044715, 0.044715, 0.044715], 16);

/** Constant i of KTABLE. */
// @ts-ignore: decorator
@inline
function K(i: i32): v128 {
  return v128.load(KTABLE + (<usize>i << 4));
}

/**
 * exp on 4 lanes: 2^n * p(r), x = n ln 2 + r, after clamping x to [-87.33, 88.72]: the ends give
 * about 1e-38 and +inf (n = 128), which is what every activation here needs of exp at
 * +-infinity, and a NaN stays NaN through the clamp. n is rounded by adding 1.5 * 2^23 (its low
 * mantissa bits are then n), which also gives 2^n's exponent bits without a float-to-int
 * conversion (a long sequence on x64).
 */
// @ts-ignore: decorator
@inline
function vexp(x: v128): v128 {
  const xc = vclamp(x, K(0), K(1));
  const t = f32x4.add(f32x4.mul(xc, K(3)), K(2));
  const n = f32x4.sub(t, K(2));
  const r = f32x4.sub(xc, f32x4.mul(n, K(4)));
  // 1 + r + r^2 (c0 + c1 r + c2 r^2 + c3 r^3 + c4 r^4 + c5 r^5) by Estrin's scheme
  const r2 = f32x4.mul(r, r);
  const r4 = f32x4.mul(r2, r2);
  const q01 = f32x4.add(f32x4.mul(K(10), r), K(11));
  const q23 = f32x4.add(f32x4.mul(K(8), r), K(9));
  const q45 = f32x4.add(f32x4.mul(K(6), r), K(7));
  const q = f32x4.add(f32x4.add(q01, f32x4.mul(q23, r2)), f32x4.mul(q45, r4));
  const p = f32x4.add(f32x4.mul(q, r2), f32x4.add(r, K(12)));
  return f32x4.mul(p, i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23));
}

// @ts-ignore: decorator
@inline
function vgelu(x: v128): v128 {
  const a = f32x4.mul(f32x4.abs(x), K(14));
  const t = f32x4.div(K(12), f32x4.add(K(12), f32x4.mul(a, K(15))));
  // t (a1 + a2 t + a3 t^2 + a4 t^3 + a5 t^4), Estrin's scheme; exp(-a^2) alongside
  const e = vexp(f32x4.neg(f32x4.mul(a, a)));
  const t2 = f32x4.mul(t, t);
  const p12 = f32x4.add(f32x4.mul(K(19), t), K(20));
  const p34 = f32x4.add(f32x4.mul(K(17), t), K(18));
  const poly = f32x4.add(f32x4.add(p12, f32x4.mul(p34, t2)), f32x4.mul(K(16), f32x4.mul(t2, t2)));
  const q = f32x4.mul(f32x4.mul(poly, t), e);
  const onePlusErf = v128.bitselect(f32x4.sub(K(21), q), q, f32x4.ge(x, K(22)));
  return f32x4.mul(f32x4.mul(K(23), x), onePlusErf);
}

/** 1 - 2 / (exp(2x) + 1): tanh with its limits at +-infinity. */
// @ts-ignore: decorator
@inline
function vtanh(x: v128): v128 {
  const e = vexp(f32x4.add(x, x));
  return f32x4.sub(K(12), f32x4.div(K(21), f32x4.add(e, K(12))));
}

// @ts-ignore: decorator
@inline
function vact(x: v128, kind: i32, alpha: v128): v128 {
  const one = K(12);
  switch (kind) {
    case ACT_SIGMOID:
      return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
    case ACT_TANH:
      return vtanh(x);
    case ACT_SILU:
      return f32x4.div(x, f32x4.add(one, vexp(f32x4.neg(x))));
    case ACT_HARD_SIGMOID:
      return f32x4.div(vclamp(f32x4.add(x, K(24)), K(22), K(25)), K(25));
    case ACT_HARD_SWISH:
      // x * (relu6(x + 3) / 6): x * 6 would overflow near the float range's end
      return f32x4.mul(x, f32x4.div(vclamp(f32x4.add(x, K(24)), K(22), K(25)),
        K(25)));
    case ACT_GELU:
      return vgelu(x);
    case ACT_GELU_TANH: {
      const u = f32x4.mul(K(26),
        f32x4.add(x, f32x4.mul(K(27), f32x4.mul(x, f32x4.mul(x, x)))));
      return f32x4.mul(f32x4.mul(K(23), x), f32x4.add(one, vtanh(u)));
    }
    case ACT_LEAKY_RELU:
    case ACT_PRELU:
      return v128.bitselect(x, f32x4.mul(alpha, x), f32x4.gt(x, K(22)));
    case ACT_ELU:
      return v128.bitselect(x, f32x4.mul(alpha, f32x4.sub(vexp(x), one)), f32x4.gt(x, K(22)));
    default:
      return x;
  }
}

/** Applies activation `kind` to the `count` floats at p (a multiple of 4). */
// @ts-ignore: decorator
@inline
function mapRun(p: usize, count: i32, kind: i32, va: v128): usize {
  for (let i = 0; i + 4 <= count; i += 4) {
    v128.store(p, vact(v128.load(p), kind, va));
    p += 16;
  }
  return p;
}

/** `count` floats at p, one alpha for all: one loop per kind, so that no branch runs per vector. */
function activateRun(p: usize, count: i32, kind: i32, alpha: f32): void {
  let end = p + (<usize>count << 2);
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(alpha);
    const n = count & ~3;
    switch (kind) {
      case ACT_SIGMOID: p = mapRun(p, n, ACT_SIGMOID, va); break;
      case ACT_TANH: p = mapRun(p, n, ACT_TANH, va); break;
      case ACT_SILU: p = mapRun(p, n, ACT_SILU, va); break;
      case ACT_HARD_SIGMOID: p = mapRun(p, n, ACT_HARD_SIGMOID, va); break;
      case ACT_HARD_SWISH: p = mapRun(p, n, ACT_HARD_SWISH, va); break;
      case ACT_GELU: p = mapRun(p, n, ACT_GELU, va); break;
      case ACT_GELU_TANH: p = mapRun(p, n, ACT_GELU_TANH, va); break;
      case ACT_ELU: p = mapRun(p, n, ACT_ELU, va); break;
      default: p = mapRun(p, n, ACT_LEAKY_RELU, va); break;
    }
  }
  const k = kind == ACT_PRELU ? ACT_LEAKY_RELU : kind;
  for (; p < end; p += 4) store<f32>(p, actf(load<f32>(p), k, alpha));
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
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      for (; c + 4 <= channels; c += 4) {
        v128.store(out, vact(v128.load(out), kind, v128.load(prelu + (<usize>c << 2))));
        out += 16;
      }
    }
    for (; c < channels; c++) {
      store<f32>(out, actf(load<f32>(out), ACT_LEAKY_RELU, load<f32>(prelu + (<usize>c << 2))));
      out += 4;
    }
  }
}
