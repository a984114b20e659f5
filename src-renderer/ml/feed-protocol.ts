/**
 * The data feed's plan and the messages on its dedicated MessagePort: the worker asks for a
 * shard, the UI answers with the shard's bytes as transferred ArrayBuffers (never JSON arrays).
 */
import type { DatasetKind, InputSpec, SplitName } from '../../src-shared/datasets/schema';

/** The typed array a sample's input is stored in. */
export type InputDtype = 'uint8' | 'int32' | 'float32';

/** Everything both ends of a feed agree on before the first shard moves. */
export interface FeedPlan {
  feedId: string;
  datasetId: string;
  split: SplitName;
  kind: DatasetKind;
  dtype: InputDtype;
  /** Shape of one sample's input: [h, w, c] for images, [seqLength] for text, [features] for tabular. */
  sampleShape: number[];
  /** Samples in the split. */
  total: number;
  /** Samples per shard; equal to total (one shard) when the split is held whole. */
  shardSize: number;
  shardCount: number;
  /** True when the whole split is one shard, sent once and reshuffled by the worker each epoch. */
  whole: boolean;
  /** Whether each epoch sees the samples in a new seeded order. */
  shuffle: boolean;
  seed: number;
}

/** Worker -> UI: send shard `shard` of epoch `epoch` (the backpressure signal). */
export interface ShardWant {
  type: 'want';
  epoch: number;
  shard: number;
}

/** UI -> worker: a shard's inputs and int32 labels; both buffers are transferred. */
export interface ShardMessage {
  type: 'shard';
  epoch: number;
  shard: number;
  count: number;
  x: ArrayBuffer;
  y: ArrayBuffer;
}

/** UI -> worker: a shard could not be read. */
export interface ShardError {
  type: 'error';
  epoch: number;
  shard: number;
  code: string;
  message: string;
}

export type FeedToWorker = ShardMessage | ShardError;
export type FeedToUi = ShardWant;

/** Elements of one sample's input. */
export function sampleSize(plan: Pick<FeedPlan, 'sampleShape'>): number {
  return plan.sampleShape.reduce((a, b) => a * b, 1);
}

/** Bytes per element of a dtype. */
export function dtypeBytes(dtype: InputDtype): number {
  return dtype === 'uint8' ? 1 : 4;
}

/** The dtype and per-sample shape a dataset's input spec implies. */
export function inputLayout(input: InputSpec): { dtype: InputDtype; sampleShape: number[] } {
  if (input.kind === 'image') return { dtype: 'uint8', sampleShape: [input.height, input.width, input.channels] };
  if (input.kind === 'text') return { dtype: 'int32', sampleShape: [input.seqLength] };
  return { dtype: 'float32', sampleShape: [input.features.length] };
}
