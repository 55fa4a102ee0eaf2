// simdconv under webpack 5 with no webpack.config.js: `webpack --mode production` bundles
// src/index.js into dist/main.js. No loader or asset rule for .wasm is needed: the wasm is
// inside the JavaScript module.
import * as simdconv from 'simdconv';
import { showDemo } from '../../shared/demo.js';

// webpack 5 recognises this pattern and emits the worker as its own bundle.
const worker = new Worker(new URL('./worker.js', import.meta.url));
showDemo(simdconv, 'webpack 5', worker);
