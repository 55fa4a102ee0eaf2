/**
 * The shared op-case generator: one list of named cases per op, named on their boundaries as
 * STYLE.md asks (`depthwise_3x3s2d1p1_c13`, `grouped_3x3s1d1p1g4_c8_co12`,
 * `transposed_4x4s2d1p1op1_c3_co5`, ...), and the data each case runs on in either layout.
 * Pure data and references: nothing here imports src/.
 */
import {
  Act, Layout, Pad, Pair, RefOptions, RefTensor, Rng, Tensor, randomArray, randomTensor, seedOf,
  refConv2d, refConvTranspose2d, refDepthwiseConv2d, refPointwiseConv2d, refSeparableConv2d,
} from './reference';

export type OpKind = 'conv2d' | 'depthwise' | 'pointwise' | 'separable' | 'transposed';

/** A case in NCHW terms: the layout is chosen when it is materialised. */
export interface OpCase {
  name: string;
  op: OpKind;
  n: number;
  c: number;
  h: number;
  w: number;
  /** conv2d, pointwise, separable (pointwise output), transposed: output channels. */
  cout: number;
  k: [number, number];
  /** depthwise / separable depthwise multiplier. */
  multiplier: number;
  /** pointwise weights (pointwise op or separable's second stage): 4-D or the 2-D form. */
  pwRank: 2 | 4;
  stride?: Pair;
  padding?: Pad;
  dilation?: Pair;
  groups?: number;
  outputPadding?: Pair;
  bias: boolean;
  activation?: Act;
  depthwiseBias: boolean;
  depthwiseActivation?: Act;
  /** Scale of the pre-activation outputs (~ their standard deviation). */
  gain: number;
}

export interface CaseSpec {
  op: OpKind;
  c: number;
  cout?: number;
  k?: number | [number, number];
  n?: number;
  h?: number;
  w?: number;
  multiplier?: number;
  pwRank?: 2 | 4;
  stride?: Pair;
  padding?: Pad;
  dilation?: Pair;
  groups?: number;
  outputPadding?: Pair;
  bias?: boolean;
  activation?: Act;
  depthwiseBias?: boolean;
  depthwiseActivation?: Act;
  gain?: number;
}

function pairName(v: Pair | undefined, dflt: number): string {
  if (v === undefined) return String(dflt);
  if (typeof v === 'number') return String(v);
  return v[0] === v[1] ? String(v[0]) : `${v[0]}x${v[1]}`;
}

function padName(p: Pad | undefined): string {
  if (p === undefined) return '0';
  if (typeof p === 'string') return p;
  if (typeof p === 'number') return String(p);
  if (p.length === 2) return p[0] === p[1] ? String(p[0]) : `${p[0]}x${p[1]}`;
  return p.join('_');
}

/** The STYLE.md name of a case. */
export function caseName(s: CaseSpec): string {
  const k = s.k === undefined ? [1, 1] : typeof s.k === 'number' ? [s.k, s.k] : s.k;
  const g = s.groups ?? 1;
  let family: string = s.op;
  if (s.op === 'conv2d') {
    const d = s.dilation === undefined ? 1 : typeof s.dilation === 'number' ? s.dilation : Math.max(...s.dilation);
    family = g > 1 ? 'grouped' : d > 1 ? 'dilated' : 'standard';
  }
  let name = `${family}_${k[0]}x${k[1]}`;
  if (s.op === 'pointwise') name += `s${pairName(s.stride, 1)}`;
  else name += `s${pairName(s.stride, 1)}d${pairName(s.dilation, 1)}p${padName(s.padding)}`;
  if (g > 1) name += `g${g}`;
  if ((s.multiplier ?? 1) > 1) name += `m${s.multiplier}`;
  if (s.outputPadding !== undefined && pairName(s.outputPadding, 0) !== '0') name += `op${pairName(s.outputPadding, 0)}`;
  name += `_c${s.c}`;
  if (s.cout !== undefined) name += `_co${s.cout}`;
  if ((s.n ?? 1) > 1) name += `_n${s.n}`;
  name += `_${s.h ?? 5}x${s.w ?? s.h ?? 5}`;
  if (s.pwRank === 2) name += '_w2d';
  if (s.depthwiseBias) name += '_dwbias';
  if (s.depthwiseActivation && s.depthwiseActivation !== 'none') name += `_dw${s.depthwiseActivation}`;
  if (s.bias) name += '_bias';
  if (s.activation && s.activation !== 'none') name += `_${s.activation}`;
  return name;
}

/** Completes a spec into a case (defaults: n 1, 5x5 input, kernel 1, no bias). */
export function makeCase(s: CaseSpec): OpCase {
  const k: [number, number] = s.k === undefined ? [1, 1] : typeof s.k === 'number' ? [s.k, s.k] : [s.k[0], s.k[1]];
  const h = s.h ?? 5;
  return {
    name: caseName(s),
    op: s.op,
    n: s.n ?? 1,
    c: s.c,
    h,
    w: s.w ?? h,
    cout: s.cout ?? (s.op === 'depthwise' ? s.c * (s.multiplier ?? 1) : s.c),
    k,
    multiplier: s.multiplier ?? 1,
    pwRank: s.pwRank ?? 4,
    stride: s.stride,
    padding: s.padding,
    dilation: s.dilation,
    groups: s.groups,
    outputPadding: s.outputPadding,
    bias: s.bias ?? false,
    activation: s.activation,
    depthwiseBias: s.depthwiseBias ?? false,
    depthwiseActivation: s.depthwiseActivation,
    gain: s.gain ?? (s.activation === 'relu6' || s.depthwiseActivation === 'relu6' ? 6 : 1),
  };
}

/** Makes cases from specs; fails loudly on a duplicate name (names are test ids). */
export function makeCases(specs: CaseSpec[]): OpCase[] {
  const seen = new Set<string>();
  return specs.map((s) => {
    const c = makeCase(s);
    if (seen.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
    seen.add(c.name);
    return c;
  });
}

/** What a case runs on, in one layout: the public call's arguments. */
export interface CaseInputs {
  x: Tensor;
  w: Tensor;
  /** separable: the pointwise weights. */
  w2?: Tensor;
  opts: RefOptions & { layout: Layout };
}

function pairOf(v: Pair | undefined, d: number): [number, number] {
  return v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : v;
}

/** Input shape of a case in a layout, for a given spatial size. */
export function inputShape(c: OpCase, layout: Layout, h = c.h, w = c.w): number[] {
  return layout === 'NCHW' ? [c.n, c.c, h, w] : [c.n, h, w, c.c];
}

/** Weight shapes of a case in a layout (API.md's weight layouts). */
export function weightShapes(c: OpCase, layout: Layout): { w: number[]; w2?: number[] } {
  const [kh, kw] = c.k;
  const g = c.groups ?? 1;
  const nchw = layout === 'NCHW';
  const pw = (cin: number, cout: number): number[] =>
    c.pwRank === 2 ? (nchw ? [cout, cin] : [cin, cout]) : nchw ? [cout, cin, 1, 1] : [1, 1, cin, cout];
  switch (c.op) {
    case 'conv2d':
      return { w: nchw ? [c.cout, c.c / g, kh, kw] : [kh, kw, c.c / g, c.cout] };
    case 'depthwise':
      return { w: nchw ? [c.c * c.multiplier, 1, kh, kw] : [kh, kw, c.c, c.multiplier] };
    case 'pointwise':
      return { w: pw(c.c, c.cout) };
    case 'separable':
      return {
        w: nchw ? [c.c * c.multiplier, 1, kh, kw] : [kh, kw, c.c, c.multiplier],
        w2: pw(c.c * c.multiplier, c.cout),
      };
    case 'transposed':
      return { w: nchw ? [c.c, c.cout / g, kh, kw] : [kh, kw, c.cout / g, c.c] };
  }
}

/**
 * The data of a case in a layout, seeded by the case name (and `salt`). Weights are scaled by
 * the fan-in so that pre-activation outputs have a standard deviation of about `gain`
 * (relu6 cases: 6, so that some outputs pass 6 and some are negative).
 */
export function materialise(c: OpCase, layout: Layout, salt = '', h = c.h, w = c.w): CaseInputs {
  const rng = new Rng(seedOf(c.name + '/' + layout + '/' + salt));
  const g = c.groups ?? 1;
  const [kh, kw] = c.k;
  const [sh, sw] = pairOf(c.stride, 1);
  const shapes = weightShapes(c, layout);
  // x ~ U(-1, 1): variance 1/3; w ~ U(-a, a): variance a^2/3; sum of F terms: F a^2 / 9.
  const amp = (fanIn: number, gain: number): number => (3 * gain) / Math.sqrt(Math.max(1, fanIn));
  let wScale: number;
  let w2Scale = 0;
  switch (c.op) {
    case 'conv2d':
      wScale = amp((c.c / g) * kh * kw, c.gain);
      break;
    case 'depthwise':
      wScale = amp(kh * kw, c.gain);
      break;
    case 'pointwise':
      wScale = amp(c.c, c.gain);
      break;
    case 'separable':
      wScale = amp(kh * kw, c.depthwiseActivation === 'relu6' ? 6 : 1);
      w2Scale = amp(c.c * c.multiplier, c.gain) / (c.depthwiseActivation === 'relu6' ? 3 : 1);
      break;
    case 'transposed':
      wScale = amp(((c.c / g) * kh * kw) / (sh * sw), c.gain);
      break;
  }
  const x = randomTensor(rng, inputShape(c, layout, h, w));
  const wt = randomTensor(rng, shapes.w, wScale);
  const w2 = shapes.w2 ? randomTensor(rng, shapes.w2, w2Scale) : undefined;
  const opts: CaseInputs['opts'] = { layout };
  if (c.stride !== undefined) opts.stride = c.stride;
  if (c.padding !== undefined) opts.padding = c.padding;
  if (c.dilation !== undefined) opts.dilation = c.dilation;
  if (c.groups !== undefined) opts.groups = c.groups;
  if (c.outputPadding !== undefined) opts.outputPadding = c.outputPadding;
  if (c.activation !== undefined) opts.activation = c.activation;
  if (c.depthwiseActivation !== undefined) opts.depthwiseActivation = c.depthwiseActivation;
  if (c.bias) opts.bias = randomArray(rng, c.cout, c.gain / 2);
  if (c.depthwiseBias) opts.depthwiseBias = randomArray(rng, c.c * c.multiplier, 0.5);
  return { x, w: wt, w2, opts };
}

/** The float64 reference output of a case's inputs. */
export function referenceOf(c: OpCase, inp: CaseInputs): RefTensor {
  switch (c.op) {
    case 'conv2d':
      return refConv2d(inp.x, inp.w, inp.opts);
    case 'depthwise':
      return refDepthwiseConv2d(inp.x, inp.w, inp.opts);
    case 'pointwise':
      return refPointwiseConv2d(inp.x, inp.w, inp.opts);
    case 'separable':
      return refSeparableConv2d(inp.x, inp.w, inp.w2 as Tensor, inp.opts);
    case 'transposed':
      return refConvTranspose2d(inp.x, inp.w, inp.opts);
  }
}

/** Both layouts every case runs in. */
export const LAYOUTS: Layout[] = ['NCHW', 'NHWC'];

/** For relu6 cases: does the reference reach both ends of the clamp and the inside? */
export function clampCoverage(expected: ArrayLike<number>): { zeros: number; sixes: number; inside: number } {
  let zeros = 0;
  let sixes = 0;
  let inside = 0;
  for (let i = 0; i < expected.length; i++) {
    if (expected[i] === 0) zeros++;
    else if (expected[i] === 6) sixes++;
    else inside++;
  }
  return { zeros, sixes, inside };
}
