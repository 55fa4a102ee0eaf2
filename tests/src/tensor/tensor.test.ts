/**
 * src/tensor/tensor.ts: checkTensor / checkShape, the tensor rules of API.md's Errors table
 * (BAD_TENSOR, BAD_RANK, SHAPE_MISMATCH, BAD_KERNEL for a zero kernel axis).
 */
import { ConvError } from '../../../src/errors';
import { checkShape, checkTensor } from '../../../src/tensor/tensor';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConvError);
    expect((e as Error).message).toMatch(/^fn: /);
    return (e as ConvError).code;
  }
  return undefined;
};

describe('checkTensor', () => {
  test('accepts a dense tensor and returns a copy of its shape with the same data', () => {
    const t = { data: new Float32Array(6), shape: [1, 2, 3, 1] };
    const r = checkTensor('fn', 'x', t, [4]);
    expect(r.data).toBe(t.data);
    expect(r.shape).toEqual([1, 2, 3, 1]);
    expect(r.shape).not.toBe(t.shape);
    expect(checkTensor('fn', 'w', { data: new Float32Array(6), shape: [2, 3] }, [4, 2]).shape).toEqual([2, 3]);
  });
  test.each([
    ['null', null, 'BAD_TENSOR'],
    ['a number', 3, 'BAD_TENSOR'],
    ['data a plain array', { data: [0, 0], shape: [1, 1, 1, 2] }, 'BAD_TENSOR'],
    ['data a Float64Array', { data: new Float64Array(2), shape: [1, 1, 1, 2] }, 'BAD_TENSOR'],
    ['no shape', { data: new Float32Array(2) }, 'BAD_TENSOR'],
    ['shape entry 0', { data: new Float32Array(0), shape: [1, 0, 1, 2] }, 'BAD_TENSOR'],
    ['shape entry -1', { data: new Float32Array(2), shape: [-1, -1, 1, 2] }, 'BAD_TENSOR'],
    ['shape entry 1.5', { data: new Float32Array(3), shape: [1, 1.5, 1, 2] }, 'BAD_TENSOR'],
    ['shape entry NaN', { data: new Float32Array(2), shape: [1, NaN, 1, 2] }, 'BAD_TENSOR'],
    ['shape entry "2"', { data: new Float32Array(2), shape: [1, '2', 1, 1] }, 'BAD_TENSOR'],
    ['rank 3', { data: new Float32Array(2), shape: [1, 1, 2] }, 'BAD_RANK'],
    ['rank 0', { data: new Float32Array(1), shape: [] }, 'BAD_RANK'],
    ['data too short', { data: new Float32Array(1), shape: [1, 1, 1, 2] }, 'SHAPE_MISMATCH'],
    ['data too long', { data: new Float32Array(3), shape: [1, 1, 1, 2] }, 'SHAPE_MISMATCH'],
    ['more elements than any backend can address', { data: new Float32Array(1), shape: [65536, 65536, 1, 1] }, 'SHAPE_MISMATCH'],
  ])('%s -> %s', (_what, t, code) => {
    expect(codeOf(() => checkTensor('fn', 'x', t, [4]))).toBe(code);
  });
});

describe('checkShape', () => {
  test('returns a checked copy, each entry read once', () => {
    const shape = [2, 3, 4, 5];
    const copy = checkShape('fn', 'xShape', shape, [4]);
    expect(copy).toEqual([2, 3, 4, 5]);
    expect(copy).not.toBe(shape);
    let reads = 0;
    const counting = new Proxy([1, 2, 3, 4], { get: (t, k) => { if (k === '0') reads++; return Reflect.get(t, k); } });
    checkShape('fn', 'xShape', counting, [4]);
    expect(reads).toBe(1);
  });
  test('a zero on a kernel axis is BAD_KERNEL, elsewhere BAD_TENSOR', () => {
    expect(codeOf(() => checkShape('fn', 'w.shape', [4, 3, 0, 3], [4], () => [2, 3]))).toBe('BAD_KERNEL');
    expect(codeOf(() => checkShape('fn', 'w.shape', [0, 3, 3, 3], [4], () => [2, 3]))).toBe('BAD_TENSOR');
    expect(codeOf(() => checkShape('fn', 'w.shape', [3, 0, 3, 4], [4], () => [0, 1]))).toBe('BAD_KERNEL');
    expect(codeOf(() => checkShape('fn', 'x.shape', [1, 3, 0, 3], [4]))).toBe('BAD_TENSOR');
  });
});
