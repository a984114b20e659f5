/**
 * The Compression section: empty states that say how to start; the recipe form from a
 * checkpoint in a run, its defaults and the structured preview; a compression run in the
 * (scripted) worker with its phase and progress, stored through main and its report opened;
 * the versions with their lineage and the size-against-accuracy chart; Cancel storing nothing.
 */
import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../src-renderer/App.vue';
import { CompressionRecipe } from '../../src-shared/compression/recipe';
import type { CompressionReport } from '../../src-shared/compression/report';
import type { CompressRunResult } from '../../src-renderer/ml/compression-protocol';
import { DEFAULT_SETTINGS } from '../../src-shared/settings/settings';
import { mnistManifest } from './dataset-fixtures';
import { fakeStudio, mountWithStudio, openFirstRun, projectView } from './fake-studio';
import { checkpointMeta, runRecord, scriptedMl, seedCnnModel } from './training-fixtures';

enableAutoUnmount(afterEach);

const measured = (o: Partial<CompressionReport['before']> = {}) => ({ params: 93_322, nonZeroParams: 93_322, accuracy: 0.9891, loss: 0.035, latencyMs: 0.8, throughput: 4000, flops: 5_590_000, ...o });
const sized = (o: Partial<CompressionReport['before']> = {}) => ({ sizeBytes: 373_288, gzipBytes: 343_000, ...measured(o) });

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => ((resolve = a), (reject = b)));
  return { promise, resolve, reject };
}

function setup(opts: { checkpoints?: 'none' | 'parent'; language?: 'zh-CN' } = {}) {
  const run = runRecord({ status: 'completed', summary: { epochsDone: 1, best: null, last: null } });
  const parent = checkpointMeta({ kind: 'final', epoch: 0 });
  const stored: ReturnType<typeof checkpointMeta>[] = opts.checkpoints === 'none' ? [] : [parent];
  const saves: Record<string, unknown>[] = [];
  const reports: Record<string, CompressionReport> = {};
  const studio = fakeStudio({
    'project:current': () => projectView('Lab'),
    'dataset:list': () => [mnistManifest()],
    'model:list': () => [seedCnnModel()],
    'run:list': () => [run],
    'run:get': () => ({ run, epochs: [], batches: [], batchTotal: 0 }),
    'checkpoint:list': () => [...stored],
    'checkpoint:load': () => ({ modelTopology: {}, trainingConfig: null, weightSpecs: [], weightData: new Uint8Array(8), optimizer: null, optimizerWeightData: null, meta: parent }),
    'compression:prepare': () => ({ datasetId: parent.datasetId, evalSplit: 'test', student: null }),
    'compression:save': (req) => {
      saves.push(req as Record<string, unknown>);
      const meta = checkpointMeta({ id: 'ck-pruned01', name: 'Run 1 · epoch 1 · structured, pruned 50%', kind: 'compressed', metrics: { loss: null, accuracy: null, valLoss: null, valAccuracy: null }, compression: { parentId: parent.id, recipe: CompressionRecipe.parse(req.recipe) } });
      const report: CompressionReport = {
        formatVersion: 1, method: 'prune', backend: 'wasm', evalSplit: 'test', evalSamples: 10_000,
        before: sized(), after: sized({ params: 23_600, nonZeroParams: 23_600, sizeBytes: 94_500, gzipBytes: 87_000, accuracy: 0.99 }),
        layers: req.layers, compressMs: 70_000, createdAt: '2026-12-01T11:00:00.000Z',
      };
      stored.push(meta);
      reports[meta.id] = report;
      return { meta, report };
    },
    'compression:report': (req) => reports[req.checkpointId] ?? null,
    ...(opts.language ? { 'settings:get': () => ({ settings: { ...DEFAULT_SETTINGS, language: opts.language! }, problem: null }) } : {}),
  });
  const run$ = deferred<CompressRunResult>();
  const worker = scriptedMl({ 'compress:run': () => run$.promise, 'compress:cancel': () => null });
  const wrapper = mountWithStudio(App, studio, { ml: worker.ml });
  return { wrapper, studio, worker, run$, saves, parent };
}

const result = (): CompressRunResult => ({
  spec: checkpointMeta().spec,
  model: { modelTopology: { format: 'layers-model' }, weightSpecs: [{ name: 'w', shape: [2], dtype: 'float32' }], weightData: new Float32Array([1, 2]).buffer },
  before: measured(),
  after: measured({ params: 23_600, nonZeroParams: 23_600, accuracy: 0.99 }),
  layers: [{ layer: 'conv2d_1', type: 'conv2d', params: 160, nonZeroParams: 160, sparsity: 0, bytes: 640, encoding: 'float32', compared: false, weightSqnrDb: null, outputMaxDiff: null, outputSqnrDb: null, activationRange: null, cuts: [{ kind: 'filters', before: 32, after: 16 }] }],
  compare: null,
  backend: 'wasm',
  evalSamples: 10_000,
  compressMs: 70_000,
});

async function openSection(wrapper: ReturnType<typeof setup>['wrapper']) {
  await flushPromises();
  await wrapper.find('[data-testid="sidebar-compression"]').trigger('click');
  await flushPromises();
}

describe('the Compression section', () => {
  it('says to train first when there is no checkpoint, and how to start when nothing is compressed', async () => {
    const empty = setup({ checkpoints: 'none' });
    await openSection(empty.wrapper);
    expect(empty.wrapper.find('[data-testid="empty-state"]').text()).toMatch(/train a model first/);
    expect(empty.wrapper.find('[data-testid="compress-button"]').attributes('disabled')).toBeDefined();
    empty.wrapper.unmount();
    const one = setup();
    await openSection(one.wrapper);
    expect(one.wrapper.find('[data-testid="empty-state"]').text()).toMatch(/No compressed versions yet/);
    expect(one.wrapper.find('[data-testid="compress-button"]').attributes('disabled')).toBeUndefined();
  });

  it('compresses from a run’s checkpoint: structured pruning in the worker with progress, stored by main, its report opened and the version listed', async () => {
    const { wrapper, studio, worker, run$, saves, parent } = setup();
    await openFirstRun(wrapper);
    await wrapper.find('[data-testid="compress-from-button"]').trigger('click');
    await flushPromises();
    const dialog = wrapper.find('[data-testid="compress-dialog"]');
    expect((dialog.find('[data-testid="compress-checkpoint"]').element as HTMLSelectElement).value).toBe(parent.id);
    await dialog.find('[data-testid="compress-method-prune"] input').setValue(true);
    await dialog.find('[data-testid="compress-structured"]').setValue(true);
    expect((dialog.find('[data-testid="compress-sparsity"]').element as HTMLInputElement).value).toBe('50');
    expect(dialog.find('[data-testid="compress-structured-preview"]').text()).toBe('conv2d_1: 32 → 16 filters · conv2d_3: 64 → 32 filters · conv2d_5: 64 → 32 filters · dense_7: 64 → 32 units');
    await dialog.find('form').trigger('submit');
    await flushPromises();

    const [prepared] = studio.callsTo('compression:prepare') as { checkpointId: string; recipe: CompressionRecipe }[];
    expect(prepared).toMatchObject({ checkpointId: parent.id, recipe: { method: 'prune', sparsity: 0.5, structured: true, criterion: 'l1', fineTuneEpochs: 2 } });
    const plans = (worker.requestsOf('feed:open') as { plan: { split: string; shuffle: boolean; seed: number } }[]).map((p) => [p.plan.split, p.plan.shuffle, p.plan.seed]);
    expect(plans).toEqual([['train', true, 42], ['test', false, expect.any(Number)]]);
    const [req] = worker.requestsOf('compress:run') as { jobId: string; recipe: CompressionRecipe; evalLimit: number | null }[];
    expect(req!.recipe).toEqual(prepared!.recipe);
    expect(req!.evalLimit).toBeNull();

    worker.emit('compress:progress', { jobId: req!.jobId, phase: 'fine-tuning', done: 10, total: 100, records: Array.from({ length: 10 }, (_, i) => ({ step: i + 1, loss: 1 / (i + 1), accuracy: 0.5, alone: false })) });
    await flushPromises();
    expect(wrapper.find('[data-testid="compression-phase"]').text()).toBe('Fine-tuning: 10 of 100');
    // The fine-tuning's live charts, as a run's.
    expect(wrapper.find('[data-testid="compression-loss-chart"]').attributes('data-points')).toBe('10');
    // The status bar says what runs, and counts it.
    expect(wrapper.find('[data-testid="status-compression"]').text()).toBe('Compressing Run 1 · epoch 1: Fine-tuning 10%');
    expect(wrapper.find('[data-testid="status-jobs"]').text()).toBe('1 running job');
    expect(wrapper.find('[role="progressbar"][aria-valuenow="10"]').exists()).toBe(true);

    run$.resolve(result());
    await flushPromises();
    expect(saves).toHaveLength(1);
    expect(saves[0]!.weightData).toEqual(new Uint8Array(new Float32Array([1, 2]).buffer));
    expect(saves[0]).toMatchObject({ parentId: parent.id, evalSplit: 'test', evalSamples: 10_000, backend: 'wasm' });
    // Its report opens, with what each layer kept.
    const report = wrapper.find('[data-testid="compression-report-dialog"]');
    expect(report.find('[data-testid="layer-cuts"]').text()).toBe('32 → 16 filters');
    await report.find('[data-testid="compression-report-close"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="compression-job"]').exists()).toBe(false);
    const version = wrapper.find('[data-testid="compression-version"]');
    expect(version.find('[data-testid="compression-lineage"]').text()).toBe('Made from Run 1 · epoch 1 by pruning');
    expect(version.find('[data-testid="compression-figures"]').text()).toBe('85.0 KB gzipped (3.94× smaller) · 99.00% (0.09 points)');
    expect(wrapper.findAll('[data-testid="chart-point"] text').map((p) => p.text())).toEqual(['original', 'structured, pruned 50%']);
  });

  it('Cancel stops the compression in the worker and stores nothing, with no error', async () => {
    const { wrapper, worker, run$, saves } = setup();
    await openSection(wrapper);
    await wrapper.find('[data-testid="compress-button"]').trigger('click');
    await flushPromises();
    await wrapper.find('[data-testid="compress-dialog"] form').trigger('submit');
    await flushPromises();
    const [req] = worker.requestsOf('compress:run') as { jobId: string; recipe: CompressionRecipe }[];
    expect(req!.recipe).toMatchObject({ method: 'quantize', scheme: 'int8' });
    // int8 needs no training samples: only the measuring split is fed.
    expect((worker.requestsOf('feed:open') as { plan: { split: string } }[]).map((p) => p.plan.split)).toEqual(['test']);
    await wrapper.find('[data-testid="compression-cancel"]').trigger('click');
    await flushPromises();
    expect(worker.requestsOf('compress:cancel')).toEqual([{ jobId: req!.jobId }]);
    expect(wrapper.find('[data-testid="compression-phase"]').text()).toBe('Cancelling…');
    run$.reject(new Error('The compression was cancelled.'));
    await flushPromises();
    expect(saves).toHaveLength(0);
    expect(wrapper.find('[data-testid="compression-job"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="error-panel"]').exists()).toBe(false);
    expect(worker.requestsOf('feed:close')).toHaveLength(1);
  });

  it('says what the recipe refuses, in English and in Chinese, and starts nothing', async () => {
    for (const [language, problems] of [
      [undefined, 'Sparsity (%) must be above 0% and below 100%; Fine-tuning epochs must be a whole number'],
      ['zh-CN', '稀疏度（%）必须大于 0% 且小于 100%；微调轮次必须是整数'],
    ] as const) {
      const { wrapper, worker } = setup({ language });
      await openSection(wrapper);
      await wrapper.find('[data-testid="compress-button"]').trigger('click');
      await flushPromises();
      const dialog = wrapper.find('[data-testid="compress-dialog"]');
      await dialog.find('[data-testid="compress-method-prune"] input').setValue(true);
      await dialog.find('[data-testid="compress-sparsity"]').setValue('100');
      await dialog.find('[data-testid="compress-fine-tune-epochs"]').setValue('1.5');
      await dialog.find('form').trigger('submit');
      await flushPromises();
      expect(dialog.find('[data-testid="compress-problem"]').text()).toBe(problems);
      expect(worker.requestsOf('compress:run')).toEqual([]);
      wrapper.unmount();
    }
  });
});
