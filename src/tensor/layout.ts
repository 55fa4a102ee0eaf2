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
  const { kD, kH, kW, cout } = spec;
  const taps = kD * kH * kW;
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
    // target index ((g*taps + t)*cinG + ci)*coutG + oc; the layout test stays out of the loops
    // (creating a 1024x1024 pointwise layer spent most of its time here).
    if (layout === 'NCHW') {
      // source [o][ci][t]: read in order, write with stride
      for (let o = 0; o < cout; o++) {
        const g = Math.floor(o / coutG);
        const oc = o - g * coutG;
        for (let ci = 0; ci < cinG; ci++) {
          const src = (o * cinG + ci) * taps;
          const dst = (g * taps * cinG + ci) * coutG + oc;
          for (let t = 0; t < taps; t++) out[dst + t * cinG * coutG] = w[src + t];
        }
      }
    } else {
      // source [t][ci][o]: each (t, ci) row splits into the groups' contiguous runs
      for (let t = 0; t < taps; t++) {
        for (let ci = 0; ci < cinG; ci++) {
          const src = (t * cinG + ci) * cout;
          for (let g = 0; g < groups; g++) {
            const dst = ((g * taps + t) * cinG + ci) * coutG;
            out.set(w.subarray(src + g * coutG, src + (g + 1) * coutG), dst);
          }
        }
      }
    }
    return out;
  }
  // deconv: target index ((i*taps + t)*coutG + oc) with i = g*cinG + ci the input channel
  const cin = spec.cin;
  if (layout === 'NCHW') {
    // source [i][oc][t]
    for (let i = 0; i < cin; i++) {
      for (let oc = 0; oc < coutG; oc++) {
        const src = (i * coutG + oc) * taps;
        const dst = i * taps * coutG + oc;
        for (let t = 0; t < taps; t++) out[dst + t * coutG] = w[src + t];
      }
    }
  } else {
    // source [t][oc][i]
    for (let t = 0; t < taps; t++) {
      for (let oc = 0; oc < coutG; oc++) {
        const src = (t * coutG + oc) * cin;
        for (let i = 0; i < cin; i++) out[(i * taps + t) * coutG + oc] = w[src + i];
      }
    }
  }
  return out;
}
