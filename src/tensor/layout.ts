/**
 * Weight layouts: converts the user's weights (API.md, "Weight layouts") into the canonical
 * channels-last forms of plan.ts, always into a fresh array (a layer keeps its own copy):
 *
 *   conv   [groups][kH][kW][cinG][coutG]   from OIHW [Cout][cinG][kH][kW] or HWIO [kH][kW][cinG][Cout]
 *   dw     [kH][kW][C*m]                   from [C*m][1][kH][kW] or [kH][kW][C][m]
 *   deconv [groups][cinG][kH][kW][coutG]   from [Cin][coutG][kH][kW] or [kH][kW][coutG][Cin]
 *
 * Pointwise weights are conv weights with kH = kW = 1 and groups = 1.
 */
import type { Layout } from '../ops/options.js';
import type { StageSpec } from '../ops/plan.js';

/** Canonical weights of a stage from the user's weight data in `layout`. */
export function canonicalWeights(spec: StageSpec, w: Float32Array, layout: Layout): Float32Array {
  const { kH, kW, cout } = spec;
  const taps = kH * kW;
  const out = new Float32Array(w.length);
  if (spec.kind === 'dw') {
    if (layout === 'NHWC') {
      out.set(w); // [kH][kW][C][m] is already [kH][kW][C*m]
    } else {
      for (let o = 0; o < cout; o++) for (let t = 0; t < taps; t++) out[t * cout + o] = w[o * taps + t];
    }
    return out;
  }
  const groups = spec.groups;
  const coutG = cout / groups;
  const cinG = spec.cin / groups;
  if (spec.kind === 'conv') {
    // target index ((g*taps + t)*cinG + ci)*coutG + oc
    for (let g = 0; g < groups; g++) {
      for (let t = 0; t < taps; t++) {
        for (let ci = 0; ci < cinG; ci++) {
          const dst = ((g * taps + t) * cinG + ci) * coutG;
          for (let oc = 0; oc < coutG; oc++) {
            const o = g * coutG + oc;
            out[dst + oc] = layout === 'NCHW' ? w[(o * cinG + ci) * taps + t] : w[(t * cinG + ci) * cout + o];
          }
        }
      }
    }
    return out;
  }
  // deconv: target index ((i*taps + t)*coutG + oc) with i = g*cinG + ci the input channel
  const cin = spec.cin;
  for (let i = 0; i < cin; i++) {
    for (let t = 0; t < taps; t++) {
      const dst = (i * taps + t) * coutG;
      for (let oc = 0; oc < coutG; oc++) {
        out[dst + oc] = layout === 'NCHW' ? w[(i * coutG + oc) * taps + t] : w[(t * coutG + oc) * cin + i];
      }
    }
  }
  return out;
}
