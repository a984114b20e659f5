/** Ids of a project's models, runs, checkpoints, exports and baselines. */
import { randomBytes } from 'node:crypto';

/** A new id: the prefix, a dash and 8 random lowercase base36 characters (e.g. `md-0k3x9a2b`). */
export function newEntityId(prefix: 'md' | 'rn' | 'ck' | 'ex' | 'bl'): string {
  return `${prefix}-` + [...randomBytes(8)].map((b) => (b % 36).toString(36)).join('');
}
