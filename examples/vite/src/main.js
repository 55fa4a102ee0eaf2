// simdconv in a Vite app: a plain import, then `await init()`. No plugin, no config, no .wasm
// file to copy: the wasm is inside the JavaScript module.
import * as simdconv from 'simdconv';
import { showDemo } from '../../shared/demo.js';

// Vite bundles the worker and everything it imports from this one line.
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
showDemo(simdconv, 'Vite', worker);
