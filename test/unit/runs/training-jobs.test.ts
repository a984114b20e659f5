/**
 * Training runs are jobs: a run that trains is listed by job:list with its progress, counted
 * with the other running jobs, follows pause and the run's end, and job:cancel stops it — the
 * app's run through a run:stopRequested event to its window, the CLI's trainer directly, which
 * then writes its stop checkpoint.
 */
import { describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../../src-shared/ipc/contract';
import { trainHeadless } from '../../../src-main/training/headless';
import { CLIENT, HYPER, mlpSpec, record, useTrainingProject } from './training-fixtures';
import { useStudios } from '../services/studio-fixture';
import { useTempDirs } from '../services/temp-dir';
import { say } from '../../../src-shared/messages/message';

const trainingProject = useTrainingProject();
const tempDir = useTempDirs();
const startStudio = useStudios();

async function until<T>(what: string, get: () => T | undefined | null | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('training jobs (the app: the worker trains, main records)', () => {
  it('lists a new run as a running train job whose progress follows the recorded metrics, and ends it with the run', async () => {
    const { ok } = await trainingProject();
    const run = await ok('run:create', { spec: mlpSpec(), datasetId: 'ds-abcd1234', hyper: { ...HYPER, epochs: 2 } });
    const jobs: JobSnapshot[] = await ok('job:list', {});
    const job = jobs.find((j) => j.kind === 'train');
    expect(job).toMatchObject({ status: 'running', title: `Training ${run.name}` });

    await ok('run:appendMetrics', { runId: run.id, records: [record('epoch', 0, 10)] });
    await new Promise((r) => setTimeout(r, 150)); // progress events are debounced
    const half = (await ok('job:list', {})).find((j: JobSnapshot) => j.id === job!.id);
    expect(half.progress).toBeCloseTo(0.5, 5);
    expect(half.message).toBe('Epoch 1 of 2');

    await ok('run:update', { runId: run.id, status: 'paused' });
    await new Promise((r) => setTimeout(r, 150));
    expect((await ok('job:list', {})).find((j: JobSnapshot) => j.id === job!.id).message).toBe('Paused');

    await ok('run:update', { runId: run.id, status: 'completed' });
    const after: JobSnapshot = (await ok('job:list', {})).find((j: JobSnapshot) => j.id === job!.id);
    expect(after).toMatchObject({ status: 'done', progress: 1 });
  });

  it('ends the job as failed, with the run\'s error, when the run fails', async () => {
    const { ok } = await trainingProject();
    const run = await ok('run:create', { spec: mlpSpec(), datasetId: 'ds-abcd1234', hyper: HYPER });
    await ok('run:update', { runId: run.id, status: 'failed', error: 'Training ran out of memory on wasm (batches of 4).' });
    const job: JobSnapshot = (await ok('job:list', {})).find((j: JobSnapshot) => j.kind === 'train');
    expect(job).toMatchObject({ status: 'failed', error: { code: 'TRAINING_FAILED', message: 'Training ran out of memory on wasm (batches of 4).' } });
  });

  it('keeps the key of a failure said by key, in the run record and the failed job', async () => {
    const { ok } = await trainingProject();
    const run = await ok('run:create', { spec: mlpSpec(), datasetId: 'ds-abcd1234', hyper: HYPER });
    const error = say('training.outOfMemory', { backend: 'wasm', batch: 4, slice: 4, raw: 'Aborted()' });
    expect((await ok('run:update', { runId: run.id, status: 'failed', error })).error).toEqual(error);
    expect((await ok('run:get', { runId: run.id })).run.error).toEqual(error);
    const job: JobSnapshot = (await ok('job:list', {})).find((j: JobSnapshot) => j.kind === 'train');
    expect(job).toMatchObject({ status: 'failed', error: { code: 'TRAINING_FAILED', message: error.text, said: error } });
  });

  it('job:cancel asks the run\'s window to stop it and ends cancelled once the run has stopped', async () => {
    const { ok, seen } = await trainingProject();
    const run = await ok('run:create', { spec: mlpSpec(), datasetId: 'ds-abcd1234', hyper: HYPER });
    const job: JobSnapshot = (await ok('job:list', {})).find((j: JobSnapshot) => j.kind === 'train');
    const cancelled = ok('job:cancel', { id: job.id });
    // Only the window that trains it is asked.
    await until('run:stopRequested', () => seen.find((e) => e.event === 'run:stopRequested'));
    expect(seen.filter((e) => e.event === 'run:stopRequested')).toEqual([{ event: 'run:stopRequested', payload: { runId: run.id }, clientId: CLIENT }]);
    // The job waits for the trainer's stop (its stop checkpoint), not a fixed few seconds.
    await new Promise((r) => setTimeout(r, 100));
    expect((await ok('job:list', {})).find((j: JobSnapshot) => j.id === job.id).status).toBe('running');
    await ok('run:update', { runId: run.id, status: 'stopped' });
    expect(await cancelled).toMatchObject({ id: job.id, status: 'cancelled' });
  });
});

describe('training jobs when their window goes', () => {
  it('ends the job at once when the project closes, without asking the window to stop, and the reopened project shows the run stopped', async () => {
    const { ok, seen, studio, root } = await trainingProject();
    const run = await ok('run:create', { spec: mlpSpec(), datasetId: 'ds-abcd1234', hyper: HYPER });
    const job: JobSnapshot = (await ok('job:list', {})).find((j: JobSnapshot) => j.kind === 'train');
    const t0 = Date.now();
    await ok('project:close', {});
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(studio.jobs.get(job.id).status).toBe('cancelled');
    expect(seen.some((e) => e.event === 'run:stopRequested')).toBe(false);
    await studio.projects.open(`${root}/P/P.mstudio`, CLIENT);
    expect((await studio.runs.list(CLIENT)).find((r) => r.id === run.id)).toMatchObject({ status: 'stopped', error: { key: 'training.interruptedEarly', text: expect.stringMatching(/^Interrupted/) } });
  });
});

describe('training jobs (the CLI: trainHeadless)', () => {
  it('shows a headless run as a job, and job:cancel stops it after its batch with a stop checkpoint', async () => {
    const root = await tempDir();
    const { studio } = await startStudio(root);
    await studio.projects.create('P', root, 'cli');
    const mnist = await studio.datasets.startImport('cli', { source: { type: 'sample', sample: 'mnist' } }).done;
    const seenJobs: JobSnapshot[] = [];
    const training = trainHeadless(
      studio,
      'cli',
      { dataset: mnist.id, model: 'seed-cnn', epochs: 50, batchSize: 32, limit: 2000, backend: 'cpu' },
      {
        batch: () => {
          const job = studio.jobs.list('cli').find((j) => j.kind === 'train');
          if (job && seenJobs.length === 0) {
            seenJobs.push(job);
            void studio.jobs.cancel(job.id, 'cli');
          }
        },
      },
    );
    const result = await training;
    expect(seenJobs[0]).toMatchObject({ status: 'running', title: expect.stringMatching(/^Training /) });
    expect(result.status).toBe('stopped');
    const checkpoints = await studio.checkpoints.list('cli', result.runId);
    expect(checkpoints.at(-1)).toMatchObject({ kind: 'stop', epoch: 0 });
    const job = await until('the job to end', () => studio.jobs.list('cli').find((j) => j.id === seenJobs[0]!.id && j.status !== 'running'));
    expect(job.status).toBe('cancelled');
    expect((await studio.runs.list('cli')).find((r) => r.id === result.runId)?.status).toBe('stopped');
  });
});
