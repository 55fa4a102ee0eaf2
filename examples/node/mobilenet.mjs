// MobileNetV1 body (width 1.0, 224x224 RGB, batch 1) as one simdconv sequence: the 3x3 stride-2
// stem and 13 depthwise + pointwise pairs, each with bias and ReLU6 (batch norm folded in).
// Random He-scaled weights stand in for trained ones. Runs as is in Node (`node mobilenet.mjs`
// from a checkout after `npm ci`, or with `simdconv` installed) and, unchanged, in a browser.
import { init, createConv2d, createDepthwiseConv2d, createPointwiseConv2d, createSequence, memory } from 'simdconv';

let seed = 1;
const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
const tensor = (shape, scale) => ({ data: Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => random() * scale), shape });
const bias = (n) => Float32Array.from({ length: n }, () => random() * 0.1);

const backend = await init(); // wasm-relaxed, wasm-simd, wasm or js
const opts = (c, extra) => ({ bias: bias(c), activation: 'relu6', ...extra });
const layers = [createConv2d(tensor([32, 3, 3, 3], Math.sqrt(2 / 27)), opts(32, { stride: 2, padding: 1 }))];
// [output channels, stride] of each depthwise + pointwise pair
const pairs = [[64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1]];
let c = 32;
for (const [cout, stride] of pairs) {
  layers.push(createDepthwiseConv2d(tensor([c, 1, 3, 3], Math.sqrt(2 / 9)), opts(c, { stride, padding: 1 })));
  layers.push(createPointwiseConv2d(tensor([cout, c], Math.sqrt(2 / c)), opts(cout)));
  c = cout;
}
const net = createSequence(layers); // takes the layers over: intermediates stay in wasm memory

const image = tensor([1, 3, 224, 224], 1);
let y = net.run(image); // first run: buffers are allocated
const out = new Float32Array(y.data.length);
const t0 = performance.now();
for (let i = 0; i < 10; i++) y = net.run(image, { out });
console.log(`${backend}: output ${y.shape.join('x')}, ${((performance.now() - t0) / 10).toFixed(1)} ms per inference`);
console.log('memory', memory());
net.dispose();
