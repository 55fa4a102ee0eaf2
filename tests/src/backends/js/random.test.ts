/**
 * Seeded random geometries of every stage kind through the js Backend, both layouts, against the
 * float64 references: shapes nobody thought to write down (tails, 1-pixel inputs, wide kernels).
 */
import { build, E2E, Op, prepare, reference, runCase } from './backend-harness';
import { expectClose, rng } from './reference';

function randomCase(seed: number): E2E {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(((r() + 1) / 2) * (hi - lo + 1));
  const ops: Op[] = ['conv2d', 'depthwiseConv2d', 'pointwiseConv2d', 'convTranspose2d', 'separableConv2d'];
  const op = ops[int(0, ops.length - 1)];
  const kH = int(1, 4), kW = int(1, 4);
  const sH = int(1, 3), sW = int(1, 3);
  const dH = int(1, 2), dW = int(1, 2);
  const n = int(1, 2), h = int(1, 9), w = int(1, 9);
  const acts = ['none', 'relu', 'relu6'] as const;
  const activation = acts[int(0, 2)];
  let c = int(1, 9);
  let cout = int(1, 9);
  const t: E2E = { op, n, c, h, w, opts: { activation } };
  if (op === 'pointwiseConv2d') {
    t.cout = cout;
    t.opts = { activation, stride: [sH, sW] };
    return t;
  }
  t.k = [kH, kW];
  // enough padding that the output is never empty
  const pad: [number, number, number, number] = [int(0, 2), int(0, 2), int(0, 2), int(0, 2)];
  const needH = (kH - 1) * dH + 1 - h, needW = (kW - 1) * dW + 1 - w;
  if (op !== 'convTranspose2d') {
    if (needH > 0) pad[2] += needH;
    if (needW > 0) pad[3] += needW;
  }
  if (op === 'conv2d') {
    const g = int(1, 3);
    t.c = c * g;
    t.cout = cout * g;
    t.opts = { activation, stride: [sH, sW], dilation: [dH, dW], padding: pad, groups: g };
  } else if (op === 'depthwiseConv2d' || op === 'separableConv2d') {
    t.m = int(1, 3);
    t.cout = cout;
    t.opts = { activation, stride: [sH, sW], dilation: [dH, dW], padding: pad };
    if (op === 'separableConv2d') t.opts.depthwiseActivation = acts[int(0, 2)];
  } else {
    const g = int(1, 3);
    t.c = c * g;
    t.cout = cout * g;
    // crop less than the full output; outputPadding below stride or dilation
    const op0 = int(0, Math.max(sH, dH) - 1), op1 = int(0, Math.max(sW, dW) - 1);
    const fullH = (h - 1) * sH + (kH - 1) * dH + 1 + op0, fullW = (w - 1) * sW + (kW - 1) * dW + 1 + op1;
    const cropH = Math.min(int(0, 3), fullH - 1), cropW = Math.min(int(0, 3), fullW - 1);
    const top = int(0, cropH), left = int(0, cropW);
    t.opts = {
      activation, stride: [sH, sW], dilation: [dH, dW], groups: g, outputPadding: [op0, op1],
      padding: [top, left, cropH - top, cropW - left],
    };
  }
  c = t.c;
  return t;
}

const seeds = Array.from({ length: 80 }, (_, i) => 1000 + i);

describe.each(['NCHW', 'NHWC'] as const)('random geometries, %s', (layout) => {
  it.each(seeds)('seed %i', (seed) => {
    const t = randomCase(seed);
    const b = build(t, seed);
    const p = prepare(t, b, layout);
    expectClose(runCase(p, t, b.x, layout), reference(t, b, p.geoms), `${JSON.stringify(t)} ${layout}`);
  });
});
