import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecentProject } from '../../src-shared/ipc/contract';
import App from '../../src-renderer/App.vue';
import { fakeStudio, mountWithStudio, projectView } from './fake-studio';

const RECENT: RecentProject[] = [
  { path: '/home/ada/Model Studio/Digits/Digits.mstudio', name: 'Digits', openedAt: new Date().toISOString(), exists: true },
  { path: '/mnt/usb/Old/Old.mstudio', name: 'Old', openedAt: '2024-03-01T10:00:00.000Z', exists: false },
];

// Unmounting aborts each app's window listeners (shortcuts) so tests cannot see each other's.
enableAutoUnmount(afterEach);

describe('start screen', () => {
  it('lists recent projects with name and path, greying out missing ones', async () => {
    const studio = fakeStudio({ 'recent:list': () => RECENT });
    const wrapper = mountWithStudio(App, studio);
    await flushPromises();

    expect(wrapper.find('[data-testid="start-screen"]').exists()).toBe(true);
    const items = wrapper.findAll('[data-testid="recent-item"]');
    expect(items).toHaveLength(2);
    expect(items[0]!.text()).toContain('Digits');
    expect(items[0]!.text()).toContain('/home/ada/Model Studio/Digits/Digits.mstudio');
    expect(items[0]!.text()).toContain('Opened just now');
    expect(items[1]!.classes()).toContain('missing');
    expect(items[1]!.text()).toContain('Not found');
    expect(items[0]!.find('[data-testid="recent-remove"]').exists()).toBe(false);
  });

  it('opens a recent project on click and shows its name', async () => {
    const studio = fakeStudio({
      'recent:list': () => RECENT,
      'project:open': ({ path }) => ({ ...projectView('Digits'), path }),
    });
    const wrapper = mountWithStudio(App, studio);
    await flushPromises();

    await wrapper.findAll('[data-testid="recent-item"] button')[0]!.trigger('click');
    await flushPromises();

    expect(studio.callsTo('project:open')).toEqual([{ path: RECENT[0]!.path }]);
    expect(wrapper.find('[data-testid="start-screen"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="project-title"]').text()).toBe('Digits');
  });

  it('removes a missing project from the list', async () => {
    let list = [...RECENT];
    const studio = fakeStudio({
      'recent:list': () => list,
      'recent:remove': ({ path }) => (list = list.filter((r) => r.path !== path)),
    });
    const wrapper = mountWithStudio(App, studio);
    await flushPromises();

    await wrapper.find('[data-testid="recent-remove"]').trigger('click');
    await flushPromises();

    expect(studio.callsTo('recent:remove')).toEqual([{ path: '/mnt/usb/Old/Old.mstudio' }]);
    expect(wrapper.findAll('[data-testid="recent-item"]').map((i) => i.text())).toEqual([
      expect.stringContaining('Digits'),
    ]);
  });

  it('says where projects will appear when there are no recent ones', async () => {
    const wrapper = mountWithStudio(App, fakeStudio());
    await flushPromises();
    expect(wrapper.find('[data-testid="recent-list"]').exists()).toBe(false);
    expect(wrapper.text()).toContain('Projects you create or open will be listed here.');
  });
});
