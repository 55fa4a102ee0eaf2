/**
 * Shape and cost helpers of whole calls (API.md, "Shape and cost helpers"): the same validation
 * and plan as the ops, on shapes alone, so they throw the same ConvErrors the op would.
 */
import { checkShape } from '../tensor/tensor.js';
import { normaliseOptions, OpName } from './options.js';
import { checkWeightShapes, resolveChain, specsOf } from './layers.js';
import { Geometry, macsOf, nchwOf, outShapeOf } from './plan.js';

function plan(fn: OpName, xShape: unknown, wShapes: unknown[], opts: unknown): { geoms: Geometry[]; layout: 'NCHW' | 'NHWC' } {
  const o = normaliseOptions(fn, opts);
  checkShape(fn, 'xShape', xShape, [4]);
  const specs = specsOf(fn, o, checkWeightShapes(fn, o, wShapes));
  const [n, c, h, w] = nchwOf(xShape as number[], o.layout);
  return { geoms: resolveChain(specs, n, c, h, w), layout: o.layout };
}

/** Output shape (in the options' layout) of `fn` on inputs of these shapes. */
export function shapeOf(fn: OpName, xShape: unknown, wShapes: unknown[], opts: unknown): number[] {
  const { geoms, layout } = plan(fn, xShape, wShapes, opts);
  return outShapeOf(geoms[geoms.length - 1], layout);
}

/** Multiply-accumulates of `fn` on inputs of these shapes (batch included). */
export function macsOfCall(fn: OpName, xShape: unknown, wShapes: unknown[], opts: unknown): number {
  return plan(fn, xShape, wShapes, opts).geoms.reduce((sum, g) => sum + macsOf(g), 0);
}
