/**
 * bench/ceiling.mjs writes its wasm modules byte by byte: check the encoder (LEB128, the module
 * layout, the opcodes) and that every loop computes what its comment says, exactly, against a
 * float32 model of the recurrence. bench/ceiling.mjs is an ES module that jest (CommonJS here)
 * cannot require, so each check runs in a child node process that prints JSON. No timing.
 */
import { spawnSync } from 'child_process';
import { resolve } from 'path';
import { pathToFileURL } from 'url';
import { RELAXED_NODE_FLAGS } from '../helpers/backends';

const CEILING = pathToFileURL(resolve(__dirname, '../../bench/ceiling.mjs')).href;

/** Run an ES module body in node (with or without relaxed SIMD); `c` is bench/ceiling.mjs. */
function inNode(body: string, relaxed = true): any {
  const script = `import * as c from ${JSON.stringify(CEILING)};\nconst out = await (async () => { ${body} })();\nconsole.log(JSON.stringify(out));`;
  const args = [...(relaxed ? RELAXED_NODE_FLAGS : []), '--no-warnings', '--input-type=module', '-e', script];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`node exited with ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

const f = Math.fround;

/** The float32 model of a peak loop: 12 chains, n trips, the lane-0 sum in order. */
function model(loop: string, n: number, fused = false): number {
  const c = f(1 / f(n));
  const acc = Array.from({ length: 12 }, (_, i) => f(i + 1));
  for (let t = 0; t < n; t++) {
    for (let i = 0; i < 12; i++) {
      if (loop.endsWith(':hoisted')) acc[i] = f(acc[i] + f(c * 1));
      else if (fused) acc[i] = f(acc[i] * c + 1); // one rounding: exact product and sum fit a double
      else acc[i] = f(f(acc[i] * c) + 1);
    }
  }
  return acc.reduce((s, x) => f(s + x));
}

describe('bench/ceiling.mjs', () => {
  test('LEB128', () => {
    const r = inNode(`return {
      u: [0, 1, 127, 128, 0x105, 624485, 2 ** 32 - 1].map(c.uleb),
      s: [0, 1, -1, 63, 64, -64, -65, -123456].map(c.sleb),
    };`);
    expect(r.u).toEqual([[0], [1], [0x7f], [0x80, 0x01], [0x85, 0x02], [0xe5, 0x8e, 0x26], [0xff, 0xff, 0xff, 0xff, 0x0f]]);
    expect(r.s).toEqual([[0], [1], [0x7f], [0x3f], [0xc0, 0x00], [0x40], [0xbf, 0x7f], [0xc0, 0xbb, 0x78]]);
  });

  test('module layout and opcodes', () => {
    const r = inNode(`return Object.fromEntries(['wasm-simd', 'wasm-relaxed', 'wasm', 'wasm-simd:hoisted', 'wasm:hoisted']
      .map((k) => [k, Array.from(c.peakModule(k))]));`);
    const hex = (b: number[]) => Buffer.from(b).toString('hex');
    for (const bytes of Object.values(r) as number[][]) {
      expect(bytes.slice(0, 8)).toEqual([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
      // Sections in order: type (1), function (3), export (7), code (10); sizes add up.
      const ids: number[] = [];
      let p = 8;
      while (p < bytes.length) {
        ids.push(bytes[p]);
        let size = 0;
        let shift = 0;
        let b: number;
        p++;
        do { b = bytes[p++]; size |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
        p += size;
      }
      expect(p).toBe(bytes.length);
      expect(ids).toEqual([1, 3, 7, 10]);
      expect(hex(bytes)).toContain(hex([0x07, 0x08, 0x01, 0x04, ...Buffer.from('peak'), 0x00, 0x00])); // export "peak" func 0
    }
    const count = (bytes: number[], op: number[]) => hex(bytes).split(hex(op)).length - 1;
    expect(count(r['wasm-relaxed'], [0xfd, 0x85, 0x02])).toBe(12); // f32x4.relaxed_madd
    expect(count(r['wasm-simd'], [0xfd, 0xe6, 0x01])).toBe(12); // f32x4.mul
    expect(count(r['wasm-simd'], [0xfd, 0xe4, 0x01])).toBe(12 + 11); // f32x4.add, loop + final sum
    expect(count(r['wasm-relaxed'], [0xfd, 0xe6, 0x01])).toBe(0);
  });

  test('every loop validates and computes the recurrence of its comment, exactly', () => {
    const n = 37;
    const r = inNode(`const out = {};
      for (const k of ['wasm-simd', 'wasm-relaxed', 'wasm', 'wasm-simd:hoisted', 'wasm:hoisted']) {
        const ok = WebAssembly.validate(c.peakModule(k));
        out[k] = { ok, y: ok ? c.peakFunction(k)(${n}) : null, y1: ok ? c.peakFunction(k)(1) : null };
      }
      out.js = { ok: true, y: c.jsPeak(${n}) };
      out.flop = ['wasm-simd', 'wasm-relaxed', 'wasm', 'js'].map((k) => c.flopPerTrip(k));
      return out;`);
    for (const k of ['wasm-simd', 'wasm-relaxed', 'wasm', 'wasm-simd:hoisted', 'wasm:hoisted']) {
      expect(r[k].ok).toBe(true);
      if (k === 'wasm-relaxed') expect([model(k, n), model(k, n, true)]).toContain(r[k].y); // fused or not
      else expect(r[k].y).toBe(model(k, n));
      expect([model(k, 1), model(k, 1, true)]).toContain(r[k].y1);
    }
    let js = 0;
    for (let i = 0; i < 12; i++) { let a = i + 1; for (let t = 0; t < n; t++) a = a * (1 / n) + 1; js += a; }
    expect(r.js.y).toBeCloseTo(js, 12);
    expect(r.flop).toEqual([96, 96, 24, 24]);
  });

  test('ceilingSampler: GFLOP/s of short samples, null where the loop cannot run', () => {
    const r = inNode(`const simd = c.ceilingSampler('wasm-simd', 2000);
      const relaxed = c.ceilingSampler('wasm-relaxed', 2000);
      return { validates: WebAssembly.validate(c.peakModule('wasm-relaxed')), simd: [simd(), simd()],
        relaxed: relaxed === null ? null : relaxed() };`, false);
    for (const g of r.simd) {
      expect(Number.isFinite(g)).toBe(true);
      expect(g).toBeGreaterThan(0);
    }
    if (r.validates) expect(r.relaxed).toBeGreaterThan(0);
    else expect(r.relaxed).toBeNull();
  });

  test('alternateWindows: each run timed right after its own ceiling sample, round after round', () => {
    const r = inNode(`const order = [];
      let n = 0;
      const ceiling = () => { order.push('c'); return ++n; };
      const w = c.alternateWindows([() => order.push('a'), () => order.push('b')], 3, ceiling);
      return { order: order.join(''), w };`, false);
    expect(r.order).toBe('cacbcacbcacb');
    expect(r.w.map((x: any) => x.ceilings)).toEqual([[1, 3, 5], [2, 4, 6]]);
    for (const x of r.w) {
      expect(x.ms).toHaveLength(3);
      for (const t of x.ms) expect(t).toBeGreaterThanOrEqual(0);
    }
  });

  test('relaxed SIMD is skipped, not fatal, where the runtime lacks it', () => {
    const r = inNode(`const m = new c.CeilingMeter();
      const all = m.measureAll(['wasm-relaxed', 'wasm-simd', 'js'], { samples: 2, sampleMs: 1 });
      return { validates: WebAssembly.validate(c.peakModule('wasm-relaxed')), all };`, false);
    if (r.validates) expect(r.all.paths['wasm-relaxed'].gflops).toBeGreaterThan(0); // Node 22+: on by default
    else expect(r.all.paths['wasm-relaxed'].unsupported).toMatch(/relaxed SIMD/);
    for (const p of ['wasm-simd', 'js']) {
      expect(r.all.paths[p].samples).toHaveLength(2);
      expect(r.all.paths[p].gflops).toBeGreaterThan(0);
    }
  });
});
