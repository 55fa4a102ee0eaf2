/**
 * The activations that follow the kernels' clamp (options.ts EpilogueKind) for the js backend:
 * PyTorch's formulas in float64, in place on a stage's output.
 */
import type { ActivationSpec } from '../../ops/options.js';
import type { Layout } from '../../ops/options.js';
import type { Geometry } from '../../ops/plan.js';

/** erf by Abramowitz and Stegun 7.1.26 on |x| (error below 1.5e-7), sign restored. */
function erf(x: number): number {
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-a * a);
  return x < 0 ? -y : y;
}

/** One activation: a function of the value and its output channel. */
export function activationFn(a: ActivationSpec): ((v: number, c: number) => number) | undefined {
  const alpha = a.alpha;
  switch (a.kind) {
    case 'none':
      return undefined;
    case 'sigmoid':
      return (v) => 1 / (1 + Math.exp(-v));
    case 'tanh':
      return (v) => Math.tanh(v);
    case 'silu':
      return (v) => v / (1 + Math.exp(-v));
    case 'hardSigmoid':
      return (v) => Math.min(Math.max(v + 3, 0), 6) / 6;
    case 'hardSwish':
      return (v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6;
    case 'gelu':
      return (v) => 0.5 * v * (1 + erf(v * Math.SQRT1_2));
    case 'geluTanh':
      return (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
    case 'leakyRelu':
      return (v) => (v > 0 ? v : alpha * v);
    case 'elu':
      return (v) => (v > 0 ? v : alpha * Math.expm1(v));
    case 'prelu': {
      const p = a.prelu!;
      return p.length === 1 ? (v) => (v > 0 ? v : p[0] * v) : (v, c) => (v > 0 ? v : p[c] * v);
    }
  }
}

/** Applies the stage's activation to y (g's output in `layout`) in place. */
export function activate(a: ActivationSpec, g: Geometry, y: Float32Array, layout: Layout): void {
  const f = activationFn(a);
  if (f === undefined) return;
  const pixels = g.od * g.oh * g.ow;
  const cout = g.cout;
  const len = g.n * pixels * cout;
  if (layout === 'NHWC') {
    for (let i = 0, c = 0; i < len; i++) {
      y[i] = f(y[i], c);
      if (++c === cout) c = 0;
    }
  } else {
    for (let i = 0; i < len; i++) y[i] = f(y[i], Math.floor(i / pixels) % cout);
  }
}
