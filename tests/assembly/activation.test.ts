/**
 * run_activation_f32 (assembly/activation.ts) called directly: a run cut anywhere gives the bits of
 * one call (the SIMD builds take a run's last 1-3 floats through the vector form, so a split
 * between threads changes nothing), nothing past a run is written, prelu's per-channel slopes
 * on rows whose channel count leaves a tail, and the simd build's vector forms equal the scalar
 * build's arithmetic bit for bit. Accuracy against float64 lives in tests/src/ops/activations.test.ts.
 */
import { flavors, harness, Harness, randomArray, rng } from './harness';

const KINDS = { sigmoid: 1, tanh: 2, silu: 3, hardSigmoid: 4, hardSwish: 5, gelu: 6, geluTanh: 7, leakyRelu: 8, elu: 9 };
const N = 203;
/** Cuts of [0, N) into runs that start and end off the 4-float grid. */
const CUTS = [[0, 1, 2, 3, 7, 13, 64, 65, 130, 201, N], [0, 5, 6, 99, N]];

/** Inputs around the corners (0, +-3, +-6, large, non-finite) and random ones. */
function inputs(seed: number): Float32Array {
  const x = randomArray(N, rng(seed)).map((v) => v * 16);
  const corners = [0, -0, 3, -3, 6, -6, 5.2, -5.2, 88, -88, 1e30, -1e30, Infinity, -Infinity, NaN];
  x.set(corners, 40);
  return x;
}

/** The floats' bits, every NaN as one (wasm leaves a NaN's sign and payload to the machine). */
const bits = (a: Float32Array): number[] =>
  Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length), (b, i) => (Number.isNaN(a[i]) ? 0x7fc00000 : b));

describe.each(flavors())('run_activation_f32 (%s)', (flavor) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(flavor);
  });
  afterEach(() => h.reset());

  test.each(Object.entries(KINDS))('%s: a run cut anywhere gives the bits of one call', (_name, kind) => {
    const x = inputs(kind);
    const whole = h.put(x);
    h.ex.run_activation_f32(whole, 1, N, 0, kind, 0.3, 0);
    const want = bits(h.get(whole, N));
    for (const cuts of CUTS) {
      // a sentinel after the buffer: the tail's vector store must not reach it
      const p = h.put([...x, 7, 7, 7, 7]);
      for (let i = 0; i + 1 < cuts.length; i++) {
        h.ex.run_activation_f32(p + cuts[i] * 4, 1, cuts[i + 1] - cuts[i], 0, kind, 0.3, 0);
      }
      const got = h.get(p, N + 4);
      expect(bits(got.subarray(0, N))).toEqual(want);
      expect(Array.from(got.subarray(N))).toEqual([7, 7, 7, 7]);
    }
  });

  test.each([1, 3, 5, 7, 8, 13])('prelu NHWC rows of %i channels and NCHW planes', (channels) => {
    const rows = 5;
    const x = randomArray(rows * channels, rng(channels)).map((v) => v * 4);
    const slopes = Float32Array.from({ length: channels }, (_, c) => 0.05 * (c + 1));
    const s = h.put(slopes);
    const p = h.put([...x, 9, 9, 9, 9]);
    h.ex.run_activation_f32(p, rows, channels, 0, 10, 0, s);
    const nhwc = h.get(p, rows * channels + 4);
    const q = h.put(x);
    // the same floats as 1 image of `channels` planes of `rows` pixels: slope c on plane c
    h.ex.run_activation_f32(q, 1, channels, rows, 10, 0, s);
    const nchw = h.get(q, rows * channels);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < channels; c++) {
        const v = x[r * channels + c];
        expect(nhwc[r * channels + c]).toBe(Math.fround(v > 0 ? v : Math.fround(slopes[c] * v)));
        const w = x[c * rows + r];
        expect(nchw[c * rows + r]).toBe(Math.fround(w > 0 ? w : Math.fround(slopes[c] * w)));
      }
    }
    expect(Array.from(nhwc.subarray(rows * channels))).toEqual([9, 9, 9, 9]);
  });
});

test('the simd build computes the scalar build\'s bits', async () => {
  if (!flavors().includes('simd')) return;
  const simd = await harness('simd');
  const scalar = await harness('scalar');
  for (const kind of Object.values(KINDS)) {
    const x = inputs(100 + kind);
    const a = simd.put(x);
    const b = scalar.put(x);
    simd.ex.run_activation_f32(a, 1, N, 0, kind, 0.3, 0);
    scalar.ex.run_activation_f32(b, 1, N, 0, kind, 0.3, 0);
    expect(bits(simd.get(a, N))).toEqual(bits(scalar.get(b, N)));
  }
});
