/**
 * Glue between the case generator and the public API: runs a case through the public op or
 * prepared layer, and defines the shared op suite (every case x layout x backend against the
 * float64 reference). Only this helper and the suites import the library, and only its
 * public entry point.
 */
import * as sc from '../../src/index';
import { BackendName, WASM_BACKENDS, testBackends } from './backends';
import { CaseInputs, LAYOUTS, OpCase, clampCoverage, materialise, referenceOf } from './cases';
export { referenceOf };
import { RefTensor, Tensor, cloneTensor, expectTensorClose, refDepthwiseConv2d } from './reference';

export { sc };

/** The ConvError code `f` throws (failing the test on any other error), or undefined if it returns. */
export function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(sc.ConvError);
    return (e as sc.ConvError).code;
  }
  return undefined;
}

/** The backends of this run; the suites' describe.each tables. */
export const BACKENDS: BackendName[] = testBackends();

/**
 * The threads the suites' wasm backends run on: SIMDCONV_TEST_THREADS ('auto' or a count), else
 * 1, the single-threaded library (tests/src/threads.test.ts compares other counts with it).
 */
export const TEST_THREADS: number | 'auto' = process.env.SIMDCONV_TEST_THREADS === 'auto' ? 'auto'
  : Number(process.env.SIMDCONV_TEST_THREADS ?? 1);

/**
 * beforeAll body: init every wasm backend of the run (each must resolve to its own name) on
 * TEST_THREADS threads, then 'js'. Later ops pass `backend` per call.
 */
export async function initBackends(list: BackendName[] = BACKENDS): Promise<void> {
  for (const b of list) {
    if (!WASM_BACKENDS.includes(b)) continue;
    // scalar wasm has no threaded build: asking it for threads would only warn
    const got = await sc.init({ backend: b, threads: b === 'wasm' ? 1 : TEST_THREADS });
    if (got !== b) throw new Error(`init({backend: '${b}'}) resolved to '${got}'`);
  }
  const js = await sc.init({ backend: 'js' });
  if (js !== 'js') throw new Error(`init({backend: 'js'}) resolved to '${js}'`);
}

type AnyOpts = Record<string, unknown>;

/** Calls the public op of a case. */
export function runOp(c: OpCase, inp: CaseInputs, backend: BackendName, extra: AnyOpts = {}): Tensor {
  const opts = { ...inp.opts, backend, ...extra } as never;
  switch (c.op) {
    case 'conv2d':
      return sc.conv2d(inp.x, inp.w, opts);
    case 'depthwise':
      return sc.depthwiseConv2d(inp.x, inp.w, opts);
    case 'pointwise':
      return sc.pointwiseConv2d(inp.x, inp.w, opts);
    case 'separable':
      return sc.separableConv2d(inp.x, inp.w, inp.w2 as Tensor, opts);
    case 'transposed':
      return sc.convTranspose2d(inp.x, inp.w, opts);
  }
}

export interface LayerLike {
  run(x: Tensor, opts?: { out?: Float32Array }): Tensor;
  dispose(): void;
}

/** Creates the prepared layer of a case. */
export function createLayer(c: OpCase, inp: CaseInputs, backend: BackendName, extra: AnyOpts = {}): LayerLike {
  const opts = { ...inp.opts, backend, ...extra } as never;
  switch (c.op) {
    case 'conv2d':
      return sc.createConv2d(inp.w, opts);
    case 'depthwise':
      return sc.createDepthwiseConv2d(inp.w, opts);
    case 'pointwise':
      return sc.createPointwiseConv2d(inp.w, opts);
    case 'separable':
      return sc.createSeparableConv2d(inp.w, inp.w2 as Tensor, opts);
    case 'transposed':
      return sc.createConvTranspose2d(inp.w, opts);
  }
}

/** Snapshot of every array a call must not modify. */
export function snapshot(inp: CaseInputs): () => void {
  const x = cloneTensor(inp.x);
  const w = cloneTensor(inp.w);
  const w2 = inp.w2 ? cloneTensor(inp.w2) : undefined;
  const bias = inp.opts.bias ? new Float32Array(inp.opts.bias) : undefined;
  const dwb = inp.opts.depthwiseBias ? new Float32Array(inp.opts.depthwiseBias) : undefined;
  return () => {
    const same = (a: Float32Array, b: Float32Array): boolean =>
      a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
    if (!same(inp.x.data, x.data) || inp.x.shape.join() !== x.shape.join()) throw new Error('x was modified');
    if (!same(inp.w.data, w.data) || inp.w.shape.join() !== w.shape.join()) throw new Error('w was modified');
    if (w2 && !same((inp.w2 as Tensor).data, w2.data)) throw new Error('w2 was modified');
    if (bias && !same(inp.opts.bias as Float32Array, bias)) throw new Error('bias was modified');
    if (dwb && !same(inp.opts.depthwiseBias as Float32Array, dwb)) throw new Error('depthwiseBias was modified');
  };
}

const memo = new Map<string, { inp: CaseInputs; ref: RefTensor }>();

/** Inputs and reference of a case in a layout, computed once per file. */
export function caseData(c: OpCase, layout: 'NCHW' | 'NHWC'): { inp: CaseInputs; ref: RefTensor } {
  const key = c.name + '/' + layout;
  let e = memo.get(key);
  if (!e) {
    const inp = materialise(c, layout);
    e = { inp, ref: referenceOf(c, inp) };
    memo.set(key, e);
  }
  return e;
}

/**
 * The shared op suite: every case in both layouts on every backend, compared with the
 * reference; the result is a fresh Float32Array of the right shape and the inputs are unchanged.
 * Cases with relu6 also check that their data reach both ends of the clamp.
 */
export function defineOpSuite(title: string, cases: OpCase[], opt: { clampCoverage?: boolean } = {}): void {
  describe(title, () => {
    beforeAll(() => initBackends());
    const relu6 = opt.clampCoverage === false ? [] : cases.filter((c) => c.activation === 'relu6' || c.depthwiseActivation === 'relu6');
    if (relu6.length) {
      test.each(relu6.map((c) => [c.name, c] as const))('%s: the data reach both ends of the relu6 clamp', (_n, c) => {
        const { inp, ref } = caseData(c, 'NCHW');
        // the stage whose output is clamped: the op's, or separable's depthwise stage
        const staged = c.activation === 'relu6'
          ? ref
          : refDepthwiseConv2d(inp.x, inp.w, { ...inp.opts, bias: inp.opts.depthwiseBias, activation: 'relu6' });
        const cov = clampCoverage(staged.data);
        expect(cov.sixes).toBeGreaterThan(0);
        expect(cov.zeros).toBeGreaterThan(0);
        expect(cov.inside).toBeGreaterThan(0);
      });
    }
    describe.each(BACKENDS)('%s', (backend) => {
      describe.each(LAYOUTS)('%s', (layout) => {
        test.each(cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
          const { inp, ref } = caseData(c, layout);
          const check = snapshot(inp);
          const y = runOp(c, inp, backend);
          expect(y.data).toBeInstanceOf(Float32Array);
          expect(y.data).not.toBe(inp.x.data);
          expectTensorClose(y, ref, `${c.name} ${layout} ${backend}`);
          check();
        });

        const outCases = [cases[0], cases[Math.floor(cases.length / 2)], cases[cases.length - 1]];
        test.each(outCases.map((c) => [c.name, c] as const))('%s: out is filled and returned', (_n, c) => {
          const { inp, ref } = caseData(c, layout);
          const out = new Float32Array(ref.data.length).fill(NaN);
          const y = runOp(c, inp, backend, { out });
          expect(y.data).toBe(out);
          expectTensorClose(y, ref, `${c.name} ${layout} ${backend} out`);
        });

        const plain = cases.find((c) => (c.activation ?? 'none') === 'none' && (c.depthwiseActivation ?? 'none') === 'none' && c.c <= 8 && c.h * c.w >= 9);
        if (plain) {
          test(`${plain.name}: NaN and Infinity propagate as in PyTorch`, () => {
            const base = caseData(plain, layout).inp;
            const x = cloneTensor(base.x);
            const n = x.data.length;
            x.data[Math.floor(n / 3)] = NaN;
            x.data[Math.floor((2 * n) / 3)] = Infinity;
            x.data[n - 1] = -Infinity;
            const inp = { ...base, x };
            const ref = referenceOf(plain, inp);
            const nonFinite = Array.from(ref.data).filter((v) => !Number.isFinite(v)).length;
            expect(nonFinite).toBeGreaterThan(0);
            expectTensorClose(runOp(plain, inp, backend), ref, `${plain.name} ${layout} ${backend} NaN/Inf`);
            // through the clamp too: relu(NaN) = hardtanh(NaN) = NaN in PyTorch, relu6(+Inf) = 6
            for (const activation of ['relu', 'relu6'] as const) {
              const withAct = { ...inp, opts: { ...inp.opts, activation } };
              const refAct = referenceOf({ ...plain, activation }, withAct);
              expectTensorClose(runOp(plain, withAct, backend), refAct, `${plain.name} ${layout} ${backend} NaN/Inf ${activation}`);
            }
          });
        }

        test(`${cases[0].name}: the result owns a fresh buffer that later calls do not touch`, () => {
          const c = cases[0];
          const { inp, ref } = caseData(c, layout);
          const y1 = runOp(c, inp, backend);
          expect(y1.data.byteOffset).toBe(0);
          expect(y1.data.buffer.byteLength).toBe(y1.data.byteLength);
          expect(y1.shape).not.toBe(inp.x.shape);
          const other = materialise(c, layout, 'other');
          const y2 = runOp(c, { ...inp, x: other.x }, backend);
          expect(y2.data).not.toBe(y1.data);
          expectTensorClose(y1, ref, `${c.name} ${layout} ${backend} first result after a second call`);
        });

        const mid = cases[Math.floor(cases.length / 2)];
        test(`${mid.name}: Float32Array views at an offset into larger buffers`, () => {
          const { inp, ref } = caseData(mid, layout);
          const view = (a: Float32Array): Float32Array => {
            const big = new Float32Array(a.length + 7).fill(1e30);
            big.set(a, 3);
            return big.subarray(3, 3 + a.length);
          };
          const v: CaseInputs = {
            x: { data: view(inp.x.data), shape: inp.x.shape },
            w: { data: view(inp.w.data), shape: inp.w.shape },
            w2: inp.w2 ? { data: view(inp.w2.data), shape: inp.w2.shape } : undefined,
            opts: { ...inp.opts },
          };
          if (inp.opts.bias) v.opts.bias = view(inp.opts.bias);
          if (inp.opts.depthwiseBias) v.opts.depthwiseBias = view(inp.opts.depthwiseBias);
          const outBig = new Float32Array(ref.data.length + 8).fill(-5);
          const out = outBig.subarray(4, 4 + ref.data.length);
          const y = runOp(mid, v, backend, { out });
          expect(y.data).toBe(out);
          expectTensorClose(y, ref, `${mid.name} ${layout} ${backend} views`);
          expect(Array.from(outBig.subarray(0, 4))).toEqual([-5, -5, -5, -5]);
          expect(Array.from(outBig.subarray(4 + ref.data.length))).toEqual([-5, -5, -5, -5]);
        });
      });
    });
  });
}
