/** App-wide facts from main (name, version, shell capabilities) and the colour scheme (the setting, or the OS's). */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { StudioErrorData } from '../../src-shared/errors';
import type { AppInfo } from '../../src-shared/ipc/contract';
import { useStudio } from '../bridge';
import { errorData } from './errors';

export type Theme = 'light' | 'dark';

export const useAppStore = defineStore('app', () => {
  const studio = useStudio();
  const info = ref<AppInfo | null>(null);
  const loadError = ref<StudioErrorData | null>(null);
  const theme = ref<Theme>('light');
  /** The theme setting: `system` follows the OS. */
  const themeChoice = ref<'system' | Theme>('system');
  let reapply: () => void = () => undefined;

  const nativeDialogs = computed(() => info.value?.capabilities.nativeDialogs ?? false);
  const nativeMenu = computed(() => info.value?.capabilities.nativeMenu ?? false);

  /** Fetches app:info once; later calls return the cached value. */
  async function load(): Promise<void> {
    if (info.value) return;
    try {
      info.value = await studio.call(studio.api.app.info({}));
      loadError.value = null;
    } catch (err) {
      loadError.value = errorData(err);
    }
  }

  /** Follows the OS colour scheme and mirrors it on <html data-theme> for the CSS. */
  function followSystemTheme(): () => void {
    const query = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
    const apply = () => {
      theme.value = themeChoice.value === 'system' ? (query?.matches ? 'dark' : 'light') : themeChoice.value;
      document.documentElement.dataset.theme = theme.value;
    };
    reapply = apply;
    apply();
    query?.addEventListener('change', apply);
    return () => query?.removeEventListener('change', apply);
  }

  /** Light, dark, or following the OS. */
  function setTheme(choice: 'system' | Theme): void {
    themeChoice.value = choice;
    reapply();
  }

  return { info, loadError, theme, nativeDialogs, nativeMenu, load, followSystemTheme, setTheme };
});
