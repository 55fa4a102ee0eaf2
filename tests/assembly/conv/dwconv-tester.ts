/**
 * Fluent tester of the depthwise kernels (families dwconv and dwconv-nchw of
 * bench/kernels/list.cjs): weights packed for the kernel (pack_dwconv2d_f32, or
 * pack_dwconv2d_planes_f32 for NCHW planes), a multiplier through expand_dwconv2d_nhwc_f32 (NHWC),
 * one call of the export against the float64 reference; nothing is written past the output. The
 * geometry must reach the entry's path (list.cjs dwconvPath / dwconvNchwPath).
 *
 *   new DwconvTester().c(13).size(5, 6).kernel(3, 3).pad(1, 1, 1, 1).test(kernel)
 */
import { expectClose } from '../harness';
import { DwCase, dwCaseData, refDw, toNchw } from '../../src/backends/wasm/wasm-helpers';
import { dwconvNchwPath, dwconvPath } from '../../../bench/kernels/list.cjs';
import { many } from '../kernels';
import type { Case, Entry, Kernel } from '../kernels';

export class DwconvTester {
  private cs: DwCase = { c: 4, h: 5, w: 5, kH: 3, kW: 3 };
  private seed_ = 1;

  /** input channels */
  c(v: number): this { this.cs.c = v; return this; }
  /** channel multiplier: output channel c*m + j reads input channel c */
  m(v: number): this { this.cs.m = v; return this; }
  n(v: number): this { this.cs.n = v; return this; }
  size(h: number, w: number): this { this.cs.h = h; this.cs.w = w; return this; }
  kernel(kH: number, kW: number): this { this.cs.kH = kH; this.cs.kW = kW; return this; }
  stride(sH: number, sW = sH): this { this.cs.s = [sH, sW]; return this; }
  dilation(dH: number, dW = dH): this { this.cs.d = [dH, dW]; return this; }
  /** top, left, bottom, right */
  pad(t: number, l: number, b: number, r: number): this { this.cs.pad = [t, l, b, r]; return this; }
  clamp(lo: number, hi: number): this { this.cs.clamp = [lo, hi]; return this; }
  seed(v: number): this { this.seed_ = v; return this; }
  /** Sets every field of a DwCase (omitted ones keep their defaults). */
  of(cs: DwCase): this { this.cs = { ...cs }; return this; }

  /** The path of run_dwconv2d_nhwc_f32 / run_dwconv2d_nchw_f32 this geometry takes in a build. */
  pathIn(family: 'dwconv' | 'dwconv-nchw', flavor: Entry<'dwconv'>['flavor']): string {
    const { g } = dwCaseData(this.cs, 0);
    return family === 'dwconv' ? dwconvPath(flavor, g.kH, g.kW, g.ow) : dwconvNchwPath(flavor, g.kH, g.kW, g.strideW, g.dilationW);
  }

  test(kernel: Kernel<Entry<'dwconv'>> | Kernel<Entry<'dwconv-nchw'>>): void {
    const { h, entry } = kernel;
    const path = this.pathIn(entry.family, entry.flavor);
    if (path !== entry.path) throw new Error(`${entry.name}: ${JSON.stringify(this.cs)} runs the ${path} path, not ${entry.path}`);
    const cs = this.cs;
    const { g, x, w, bias } = dwCaseData(cs, this.seed_);
    const { n, c, cout, oh, ow } = g;
    const taps = g.kH * g.kW;
    const outLen = n * oh * ow * cout;
    const GUARD = 777;
    const out = h.alloc(outLen + 4, GUARD);
    if (entry.family === 'dwconv') {
      const packed = h.alloc(h.ex.size_pack_dwconv2d_f32(cout, taps));
      h.ex.pack_dwconv2d_f32(cout, taps, h.put(w), h.put(bias), packed);
      let xp = h.put(x);
      if (g.coutG > 1) {
        const e = h.alloc(n * g.h * g.w * cout);
        h.ex.expand_dwconv2d_nhwc_f32(xp, e, n * g.h * g.w, c, g.coutG);
        xp = e;
      }
      h.ex.run_dwconv2d_nhwc_f32(xp, packed, out, h.alloc(cout), n, g.h, g.w, cout, oh, ow, g.kH, g.kW, g.strideH, g.strideW,
        g.dilationH, g.dilationW, g.padTop, g.padLeft, g.min, g.max);
    } else {
      const packed = h.alloc(h.ex.size_pack_dwconv2d_planes_f32(cout, taps));
      h.ex.pack_dwconv2d_planes_f32(cout, taps, h.put(w), h.put(bias), packed);
      // the zero row, then the whole-row kernels' scratch
      const zeroRow = h.alloc(g.w + 60);
      h.ex.run_dwconv2d_nchw_f32(h.put(toNchw(x, n, g.h, g.w, c)), packed, out, zeroRow, n, c, g.h, g.w, cout, oh, ow,
        g.kH, g.kW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft, g.min, g.max);
    }
    const got = h.get(out, outLen + 4);
    h.reset();
    const nhwc = refDw(g, x, w, bias);
    const want = entry.family === 'dwconv' ? nhwc : toNchw(nhwc, n, oh, ow, cout);
    expectClose(got.subarray(0, outLen), want, `${entry.name} ${JSON.stringify(cs)}`);
    expect(Array.from(got.subarray(outLen))).toEqual([GUARD, GUARD, GUARD, GUARD]);
  }
}

/** A named group of cases (DwCase, seed); each entry runs those that reach its path. */
export interface DwGroup {
  readonly name: string;
  readonly cases: readonly (readonly [DwCase, number])[];
}

/** The groups' cases that reach the entry's path, one Case per group that keeps any. */
export function reaching<F extends 'dwconv' | 'dwconv-nchw'>(e: Entry<F>, groups: readonly DwGroup[]): Case<Entry<F>>[] {
  return groups.flatMap((gr) => {
    const ts = gr.cases.map(([cs, seed]) => new DwconvTester().of(cs).seed(seed))
      .filter((t) => t.pathIn(e.family, e.flavor) === e.path);
    return ts.length ? [many<Entry<F>>(gr.name, ts)] : [];
  });
}
