/**
 * Issue 18, items 1-3, depthwise and transposed: the NCHW depthwise kernel's ow >= 48 (stride 1)
 * and >= 24 (stride 2) rule, the NHWC kernels' kW and 16-column rules, the js 400-pixel plane
 * rule, channel bands, and the transposed col2im that writes NCHW planes when stride = kernel,
 * with cases on both sides of each on every backend and layout against the float64 reference.
 * (A prepared depthwise layer run at several widths is in thresholds-runner.test.ts.)
 */
import { defineOpSuite } from '../../helpers/testers';
import { DECONV, DW_CHANNEL_BANDS, DW_NCHW, DW_NHWC } from './threshold-cases';

defineOpSuite('depthwise on NCHW planes: ow 47/48 at stride 1, 23/24 at stride 2, strides, dilations, kernels, multipliers', DW_NCHW);
defineOpSuite('depthwise kernels: 3x3 ow 15/16, kW 3/5, other kernels, multipliers; js planes from 400 pixels', DW_NHWC);
defineOpSuite('depthwise channel bands: 16/17, 10/11 (m 2), 6/7 (stride 2) channels', DW_CHANNEL_BANDS);
defineOpSuite('transposed: stride = kernel (NCHW tiles) or not, crops, output padding, oxEnd 0 and below', DECONV);
