import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunRecorder } from '../../../src-main/runs/run-recorder';
import { CLIENT, DATASET_ID, HYPER, mlpSpec, record, useTrainingProject } from '../runs/training-fixtures';

const setup = useTrainingProject();

/** Weight specs of the tiny MLP (2 -> 4 -> 2) and random-looking bytes for them. */
const SPECS = [
  { name: 'dense_1/kernel', shape: [2, 4], dtype: 'float32' as const },
  { name: 'dense_1/bias', shape: [4], dtype: 'float32' as const },
  { name: 'dense_2/kernel', shape: [4, 2], dtype: 'float32' as const },
  { name: 'dense_2/bias', shape: [2], dtype: 'float32' as const },
];
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 17) & 0xff);
const TOPOLOGY = { class_name: 'Sequential', config: { name: 'tiny', layers: [] }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' };

async function withRun() {
  const ctx = await setup();
  const run = await ctx.ok('run:create', { spec: mlpSpec(), datasetId: DATASET_ID, hyper: HYPER });
  const save = (extra: Record<string, unknown> = {}) =>
    ctx.ok('checkpoint:save', {
      runId: run.id,
      epoch: 0,
      step: 10,
      kind: 'epoch',
      metrics: { loss: 0.4, accuracy: 0.8, valLoss: 0.5 },
      modelTopology: TOPOLOGY,
      weightSpecs: SPECS,
      weightData: bytes(88, 1),
      optimizer: { weightSpecs: [{ name: 'iter', shape: [], dtype: 'int32' }] },
      optimizerWeightData: bytes(4, 2),
      ...extra,
    });
  return { ...ctx, run, save };
}

describe('checkpoints', () => {
  it('saves in TF.js layers format with checksums and loads back byte for byte', async () => {
    const { dir, run, save, ok, studio } = await withRun();
    const meta = await save();
    expect(meta.id).toMatch(/^ck-[a-z0-9]{8}$/);
    expect(meta).toMatchObject({ runId: run.id, datasetId: DATASET_ID, epoch: 0, step: 10, kind: 'epoch', name: 'Run 1 · epoch 1' });
    expect(meta.metrics).toEqual({ loss: 0.4, accuracy: 0.8, valLoss: 0.5, valAccuracy: null });
    expect(meta.spec).toEqual(run.spec);
    const folder = join(dir, 'checkpoints', meta.id);
    expect((await readdir(folder)).sort()).toEqual(['meta.json', 'model.json', 'optimizer.bin', 'optimizer.json', 'weights.bin']);
    expect(Object.keys(meta.files).sort()).toEqual(['model.json', 'optimizer.bin', 'optimizer.json', 'weights.bin']);
    const modelJson = JSON.parse(await readFile(join(folder, 'model.json'), 'utf8'));
    expect(modelJson).toMatchObject({ format: 'layers-model', generatedBy: 'Model Studio 9.8.7', convertedBy: null, modelTopology: TOPOLOGY });
    expect(modelJson.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: SPECS }]);
    expect(await readdir(join(dir, 'checkpoints'))).toEqual([meta.id]);
    expect(studio.projects.current(CLIENT)!.manifest.checkpoints[0]).toMatchObject({ id: meta.id, dir: `checkpoints/${meta.id}`, runId: run.id, epoch: 0, kind: 'epoch' });

    const loaded = await ok('checkpoint:load', { id: meta.id });
    expect(Buffer.from(loaded.weightData).equals(Buffer.from(bytes(88, 1)))).toBe(true);
    expect(Buffer.from(loaded.optimizerWeightData).equals(Buffer.from(bytes(4, 2)))).toBe(true);
    expect(loaded).toMatchObject({ modelTopology: TOPOLOGY, weightSpecs: SPECS, optimizer: { weightSpecs: [{ name: 'iter' }] }, meta });
    const lean = await ok('checkpoint:load', { id: meta.id, optimizer: false });
    expect(lean).toMatchObject({ optimizer: null, optimizerWeightData: null });

    const second = await save({ epoch: 1, kind: 'stop', optimizer: undefined, optimizerWeightData: undefined });
    expect(second.name).toBe('Run 1 · epoch 2 (stopped)');
    expect((await ok('checkpoint:list', { runId: run.id })).map((c: { id: string }) => c.id)).toEqual([meta.id, second.id]);
    expect(await ok('checkpoint:list', { runId: 'rn-00000000' })).toEqual([]);
    const resumed = await ok('run:create', { spec: mlpSpec(), datasetId: DATASET_ID, hyper: HYPER, resumedFrom: { checkpointId: second.id } });
    expect(resumed.resumedFrom).toEqual({ checkpointId: second.id, runId: run.id, epoch: 1 });
  });

  it('detects a changed file on load', async () => {
    const { dir, save, call } = await withRun();
    const meta = await save();
    const weights = join(dir, 'checkpoints', meta.id, 'weights.bin');
    const data = await readFile(weights);
    data[5]! ^= 0xff;
    await writeFile(weights, data);
    const r = await call('checkpoint:load', { id: meta.id });
    expect(r).toMatchObject({ ok: false, error: { code: 'IO_ERROR', message: expect.stringContaining('weights.bin failed its checksum') } });
    // Said by key, so the Chinese UI says it in Chinese.
    expect(r).toMatchObject({ error: { said: { key: 'errors.integrity.checkpointChecksum', params: { id: meta.id, file: 'weights.bin' } } } });
    const other = await save();
    await writeFile(join(dir, 'checkpoints', other.id, 'model.json'), '{"modelTopology":{}}');
    expect(await call('checkpoint:load', { id: other.id })).toMatchObject({ ok: false, error: { code: 'IO_ERROR', message: expect.stringContaining('model.json') } });
  });

  it('refuses weights that do not match their specs, and a half-given optimizer', async () => {
    const { call, run, dir } = await withRun();
    const base = { runId: run.id, epoch: 0, step: 1, kind: 'epoch' as const, metrics: {}, modelTopology: TOPOLOGY, weightSpecs: SPECS };
    const short = await call('checkpoint:save', { ...base, weightData: bytes(80, 1) });
    expect(short).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('weightData') } });
    const half = await call('checkpoint:save', { ...base, weightData: bytes(88, 1), optimizerWeightData: bytes(4, 1) });
    expect(half).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('optimizerWeightData') } });
    const noRun = await call('checkpoint:save', { ...base, runId: 'rn-00000000', weightData: bytes(88, 1) });
    expect(noRun).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await readdir(join(dir, 'checkpoints')).catch(() => [])).toEqual([]);
  });

  it('removes a checkpoint, and tidies a crashed save when the project opens again', async () => {
    const { dir, save, ok, call, studio } = await withRun();
    const meta = await save();
    await ok('eval:save', { checkpointId: meta.id, split: 'test', result: evalResult() });
    expect(await ok('checkpoint:remove', { id: meta.id })).toBeNull();
    expect(await readdir(join(dir, 'checkpoints'))).toEqual([]);
    expect(studio.projects.current(CLIENT)!.manifest.checkpoints).toEqual([]);
    expect(await call('checkpoint:load', { id: meta.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const path = studio.projects.current(CLIENT)!.path;
    await mkdir(join(dir, 'checkpoints', '.incoming-ck-crashed1'));
    await writeFile(join(dir, 'checkpoints', '.incoming-ck-crashed1', 'weights.bin'), 'half');
    await studio.projects.close(CLIENT);
    await studio.projects.open(path, CLIENT);
    expect(await readdir(join(dir, 'checkpoints'))).toEqual([]);
  });

  it('stores evaluations per split and returns null when there is none', async () => {
    const { save, ok, call, dir } = await withRun();
    const meta = await save();
    expect(await ok('eval:get', { checkpointId: meta.id, split: 'test' })).toBeNull();
    const saved = await ok('eval:save', { checkpointId: meta.id, split: 'test', result: evalResult() });
    expect(saved).toEqual(evalResult());
    expect(await ok('eval:get', { checkpointId: meta.id, split: 'test' })).toEqual(evalResult());
    expect(await ok('eval:get', { checkpointId: meta.id, split: 'validation' })).toBeNull();
    expect(JSON.parse(await readFile(join(dir, 'checkpoints', meta.id, 'eval-test.json'), 'utf8')).accuracy).toBe(0.75);
    const bad = await call('eval:save', { checkpointId: meta.id, split: 'test', result: { ...evalResult(), perClass: [evalResult().perClass[0]!] } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('result.perClass') } });
    const many = Array.from({ length: 201 }, () => ({ index: 1, label: 0, predicted: 1, scores: [0.2, 0.8] }));
    expect(await call('eval:save', { checkpointId: meta.id, split: 'test', result: { ...evalResult(), misclassified: many } })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await call('eval:get', { checkpointId: 'ck-00000000', split: 'test' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('RunRecorder does the same without IPC, taking ArrayBuffers as tfjs hands them over', async () => {
    const { studio, dir } = await setup();
    const store = new RunRecorder(studio, CLIENT);
    const run = await store.createRun({ spec: mlpSpec() as never, datasetId: DATASET_ID, hyper: HYPER });
    expect((await store.appendMetrics(run.id, [record('epoch', 0, 3, { valLoss: 0.3 })])).summary.best?.valLoss).toBe(0.3);
    const weights = bytes(88, 3);
    const meta = await store.saveCheckpoint(
      run.id,
      { epoch: 0, step: 3, kind: 'final', metrics: { loss: 0.2 } },
      { modelTopology: TOPOLOGY, weightSpecs: SPECS, weightData: weights.slice().buffer },
      { weightSpecs: [{ name: 'iter', shape: [], dtype: 'int32' }], weightData: bytes(4, 4).buffer },
    );
    const loaded = await store.loadCheckpoint(meta.id);
    expect(loaded.artifacts.weightData).toBeInstanceOf(ArrayBuffer);
    expect(Buffer.from(loaded.artifacts.weightData).equals(Buffer.from(weights))).toBe(true);
    expect(loaded.artifacts).toMatchObject({ format: 'layers-model', convertedBy: null, weightSpecs: SPECS, modelTopology: TOPOLOGY });
    expect(Buffer.from(loaded.optimizer!.weightData).equals(Buffer.from(bytes(4, 4)))).toBe(true);
    await store.saveEval(meta.id, 'test', evalResult());
    expect(JSON.parse(await readFile(join(dir, 'checkpoints', meta.id, 'eval-test.json'), 'utf8')).backend).toBe('cpu');
    expect((await store.updateRun(run.id, 'completed')).status).toBe('completed');
  });

  it('answers NO_PROJECT_OPEN without a project', async () => {
    const { call } = await setup();
    const other = 'ws:2';
    const id = 'ck-abcdefgh';
    for (const [channel, payload] of [
      ['checkpoint:save', { runId: 'rn-abcdefgh', epoch: 0, step: 0, kind: 'epoch', metrics: {}, modelTopology: {}, weightSpecs: [], weightData: new Uint8Array() }],
      ['checkpoint:list', {}],
      ['checkpoint:load', { id }],
      ['checkpoint:remove', { id }],
      ['eval:save', { checkpointId: id, split: 'test', result: evalResult() }],
      ['eval:get', { checkpointId: id, split: 'test' }],
    ] as const) {
      expect(await call(channel, payload as never, other), channel).toMatchObject({ ok: false, error: { code: 'NO_PROJECT_OPEN' } });
    }
  });
});

function evalResult() {
  return {
    accuracy: 0.75,
    loss: 0.61,
    confusion: [[3, 1], [1, 3]],
    perClass: [
      { precision: 0.75, recall: 0.75, f1: 0.75, support: 4 },
      { precision: 0.75, recall: 0.75, f1: 0.75, support: 4 },
    ],
    latencyMsPerSample: 0.12,
    backend: 'cpu',
    misclassified: [{ index: 5, label: 0, predicted: 1, scores: [0.4, 0.6] }],
    createdAt: '2025-01-02T03:04:05.000Z',
  };
}
