/**
 * A Geometry: a StageSpec (ops/plan.ts) resolved against one input shape, every size and pad a
 * kernel needs, and the shape math on it (sizes by layout, output shapes, MACs, lengths).
 */
import type { Layout, PaddingMode } from './options.js';
import type { StageKind } from './plan.js';

/** A kernel's window: its size, strides and dilations per axis (depth and height 1 below 3-D and 2-D). */
export interface KernelWindow {
  readonly kD: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideD: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationD: number;
  readonly dilationH: number;
  readonly dilationW: number;
}

/** A StageSpec resolved against an input of shape [n, c, d, h, w] (channels-last inside). */
export interface Geometry extends KernelWindow {
  readonly kind: StageKind;
  readonly n: number;
  readonly d: number;
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly od: number;
  readonly oh: number;
  readonly ow: number;
  readonly cout: number;
  readonly groups: number;
  readonly cinG: number;
  readonly coutG: number;
  /** conv/dw: padding (of paddingMode's values); deconv: planes/rows/cols cropped from the full output. */
  readonly padFront: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly padBack: number;
  readonly padBottom: number;
  readonly padRight: number;
  readonly paddingMode: PaddingMode;
  /** deconv only: planes/rows/cols added at the end of the full output. */
  readonly outPadD: number;
  readonly outPadH: number;
  readonly outPadW: number;
  readonly min: number;
  readonly max: number;
}

/** Multiply-accumulates of one resolved stage (DESIGN.md's table; transposed counts input pixels). */
export function macsOf(g: Geometry): number {
  const taps = g.kD * g.kH * g.kW;
  if (g.kind === 'deconv') return g.n * g.d * g.h * g.w * g.c * g.coutG * taps;
  return g.n * g.od * g.oh * g.ow * g.cout * g.cinG * taps;
}

/** An activation's sizes, whatever its rank: depth and height 1 below 3-D and 2-D. */
export interface Dims {
  n: number;
  c: number;
  d: number;
  h: number;
  w: number;
}

/** The sizes of an activation shape of rank 3, 4 or 5 in a layout (channels first or last). */
export function dimsOf(shape: readonly number[], layout: Layout): Dims {
  const r = shape.length;
  const c = layout === 'NCHW' ? shape[1] : shape[r - 1];
  const sp = layout === 'NCHW' ? shape.slice(2) : shape.slice(1, r - 1);
  while (sp.length < 3) sp.unshift(1);
  return { n: shape[0], c, d: sp[0], h: sp[1], w: sp[2] };
}

/** [n, c, h, w] of a 2-D activation shape in a layout. */
export function nchwOf(shape: readonly number[], layout: Layout): [number, number, number, number] {
  return layout === 'NCHW' ? [shape[0], shape[1], shape[2], shape[3]] : [shape[0], shape[3], shape[1], shape[2]];
}

/** The output shape of a geometry in a layout, of the op's rank. */
export function outShapeOf(g: Geometry, layout: Layout, rank: 1 | 2 | 3 = 2): number[] {
  const sp = rank === 3 ? [g.od, g.oh, g.ow] : rank === 2 ? [g.oh, g.ow] : [g.ow];
  return layout === 'NCHW' ? [g.n, g.cout, ...sp] : [g.n, ...sp, g.cout];
}

/**
 * The geometry a stage runs on its padded copy (backends/pad.ts): the input grown by the pads,
 * no padding, the same output.
 */
export function paddedGeometry(g: Geometry): Geometry {
  return Object.freeze({
    ...g,
    d: g.d + g.padFront + g.padBack, h: g.h + g.padTop + g.padBottom, w: g.w + g.padLeft + g.padRight,
    padFront: 0, padTop: 0, padLeft: 0, padBack: 0, padBottom: 0, padRight: 0, paddingMode: 'zeros',
  });
}

/** Output elements of a geometry. */
export function outLength(g: Geometry): number {
  return g.n * g.od * g.oh * g.ow * g.cout;
}

/** Input elements of a geometry. */
export function inLength(g: Geometry): number {
  return g.n * g.d * g.h * g.w * g.c;
}
