import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../src-renderer/App.vue';
import type { RequestOf } from '../../src-shared/ipc/contract';
import { parseModelSpec } from '../../src-shared/models/spec';
import { mnistManifest } from './dataset-fixtures';
import { fakeStudio, mountWithStudio, projectView } from './fake-studio';
import { openModelEditor } from './model-editor-fixtures';
import { seedCnnModel } from './training-fixtures';

enableAutoUnmount(afterEach);

const openEditor = openModelEditor;

describe('model editor', () => {
  it('shows each layer\'s output shape and parameters, and the totals, for seed-cnn on MNIST', async () => {
    const { rows, total } = await openEditor();
    expect(rows()).toHaveLength(8);
    const shapes = rows().map((r) => r.find('[data-testid="layer-shape"]').text());
    expect(shapes).toEqual(['26×26×32', '13×13×32', '11×11×64', '5×5×64', '3×3×64', '576', '64', '10']);
    expect(rows()[0]!.find('[data-testid="layer-params"]').text()).toBe('320');
    expect(total().attributes('data-params')).toBe('93322');
    expect(total().text()).toContain('93,322 parameters');
    // 2 x multiply-adds: 389,376 + 4,460,544 + 663,552 + 73,728 + 1,280.
    expect(total().attributes('data-flops')).toBe('5588480');
  });

  it('shows the shape error at the first layer that does not fit, and blocks Save', async () => {
    const { wrapper, rows, total } = await openEditor();
    // A 15x15 kernel on the 13x13 output of layer 2 does not fit.
    await rows()[2]!.find('[data-testid="field-kernelSize"]').setValue('15');
    await flushPromises();
    const errors = wrapper.findAll('[data-testid="shape-error"]');
    expect(errors).toHaveLength(1);
    expect(rows()[2]!.find('[data-testid="shape-error"]').text()).toContain('layer 3 (conv2d): kernel 15x15 does not fit a 13x13 input');
    expect(rows()[3]!.find('[data-testid="layer-shape"]').text()).toBe('—');
    expect(wrapper.find('[data-testid="unsaved-marker"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="save-model-button"]').attributes('disabled')).toBeDefined();
    // Totals cover the layers before the error.
    expect(Number(total().attributes('data-params'))).toBe(320);
  });

  it('says the shape error and the missing softmax in Chinese when the UI is', async () => {
    const { wrapper, rows } = await openEditor(seedCnnModel(), { language: 'zh-CN' });
    await rows()[2]!.find('[data-testid="field-kernelSize"]').setValue('15');
    await flushPromises();
    expect(rows()[2]!.find('[data-testid="shape-error"]').text()).toBe("第 3 层（conv2d）：卷积核 15x15 放不进 13x13 的输入；请使用 padding 'same' 或更小的卷积核");
    await rows()[2]!.find('[data-testid="field-kernelSize"]').setValue('3');
    await rows()[7]!.find('[data-testid="field-activation"]').setValue('linear');
    await flushPromises();
    expect(wrapper.find('[data-testid="model-warnings"]').text()).toBe('最后一层应为带 softmax 的 dense 层：损失函数需要类别概率');
    // A refused field value, in Chinese too.
    await rows()[6]!.find('[data-testid="field-units"]').setValue('-5');
    await flushPromises();
    expect(rows()[6]!.find('.problem').text()).toBe('单元数不能小于 1');
    await rows()[0]!.find('[data-testid="field-kernelSize"]').setValue('3y');
    await flushPromises();
    expect(rows()[0]!.find('.problem').text()).toBe('卷积核大小应是尺寸，如 3 或 3x5');
  });

  it('says what is wrong with a field in words, and shows no stale figures until it is fixed', async () => {
    const { wrapper, rows, total } = await openEditor();
    const dense = rows()[6]!;
    expect(dense.find('.f-label').text()).toBe('Units');
    expect(rows()[0]!.findAll('.f-label').map((l) => l.text())).toContain('Kernel size');
    await dense.find('[data-testid="field-units"]').setValue('-5');
    await flushPromises();
    expect(dense.find('.problem').text()).toBe('Units must be at least 1');
    expect(dense.find('[data-testid="layer-shape"]').text()).toBe('—');
    expect(dense.find('[data-testid="layer-params"]').text()).toBe('—');
    expect(wrapper.find('[data-testid="model-total-pending"]').text()).toBe('Fix the layers above to see the totals.');
    await dense.find('[data-testid="field-units"]').setValue('32');
    await flushPromises();
    expect(rows()[6]!.find('[data-testid="layer-shape"]').text()).toBe('32');
    expect(wrapper.find('[data-testid="model-total-pending"]').exists()).toBe(false);
    expect(total().text()).toContain('parameters');
  });

  it('undoes and redoes layer edits with Ctrl+Z and Ctrl+Shift+Z, a field\'s typing as one step', async () => {
    const { wrapper, rows } = await openEditor();
    const units = () => rows()[6]!.find<HTMLInputElement>('[data-testid="field-units"]');
    for (const v of ['1', '12', '128']) await units().setValue(v);
    await rows()[0]!.find('[data-testid="layer-remove"]').trigger('click');
    await flushPromises();
    expect(rows()).toHaveLength(7);
    const key = (init: KeyboardEventInit) => wrapper.find('[data-testid="model-editor"]').trigger('keydown', init);
    await key({ key: 'z', ctrlKey: true });
    await flushPromises();
    expect(rows()).toHaveLength(8);
    expect(units().element.value).toBe('128');
    await key({ key: 'z', ctrlKey: true });
    await flushPromises();
    // The three keystrokes were one edit: one undo brings back the original 64.
    expect(units().element.value).toBe('64');
    await key({ key: 'z', ctrlKey: true, shiftKey: true });
    await flushPromises();
    expect(units().element.value).toBe('128');
    await key({ key: 'y', ctrlKey: true });
    await flushPromises();
    expect(rows()).toHaveLength(7);
  });

  it('adds, removes and reorders layers with buttons and the keyboard, and saves the spec', async () => {
    const { studio, wrapper, rows, types } = await openEditor();
    // Add a dropout after the selected flatten layer (row 6).
    await rows()[5]!.trigger('focusin');
    await wrapper.find('[data-testid="add-layer-type"]').setValue('dropout');
    await wrapper.find('[data-testid="add-layer-button"]').trigger('click');
    expect(types()).toEqual(['conv2d', 'maxPool2d', 'conv2d', 'maxPool2d', 'conv2d', 'flatten', 'dropout', 'dense', 'dense']);

    // Move it down with the button, then back up with Alt+ArrowUp on the row.
    await rows()[6]!.find('[data-testid="layer-down"]').trigger('click');
    expect(types().slice(5)).toEqual(['flatten', 'dense', 'dropout', 'dense']);
    await rows()[7]!.trigger('keydown', { key: 'ArrowUp', altKey: true });
    expect(types().slice(5)).toEqual(['flatten', 'dropout', 'dense', 'dense']);

    // Remove the middle conv block with the button and the Delete key.
    await rows()[4]!.find('[data-testid="layer-remove"]').trigger('click');
    await rows()[3]!.trigger('keydown', { key: 'Delete' });
    expect(types()).toEqual(['conv2d', 'maxPool2d', 'conv2d', 'flatten', 'dropout', 'dense', 'dense']);
    expect(wrapper.find('[data-testid="shape-error"]').exists()).toBe(false);
    expect(rows()[3]!.find('[data-testid="layer-shape"]').text()).toBe('7744');

    await wrapper.find('[data-testid="save-model-button"]').trigger('click');
    await flushPromises();
    const saved = studio.callsTo('model:update') as RequestOf<'model:update'>[];
    expect(saved).toHaveLength(1);
    expect(saved[0]!.spec!.layers.map((l) => l.type)).toEqual(types());
    expect(wrapper.find('[data-testid="unsaved-marker"]').exists()).toBe(false);
  });

  it('asks before leaving with unsaved changes', async () => {
    const { wrapper, rows } = await openEditor();
    await rows()[6]!.find('[data-testid="field-units"]').setValue('128');
    await wrapper.find('[data-testid="model-back"]').trigger('click');
    expect(wrapper.find('[data-testid="unsaved-guard"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="model-editor"]').exists()).toBe(true);
    await wrapper.find('[data-testid="discard-button"]').trigger('click');
    expect(wrapper.find('[data-testid="model-editor"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="models-list"]').exists()).toBe(true);
  });

  it('creates a model from a template that fits the dataset', async () => {
    const created: RequestOf<'model:create'>[] = [];
    const studio = fakeStudio({
      'project:current': () => projectView('Lab'),
      'dataset:list': () => [mnistManifest()],
      'model:list': () => [],
      'model:create': (req) => {
        created.push(req);
        return seedCnnModel({ name: req.name, spec: parseModelSpec(req.spec) });
      },
    });
    const wrapper = mountWithStudio(App, studio);
    await flushPromises();
    await wrapper.find('[data-testid="sidebar-models"]').trigger('click');
    await wrapper.find('[data-testid="new-model-button"]').trigger('click');
    // Text templates do not fit an image dataset.
    expect(wrapper.find('[data-testid="template-text-transformer"]').attributes('disabled')).toBeDefined();
    expect(wrapper.find('[data-testid="template-mlp"]').attributes('disabled')).toBeDefined();
    await wrapper.find('[data-testid="template-vit-tiny"]').trigger('click');
    await flushPromises();
    expect(created[0]!.datasetId).toBe('ds-mnist001');
    expect(created[0]!.spec.layers[0]).toMatchObject({ type: 'patchEmbedding', patchSize: 7 });
    expect(wrapper.find('[data-testid="model-editor"]').exists()).toBe(true);
  });
});
