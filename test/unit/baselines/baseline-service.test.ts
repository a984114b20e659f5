/**
 * Baseline runs through the studio's service, as the app starts them: a job in its own process
 * that stores `baselines/<id>/` (checksummed, listed in the project file), the leaderboard,
 * removal, refusals before any work, and Cancel leaving nothing behind.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BaselineMeta } from '../../../src-shared/baselines/baseline-meta';
import type { JobSnapshot } from '../../../src-shared/ipc/contract';
import { createRng } from '../../../src-shared/random';
import type { Studio } from '../../../src-main/container';
import { useStudios } from '../services/studio-fixture';
import { useTempDirs } from '../services/temp-dir';

const tempDir = useTempDirs();
const startStudio = useStudios();
const CLIENT = 'ws:1';

/** Three classes of points in two informative features and `noise` noise ones. */
function blobsCsv(perClass: number, noise = 1): string {
  const rng = createRng(5);
  const normal = () => Math.sqrt(-2 * Math.log(rng() || 1e-12)) * Math.cos(2 * Math.PI * rng());
  const lines = [['a', 'b', ...Array.from({ length: noise }, (_, i) => `noise${i}`), 'label'].join(',')];
  [[0, 0], [6, 0], [0, 6]].forEach(([cx, cy], c) => {
    for (let i = 0; i < perClass; i++) lines.push([cx! + normal(), cy! + normal(), ...Array.from({ length: noise }, normal)].map((v) => v.toFixed(3)).join(',') + `,c${c}`);
  });
  return `${lines.join('\n')}\n`;
}

async function projectWithCsv(csv: string, split?: { validationFraction: number; testFraction: number }) {
  const root = await tempDir();
  const { studio } = await startStudio(root);
  const view = await studio.projects.create('P', root, CLIENT);
  await writeFile(join(root, 'data.csv'), csv);
  const dataset = await studio.datasets.startImport(CLIENT, { source: { type: 'csv', path: join(root, 'data.csv'), labelColumn: 'label' }, name: 'blobs', ...(split ? { split } : {}) }).done;
  return { studio, dir: view.dir, dataset };
}

/** Waits until a job has ended and returns its last snapshot. */
async function ended(studio: Studio, jobId: string): Promise<JobSnapshot> {
  for (;;) {
    const job = studio.jobs.get(jobId);
    if (job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('baseline runs in the app', () => {
  it('fits in a job, stores baselines/<id>/ with checksums, lists it and puts it on the leaderboard; removal takes it away', { timeout: 120_000 }, async () => {
    const { studio, dir, dataset } = await projectWithCsv(blobsCsv(60));
    const progress: number[] = [];
    studio.events.connect((event, payload) => {
      if (event === 'job:updated' && (payload as JobSnapshot).kind === 'baseline' && (payload as JobSnapshot).progress !== null) progress.push((payload as JobSnapshot).progress!);
    });
    const { jobId, baselineId } = await studio.baselines.start(CLIENT, { datasetId: dataset.id, models: ['lr', 'knn', 'nb'], name: 'Blobs baselines' });
    const job = await ended(studio, jobId);
    expect(job.status, job.error?.message).toBe('done');
    expect(progress.at(-1)).toBe(1);

    const folder = join(dir, 'baselines', baselineId);
    expect((await readdir(folder)).sort()).toEqual(['baseline.json', 'features.json', 'knn.json', 'lr.json', 'nb.json']);
    const meta = BaselineMeta.parse(JSON.parse(await readFile(join(folder, 'baseline.json'), 'utf8')));
    expect(meta).toMatchObject({ name: 'Blobs baselines', datasetId: dataset.id, features: { kind: 'tabular', features: 3 }, testSamples: dataset.splits.test.count });
    for (const r of meta.results) {
      expect(r.accuracy, r.model).toBeGreaterThan(0.9);
      // The size shown is the file's, as written.
      expect(r.sizeBytes).toBe((await readFile(join(folder, r.file))).length);
      expect(meta.files[r.file]!.bytes).toBe(r.sizeBytes);
    }
    expect(meta.results.find((r) => r.model === 'knn')!.settings).toEqual({ k: 5 });
    const project = JSON.parse(await readFile(join(dir, 'P.mstudio'), 'utf8')) as { baselines: { id: string; dir: string; datasetId: string }[] };
    expect(project.baselines).toEqual([expect.objectContaining({ id: baselineId, dir: `baselines/${baselineId}`, datasetId: dataset.id })]);

    expect(await studio.baselines.list(CLIENT, dataset.id)).toEqual([{ meta, damaged: null, stale: false }]);
    expect(meta.split).toEqual({ seed: 42, validationFraction: 0.1, testFraction: 0.1, counts: [dataset.splits.train.count, dataset.splits.validation.count, dataset.splits.test.count] });
    const board = await studio.handlers['baseline:leaderboard']({ datasetId: dataset.id }, { clientId: CLIENT });
    expect(board.map((r) => r.model)).toHaveLength(3);
    expect(board.every((r) => r.kind === 'baseline' && r.sourceId === baselineId)).toBe(true);
    expect(board.map((r) => r.accuracy)).toEqual([...board.map((r) => r.accuracy)].sort((a, b) => b - a));

    // After a re-split the run was scored on other samples: stale, and off the leaderboard.
    await studio.datasets.resplit(CLIENT, dataset.id, { seed: 7, validationFraction: 0.1, testFraction: 0.1 });
    expect((await studio.baselines.list(CLIENT, dataset.id))[0]!.stale).toBe(true);
    expect(await studio.handlers['baseline:leaderboard']({ datasetId: dataset.id }, { clientId: CLIENT })).toEqual([]);
    await studio.datasets.resplit(CLIENT, dataset.id, { seed: 42, validationFraction: 0.1, testFraction: 0.1 });
    expect((await studio.baselines.list(CLIENT, dataset.id))[0]!.stale).toBe(false);

    // A changed file is reported, not trusted, and leaves the leaderboard.
    await writeFile(join(folder, 'nb.json'), '{"kind":"gaussian-nb"}');
    expect((await studio.baselines.list(CLIENT, dataset.id))[0]!.damaged).toMatch(/^nb\.json has \d+ bytes where baseline\.json says \d+$/);
    expect(await studio.handlers['baseline:leaderboard']({ datasetId: dataset.id }, { clientId: CLIENT })).toEqual([]);

    await studio.baselines.remove(CLIENT, baselineId);
    expect(await readdir(join(dir, 'baselines'))).toEqual([]);
    expect(studio.projects.current(CLIENT)!.manifest.baselines).toEqual([]);

    // Removing the dataset removes its baselines too.
    const again = await studio.baselines.start(CLIENT, { datasetId: dataset.id, models: ['nb'] });
    expect((await ended(studio, again.jobId)).status).toBe('done');
    expect(await readdir(join(dir, 'baselines'))).toEqual([again.baselineId]);
    await studio.datasets.remove(CLIENT, dataset.id);
    expect(await readdir(join(dir, 'baselines'))).toEqual([]);
    expect(studio.projects.current(CLIENT)!.manifest.baselines).toEqual([]);
  });

  // (A dataset of one class is refused by its import already.)
  it('refuses before any work: no test split, no validation split for a search, an unknown dataset', async () => {
    const noTest = await projectWithCsv(blobsCsv(40), { validationFraction: 0.2, testFraction: 0 });
    await expect(noTest.studio.baselines.start(CLIENT, { datasetId: noTest.dataset.id })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'blobs has no test samples to score the baselines on: re-split it with a test share.' });
    const noVal = await projectWithCsv(blobsCsv(40), { validationFraction: 0, testFraction: 0.2 });
    await expect(noVal.studio.baselines.start(CLIENT, { datasetId: noVal.dataset.id, search: true })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^blobs has no validation samples, which a grid search scores its settings on/) });
    await expect(noVal.studio.baselines.start(CLIENT, { datasetId: 'ds-nothere1' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(noVal.studio.jobs.list(CLIENT).filter((j) => j.kind === 'baseline')).toEqual([]);
  });

  it('searches the grid on the validation split and keeps the best setting', { timeout: 120_000 }, async () => {
    const { studio, dataset } = await projectWithCsv(blobsCsv(60));
    const { jobId, baselineId } = await studio.baselines.start(CLIENT, { datasetId: dataset.id, models: ['knn'], search: true });
    expect((await ended(studio, jobId)).status).toBe('done');
    const [{ meta }] = (await studio.baselines.list(CLIENT)) as [{ meta: BaselineMeta }, ...unknown[]];
    expect(meta.id).toBe(baselineId);
    const knn = meta.results[0]!;
    expect(knn.search!.map((s) => s.settings.k)).toEqual([5, 1, 3, 7, 11]);
    const bestVal = Math.max(...knn.search!.map((s) => s.valAccuracy));
    expect(knn.search!.find((s) => s.settings.k === knn.settings.k)!.valAccuracy).toBe(bestVal);
  });

  it('cancelled: the process ends, the job says cancelled, and nothing is written or listed', { timeout: 120_000 }, async () => {
    // Enough rows and trees that the forest takes seconds; cancelled once it is fitting.
    const { studio, dir, dataset } = await projectWithCsv(blobsCsv(1500, 12));
    const { jobId } = await studio.baselines.start(CLIENT, { datasetId: dataset.id, models: ['forest'], settings: { forest: { trees: 1000, maxDepth: null } } });
    while (!studio.jobs.get(jobId).message.startsWith('Fitting')) await new Promise((r) => setTimeout(r, 20));
    expect(studio.jobs.get(jobId).status).toBe('running');
    const t0 = Date.now();
    await studio.jobs.cancel(jobId, CLIENT);
    const job = await ended(studio, jobId);
    expect(job.status).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await readdir(join(dir, 'baselines')).catch(() => [])).toEqual([]);
    expect(studio.projects.current(CLIENT)!.manifest.baselines).toEqual([]);
  });
});
