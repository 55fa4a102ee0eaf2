/**
 * Shape and cost helpers of whole calls (API.md, "Shape and cost helpers"): the same validation
 * and plan as the ops, on shapes alone, so they throw the same ConvErrors the op would.
 */
import { checkShape } from '../tensor/tensor.js';
import { normaliseOptions, OpName } from './options.js';
import { checkWeightShapes, resolveChain, specsOf, tensorRank } from './layers.js';
import { dimsOf, Geometry, macsOf, outShapeOf } from './plan.js';

function plan(fn: OpName, xShape: unknown, wShapes: unknown[], opts: unknown): { geoms: Geometry[]; layout: 'NCHW' | 'NHWC'; rank: 1 | 2 | 3 } {
  const o = normaliseOptions(fn, opts);
  const shape = checkShape(fn, 'xShape', xShape, [tensorRank(o.rank)]);
  const specs = specsOf(fn, o, checkWeightShapes(fn, o, wShapes));
  return { geoms: resolveChain(specs, dimsOf(shape, o.layout)), layout: o.layout, rank: o.rank };
}

/** Output shape (in the options' layout) of `fn` on inputs of these shapes. */
export function shapeOf(fn: OpName, xShape: unknown, wShapes: unknown[], opts: unknown): number[] {
  const { geoms, layout, rank } = plan(fn, xShape, wShapes, opts);
  return outShapeOf(geoms[geoms.length - 1], layout, rank);
}

/** Multiply-accumulates of `fn` on inputs of these shapes (batch included). */
export function macsOfCall(fn: OpName, xShape: unknown, wShapes: unknown[], opts: unknown): number {
  return plan(fn, xShape, wShapes, opts).geoms.reduce((sum, g) => sum + macsOf(g), 0);
}
