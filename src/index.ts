/**
 * simdconv: fast 1-D, 2-D and 3-D convolutions for JavaScript runtimes. Public exports only (API.md).
 */
export { ConvError } from './errors.js';
export type { ConvErrorCode } from './errors.js';
export type { Tensor } from './tensor/tensor.js';
export type { ConvOptions, BackendName, Layout, UserLayout, Activation, PaddingMode } from './ops/options.js';
export { init, backend, threads } from './backends/registry.js';
export type { ThreadsInfo } from './backends/registry.js';
export { memory } from './ops/memory.js';
export { PreparedLayer } from './ops/layers.js';
export type { RunOptions } from './ops/layers.js';
export type { StageDescription } from './backends/types.js';
export { conv2d, createConv2d, conv2dShape, conv2dMacs } from './ops/conv2d.js';
export { depthwiseConv2d, createDepthwiseConv2d, depthwiseConv2dShape, depthwiseConv2dMacs } from './ops/depthwise.js';
export { pointwiseConv2d, createPointwiseConv2d, pointwiseConv2dShape, pointwiseConv2dMacs } from './ops/pointwise.js';
export { separableConv2d, createSeparableConv2d, separableConv2dShape, separableConv2dMacs } from './ops/separable.js';
export { convTranspose2d, createConvTranspose2d, convTranspose2dShape, convTranspose2dMacs } from './ops/transposed.js';
export {
  conv1d, createConv1d, conv1dShape, conv1dMacs,
  convTranspose1d, createConvTranspose1d, convTranspose1dShape, convTranspose1dMacs,
} from './ops/conv1d.js';
export {
  conv3d, createConv3d, conv3dShape, conv3dMacs,
  convTranspose3d, createConvTranspose3d, convTranspose3dShape, convTranspose3dMacs,
} from './ops/conv3d.js';
export { foldBatchNorm } from './ops/batchnorm.js';
export type { BatchNorm } from './ops/batchnorm.js';
export { convOutputSize, convTransposeOutputSize } from './tensor/shape.js';
export { createSequence, Sequence } from './ops/sequence.js';
export { ConvStream } from './ops/stream.js';
export type { StreamOptions } from './ops/stream.js';
