// The AudioWorkletProcessor: simdconv inside the audio thread. init() compiles the embedded wasm
// right here (WebAssembly.compile; no fetch, no Worker, no atob or TextDecoder needed), then
// every render quantum (128 frames) goes through stream.push with a preallocated `out`, so the
// audio thread allocates nothing per quantum.
import { init } from 'simdconv';
import { createStack } from './stack.js';

const now = () => (globalThis.performance?.now ? globalThis.performance.now() : Date.now());

class SimdconvStreamProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.stream = undefined;
    this.quanta = 0;
    this.pushMs = 0;
    this.pushMsMax = 0;
    this.port.onmessage = ({ data }) => {
      if (data === 'stats') {
        this.port.postMessage({ type: 'stats', quanta: this.quanta, pushMsMean: this.pushMs / Math.max(1, this.quanta), pushMsMax: this.pushMsMax });
      }
    };
    const globals = { atob: typeof atob, TextDecoder: typeof TextDecoder, Worker: typeof Worker, fetch: typeof fetch, performance: typeof performance };
    init().then((backend) => {
      this.net = createStack();
      this.stream = this.net.stream();
      this.port.postMessage({ type: 'ready', backend, lookahead: this.stream.lookahead, globals });
    }, (e) => this.port.postMessage({ type: 'error', message: String(e && e.stack || e) }));
  }

  process(inputs, outputs) {
    const input = inputs[0]?.[0];
    const output = outputs[0][0];
    if (this.stream === undefined || input === undefined || input.length === 0) {
      output.fill(0);
      return true;
    }
    const frames = input.length;
    if (this.x === undefined || this.x.data.length !== frames) {
      // the first quantum (or a new size): the tensor and the output array, reused after that
      this.x = { data: new Float32Array(frames), shape: [1, 1, frames] };
      this.out = new Float32Array(this.stream.outputSteps(frames));
    }
    this.x.data.set(input);
    const t0 = now();
    const y = this.stream.push(this.x, { out: this.out });
    const ms = now() - t0;
    this.pushMs += ms;
    this.pushMsMax = Math.max(this.pushMsMax, ms);
    this.quanta++;
    output.set(y.data);
    return true;
  }
}

registerProcessor('simdconv-stream', SimdconvStreamProcessor);
