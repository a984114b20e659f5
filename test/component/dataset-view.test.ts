import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../src-renderer/App.vue';
import type { DatasetManifest } from '../../src-shared/datasets/schema';
import type { RequestOf } from '../../src-shared/ipc/contract';
import { say } from '../../src-shared/messages/message';
import { DEFAULT_SETTINGS } from '../../src-shared/settings/settings';
import { imagePage, irisManifest, mnistManifest, spamManifest, textPage } from './dataset-fixtures';
import { fakeStudio, mountWithStudio, projectView, type FakeHandlers } from './fake-studio';

enableAutoUnmount(afterEach);

async function openDataset(manifest: DatasetManifest, handlers: FakeHandlers = {}) {
  const studio = fakeStudio({
    'project:current': () => projectView('Lab'),
    'dataset:list': () => [manifest],
    'dataset:samples': (req) => imagePage(Math.min(req.limit, 20), req.offset, req.classIndex),
    ...handlers,
  });
  const wrapper = mountWithStudio(App, studio);
  await flushPromises();
  await wrapper.find(`[data-testid="dataset-item"][data-id="${manifest.id}"]`).trigger('click');
  await flushPromises();
  return { studio, wrapper };
}

describe('dataset view', () => {
  it('draws one bar per class and split with the manifest\'s counts', async () => {
    const { wrapper } = await openDataset(mnistManifest());
    expect(wrapper.find('[data-testid="dataset-view"]').exists()).toBe(true);
    const bars = wrapper.findAll('[data-testid="class-histogram"] [data-testid="histogram-bar"]');
    expect(bars).toHaveLength(30);
    const train = bars.filter((b) => b.attributes('data-split') === 'train').map((b) => Number(b.attributes('data-count')));
    expect(train).toEqual(mnistManifest().splits.train.classCounts);
    const one = bars.find((b) => b.attributes('data-class') === '1' && b.attributes('data-split') === 'test')!;
    expect(one.text()).toBe('1 · Test: 1,135');
    // The tallest bar (class 1, train) reaches the top; the others are shorter.
    const heights = bars.map((b) => Number(b.attributes('height')));
    expect(Math.max(...heights)).toBe(Number(bars[3]!.attributes('height')));
    expect(wrapper.find('[data-testid="histogram-table"]').text()).toContain('6068');
    // Round ticks up to a round top, not fractions of the largest count (3,034 and 6,068).
    expect(wrapper.findAll('[data-testid="histogram-tick"]').map((t) => t.text())).toEqual(['0', '2,000', '4,000', '6,000', '8,000']);
  });

  it('shows the split counts and that the test set comes from the source', async () => {
    const { wrapper } = await openDataset(mnistManifest());
    const counts = ['train', 'validation', 'test'].map((s) => wrapper.find(`[data-testid="split-count-${s}"] td`).text());
    expect(counts).toEqual(['54,000', '6,000', '10,000']);
    expect(wrapper.find('[data-testid="test-from-source"]').exists()).toBe(true);
  });

  it('shows a page of image samples and filters by class', async () => {
    const { studio, wrapper } = await openDataset(mnistManifest());
    expect(studio.callsTo('dataset:samples')).toEqual([{ id: 'ds-mnist001', split: 'train', offset: 0, limit: 48 }]);
    const cells = wrapper.findAll('[data-testid="sample-grid"] [data-testid="sample-cell"]');
    expect(cells).toHaveLength(20);
    expect(cells[3]!.text()).toBe('3');
    expect(cells[3]!.find('canvas').attributes('width')).toBe('28');
    expect(wrapper.find('[data-testid="samples-range"]').text()).toBe('1–48 of 54,000');

    await wrapper.find('[data-testid="samples-class"]').setValue('7');
    await flushPromises();
    expect(studio.callsTo('dataset:samples').at(-1)).toEqual({ id: 'ds-mnist001', split: 'train', offset: 0, limit: 48, classIndex: 7 });
    expect(wrapper.findAll('[data-testid="sample-cell"]').every((c) => c.attributes('data-label') === '7')).toBe(true);
    expect(wrapper.find('[data-testid="samples-range"]').text()).toBe('1–48 of 5,639');

    await wrapper.find('[data-testid="samples-next"]').trigger('click');
    await flushPromises();
    expect((studio.callsTo('dataset:samples').at(-1) as RequestOf<'dataset:samples'>).offset).toBe(48);
  });

  it('shows text snippets with their labels, and the import report\'s skipped files', async () => {
    const { wrapper } = await openDataset(spamManifest(), {
      'dataset:samples': () => textPage(['Meeting moved to 3pm', 'WIN A FREE CRUISE NOW'], [0, 1]),
    });
    const snippets = wrapper.findAll('[data-testid="text-snippets"] [data-testid="text-snippet"]');
    expect(snippets.map((s) => s.text())).toEqual(['hamMeeting moved to 3pm', 'spamWIN A FREE CRUISE NOW']);
    expect(wrapper.find('[data-testid="sample-grid"]').exists()).toBe(false);

    const report = wrapper.find('[data-testid="import-report"]');
    expect(report.find('[data-testid="report-imported"]').text()).toBe('6,046');
    expect(report.findAll('[data-testid="skipped-item"]').map((r) => r.text())).toEqual([
      'spam-2/cmdsnot a .txt or .eml file',
      'easy-ham-1/00042.binnot valid UTF-8 text',
    ]);
    expect(report.find('[data-testid="report-warnings"]').text()).toContain('3 empty files');
  });

  it('shows feature statistics for a tabular dataset', async () => {
    const { studio, wrapper } = await openDataset(irisManifest());
    const rows = wrapper.findAll('[data-testid="feature-stats"] [data-testid="feature-row"]');
    expect(rows.map((r) => r.findAll('th, td').map((c) => c.text()))).toEqual([
      ['sepal_length', '4.3', '7.9', '5.84', '0.83', '0'],
      ['petal_width', '0.1', '2.5', '1.2', '0.76', '3'],
    ]);
    expect(studio.callsTo('dataset:samples')).toEqual([]);
  });

  it('re-splits with a new seed through the API and shows the new counts', async () => {
    const resplit = spamManifest();
    resplit.split = { ...resplit.split, seed: 99, validationFraction: 0.2 };
    resplit.splits = { ...resplit.splits, train: { count: 4232, classCounts: [2900, 1332] } };
    const { studio, wrapper } = await openDataset(spamManifest(), {
      'dataset:samples': () => textPage([], []),
      'dataset:resplit': () => resplit,
    });
    await wrapper.find('[data-testid="resplit-open"]').trigger('click');
    await wrapper.find('[data-testid="resplit-seed"]').setValue('99');
    await wrapper.find('[data-testid="resplit-validation"]').setValue('0.2');
    await wrapper.find('[data-testid="split-summary"] form').trigger('submit');
    await flushPromises();
    expect(studio.callsTo('dataset:resplit')).toEqual([
      { id: 'ds-spam0001', split: { seed: 99, validationFraction: 0.2, testFraction: 0.1 } },
    ]);
    expect(wrapper.find('[data-testid="split-count-train"] td').text()).toBe('4,232');
    expect(wrapper.find('[data-testid="split-summary"]').text()).toContain('Seed 99');
  });
});

describe('damaged datasets', () => {
  it('lists a dataset whose files cannot be read beside the readable ones, with why, and removes it on a second click', async () => {
    let damaged = [{ id: 'ds-broken01', name: 'Odd CSV', reason: 'dataset ds-broken01: dataset.json is invalid: expected number, received null' }];
    const studio = fakeStudio({
      'project:current': () => projectView('Lab'),
      'dataset:list': () => [mnistManifest()],
      'dataset:damaged': () => damaged,
      'dataset:remove': () => {
        damaged = [];
        return null;
      },
    });
    const wrapper = mountWithStudio(App, studio);
    await flushPromises();
    expect(wrapper.findAll('[data-testid="dataset-item"]')).toHaveLength(1);
    const item = wrapper.find('[data-testid="damaged-dataset"]');
    expect(item.attributes('data-id')).toBe('ds-broken01');
    expect(item.text()).toContain('Odd CSV');
    expect(item.find('[data-testid="damaged-reason"]').text()).toContain('dataset.json is invalid');
    await item.find('[data-testid="damaged-remove"]').trigger('click');
    expect(studio.callsTo('dataset:remove')).toEqual([]);
    expect(item.find('[data-testid="damaged-remove"]').text()).toBe('Remove for good?');
    await item.find('[data-testid="damaged-remove"]').trigger('click');
    await flushPromises();
    expect(studio.callsTo('dataset:remove')).toEqual([{ id: 'ds-broken01' }]);
    expect(wrapper.find('[data-testid="damaged-datasets"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid="dataset-item"]')).toHaveLength(1);
  });
});

describe('damaged datasets in Chinese', () => {
  it('says why a dataset cannot be read in the UI\'s language', async () => {
    const why = say('errors.dataset.invalid', { id: 'ds-broken01', reason: 'expected number, received null' });
    const studio = fakeStudio({
      'settings:get': () => ({ settings: { ...DEFAULT_SETTINGS, language: 'zh-CN' }, problem: null }),
      'project:current': () => projectView('Lab'),
      'dataset:list': () => [mnistManifest()],
      'dataset:damaged': () => [{ id: 'ds-broken01', name: 'Odd CSV', reason: why.text, said: why }],
    });
    const wrapper = mountWithStudio(App, studio);
    await flushPromises();
    expect(wrapper.find('[data-testid="damaged-reason"]').text()).toBe('数据集 ds-broken01：dataset.json 无效：expected number, received null');
  });
});

describe('import report', () => {
  it('does not say nothing was skipped when a warning says samples were dropped', async () => {
    const names = mnistManifest();
    names.report = { imported: 8003, skipped: [], skippedTotal: 0, warnings: ['419 names in both lists were dropped.'], durationMs: 40 };
    const { wrapper } = await openDataset(names);
    const report = wrapper.find('[data-testid="import-report"]');
    expect(report.find('[data-testid="report-warnings"]').text()).toContain('419 names');
    expect(report.find('[data-testid="report-none-skipped"]').exists()).toBe(false);
  });
});
