/**
 * Sequences (API.md, "Sequences"): prepared layers run back to back on one backend, the
 * intermediates kept inside the backend (wasm memory) in NHWC, so activations are copied in once
 * and out once. The sequence takes the layers over and disposes them with itself.
 */
import { ConvError, readingUserValues, show } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Runner, StageDescription } from '../backends/types.js';
import { PreparedLayer, runCall, RunOptions } from './layers.js';
import { ConvStream, createStream } from './stream.js';
import type { StageSpec } from './plan.js';
import type { Layout } from './options.js';

const FN = 'createSequence';

/** Output channels of one stage feed the next: the check that needs no input size. */
function checkChain(prev: StageSpec, next: StageSpec, i: number, j: number): void {
  const ok = next.kind === 'dw' ? (next.cin === 0 ? next.cout % prev.cout === 0 : next.cin === prev.cout) : next.cin === prev.cout;
  if (!ok) {
    throw new ConvError('CHANNEL_MISMATCH',
      `${FN}: layers[${j}] (${next.fn}) expects ${next.kind === 'dw' && next.cin === 0 ? `a divisor of ${next.cout}` : next.cin} ` +
      `input channels but layers[${i}] (${prev.fn}) outputs ${prev.cout}`);
  }
}

/** A chain of prepared layers run as one. */
export class Sequence {
  readonly layout: Layout;
  readonly #specs: StageSpec[];
  readonly #runner: Runner;
  readonly #free: (() => void)[];
  readonly #layers: PreparedLayer[];
  #disposed = false;

  /** @internal use createSequence */
  constructor(layers: PreparedLayer[]) {
    this.layout = layers[0].layout;
    this.#specs = layers.flatMap((l) => l.specs);
    this.#free = layers.map((l) => l.handOver());
    this.#layers = layers;
    this.#runner = layers[0].backend.createRunner(layers.flatMap((l) => l.kernels));
  }

  /**
   * Runs every layer on `x`, one copy in and one copy out.
   * @throws ConvError DISPOSED | BAD_TENSOR | BAD_RANK | SHAPE_MISMATCH | CHANNEL_MISMATCH | EMPTY_OUTPUT | BAD_OUT | OUT_OF_MEMORY
   */
  run(x: Tensor, opts?: RunOptions): Tensor {
    const fn = 'sequence.run';
    if (this.#disposed) throw new ConvError('DISPOSED', `${fn}: the sequence was disposed`);
    return runCall(fn, this.#specs, this.layout, this.#runner, x, opts);
  }

  /**
   * A stream over the sequence (its layers all conv1d or convTranspose1d): push chunks of a
   * signal, get every output step they decide (API.md, "Streaming 1-D convolution").
   * @throws ConvError DISPOSED | BAD_RANK (2-D or 3-D layers) | BAD_OPTION ('same' at stride > 1, 'circular') | OUT_OF_MEMORY
   */
  stream(): ConvStream {
    const fn = 'sequence.stream';
    if (this.#disposed) throw new ConvError('DISPOSED', `${fn}: the sequence was disposed`);
    return createStream(fn, this.#layers[0].backend, this.layout, this.#layers.flatMap((l) => l.streamSources()),
      () => !this.#disposed);
  }

  /**
   * Per stage of every layer, the op, the kernel that ran it and how its data entered and left
   * it, for the last input run: for people and bug reports, not a stable format.
   */
  describe(): StageDescription[] {
    return this.#runner.describe();
  }

  /** Frees the sequence's buffers and disposes its layers; a second call does nothing. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#runner.dispose();
    for (const free of this.#free) free();
  }
}

/**
 * Takes ownership of prepared layers (same layout, same backend) and runs them as one network.
 * @throws ConvError BAD_OPTION | BAD_RANK | DISPOSED | CHANNEL_MISMATCH
 */
export function createSequence(layersIn: PreparedLayer[]): Sequence {
  // Read the user's array once (holes, proxies and getters included) into a checked copy.
  const layers = readingUserValues(FN, 'BAD_OPTION', 'layers', () => {
    if (!Array.isArray(layersIn) || layersIn.length === 0) {
      throw new ConvError('BAD_OPTION', `${FN}: layers (${show(layersIn)}) must be a non-empty array of prepared layers`);
    }
    return Array.from({ length: layersIn.length }, (_, i) => layersIn[i] as unknown);
  });
  const checked: PreparedLayer[] = [];
  layers.forEach((l, i) => {
    if (!PreparedLayer.isLayer(l)) {
      throw new ConvError('BAD_OPTION', `${FN}: layers[${i}] (${show(l)}) must be a prepared layer from create*()`);
    }
    if (l.disposed) throw new ConvError('DISPOSED', `${FN}: layers[${i}] (${l.fn}) was disposed or handed to a sequence`);
    if (checked.includes(l)) throw new ConvError('BAD_OPTION', `${FN}: layers[${i}] is the same layer as layers[${checked.indexOf(l)}]`);
    if (i > 0 && l.specs[0].rank !== checked[0].specs[0].rank) {
      throw new ConvError('BAD_RANK',
        `${FN}: layers[${i}] (${l.fn}) is a ${l.specs[0].rank}-D layer but layers[0] (${checked[0].fn}) a ${checked[0].specs[0].rank}-D one; a sequence keeps one rank`);
    }
    if (i > 0 && l.layout !== checked[0].layout) {
      throw new ConvError('BAD_OPTION', `${FN}: layers[${i}].layout (${l.layout}) must equal layers[0].layout (${checked[0].layout})`);
    }
    if (i > 0 && l.backend !== checked[0].backend) {
      throw new ConvError('BAD_OPTION', `${FN}: layers[${i}] runs on '${l.backend.name}' but layers[0] on '${checked[0].backend.name}'`);
    }
    checked.push(l);
  });
  return chain(checked);
}

function chain(layers: PreparedLayer[]): Sequence {
  for (let j = 1; j < layers.length; j++) {
    const prev = layers[j - 1].specs;
    checkChain(prev[prev.length - 1], layers[j].specs[0], j - 1, j);
  }
  return new Sequence(layers);
}
