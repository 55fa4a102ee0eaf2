// The causal stack the worklet streams and the page checks: conv1d 1->8 (k 5, tanh), 8->8
// (k 3, dilation 2, relu), 8->1 (k 1): a tiny TCN of the shape voice models use, seeded weights.
// Causal at stride 1: lookahead 0, each 128-frame quantum in gives 128 frames out.
import { createConv1d, createSequence } from 'simdconv';

export const SAMPLE_RATE = 16000;

function random(n, seed, scale) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 2 ** 32 - 0.5) * 2 * scale;
  }
  return a;
}

export function createStack() {
  return createSequence([
    createConv1d({ data: random(8 * 1 * 5, 1, 0.5), shape: [8, 1, 5] }, { padding: 'causal', bias: random(8, 2, 0.1), activation: 'tanh' }),
    createConv1d({ data: random(8 * 8 * 3, 3, 0.2), shape: [8, 8, 3] }, { padding: 'causal', dilation: 2, activation: 'relu' }),
    createConv1d({ data: random(8, 4, 0.4), shape: [1, 8, 1] }, { bias: random(1, 5, 0.05) }),
  ]);
}

/** The test signal: a rising chirp plus a little noise. */
export function testSignal(frames) {
  const x = new Float32Array(frames);
  let s = 9;
  for (let i = 0; i < frames; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const t = i / SAMPLE_RATE;
    x[i] = 0.5 * Math.sin(2 * Math.PI * (200 + 1500 * t) * t) + 0.05 * (s / 2 ** 32 - 0.5);
  }
  return x;
}
