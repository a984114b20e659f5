import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../src-shared/errors';
import type { ImportSource } from '../../../src-shared/datasets/schema';
import type { JobSnapshot } from '../../../src-shared/ipc/contract';
import { acrossClasses, DatasetService } from '../../../src-main/datasets/dataset-service';
import type { ImportContext, RawDataset } from '../../../src-main/datasets/raw-dataset';
import { useStudios } from '../services/studio-fixture';
import { useTempDirs } from '../services/temp-dir';
import { rawImages, rawIndexed, rawTexts, shardIndices } from './dataset-fixtures';

const tempDir = useTempDirs();
const startStudio = useStudios();
const CLIENT = 'ws:1';
const mnist: ImportSource = { type: 'sample', sample: 'mnist' };

/** A studio with a project open for CLIENT and a dataset service whose importer is `importer`. */
async function setup(importer: (source: ImportSource, ctx: ImportContext) => Promise<RawDataset>) {
  const root = await tempDir();
  const { studio, seen } = await startStudio(root);
  const view = await studio.projects.create('P', root, CLIENT);
  const service = new DatasetService({ projects: studio.projects, jobs: studio.jobs, importDataset: importer });
  return { root, studio, seen, view, service };
}

const jobEvents = (seen: { event: string; payload: unknown }[], id: string) =>
  seen.filter((e) => e.event === 'job:updated' && (e.payload as JobSnapshot).id === id).map((e) => e.payload as JobSnapshot);

describe('DatasetService', () => {
  it('imports as a job with progress and adds the dataset to the project only when done', async () => {
    const { studio, seen, view, service } = await setup(async (_s, ctx) => {
      ctx.report(0.5, 'half');
      await new Promise((r) => setTimeout(r, 150));
      return rawImages();
    });
    const job = service.startImport(CLIENT, { source: mnist });
    expect(studio.projects.current(CLIENT)!.manifest.datasets).toEqual([]);
    const manifest = await job.done;
    const events = jobEvents(seen, job.id);
    expect(events[0]).toMatchObject({ kind: 'dataset:import', status: 'running' });
    expect(events.some((e) => e.progress === 0.4 && e.message === 'half')).toBe(true);
    expect(events.at(-1)).toMatchObject({ status: 'done', progress: 1 });
    expect(manifest.name).toBe('MNIST');
    const entry = studio.projects.current(CLIENT)!.manifest.datasets[0];
    expect(entry).toMatchObject({ id: manifest.id, name: 'MNIST', dir: `datasets/${manifest.id}`, kind: 'image', count: 100 });
    expect(seen.some((e) => e.event === 'project:changed' && (e.payload as typeof view).manifest.datasets.length === 1)).toBe(true);
    expect(await readdir(join(view.dir, 'datasets'))).toEqual([manifest.id]);
    expect((await service.list(CLIENT)).map((d) => d.id)).toEqual([manifest.id]);
    const second = await service.startImport(CLIENT, { source: mnist }).done;
    expect(second.name).toBe('MNIST (2)');
  });

  it('a cancelled import leaves no folder and no entry', async () => {
    const { studio, view, service } = await setup(
      (_s, ctx) => new Promise((_r, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
    );
    const job = service.startImport(CLIENT, { source: mnist });
    await new Promise((r) => setTimeout(r, 20));
    const snapshot = await studio.jobs.cancel(job.id);
    expect(snapshot.status).toBe('cancelled');
    await expect(job.done).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await readdir(join(view.dir, 'datasets'))).toEqual([]);
    expect(studio.projects.current(CLIENT)!.manifest.datasets).toEqual([]);
  });

  it('a failed import leaves nothing and reports why', async () => {
    const { studio, view, service } = await setup(async () => {
      throw new StudioError('BAD_REQUEST', 'labels.idx has 9 labels for 10 images');
    });
    const job = service.startImport(CLIENT, { source: { type: 'idx', images: '/x/images.idx', labels: '/x/labels.idx' } });
    await expect(job.done).rejects.toThrow('9 labels for 10 images');
    expect(studio.jobs.get(job.id)).toMatchObject({ status: 'failed', error: { code: 'BAD_REQUEST' } });
    expect(await readdir(join(view.dir, 'datasets'))).toEqual([]);
    expect(studio.projects.current(CLIENT)!.manifest.datasets).toEqual([]);
  });

  it('refuses to work without an open project', async () => {
    const { service } = await setup(async () => rawImages());
    expect(() => service.startImport('ws:other', { source: mnist })).toThrow(expect.objectContaining({ code: 'NO_PROJECT_OPEN' }));
    await expect(service.list('ws:other')).rejects.toMatchObject({ code: 'NO_PROJECT_OPEN' });
  });

  it('removes leftover incoming folders when a project is opened', async () => {
    const { studio, view } = await setup(async () => rawImages());
    await studio.projects.close(CLIENT);
    await mkdir(join(view.dir, 'datasets', '.incoming-ds-crashed1'), { recursive: true });
    await studio.projects.open(view.path, CLIENT);
    expect(await readdir(join(view.dir, 'datasets'))).toEqual([]);
  });

  it('serves shards: sequential in split order, shuffled as a seeded permutation per epoch', async () => {
    const { service } = await setup(async () => rawIndexed(1000));
    const { id, splits } = await service.startImport(CLIENT, { source: mnist, split: { seed: 3, validationFraction: 0.1, testFraction: 0.1 } }).done;
    const total = splits.train.count;
    const read = async (order: 'sequential' | 'shuffled', seed: number, epoch: number, size = 128) => {
      const out: number[] = [];
      for (let shard = 0; ; shard++) {
        const s = await service.readShard(CLIENT, { id, split: 'train', shard, shardSize: size, order, seed, epoch });
        expect(s.total).toBe(total);
        if (s.count === 0) break;
        expect(s.x.byteLength).toBe(s.count * 16);
        const labels = new Int32Array(s.y.slice().buffer);
        shardIndices(s.x).forEach((i, k) => expect(labels[k]).toBe(i % 4));
        out.push(...shardIndices(s.x));
      }
      return out;
    };
    const sequential = await read('sequential', 0, 0);
    expect(sequential).toEqual([...sequential].sort((a, b) => a - b));
    expect(await read('sequential', 0, 0, total)).toEqual(sequential);
    const e0 = await read('shuffled', 5, 0);
    expect([...e0].sort((a, b) => a - b)).toEqual(sequential);
    expect(e0).not.toEqual(sequential);
    expect(await read('shuffled', 5, 1)).not.toEqual(e0);
    expect(await read('shuffled', 5, 0, 1000)).toEqual(e0);
    expect(await read('shuffled', 6, 0)).not.toEqual(e0);
  });

  it('pages samples with a class filter and returns texts for text datasets', async () => {
    const { service } = await setup(async (source) => (source.type === 'sample' && source.sample === 'spam' ? rawTexts() : rawIndexed(200)));
    const images = await service.startImport(CLIENT, { source: mnist }).done;
    const page = await service.samples(CLIENT, { id: images.id, split: 'train', offset: 2, limit: 5, classIndex: 3 });
    expect(page.labels).toEqual([3, 3, 3, 3, 3]);
    expect(shardIndices(page.x)).toEqual(page.indices);
    expect(page.texts).toBeNull();
    const spam = await service.startImport(CLIENT, { source: { type: 'sample', sample: 'spam' } }).done;
    expect(spam.name).toBe('Spam Assassin');
    const texts = await service.samples(CLIENT, { id: spam.id, split: 'test', offset: 0, limit: 512 });
    expect(texts.texts).toHaveLength(spam.splits.test.count);
    texts.indices.forEach((i, k) => expect(texts.texts![k]).toContain(String(i)));
  });

  it('browses an unfiltered split one class after another, so the first page shows every class', async () => {
    const { service } = await setup(async () => rawIndexed(200));
    const ds = await service.startImport(CLIENT, { source: mnist }).done;
    const page = await service.samples(CLIENT, { id: ds.id, split: 'train', offset: 0, limit: 20 });
    const classes = ds.classNames.length;
    expect(new Set(page.labels.slice(0, classes)).size).toBe(classes);
    // Every sample of the split still comes once across the pages.
    const all = await service.samples(CLIENT, { id: ds.id, split: 'train', offset: 0, limit: 512 });
    expect(all.indices).toHaveLength(ds.splits.train.count);
    expect(new Set(all.indices).size).toBe(ds.splits.train.count);
  });

  it('orders a very imbalanced split for browsing in linear time, keeping every sample once', () => {
    const n = 300_000;
    const labels = new Int32Array(n);
    for (let i = 0; i < 999; i++) labels[i] = i + 1; // 999 classes of one sample, one class of the rest
    const order = acrossClasses(Uint32Array.from({ length: n }, (_, i) => i), labels, 1000);
    expect(order.length).toBe(n);
    expect(new Set(order).size).toBe(n);
    expect(new Set([...order.subarray(0, 1000)].map((i) => labels[i])).size).toBe(1000);
  });

  it('re-splits and removes datasets', async () => {
    const { studio, view, service } = await setup(async () => rawImages(200));
    const ds = await service.startImport(CLIENT, { source: mnist }).done;
    const resplit = await service.resplit(CLIENT, ds.id, { seed: 99, validationFraction: 0.2, testFraction: 0.2 });
    expect(resplit.splits.validation.count).toBe(40);
    expect((await service.get(CLIENT, ds.id)).split.seed).toBe(99);
    await service.remove(CLIENT, ds.id);
    expect(studio.projects.current(CLIENT)!.manifest.datasets).toEqual([]);
    expect(await readdir(join(view.dir, 'datasets'))).toEqual([]);
    await expect(service.get(CLIENT, ds.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
