// The page: renders a second of audio through the worklet with an OfflineAudioContext (no sound
// device), then checks the rendered samples against run() of the same stack on the whole signal,
// computed here on the main thread. Publishes the result on window.__worklet.
import { init } from 'simdconv';
import { createStack, SAMPLE_RATE, testSignal } from './stack.js';

const app = document.getElementById('app');
const FRAMES = SAMPLE_RATE; // one second
const processorUrl = new URL('./processor.js', import.meta.url);

/** An AudioWorkletNode of the processor, once its simdconv stream is ready. */
async function streamNode(ctx) {
  await ctx.audioWorklet.addModule(processorUrl);
  const node = new AudioWorkletNode(ctx, 'simdconv-stream', {
    numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1], channelCount: 1, channelCountMode: 'explicit',
  });
  const ready = await new Promise((resolve, reject) => {
    node.port.onmessage = ({ data }) => (data.type === 'ready' ? resolve(data) : data.type === 'error' && reject(new Error(`worklet: ${data.message}`)));
  });
  return { node, ready };
}

function stats(node) {
  return new Promise((resolve) => {
    node.port.onmessage = ({ data }) => data.type === 'stats' && resolve(data);
    node.port.postMessage('stats');
    setTimeout(() => resolve(undefined), 2000);
  });
}

async function main() {
  const mainBackend = await init();
  const x = testSignal(FRAMES);
  const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: FRAMES, sampleRate: SAMPLE_RATE });
  const { node, ready } = await streamNode(ctx);
  const buffer = ctx.createBuffer(1, FRAMES, SAMPLE_RATE);
  buffer.copyToChannel(x, 0);
  const source = ctx.createBufferSource();
  source.buffer = buffer;
  source.connect(node).connect(ctx.destination);
  source.start(0);
  const t0 = performance.now();
  const rendered = (await ctx.startRendering()).getChannelData(0);
  const renderMs = performance.now() - t0;
  const s = await stats(node);

  const net = createStack();
  const want = net.run({ data: x, shape: [1, 1, FRAMES] }).data;
  net.dispose();
  let worst = 0;
  let worstAt = 0;
  for (let i = 0; i < FRAMES; i++) {
    const r = Math.abs(rendered[i] - want[i]) / (1e-4 + 1e-4 * Math.abs(want[i]));
    if (!(r <= worst)) {
      worst = r;
      worstAt = i;
    }
  }
  const result = {
    backend: ready.backend, mainBackend, lookahead: ready.lookahead, globals: ready.globals, frames: FRAMES,
    quanta: s?.quanta, pushMsMean: s?.pushMsMean, pushMsMax: s?.pushMsMax, renderMs, worst, worstAt,
    ok: worst <= 1, first: Array.from(rendered.subarray(0, 4)),
  };
  app.textContent = [
    `worklet: init() picked ${result.backend} inside the AudioWorkletGlobalScope (main thread: ${mainBackend})`,
    `worklet globals: ${Object.entries(result.globals).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `rendered ${FRAMES} frames (${FRAMES / SAMPLE_RATE} s at ${SAMPLE_RATE} Hz) in ${renderMs.toFixed(1)} ms: ` +
      `${s ? `${s.quanta} quanta of 128 frames, push mean ${s.pushMsMean.toFixed(3)} ms, max ${s.pushMsMax.toFixed(3)} ms` : 'no stats'}` +
      `${result.globals.performance === 'undefined' ? ' (Date.now(): the worklet has no performance.now)' : ''}; lookahead ${result.lookahead}`,
    result.ok
      ? `the rendered audio equals run() on the whole signal (worst ${worst.toFixed(3)}x API.md's tolerance)`
      : `MISMATCH: frame ${worstAt}: rendered ${rendered[worstAt]}, run() ${want[worstAt]} (${worst.toFixed(1)}x the tolerance)`,
  ].join('\n');
  window.__worklet = result;
}

// A live run on the sound device, on a click (browsers start audio only after a user gesture).
document.getElementById('play').onclick = async () => {
  const ctx = new AudioContext({ sampleRate: SAMPLE_RATE });
  const { node } = await streamNode(ctx);
  const buffer = ctx.createBuffer(1, 2 * SAMPLE_RATE, SAMPLE_RATE);
  buffer.copyToChannel(testSignal(2 * SAMPLE_RATE), 0);
  const source = ctx.createBufferSource();
  source.buffer = buffer;
  source.connect(node).connect(ctx.destination);
  source.onended = () => ctx.close();
  source.start();
};

main().catch((e) => {
  app.textContent = `error: ${e.stack ?? e}`;
  window.__error = String(e.stack ?? e);
});
