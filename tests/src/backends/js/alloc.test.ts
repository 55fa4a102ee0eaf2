/** The allocation guard: RangeError -> ConvError('OUT_OF_MEMORY'), anything else unchanged. */
import { allocating } from '../../../../src/backends/js/alloc';
import { ConvError } from '../../../../src/errors';

describe('allocating', () => {
  it('returns what the allocation returns', () => {
    expect(allocating('x', () => new Float32Array(3)).length).toBe(3);
  });
  it('turns a RangeError into OUT_OF_MEMORY', () => {
    let err: unknown;
    try {
      allocating('packed weights', () => {
        throw new RangeError('Array buffer allocation failed');
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConvError);
    expect((err as ConvError).code).toBe('OUT_OF_MEMORY');
    expect((err as ConvError).message).toMatch(/packed weights/);
  });
  it('lets other errors through', () => {
    expect(() => allocating('x', () => {
      throw new TypeError('no');
    })).toThrow(TypeError);
  });
  it('reports a real refused allocation as OUT_OF_MEMORY', () => {
    expect(() => allocating('x', () => new Float64Array(2 ** 40))).toThrow(expect.objectContaining({ code: 'OUT_OF_MEMORY' }));
  });
});
