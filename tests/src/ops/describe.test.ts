/**
 * describe() on prepared layers and sequences: per stage, the op, the kernel chosen and the
 * data path, for the last input run, on every backend.
 */
import * as sc from '../../../src/index';
import { BACKENDS, initBackends } from '../../helpers/testers';

beforeAll(() => initBackends());

const w = (shape: number[]): sc.Tensor => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.01), shape });
const x = (shape: number[]): sc.Tensor => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape });

describe.each(BACKENDS)('%s', (backend) => {
  test('a layer says it has not run, then names what ran for the last input size', () => {
    const layer = sc.createConv2d(w([16, 3, 3, 3]), { padding: 1, backend });
    try {
      const before = layer.describe();
      expect(before).toHaveLength(1);
      expect(before[0].op).toBe('conv2d');
      expect(before[0].path).toContain('not run');
      layer.run(x([1, 3, 32, 32]));
      const d = layer.describe();
      expect(d).toHaveLength(1);
      for (const k of ['op', 'kernel', 'path'] as const) expect(typeof d[0][k]).toBe('string');
      expect(d[0].kernel).not.toContain('not run');
      if (backend === 'wasm-relaxed' || backend === 'wasm-simd') expect(d[0].kernel).toContain('im2col');
      layer.run(x([1, 3, 8, 8]));
      if (backend === 'wasm-relaxed' || backend === 'wasm-simd') expect(layer.describe()[0].kernel).toContain('im2col');
    } finally {
      layer.dispose();
    }
  });

  test('a separable layer and a sequence describe every stage', () => {
    const sep = sc.createSeparableConv2d(w([16, 1, 3, 3]), w([24, 16, 1, 1]), { padding: 1, backend });
    const pw = sc.createPointwiseConv2d(w([8, 24, 1, 1]), { backend });
    const net = sc.createSequence([sep, pw]);
    try {
      net.run(x([1, 16, 8, 64]));
      const d = net.describe();
      expect(d.map((s) => s.op)).toEqual(['separableConv2d', 'separableConv2d', 'pointwiseConv2d']);
      for (const s of d) expect(s.kernel.length).toBeGreaterThan(0);
    } finally {
      net.dispose();
    }
  });

  test('NHWC data say so', () => {
    const layer = sc.createDepthwiseConv2d(w([3, 3, 8, 1]), { padding: 1, layout: 'NHWC', backend });
    try {
      layer.run(x([1, 10, 10, 8]));
      expect(layer.describe()[0].path).toContain('NHWC');
    } finally {
      layer.dispose();
    }
  });
});
