/**
 * The seeded order of a split's samples in each epoch and the seed of each batch's augmentation:
 * one rule for main's streamed shards, the worker's whole-split feed and the CLI's disk provider,
 * so a run sees the same batches whichever of them serves it (a run with a `limit` aside: the app
 * takes the first `limit` of each epoch's order, the CLI one seeded subset for every epoch).
 */
import { createRng, deriveSeed, shuffleInPlace } from '../../src-shared/random';

/** Tag mixed into the augmentation seed, so it differs from the epoch order's. */
const AUGMENT_TAG = 0xa6;

/** A split's sample indices in epoch `epoch`: a copy permuted by (seed, epoch). */
export function shuffledEpoch(indices: Uint32Array, seed: number, epoch: number): Uint32Array {
  return shuffleInPlace(indices.slice(), createRng(deriveSeed(seed, epoch)));
}

/** The order of a split's samples in one epoch: its own order, or shuffled by (seed, epoch). */
export function epochOrder(indices: Uint32Array, order: 'sequential' | 'shuffled', seed: number, epoch: number): Uint32Array {
  return order === 'sequential' ? indices : shuffledEpoch(indices, seed, epoch);
}

/** The seed of batch `index`'s augmentation in epoch `epoch`. */
export function augmentSeed(seed: number, epoch: number, index: number): number {
  return deriveSeed(seed, epoch, index, AUGMENT_TAG);
}
