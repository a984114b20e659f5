/**
 * A sentence main writes for a person, kept in files and sent to the app: its English `text`
 * (what the CLI prints and every reader can show) and the `key` and `params` the app uses to
 * say it in the UI's language. Files written before messages had keys hold plain strings.
 */
import { z } from 'zod';
import { EN_MESSAGES } from './en-messages';

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];

/** A key of EN_MESSAGES, e.g. "warnings.raggedRows". */
export type MessageKey = Leaves<typeof EN_MESSAGES>;

/** A message: a param may itself be one ("This image cannot be used: {reason}"), said in the same language. */
export interface Message {
  key: string;
  params: MessageParams;
  text: string;
}
export type MessageParams = Record<string, string | number | Message>;

const Param: z.ZodType<string | number | Message> = z.lazy(() => z.union([z.string(), z.number(), Message]));

export const Message: z.ZodType<Message> = z.strictObject({
  key: z.string().regex(/^[A-Za-z]+(\.[A-Za-z]+)+$/),
  params: z.record(z.string(), Param),
  text: z.string(),
});

/** What files hold: a Message, or a plain string from before. */
export const Said = z.union([z.string(), Message]);
export type Said = z.infer<typeof Said>;

/** The English template of a key. */
export function englishTemplate(key: MessageKey): string {
  let node: unknown = EN_MESSAGES;
  for (const part of key.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'string') throw new Error(`No message "${key}".`);
  return node;
}

/** Fills `{name}` placeholders; numbers get thousands separators, as the English text has them. */
export function fillTemplate(template: string, params: MessageParams, formatNumber: (n: number) => string = (n) => n.toLocaleString('en')): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    if (v === undefined) return whole;
    if (typeof v === 'object') return v.text;
    return typeof v === 'number' ? formatNumber(v) : v;
  });
}

/** A message with its English text. */
export function say(key: MessageKey, params: MessageParams = {}): Message {
  return { key, params, text: fillTemplate(englishTemplate(key), params) };
}

/** The English text of what was said. */
export function textOf(s: Said): string {
  return typeof s === 'string' ? s : s.text;
}
