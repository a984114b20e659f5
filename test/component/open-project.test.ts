import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { StudioError } from '../../src-shared/errors';
import { say } from '../../src-shared/messages/message';
import { DEFAULT_SETTINGS } from '../../src-shared/settings/settings';
import App from '../../src-renderer/App.vue';
import { APP_INFO, fakeStudio, mountWithStudio, projectView } from './fake-studio';

// Unmounting aborts each app's window listeners (shortcuts) so tests cannot see each other's.
enableAutoUnmount(afterEach);

const NOT_JSON = 'The project file is not valid JSON: Unexpected token } in JSON at position 12';

describe('opening a project', () => {
  it('shows the error panel with the message and stays on the start screen', async () => {
    const studio = fakeStudio({
      'project:open': () => {
        throw new StudioError('PROJECT_NOT_JSON', NOT_JSON);
      },
    });
    const wrapper = mountWithStudio(App, studio);
    await flushPromises();

    await wrapper.find('[data-testid="open-project-button"]').trigger('click');
    await wrapper.find('[data-testid="open-path-input"]').setValue('/tmp/Broken/Broken.mstudio');
    await wrapper.find('[data-testid="open-path-submit"]').trigger('click');
    await wrapper.find('form').trigger('submit');
    await flushPromises();

    expect(studio.callsTo('project:open')).toContainEqual({ path: '/tmp/Broken/Broken.mstudio' });
    expect(wrapper.find('[data-testid="error-panel"]').isVisible()).toBe(true);
    expect(wrapper.find('[data-testid="error-message"]').text()).toBe(NOT_JSON);
    expect(wrapper.find('[data-testid="start-screen"]').exists()).toBe(true);

    await wrapper.find('[data-testid="error-dismiss"]').trigger('click');
    expect(wrapper.find('[data-testid="error-panel"]').exists()).toBe(false);
  });

  it('says an error main said by key in the UI\'s language (the English text where it has none)', async () => {
    const studio = fakeStudio({
      'settings:get': () => ({ settings: { ...DEFAULT_SETTINGS, language: 'zh-CN' }, problem: null }),
      'project:open': () => {
        throw StudioError.say('PROJECT_LOCKED', say('errors.lockOpenElsewhere', { path: '/p/Digits', pid: '4242', host: 'lab' }));
      },
    });
    const wrapper = mountWithStudio(App, studio);
    await flushPromises();
    await wrapper.find('[data-testid="open-project-button"]').trigger('click');
    await wrapper.find('[data-testid="open-path-input"]').setValue('/p/Digits/Digits.mstudio');
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('[data-testid="error-message"]').text()).toBe('/p/Digits 处的项目已在另一个窗口或进程中打开（lab 上的进程 4242）。请先在那里关闭它。');
    expect(wrapper.find('[data-testid="error-title"]').text()).toMatch(/[\u4e00-\u9fff]/);
  });

  it('uses the native dialog when the shell has one', async () => {
    const studio = fakeStudio({
      'app:info': () => ({ ...APP_INFO, shell: 'electron', capabilities: { nativeDialogs: true, nativeMenu: true } }),
      'dialog:openProject': () => ({ path: '/p/Digits/Digits.mstudio' }),
      'project:open': () => projectView('Digits'),
    });
    const wrapper = mountWithStudio(App, studio);
    await flushPromises();

    await wrapper.find('[data-testid="open-project-button"]').trigger('click');
    await flushPromises();

    expect(wrapper.find('[data-testid="open-path-dialog"]').exists()).toBe(false);
    expect(studio.callsTo('project:open')).toEqual([{ path: '/p/Digits/Digits.mstudio' }]);
    expect(wrapper.find('[data-testid="project-title"]').text()).toBe('Digits');
  });

  it('opens a path the OS asks for (app:openRequest) and runs menu commands', async () => {
    const studio = fakeStudio({ 'project:open': () => projectView('Digits') });
    const wrapper = mountWithStudio(App, studio);
    await flushPromises();

    studio.emit('app:openRequest', { path: '/p/Digits/Digits.mstudio' });
    await flushPromises();
    expect(wrapper.find('[data-testid="project-title"]').text()).toBe('Digits');

    studio.emit('app:command', { command: 'project.new' });
    await flushPromises();
    expect(wrapper.find('[data-testid="new-project-dialog"]').exists()).toBe(true);
  });

  it('binds Ctrl+O to Open when the shell has no native menu', async () => {
    const wrapper = mountWithStudio(App, fakeStudio());
    await flushPromises();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'o', ctrlKey: true }));
    await flushPromises();
    expect(wrapper.find('[data-testid="open-path-dialog"]').exists()).toBe(true);
  });
});
