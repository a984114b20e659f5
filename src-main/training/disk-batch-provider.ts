/**
 * Batches of a stored dataset split for the Node trainer and evaluator: the dataset is read
 * from its files (every blob checked against its sha256), then each epoch is cut in the engine's
 * epoch order (seed, epoch), as the app's data feed does. A `limit` keeps one seeded subset for
 * every epoch (the app's feed takes the first `limit` of each epoch's order instead).
 */
import type { DatasetManifest, SplitName } from '../../src-shared/datasets/schema';
import { createRng, deriveSeed, shuffleInPlace } from '../../src-shared/random';
import { augmentBatch, isAugmenting, type AugmentOptions } from '../../src-engine/data/augment';
import { augmentSeed, epochOrder } from '../../src-engine/data/epoch-order';
import type { BatchProvider, InputArray, TrainBatch } from '../../src-engine/train/types';
import { loadDataset, readDatasetManifest, type LoadedDataset } from '../datasets/dataset-files';
import { gatherSamples } from '../datasets/sample-gather';

/** Tag mixed into the seed of the subset a `limit` keeps, so it differs from every epoch order. */
const LIMIT_TAG = 0x11a17;

/** How to serve a split. */
export interface DiskBatchProviderOptions {
  /** Shuffle each epoch with (seed, epoch); false serves the split in its stored order. */
  shuffle: boolean;
  seed: number;
  /** Serve at most this many samples: a seeded random subset, the same every epoch. */
  limit?: number | null;
}

/** The sample shape of a dataset's inputs. */
export function sampleShape(manifest: DatasetManifest): number[] {
  const input = manifest.input;
  if (input.kind === 'image') return [input.height, input.width, input.channels];
  if (input.kind === 'text') return [input.seqLength];
  return [input.features.length];
}

function typed(manifest: DatasetManifest, bytes: Uint8Array<ArrayBuffer>): InputArray {
  if (manifest.input.kind === 'image') return bytes;
  // gatherSamples returns fresh, aligned buffers.
  return manifest.input.kind === 'text' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
}

/** A BatchProvider over one split of a dataset held in memory. */
export class DiskBatchProvider implements BatchProvider {
  readonly count: number;
  private readonly indices: Uint32Array;

  constructor(
    readonly data: LoadedDataset,
    readonly split: SplitName,
    private readonly opts: DiskBatchProviderOptions,
  ) {
    let indices = data.splits[split];
    const limit = opts.limit ?? null;
    if (limit !== null && limit < indices.length) {
      indices = shuffleInPlace(indices.slice(), createRng(deriveSeed(opts.seed, LIMIT_TAG))).subarray(0, limit);
      // Stored order within the subset, so an unshuffled pass reads it sequentially.
      indices.sort();
    }
    this.indices = indices;
    this.count = indices.length;
  }

  async *epoch(epoch: number, opts: { batchSize: number; dropRemainder?: boolean; augment?: AugmentOptions }): AsyncGenerator<TrainBatch> {
    const { batchSize } = opts;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`Batch size must be a positive integer, not ${batchSize}`);
    const manifest = this.data.manifest;
    const order = epochOrder(this.indices, this.opts.shuffle ? 'shuffled' : 'sequential', this.opts.seed, epoch);
    const shape = sampleShape(manifest);
    const input = manifest.input;
    const augment = input.kind === 'image' && isAugmenting(opts.augment) ? opts.augment : undefined;
    const end = opts.dropRemainder ? order.length - (order.length % batchSize) : order.length;
    for (let from = 0, index = 0; from < end; from += batchSize, index++) {
      const to = Math.min(from + batchSize, end);
      const raw = gatherSamples(this.data, order, from, to);
      let x = typed(manifest, raw.x);
      if (augment && input.kind === 'image') {
        x = augmentBatch(raw.x, to - from, { h: input.height, w: input.width, c: input.channels }, augment, augmentSeed(this.opts.seed, epoch, index));
      }
      // The trainer gives timers and signals (Ctrl+C) their turn between batches.
      yield { x, y: new Int32Array(raw.y.buffer), size: to - from, shape: [to - from, ...shape] };
    }
  }
}

/** Reads a dataset (checksums verified) and serves `split`. */
export async function openDiskBatchProvider(projectDir: string, datasetId: string, split: SplitName, opts: DiskBatchProviderOptions): Promise<DiskBatchProvider> {
  const manifest = await readDatasetManifest(projectDir, datasetId);
  return new DiskBatchProvider(await loadDataset(projectDir, manifest), split, opts);
}
