/**
 * Staged folders: a folder of a project (a dataset, a checkpoint) is written beside its final
 * place as `.incoming-<name>` and renamed into place once complete and fsynced, and is renamed to
 * `.removing-<name>-<random>` before it is deleted, so a crash never leaves a half-written or
 * half-deleted folder under the real name, only leftovers that the next open sweeps away.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '../../src-shared/errors';
import { say, type Message } from '../../src-shared/messages/message';
import { fsyncDir } from './atomic-write';

/** The prefix of a folder still being written. */
export const INCOMING_PREFIX = '.incoming-';
/** The prefix of a folder being deleted. */
export const REMOVING_PREFIX = '.removing-';

/** How a staged write names its incoming folder and commits it. */
export interface StagedWriteOptions {
  /** Checked once the files are synced, just before the commit. */
  signal?: AbortSignal | undefined;
  /** Appended to the incoming folder's name, so it cannot collide with another write of the name. */
  incomingSuffix?: string;
  /**
   * Replaces an existing folder: it is renamed to this name in the root first and deleted after
   * the commit, so a crash between the two renames leaves it for cleanup to put back.
   */
  replacedName?: string;
}

/**
 * Runs `write` on a fresh `<root>/.incoming-<name>` folder, fsyncs the folder, renames it to
 * `<root>/<name>` and fsyncs the root; removes the incoming folder when anything fails or the
 * signal aborts, and returns what `write` returned.
 */
export async function writeStagedFolder<T>(
  root: string,
  name: string,
  write: (incoming: string) => Promise<T>,
  opts: StagedWriteOptions = {},
): Promise<T> {
  const incoming = join(root, `${INCOMING_PREFIX}${name}${opts.incomingSuffix ?? ''}`);
  const target = join(root, name);
  const replaced = opts.replacedName === undefined ? null : join(root, opts.replacedName);
  await mkdir(root, { recursive: true });
  // The kind folder (datasets/, checkpoints/) may itself be a link before it holds any entry.
  if ((await lstat(root)).isSymbolicLink()) {
    throw StudioError.say('PROJECT_PATH_ESCAPES', say('errors.paths.folderIsLink', { path: root }), { path: root });
  }
  await mkdir(incoming);
  try {
    const result = await write(incoming);
    await fsyncDir(incoming);
    opts.signal?.throwIfAborted();
    if (replaced) await rename(target, replaced);
    await rename(incoming, target);
    await fsyncDir(root);
    if (replaced) await rm(replaced, { recursive: true, force: true });
    return result;
  } catch (err) {
    await rm(incoming, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
}

/**
 * Deletes `<root>/<name>` after renaming it aside, so a half-deleted folder never has the real
 * name; a folder that is not there is no error. `what` names it in the error message (a path, or
 * a Message said in the UI's language).
 */
export async function removeStagedFolder(root: string, name: string, what: string | Message): Promise<void> {
  const aside = join(root, `${REMOVING_PREFIX}${name}-${randomBytes(4).toString('hex')}`);
  try {
    await rename(join(root, name), aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw StudioError.say('IO_ERROR', say('errors.paths.cannot.remove', { what, reason: (err as Error).message }), { id: name });
  }
  await rm(aside, { recursive: true, force: true });
}

/** What a sweep deletes, and what it hands on. */
export interface SweepOptions {
  /** Entries whose names start with one of these are deleted. */
  prefixes: readonly string[];
  /** Names to leave alone: the incoming folders of writes in progress. */
  busy?: ReadonlySet<string>;
  /** Called with every other name in order; returns true when it removed (or restored) the entry. */
  other?: (name: string) => Promise<boolean>;
}

/**
 * Tidies a root folder after a crash: deletes the entries named with one of the prefixes except
 * the busy ones, passes the rest to `other`, and returns the names it removed (none when the root
 * cannot be read).
 */
export async function sweepLeftovers(root: string, opts: SweepOptions): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (opts.prefixes.some((p) => name.startsWith(p)) && !opts.busy?.has(name)) {
      await rm(join(root, name), { recursive: true, force: true });
      removed.push(name);
    } else if (opts.other && (await opts.other(name))) {
      removed.push(name);
    }
  }
  return removed;
}
