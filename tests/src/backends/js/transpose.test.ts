/** The boundary transposes against reference.ts's generic permute, on sizes around the 32-tile. */
import { nchwToNhwc, nhwcToNchw, transposeBlocked } from '../../../../src/backends/js/transpose';
import { randomF32, toNchw, toNhwc } from './reference';

describe('transposes', () => {
  it.each([
    [1, 1, 1, 1], [1, 3, 5, 7], [2, 2, 3, 3], [1, 13, 1, 3], [2, 5, 2, 1], [1, 4, 1, 4], [2, 13, 4, 9], [1, 64, 8, 8], [3, 33, 5, 7], [1, 130, 1, 1], [2, 1, 6, 6], [1, 31, 33, 2],
  ])('n=%i c=%i h=%i w=%i', (n, c, h, w) => {
    const x = randomF32(n * c * h * w, c + h);
    const nhwc = new Float32Array(x.length);
    nchwToNhwc(x, nhwc, n, c, h * w);
    expect(Array.from(nhwc)).toEqual(Array.from(toNhwc(x, n, c, h, w)));
    const back = new Float32Array(x.length);
    nhwcToNchw(nhwc, back, n, c, h * w);
    expect(Array.from(back)).toEqual(Array.from(x));
    expect(Array.from(back)).toEqual(Array.from(toNchw(nhwc, n, h, w, c)));
  });

  it('transposes a 70 x 45 matrix in tiles, leaving the rest of dst alone', () => {
    const src = randomF32(70 * 45, 3);
    const dst = new Float32Array(70 * 45 + 4).fill(9);
    transposeBlocked(src, dst, 1, 70, 45);
    for (let r = 0; r < 70; r++) for (let c = 0; c < 45; c++) expect(dst[c * 70 + r]).toBe(src[r * 45 + c]);
    expect(Array.from(dst.subarray(70 * 45))).toEqual([9, 9, 9, 9]);
  });
});
