// simdconv under esbuild: `esbuild src/main.js src/worker.js --bundle --minify --format=esm --outdir=dist`.
// No loader for .wasm is needed: the wasm is inside the JavaScript module.
import * as simdconv from 'simdconv';
import { showDemo } from '../../shared/demo.js';

// esbuild does not follow `new URL('./worker.js', import.meta.url)`, so the worker is a second
// entry point of the same command and is loaded from its output path.
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
showDemo(simdconv, 'esbuild', worker);
