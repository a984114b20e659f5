/**
 * The worker's end of a data feed: asks the UI for shards over a MessagePort (one at a time
 * ahead, so a slow trainer holds the UI back) and cuts them into typed batches, epoch by epoch.
 */
import { augmentBatch, isAugmenting, type AugmentOptions } from '../../src-engine/data/augment';
import { augmentSeed, shuffledEpoch } from '../../src-engine/data/epoch-order';
import { sampleSize, type FeedPlan, type FeedToUi, type FeedToWorker, type InputDtype } from './feed-protocol';
import type { InputArray, TrainBatch } from '../../src-engine/train/types';

/** One batch of the trainer's kind, with where it sits in its epoch. */
export interface Batch extends TrainBatch {
  epoch: number;
  /** Position of the batch within its epoch, from 0. */
  index: number;
}

/** How to cut an epoch into batches. */
export interface BatchOptions {
  batchSize: number;
  /** Leave out the last, smaller batch of an epoch. */
  dropRemainder?: boolean;
  /** Image augmentation, seeded by the feed's seed, the epoch and the batch index. */
  augment?: AugmentOptions;
}

/** The part of a MessagePort the source uses (a real port, or a stand-in in tests). */
export interface FeedPort {
  postMessage(msg: FeedToUi): void;
  addEventListener(type: 'message', fn: (ev: MessageEvent<FeedToWorker>) => void): void;
  start?(): void;
  close(): void;
}

interface Shard {
  count: number;
  x: InputArray;
  y: Int32Array;
}

function view(dtype: InputDtype, buffer: ArrayBuffer): InputArray {
  if (dtype === 'uint8') return new Uint8Array(buffer);
  return dtype === 'int32' ? new Int32Array(buffer) : new Float32Array(buffer);
}

function alloc(dtype: InputDtype, length: number): InputArray {
  if (dtype === 'uint8') return new Uint8Array(length);
  return dtype === 'int32' ? new Int32Array(length) : new Float32Array(length);
}

/** Turns the shards a feed receives into batches; see FeedPlan for whole vs streamed splits. */
export class BatchSource {
  private readonly waiting = new Map<string, { resolve(s: Shard): void; reject(e: Error): void; promise: Promise<Shard> }>();
  private readonly size: number;
  private closed = false;

  constructor(
    private readonly port: FeedPort,
    readonly plan: FeedPlan,
  ) {
    this.size = sampleSize(plan);
    port.addEventListener('message', (ev) => this.receive(ev.data));
    port.start?.();
  }

  /** Samples in one epoch (the trainer's BatchProvider.count). */
  get count(): number {
    return this.plan.total;
  }

  /** Batches in one epoch for a batch size. */
  batchesPerEpoch(batchSize: number, dropRemainder = false): number {
    const n = this.plan.total / batchSize;
    return dropRemainder ? Math.floor(n) : Math.ceil(n);
  }

  /** Yields the batches of one epoch; every sample of the split appears exactly once. */
  async *epoch(epoch: number, opts: BatchOptions): AsyncGenerator<Batch> {
    const { batchSize } = opts;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`Batch size must be a positive integer, not ${batchSize}`);
    const dtype = this.plan.dtype;
    const augment = this.plan.kind === 'image' && isAugmenting(opts.augment) ? opts.augment : undefined;
    const [h = 1, w = 1, c = 1] = this.plan.sampleShape;
    let index = 0;
    let filled = 0;
    let x = alloc(dtype, batchSize * this.size);
    let y = new Int32Array(batchSize);
    const emit = (n: number): Batch => {
      let bx: InputArray = n === batchSize ? x : x.slice(0, n * this.size);
      if (augment) bx = augmentBatch(bx as Uint8Array, n, { h, w, c }, augment, augmentSeed(this.plan.seed, epoch, index));
      const batch = { x: bx, y: n === batchSize ? y : y.slice(0, n), size: n, shape: [n, ...this.plan.sampleShape], epoch, index: index++ };
      x = alloc(dtype, batchSize * this.size);
      y = new Int32Array(batchSize);
      filled = 0;
      return batch;
    };

    for (let k = 0; k < this.plan.shardCount; k++) {
      const shard = await this.shard(epoch, k);
      // Ask for the next shard now, so it travels while this one is consumed.
      if (!this.plan.whole && k + 1 < this.plan.shardCount) void this.shard(epoch, k + 1).catch(() => undefined);
      const order = this.order(shard, epoch);
      let at = 0;
      while (at < shard.count) {
        const take = Math.min(batchSize - filled, shard.count - at);
        if (order) {
          for (let i = 0; i < take; i++) {
            const s = order[at + i]!;
            x.set(shard.x.subarray(s * this.size, (s + 1) * this.size), (filled + i) * this.size);
            y[filled + i] = shard.y[s]!;
          }
        } else {
          x.set(shard.x.subarray(at * this.size, (at + take) * this.size), filled * this.size);
          y.set(shard.y.subarray(at, at + take), filled);
        }
        at += take;
        filled += take;
        if (filled === batchSize) yield emit(batchSize);
      }
      if (!this.plan.whole) this.waiting.delete(`${epoch}:${k}`);
    }
    if (filled > 0 && !opts.dropRemainder) yield emit(filled);
  }

  /** Stops the feed: pending shard requests fail and the port closes. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiting.values()) w.reject(new Error('The data feed was closed'));
    this.waiting.clear();
    this.port.close();
  }

  // A whole split is reordered here each epoch; streamed shards come shuffled from main.
  private order(shard: Shard, epoch: number): Uint32Array | null {
    if (!this.plan.whole || !this.plan.shuffle) return null;
    const order = new Uint32Array(shard.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    return shuffledEpoch(order, this.plan.seed, epoch);
  }

  private shard(epoch: number, shard: number): Promise<Shard> {
    if (this.closed) return Promise.reject(new Error('The data feed was closed'));
    // A whole split is one shard fetched once and kept for every epoch.
    const e = this.plan.whole ? 0 : epoch;
    const key = `${e}:${shard}`;
    let w = this.waiting.get(key);
    if (!w) {
      let resolve!: (s: Shard) => void;
      let reject!: (e: Error) => void;
      const promise = new Promise<Shard>((res, rej) => ((resolve = res), (reject = rej)));
      w = { resolve, reject, promise };
      this.waiting.set(key, w);
      this.port.postMessage({ type: 'want', epoch: e, shard });
    }
    return w.promise;
  }

  private receive(msg: FeedToWorker): void {
    const w = this.waiting.get(`${msg.epoch}:${msg.shard}`);
    if (!w) return;
    if (msg.type === 'error') {
      this.waiting.delete(`${msg.epoch}:${msg.shard}`);
      w.reject(Object.assign(new Error(msg.message), { code: msg.code }));
      return;
    }
    w.resolve({ count: msg.count, x: view(this.plan.dtype, msg.x), y: new Int32Array(msg.y) });
  }
}
