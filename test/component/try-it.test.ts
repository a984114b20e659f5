/**
 * Try it on a checkpoint of a tabular model, in the run view with a fake main and a scripted
 * worker: values start at the training means, an edit is prepared by main (an empty field sent
 * as missing) and predicted in the worker, the checkpoint's weights go to the worker once, only
 * the latest answer is shown when answers come out of order, and a refused input says why.
 */
import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import App from '../../src-renderer/App.vue';
import type { TryRequest, TryResult } from '../../src-renderer/ml/training-protocol';
import { StudioError } from '../../src-shared/errors';
import { say } from '../../src-shared/messages/message';
import { DEFAULT_SETTINGS } from '../../src-shared/settings/settings';
import { irisManifest } from './dataset-fixtures';
import { fakeStudio, mountWithStudio, openFirstRun, projectView } from './fake-studio';
import { checkpointMeta, runRecord, scriptedMl, seedCnnModel } from './training-fixtures';

enableAutoUnmount(afterEach);

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((a) => (resolve = a));
  return { promise, resolve };
}

function setup(opts: { language?: 'zh-CN' } = {}) {
  const iris = irisManifest();
  const run = runRecord({ datasetId: iris.id, status: 'completed', summary: { epochsDone: 1, best: null, last: null } });
  const checkpoint = checkpointMeta({ datasetId: iris.id });
  const studio = fakeStudio({
    'project:current': () => projectView('Lab'),
    'dataset:list': () => [iris],
    'model:list': () => [seedCnnModel()],
    'run:list': () => [run],
    'run:get': () => ({ run, epochs: [], batches: [], batchTotal: 0 }),
    'checkpoint:list': () => [checkpoint],
    'checkpoint:load': () => ({ modelTopology: {}, trainingConfig: null, weightSpecs: [], weightData: new Uint8Array(8), optimizer: null, optimizerWeightData: null, meta: checkpoint }),
    'try:prepare': (req) => {
      const r = req as { values: (number | null)[] };
      if (r.values.some((v) => v !== null && v > 100)) throw new StudioError('BAD_REQUEST', 'Iris has 2 features; nonsense was given.');
      // Main says this one by key (a dataset removed meanwhile).
      if (r.values.some((v) => v !== null && v < -100)) throw StudioError.say('NOT_FOUND', say('errors.noEntry.datasets', { id: 'ds-iris0001' }));
      return { x: new Uint8Array(Float32Array.from(r.values, (v) => v ?? NaN).buffer), shape: [1, 2], tokens: null };
    },
    ...(opts.language ? { 'settings:get': () => ({ settings: { ...DEFAULT_SETTINGS, language: opts.language! }, problem: null }) } : {}),
  });
  const answers: ReturnType<typeof deferred<TryResult>>[] = [];
  const worker = scriptedMl({
    'explain:try': () => {
      const d = deferred<TryResult>();
      answers.push(d);
      return d.promise;
    },
  });
  const wrapper = mountWithStudio(App, studio, { ml: worker.ml });
  return { wrapper, studio, worker, answers };
}

/** Opens Try on the run's checkpoint; the dialog. */
async function openTry(wrapper: ReturnType<typeof setup>['wrapper']) {
  await openFirstRun(wrapper);
  await wrapper.find('[data-testid="try-button"]').trigger('click');
  await flushPromises();
  return wrapper.find('[data-testid="try-dialog"]');
}

const result = (scores: number[]): TryResult => ({ scores, gradcam: null, attention: null });

describe('Try it', () => {
  it('predicts edited feature values, shows only the latest answer, sends the weights once, and says why an input is refused', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { wrapper, studio, worker, answers } = setup();
      const dialog = await openTry(wrapper);
      expect(dialog.text()).toMatch(/Runs the checkpoint in the studio/);
      // The training means to start with.
      expect((dialog.find('[data-testid="try-feature-0"]').element as HTMLInputElement).value).toBe('5.84');
      expect((dialog.find('[data-testid="try-feature-1"]').element as HTMLInputElement).value).toBe('1.2');

      await dialog.find('[data-testid="try-feature-0"]').setValue('6.5');
      await vi.advanceTimersByTimeAsync(250);
      await dialog.find('[data-testid="try-feature-1"]').setValue('');
      await vi.advanceTimersByTimeAsync(250);
      await flushPromises();
      expect(studio.callsTo('try:prepare')).toEqual([
        { kind: 'tabular', values: [6.5, 1.2], datasetId: 'ds-iris0001' },
        { kind: 'tabular', values: [6.5, null], datasetId: 'ds-iris0001' },
      ]);
      const reqs = worker.requestsOf('explain:try') as TryRequest[];
      expect(reqs).toHaveLength(2);
      // The first carries the weights; the worker keeps them for the next.
      expect(reqs[0]!.artifacts).not.toBeNull();
      expect(reqs[1]!.artifacts).toBeNull();
      expect(reqs[1]!.standardization).toEqual({ mean: [5.84, 1.2], std: [0.83, 0.76] });

      // The later input's answer arrives first; the earlier one, arriving after, is not shown.
      answers[1]!.resolve(result([0.1, 0.7, 0.2]));
      await flushPromises();
      answers[0]!.resolve(result([0.9, 0.05, 0.05]));
      await flushPromises();
      const bars = dialog.findAll('[data-testid="try-prediction"]').map((b) => `${b.find('.label').text()} ${b.find('.value').text()}`);
      expect(bars).toEqual(['versicolor 70.00%', 'virginica 20.00%', 'setosa 10.00%']);

      await dialog.find('[data-testid="try-feature-0"]').setValue('1000');
      await vi.advanceTimersByTimeAsync(250);
      await flushPromises();
      expect(dialog.find('[data-testid="try-error"]').text()).toMatch(/nonsense was given/);
      // The last good answer stays.
      expect(dialog.findAll('[data-testid="try-prediction"]')).toHaveLength(3);
      await dialog.find('[data-testid="try-close"]').trigger('click');
      await flushPromises();
      expect(wrapper.find('[data-testid="try-dialog"]').exists()).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('says a refusal main said by key in the UI\'s language', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { wrapper } = setup({ language: 'zh-CN' });
      const dialog = await openTry(wrapper);
      await dialog.find('[data-testid="try-feature-0"]').setValue('-1000');
      await vi.advanceTimersByTimeAsync(250);
      await flushPromises();
      expect(dialog.find('[data-testid="try-error"]').text()).toBe('此项目中没有数据集 ds-iris0001。');
    } finally {
      vi.useRealTimers();
    }
  });
});
