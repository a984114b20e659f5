/** The app's vue-i18n instance (English only for now; other locales add a messages file). */
import { createI18n } from 'vue-i18n';
import en from './en';

export type MessageSchema = typeof en;

/** Creates the i18n plugin; tests create their own the same way. */
export function createStudioI18n() {
  return createI18n<[MessageSchema], 'en'>({
    legacy: false,
    locale: 'en',
    fallbackLocale: 'en',
    messages: { en },
  });
}
