import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../src-renderer/App.vue';
import { mnistManifest } from './dataset-fixtures';
import { fakeStudio, mountWithStudio, projectView } from './fake-studio';

// Unmounting aborts each app's window listeners (shortcuts) so tests cannot see each other's.
enableAutoUnmount(afterEach);

function withDataset() {
  const view = projectView('Digits');
  view.manifest.datasets.push({
    id: 'ds-mnist001',
    name: 'MNIST digits',
    createdAt: '2025-01-02T03:04:05.000Z',
    dir: 'datasets/ds-mnist001',
  });
  return view;
}

describe('project view', () => {
  it('shows the project name, the five sections and what each will hold', async () => {
    const wrapper = mountWithStudio(
      App,
      fakeStudio({ 'project:current': () => withDataset(), 'dataset:list': () => [mnistManifest()], 'checkpoint:list': () => [] }),
    );
    await flushPromises();

    expect(wrapper.find('[data-testid="project-title"]').text()).toBe('Digits');
    const labels = ['datasets', 'models', 'runs', 'compression', 'exports'].map((s) =>
      wrapper.find(`[data-testid="sidebar-${s}"]`).text(),
    );
    expect(labels).toEqual(['Datasets1', 'Models', 'Training runs', 'Compression', 'Exports']);

    // Datasets lists what the dataset service reports.
    expect(wrapper.find('[data-testid="datasets-list"]').text()).toContain('MNIST digits');

    await wrapper.find('[data-testid="sidebar-models"]').trigger('click');
    expect(wrapper.find('[data-testid="empty-state"]').text()).toContain('No models yet');
    await wrapper.find('[data-testid="sidebar-compression"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="empty-state"]').text()).toContain('Nothing to compress yet: train a model first');
  });

  it('switches sections with Ctrl+1..5', async () => {
    const wrapper = mountWithStudio(App, fakeStudio({ 'project:current': () => withDataset(), 'checkpoint:list': () => [], 'export:list': () => [] }));
    await flushPromises();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '5', ctrlKey: true }));
    await flushPromises();
    expect(wrapper.find('[data-testid="sidebar-exports"]').attributes('aria-current')).toBe('page');
    expect(wrapper.find('[data-testid="empty-state"]').text()).toContain('Nothing to export yet: train a model first');
  });

  it('closes the project and returns to the start screen', async () => {
    const studio = fakeStudio({ 'project:current': () => withDataset(), 'project:close': () => null });
    const wrapper = mountWithStudio(App, studio);
    await flushPromises();

    await wrapper.find('[data-testid="close-project-button"]').trigger('click');
    await flushPromises();
    expect(studio.callsTo('project:close')).toHaveLength(1);
    expect(wrapper.find('[data-testid="project-view"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="start-screen"]').exists()).toBe(true);
  });

  it('follows project:changed events from main', async () => {
    const studio = fakeStudio();
    const wrapper = mountWithStudio(App, studio);
    await flushPromises();

    studio.emit('project:changed', projectView('Faces'));
    await flushPromises();
    expect(wrapper.find('[data-testid="project-title"]').text()).toBe('Faces');

    studio.emit('project:changed', null);
    await flushPromises();
    expect(wrapper.find('[data-testid="start-screen"]').exists()).toBe(true);
  });
});
