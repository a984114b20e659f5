import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetManifest } from '../../src-shared/datasets/schema';
import { createRng, deriveSeed, shuffleInPlace } from '../../src-shared/random';
import { BatchSource, type Batch, type FeedPort } from '../../src-renderer/ml/batch-source';
import { FeedServer, planFeed, type ServerPort, type ShardReader } from '../../src-renderer/ml/data-feed';
import { mnistManifest } from './dataset-fixtures';

/** A tiny image dataset of `n` 2x2 grayscale samples in train; sample i has pixels i and label i % 3. */
function manifest(n: number): DatasetManifest {
  const m = mnistManifest({ id: 'ds-tiny0001', input: { kind: 'image', height: 2, width: 2, channels: 1, dtype: 'uint8' } });
  m.splits = { ...m.splits, train: { count: n, classCounts: [] } };
  m.split = { ...m.split, seed: 11 };
  return m;
}

/** Plays main's dataset:readShard over a split of `n` samples (values = sample index mod 256). */
function reader(n: number, log: unknown[] = []): ShardReader {
  return async (req) => {
    log.push({ shard: req.shard, epoch: req.epoch, order: req.order });
    const order = Uint32Array.from({ length: n }, (_, i) => i);
    if (req.order === 'shuffled') shuffleInPlace(order, createRng(deriveSeed(req.seed ?? 0, req.epoch ?? 0)));
    const from = req.shard * req.shardSize;
    const ids = Array.from(order.subarray(from, Math.min(n, from + req.shardSize)));
    const x = new Uint8Array(ids.length * 4);
    ids.forEach((id, i) => x.fill(id % 256, i * 4, i * 4 + 4));
    const y = new Int32Array(ids.map((id) => id % 3));
    return { count: ids.length, total: n, x, y: new Uint8Array(y.buffer) };
  };
}

const open: { close(): void }[] = [];
afterEach(() => open.splice(0).forEach((p) => p.close()));

function connect(n: number, opts: { memoryBudget?: number; shardBytes?: number; shuffle?: boolean } = {}) {
  const plan = planFeed(manifest(n), { split: 'train', ...opts });
  const channel = new MessageChannel();
  const log: unknown[] = [];
  const server = new FeedServer(channel.port1 as unknown as ServerPort, plan, reader(n, log));
  const source = new BatchSource(channel.port2 as unknown as FeedPort, plan);
  open.push(server, source);
  return { plan, server, source, log };
}

async function collect(it: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

function ids(batches: Batch[]): number[] {
  return batches.flatMap((b) => Array.from({ length: b.size }, (_, i) => b.x[i * 4]!));
}

describe('batch source over a MessagePort', () => {
  it('sends a split that fits the budget whole, once, and covers each epoch exactly once', async () => {
    const { plan, source, log } = connect(100);
    expect(plan).toMatchObject({ whole: true, shardCount: 1, shardSize: 100, dtype: 'uint8', sampleShape: [2, 2, 1] });
    const e0 = await collect(source.epoch(0, { batchSize: 32 }));
    expect(e0.map((b) => b.size)).toEqual([32, 32, 32, 4]);
    expect(e0[0]!.shape).toEqual([32, 2, 2, 1]);
    expect(e0[0]!.x).toBeInstanceOf(Uint8Array);
    expect(e0[0]!.y).toBeInstanceOf(Int32Array);
    expect([...ids(e0)].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // Labels travel with their samples.
    for (const b of e0) for (let i = 0; i < b.size; i++) expect(b.y[i]).toBe(b.x[i * 4]! % 3);

    const e1 = await collect(source.epoch(1, { batchSize: 32 }));
    expect(ids(e1)).not.toEqual(ids(e0));
    expect(log).toEqual([{ shard: 0, epoch: 0, order: 'sequential' }]);
  });

  it('gives the same order for the same seed and epoch', async () => {
    const a = connect(50);
    const b = connect(50);
    expect(ids(await collect(a.source.epoch(3, { batchSize: 8 })))).toEqual(ids(await collect(b.source.epoch(3, { batchSize: 8 }))));
  });

  it('streams a large split in shuffled shards, batches across shard edges, and can drop the remainder', async () => {
    // 8 bytes per sample with the label; 80 bytes per shard = 10 samples.
    const { plan, source, log } = connect(95, { memoryBudget: 500, shardBytes: 80 });
    expect(plan).toMatchObject({ whole: false, shardSize: 10, shardCount: 10 });
    const batches = await collect(source.epoch(0, { batchSize: 16 }));
    expect(batches.map((b) => b.size)).toEqual([16, 16, 16, 16, 16, 15]);
    expect([...ids(batches)].sort((a, b) => a - b)).toEqual(Array.from({ length: 95 }, (_, i) => i));
    const order = Uint32Array.from({ length: 95 }, (_, i) => i);
    expect(ids(batches)).toEqual(Array.from(shuffleInPlace(order, createRng(deriveSeed(11, 0)))));
    expect(log.filter((l) => (l as { epoch: number }).epoch === 0)).toHaveLength(10);
    expect(log.every((l) => (l as { order: string }).order === 'shuffled')).toBe(true);

    const dropped = await collect(source.epoch(1, { batchSize: 16, dropRemainder: true }));
    expect(dropped.map((b) => b.size)).toEqual([16, 16, 16, 16, 16]);
    expect(source.batchesPerEpoch(16, true)).toBe(5);
  });

  it('transfers the shard bytes instead of copying them', async () => {
    const plan = planFeed(manifest(10), { split: 'train' });
    const channel = new MessageChannel();
    const shard = await reader(10)({ id: 'ds-tiny0001', split: 'train', shard: 0, shardSize: 10, order: 'sequential' });
    const server = new FeedServer(channel.port1 as unknown as ServerPort, plan, async () => shard);
    const source = new BatchSource(channel.port2 as unknown as FeedPort, plan);
    open.push(server, source);
    await collect(source.epoch(0, { batchSize: 10 }));
    expect(shard.x.byteLength).toBe(0); // detached: the buffer moved to the other port
    expect(server.sent).toEqual({ shards: 1, bytes: 40 + 40 });
  });

  it('fails the epoch with the reader\'s error', async () => {
    const plan = planFeed(manifest(10), { split: 'train' });
    const channel = new MessageChannel();
    const server = new FeedServer(channel.port1 as unknown as ServerPort, plan, async () => {
      throw new Error('disk gone');
    });
    const source = new BatchSource(channel.port2 as unknown as FeedPort, plan);
    open.push(server, source);
    await expect(collect(source.epoch(0, { batchSize: 4 }))).rejects.toThrow('disk gone');
  });

  it('augments image batches reproducibly from the feed seed', async () => {
    const a = connect(20);
    const b = connect(20);
    const opts = { batchSize: 20, augment: { noiseStd: 30 } };
    const [ba] = await collect(a.source.epoch(0, opts));
    const [bb] = await collect(b.source.epoch(0, opts));
    expect(ba!.x).toEqual(bb!.x);
    const [plain] = await collect(a.source.epoch(0, { batchSize: 20 }));
    expect(ba!.x).not.toEqual(plain!.x);
  });
});
