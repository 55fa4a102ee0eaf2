#!/usr/bin/env node
/**
 * Streaming latency (issue 22's targets): a 4-layer causal TCN (64 channels, k 3, dilations 1, 2,
 * 4, 8, bias and relu; 15.7 MFLOP per 160 steps) on 16 kHz audio, one thread, backend auto.
 *
 *   npm run build:ts && npm run bench:stream [-- --seconds 10 --rounds 5 --backend wasm-simd --layout NWC]
 *
 * - 160-step (10 ms) chunks: the time of each push (median, p95), the real-time factor
 *   (10 ms / median), and run() on the whole signal per 160 steps;
 * - 1024-step chunks: streaming the whole signal against run() on it.
 *
 * Rounds interleave the streaming and run() measurements; each figure is the median over rounds.
 * Wall-clock times per push (median, p95) are what a real-time caller meets; on a shared host
 * other processes stretch them, so the comparisons with run() also use the process's CPU time
 * (process.cpuUsage) over each round, which they do not. Every push passes `out` (no allocation),
 * as a real-time caller would.
 */
import { execSync } from 'node:child_process';
import os from 'node:os';
import { check } from './close.cjs';
import { arg, loadLibrary, outputs, random, weights1d } from './stream-net.mjs';

const SECONDS = Number(arg('seconds', '10'));
const ROUNDS = Number(arg('rounds', '5'));
const BACKEND = arg('backend', 'auto');
const LAYOUT = arg('layout', 'NCW');
const RATE = 16000;
const C = 64;
const K = 3;
const DILATIONS = [1, 2, 4, 8];

const sc = await loadLibrary();
const backend = await sc.init({ backend: BACKEND, threads: 1 });

function host() {
  try {
    const line = execSync('lscpu', { encoding: 'utf8' }).split('\n').find((l) => l.startsWith('Model name'));
    if (line) return line.split(':')[1].trim();
  } catch {
    // no lscpu: the OS's name for the CPU
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

const ncw = LAYOUT === 'NCW';
const net = sc.createSequence(DILATIONS.map((d, i) => sc.createConv1d(weights1d(LAYOUT, C, C, K, 11 + i, 0.125), {
  padding: 'causal', dilation: d, bias: random(C, 99 + i, 0.05), activation: 'relu', layout: LAYOUT,
})));

const steps = Math.round(SECONDS * RATE);
const signal = random(C * steps, 7);
const whole = { data: signal, shape: ncw ? [1, C, steps] : [1, steps, C] };
const wholeOut = new Float32Array(C * steps);

/** The chunks of the signal, cut once (copies, so that a push reads a tensor of its own). */
function chunks(size) {
  const list = [];
  for (let t0 = 0; t0 < steps; t0 += size) {
    const t = Math.min(size, steps - t0);
    const data = new Float32Array(C * t);
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < t; i++) data[ncw ? c * t + i : i * C + c] = signal[ncw ? c * steps + t0 + i : (t0 + i) * C + c];
    }
    list.push({ data, shape: ncw ? [1, C, t] : [1, t, C] });
  }
  return list;
}

const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
const quantile = (a, q) => [...a].sort((p, r) => p - r)[Math.min(a.length - 1, Math.floor(q * a.length))];

const stream = net.stream();
const outFor = outputs(stream, C);

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Streams the chunks; returns the time of each push (ms), the total and the CPU time. */
function streamOnce(list, check) {
  const times = new Float64Array(list.length);
  const c0 = cpuMs();
  const t0 = performance.now();
  for (let i = 0; i < list.length; i++) {
    const out = outFor(list[i].shape[ncw ? 2 : 1]);
    const a = performance.now();
    stream.push(list[i], { out });
    times[i] = performance.now() - a;
    if (check) check(i, out);
  }
  stream.end();
  return { times, total: performance.now() - t0, cpu: cpuMs() - c0 };
}

function runOnce() {
  const c0 = cpuMs();
  const a = performance.now();
  net.run(whole, { out: wholeOut });
  return { total: performance.now() - a, cpu: cpuMs() - c0 };
}

// correctness first: the streamed signal equals run() on it
{
  net.run(whole, { out: wholeOut });
  // the pushes' outputs put together in run()'s layout
  const streamed = new Float32Array(C * steps);
  let at = 0;
  const list = chunks(160);
  streamOnce(list, (i, out) => {
    const t = out.length / C;
    for (let c = 0; c < C; c++) {
      for (let j = 0; j < t; j++) streamed[ncw ? c * steps + at + j : (at + j) * C + c] = out[ncw ? c * t + j : j * C + c];
    }
    at += t;
  });
  const c = check(streamed, wholeOut);
  if (!c.ok) throw new Error(`stream-bench: the stream differs from run() (${c.worst.toPrecision(3)}x the tolerance at ${c.at})`);
}

const mflop = (2 * DILATIONS.length * C * C * K * 160) / 1e6;
const th = sc.threads ? sc.threads().count : 1;
console.log(`stream bench: ${host()}, Node ${process.version}, backend ${backend}, ${th} thread${th === 1 ? '' : 's'}, layout ${LAYOUT}, ` +
  `load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')} on ${os.availableParallelism?.() ?? os.cpus().length} cores`);
console.log(`TCN: ${DILATIONS.length} x conv1d ${C}->${C}, k ${K}, dilations ${DILATIONS.join(', ')}, causal, relu; ` +
  `${mflop.toFixed(1)} MFLOP per 160 steps; lookahead ${stream.lookahead}; a ${SECONDS} s signal at ${RATE} Hz, ${ROUNDS} rounds`);

for (const size of [160, 1024]) {
  const list = chunks(size);
  // warm-up: the buffers grow, V8 optimises
  streamOnce(list);
  runOnce();
  const perPush = [];
  const p95 = [];
  const streamTotal = [];
  const streamCpu = [];
  const runTotal = [];
  const runCpu = [];
  for (let r = 0; r < ROUNDS; r++) {
    const s = streamOnce(list);
    perPush.push(median(s.times));
    p95.push(quantile(s.times, 0.95));
    streamTotal.push(s.total);
    streamCpu.push(s.cpu);
    const w = runOnce();
    runTotal.push(w.total);
    runCpu.push(w.cpu);
  }
  const chunkMs = (size / RATE) * 1000;
  const per = (ms) => (ms * size) / steps;
  console.log(`\n${size}-step chunks (${chunkMs.toFixed(1)} ms of audio), ${list.length} pushes per round:`);
  console.log(`  push (wall clock): median ${median(perPush).toFixed(3)} ms, p95 ${median(p95).toFixed(3)} ms; ` +
    `real-time factor ${(chunkMs / median(perPush)).toFixed(1)}`);
  console.log(`  run() on the whole signal: ${median(runTotal).toFixed(1)} ms wall, ${median(runCpu).toFixed(1)} ms CPU; ` +
    `per ${size} steps ${per(median(runTotal)).toFixed(3)} ms wall, ${per(median(runCpu)).toFixed(3)} ms CPU`);
  console.log(`  streaming the whole signal: ${median(streamTotal).toFixed(1)} ms wall, ${median(streamCpu).toFixed(1)} ms CPU; ` +
    `per push ${per(median(streamCpu)).toFixed(3)} ms CPU`);
  console.log(`  stream / run(): CPU ${(median(streamCpu) / median(runCpu)).toFixed(2)}x, ` +
    `wall ${(median(streamTotal) / median(runTotal)).toFixed(2)}x (push median / run() per chunk ${(median(perPush) / per(median(runTotal))).toFixed(2)}x)`);
}
stream.dispose();
net.dispose();
