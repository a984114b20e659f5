/**
 * Paths inside a project never go through a link. A project file's entry folders are checked when
 * it opens, but files are read from `<kind>/<id>/…`, so every folder from the project folder down
 * to the file, and the file itself, is checked where it is read or written: a `datasets/<id>`
 * linked elsewhere, or a `dataset.json` linked to /etc/passwd, is refused rather than followed.
 */
import { constants } from 'node:fs';
import { lstat, open, readlink, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { StudioError } from '../../src-shared/errors';
import { say } from '../../src-shared/messages/message';

function linkError(projectDir: string, at: string, target: string | null): StudioError {
  const path = relative(projectDir, at);
  return StudioError.say('PROJECT_PATH_ESCAPES', target ? say('errors.paths.linkTo', { path, target }) : say('errors.paths.link', { path }), { path: at, target });
}

/**
 * The paths projectPath checked, with their project folder, so a read can confirm after opening
 * that the file it opened is the one checked (a folder swapped for a link in between is caught).
 */
const checked = new Map<string, string>();
const CHECKED_KEEP = 4096;

function remember(target: string, projectDir: string): void {
  // The folder too: files written beside the target (a temp file, a staged folder's files) are confirmed under it.
  for (const p of [dirname(target), target]) {
    if (p === projectDir || !p.startsWith(projectDir)) continue;
    checked.delete(p);
    checked.set(p, projectDir);
  }
  while (checked.size > CHECKED_KEEP) checked.delete(checked.keys().next().value as string);
}

/** The project folder a path was checked under (the path itself or a folder above it), or null. */
function checkedUnder(path: string): string | null {
  for (let at = path; ; ) {
    const dir = checked.get(at);
    if (dir) return dir;
    const up = dirname(at);
    if (up === at) return null;
    at = up;
  }
}

/** `projectDir/…parts`, once no folder or file along it is a link; what does not exist yet ends the check. */
export async function projectPath(projectDir: string, ...parts: string[]): Promise<string> {
  const target = join(projectDir, ...parts);
  const rel = relative(projectDir, target);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw StudioError.say('PROJECT_PATH_ESCAPES', say('errors.paths.notInside', { path: parts.join('/') }), { path: target });
  }
  let at = projectDir;
  for (const part of rel.split(sep)) {
    at = join(at, part);
    let st;
    try {
      st = await lstat(at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        remember(target, projectDir);
        return target;
      }
      throw err;
    }
    if (st.isSymbolicLink()) throw linkError(projectDir, at, await readlink(at).catch(() => null));
  }
  remember(target, projectDir);
  return target;
}

/**
 * After opening a file that projectPath checked (or one beside it): where the OS says which file a descriptor is
 * (Linux's /proc/self/fd), that it is the file inside the project the path names, with no link
 * put into the path since the check. Elsewhere the path is checked again (a narrower window).
 */
export async function confirmOpened(path: string, fd: number): Promise<void> {
  const projectDir = checkedUnder(path);
  if (!projectDir) return;
  const real = await readlink(`/proc/self/fd/${fd}`).catch(() => null);
  if (real === null) {
    await projectPath(projectDir, relative(projectDir, path));
    return;
  }
  const expected = join(await realpath(projectDir), relative(projectDir, path));
  if (real !== expected) {
    throw StudioError.say('PROJECT_PATH_ESCAPES', say('errors.paths.changedWhileOpened', { path: relative(projectDir, path), target: real }), { path, target: real });
  }
}

/** Reads a file without following a link in its last step (the folders above are projectPath's). */
export async function readFileNoFollow(path: string): Promise<Buffer<ArrayBuffer>>;
export async function readFileNoFollow(path: string, encoding: 'utf8'): Promise<string>;
export async function readFileNoFollow(path: string, encoding?: 'utf8'): Promise<Buffer<ArrayBuffer> | string> {
  let handle;
  try {
    // Non-blocking, so a FIFO put where a file should be cannot hang the read; it is refused below.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ELOOP') {
      throw StudioError.say('PROJECT_PATH_ESCAPES', say('errors.paths.fileIsLink', { path }), { path });
    }
    throw err;
  }
  try {
    await confirmOpened(path, handle.fd);
    if (!(await handle.stat()).isFile()) {
      throw StudioError.say('PROJECT_PATH_ESCAPES', say('errors.paths.notRegularFile', { path }), { path });
    }
    return encoding ? await handle.readFile({ encoding }) : await handle.readFile();
  } finally {
    await handle.close();
  }
}
