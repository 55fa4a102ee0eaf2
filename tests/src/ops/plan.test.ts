/**
 * src/ops/plan.ts: which stages run as what. A conv2d with one input and one output channel per
 * group (depthwise written as grouped, Conv2d(C, C, k, groups=C)) resolves to 'dw' geometries and
 * builds 'dw' kernels, with conv2d's validation, error codes and messages; other grouped convs
 * stay 'conv'. The results are checked against the reference in conv2d.test.ts.
 */
import { ConvError } from '../../../src/errors';
import { normaliseOptions } from '../../../src/ops/options';
import { isDepthwiseConv, kernelSpec, resolve, specConv2d } from '../../../src/ops/plan';

const spec = (cout: number, cinG: number, groups: number) =>
  specConv2d('conv2d', [cout, cinG, 3, 3], normaliseOptions('conv2d', { groups, padding: 1 }));

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof ConvError ? e.code : String(e);
  }
  return undefined;
}

describe('plan: depthwise written as a grouped conv', () => {
  test('groups = C = Cout: dw geometry and kernel spec, the conv spec kept for validation', () => {
    const s = spec(32, 1, 32);
    expect(isDepthwiseConv(s)).toBe(true);
    expect(s.kind).toBe('conv');
    const k = kernelSpec(s);
    expect(k.kind).toBe('dw');
    expect({ ...k, kind: 'conv' }).toEqual({ ...s });
    expect(Object.isFrozen(k)).toBe(true);
    const g = resolve(s, 2, 32, 7, 9);
    expect(g).toMatchObject({ kind: 'dw', groups: 32, cinG: 1, coutG: 1, cout: 32, oh: 7, ow: 9 });
  });

  test.each([
    ['a multiplier (groups = C, Cout = 2C)', 64, 1, 32],
    ['groups of 2 input channels', 16, 2, 8],
    ['one group, one channel (a grayscale conv)', 1, 1, 1],
    ['an ordinary conv', 8, 3, 1],
  ])('%s stays a conv', (_name, cout, cinG, groups) => {
    const s = spec(cout, cinG, groups);
    expect(isDepthwiseConv(s)).toBe(false);
    expect(kernelSpec(s)).toBe(s);
    expect(resolve(s, 1, cinG * groups, 5, 5).kind).toBe('conv');
  });

  test('the input is checked as for a conv: BAD_GROUPS and CHANNEL_MISMATCH, as before', () => {
    const s = spec(8, 1, 8);
    expect(codeOf(() => resolve(s, 1, 12, 5, 5))).toBe('BAD_GROUPS');
    expect(codeOf(() => resolve(s, 1, 16, 5, 5))).toBe('CHANNEL_MISMATCH');
    expect(() => resolve(s, 1, 16, 5, 5)).toThrow('conv2d: w.shape[1] * groups (8) must equal the input\'s channels (16)');
  });
});
