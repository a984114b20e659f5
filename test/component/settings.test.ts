/**
 * Settings from the start screen: the stored settings shown, a change saved through main, the
 * UI switching to Chinese and the dark theme at once; a projects folder main refuses is said
 * in the dialog, in the UI's language, and nothing else changes; a new run starts on the default backend.
 */
import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../src-renderer/App.vue';
import { StudioError } from '../../src-shared/errors';
import { say } from '../../src-shared/messages/message';
import { DEFAULT_SETTINGS, type Settings } from '../../src-shared/settings/settings';
import { fakeStudio, mountWithStudio } from './fake-studio';

enableAutoUnmount(afterEach);

function setup(stored: Partial<Settings> = {}) {
  let settings: Settings = { ...DEFAULT_SETTINGS, ...stored };
  const studio = fakeStudio({
    'settings:get': () => ({ settings, problem: null }),
    'settings:set': (patch) => {
      const p = patch as Partial<Settings>;
      if (p.projectsDir === '/nope') throw StudioError.say('BAD_REQUEST', say('errors.projectsDirMissing', { path: '/nope' }));
      settings = { ...settings, ...p };
      return settings;
    },
  });
  return { studio, wrapper: mountWithStudio(App, studio) };
}

describe('settings', () => {
  it('switches the whole UI to Chinese and the theme to dark when saved, through main', async () => {
    const { studio, wrapper } = setup();
    await flushPromises();
    expect(wrapper.find('[data-testid="new-project-button"]').text()).toContain('New Project');
    await wrapper.find('[data-testid="settings-button"]').trigger('click');
    await flushPromises();
    const dialog = wrapper.find('[data-testid="settings-dialog"]');
    expect((dialog.find('[data-testid="settings-language"]').element as HTMLSelectElement).value).toBe('system');
    await dialog.find('[data-testid="settings-language"]').setValue('zh-CN');
    await dialog.find('[data-testid="settings-theme"]').setValue('dark');
    await dialog.find('form').trigger('submit');
    await flushPromises();
    expect(studio.callsTo('settings:set')).toEqual([{ language: 'zh-CN', theme: 'dark', defaultBackend: 'auto', projectsDir: null }]);
    expect(wrapper.find('[data-testid="settings-dialog"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="new-project-button"]').text()).toContain('新建项目');
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('starts in the stored language, and says why a projects folder is refused, keeping the dialog open', async () => {
    const { wrapper } = setup({ language: 'zh-CN' });
    await flushPromises();
    expect(wrapper.find('[data-testid="new-project-button"]').text()).toContain('新建项目');
    await wrapper.find('[data-testid="settings-button"]').trigger('click');
    await flushPromises();
    await wrapper.find('[data-testid="settings-projects-dir"]').setValue('/nope');
    await wrapper.find('[data-testid="settings-dialog"] form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('[data-testid="settings-problem"]').text()).toBe('项目文件夹 /nope 不存在或不是文件夹。');
    expect(wrapper.find('[data-testid="settings-dialog"]').exists()).toBe(true);
  });
});
