/**
 * A dataset's Baselines panel as a user meets it: the leaderboard with baselines and networks
 * side by side, sorted by any column, a run started with the chosen models (and its progress in
 * the UI's words, Cancel), stored runs removed, and both languages.
 */
import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../src-renderer/App.vue';
import type { BaselineListing } from '../../src-shared/baselines/baseline-meta';
import type { LeaderboardRow } from '../../src-shared/ipc/baseline-contract';
import { DEFAULT_SETTINGS } from '../../src-shared/settings/settings';
import { say } from '../../src-shared/messages/message';
import { irisManifest, job } from './dataset-fixtures';
import { fakeStudio, mountWithStudio, projectView, type FakeHandlers } from './fake-studio';

enableAutoUnmount(afterEach);

const AT = '2025-01-02T03:04:05.000Z';
function row(patch: Partial<LeaderboardRow>): LeaderboardRow {
  return { kind: 'baseline', sourceId: 'bl-aaaaaaaa', model: 'lr', name: 'Logistic regression', group: 'Baselines · Iris', accuracy: 0.9, f1: 0.9, sizeBytes: 500, latencyMs: 0.01, trainSeconds: 0.2, measuredOn: 'Node', testSamples: 15, createdAt: AT, ...patch };
}
const ROWS: LeaderboardRow[] = [
  row({ model: 'forest', name: 'Random forest', accuracy: 0.96, f1: 0.95, sizeBytes: 90_000, latencyMs: 0.05, trainSeconds: 3.5 }),
  row({ kind: 'network', sourceId: 'ck-bbbbbbbb', model: null, name: 'Run 1 · epoch 5', group: 'iris-mlp', accuracy: 0.933, f1: 0.93, sizeBytes: 12_000, latencyMs: 0.2, trainSeconds: null, measuredOn: 'wasm' }),
  row({ model: 'nb', name: 'Gaussian naive Bayes', accuracy: 0.867, f1: 0.86, sizeBytes: 300, latencyMs: 0.004, trainSeconds: 0.001 }),
];
const LISTING: BaselineListing = {
  meta: {
    format: 'model-studio/baseline', formatVersion: 1, id: 'bl-aaaaaaaa', name: 'Baselines · Iris', datasetId: 'ds-iris0001', seed: 42, search: false,
    features: { kind: 'tabular', features: 2 }, testSamples: 15, split: { seed: 7, validationFraction: 0.1, testFraction: 0.1, counts: [120, 15, 15] }, results: [], generatedBy: 'Model Studio 0.1.0', createdAt: AT, files: {},
  },
  damaged: null,
  stale: false,
};

async function openIris(handlers: FakeHandlers = {}, opts: { locale?: 'zh-CN' } = {}) {
  const studio = fakeStudio({
    'project:current': () => projectView('Lab'),
    'dataset:list': () => [irisManifest()],
    'baseline:leaderboard': () => ROWS,
    'baseline:list': () => [LISTING],
    // A job's end makes the project's lists fetch again.
    'run:list': () => [],
    'checkpoint:list': () => [],
    ...(opts.locale ? { 'settings:get': () => ({ settings: { ...DEFAULT_SETTINGS, language: opts.locale! }, problem: null }) } : {}),
    ...handlers,
  });
  const wrapper = mountWithStudio(App, studio);
  await flushPromises();
  await wrapper.find('[data-testid="dataset-item"][data-id="ds-iris0001"]').trigger('click');
  await flushPromises();
  return { studio, wrapper, panel: () => wrapper.find('[data-testid="baselines-panel"]') };
}

const order = (w: Awaited<ReturnType<typeof openIris>>['wrapper']) => w.findAll('[data-testid="leaderboard-row"]').map((r) => r.attributes('data-model'));

describe('the Baselines panel', () => {
  it('shows baselines and networks of the dataset side by side, best accuracy first, with figures as the rows give them', async () => {
    const { wrapper, studio } = await openIris();
    expect(studio.callsTo('baseline:leaderboard')).toEqual([{ datasetId: 'ds-iris0001' }]);
    expect(order(wrapper)).toEqual(['forest', 'Run 1 · epoch 5', 'nb']);
    const [forest, network] = wrapper.findAll('[data-testid="leaderboard-row"]');
    expect(forest!.text()).toContain('Random forest');
    expect(forest!.find('[data-testid="cell-accuracy"]').text()).toBe('96.00%');
    expect(forest!.find('[data-testid="cell-sizeBytes"]').text()).toBe('87.9 KB');
    expect(forest!.find('[data-testid="cell-trainSeconds"]').text()).toBe('3.5 s');
    expect(network!.attributes('data-kind')).toBe('network');
    expect(network!.text()).toContain('Network');
    expect(network!.text()).toContain('WASM');
    expect(network!.find('[data-testid="cell-trainSeconds"]').text()).toBe('—');
    // The best of each column is marked: accuracy the forest's, size naive Bayes'.
    expect(forest!.find('[data-testid="cell-accuracy"]').classes()).toContain('best');
    expect(wrapper.findAll('[data-testid="leaderboard-row"]')[2]!.find('[data-testid="cell-sizeBytes"]').classes()).toContain('best');
  });

  it('sorts by a column when its heading is clicked (best first), and reverses on a second click; a missing figure stays last', async () => {
    const { wrapper } = await openIris();
    await wrapper.find('[data-testid="sort-sizeBytes"]').trigger('click');
    expect(order(wrapper)).toEqual(['nb', 'Run 1 · epoch 5', 'forest']);
    expect(wrapper.find('th[aria-sort="ascending"]').text()).toContain('Size');
    await wrapper.find('[data-testid="sort-sizeBytes"]').trigger('click');
    expect(order(wrapper)).toEqual(['forest', 'Run 1 · epoch 5', 'nb']);
    await wrapper.find('[data-testid="sort-trainSeconds"]').trigger('click');
    expect(order(wrapper)).toEqual(['nb', 'forest', 'Run 1 · epoch 5']);
    await wrapper.find('[data-testid="sort-trainSeconds"]').trigger('click');
    expect(order(wrapper)).toEqual(['forest', 'nb', 'Run 1 · epoch 5']);
  });

  it('starts a run with the ticked models in table order and a name in the UI\'s language, shows its progress and fetches again when it ends', async () => {
    const { wrapper, studio, panel } = await openIris({ 'baseline:start': () => ({ jobId: 'j1', baselineId: 'bl-cccccccc' }) });
    await panel().find('[data-testid="baseline-model-svm"]').setValue(false);
    await panel().find('[data-testid="baseline-model-forest"]').setValue(false);
    await panel().find('[data-testid="baseline-search"]').setValue(true);
    await panel().find('[data-testid="baseline-run"]').trigger('click');
    await flushPromises();
    expect(studio.callsTo('baseline:start')).toEqual([{ datasetId: 'ds-iris0001', models: ['lr', 'svm-linear', 'tree', 'knn', 'nb'], search: true, name: 'Baselines · Iris' }]);
    studio.emit('job:updated', job('j1', { kind: 'baseline', title: 'Baselines · Iris (5 models)', progress: 0.4, message: 'Fitting k-nearest neighbours' }));
    await flushPromises();
    const progress = panel().find('[data-testid="job-progress"]');
    expect(progress.text()).toContain('Fitting 5 baselines');
    expect(progress.find('[data-testid="job-message"]').text()).toBe('Fitting k-nearest neighbours');
    expect((panel().find('[data-testid="baseline-run"]').element as HTMLButtonElement).disabled).toBe(true);
    const fetched = studio.callsTo('baseline:leaderboard').length;
    studio.emit('job:updated', job('j1', { kind: 'baseline', status: 'done', progress: 1 }));
    await flushPromises();
    expect(panel().find('[data-testid="job-progress"]').exists()).toBe(false);
    expect(studio.callsTo('baseline:leaderboard').length).toBe(fetched + 1);
    expect(wrapper.find('[data-testid="error-panel"]').exists(), wrapper.find('[data-testid="error-panel"]').exists() ? wrapper.find('[data-testid="error-panel"]').text() : '').toBe(false);
  });

  it('sends hyper-parameters set in its fields, and refuses a value main would refuse before starting', async () => {
    const { studio, panel } = await openIris({ 'baseline:start': () => ({ jobId: 'j3', baselineId: 'bl-eeeeeeee' }) });
    expect(panel().find('[data-testid="baseline-settings"] summary').text()).toBe('Hyper-parameters (scikit-learn’s defaults)');
    expect((panel().find('[data-testid="baseline-setting-knn.k"]').element as HTMLInputElement).value).toBe('5');
    await panel().find('[data-testid="baseline-setting-forest.trees"]').setValue('many');
    expect(panel().find('[data-testid="baseline-settings-problem"]').text()).toBe('Random forest · Trees needs a whole number from 1 to 1,000.');
    expect((panel().find('[data-testid="baseline-run"]').element as HTMLButtonElement).disabled).toBe(true);
    await panel().find('[data-testid="baseline-setting-forest.trees"]').setValue('50');
    await panel().find('[data-testid="baseline-setting-knn.k"]').setValue('3');
    await panel().find('[data-testid="baseline-setting-tree.maxDepth"]').setValue('4');
    expect(panel().find('[data-testid="baseline-settings-problem"]').exists()).toBe(false);
    expect(panel().find('[data-testid="baseline-settings"] summary').text()).toBe('Hyper-parameters (changed)');
    await panel().find('[data-testid="baseline-run"]').trigger('click');
    await flushPromises();
    const [req] = studio.callsTo('baseline:start') as [{ settings: Record<string, Record<string, unknown>> }];
    expect(req.settings).toMatchObject({ knn: { k: 3 }, forest: { trees: 50, maxDepth: null }, tree: { maxDepth: 4, minSamples: 1 }, svm: { C: 1, gamma: 'scale' } });
    await panel().find('[data-testid="baseline-settings-reset"]').trigger('click');
    expect((panel().find('[data-testid="baseline-setting-knn.k"]').element as HTMLInputElement).value).toBe('5');
  });

  it('cancels a running job from its progress', async () => {
    const { studio, panel } = await openIris({ 'baseline:start': () => ({ jobId: 'j2', baselineId: 'bl-dddddddd' }), 'job:cancel': () => job('j2', { kind: 'baseline', status: 'cancelled' }) });
    await panel().find('[data-testid="baseline-run"]').trigger('click');
    await flushPromises();
    studio.emit('job:updated', job('j2', { kind: 'baseline', progress: 0.1, message: 'Reading the dataset' }));
    await flushPromises();
    await panel().find('[data-testid="job-cancel"]').trigger('click');
    await flushPromises();
    expect(studio.callsTo('job:cancel')).toEqual([{ id: 'j2' }]);
    expect(panel().find('[data-testid="job-progress"]').exists()).toBe(false);
  });

  it('removes a stored run after a second click', async () => {
    const { studio, panel } = await openIris({ 'baseline:remove': () => null });
    const remove = panel().find('[data-testid="baseline-run-item"] [data-testid="baseline-remove"]');
    await remove.trigger('click');
    expect(studio.callsTo('baseline:remove')).toEqual([]);
    expect(remove.text()).toBe('Remove? Click again');
    await remove.trigger('click');
    await flushPromises();
    expect(studio.callsTo('baseline:remove')).toEqual([{ id: 'bl-aaaaaaaa' }]);
  });

  it('says what to do when there is nothing to compare, and offers no search without a validation split', async () => {
    const iris = irisManifest();
    const noVal = { ...iris, splits: { ...iris.splits, validation: { count: 0, classCounts: [0, 0, 0] } } };
    const { panel } = await openIris({ 'dataset:list': () => [noVal], 'baseline:leaderboard': () => [], 'baseline:list': () => [] });
    expect(panel().find('[data-testid="leaderboard-empty"]').text()).toMatch(/^Nothing to compare yet/);
    expect((panel().find('[data-testid="baseline-search"]').element as HTMLInputElement).disabled).toBe(true);
  });

  it('says why a job failed in the UI\'s language when main said it by key', async () => {
    const { wrapper, studio, panel } = await openIris({ 'baseline:start': () => ({ jobId: 'j4', baselineId: 'bl-ffffffff' }) }, { locale: 'zh-CN' });
    await panel().find('[data-testid="baseline-run"]').trigger('click');
    await flushPromises();
    const said = say('errors.baselineNoTest', { dataset: 'Iris' });
    studio.emit('job:updated', job('j4', { kind: 'baseline', status: 'failed', error: { code: 'BAD_REQUEST', message: said.text, said } }));
    await flushPromises();
    expect(wrapper.find('[data-testid="error-message"]').text()).toBe('Iris 没有可用于给基线评分的测试样本：请重新划分并留出测试集。');
  });

  it('speaks Chinese when the UI does', async () => {
    const { panel } = await openIris({}, { locale: 'zh-CN' });
    expect(panel().find('h3').text()).toBe('经典基线');
    const text = panel().text();
    for (const word of ['随机森林', '神经网络', '准确率', '训练时间', '运行基线', '朴素贝叶斯', '3.5 秒']) expect(text).toContain(word);
  });
});
