import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { StudioError } from '../../src-shared/errors';
import { DEFAULT_SETTINGS } from '../../src-shared/settings/settings';
import App from '../../src-renderer/App.vue';
import { APP_INFO, fakeStudio, mountWithStudio, projectView } from './fake-studio';

// Unmounting aborts each app's window listeners (shortcuts) so tests cannot see each other's.
enableAutoUnmount(afterEach);

async function openDialog(studio: ReturnType<typeof fakeStudio>) {
  const wrapper = mountWithStudio(App, studio);
  await flushPromises();
  await wrapper.find('[data-testid="new-project-button"]').trigger('click');
  return wrapper;
}

describe('new project dialog', () => {
  it('prefills the parent folder and shows no Browse button without native dialogs', async () => {
    const wrapper = await openDialog(fakeStudio());
    const parent = wrapper.find<HTMLInputElement>('[data-testid="parent-dir-input"]');
    expect(parent.element.value).toBe(APP_INFO.defaultParentDir);
    expect(wrapper.find('[data-testid="browse-button"]').exists()).toBe(false);
    expect(wrapper.find<HTMLButtonElement>('[data-testid="create-button"]').element.disabled).toBe(true);
  });

  it('shows the name problem live and keeps Create disabled until the name is valid', async () => {
    const wrapper = await openDialog(fakeStudio());
    const name = wrapper.find('[data-testid="project-name-input"]');
    const create = () => wrapper.find<HTMLButtonElement>('[data-testid="create-button"]').element;

    await name.setValue('bad/name');
    expect(wrapper.find('[data-testid="project-name-problem"]').text()).toBe(
      'The name contains "/", which cannot be used in a file name.',
    );
    expect(create().disabled).toBe(true);

    await name.setValue('con');
    expect(wrapper.find('[data-testid="project-name-problem"]').text()).toContain('reserved file name');
    expect(create().disabled).toBe(true);

    await name.setValue('Digits');
    expect(wrapper.find('[data-testid="project-name-problem"]').exists()).toBe(false);
    expect(create().disabled).toBe(false);
    expect(wrapper.text()).toContain('Creates /home/ada/Model Studio/Digits/Digits.mstudio');
  });

  it('says the name problem in Chinese when the UI is in Chinese', async () => {
    const wrapper = await openDialog(fakeStudio({ 'settings:get': () => ({ settings: { ...DEFAULT_SETTINGS, language: 'zh-CN' }, problem: null }) }));
    const name = wrapper.find('[data-testid="project-name-input"]');
    await name.setValue('bad/name');
    expect(wrapper.find('[data-testid="project-name-problem"]').text()).toBe('名称含有“/”，不能用作文件名。');
    await name.setValue('con');
    expect(wrapper.find('[data-testid="project-name-problem"]').text()).toBe('“con”是 Windows 的保留文件名。');
    await name.setValue('  ');
    expect(wrapper.find('[data-testid="project-name-problem"]').text()).toBe('名称为空。');
  });

  it('creates the project with name and parent folder on Enter, then shows it', async () => {
    const studio = fakeStudio({ 'project:create': ({ name, parentDir }) => projectView(name, `${parentDir}/${name}`) });
    const wrapper = await openDialog(studio);
    await wrapper.find('[data-testid="project-name-input"]').setValue('Digits');
    await wrapper.find('[data-testid="parent-dir-input"]').setValue('/tmp/work');
    await wrapper.find('form').trigger('submit');
    await flushPromises();

    expect(studio.callsTo('project:create')).toEqual([{ name: 'Digits', parentDir: '/tmp/work' }]);
    expect(wrapper.find('[data-testid="new-project-dialog"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="project-title"]').text()).toBe('Digits');
  });

  it('keeps the dialog open and shows the error when creating fails', async () => {
    const studio = fakeStudio({
      'project:create': () => {
        throw new StudioError('PROJECT_EXISTS', 'A project folder named "Digits" already exists in /tmp/work.');
      },
    });
    const wrapper = await openDialog(studio);
    await wrapper.find('[data-testid="project-name-input"]').setValue('Digits');
    await wrapper.find('form').trigger('submit');
    await flushPromises();

    expect(wrapper.find('[data-testid="error-message"]').text()).toContain('already exists');
    expect(wrapper.find<HTMLInputElement>('[data-testid="project-name-input"]').element.value).toBe('Digits');
    // What happened and what to do, in words: the internal code is not part of what is shown.
    const panel = wrapper.find('[data-testid="error-panel"]');
    expect(panel.text()).not.toContain('PROJECT_EXISTS');
    expect(panel.attributes('data-code')).toBe('PROJECT_EXISTS');
    // The focus stays in the dialog (on the field to fix), so Esc still closes it.
    expect(document.activeElement).toBe(wrapper.find('[data-testid="project-name-input"]').element);
    await wrapper.find('[data-testid="project-name-input"]').trigger('keydown', { key: 'Escape' });
    expect(wrapper.find('[data-testid="new-project-dialog"]').exists()).toBe(false);
  });

  it('closes on Esc without creating anything', async () => {
    const studio = fakeStudio();
    const wrapper = await openDialog(studio);
    await wrapper.find('[data-testid="new-project-dialog"]').trigger('keydown', { key: 'Escape' });
    expect(wrapper.find('[data-testid="new-project-dialog"]').exists()).toBe(false);
    expect(studio.callsTo('project:create')).toEqual([]);
  });
});
