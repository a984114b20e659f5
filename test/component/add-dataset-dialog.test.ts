import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../src-renderer/App.vue';
import { StudioError } from '../../src-shared/errors';
import { say } from '../../src-shared/messages/message';
import { DEFAULT_SETTINGS } from '../../src-shared/settings/settings';
import { job, mnistManifest } from './dataset-fixtures';
import { fakeStudio, mountWithStudio, projectView } from './fake-studio';

enableAutoUnmount(afterEach);

function withDatasetEntry() {
  const view = projectView('Digits');
  view.manifest.datasets.push({ id: 'ds-mnist001', name: 'MNIST digits', createdAt: '2025-01-02T03:04:05.000Z', dir: 'datasets/ds-mnist001' });
  return view;
}

async function openDialog(handlers: Parameters<typeof fakeStudio>[0] = {}) {
  const studio = fakeStudio({
    'project:current': () => projectView('Digits'),
    'dataset:import': () => ({ jobId: 'job-7' }),
    'job:cancel': ({ id }) => job(id, { status: 'cancelled', progress: 0.25, message: 'Cancelled' }),
    ...handlers,
  });
  const wrapper = mountWithStudio(App, studio);
  await flushPromises();
  await wrapper.find('[data-testid="add-dataset-button"]').trigger('click');
  return { studio, wrapper };
}

describe('add dataset dialog', () => {
  it('adds a sample in one click, shows the import job with progress, and cancels it', async () => {
    const { studio, wrapper } = await openDialog();
    expect(wrapper.find('[data-testid="add-dataset-dialog"]').exists()).toBe(true);

    await wrapper.find('[data-testid="add-sample-mnist"]').trigger('click');
    await flushPromises();
    expect(studio.callsTo('dataset:import')).toEqual([{ source: { type: 'sample', sample: 'mnist' } }]);
    expect(wrapper.find('[data-testid="add-dataset-dialog"]').exists()).toBe(false);

    studio.emit('job:updated', job('job-7', { progress: 0.4, message: 'Writing x.bin' }));
    await flushPromises();
    const progress = wrapper.find('[data-testid="job-progress"]');
    expect(progress.text()).toContain('Writing x.bin');
    expect(progress.find('[role="progressbar"]').attributes('aria-valuenow')).toBe('40');
    expect(wrapper.find('[data-testid="status-jobs"]').text()).toBe('1 running job');

    await wrapper.find('[data-testid="job-cancel"]').trigger('click');
    await flushPromises();
    expect(studio.callsTo('job:cancel')).toEqual([{ id: 'job-7' }]);
    expect(wrapper.find('[data-testid="job-progress"]').exists()).toBe(false);
  });

  it('shows the import job\'s title and progress line in Chinese when the UI is', async () => {
    const { studio, wrapper } = await openDialog({ 'settings:get': () => ({ settings: { ...DEFAULT_SETTINGS, language: 'zh-CN' }, problem: null }) });
    await wrapper.find('[data-testid="add-sample-mnist"]').trigger('click');
    await flushPromises();
    const title = say('jobs.importTitle', { name: 'MNIST digits' });
    const line = say('jobs.decodedOf', { done: 1200, total: 2400 });
    studio.emit('job:updated', job('job-7', { title: title.text, titleSaid: title, message: line.text, messageSaid: line }));
    await flushPromises();
    const progress = wrapper.find('[data-testid="job-progress"]');
    expect(progress.find('.title').text()).toBe('导入 MNIST digits');
    expect(progress.find('[data-testid="job-message"]').text()).toBe('已解码 1,200 / 2,400 张图像');
  });

  it('lists the new dataset when the finished import changes the project', async () => {
    let listed = false;
    const { studio, wrapper } = await openDialog({ 'dataset:list': () => (listed ? [mnistManifest()] : []) });
    await wrapper.find('[data-testid="add-sample-mnist"]').trigger('click');
    await flushPromises();
    studio.emit('job:updated', job('job-7'));
    await flushPromises();
    expect(wrapper.find('[data-testid="datasets-list"]').exists()).toBe(false);

    listed = true;
    studio.emit('job:updated', job('job-7', { status: 'done', progress: 1 }));
    studio.emit('project:changed', withDatasetEntry());
    await flushPromises();
    const item = wrapper.find('[data-testid="dataset-item"]');
    expect(item.text()).toContain('MNIST digits');
    expect(item.text()).toContain('10 classes');
    expect(item.findAll('.count-value').map((c) => c.text())).toEqual(['54,000', '6,000', '10,000']);
    expect(wrapper.find('[data-testid="job-progress"]').exists()).toBe(false);
  });

  it('shows a failed import in the error panel', async () => {
    const { studio, wrapper } = await openDialog();
    await wrapper.find('[data-testid="add-sample-spam"]').trigger('click');
    await flushPromises();
    studio.emit('job:updated', job('job-7'));
    studio.emit('job:updated', job('job-7', { status: 'failed', error: { code: 'BAD_INPUT', message: 'wrong IDX magic 0x00000000' } }));
    await flushPromises();
    expect(wrapper.find('[data-testid="error-message"]').text()).toBe('wrong IDX magic 0x00000000');
  });

  it('imports IDX files from typed paths with the split settings (no Browse without native dialogs)', async () => {
    const { studio, wrapper } = await openDialog();
    expect(wrapper.find('[data-testid="idx-images-file"]').exists()).toBe(false);
    await wrapper.find('form').trigger('submit');
    expect(wrapper.find('[data-testid="import-problem"]').text()).toBe('Choose the images file.');
    expect(studio.callsTo('dataset:import')).toEqual([]);

    await wrapper.find('[data-testid="idx-images"]').setValue('/data/train-images.gz');
    await wrapper.find('[data-testid="idx-labels"]').setValue('/data/train-labels.gz');
    await wrapper.find('[data-testid="dataset-name"]').setValue('Fashion');
    await wrapper.find('[data-testid="split-seed"]').setValue('7');
    await wrapper.find('[data-testid="split-validation"]').setValue('0.2');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(studio.callsTo('dataset:import')).toEqual([
      {
        source: { type: 'idx', images: '/data/train-images.gz', labels: '/data/train-labels.gz' },
        name: 'Fashion',
        split: { seed: 7, validationFraction: 0.2, testFraction: 0.1 },
      },
    ]);
  });

  it('says what a path holds, and why it cannot be read, in Chinese when the UI is', async () => {
    const { wrapper } = await openDialog({
      'settings:get': () => ({ settings: { ...DEFAULT_SETTINGS, language: 'zh-CN' }, problem: null }),
      'dataset:inspect': ({ path }) => {
        if (path === '/data/bad.csv') throw StudioError.say('BAD_REQUEST', say('errors.csvEmpty', { file: 'bad.csv' }));
        return { importer: 'csv', kind: 'tabular', classes: [], columns: ['a', 'b', 'label'], note: say('inspect.csvNoHeader', { delimiter: 'Tab', n: 3 }) };
      },
    });
    await wrapper.find('[data-testid="source-type"]').setValue('csv');
    const path = wrapper.find('[data-testid="source-path"]');
    await path.setValue('/data/iris.tsv');
    await path.trigger('change');
    await flushPromises();
    expect(wrapper.find('[data-testid="inspect-note"]').text()).toBe('CSV（以 Tab 分隔，无表头，列名为 col1..）：3 列；请选择标签列。');
    await path.setValue('/data/bad.csv');
    await path.trigger('change');
    await flushPromises();
    expect(wrapper.find('[data-testid="inspect-error"]').text()).toBe('bad.csv 是空的。');
  });

  it('reads a CSV file\'s columns to pick the label and text columns', async () => {
    const { studio, wrapper } = await openDialog({
      'dataset:inspect': () => ({ importer: 'csv', kind: 'text', classes: [], columns: ['id', 'message', 'category'], note: say('inspect.csvHeader', { delimiter: '“,”', n: 3 }) }),
    });
    await wrapper.find('[data-testid="source-type"]').setValue('csv');
    const path = wrapper.find('[data-testid="source-path"]');
    await path.setValue('/data/sms.csv');
    await path.trigger('change');
    await flushPromises();
    expect(studio.callsTo('dataset:inspect')).toEqual([{ path: '/data/sms.csv' }]);
    expect(wrapper.find('[data-testid="inspect-note"]').text()).toBe('CSV separated by “,”, with a header: 3 columns; choose the label column.');
    expect((wrapper.find('[data-testid="csv-label-column"]').element as HTMLSelectElement).value).toBe('category');
    expect((wrapper.find('[data-testid="csv-text-column"]').element as HTMLSelectElement).value).toBe('message');

    await wrapper.find('[data-testid="text-tokenizer"]').setValue('char');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    const [req] = studio.callsTo('dataset:import') as [{ source: unknown }];
    expect(req.source).toEqual({
      type: 'csv',
      path: '/data/sms.csv',
      labelColumn: 'category',
      textColumn: 'message',
      text: { tokenizer: 'char', vocabSize: 20000, seqLength: 256 },
    });
  });

  it('offers Browse buttons with native dialogs and fills the path from dialog:chooseFolder', async () => {
    const { studio, wrapper } = await openDialog({
      'app:info': () => ({ ...APP_NATIVE }),
      'dialog:chooseFolder': () => ({ path: '/data/flowers' }),
    });
    await wrapper.find('[data-testid="source-type"]').setValue('images');
    await wrapper.find('[data-testid="source-path-folder"]').trigger('click');
    await flushPromises();
    expect(studio.callsTo('dialog:chooseFolder')).toHaveLength(1);
    expect((wrapper.find('[data-testid="source-path"]').element as HTMLInputElement).value).toBe('/data/flowers');
    await wrapper.find('[data-testid="image-color"]').setValue('grayscale');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    const [req] = studio.callsTo('dataset:import') as [{ source: unknown }];
    expect(req.source).toEqual({ type: 'images', path: '/data/flowers', image: { width: 32, height: 32, color: 'grayscale' } });
  });
});

const APP_NATIVE = {
  name: 'Model Studio',
  version: '0.1.0',
  platform: 'linux',
  shell: 'electron' as const,
  capabilities: { nativeDialogs: true, nativeMenu: true },
  defaultParentDir: '/home/ada',
};
