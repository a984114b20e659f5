/**
 * The app's settings as main keeps them (settings:get / settings:set), and what follows from
 * them in this window: the UI language (the OS's when it is Chinese, on `system`) and the theme.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { DEFAULT_SETTINGS, type Language, type Settings, type SettingsPatch } from '../../src-shared/settings/settings';
import { useStudio } from '../bridge';

export type Locale = 'en' | 'zh-CN';

/** The locale a language setting means here: `system` follows the OS (Chinese or English). */
export function localeOf(language: Language, systemLanguages: readonly string[] = typeof navigator === 'undefined' ? [] : navigator.languages): Locale {
  if (language !== 'system') return language;
  return systemLanguages.some((l) => /^zh\b/i.test(l)) ? 'zh-CN' : 'en';
}

export const useSettingsStore = defineStore('settings', () => {
  const studio = useStudio();
  const settings = ref<Settings>(DEFAULT_SETTINGS);
  /** Why the stored settings were not used, from main. */
  const problem = ref<string | null>(null);
  const dialogOpen = ref(false);

  async function load(): Promise<void> {
    try {
      const r = await studio.call(studio.api.settings.get({}));
      settings.value = r.settings;
      problem.value = r.problem;
    } catch {
      // No settings channel (an older host): the defaults stand.
    }
  }

  /** Saves a change; rejects with main's reason (a projects folder that does not exist). */
  async function save(patch: SettingsPatch): Promise<void> {
    settings.value = await studio.call(studio.api.settings.set(patch));
    problem.value = null;
  }

  return { settings, problem, dialogOpen, load, save };
});
