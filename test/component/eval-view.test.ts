import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../src-renderer/App.vue';
import type { RequestOf } from '../../src-shared/ipc/contract';
import { imagePage, mnistManifest } from './dataset-fixtures';
import { fakeStudio, mountWithStudio, openFirstRun, projectView } from './fake-studio';
import { checkpointMeta, evalResult, runRecord, scriptedMl, SHA, seedCnnModel } from './training-fixtures';

enableAutoUnmount(afterEach);

const THREE = mnistManifest({ classNames: ['cat', 'dog', 'fox'] });

async function openEval(stored: ReturnType<typeof evalResult> | null, computed?: ReturnType<typeof evalResult>) {
  return openEvalWith(computed ? () => computed : undefined, stored);
}

async function openEvalWith(evalRun?: () => unknown, stored: ReturnType<typeof evalResult> | null = null, extra: Record<string, (p: never) => unknown> = {}) {
  const run = runRecord({ status: 'completed' });
  const saved: RequestOf<'eval:save'>[] = [];
  const studio = fakeStudio({
    'project:current': () => projectView('Lab'),
    'dataset:list': () => [THREE],
    'model:list': () => [seedCnnModel()],
    'run:list': () => [run],
    'run:get': () => ({ run, epochs: [], batches: [], batchTotal: 0 }),
    'checkpoint:list': () => [checkpointMeta()],
    'checkpoint:load': () => ({
      modelTopology: {}, trainingConfig: null, weightSpecs: [], weightData: new Uint8Array(8), optimizer: null, optimizerWeightData: null,
      meta: checkpointMeta({ files: { 'model.json': { sha256: SHA, bytes: 1 } } }),
    }),
    'eval:get': () => stored,
    'eval:save': (req) => {
      saved.push(req);
      return req.result;
    },
    'dataset:samples': (req) => imagePage(1, req.offset, 1),
  });
  const worker = scriptedMl({ ...(evalRun ? { 'eval:run': evalRun } : {}), 'eval:cancel': () => null, ...extra });
  const wrapper = mountWithStudio(App, studio, { ml: worker.ml });
  await openFirstRun(wrapper);
  await wrapper.find('[data-testid="evaluate-button"]').trigger('click');
  await flushPromises();
  return { studio, worker, wrapper, saved };
}

describe('evaluation view', () => {
  it('shows a stored evaluation: confusion matrix counts, per-class metrics and misclassified samples', async () => {
    const { wrapper } = await openEval(evalResult());
    expect(wrapper.find('[data-testid="eval-view"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="eval-accuracy"]').text()).toBe('90.00%');
    expect(wrapper.find('[data-testid="eval-samples"]').text()).toBe('30');

    const matrix = wrapper.find('[data-testid="confusion-matrix"]');
    expect(matrix.findAll('thead th').slice(1).map((h) => h.text())).toEqual(['cat', 'dog', 'fox']);
    const cells = matrix.findAll('[data-testid="confusion-cell"]');
    expect(cells.map((c) => c.text())).toEqual(['10', '0', '0', '1', '8', '1', '0', '1', '9']);
    const dogAsCat = cells.find((c) => c.attributes('data-actual') === '1' && c.attributes('data-predicted') === '0')!;
    expect(dogAsCat.attributes('title')).toBe('1 samples of dog predicted as cat');

    const rows = wrapper.findAll('[data-testid="per-class-table"] [data-testid="per-class-row"]');
    expect(rows.map((r) => r.findAll('th, td').map((c) => c.text()))).toEqual([
      ['cat', '0.909', '1.000', '0.952', '10'],
      ['dog', '0.889', '0.800', '0.842', '10'],
      ['fox', '0.900', '0.900', '0.900', '10'],
    ]);

    const item = wrapper.find('[data-testid="misclassified-gallery"] [data-testid="misclassified-item"]');
    expect(item.attributes('data-index')).toBe('11');
    expect(item.text()).toContain('true dog');
    expect(item.text()).toContain('predicted cat (70.0%)');
    // A CNN gets Grad-CAM, not attention maps.
    expect(wrapper.find('[data-testid="explain-button"]').exists()).toBe(true);
    expect(wrapper.text()).toContain('Grad-CAM');
  });

  it('explains a misclassified example as soon as it is picked, without a second click, with a colour scale and an opacity control', async () => {
    const cam = { height: 28, width: 28, data: new Float32Array(784).fill(0.5), classIndex: 1, scores: [0.7, 0.2, 0.1] };
    const { wrapper, worker } = await openEvalWith(undefined, evalResult(), { 'explain:gradcam': () => cam });
    expect(worker.requestsOf('explain:gradcam')).toEqual([]);
    await wrapper.find('[data-testid="misclassified-gallery"] [data-testid="misclassified-item"] button').trigger('click');
    await flushPromises();
    expect((wrapper.find('[data-testid="explain-index"]').element as HTMLInputElement).value).toBe('11');
    expect(worker.requestsOf('explain:gradcam')).toHaveLength(1);
    const view = wrapper.find('[data-testid="gradcam-view"]');
    expect(view.find('[data-testid="heat-scale"]').text()).toBe('lowhigh');
    const opacity = view.find('[data-testid="gradcam-opacity"]');
    expect((opacity.element as HTMLInputElement).value).toBe('0.55');
    await opacity.setValue('0.2');
    expect((opacity.element as HTMLInputElement).value).toBe('0.2');
  });

  it('evaluates on request through the worker and stores the result', async () => {
    const { worker, wrapper, saved } = await openEval(null, evalResult());
    expect(wrapper.find('[data-testid="confusion-matrix"]').exists()).toBe(false);
    await wrapper.find('[data-testid="eval-quick-button"]').trigger('click');
    await flushPromises();
    const req = worker.requestsOf('eval:run')[0] as { limit: number; classNames: string[]; feedId: string };
    expect(req).toMatchObject({ limit: 1000, classNames: ['cat', 'dog', 'fox'] });
    // The test split is fed in order (not shuffled), so misclassified indices point at test samples.
    const plan = (worker.requestsOf('feed:open')[0] as { plan: { split: string; shuffle: boolean; feedId: string } }).plan;
    expect(plan).toMatchObject({ split: 'test', shuffle: false, feedId: req.feedId });
    expect(saved.map((s) => [s.checkpointId, s.split])).toEqual([['ck-check001', 'test']]);
    expect(wrapper.findAll('[data-testid="confusion-cell"]')).toHaveLength(9);
  });
});

describe('evaluation progress', () => {
  it('shows how far an evaluation is, and Cancel stops it without an error', async () => {
    let reject!: (e: Error) => void;
    const { worker, wrapper, saved } = await openEvalWith(() => new Promise((_, rej) => (reject = rej)));
    await wrapper.find('[data-testid="eval-full-button"]').trigger('click');
    await flushPromises();
    const [req] = worker.requestsOf('eval:run') as { evalId: string }[];
    worker.emit('eval:progress', { evalId: req!.evalId, done: 340, total: 1000 });
    await flushPromises();
    expect(wrapper.find('[data-testid="eval-running"]').text()).toContain('Evaluating… 340 of 1,000 samples');
    expect(wrapper.find('[data-testid="eval-progress"]').attributes('value')).toBe('340');
    await wrapper.find('[data-testid="eval-cancel"]').trigger('click');
    await flushPromises();
    expect(worker.requestsOf('eval:cancel')).toEqual([{ evalId: req!.evalId }]);
    reject(new Error('The evaluation was cancelled.'));
    await flushPromises();
    expect(wrapper.find('[data-testid="eval-running"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="error-panel"]').exists()).toBe(false);
    expect(saved).toEqual([]);
  });
});

describe('evaluation backend', () => {
  it('evaluates on the backend chosen in the view, made current first', async () => {
    const { worker, wrapper } = await openEvalWith(() => evalResult(), null, { 'backend:use': (p: { backend: string }) => ({ backend: p.backend, adapter: null, tried: [{ name: p.backend, ok: true }] }) });
    const select = wrapper.find('[data-testid="eval-backend"]');
    expect(select.findAll('option').map((o) => o.text())).toEqual(['Current', 'WebGPU', 'WebGL', 'WASM', 'CPU']);
    await select.setValue('wasm');
    await wrapper.find('[data-testid="eval-full-button"]').trigger('click');
    await flushPromises();
    expect(worker.requestsOf('backend:use')).toEqual([{ backend: 'wasm' }]);
    expect(worker.requestsOf('eval:run')).toHaveLength(1);
    const types = worker.requests.map((r) => r.type);
    expect(types.indexOf('backend:use')).toBeLessThan(types.indexOf('eval:run'));
  });
});
