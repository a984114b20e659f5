/**
 * How big batches are cut to fit a backend's memory: text-transformer at seq 256 and batch 256
 * (which crashed the WASM heap whole) is sliced, small models and batch-norm models are not.
 */
import { describe, expect, it } from 'vitest';
import { parseModelSpec } from '../../../src-shared/models/spec';
import { templateFor } from '../../../src-shared/models/templates';
import { MEMORY_BUDGET, microBatchSize, sliceRanges, trainingBytesPerSample } from '../../../src-engine/train/micro-batch';

const transformer = templateFor('text-transformer', { kind: 'text', seqLength: 256, vocabSize: 20_000, tokenizer: 'word' }, 2);
const cnn = templateFor('seed-cnn', { kind: 'image', height: 28, width: 28, channels: 1 }, 10);

describe('micro-batches', () => {
  it('slices text-transformer batch 256 on WASM into even slices that fit, and keeps batch 32 whole', () => {
    const size = microBatchSize(transformer, 256, 'wasm');
    expect(size).toBeLessThan(256);
    expect(size * trainingBytesPerSample(transformer)).toBeLessThanOrEqual(MEMORY_BUDGET.wasm);
    expect(256 % size === 0 || 256 - size * Math.floor(256 / size) > 0).toBe(true);
    expect(sliceRanges(256, size).map(([a, b]) => b - a).every((n) => n === size || n === 256 % size)).toBe(true);
    expect(microBatchSize(transformer, 32, 'wasm')).toBe(32);
  });

  it('never slices seed-cnn at batch 256, nor a model with batch normalisation', () => {
    expect(microBatchSize(cnn, 256, 'wasm')).toBe(256);
    const bn = parseModelSpec({ ...transformer, layers: [...transformer.layers.slice(0, 1), { type: 'batchNorm' }, ...transformer.layers.slice(1)] });
    expect(microBatchSize(bn, 256, 'wasm')).toBe(256);
  });

  it('cuts n samples into consecutive ranges of at most the slice size', () => {
    expect(sliceRanges(10, 4)).toEqual([[0, 4], [4, 8], [8, 10]]);
    expect(sliceRanges(8, 8)).toEqual([[0, 8]]);
  });
});
