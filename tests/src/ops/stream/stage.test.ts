/**
 * A stream's lookahead (src/ops/stream/stage.ts, lookaheadOf), on every backend: the input steps
 * after an output's own step that it waits for; 0 for a causal stack at stride 1, where each push
 * of T steps returns T steps.
 */
import { randomArray, Rng, seedOf } from '../../../helpers/reference';
import { BACKENDS, initBackends } from '../../../helpers/testers';
import { LayerDesc, T3, build, concatTime, expectSame, sliceTime } from './stream-helpers';

beforeAll(() => initBackends());

describe.each(BACKENDS)('%s', (backend) => {
  test('a causal stack at stride 1: lookahead 0, each push of T steps returns T steps', () => {
    const rng = new Rng(seedOf(`tcn/${backend}`));
    const descs: LayerDesc[] = [1, 2, 4, 8].map((d) => (
      { op: 'conv1d', cin: 16, cout: 16, k: 3, opts: { padding: 'causal', dilation: d, activation: 'relu', bias: randomArray(rng, 16) } }));
    const net = build(rng, descs, 'NCW', backend);
    const s = net.stream();
    expect(s.lookahead).toBe(0);
    const x = { data: randomArray(rng, 16 * 200), shape: [1, 16, 200] };
    const want = net.run(x);
    const parts: T3[] = [];
    for (const c of [1, 1, 2, 0, 3, 160, 33]) {
      expect(s.outputSteps(c)).toBe(c);
      const y = s.push(sliceTime(x, parts.reduce((a, p) => a + p.shape[2], 0), c, 'NCW'));
      expect(y.shape).toEqual([1, 16, c]);
      parts.push(y);
    }
    const rest = s.end();
    expect(rest.shape).toEqual([1, 16, 0]);
    parts.push(rest);
    expectSame(concatTime(parts, 'NCW'), want, 'TCN');
    s.dispose();
    net.dispose();
  });

  test('lookahead: the input steps after an output\'s own step that it waits for', () => {
    const rng = new Rng(seedOf(`lookahead/${backend}`));
    const conv = (k: number, opts: Record<string, unknown>): LayerDesc => ({ op: 'conv1d', cin: 2, cout: 2, k, opts });
    const cases: [LayerDesc[], number][] = [
      [[conv(3, { padding: 'causal' })], 0],
      [[conv(3, { padding: 'causal', stride: 2 })], 0],
      [[conv(3, { padding: 'same' })], 1],
      [[conv(3, {})], 2],
      [[conv(3, { dilation: 3, padding: 'same' })], 3],
      [[conv(3, { padding: 'same' }), conv(5, { padding: 'same' })], 3],
      // stride 2 first: the second layer's step is two input steps
      [[conv(3, { stride: 2 }), conv(3, { padding: 'same' })], 4],
      [[{ op: 'convTranspose1d', cin: 2, cout: 2, k: 2, opts: { stride: 2 } }], 0],
      [[{ op: 'convTranspose1d', cin: 2, cout: 2, k: 4, opts: { stride: 2, padding: 1 } }], 1],
    ];
    for (const [descs, want] of cases) {
      const net = build(rng, descs, 'NWC', backend);
      const s = net.stream();
      expect(s.lookahead).toBe(want);
      s.dispose();
      net.dispose();
    }
  });
});
