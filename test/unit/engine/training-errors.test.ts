/** The advice a failed run shows for memory and GPU failures, and the plain message otherwise. */
import { describe, expect, it } from 'vitest';
import { describeTrainingError } from '../../../src-engine/train/training-errors';
import { textOf } from '../../../src-shared/messages/message';

const ctx = { backend: 'wasm', batchSize: 256, microBatchSize: 52 };

describe('describeTrainingError', () => {
  it('turns WASM heap exhaustion into advice, keeping the original text', () => {
    const said = describeTrainingError(new Error('RuntimeError: memory access out of bounds'), ctx);
    expect(said).toMatchObject({ key: 'training.outOfMemorySliced', params: { backend: 'wasm', batch: 256, slice: 52, raw: 'RuntimeError: memory access out of bounds' } });
    expect(textOf(said)).toBe(
      'Training ran out of memory on wasm (batches of 256 in slices of 52). Try a smaller batch size, a shorter sequence length or a smaller model. [RuntimeError: memory access out of bounds]',
    );
    expect(textOf(describeTrainingError(new Error('Aborted(). Build with -sASSERTIONS for more info.'), { ...ctx, microBatchSize: 256 }))).toMatch(
      /^Training ran out of memory on wasm \(batches of 256\)\./,
    );
  });

  it('says when the GPU device was lost', () => {
    const err = new Error("Failed to execute 'mapAsync' on 'GPUBuffer': A valid external Instance reference no longer exists.");
    expect(textOf(describeTrainingError(err, { backend: 'webgpu', batchSize: 32, microBatchSize: 32 }))).toMatch(/^The GPU stopped responding while training on webgpu \(batches of 32\)\./);
  });

  it('passes other errors through unchanged', () => {
    expect(describeTrainingError(new Error('The split is empty'), ctx)).toBe('The split is empty');
    expect(describeTrainingError('plain', ctx)).toBe('plain');
    // The runtime's words are cut to what a run record keeps, after the cause is found in all of them.
    expect(textOf(describeTrainingError(new Error(`out of memory ${'x'.repeat(5000)}`), ctx)).length).toBeLessThan(2000);
    expect(describeTrainingError(new Error(`${'x'.repeat(5000)} Aborted()`), ctx)).toMatchObject({ key: 'training.outOfMemorySliced' });
    // Only the sliced message has a slice size.
    expect(describeTrainingError(new Error('Aborted()'), { ...ctx, microBatchSize: 256 })).toMatchObject({ key: 'training.outOfMemory', params: { backend: 'wasm', batch: 256, raw: 'Aborted()' } });
    expect(describeTrainingError(new Error('Aborted()'), { ...ctx, microBatchSize: 256 })).not.toHaveProperty('params.slice');
  });
});
