// The same calls in a Web Worker: the worker imports simdconv and calls init() on its own.
import * as simdconv from 'simdconv';
import { serveDemo } from '../../shared/demo.js';

serveDemo(simdconv, self);
