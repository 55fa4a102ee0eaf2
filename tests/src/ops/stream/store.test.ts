/**
 * What a stream keeps between pushes (src/ops/stream/store.ts), on every backend: the bytes a
 * stream holds and the wasm bytes in use stay flat over many pushes; a second stream adds nothing
 * and disposing the layers returns every byte.
 */
import { randomArray, Rng, seedOf } from '../../../helpers/reference';
import { BACKENDS, initBackends, sc } from '../../../helpers/testers';
import { LayerDesc, build } from './stream-helpers';

beforeAll(() => initBackends());

describe.each(BACKENDS)('%s', (backend) => {
  test('bounded state: the bytes a stream holds and the wasm bytes in use stay flat over many pushes', () => {
    const rng = new Rng(seedOf(`bound/${backend}`));
    const descs: LayerDesc[] = [
      { op: 'conv1d', cin: 1, cout: 8, k: 5, opts: { padding: 'causal', dilation: 2, paddingMode: 'replicate' } },
      { op: 'convTranspose1d', cin: 8, cout: 8, k: 4, opts: { stride: 2, padding: 1 } },
      { op: 'conv1d', cin: 8, cout: 4, k: 3, opts: { padding: 'same', paddingMode: 'reflect', activation: 'tanh' } },
    ];
    const before = sc.memory().bytesInUse;
    const net = build(rng, descs, 'NCW', backend);
    const chunk = { data: randomArray(rng, 160), shape: [1, 1, 160] };
    const out = new Float32Array(4 * 2 * 160 + 64);
    let afterFirst = 0;
    for (const round of [0, 1]) {
      const s = net.stream();
      const push = (): void => {
        s.push(chunk, { out: out.subarray(0, 4 * s.outputSteps(160)) });
      };
      for (let i = 0; i < 20; i++) push();
      const held = s.bytes();
      const inUse = sc.memory().bytesInUse;
      for (let i = 0; i < (backend === 'js' ? 200 : 1000); i++) push();
      expect(s.bytes()).toBe(held);
      expect(sc.memory().bytesInUse).toBe(inUse);
      // what the stream holds is its windows and tails, not the signal
      expect(held).toBeLessThan(200 * 1024);
      s.end();
      s.dispose();
      // the layers' kernels keep the scratch they grew (freed with them); a second stream adds nothing
      if (round === 0) afterFirst = sc.memory().bytesInUse;
      else expect(sc.memory().bytesInUse).toBe(afterFirst);
    }
    net.dispose();
    expect(sc.memory().bytesInUse).toBe(before);
  });
});
