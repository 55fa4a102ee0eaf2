/**
 * The pure TypeScript backend, 'js': a real fallback, not a reference loop. Activations are NHWC
 * inside (the Runner transposes NCHW at its boundary); weights are packed once per Kernel into
 * the form its kernel reads:
 *
 *   conv    gemm panels (pack.ts): per group, per 4 output channels, 4 biases then K x 4 weights
 *   dw      canonical [kH][kW][cout], the same as [cout][kH*kW] for NCHW planes, and the bias (float64)
 *   deconv  gemm panels of B_g[cinG x kH*kW*coutG] with zero bias, plus the bias (float64)
 *
 * A single depthwise stage in NCHW runs straight on the planes (depthwise-nchw.ts), without the
 * transposes. A Runner owns two ping-pong NHWC activation buffers and the kernels' scratch (scratch.ts),
 * grown on demand and reused across runs. Files: kernel.ts (packing, dispatch), runner.ts (chain,
 * layouts), gemm.ts + pack.ts, im2col.ts + conv.ts, depthwise.ts, depthwise-nchw.ts, transposed.ts,
 * transpose.ts, scratch.ts.
 */
import type { Backend, Kernel, Runner, Stage } from '../types.js';
import { JsKernel } from './kernel.js';
import { JsRunner } from './runner.js';

/** The pure TypeScript backend. */
export const jsBackend: Backend = {
  name: 'js',
  createKernel(stage: Stage): Kernel {
    return new JsKernel(stage);
  },
  createRunner(kernels: readonly Kernel[]): Runner {
    return new JsRunner(kernels);
  },
  memory(): { wasmBytes: number; bytesInUse: number } {
    return { wasmBytes: 0, bytesInUse: 0 };
  },
};
