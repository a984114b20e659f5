/**
 * A compressed checkpoint in the run view: its lineage instead of training metrics, no Resume,
 * and a Report that shows the before/after figures with the change and every layer, as main
 * hands them over.
 */
import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../src-renderer/App.vue';
import { CompressionRecipe } from '../../src-shared/compression/recipe';
import type { CompressionReport } from '../../src-shared/compression/report';
import { mnistManifest } from './dataset-fixtures';
import { fakeStudio, mountWithStudio, openFirstRun, projectView } from './fake-studio';
import { checkpointMeta, runRecord, scriptedMl, seedCnnModel } from './training-fixtures';

enableAutoUnmount(afterEach);

const figures = (o: Partial<CompressionReport['before']>) => ({
  params: 93_322,
  nonZeroParams: 93_000,
  sizeBytes: 373_288,
  gzipBytes: 343_000,
  accuracy: 0.9891,
  loss: 0.035,
  latencyMs: 0.8,
  throughput: 4000,
  flops: 5_590_000,
  ...o,
});

const report: CompressionReport = {
  formatVersion: 1,
  method: 'quantize',
  backend: 'wasm',
  evalSplit: 'test',
  evalSamples: 10_000,
  before: figures({}),
  after: figures({ sizeBytes: 94_024, gzipBytes: 92_000, accuracy: 0.989, latencyMs: 0.5 }),
  layers: [
    { layer: 'conv2d_1', type: 'conv2d', params: 320, nonZeroParams: 319, sparsity: 1 / 320, bytes: 416, encoding: 'int8', compared: true, weightSqnrDb: 49.3, outputMaxDiff: 0.003, outputSqnrDb: 51.9, activationRange: null },
    { layer: 'flatten_6', type: 'flatten', params: 0, nonZeroParams: 0, sparsity: 0, bytes: 0, encoding: 'float32', compared: true, weightSqnrDb: null, outputMaxDiff: 0.01, outputSqnrDb: 50.2, activationRange: null },
  ],
  compressMs: 12,
  createdAt: '2026-12-01T10:00:00.000Z',
};

function setup() {
  const run = runRecord({ status: 'completed', summary: { epochsDone: 1, best: null, last: null } });
  const parent = checkpointMeta({ kind: 'final', epoch: 0 });
  const compressed = checkpointMeta({
    id: 'ck-compres1',
    name: 'Run 1 · epoch 1 · int8',
    kind: 'compressed',
    metrics: { loss: null, accuracy: null, valLoss: null, valAccuracy: null },
    compression: { parentId: parent.id, recipe: CompressionRecipe.parse({ method: 'quantize', scheme: 'int8' }) },
  });
  const studio = fakeStudio({
    'project:current': () => projectView('Lab'),
    'dataset:list': () => [mnistManifest()],
    'model:list': () => [seedCnnModel()],
    'run:list': () => [run],
    'run:get': () => ({ run, epochs: [], batches: [], batchTotal: 0 }),
    'checkpoint:list': () => [parent, compressed],
    'compression:report': (req) => (req.checkpointId === compressed.id ? report : null),
  });
  return { studio, wrapper: mountWithStudio(App, studio, { ml: scriptedMl().ml }) };
}

describe('a compressed checkpoint in the run view', () => {
  it('shows its lineage, cannot be resumed, and opens its report with the changes and each layer', async () => {
    const { studio, wrapper } = setup();
    await openFirstRun(wrapper);
    const item = wrapper.find('[data-testid="checkpoint-item"][data-kind="compressed"]');
    expect(item.find('.name').text()).toBe('Run 1 · epoch 1 · int8');
    expect(item.find('[data-testid="checkpoint-lineage"]').text()).toBe('Made from Run 1 · epoch 1 by quantization');
    expect(item.find('[data-testid="resume-from-button"]').attributes('disabled')).toBeDefined();
    expect(wrapper.findAll('[data-testid="report-button"]')).toHaveLength(1);

    await item.find('[data-testid="report-button"]').trigger('click');
    await flushPromises();
    expect(studio.callsTo('compression:report')).toEqual([{ checkpointId: 'ck-compres1' }]);
    const dialog = wrapper.find('[data-testid="compression-report-dialog"]');
    expect(dialog.text()).toContain('measured on 10000 test samples, WASM');
    const row = (key: string) => dialog.find(`[data-key="${key}"]`).findAll('td').map((td) => td.text());
    expect(row('sizeBytes')[2]).toBe('3.97× smaller');
    expect(row('accuracy')).toEqual(['98.91%', '98.90%', '−0.01 points']);
    expect(row('latencyMs')).toEqual(['0.80 ms', '0.50 ms', '1.60× speed']);
    const conv = dialog.find('[data-layer="conv2d_1"]').findAll('td').map((td) => td.text());
    expect(conv).toEqual(['320', '0.3%', expect.stringMatching(/416 B/), 'int8', '49.3 dB', '51.9 dB']);
    expect(dialog.find('[data-layer="flatten_6"]').findAll('td').map((td) => td.text())[3]).toBe('—');

    await dialog.find('[data-testid="compression-report-close"]').trigger('click');
    expect(wrapper.find('[data-testid="compression-report-dialog"]').exists()).toBe(false);
  });
});
