/** Intl says "now" / "现在" for 0 seconds; people write these. */
const JUST_NOW: Record<string, string> = { en: 'just now', 'zh-CN': '刚刚' };

/** "3 hours ago"-style text for a timestamp, falling back to the date for anything older than a week. */
export function relativeTime(iso: string, now: Date = new Date(), locale = 'en'): string {
  const then = new Date(iso);
  const seconds = Math.round((then.getTime() - now.getTime()) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return JUST_NOW[locale] ?? JUST_NOW.en!;
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86400) return rtf.format(Math.round(seconds / 86400), 'day');
  return then.toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric' });
}
