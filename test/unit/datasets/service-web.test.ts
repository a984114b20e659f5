import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../../src-main/web-host/server';
import { connectWs } from '../../../bench/ws-client';
import type { Result } from '../../../src-shared/errors';

let work: string;

/** The value of a successful Result; a failed one fails the test with its message. */
function value(r: Result<any>): any {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
let host: WebHost;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ms-web-ds-'));
  host = await startWebHost({ dataDir: join(work, 'data'), rendererDir: join(work, 'renderer'), appVersion: '9.8.7' });
});

afterAll(async () => {
  await host?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('web host: dataset bytes', () => {
  it('sends samples and shards as one binary frame whose bytes arrive intact', async () => {
    const client = await connectWs(host.origin, host.token);
    expect((await client.invoke('project:create', { name: 'Names', parentDir: work })).ok).toBe(true);
    const started = value(await client.invoke('dataset:import', { source: { type: 'sample', sample: 'names' } }));
    const done = (await client.waitForEvent('job:updated', (j) => j.id === started.jobId && j.status !== 'running')) as { status: string };
    expect(done.status).toBe('done');
    const [ds] = value(await client.invoke('dataset:list')) as { id: string }[];

    const page = { value: value(await client.invoke('dataset:samples', { id: ds!.id, split: 'train', offset: 0, limit: 64 })) };
    const direct = await host.studio.datasets.samples('ws:1', { id: ds!.id, split: 'train', offset: 0, limit: 64 });
    expect(page.value.x).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(page.value.x).equals(Buffer.from(direct.x))).toBe(true);
    expect(page.value.labels).toEqual(direct.labels);
    expect(page.value.texts).toEqual(direct.texts);

    const before = client.binaryBytes();
    const shard = { value: value(await client.invoke('dataset:readShard', { id: ds!.id, split: 'train', shard: 0, shardSize: 1 << 20, order: 'shuffled', seed: 1, epoch: 0 })) };
    const same = await host.studio.datasets.readShard('ws:1', { id: ds!.id, split: 'train', shard: 0, shardSize: 1 << 20, order: 'shuffled', seed: 1, epoch: 0 });
    expect(shard.value.count).toBe(same.count);
    expect(Buffer.from(shard.value.y).equals(Buffer.from(same.y))).toBe(true);
    expect(Buffer.from(shard.value.x).equals(Buffer.from(same.x))).toBe(true);
    // Raw bytes, not JSON arrays: the frame is little more than the data itself.
    expect(client.binaryBytes() - before).toBeLessThan(same.x.byteLength + same.y.byteLength + 1024);
    client.close();
  }, 60_000);
});
