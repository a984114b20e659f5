/**
 * Serving samples from a dataset held in memory: gathers of the input and label bytes of a list
 * of sample indices (the per-epoch order is src-engine/data/epoch-order.ts).
 */
import type { InputSpec } from '../../src-shared/datasets/schema';
import { bytesOf } from './blob-files';
import type { LoadedDataset } from './dataset-files';

/** Bytes of one sample's input in x.bin. */
export function sampleBytes(input: InputSpec): number {
  if (input.kind === 'image') return input.height * input.width * input.channels;
  if (input.kind === 'text') return input.seqLength * 4;
  return input.features.length * 4;
}

/**
 * Copies the records of `indices[from..to)` (each `size` bytes) out of `src`, back to back.
 * Runs of consecutive indices are copied in one go, so a sequential read is a few memcpys.
 */
export function gather(src: Uint8Array, size: number, indices: ArrayLike<number>, from: number, to: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(Math.max(0, to - from) * size);
  let k = from;
  while (k < to) {
    const start = indices[k]!;
    let run = 1;
    while (k + run < to && indices[k + run] === start + run) run++;
    out.set(src.subarray(start * size, (start + run) * size), (k - from) * size);
    k += run;
  }
  return out;
}

/** Inputs and labels of `positions[from..to)` of an ordering, as raw little-endian bytes. */
export function gatherSamples(data: LoadedDataset, positions: Uint32Array, from: number, to: number): { x: Uint8Array<ArrayBuffer>; y: Uint8Array<ArrayBuffer> } {
  return {
    x: gather(data.x, sampleBytes(data.manifest.input), positions, from, to),
    y: gather(bytesOf(data.y), 4, positions, from, to),
  };
}
