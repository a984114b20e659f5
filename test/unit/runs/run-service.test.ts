import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { downsample } from '../../../src-main/runs/metrics-file';
import { MetricRecord } from '../../../src-shared/runs/metrics';
import { CLIENT, DATASET_ID, HYPER, mlpCheckpoint, mlpSpec, record, useTrainingProject } from './training-fixtures';
import { textOf, type Said } from '../../../src-shared/messages/message';

const setup = useTrainingProject();

async function withRun() {
  const ctx = await setup();
  const model = await ctx.ok('model:create', { name: 'M', spec: mlpSpec() });
  const run = await ctx.ok('run:create', { modelId: model.id, datasetId: DATASET_ID, hyper: HYPER });
  return { ...ctx, model, run, metricsPath: join(ctx.dir, 'runs', run.id, 'metrics.jsonl') };
}

describe('runs', () => {
  it('creates a run with a spec snapshot, defaults and a project entry', async () => {
    const { run, model, studio, dir, ok } = await withRun();
    expect(run.id).toMatch(/^rn-[a-z0-9]{8}$/);
    expect(run).toMatchObject({ name: 'Run 1', modelId: model.id, datasetId: DATASET_ID, status: 'running', endedAt: null, resumedFrom: null });
    expect(run.spec).toEqual(model.spec);
    expect(run.hyper).toMatchObject({ momentum: 0, schedule: { type: 'constant' }, warmup: 0, earlyStopping: null, augmentation: null, limit: null });
    expect(JSON.parse(await readFile(join(dir, 'runs', run.id, 'run.json'), 'utf8'))).toEqual(run);
    expect(studio.projects.current(CLIENT)!.manifest.runs[0]).toMatchObject({ id: run.id, dir: `runs/${run.id}`, modelId: model.id, status: 'running' });
    // Editing the model later does not change the run's snapshot.
    await ok('model:update', { id: model.id, spec: mlpSpec({ layers: [{ type: 'dense', units: 2, activation: 'softmax' }] }) });
    expect((await ok('run:get', { runId: run.id })).run.spec.layers).toHaveLength(2);
    expect((await ok('run:create', { spec: mlpSpec(), datasetId: DATASET_ID, hyper: HYPER })).name).toBe('Run 2');
    // The app gives its language's pattern; main still picks the first free number.
    expect((await ok('run:create', { spec: mlpSpec(), datasetId: DATASET_ID, hyper: HYPER, defaultName: '运行 {n}' })).name).toBe('运行 3');
    await ok('run:create', { spec: mlpSpec(), datasetId: DATASET_ID, hyper: HYPER, name: '运行 5' });
    expect((await ok('run:create', { spec: mlpSpec(), datasetId: DATASET_ID, hyper: HYPER, defaultName: '运行 {n}' })).name).toBe('运行 6');
  });

  it('appends metrics, keeps a best/last summary, and updates the status', async () => {
    const { run, ok, studio } = await withRun();
    const first = await ok('run:appendMetrics', {
      runId: run.id,
      records: [record('batch', 0, 0), record('batch', 0, 1), record('epoch', 0, 1, { loss: 0.5, valLoss: 0.6, valAccuracy: 0.7 })],
    });
    expect(first.appended).toBe(3);
    expect(first.summary).toMatchObject({ epochsDone: 1, best: { epoch: 0, valLoss: 0.6 }, last: { epoch: 0 } });
    // A worse second epoch is the last but not the best; a diverged batch (NaN loss) is kept as null.
    await ok('run:appendMetrics', { runId: run.id, records: [record('batch', 1, 2, { loss: Number.NaN }), record('epoch', 1, 3, { loss: 0.4, valLoss: 0.9 })] });
    const paused = await ok('run:update', { runId: run.id, status: 'paused' });
    expect(paused).toMatchObject({ status: 'paused', endedAt: null, summary: { epochsDone: 2, best: { epoch: 0 }, last: { epoch: 1, valLoss: 0.9 } } });
    const done = await ok('run:update', { runId: run.id, status: 'completed' });
    expect(done.endedAt).not.toBeNull();
    expect(studio.projects.current(CLIENT)!.manifest.runs[0]!.status).toBe('completed');
    const details = await ok('run:get', { runId: run.id });
    expect(details.epochs.map((r: MetricRecord) => r.epoch)).toEqual([0, 1]);
    expect(details.batches.map((r: MetricRecord) => r.loss)).toEqual([1, 0.5, null]);
    expect(await ok('run:list', {})).toEqual([details.run]);
  });

  it('says how an interrupted run goes on: resume from its last checkpoint, or, with none, start again', async () => {
    const { ok, studio } = await setup();
    const saved = await ok('run:create', { spec: mlpSpec(), datasetId: DATASET_ID, hyper: HYPER });
    await ok('checkpoint:save', mlpCheckpoint(saved.id, 0));
    const early = await ok('run:create', { spec: mlpSpec(), datasetId: DATASET_ID, hyper: HYPER });
    const path = studio.projects.current(CLIENT)!.path;
    await studio.projects.close(CLIENT);
    await studio.projects.open(path, CLIENT);
    const said = Object.fromEntries((await ok('run:list', {})).map((r: { id: string; error: Said }) => [r.id, r.error]));
    const errors = Object.fromEntries(Object.entries(said).map(([id, e]) => [id, textOf(e)]));
    // By key, so the app says it in its language.
    expect(said[saved.id]).toMatchObject({ key: 'training.interrupted' });
    expect(errors[saved.id]).toBe('Interrupted: the app closed or stopped while this run was training. Resume it from its last checkpoint.');
    expect(errors[early.id]).toBe('Interrupted: the app closed or stopped while this run was training, before its first checkpoint. Start it again with the same settings.');
  });

  it('marks a run left running by a closed or crashed app as stopped when the project opens again', async () => {
    const { run, ok, studio } = await withRun();
    const paused = await ok('run:create', { spec: mlpSpec(), datasetId: DATASET_ID, hyper: HYPER });
    await ok('run:update', { runId: paused.id, status: 'paused' });
    const done = await ok('run:create', { spec: mlpSpec(), datasetId: DATASET_ID, hyper: HYPER });
    await ok('run:update', { runId: done.id, status: 'completed' });
    const path = studio.projects.current(CLIENT)!.path;
    await studio.projects.close(CLIENT);

    await studio.projects.open(path, CLIENT);
    const runs = await ok('run:list', {});
    const status = Object.fromEntries(runs.map((r: { id: string; status: string }) => [r.id, r.status]));
    expect(status).toEqual({ [run.id]: 'stopped', [paused.id]: 'stopped', [done.id]: 'completed' });
    expect(textOf(runs.find((r: { id: string }) => r.id === run.id).error)).toMatch(/Interrupted/);
    expect(studio.projects.current(CLIENT)!.manifest.runs.map((e) => e.status)).toEqual(['stopped', 'stopped', 'completed']);
    // The repaired manifest reaches the disk.
    await studio.projects.close(CLIENT);
    const onDisk = JSON.parse(await readFile(path, 'utf8'));
    expect(onDisk.runs.map((e: { status: string }) => e.status)).toEqual(['stopped', 'stopped', 'completed']);
  });

  it('survives a crash mid-append: the torn last line is ignored and cut before the next append', async () => {
    const { run, ok, metricsPath } = await withRun();
    await ok('run:appendMetrics', { runId: run.id, records: [record('batch', 0, 0), record('epoch', 0, 0)] });
    // What a crash in the middle of a write leaves: half a JSON line without its newline.
    await appendFile(metricsPath, JSON.stringify(record('batch', 1, 1)).slice(0, 30));
    const afterCrash = await ok('run:get', { runId: run.id });
    expect(afterCrash.batches).toHaveLength(1);
    expect(afterCrash.epochs).toHaveLength(1);
    await ok('run:appendMetrics', { runId: run.id, records: [record('batch', 1, 1), record('batch', 1, 2)] });
    const resumed = await ok('run:get', { runId: run.id });
    expect(resumed.batches.map((r: MetricRecord) => r.step)).toEqual([0, 1, 2]);
    const lines = (await readFile(metricsPath, 'utf8')).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).every((l) => MetricRecord.safeParse(JSON.parse(l)).success)).toBe(true);
  });

  it('returns every epoch record and at most maxBatchPoints batch records', async () => {
    const { run, ok } = await withRun();
    const records = [];
    for (let step = 0; step < 25_000; step++) {
      records.push(record('batch', Math.floor(step / 2500), step));
      if (step % 2500 === 2499) records.push(record('epoch', Math.floor(step / 2500), step));
    }
    for (let i = 0; i < records.length; i += 10_000) await ok('run:appendMetrics', { runId: run.id, records: records.slice(i, i + 10_000) });
    const details = await ok('run:get', { runId: run.id });
    expect(details.epochs).toHaveLength(10);
    expect(details.batchTotal).toBe(25_000);
    expect(details.batches).toHaveLength(2000);
    expect(details.batches.at(-1).step).toBe(24_999);
    expect(details.batches[0].loss).toBeCloseTo(records.filter((r) => r.kind === 'batch').slice(0, 12).reduce((s, r) => s + (r.loss as number), 0) / 12);
    expect((await ok('run:get', { runId: run.id, maxBatchPoints: 100 })).batches).toHaveLength(100);
  });

  it('downsample keeps short series as they are', () => {
    const short = [record('batch', 0, 0), record('batch', 0, 1)].map((r) => MetricRecord.parse(r));
    expect(downsample(short, 10)).toEqual(short);
  });

  it('refuses bad requests and unknown ids', async () => {
    const { run, call } = await withRun();
    const tooMany = Array.from({ length: 10_001 }, (_, i) => record('batch', 0, i));
    expect(await call('run:appendMetrics', { runId: run.id, records: tooMany })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const badRecord = await call('run:appendMetrics', { runId: run.id, records: [{ ...record('batch', 0, 0), kind: 'step' as never }] });
    expect(badRecord.ok ? '' : badRecord.error.message).toContain('records.0.kind');
    const noSpec = await call('run:create', { datasetId: DATASET_ID, hyper: HYPER });
    expect(noSpec).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('spec') } });
    expect(await call('run:create', { spec: mlpSpec(), datasetId: 'ds-missing1', hyper: HYPER })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const badHyper = await call('run:create', { spec: mlpSpec(), datasetId: DATASET_ID, hyper: { ...HYPER, learningRate: -1 } });
    expect(badHyper.ok ? '' : badHyper.error.message).toContain('hyper.learningRate');
    expect(await call('run:get', { runId: 'rn-00000000' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('answers NO_PROJECT_OPEN without a project', async () => {
    const { call } = await setup();
    const other = 'ws:2';
    const runId = 'rn-abcdefgh';
    for (const [channel, payload] of [
      ['run:create', { spec: mlpSpec(), datasetId: DATASET_ID, hyper: HYPER }],
      ['run:appendMetrics', { runId, records: [record('batch', 0, 0)] }],
      ['run:update', { runId, status: 'stopped' }],
      ['run:list', {}],
      ['run:get', { runId }],
    ] as const) {
      expect(await call(channel, payload as never, other), channel).toMatchObject({ ok: false, error: { code: 'NO_PROJECT_OPEN' } });
    }
  });
});
