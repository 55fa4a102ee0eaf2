/**
 * The kernel list (bench/kernels/list.cjs) on the test side: each family's entries this runtime
 * can run, one describe() per entry with an instance of its build, and the named cases a tester
 * runs on it. The kernel micro-benchmarks (bench/kernels/*.bench.mjs) walk the same entries.
 */
import { kernelsOf } from '../../bench/kernels/list.cjs';
import type { Family, Kernels } from '../../bench/kernels/list.cjs';
import { flavors, harness, Harness } from './harness';

export type { Family, Kernels } from '../../bench/kernels/list.cjs';
export type Entry<F extends Family> = Kernels[F][number];

/** A kernel of the list and an instance of its build: what a tester's test() runs. */
export interface Kernel<E> {
  readonly entry: E;
  readonly h: Harness;
}

/** A named case: one or more tester runs on one kernel. */
export interface Case<E> {
  readonly name: string;
  run(k: Kernel<E>): void;
}

/** The entries of a family whose build this runtime runs. */
export function available<F extends Family>(family: F): Kernels[F] {
  return kernelsOf(family, flavors());
}

/**
 * One describe() per entry of `family` (named after the kernel), an instance of its build
 * loaded once, and one test() per case that cases(entry) gives.
 */
export function describeKernels<F extends Family>(family: F, cases: (entry: Entry<F>) => Case<Entry<F>>[]): void {
  const entries = available(family) as readonly Entry<F>[];
  describe.each(entries.map((e) => [e.name, e] as const))('%s', (_name, entry) => {
    let k: Kernel<Entry<F>>;
    beforeAll(async () => {
      k = { entry, h: await harness(entry.flavor) };
    });
    for (const c of cases(entry)) test(c.name, () => c.run(k));
  });
}

/** A case of one tester run. */
export function one<E>(name: string, t: { test(k: Kernel<NoInfer<E>>): void }): Case<E> {
  return { name, run: (k) => t.test(k) };
}

/** A case of several tester runs. */
export function many<E>(name: string, ts: readonly { test(k: Kernel<NoInfer<E>>): void }[]): Case<E> {
  return { name, run: (k) => ts.forEach((t) => t.test(k)) };
}

/** Values from `lo` to `hi`, both included. */
export const range = (lo: number, hi: number): number[] => Array.from({ length: Math.max(0, hi - lo + 1) }, (_, i) => lo + i);

/** The distinct values, in first-seen order. */
export const unique = (v: readonly number[]): number[] => [...new Set(v)];

