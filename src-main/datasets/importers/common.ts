/**
 * Small helpers every importer shares: cancellation, clear errors, class-name sorting and a
 * bounded-concurrency loop.
 */
import { StudioError } from '../../../src-shared/errors';
import { say, type Message } from '../../../src-shared/messages/message';
import type { SkippedItem } from '../raw-dataset';

/** Throws StudioError('CANCELLED') when the import was cancelled. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new StudioError('CANCELLED', 'The import was cancelled.');
}

/** A StudioError('BAD_REQUEST') with a message a person can act on (by key where it is a Message: the app says it in the UI's language). */
export function badInput(message: string | Message, details?: unknown): StudioError {
  return typeof message === 'string' ? new StudioError('BAD_REQUEST', message, details) : StudioError.say('BAD_REQUEST', message, details);
}

/** Sorts names the way a person expects ("2" before "10", "cat" before "Dog"), the same on every machine. */
export const compareNames = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' }).compare;

/** The most classes a dataset may have (more is nearly always the wrong label column). */
export const MAX_CLASSES = 1000;

/**
 * Refuses datasets a classifier cannot learn from: zero classes, just one, or more than MAX_CLASSES.
 * `why` says what no classes means for the source (errors.noClassesWhy.*), `source` what was counted (errors.classSource.*).
 */
export function checkClassNames(
  classNames: readonly string[],
  why: Message = say('errors.noClassesWhy.subfolders'),
  source: Message = say('errors.classSource.classes'),
): void {
  if (classNames.length > MAX_CLASSES) {
    throw badInput(say('errors.tooManyClasses', { n: fmt(classNames.length), source, max: fmt(MAX_CLASSES) }));
  }
  if (classNames.length === 0) throw badInput(say('errors.noClasses', { why }));
  if (classNames.length === 1) {
    throw badInput(say('errors.oneClass', { name: classNames[0]! }));
  }
}

/** Why an Error happened, by key where it was said by key (a StudioError.say), else in its own words. */
export function reasonOf(err: Error): string | Message {
  return err instanceof StudioError && err.said ? err.said : err.message;
}

/** "1,204": numbers in messages, grouped the same way everywhere. */
export function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** A mutable list of skipped items shared by the parts of one import. */
export type SkipList = SkippedItem[];

/**
 * Runs `fn` over `items` with at most `limit` calls in flight, in any order; stops starting new
 * calls after a failure or cancellation and rejects with it.
 */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      throwIfCancelled(signal);
      const i = next++;
      try {
        await fn(items[i] as T, i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const workers = Array.from({ length: Math.min(limit, items.length) }, worker);
  // allSettled first so no worker is still running when the caller sees the error.
  const results = await Promise.allSettled(workers);
  const bad = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (bad) throw bad.reason;
  throwIfCancelled(signal);
}

/** Calls `report` at most every `ms` milliseconds (and always for the last step). */
export function throttled(report: (p: number | null, m?: string | Message) => void, ms = 100) {
  let last = 0;
  return (p: number | null, m?: string | Message, force = false): void => {
    const now = Date.now();
    if (!force && now - last < ms) return;
    last = now;
    report(p, m);
  };
}

/** Names that operating systems and archivers leave behind; never samples, never reported. */
export function isJunkName(segment: string): boolean {
  return segment.startsWith('.') || segment === '__MACOSX' || segment === 'Thumbs.db' || segment === 'desktop.ini';
}
