/** The app's vue-i18n instance: English and Simplified Chinese (the same keys: a test checks). */
import { createI18n } from 'vue-i18n';
import en from './en';
import zhCN from './zh-CN';

export type MessageSchema = typeof en;

type StudioI18n = ReturnType<typeof makeI18n>;

function makeI18n() {
  return createI18n<[MessageSchema], 'en' | 'zh-CN'>({
    legacy: false,
    locale: 'en',
    fallbackLocale: 'en',
    messages: { en, 'zh-CN': zhCN as unknown as MessageSchema },
  });
}

/** The instance the app (or the latest test) created: stores name things in its language. */
let active: StudioI18n | null = null;

/** Creates the i18n plugin (English until the settings say otherwise); tests create their own the same way. */
export function createStudioI18n(): StudioI18n {
  active = makeI18n();
  return active;
}

/**
 * A message in the UI's current language, for code outside components (stores naming the runs
 * and checkpoints they create); English before any instance exists.
 */
export function translate(key: string, named: Record<string, unknown> = {}): string {
  const i18n = active ?? (active = makeI18n());
  return i18n.global.t(key, named);
}
