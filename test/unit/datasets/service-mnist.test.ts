import { describe, expect, it } from 'vitest';
import { useStudios } from '../services/studio-fixture';
import { useTempDirs } from '../services/temp-dir';

const tempDir = useTempDirs();
const startStudio = useStudios();

describe('DatasetService with the real MNIST sample', () => {
  it('imports MNIST with its own test set and serves whole splits and shards', async () => {
    const root = await tempDir();
    const { studio } = await startStudio(root);
    await studio.projects.create('Digits', root, 'ws:1');
    const m = await studio.datasets.startImport('ws:1', { source: { type: 'sample', sample: 'mnist' } }).done;
    expect(m).toMatchObject({ name: 'MNIST', kind: 'image', count: 70_000, input: { kind: 'image', height: 28, width: 28, channels: 1 } });
    expect(m.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect([m.splits.train.count, m.splits.validation.count, m.splits.test.count]).toEqual([54_000, 6_000, 10_000]);
    expect(m.split.testFromSource).toBe(true);
    // MNIST's test set has 980 zeros and 1,135 ones.
    expect(m.splits.test.classCounts.slice(0, 2)).toEqual([980, 1135]);

    const whole = await studio.datasets.readShard('ws:1', { id: m.id, split: 'test', shard: 0, shardSize: 1 << 20, order: 'sequential', seed: 0, epoch: 0 });
    expect(whole.count).toBe(10_000);
    expect(whole.x.byteLength).toBe(10_000 * 784);
    // The first MNIST test digit is a 7.
    expect(new Int32Array(whole.y.slice().buffer)[0]).toBe(7);
    const shard = await studio.datasets.readShard('ws:1', { id: m.id, split: 'test', shard: 2, shardSize: 4096, order: 'sequential', seed: 0, epoch: 0 });
    expect(shard.count).toBe(10_000 - 2 * 4096);
    expect(Buffer.from(shard.x).equals(Buffer.from(whole.x.subarray(2 * 4096 * 784)))).toBe(true);
    const past = await studio.datasets.readShard('ws:1', { id: m.id, split: 'test', shard: 3, shardSize: 4096, order: 'sequential', seed: 0, epoch: 0 });
    expect(past).toMatchObject({ count: 0, total: 10_000 });
  }, 60_000);
});
