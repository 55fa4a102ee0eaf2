/**
 * JsKernel: one stage's weights packed once for the js kernels (see index.ts for the forms), and
 * the dispatch of a resolved geometry to the kernel of its kind.
 */
import { ConvError } from '../../errors.js';
import type { Layout } from '../../ops/options.js';
import type { Geometry, StageKind, StageSpec } from '../../ops/plan.js';
import type { Kernel, Stage } from '../types.js';
import { activate } from './activation.js';
import { allocating } from './alloc.js';
import { runConv } from './conv.js';
import { runDepthwise } from './depthwise.js';
import { runDepthwiseNchw } from './depthwise-nchw.js';
import { packPanels } from './pack.js';
import type { Scratch } from './scratch.js';
import { runDeconv } from './transposed.js';

const EMPTY64 = new Float64Array(0);

/** Whether a stage kind's kernels read xLayout and write yLayout directly. */
export function layoutsOk(kind: StageKind, xLayout: Layout, yLayout: Layout): boolean {
  if (kind === 'conv') return true;
  if (kind === 'dw') return xLayout === yLayout;
  return xLayout === 'NHWC' && yLayout === 'NHWC';
}

/** A stage's weights packed for the js kernels. */
export class JsKernel implements Kernel {
  readonly spec: StageSpec;
  /** conv, deconv: gemm panels; dw: canonical weights as float64. */
  weights: Float64Array;
  /** dw and deconv: the bias (conv keeps it in its panels). */
  bias: Float64Array;
  /** dw: the weights as [cout][kH*kW] for the NCHW path. */
  planeWeights: Float64Array = EMPTY64;
  private disposed = false;

  constructor(stage: Stage) {
    const { spec, weights, bias } = stage;
    this.spec = spec;
    const taps = spec.kD * spec.kH * spec.kW;
    switch (spec.kind) {
      case 'conv': {
        const cinG = spec.cin / spec.groups;
        const coutG = spec.cout / spec.groups;
        this.weights = allocating('packed weights', () => packPanels(weights, bias, spec.groups, taps * cinG, coutG));
        this.bias = EMPTY64;
        break;
      }
      case 'dw': {
        this.weights = allocating('weights', () => Float64Array.from(weights));
        this.bias = Float64Array.from(bias);
        const cout = spec.cout;
        const wt = allocating('weights', () => new Float64Array(weights.length));
        for (let t = 0; t < taps; t++) for (let o = 0; o < cout; o++) wt[o * taps + t] = weights[t * cout + o];
        this.planeWeights = wt;
        break;
      }
      case 'deconv': {
        const cinG = spec.cin / spec.groups;
        const coutG = spec.cout / spec.groups;
        this.weights = allocating('packed weights', () => packPanels(weights, null, spec.groups, cinG, taps * coutG));
        this.bias = Float64Array.from(bias);
        break;
      }
      default:
        throw new Error(`js backend: unknown stage kind ${String((spec as StageSpec).kind)}`);
    }
  }

  bytes(): number {
    return this.weights.byteLength + this.bias.byteLength + this.planeWeights.byteLength;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.weights = EMPTY64;
    this.bias = EMPTY64;
    this.planeWeights = EMPTY64;
  }

  /**
   * Computes y from x for geometry g; x and y must not overlap. Layouts a kind accepts (see
   * layoutsOk): conv any in, any out; dw NHWC -> NHWC or NCHW -> NCHW; deconv NHWC -> NHWC.
   */
  run(g: Geometry, x: Float32Array, xLayout: Layout, y: Float32Array, yLayout: Layout, s: Scratch): void {
    this.check();
    if (!layoutsOk(g.kind, xLayout, yLayout)) {
      throw new Error(`js backend: a '${g.kind}' stage cannot read ${xLayout} and write ${yLayout}`);
    }
    switch (g.kind) {
      case 'conv':
        runConv(this.weights, g, x, xLayout, y, yLayout, s);
        break;
      case 'dw':
        if (xLayout === 'NCHW') runDepthwiseNchw(this.planeWeights, this.bias, g, x, y, s);
        else runDepthwise(this.weights, this.bias, g, x, y, s);
        break;
      case 'deconv':
        runDeconv(this.weights, this.bias, g, x, y, s);
        break;
      default:
        throw new Error(`js backend: unknown stage kind ${String((g as Geometry).kind)}`);
    }
    activate(this.spec.act, g, y, yLayout);
  }

  private check(): void {
    if (this.disposed) throw new ConvError('DISPOSED', `js backend: the kernel of ${this.spec.fn} was disposed`);
  }
}

