/** Opens the model editor on one model in the full App, with a fake studio that saves edits. */
import { flushPromises } from '@vue/test-utils';
import App from '../../src-renderer/App.vue';
import type { ModelView } from '../../src-shared/ipc/training-contract';
import { parseModelSpec } from '../../src-shared/models/spec';
import { DEFAULT_SETTINGS } from '../../src-shared/settings/settings';
import { mnistManifest } from './dataset-fixtures';
import { fakeStudio, mountWithStudio, projectView } from './fake-studio';
import { seedCnnModel } from './training-fixtures';

/** The mounted App with `model` open in the editor; rows, their layer types and the totals line. */
export async function openModelEditor(model: ModelView = seedCnnModel(), opts: { language?: 'zh-CN' } = {}) {
  const studio = fakeStudio({
    ...(opts.language ? { 'settings:get': () => ({ settings: { ...DEFAULT_SETTINGS, language: opts.language! }, problem: null }) } : {}),
    'project:current': () => projectView('Lab'),
    'dataset:list': () => [mnistManifest()],
    'model:list': () => [model],
    'model:update': (req) => ({ ...model, spec: req.spec ? parseModelSpec(req.spec) : model.spec }),
  });
  const wrapper = mountWithStudio(App, studio);
  await flushPromises();
  await wrapper.find('[data-testid="sidebar-models"]').trigger('click');
  await flushPromises();
  await wrapper.find(`[data-testid="model-item"][data-id="${model.id}"]`).trigger('click');
  await flushPromises();
  const rows = () => wrapper.findAll('[data-testid="layer-row"]');
  const types = () => rows().map((r) => r.attributes('data-type'));
  const total = () => wrapper.find('[data-testid="model-summary-total"]');
  return { studio, wrapper, rows, types, total };
}
