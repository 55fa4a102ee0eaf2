/**
 * Large-shape draws shared by tests/robustness/property.test.ts and scripts/fuzz-long.mjs: planes
 * of up to tens of thousands of pixels (square-ish, odd, and flat ones such as 2x2048) and tens
 * to a hundred channels, skewed to land on both sides of the size thresholds of the backends'
 * kernel selection (src/backends/wasm/select.ts, src/backends/js/select.ts): unpadded stride-1
 * layers, planes around 400/512/1024/2048/4096 pixels and the NCHW band sizes, c*kH*kW around
 * 64, Winograd's channel counts, the depthwise NCHW output widths, groups of 4 or up to 8 output
 * channels, transposed layers whose stride equals the kernel. A size threshold that no draw
 * crosses is how a wrong NCHW kernel choice once went unnoticed.
 *
 * Every draw goes through `Draw.int`, so fast-check (fc.gen, which then shrinks the draws) and a
 * seeded RNG can both drive it; draw 0 is always the simplest choice. A shape over the budget of
 * MACs or floats (the float64 reference is plain loops) loses batch and channels first when the
 * plane is what the draw aimed at, else plane; no draw happens while it shrinks.
 */
import type { Pad } from '../helpers/reference';
import { refSamePads } from '../helpers/reference';

export type LargeOp = 'conv2d' | 'depthwise' | 'pointwise' | 'separable' | 'transposed';
export const LARGE_OPS: readonly LargeOp[] = ['conv2d', 'depthwise', 'pointwise', 'separable', 'transposed'];

/** A source of integers in [lo, hi] (both included). */
export interface Draw {
  int(lo: number, hi: number): number;
}

export interface LargeLimits {
  /** Input pixels (h*w) at most. */
  maxPlane: number;
  /** h and w of the square-ish draws at most. */
  maxSide: number;
  /** The long side of the flat draws at most. */
  maxWide: number;
  /** Input and output channels at most. */
  maxChannels: number;
  /** Multiply-accumulates of the case at most (both stages of a separable one). */
  maxMacs: number;
  /** Input plus output floats (plus separable's intermediate) at most. */
  maxFloats: number;
}

export interface LargeShape {
  op: LargeOp;
  n: number;
  /** Input channels. */
  c: number;
  /** Output channels (depthwise: c * multiplier). */
  cout: number;
  /** conv2d and transposed; 1 for the others. */
  groups: number;
  /** depthwise and separable; 1 for the others. */
  multiplier: number;
  h: number;
  w: number;
  k: [number, number];
  stride: [number, number];
  dilation: [number, number];
  /** undefined: no padding option at all (pointwise always). */
  padding: Pad | undefined;
  /** transposed only. */
  outputPadding: [number, number];
}

/** Pixels per band of the wasm runner's pixel bands for c + cout channels (runner.ts's bandPixels). */
const BAND_BYTES = 512 * 1024;
const bandPixels = (channels: number): number => Math.floor(BAND_BYTES / 4 / channels / 16) * 16;

/** Output [oh, ow] of a shape (either may be below 1: an empty output). */
export function outputSize(s: LargeShape): [number, number] {
  const [kh, kw] = s.k;
  const [sh, sw] = s.stride;
  const [dh, dw] = s.dilation;
  const p = s.padding;
  if (s.op === 'transposed') {
    let pads: number[];
    if (p === 'same') {
      const th = (kh - 1) * dh + 1 - sh;
      const tw = (kw - 1) * dw + 1 - sw;
      pads = [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
    } else pads = padsOf(p);
    return [
      (s.h - 1) * sh - pads[0] - pads[2] + dh * (kh - 1) + s.outputPadding[0] + 1,
      (s.w - 1) * sw - pads[1] - pads[3] + dw * (kw - 1) + s.outputPadding[1] + 1,
    ];
  }
  let pads: number[];
  if (p === 'same') {
    const [t, b] = refSamePads(s.h, kh, sh, dh);
    const [l, r] = refSamePads(s.w, kw, sw, dw);
    pads = [t, l, b, r];
  } else pads = padsOf(p);
  const nh = s.h + pads[0] + pads[2] - dh * (kh - 1) - 1;
  const nw = s.w + pads[1] + pads[3] - dw * (kw - 1) - 1;
  return [nh < 0 ? 0 : Math.floor(nh / sh) + 1, nw < 0 ? 0 : Math.floor(nw / sw) + 1];
}

function padsOf(p: Pad | undefined): number[] {
  if (p === undefined || p === 'valid' || p === 'same') return [0, 0, 0, 0];
  if (typeof p === 'number') return [p, p, p, p];
  if (p.length === 2) return [p[0], p[1], p[0], p[1]];
  return [p[0], p[1], p[2], p[3]];
}

/** Multiply-accumulates and floats (input, output, separable's intermediate) of a shape. */
export function costOf(s: LargeShape): { macs: number; floats: number } {
  const [oh, ow] = outputSize(s).map((v) => Math.max(0, v));
  const taps = s.k[0] * s.k[1];
  const inFloats = s.n * s.c * s.h * s.w;
  const outPix = s.n * oh * ow;
  switch (s.op) {
    case 'conv2d':
      return { macs: outPix * s.cout * (s.c / s.groups) * taps, floats: inFloats + outPix * s.cout };
    case 'depthwise':
      return { macs: outPix * s.cout * taps, floats: inFloats + outPix * s.cout };
    case 'pointwise':
      return { macs: outPix * s.cout * s.c, floats: inFloats + outPix * s.cout };
    case 'separable': {
      const mid = s.c * s.multiplier;
      return { macs: outPix * mid * (taps + s.cout), floats: inFloats + outPix * (mid + s.cout) };
    }
    case 'transposed':
      return { macs: inFloats * (s.cout / s.groups) * taps, floats: inFloats + outPix * s.cout };
  }
}

/** One large shape of `op` (or of a drawn op) within `lim`. */
export function drawLargeShape(d: Draw, lim: LargeLimits, opIn?: LargeOp): LargeShape {
  const int = (lo: number, hi: number): number => (hi <= lo ? lo : d.int(lo, hi));
  const pick = <T>(a: readonly T[]): T => a[int(0, a.length - 1)];
  const op: LargeOp = opIn ?? pick(['conv2d', 'conv2d', 'depthwise', 'pointwise', 'separable', 'transposed', 'transposed'] as const);
  const maxC = lim.maxChannels;
  // few channels (tails of the 4-, 8- and 16-wide tiles), around 64 and the limit, or any
  const channels = (): number => {
    switch (int(0, 5)) {
      case 0: case 1: case 2: return int(1, Math.min(17, maxC));
      case 3: return int(Math.min(60, maxC), Math.min(68, maxC));
      case 4: return int(Math.max(1, maxC - 4), maxC);
      default: return int(1, maxC);
    }
  };
  const kernel = (): [number, number] => {
    switch (int(0, 6)) {
      case 0: return [1, 1];
      case 1: return [1, int(2, 7)];
      case 2: return [int(2, 7), 1];
      case 3: return [3, 3];
      case 4: return [5, 5];
      case 5: return [2, 2];
      default: return [int(1, 7), int(1, 7)];
    }
  };

  const n = int(0, 3) === 3 ? 2 : 1;
  let k: [number, number] = op === 'pointwise' ? [1, 1] : kernel();
  // unpadded stride 1 (the NCHW gemms' and pixel bands' case) a third of the time, a sixth more by chance
  const plain = int(0, 2) === 0;
  let stride: [number, number] = [1, 1];
  if (!plain) {
    switch (int(0, 5)) {
      case 3: stride = [2, 2]; break;
      case 4: stride = [int(1, 3), int(1, 3)]; break;
      case 5: stride = [3, 3]; break;
      default: break;
    }
  }
  let dilation: [number, number] = [1, 1];
  if (op !== 'pointwise') {
    switch (int(0, 6)) {
      case 4: dilation = [2, 2]; break;
      case 5: dilation = [int(1, 3), int(1, 3)]; break;
      case 6: dilation = [4, 4]; break; // past Winograd F(4x4)'s dilation limit
      default: break;
    }
  }
  let padding: Pad | undefined;
  if (op !== 'pointwise') {
    const none = [undefined, 'valid', 0] as const;
    if (plain) padding = pick(none);
    else {
      switch (int(0, 7)) {
        case 4: padding = 'same'; break;
        case 5: padding = int(1, 3); break;
        case 6: padding = [int(0, 3), int(0, 3)]; break;
        case 7: padding = [int(0, 3), int(0, 3), int(0, 3), int(0, 3)]; break;
        default: padding = pick(none);
      }
    }
  }

  // channels, kept as per-group counts so that halving them keeps every option valid
  let groups = 1;
  let cg = 1; // input channels per group (depthwise, separable: the channels)
  let og = 1; // output channels per group (depthwise, separable: the multiplier)
  let cout2 = 1; // separable's pointwise outputs
  let wino = false; // such a layer gives up plane rather than its channel counts
  const taps = (): number => k[0] * k[1];
  switch (op) {
    case 'conv2d':
    case 'transposed': {
      const gk = int(0, 7);
      groups = gk === 4 ? 2 : gk === 5 ? 4 : gk === 6 ? pick([3, 8, 16, 32].filter((g) => g <= maxC)) : 1;
      if (gk === 7) {
        // one input channel per group: depthwise written as a grouped conv (og 1), or not (og > 1)
        groups = channels();
        cg = 1;
        og = Math.min(pick([1, 1, 2, 4]), Math.max(1, Math.floor(maxC / groups)));
      } else if (groups === 1) {
        cg = channels();
        og = channels();
        if (op === 'conv2d' && taps() > 1 && int(0, 2) === 0) {
          // c*kH*kW on either side of the im2col NCHW gemm's limit of 64 weights per output channel
          cg = Math.max(1, Math.min(maxC, Math.floor(64 / taps()) + int(0, 2) - 1));
        } else if (op === 'conv2d' && int(0, 3) === 0) {
          // Winograd's layers: 3x3 stride 1, 16+ input and output channels in multiples of 4
          k = [3, 3];
          stride = [1, 1];
          if (dilation[0] !== dilation[1]) dilation = [dilation[0], dilation[0]];
          const q = Math.max(4, Math.floor(maxC / 4));
          cg = 4 * int(4, q);
          og = 4 * int(4, q);
          wino = true;
        }
      } else {
        cg = Math.max(1, Math.floor(channels() / groups));
        // 4 outputs per group (the groups-of-4 tile), up to 8 (the 4x8 tile), or more
        switch (int(0, 3)) {
          case 0: og = 4; break;
          case 1: og = int(1, 8); break;
          case 2: og = int(9, 17); break;
          default: og = Math.max(1, Math.floor(channels() / groups));
        }
        og = Math.min(og, Math.max(1, Math.floor(maxC / groups)));
      }
      if (op === 'transposed' && groups === 1 && int(0, 3) === 0) {
        // stride equal to the kernel, dilation 1: the tiles that write NCHW planes themselves
        k = pick([[2, 2], [3, 3], [2, 1], [1, 2], [4, 4]] as const).slice() as [number, number];
        stride = [k[0], k[1]];
        dilation = [1, 1];
      }
      break;
    }
    case 'depthwise':
    case 'separable':
      cg = channels();
      og = [1, 1, 1, 2][int(0, 3)] ?? 1;
      if (og === 2 && int(0, 1) === 1) og = int(3, 4);
      if (op === 'separable') cout2 = channels();
      break;
    case 'pointwise':
      cg = channels();
      og = channels();
      break;
  }
  let outputPadding: [number, number] = [0, 0];
  if (op === 'transposed') {
    if (padding === 'same' && ((k[0] - 1) * dilation[0] + 1 < stride[0] || (k[1] - 1) * dilation[1] + 1 < stride[1])) padding = 'valid';
    if (padding !== 'same' && int(0, 1) === 1) {
      outputPadding = [int(0, Math.max(stride[0], dilation[0]) - 1), int(0, Math.max(stride[1], dilation[1]) - 1)];
    }
  }

  // the plane: aimed at a threshold, flat, square-ish, at the depthwise NCHW widths, small, or near the limit
  const extH = (k[0] - 1) * dilation[0];
  const extW = (k[1] - 1) * dilation[1];
  const mode = int(0, 6);
  const targets = [400, 512, 1024, 2048, 4096, -1];
  const target = mode === 0 ? pick(targets) : 0;
  const delta = mode === 0 ? int(0, 6) - 3 : 0;
  const aimOut = mode === 0 && op !== 'transposed' && int(0, 1) === 1;
  const across = mode === 0 ? pick([1, 2, 4, 8, 16, 23, 32, 64, 0]) : 0;
  const anyAcross = mode === 0 && across === 0 ? int(1, lim.maxSide) : 0;
  const short = mode === 1 ? int(1, 4) : 0;
  const longSide = mode === 1 ? int(1, Math.min(lim.maxWide, Math.floor(lim.maxPlane / short))) : 0;
  const flatTall = mode === 1 && int(0, 1) === 1;
  const sqH = mode === 2 || mode === 3 ? int(1, lim.maxSide) : 0;
  const sqW = mode === 2 || mode === 3 ? int(1, Math.min(lim.maxSide, Math.floor(lim.maxPlane / sqH))) : 0;
  const dwOw = mode === 4 ? pick([24, 48]) + int(0, 4) - 2 : 0;
  const dwH = mode === 4 ? int(1, lim.maxSide) : 0;
  const smallH = mode === 5 ? int(1, 24) : 0;
  const smallW = mode === 5 ? int(1, 24) : 0;
  const nearH = mode === 6 ? int(Math.ceil(Math.sqrt(lim.maxPlane) / 2), lim.maxSide) : 0;
  const nearLess = mode === 6 ? int(0, 3) : 0;
  // aimed draws keep their plane and give up channels; the others give up plane first half the time
  const keepPlane = !wino && (mode <= 1 || mode === 4 || mode === 6 || int(0, 1) === 1);

  let nb = n;
  const shape = (): LargeShape => {
    const c = op === 'conv2d' || op === 'transposed' ? cg * groups : cg;
    const cout = op === 'conv2d' || op === 'transposed' ? og * groups : op === 'pointwise' ? og : op === 'separable' ? cout2 : cg * og;
    return {
      op, n: nb, c, cout, groups: op === 'conv2d' || op === 'transposed' ? groups : 1,
      multiplier: op === 'depthwise' || op === 'separable' ? og : 1,
      h: 1, w: 1, k, stride, dilation, padding, outputPadding,
    };
  };
  /** The plane the draws aim at for the current channels. */
  const plane = (s: LargeShape): [number, number] => {
    const maxP = lim.maxPlane;
    switch (mode) {
      case 0: {
        let p = target;
        if (p < 0) {
          // the wasm runner's NCHW bands: pixel bands from planes of two bands, channel bands when
          // a depthwise layer's input and output planes pass BAND_BYTES per channel band
          if (op === 'depthwise') p = Math.ceil(BAND_BYTES / 4 / (s.c * (1 + s.multiplier)));
          else p = bandPixels(s.c + s.cout) >= 1024 ? 2 * bandPixels(s.c + s.cout) : 2048;
        }
        p = Math.max(1, Math.min(maxP, p + delta));
        let w = across === 0 ? anyAcross : across;
        w = Math.max(1, Math.min(w, p));
        let h = Math.max(1, Math.round(p / w));
        if (aimOut) {
          h += extH;
          w += extW;
        }
        if (h * w > maxP) h = Math.max(1, Math.floor(maxP / w));
        return [h, w];
      }
      case 1:
        return flatTall ? [longSide, short] : [short, longSide];
      case 2:
      case 3:
        return [sqH, sqW];
      case 4: {
        const w = Math.max(1, Math.min(maxP, (dwOw - 1) * s.stride[1] + extW + 1));
        return [Math.max(1, Math.min(dwH, Math.floor(maxP / w))), w];
      }
      case 5:
        return [smallH, smallW];
      default: {
        const h = Math.min(nearH, maxP);
        return [h, Math.max(1, Math.floor(maxP / h) - nearLess)];
      }
    }
  };
  /** Halves the largest channel count (or the batch): false when all are 1. */
  const fewerChannels = (): boolean => {
    if (nb > 1) {
      nb = 1;
      return true;
    }
    const sizes: Array<[number, () => void]> = [
      [cg, () => (cg = Math.ceil(cg / 2))],
      [og, () => (og = Math.ceil(og / 2))],
      [groups, () => (groups = Math.ceil(groups / 2))],
      [cout2, () => (cout2 = Math.ceil(cout2 / 2))],
    ];
    let best = -1;
    for (let i = 0; i < sizes.length; i++) if (sizes[i][0] > 1 && (best < 0 || sizes[i][0] > sizes[best][0])) best = i;
    if (best < 0) return false;
    sizes[best][1]();
    return true;
  };
  // halve the plane's longer side (never below the kernel's extent, so the output stays
  // non-empty) until the case fits, or first the channels when the plane is what the draw aimed at
  let planeHalvings = 0;
  let s = shape();
  for (let guard = 0; guard < 400; guard++) {
    s = shape();
    let [h, w] = plane(s);
    const minH = op === 'transposed' ? 1 : Math.min(h, extH + 1);
    const minW = op === 'transposed' ? 1 : Math.min(w, extW + 1);
    for (let i = 0; i < planeHalvings; i++) {
      if ((h >= w || w <= minW) && h > minH) h = Math.max(minH, Math.ceil(h / 2));
      else if (w > minW) w = Math.max(minW, Math.ceil(w / 2));
    }
    s.h = h;
    s.w = w;
    const cost = costOf(s);
    if (cost.macs <= lim.maxMacs && cost.floats <= lim.maxFloats) return s;
    const planeLeft = h > minH || w > minW;
    if ((keepPlane || !planeLeft) && fewerChannels()) continue;
    if (!planeLeft) break;
    planeHalvings++;
  }
  return s;
}

/**
 * Whether two arrays hold the same values (NaN equal to NaN), with no global lookup in the loop:
 * under jest's vm context each (Number.isNaN) goes through the context's interceptor.
 */
export function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y && (x === x || y === y)) return false;
  }
  return true;
}
