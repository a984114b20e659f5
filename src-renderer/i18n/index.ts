/** The app's vue-i18n instance: English and Simplified Chinese (the same keys: a test checks). */
import { createI18n } from 'vue-i18n';
import en from './en';
import zhCN from './zh-CN';

export type MessageSchema = typeof en;

/** Creates the i18n plugin (English until the settings say otherwise); tests create their own the same way. */
export function createStudioI18n() {
  return createI18n<[MessageSchema], 'en' | 'zh-CN'>({
    legacy: false,
    locale: 'en',
    fallbackLocale: 'en',
    messages: { en, 'zh-CN': zhCN as unknown as MessageSchema },
  });
}
