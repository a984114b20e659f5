/**
 * Shows what main said (src-shared/messages) in the UI's language: a Message by its key, with
 * its numbers formatted for the locale; a plain string (older files) as it is.
 */
import { useI18n } from 'vue-i18n';
import type { Message, Said } from '../../src-shared/messages/message';
import { errorData } from '../stores/errors';

export function useSaid(): (s: Said) => string {
  const { t, te, locale } = useI18n();
  const said = (s: Said): string => {
    if (typeof s === 'string') return s;
    const key = `messages.${s.key}`;
    if (!te(key)) return s.text;
    // vue-i18n fills the placeholders; numbers are formatted first, as the English text has them,
    // and a message inside a message is said in the same language.
    const shown = (v: string | number | Message) => (typeof v === 'number' ? v.toLocaleString(locale.value) : typeof v === 'string' ? v : said(v));
    return t(key, Object.fromEntries(Object.entries(s.params).map(([k, v]) => [k, shown(v)])));
  };
  return said;
}


/** A failed call's message in the UI's language where main said it by key, else as main wrote it. */
export function useErrorText(): (err: unknown) => string {
  const said = useSaid();
  return (err) => {
    const data = errorData(err);
    return data.said ? said(data.said) : data.message;
  };
}
