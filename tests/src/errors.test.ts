/**
 * API.md's Errors table, one test per row (several bad inputs per row), on every backend. Each
 * bad input must throw a ConvError with the row's code whose message names the function and the
 * argument (and, for simple values, the value); each is followed by a valid call of the same op
 * on the same backend that must still return the right result (no bad input may corrupt state).
 * BACKEND_UNAVAILABLE and NOT_INITIALIZED need a fresh module: see index.test.ts.
 */
import { ConvError } from '../../src/index';
import { Rng, Tensor, expectTensorClose, randomTensor, refConv2d, refConvTranspose2d, refDepthwiseConv2d, refPointwiseConv2d, refSeparableConv2d } from '../helpers/reference';
import { BACKENDS, initBackends, sc } from '../helpers/testers';

beforeAll(() => initBackends());

type Op = 'conv2d' | 'depthwiseConv2d' | 'pointwiseConv2d' | 'separableConv2d' | 'convTranspose2d';

const rng = new Rng(2024);
const X = randomTensor(rng, [1, 3, 5, 5]);
const XH = randomTensor(rng, [1, 5, 5, 3]);
const W = randomTensor(rng, [4, 3, 3, 3], 0.5); // conv2d OIHW
const DW = randomTensor(rng, [6, 1, 3, 3], 0.5); // depthwise, m = 2
const DWH = randomTensor(rng, [3, 3, 3, 2], 0.5); // depthwise NHWC [kH, kW, C, m]
const PW = randomTensor(rng, [4, 3, 1, 1], 0.5);
const PW2 = randomTensor(rng, [5, 6], 0.5); // separable's pointwise after DW (6 channels)
const TW = randomTensor(rng, [3, 2, 3, 3], 0.5); // transposed [Cin, Cout, kH, kW]
const B4 = randomTensor(rng, [4]).data;
const T = (shape: number[], data?: ArrayLike<number>): Tensor => ({ data: data ? Float32Array.from(data) : new Float32Array(shape.reduce((a, b) => a * b, 1)), shape });

/** A valid call per op and its reference. */
const valid: Record<Op, { run: (backend: string) => Tensor; ref: ReturnType<typeof refConv2d> }> = {
  conv2d: {
    run: (backend) => sc.conv2d(X, W, { padding: 1, bias: B4, activation: 'relu', backend } as never),
    ref: refConv2d(X, W, { padding: 1, bias: B4, activation: 'relu' }),
  },
  depthwiseConv2d: {
    run: (backend) => sc.depthwiseConv2d(X, DW, { stride: 2, padding: 'same', backend } as never),
    ref: refDepthwiseConv2d(X, DW, { stride: 2, padding: 'same' }),
  },
  pointwiseConv2d: {
    run: (backend) => sc.pointwiseConv2d(X, PW, { bias: B4, backend } as never),
    ref: refPointwiseConv2d(X, PW, { bias: B4 }),
  },
  separableConv2d: {
    run: (backend) => sc.separableConv2d(X, DW, PW2, { padding: 1, depthwiseActivation: 'relu6', backend } as never),
    ref: refSeparableConv2d(X, DW, PW2, { padding: 1, depthwiseActivation: 'relu6' }),
  },
  convTranspose2d: {
    run: (backend) => sc.convTranspose2d(X, TW, { stride: 2, padding: 1, outputPadding: 1, backend } as never),
    ref: refConvTranspose2d(X, TW, { stride: 2, padding: 1, outputPadding: 1 }),
  },
};

interface Bad {
  /** what the input is, for the failure message */
  what: string;
  op: Op;
  /** argument names any of which the message must contain (word match) */
  arg: RegExp;
  call: (backend: string) => unknown;
  /** a simple value the message must show */
  value?: string;
  /** accepted codes when the table admits two (documented per entry) */
  codes?: string[];
}

function check(backend: string, code: string, bad: Bad): void {
  let err: unknown;
  try {
    bad.call(backend);
  } catch (e) {
    err = e;
  }
  const ctx = `${bad.op} ${bad.what}`;
  if (!(err instanceof ConvError)) {
    throw new Error(`${ctx}: expected ConvError ${code}, got ${err === undefined ? 'no error' : String(err)}`);
  }
  const codes = bad.codes ?? [code];
  if (!codes.includes(err.code)) throw new Error(`${ctx}: expected code ${codes.join('|')}, got ${err.code}: ${err.message}`);
  const msg = err.message;
  if (!msg.toLowerCase().includes(bad.op.toLowerCase())) throw new Error(`${ctx}: message does not name ${bad.op}: ${msg}`);
  if (!bad.arg.test(msg)) throw new Error(`${ctx}: message does not name the argument ${bad.arg}: ${msg}`);
  if (bad.value !== undefined && !msg.includes(bad.value)) throw new Error(`${ctx}: message does not show the value ${bad.value}: ${msg}`);
  // a correct call of the same op on the same backend still gives the right result
  const v = valid[bad.op];
  expectTensorClose(v.run(backend), v.ref, `${ctx}: valid ${bad.op} after the error`);
}

const o = (extra: object, backend: string): never => ({ ...extra, backend }) as never;
const xArg = /\bx\b|input/;
const wArg = /\bw\b|\bw\.|weights?/;

/** Bad values of a positive-integer-or-pair option, with their displayed form. */
function badPositive(name: string, op: Op, call: (v: unknown, b: string) => unknown, arg: RegExp): Bad[] {
  const vals: [unknown, string | undefined][] = [
    [0, '0'], [-1, '-1'], [1.5, '1.5'], [NaN, 'NaN'], [Infinity, 'Infinity'], [[1], undefined], [[1, 2, 3], undefined],
    [[1, 0], undefined], [[2, NaN], undefined], [[1.5, 1], undefined],
  ];
  return vals.map(([v, shown]) => ({ what: `${name} ${shown ?? JSON.stringify(v)}`, op, arg, value: shown, call: (b: string) => call(v, b) }));
}

const rows: [string, Bad[]][] = [
  ['BAD_TENSOR', [
    { what: 'x null', op: 'conv2d', arg: xArg, call: (b) => sc.conv2d(null as never, W, o({}, b)) },
    { what: 'x a number', op: 'conv2d', arg: xArg, call: (b) => sc.conv2d(5 as never, W, o({}, b)) },
    { what: 'x.data a plain array', op: 'conv2d', arg: xArg, call: (b) => sc.conv2d({ data: Array.from(X.data), shape: [1, 3, 5, 5] } as never, W, o({}, b)) },
    { what: 'x.data a Float64Array', op: 'conv2d', arg: xArg, call: (b) => sc.conv2d({ data: new Float64Array(75), shape: [1, 3, 5, 5] } as never, W, o({}, b)) },
    { what: 'x.shape not an array', op: 'conv2d', arg: xArg, call: (b) => sc.conv2d({ data: X.data, shape: '1,3,5,5' } as never, W, o({}, b)) },
    { what: 'x.shape entry 0', op: 'conv2d', arg: xArg, call: (b) => sc.conv2d(T([1, 3, 0, 5]), W, o({}, b)) },
    { what: 'x.shape entry -5', op: 'depthwiseConv2d', arg: xArg, call: (b) => sc.depthwiseConv2d({ data: new Float32Array(75), shape: [1, 3, -5, -5] } as never, DW, o({}, b)) },
    { what: 'x.shape entry 2.5', op: 'pointwiseConv2d', arg: xArg, call: (b) => sc.pointwiseConv2d({ data: new Float32Array(75), shape: [1, 3, 2.5, 10] } as never, PW, o({}, b)) },
    { what: 'x.shape entry NaN', op: 'convTranspose2d', arg: xArg, call: (b) => sc.convTranspose2d({ data: X.data, shape: [1, 3, NaN, 5] } as never, TW, o({}, b)) },
    { what: "x.shape entry '5'", op: 'conv2d', arg: xArg, call: (b) => sc.conv2d({ data: X.data, shape: [1, 3, '5', 5] } as never, W, o({}, b)) },
    { what: 'w a string', op: 'conv2d', arg: wArg, call: (b) => sc.conv2d(X, 'w' as never, o({}, b)) },
    { what: 'w undefined', op: 'depthwiseConv2d', arg: wArg, call: (b) => sc.depthwiseConv2d(X, undefined as never, o({}, b)) },
    { what: 'wPointwise null', op: 'separableConv2d', arg: /wPointwise|pointwise/i, call: (b) => sc.separableConv2d(X, DW, null as never, o({}, b)) },
    { what: 'wDepthwise.data an Int32Array', op: 'separableConv2d', arg: /wDepthwise|depthwise/i, call: (b) => sc.separableConv2d(X, { data: new Int32Array(54), shape: [6, 1, 3, 3] } as never, PW2, o({}, b)) },
    { what: 'layer.run(x) with x undefined', op: 'conv2d', arg: xArg, call: (b) => { const l = sc.createConv2d(W, o({}, b)); try { return l.run(undefined as never); } finally { l.dispose(); } } },
  ]],
  ['BAD_RANK', [
    { what: 'x 3-D', op: 'conv2d', arg: xArg, call: (b) => sc.conv2d(T([3, 5, 5]), W, o({}, b)) },
    { what: 'x 5-D', op: 'conv2d', arg: xArg, call: (b) => sc.conv2d(T([1, 1, 3, 5, 5]), W, o({}, b)) },
    { what: 'x 2-D', op: 'pointwiseConv2d', arg: xArg, call: (b) => sc.pointwiseConv2d(T([3, 25]), PW, o({}, b)) },
    { what: 'w 3-D', op: 'conv2d', arg: wArg, call: (b) => sc.conv2d(X, T([4, 3, 9]), o({}, b)) },
    { what: 'w 2-D', op: 'depthwiseConv2d', arg: wArg, call: (b) => sc.depthwiseConv2d(X, T([3, 9]), o({}, b)) },
    { what: 'w 3-D', op: 'pointwiseConv2d', arg: wArg, call: (b) => sc.pointwiseConv2d(X, T([4, 3, 1]), o({}, b)) },
    { what: 'w 5-D', op: 'convTranspose2d', arg: wArg, call: (b) => sc.convTranspose2d(X, T([3, 2, 3, 3, 1]), o({}, b)) },
    { what: 'wPointwise 3-D', op: 'separableConv2d', arg: /wPointwise|pointwise/i, call: (b) => sc.separableConv2d(X, DW, T([5, 6, 1]), o({}, b)) },
    { what: 'layer.run(x) with x 3-D', op: 'depthwiseConv2d', arg: xArg, call: (b) => { const l = sc.createDepthwiseConv2d(DW, o({}, b)); try { return l.run(T([3, 5, 5])); } finally { l.dispose(); } } },
  ]],
  ['SHAPE_MISMATCH', [
    { what: 'x.data one short', op: 'conv2d', arg: xArg, call: (b) => sc.conv2d({ data: new Float32Array(74), shape: [1, 3, 5, 5] }, W, o({}, b)) },
    { what: 'x.data one long', op: 'convTranspose2d', arg: xArg, call: (b) => sc.convTranspose2d({ data: new Float32Array(76), shape: [1, 3, 5, 5] }, TW, o({}, b)) },
    { what: 'w.data one long', op: 'conv2d', arg: wArg, call: (b) => sc.conv2d(X, { data: new Float32Array(109), shape: [4, 3, 3, 3] }, o({}, b)) },
    { what: 'w.data empty', op: 'pointwiseConv2d', arg: wArg, call: (b) => sc.pointwiseConv2d(X, { data: new Float32Array(0), shape: [4, 3] }, o({}, b)) },
    { what: 'wDepthwise.data short', op: 'separableConv2d', arg: /wDepthwise|depthwise/i, call: (b) => sc.separableConv2d(X, { data: new Float32Array(53), shape: [6, 1, 3, 3] }, PW2, o({}, b)) },
  ]],
  ['CHANNEL_MISMATCH', [
    { what: 'w.shape[1] 2 for 3 channels', op: 'conv2d', arg: wArg, call: (b) => sc.conv2d(X, T([4, 2, 3, 3]), o({}, b)) },
    { what: 'w.shape[1]*groups 6 for 3 channels', op: 'conv2d', arg: wArg, call: (b) => sc.conv2d(X, T([3, 2, 3, 3]), o({ groups: 3 }, b)) },
    { what: 'NHWC w.shape[2] 4 for 3 channels', op: 'conv2d', arg: wArg, call: (b) => sc.conv2d(XH, T([3, 3, 4, 2]), o({ layout: 'NHWC' }, b)) },
    { what: 'depthwise w.shape[0] 5 not a multiple of 3', op: 'depthwiseConv2d', arg: wArg, call: (b) => sc.depthwiseConv2d(X, T([5, 1, 3, 3]), o({}, b)) },
    { what: 'depthwise NHWC C 4 for 3 channels', op: 'depthwiseConv2d', arg: wArg, call: (b) => sc.depthwiseConv2d(XH, T([3, 3, 4, 1]), o({ layout: 'NHWC' }, b)) },
    { what: 'pointwise Cin 5 for 3 channels', op: 'pointwiseConv2d', arg: wArg, call: (b) => sc.pointwiseConv2d(X, T([4, 5]), o({}, b)) },
    { what: 'pointwise NHWC Cin 2 for 3 channels', op: 'pointwiseConv2d', arg: wArg, call: (b) => sc.pointwiseConv2d(XH, T([2, 4]), o({ layout: 'NHWC' }, b)) },
    { what: 'separable pointwise Cin 3 for 6 depthwise outputs', op: 'separableConv2d', arg: /wPointwise|pointwise/i, call: (b) => sc.separableConv2d(X, DW, T([5, 3]), o({}, b)) },
    { what: 'transposed w.shape[0] 4 for 3 channels', op: 'convTranspose2d', arg: wArg, call: (b) => sc.convTranspose2d(X, T([4, 2, 3, 3]), o({}, b)) },
    { what: 'layer.run(x) with 5 channels', op: 'conv2d', arg: /\bw\b|\bx\b|input|channels/, call: (b) => { const l = sc.createConv2d(W, o({}, b)); try { return l.run(T([1, 5, 5, 5])); } finally { l.dispose(); } } },
  ]],
  ['BAD_KERNEL', [
    { what: 'pointwise 3x3 weights', op: 'pointwiseConv2d', arg: wArg, call: (b) => sc.pointwiseConv2d(X, T([4, 3, 3, 3]), o({}, b)) },
    { what: 'pointwise NHWC 1x2 weights', op: 'pointwiseConv2d', arg: wArg, call: (b) => sc.pointwiseConv2d(XH, T([1, 2, 3, 4]), o({ layout: 'NHWC' }, b)) },
    { what: 'depthwise w.shape[1] 2', op: 'depthwiseConv2d', arg: wArg, call: (b) => sc.depthwiseConv2d(X, T([3, 2, 3, 3]), o({}, b)) },
    { what: 'separable depthwise w.shape[1] 3', op: 'separableConv2d', arg: /wDepthwise|depthwise/i, call: (b) => sc.separableConv2d(X, T([3, 3, 3, 3]), T([4, 3]), o({}, b)) },
    { what: 'separable pointwise 3x3', op: 'separableConv2d', arg: /wPointwise|pointwise/i, call: (b) => sc.separableConv2d(X, DW, T([5, 6, 3, 3]), o({}, b)) },
    { what: 'zero-sized kernel [4, 3, 0, 3]', op: 'conv2d', arg: wArg, call: (b) => sc.conv2d(X, T([4, 3, 0, 3]), o({}, b)) },
    { what: 'zero-sized NHWC kernel [3, 0, 3, 2]', op: 'convTranspose2d', arg: wArg, call: (b) => sc.convTranspose2d(XH, T([3, 0, 3, 2]), o({ layout: 'NHWC' }, b)) },
  ]],
  ['BAD_GROUPS', [
    ...([0, -1, 1.5, NaN, Infinity] as number[]).map((g): Bad => ({
      what: `groups ${g}`, op: 'conv2d', arg: /groups/, value: String(g), call: (b) => sc.conv2d(X, W, o({ groups: g }, b)),
    })),
    // a string is both "not a positive integer" and "an option of the wrong type"
    { what: "groups '1'", op: 'conv2d', arg: /groups/, codes: ['BAD_GROUPS', 'BAD_OPTION'], call: (b) => sc.conv2d(X, W, o({ groups: '1' }, b)) },
    { what: 'groups 2 not dividing 3 input channels', op: 'conv2d', arg: /groups/, call: (b) => sc.conv2d(X, T([4, 1, 3, 3]), o({ groups: 2 }, b)) },
    { what: 'groups 2 not dividing 3 output channels', op: 'conv2d', arg: /groups/, call: (b) => sc.conv2d(T([1, 4, 5, 5]), T([3, 2, 3, 3]), o({ groups: 2 }, b)) },
    { what: 'transposed groups 2 not dividing 3 input channels', op: 'convTranspose2d', arg: /groups/, call: (b) => sc.convTranspose2d(X, TW, o({ groups: 2 }, b)) },
    { what: 'transposed groups 0', op: 'convTranspose2d', arg: /groups/, value: '0', call: (b) => sc.convTranspose2d(X, TW, o({ groups: 0 }, b)) },
  ]],
  ['BAD_STRIDE', [
    ...badPositive('stride', 'conv2d', (v, b) => sc.conv2d(X, W, o({ stride: v }, b)), /stride/),
    { what: "stride '2'", op: 'conv2d', arg: /stride/, codes: ['BAD_STRIDE', 'BAD_OPTION'], call: (b) => sc.conv2d(X, W, o({ stride: '2' }, b)) },
    { what: 'stride 0', op: 'depthwiseConv2d', arg: /stride/, value: '0', call: (b) => sc.depthwiseConv2d(X, DW, o({ stride: 0 }, b)) },
    { what: 'stride -2', op: 'pointwiseConv2d', arg: /stride/, value: '-2', call: (b) => sc.pointwiseConv2d(X, PW, o({ stride: -2 }, b)) },
    { what: 'stride [1, NaN]', op: 'separableConv2d', arg: /stride/, call: (b) => sc.separableConv2d(X, DW, PW2, o({ stride: [1, NaN] }, b)) },
    { what: 'stride Infinity', op: 'convTranspose2d', arg: /stride/, value: 'Infinity', call: (b) => sc.convTranspose2d(X, TW, o({ stride: Infinity }, b)) },
    { what: 'createConv2d stride 0.5', op: 'conv2d', arg: /stride/, value: '0.5', call: (b) => sc.createConv2d(W, o({ stride: 0.5 }, b)) },
  ]],
  ['BAD_DILATION', [
    ...badPositive('dilation', 'conv2d', (v, b) => sc.conv2d(X, W, o({ dilation: v }, b)), /dilation/),
    { what: "dilation '1'", op: 'conv2d', arg: /dilation/, codes: ['BAD_DILATION', 'BAD_OPTION'], call: (b) => sc.conv2d(X, W, o({ dilation: '1' }, b)) },
    { what: 'dilation 0', op: 'depthwiseConv2d', arg: /dilation/, value: '0', call: (b) => sc.depthwiseConv2d(X, DW, o({ dilation: 0 }, b)) },
    { what: 'dilation NaN', op: 'separableConv2d', arg: /dilation/, value: 'NaN', call: (b) => sc.separableConv2d(X, DW, PW2, o({ dilation: NaN }, b)) },
    { what: 'dilation -1', op: 'convTranspose2d', arg: /dilation/, value: '-1', call: (b) => sc.convTranspose2d(X, TW, o({ dilation: -1 }, b)) },
  ]],
  ['BAD_PADDING', [
    ...([
      [-1, '-1'], [1.5, '1.5'], [NaN, 'NaN'], [Infinity, 'Infinity'], [[1, 2, 3], undefined], [[1, -1], undefined],
      [[1, 1, 1, NaN], undefined], [[0.5, 0], undefined], [[], undefined], ['SAME', 'SAME'], ['full', 'full'],
    ] as [unknown, string | undefined][]).map(([v, shown]): Bad => ({
      what: `padding ${shown ?? JSON.stringify(v)}`, op: 'conv2d', arg: /padding/, value: shown, call: (b) => sc.conv2d(X, W, o({ padding: v }, b)),
    })),
    { what: 'padding -1', op: 'depthwiseConv2d', arg: /padding/, value: '-1', call: (b) => sc.depthwiseConv2d(X, DW, o({ padding: -1 }, b)) },
    { what: 'pointwise padding 1', op: 'pointwiseConv2d', arg: /padding/, value: '1', call: (b) => sc.pointwiseConv2d(X, PW, o({ padding: 1 }, b)) },
    { what: 'pointwise padding [0, 0, 1, 0]', op: 'pointwiseConv2d', arg: /padding/, call: (b) => sc.pointwiseConv2d(X, PW, o({ padding: [0, 0, 1, 0] }, b)) },
    { what: 'separable padding Infinity', op: 'separableConv2d', arg: /padding/, value: 'Infinity', call: (b) => sc.separableConv2d(X, DW, PW2, o({ padding: Infinity }, b)) },
    { what: 'transposed padding [1, 2, 3]', op: 'convTranspose2d', arg: /padding/, call: (b) => sc.convTranspose2d(X, TW, o({ padding: [1, 2, 3] }, b)) },
    // 'same' transposed needs (k-1)*d + 1 >= s
    { what: "transposed 'same' with (k-1)d+1 = 3 < stride 4", op: 'convTranspose2d', arg: /padding|same/, call: (b) => sc.convTranspose2d(X, TW, o({ padding: 'same', stride: 4 }, b)) },
  ]],
  ['BAD_OUTPUT_PADDING', [
    { what: 'outputPadding -1', op: 'convTranspose2d', arg: /outputPadding/, value: '-1', call: (b) => sc.convTranspose2d(X, TW, o({ stride: 2, outputPadding: -1 }, b)) },
    { what: 'outputPadding 0.5', op: 'convTranspose2d', arg: /outputPadding/, value: '0.5', call: (b) => sc.convTranspose2d(X, TW, o({ stride: 2, outputPadding: 0.5 }, b)) },
    { what: 'outputPadding NaN', op: 'convTranspose2d', arg: /outputPadding/, value: 'NaN', call: (b) => sc.convTranspose2d(X, TW, o({ stride: 2, outputPadding: NaN }, b)) },
    { what: 'outputPadding Infinity', op: 'convTranspose2d', arg: /outputPadding/, value: 'Infinity', call: (b) => sc.convTranspose2d(X, TW, o({ stride: 2, outputPadding: Infinity }, b)) },
    { what: 'outputPadding [1, 1, 1]', op: 'convTranspose2d', arg: /outputPadding/, call: (b) => sc.convTranspose2d(X, TW, o({ stride: 2, outputPadding: [1, 1, 1] }, b)) },
    { what: 'outputPadding 2 with stride 2, dilation 1', op: 'convTranspose2d', arg: /outputPadding/, call: (b) => sc.convTranspose2d(X, TW, o({ stride: 2, outputPadding: 2 }, b)) },
    { what: 'outputPadding 1 with stride 1, dilation 1', op: 'convTranspose2d', arg: /outputPadding/, call: (b) => sc.convTranspose2d(X, TW, o({ outputPadding: 1 }, b)) },
    { what: 'outputPadding [0, 2] with stride [3, 2], dilation [1, 2]', op: 'convTranspose2d', arg: /outputPadding/, call: (b) => sc.convTranspose2d(X, TW, o({ stride: [3, 2], dilation: [1, 2], outputPadding: [0, 2] }, b)) },
    { what: "outputPadding 1 with padding 'same'", op: 'convTranspose2d', arg: /outputPadding/, call: (b) => sc.convTranspose2d(X, TW, o({ stride: 2, padding: 'same', outputPadding: 1 }, b)) },
    { what: 'createConvTranspose2d outputPadding 3 with stride 3', op: 'convTranspose2d', arg: /outputPadding/, call: (b) => sc.createConvTranspose2d(TW, o({ stride: 3, outputPadding: 3 }, b)) },
  ]],
  ['BAD_BIAS', [
    { what: 'bias of 3 for 4 channels', op: 'conv2d', arg: /bias/, call: (b) => sc.conv2d(X, W, o({ bias: new Float32Array(3) }, b)) },
    { what: 'bias of 5 for 4 channels', op: 'conv2d', arg: /bias/, call: (b) => sc.conv2d(X, W, o({ bias: new Float32Array(5) }, b)) },
    { what: 'bias a Float64Array', op: 'conv2d', arg: /bias/, call: (b) => sc.conv2d(X, W, o({ bias: new Float64Array(4) }, b)) },
    { what: 'bias a plain array', op: 'pointwiseConv2d', arg: /bias/, call: (b) => sc.pointwiseConv2d(X, PW, o({ bias: [0, 0, 0, 0] }, b)) },
    { what: 'depthwise bias of C=3 where C*m=6', op: 'depthwiseConv2d', arg: /bias/, call: (b) => sc.depthwiseConv2d(X, DW, o({ bias: new Float32Array(3) }, b)) },
    { what: 'separable depthwiseBias of 3 where C*m=6', op: 'separableConv2d', arg: /depthwiseBias/, call: (b) => sc.separableConv2d(X, DW, PW2, o({ depthwiseBias: new Float32Array(3) }, b)) },
    { what: 'separable bias of 6 where Cout=5', op: 'separableConv2d', arg: /bias/, call: (b) => sc.separableConv2d(X, DW, PW2, o({ bias: new Float32Array(6) }, b)) },
    { what: 'transposed bias of Cin=3 where Cout=2', op: 'convTranspose2d', arg: /bias/, call: (b) => sc.convTranspose2d(X, TW, o({ bias: new Float32Array(3) }, b)) },
  ]],
  ['BAD_OPTION', [
    { what: "layout 'nchw'", op: 'conv2d', arg: /layout/, value: 'nchw', call: (b) => sc.conv2d(X, W, o({ layout: 'nchw' }, b)) },
    { what: "layout 'NCWH'", op: 'depthwiseConv2d', arg: /layout/, value: 'NCWH', call: (b) => sc.depthwiseConv2d(X, DW, o({ layout: 'NCWH' }, b)) },
    { what: 'layout 1', op: 'pointwiseConv2d', arg: /layout/, call: (b) => sc.pointwiseConv2d(X, PW, o({ layout: 1 }, b)) },
    { what: "activation 'RELU'", op: 'conv2d', arg: /activation/, value: 'RELU', call: (b) => sc.conv2d(X, W, o({ activation: 'RELU' }, b)) },
    { what: "activation 'swish'", op: 'convTranspose2d', arg: /activation/, value: 'swish', call: (b) => sc.convTranspose2d(X, TW, o({ activation: 'swish' as never }, b)) },
    { what: 'activation true', op: 'conv2d', arg: /activation/, call: (b) => sc.conv2d(X, W, o({ activation: true }, b)) },
    { what: "depthwiseActivation 'relu7'", op: 'separableConv2d', arg: /depthwiseActivation/, value: 'relu7', call: (b) => sc.separableConv2d(X, DW, PW2, o({ depthwiseActivation: 'relu7' }, b)) },
    { what: "backend 'gpu'", op: 'conv2d', arg: /backend/, value: 'gpu', call: () => sc.conv2d(X, W, { backend: 'gpu' } as never) },
    { what: "backend 'WASM'", op: 'conv2d', arg: /backend/, value: 'WASM', call: () => sc.conv2d(X, W, { backend: 'WASM' } as never) },
    { what: 'opts a number', op: 'conv2d', arg: /opts|options/, call: () => sc.conv2d(X, W, 5 as never) },
    { what: 'groups on depthwiseConv2d', op: 'depthwiseConv2d', arg: /groups/, call: (b) => sc.depthwiseConv2d(X, DW, o({ groups: 3 }, b)) },
    { what: 'outputPadding on conv2d', op: 'conv2d', arg: /outputPadding/, call: (b) => sc.conv2d(X, W, o({ outputPadding: 1 }, b)) },
    { what: 'depthwiseBias on conv2d', op: 'conv2d', arg: /depthwiseBias/, call: (b) => sc.conv2d(X, W, o({ depthwiseBias: new Float32Array(4) }, b)) },
    { what: "createPointwiseConv2d activation 'Relu6'", op: 'pointwiseConv2d', arg: /activation/, value: 'Relu6', call: (b) => sc.createPointwiseConv2d(PW, o({ activation: 'Relu6' }, b)) },
  ]],
  ['EMPTY_OUTPUT', [
    { what: '3x3 kernel on a 2x2 input', op: 'conv2d', arg: /output|kernel|\bx\b|\bw\b/, call: (b) => sc.conv2d(T([1, 3, 2, 2]), W, o({}, b)) },
    { what: 'dilation 3 (effective 7x7) on 5x5', op: 'conv2d', arg: /output|kernel|dilation/, call: (b) => sc.conv2d(X, W, o({ dilation: 3 }, b)) },
    { what: 'depthwise 3x3 on 1x5, no padding', op: 'depthwiseConv2d', arg: /output|kernel/, call: (b) => sc.depthwiseConv2d(T([1, 3, 1, 5]), DW, o({}, b)) },
    { what: 'separable 3x3 on 2x2', op: 'separableConv2d', arg: /output|kernel/, call: (b) => sc.separableConv2d(T([1, 3, 2, 2]), DW, PW2, o({}, b)) },
    { what: 'transposed crop 3 of a 3-row output', op: 'convTranspose2d', arg: /output|padding/, call: (b) => sc.convTranspose2d(T([1, 3, 1, 1]), TW, o({ padding: [2, 0, 1, 0] }, b)) },
    { what: 'layer.run on an input too small', op: 'conv2d', arg: /output|kernel/, call: (b) => { const l = sc.createConv2d(W, o({}, b)); try { return l.run(T([1, 3, 2, 9])); } finally { l.dispose(); } } },
  ]],
  ['BAD_OUT', [
    { what: 'out one short', op: 'conv2d', arg: /\bout\b/, call: (b) => sc.conv2d(X, W, o({ padding: 1, out: new Float32Array(99) }, b)) },
    { what: 'out one long', op: 'depthwiseConv2d', arg: /\bout\b/, call: (b) => sc.depthwiseConv2d(X, DW, o({ out: new Float32Array(6 * 9 + 1) }, b)) },
    { what: 'out a Float64Array', op: 'pointwiseConv2d', arg: /\bout\b/, call: (b) => sc.pointwiseConv2d(X, PW, o({ out: new Float64Array(100) }, b)) },
    { what: 'out a plain array', op: 'convTranspose2d', arg: /\bout\b/, call: (b) => sc.convTranspose2d(X, TW, o({ out: new Array(2 * 7 * 7).fill(0) }, b)) },
    { what: 'out empty', op: 'separableConv2d', arg: /\bout\b/, call: (b) => sc.separableConv2d(X, DW, PW2, o({ out: new Float32Array(0) }, b)) },
    { what: 'layer.run out one short', op: 'conv2d', arg: /\bout\b/, call: (b) => { const l = sc.createConv2d(W, o({}, b)); try { return l.run(X, { out: new Float32Array(35) }); } finally { l.dispose(); } } },
  ]],
  ['OUT_OF_MEMORY', [
    // outputs of ~1e12 elements (4 TB): no backend can have them
    { what: 'transposed stride 2^20 on 2x2 (1e12-element output)', op: 'convTranspose2d', arg: /./, call: (b) => sc.convTranspose2d(T([1, 1, 2, 2]), T([1, 1, 1, 1]), o({ stride: 1 << 20 }, b)) },
    { what: 'conv2d padding 2^20 on 1x1 (4e12-element output)', op: 'conv2d', arg: /./, call: (b) => sc.conv2d(T([1, 1, 1, 1]), T([1, 1, 1, 1]), o({ padding: 1 << 20 }, b)) },
    { what: 'depthwise multiplier 2^16, padding 2^12 (6.7e7 x 6.5e4 elements)', op: 'depthwiseConv2d', arg: /./, call: (b) => sc.depthwiseConv2d(T([1, 1, 1, 1]), T([1, 1, 1, 1 << 16]), o({ padding: 1 << 12, layout: 'NHWC' }, b)) },
  ]],
  ['DISPOSED', ([
    ['conv2d', (b: string) => sc.createConv2d(W, o({}, b))],
    ['depthwiseConv2d', (b: string) => sc.createDepthwiseConv2d(DW, o({}, b))],
    ['pointwiseConv2d', (b: string) => sc.createPointwiseConv2d(PW, o({}, b))],
    ['separableConv2d', (b: string) => sc.createSeparableConv2d(DW, PW2, o({}, b))],
    ['convTranspose2d', (b: string) => sc.createConvTranspose2d(TW, o({}, b))],
  ] as [Op, (b: string) => { run(x: Tensor): Tensor; dispose(): void }][]).map(([op, create]): Bad => ({
    what: 'run after dispose', op, arg: /dispose|run/, call: (b) => { const l = create(b); l.dispose(); l.dispose(); return l.run(X); },
  }))],
];

describe.each(BACKENDS)('%s', (backend) => {
  test('the valid calls are right to begin with', () => {
    for (const op of Object.keys(valid) as Op[]) expectTensorClose(valid[op].run(backend), valid[op].ref, op);
  });
  test.each(rows.map(([code, bads]) => [code, bads] as const))('%s', (code, bads) => {
    for (const bad of bads) check(backend, code, bad);
  });
});

describe.each(BACKENDS)('%s: bad inputs leak nothing', (backend) => {
  test('after every bad input of the table, memory() shows the same bytesInUse and liveLayers', () => {
    const ops = Object.keys(valid) as Op[];
    for (let i = 0; i < 2; i++) for (const op of ops) valid[op].run(backend); // warm-up
    const m0 = sc.memory();
    for (const [, bads] of rows) {
      for (const bad of bads) {
        try {
          bad.call(backend);
        } catch {
          // the codes are checked above
        }
        for (const op of ops) valid[op].run(backend);
        const m = sc.memory();
        if (m.bytesInUse !== m0.bytesInUse || m.liveLayers !== m0.liveLayers) {
          throw new Error(`after ${bad.op} ${bad.what}: bytesInUse ${m0.bytesInUse} -> ${m.bytesInUse}, liveLayers ${m0.liveLayers} -> ${m.liveLayers}`);
        }
      }
    }
  });
});
