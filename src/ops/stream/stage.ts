/**
 * What a stream (ops/stream.ts) asks of each layer it runs: the Stage interface ConvStage and
 * DeconvStage implement, the Input a push reads, and the lookahead of a stack of stages.
 */
import type { Kernel } from '../../backends/types.js';
import type { StageSpec } from '../plan.js';
import type { Store } from './store.js';

/** @internal What a stream needs of one stage of a layer. */
export interface StreamSource {
  readonly spec: StageSpec;
  readonly kernel: Kernel;
  /** convTranspose1d: the canonical weights and bias, for the kernels with other epilogues. */
  readonly canonical?: { readonly weights: Float32Array; readonly bias: Float32Array };
}

/** What a stage's push reads: an array (a view of a store, or the user's chunk), or its own window. */
export interface Input {
  data: Float32Array;
  /** The store `data` views, if any: a transposed layer's kernel reads it in place. */
  store: Store | undefined;
  /** data is [n][c][steps] (the user's NCW chunk); else [n][steps][c]. */
  ncw: boolean;
  /** The steps were written into the stage's window already (its slot()). */
  inPlace: boolean;
}

/** One layer's streaming state. */
export interface Stage {
  readonly cin: number;
  readonly cout: number;
  /** Output steps a push of `steps` more input steps returns. */
  steps(steps: number): number;
  /** Output steps pushing `steps` more and ending returns (the signal's output must not be empty). */
  finalSteps(steps: number): number;
  /** Starts a signal of batch `n`. */
  begin(n: number): void;
  /**
   * Where `steps` input steps can be written in place in this stage's window (batch 1): a float
   * offset into window(), or -1.
   */
  slot(steps: number): number;
  readonly window: Store | undefined;
  /** Pushes `steps` input steps; writes the output steps into dst from float dstAt. */
  push(src: Input, steps: number, dst: Store, dstAt: number): number;
  /** push, then the end of the signal. */
  finish(src: Input, steps: number, dst: Store, dstAt: number): number;
  /** Forgets the signal; keeps the buffers. */
  restart(): void;
  /** The index of the input step that completes output j (j far from the signal's start). */
  completes(j: number): number;
  /** Input steps per output step, as [numerator, denominator]. */
  readonly ratio: readonly [number, number];
  bytes(): number;
  dispose(): void;
}

/** Input steps between an input and the last output it completes (ConvStream.lookahead). */
export function lookaheadOf(stages: readonly Stage[]): number {
  let num = 1;
  let den = 1;
  let period = 1;
  for (const s of stages) {
    num *= s.ratio[0];
    den *= s.ratio[1];
    period *= s.ratio[1];
  }
  period = Math.min(period, 4096);
  const j0 = period * 64;
  let worst = -Infinity;
  for (let j = j0; j < j0 + period; j++) {
    let i = j;
    for (let l = stages.length - 1; l >= 0; l--) i = stages[l].completes(i);
    worst = Math.max(worst, i * den - j * num);
  }
  return Math.max(0, Math.ceil(worst / den));
}
