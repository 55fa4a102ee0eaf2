/**
 * Randomised cases (seeded, so every run is the same and a failure names a reproducible case):
 * 120 valid configurations over every op and option, drawn independently of the hand-written
 * lists, run through the shared op suite (both layouts, every backend) against the reference.
 */
import { CaseSpec, OpCase, OpKind, makeCase } from '../../helpers/cases';
import { Pad, Rng, refSamePads } from '../../helpers/reference';
import { defineOpSuite } from '../../helpers/testers';

const rng = new Rng(20261128);
const pick = <T>(a: readonly T[]): T => a[Math.floor(rng.next() * a.length)];
const divisors = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
const pairOr = (a: number, b: number): number | [number, number] => (a === b ? a : [a, b]);

function outSize(c: CaseSpec, h: number, w: number): [number, number] {
  const k = typeof c.k === 'number' ? [c.k, c.k] : c.k ?? [1, 1];
  const s = typeof c.stride === 'number' ? [c.stride, c.stride] : c.stride ?? [1, 1];
  const d = typeof c.dilation === 'number' ? [c.dilation, c.dilation] : c.dilation ?? [1, 1];
  const p = c.padding;
  if (c.op === 'transposed') {
    const op = typeof c.outputPadding === 'number' ? [c.outputPadding, c.outputPadding] : c.outputPadding ?? [0, 0];
    if (p === 'same') return [h * s[0], w * s[1]];
    const q = p === undefined || p === 'valid' ? [0, 0, 0, 0] : typeof p === 'number' ? [p, p, p, p] : p.length === 2 ? [p[0], p[1], p[0], p[1]] : p;
    return [(h - 1) * s[0] - q[0] - q[2] + d[0] * (k[0] - 1) + op[0] + 1, (w - 1) * s[1] - q[1] - q[3] + d[1] * (k[1] - 1) + op[1] + 1];
  }
  let q: number[];
  if (p === 'same') {
    const [t, b] = refSamePads(h, k[0], s[0], d[0]);
    const [l, r] = refSamePads(w, k[1], s[1], d[1]);
    q = [t, l, b, r];
  } else q = p === undefined || p === 'valid' ? [0, 0, 0, 0] : typeof p === 'number' ? [p, p, p, p] : p.length === 2 ? [p[0], p[1], p[0], p[1]] : p;
  return [Math.floor((h + q[0] + q[2] - d[0] * (k[0] - 1) - 1) / s[0]) + 1, Math.floor((w + q[1] + q[3] - d[1] * (k[1] - 1) - 1) / s[1]) + 1];
}

function randomSpec(): CaseSpec {
  const op = pick<OpKind>(['conv2d', 'conv2d', 'depthwise', 'pointwise', 'separable', 'transposed', 'transposed']);
  const c = pick([1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 16, 17, 24, 33, 40]);
  const s: CaseSpec = { op, c, n: pick([1, 1, 1, 2]), h: rng.int(1, 11), w: rng.int(1, 11) };
  s.bias = rng.next() < 0.5;
  s.activation = pick(['none', 'relu', 'relu6'] as const);
  if (op === 'pointwise') {
    s.cout = rng.int(1, 20);
    s.stride = pairOr(rng.int(1, 3), rng.int(1, 3));
    s.pwRank = pick([2, 4] as const);
    return s;
  }
  s.k = [rng.int(1, 5), rng.int(1, 5)];
  s.stride = pairOr(rng.int(1, 3), rng.int(1, 3));
  s.dilation = rng.next() < 0.6 ? 1 : pairOr(rng.int(1, 3), rng.int(1, 3));
  const padForm = rng.int(0, 4);
  const pad: Pad = padForm === 0 ? rng.int(0, 2) : padForm === 1 ? [rng.int(0, 2), rng.int(0, 2)]
    : padForm === 2 ? [rng.int(0, 3), rng.int(0, 3), rng.int(0, 3), rng.int(0, 3)] : padForm === 3 ? 'same' : 'valid';
  s.padding = pad;
  if (op === 'conv2d' || op === 'transposed') {
    s.groups = pick(divisors(c));
    s.cout = s.groups * rng.int(1, 4);
  }
  if (op === 'depthwise' || op === 'separable') s.multiplier = pick([1, 1, 2, 3]);
  if (op === 'separable') {
    s.cout = rng.int(1, 20);
    s.pwRank = pick([2, 4] as const);
    s.depthwiseBias = rng.next() < 0.5;
    s.depthwiseActivation = pick(['none', 'relu', 'relu6'] as const);
  }
  if (op === 'transposed') {
    const st = typeof s.stride === 'number' ? [s.stride, s.stride] : s.stride!;
    const dl = typeof s.dilation === 'number' ? [s.dilation, s.dilation] : s.dilation!;
    if (pad === 'same') {
      if ((s.k[0] - 1) * dl[0] + 1 < st[0] || (s.k[1] - 1) * dl[1] + 1 < st[1]) s.padding = 'valid';
    } else if (rng.next() < 0.5) {
      s.outputPadding = pairOr(rng.int(0, Math.max(st[0], dl[0]) - 1), rng.int(0, Math.max(st[1], dl[1]) - 1));
    }
  }
  return s;
}

const cases: OpCase[] = [];
const names = new Set<string>();
while (cases.length < 120) {
  const s = randomSpec();
  const [oh, ow] = outSize(s, s.h!, s.w!);
  if (oh < 1 || ow < 1) continue;
  const c = makeCase(s);
  if (names.has(c.name)) continue;
  names.add(c.name);
  cases.push(c);
}

// small random shapes need not reach both ends of relu6 (the hand-written suites check that)
defineOpSuite('random cases', cases, { clampCoverage: false });
