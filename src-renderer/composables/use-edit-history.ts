/**
 * Undo and redo for an editor's document: each change records the state before it; changes of
 * the same thing in quick succession (typing "128" into one field) count as one step.
 */

/** How close together two changes of the same key are to be one undo step. */
const COALESCE_MS = 1000;

export interface EditHistory<T> {
  /** Call before applying a change; `key` names what it changes (e.g. a field), for coalescing. */
  record(before: T, key?: string): void;
  /** The state to go back to from `current`, or null when there is nothing to undo. */
  undo(current: T): T | null;
  /** The state to go forward to from `current`, or null when there is nothing to redo. */
  redo(current: T): T | null;
  clear(): void;
}

/** A history of at most `limit` steps. */
export function createEditHistory<T>(limit = 200, now: () => number = Date.now): EditHistory<T> {
  let past: T[] = [];
  let future: T[] = [];
  let last: { key: string; at: number } | null = null;
  return {
    record(before, key) {
      const t = now();
      const same = key !== undefined && last?.key === key && t - last.at < COALESCE_MS;
      last = key === undefined ? null : { key, at: t };
      future = [];
      if (same && past.length) return;
      past.push(before);
      if (past.length > limit) past = past.slice(-limit);
    },
    undo(current) {
      const prev = past.pop();
      if (prev === undefined) return null;
      future.push(current);
      last = null;
      return prev;
    },
    redo(current) {
      const next = future.pop();
      if (next === undefined) return null;
      past.push(current);
      last = null;
      return next;
    },
    clear() {
      past = [];
      future = [];
      last = null;
    },
  };
}
