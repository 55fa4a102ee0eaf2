// Streams a WAV file through a small causal conv1d stack with a Node stream.Transform, chunk by
// chunk as the file is read: a 31-tap low-pass FIR (1 kHz at 16 kHz), a 50 ms echo (kernel 2,
// dilation 0.05 s) and a tanh soft clip. Each channel of the file is one batch entry. The stack is
// causal at stride 1 (lookahead 0), so every chunk of samples in gives as many samples out.
//
//   node stream-wav.mjs [in.wav] [out.wav] [--chunk-bytes 3001]
//
// Without in.wav it writes a 2 s test file (a 220 Hz tone, a 3 kHz tone and noise) to the temp
// directory first. 16-bit PCM WAV only. At the end it checks that the streamed output equals
// run() of the same stack on the whole signal.
import { createReadStream, createWriteStream, writeFileSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init, createConv1d, createSequence } from 'simdconv';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
const CHUNK_BYTES = Number(opt('chunk-bytes', '3001')); // odd on purpose: samples split across reads
let [inPath, outPath] = argv;
outPath ??= join(tmpdir(), 'simdconv-stream-output.wav');

/** A 16-bit PCM WAV header for `frames` frames. */
function wavHeader(frames, channels, rate) {
  const h = Buffer.alloc(44);
  const bytes = frames * channels * 2;
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + bytes, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(bytes, 40);
  return h;
}

if (!inPath) {
  const rate = 16000;
  const frames = 2 * rate;
  const pcm = Buffer.alloc(frames * 2);
  let seed = 7;
  for (let i = 0; i < frames; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const t = i / rate;
    const v = 0.4 * Math.sin(2 * Math.PI * 220 * t) + 0.3 * Math.sin(2 * Math.PI * 3000 * t) + 0.05 * (seed / 2 ** 32 - 0.5);
    pcm.writeInt16LE(Math.round(v * 32767), i * 2);
  }
  inPath = join(tmpdir(), 'simdconv-stream-input.wav');
  writeFileSync(inPath, Buffer.concat([wavHeader(frames, 1, rate), pcm]));
  console.log(`no input given: wrote ${inPath} (2 s, 16 kHz mono: 220 Hz + 3 kHz + noise)`);
}

/** The stack for a sample rate: low-pass FIR, echo, soft clip (weights [Cout, Cin, k], NCW). */
function createStack(rate) {
  const taps = 31;
  const cutoff = 1000 / rate;
  const fir = new Float32Array(taps);
  let sum = 0;
  for (let i = 0; i < taps; i++) {
    const m = i - (taps - 1) / 2;
    const sinc = m === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * m) / (Math.PI * m);
    fir[i] = sinc * (0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (taps - 1))); // Hamming window
    sum += fir[i];
  }
  for (let i = 0; i < taps; i++) fir[i] /= sum;
  const echo = Math.round(0.05 * rate);
  return createSequence([
    createConv1d({ data: fir, shape: [1, 1, taps] }, { padding: 'causal' }),
    // y[t] = x[t] + 0.4 x[t - echo]: taps read x[t - echo] and x[t]
    createConv1d({ data: Float32Array.of(0.4, 1), shape: [1, 1, 2] }, { padding: 'causal', dilation: echo }),
    createConv1d({ data: Float32Array.of(1.5), shape: [1, 1, 1] }, { activation: 'tanh' }),
  ]);
}

/** WAV in, WAV out: parses the header, converts samples, pushes them through the stream. */
class ConvWavTransform extends Transform {
  constructor() {
    super();
    this.header = Buffer.alloc(0);
    this.rest = Buffer.alloc(0); // a sample frame split across reads
    this.format = undefined;
    this.pushes = [];
    this.inputs = [];
    this.outputs = [];
  }

  /** Reads the RIFF chunks up to 'data'; returns the bytes after its header, or undefined for more. */
  parseHeader(buf) {
    this.header = Buffer.concat([this.header, buf]);
    const h = this.header;
    if (h.length < 12) return undefined;
    if (h.toString('ascii', 0, 4) !== 'RIFF' || h.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
    let at = 12;
    let fmt;
    while (at + 8 <= h.length) {
      const id = h.toString('ascii', at, at + 4);
      const size = h.readUInt32LE(at + 4);
      if (id === 'data') {
        if (!fmt) throw new Error("WAV: 'data' before 'fmt '");
        this.format = { ...fmt, frames: size / (fmt.channels * 2) };
        return h.subarray(at + 8);
      }
      if (at + 8 + size > h.length) return undefined;
      if (id === 'fmt ') {
        fmt = { format: h.readUInt16LE(at + 8), channels: h.readUInt16LE(at + 10), rate: h.readUInt32LE(at + 12), bits: h.readUInt16LE(at + 22) };
        if (fmt.format !== 1 || fmt.bits !== 16) throw new Error(`WAV: 16-bit PCM only (format ${fmt.format}, ${fmt.bits} bits)`);
      }
      at += 8 + size + (size & 1);
    }
    return undefined;
  }

  async start() {
    this.backend = await init();
    this.net = createStack(this.format.rate);
    this.stream = this.net.stream();
    this.push(wavHeader(this.format.frames, this.format.channels, this.format.rate));
  }

  /** Deinterleaves 16-bit frames into [channels, 1, frames] floats, pushes them, writes the output. */
  process(bytes) {
    const ch = this.format.channels;
    const data = Buffer.concat([this.rest, bytes]);
    const frames = Math.floor(data.length / (2 * ch));
    this.rest = data.subarray(frames * 2 * ch);
    const x = new Float32Array(ch * frames);
    for (let i = 0; i < frames; i++) for (let c = 0; c < ch; c++) x[c * frames + i] = data.readInt16LE((i * ch + c) * 2) / 32768;
    const t0 = performance.now();
    const y = this.stream.push({ data: x, shape: [ch, 1, frames] });
    this.pushes.push({ frames, ms: performance.now() - t0 });
    this.inputs.push(x);
    this.emitOutput(y);
  }

  emitOutput(y) {
    const [ch, , t] = y.shape;
    const out = Buffer.alloc(ch * t * 2);
    for (let i = 0; i < t; i++) {
      for (let c = 0; c < ch; c++) {
        const v = Math.max(-1, Math.min(1, y.data[c * t + i]));
        out.writeInt16LE(Math.round(v * 32767), (i * ch + c) * 2);
      }
    }
    this.outputs.push(y);
    this.push(out);
  }

  async _transform(buf, _enc, done) {
    try {
      if (!this.format) {
        const body = this.parseHeader(buf);
        if (body === undefined) return done();
        await this.start();
        this.process(body);
      } else {
        this.process(buf);
      }
      done();
    } catch (e) {
      done(e);
    }
  }

  _flush(done) {
    try {
      this.emitOutput(this.stream.end()); // the rest: nothing for a causal stack at stride 1
      done();
    } catch (e) {
      done(e);
    }
  }
}

const t = new ConvWavTransform();
const t0 = performance.now();
await pipeline(createReadStream(inPath, { highWaterMark: CHUNK_BYTES }), t, createWriteStream(outPath));
const wall = performance.now() - t0;

// Check: the concatenated output against run() on the whole signal.
const { channels, rate, frames } = t.format;
const join1 = (parts) => {
  const total = parts.reduce((a, p) => a + p.length / channels, 0);
  const out = new Float32Array(channels * total);
  let at = 0;
  for (const p of parts) {
    const n = p.length / channels;
    for (let c = 0; c < channels; c++) out.set(p.subarray(c * n, (c + 1) * n), c * total + at);
    at += n;
  }
  return out;
};
const x = join1(t.inputs);
const streamed = join1(t.outputs.map((y) => y.data));
const whole = t.net.run({ data: x, shape: [channels, 1, frames] }).data;
let worst = 0;
for (let i = 0; i < whole.length; i++) worst = Math.max(worst, Math.abs(streamed[i] - whole[i]) / (1e-4 + 1e-4 * Math.abs(whole[i])));
// high-frequency energy: the first difference, before and after
const hf = (a) => {
  let e = 0;
  for (let i = 1; i < a.length; i++) e += (a[i] - a[i - 1]) ** 2;
  return e;
};
const ms = t.pushes.map((p) => p.ms);
console.log(`backend ${t.backend}; ${inPath}: ${frames} frames, ${channels} channel(s), ${rate} Hz`);
console.log(`stack: conv1d k31 causal low-pass -> conv1d k2 dilation ${Math.round(0.05 * rate)} causal echo -> conv1d k1 tanh; lookahead ${t.stream.lookahead}`);
console.log(`streamed ${t.pushes.length} chunks of ${Math.min(...t.pushes.map((p) => p.frames))}-${Math.max(...t.pushes.map((p) => p.frames))} frames ` +
  `(${CHUNK_BYTES}-byte reads); push: mean ${(ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(3)} ms, max ${Math.max(...ms).toFixed(3)} ms; ` +
  `${((frames / rate) * 1000 / wall).toFixed(0)}x real time end to end`);
console.log(`wrote ${outPath}: ${streamed.length / channels} frames; high-frequency energy ${(10 * Math.log10(hf(streamed) / hf(x))).toFixed(1)} dB`);
if (!(worst <= 1) || streamed.length !== whole.length) {
  console.error(`the streamed output differs from run() on the whole signal (${worst.toFixed(2)}x the tolerance)`);
  process.exit(1);
}
console.log(`the streamed output equals run() on the whole signal (worst difference ${worst.toFixed(3)}x API.md's tolerance)`);
t.stream.dispose();
t.net.dispose();
