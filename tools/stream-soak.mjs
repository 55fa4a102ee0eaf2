#!/usr/bin/env node
/**
 * Memory of a stream over an hour of audio (issue 22): 16 kHz mono in 10 ms (160-sample) chunks,
 * 360 000 pushes through a small stack (causal conv, 'same' reflect conv, a transposed
 * upsampler, a strided replicate conv), reporting memory().bytesInUse, memory().wasmBytes, the
 * stream's own bytes() and the process's RSS every ten minutes of audio. Fails (exit 1) when
 * the library's bytes change after the first minute or RSS grows by more than --rss-mb (default
 * 16) from the first minute to the end.
 *
 *   npm run build:ts && node scripts/relaxed-node.mjs tools/stream-soak.mjs [--minutes 60] [--backend js] [--layout NWC]
 */
import { arg, loadLibrary, outputs, random, weights1d } from '../bench/stream-net.mjs';

const MINUTES = Number(arg('minutes', '60'));
const RSS_MB = Number(arg('rss-mb', '16'));
const LAYOUT = arg('layout', 'NCW');
const RATE = 16000;
const CHUNK = 160;

const sc = await loadLibrary();
const backend = await sc.init({ backend: arg('backend', 'auto'), threads: 1 });

const ncw = LAYOUT === 'NCW';
const w = (a, b, k, seed) => weights1d(LAYOUT, a, b, k, seed, 0.25);
const bias = (n, seed) => random(n, seed, 0.25);
const net = sc.createSequence([
  sc.createConv1d(w(16, 1, 5, 1), { padding: 'causal', bias: bias(16, 2), activation: 'relu', layout: LAYOUT }),
  sc.createConv1d(w(16, 16, 3, 3), { padding: 'same', dilation: 2, paddingMode: 'reflect', activation: 'tanh', layout: LAYOUT }),
  sc.createConvTranspose1d(w(16, 8, 4, 4), { stride: 2, padding: 1, bias: bias(8, 5), layout: LAYOUT }),
  sc.createConv1d(w(1, 8, 3, 6), { stride: 2, padding: 'causal', paddingMode: 'replicate', layout: LAYOUT }),
]);
const stream = net.stream();

const pushes = Math.round((MINUTES * 60 * RATE) / CHUNK);
const perTen = Math.round((10 * 60 * RATE) / CHUNK);
const perMinute = Math.round((60 * RATE) / CHUNK);
const chunk = { data: new Float32Array(CHUNK), shape: ncw ? [1, 1, CHUNK] : [1, CHUNK, 1] };
const outFor = outputs(stream, 1);
let phase = 0;
let checksum = 0;

const mb = (b) => (b / 2 ** 20).toFixed(2);
function sample(i) {
  const m = sc.memory();
  return { audio: (i * CHUNK) / RATE, bytesInUse: m.bytesInUse, wasmBytes: m.wasmBytes, stream: stream.bytes(), rss: process.memoryUsage().rss };
}
function print(s) {
  const min = Math.floor(s.audio / 60);
  const sec = Math.round(s.audio % 60);
  console.log(`${String(min).padStart(3)}:${String(sec).padStart(2, '0')} of audio   bytesInUse ${s.bytesInUse}   ` +
    `wasmBytes ${s.wasmBytes}   stream.bytes() ${s.stream}   RSS ${mb(s.rss)} MiB`);
}

console.log(`stream-soak: ${MINUTES} min of ${RATE} Hz audio in ${CHUNK}-sample chunks (${pushes} pushes), backend ${backend}, ` +
  `layout ${LAYOUT}, Node ${process.version}; lookahead ${stream.lookahead}`);
const t0 = performance.now();
let first;
const samples = [];
for (let i = 0; i < pushes; i++) {
  // a chirp: the data change every push
  const d = chunk.data;
  for (let j = 0; j < CHUNK; j++, phase++) d[j] = Math.sin(phase * (0.01 + 1e-9 * phase)) * 0.5;
  const out = outFor(CHUNK);
  stream.push(chunk, { out });
  checksum += out[0];
  if (i + 1 === perMinute) {
    first = sample(i + 1);
    print(first);
  }
  if ((i + 1) % perTen === 0) {
    const s = sample(i + 1);
    samples.push(s);
    print(s);
  }
}
const tail = stream.end();
const last = sample(pushes);
const seconds = (performance.now() - t0) / 1000;
console.log(`end() returned ${tail.data.length} samples; ${pushes} pushes in ${seconds.toFixed(1)} s ` +
  `(${((seconds / pushes) * 1e6).toFixed(1)} us each, ${((MINUTES * 60) / seconds).toFixed(0)}x real time); checksum ${checksum.toFixed(3)}`);
stream.dispose();
net.dispose();
const after = sc.memory();

const bad = [];
for (const s of [...samples, last]) {
  if (s.bytesInUse !== first.bytesInUse) bad.push(`bytesInUse ${first.bytesInUse} -> ${s.bytesInUse} at ${s.audio} s`);
  if (s.wasmBytes !== first.wasmBytes) bad.push(`wasmBytes ${first.wasmBytes} -> ${s.wasmBytes} at ${s.audio} s`);
  if (s.stream !== first.stream) bad.push(`stream.bytes() ${first.stream} -> ${s.stream} at ${s.audio} s`);
}
const rssGrowth = last.rss - first.rss;
if (rssGrowth > RSS_MB * 2 ** 20) bad.push(`RSS grew ${mb(rssGrowth)} MiB from the first minute (limit ${RSS_MB})`);
console.log(`after dispose: bytesInUse ${after.bytesInUse}, liveLayers ${after.liveLayers}; RSS from the first minute to the end ${rssGrowth >= 0 ? '+' : ''}${mb(rssGrowth)} MiB`);
if (bad.length > 0) {
  console.log(`stream-soak: FAIL\n  ${bad.join('\n  ')}`);
  process.exit(1);
}
console.log('stream-soak: flat (bytesInUse, wasmBytes and stream.bytes() unchanged after the first minute; RSS within the limit)');
