/**
 * Reading and creating project folders on disk. Reading never writes and never locks, so it is
 * safe for the CLI's `info` and for checking a file before a window opens it.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, realpath, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { say } from '../../src-shared/messages/message';
import { StudioError } from '../../src-shared/errors';
import type { ProjectView } from '../../src-shared/ipc/contract';
import { createManifest, ENTRY_KINDS, parseProjectText, serializeManifest } from '../../src-shared/project/manifest';
import { PROJECT_EXTENSION, projectNameIssue } from '../../src-shared/project/names';
import { writeFileAtomic } from './atomic-write';
import { ioFailure } from './io-errors';

/** The folders a new project starts with, one per kind of stored thing that has files. */
export const PROJECT_SUBFOLDERS = ['datasets', 'checkpoints', 'runs', 'exports'] as const;

/** A loaded project file together with the exact bytes it was read from. */
export interface LoadedProjectFile {
  view: ProjectView;
  text: string;
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/** What failed, as the key of its message (errors.paths.cannot.*: "Cannot read {path}: {reason}"). */
type Action = 'read' | 'listFolder' | 'resolve' | 'create' | 'createFolder' | 'createProjectIn';

function ioError(action: Action, path: string, err: unknown): StudioError {
  return (
    ioFailure(err, path) ??
    StudioError.say('IO_ERROR', say(`errors.paths.cannot.${action}`, { path, reason: (err as Error).message }), { path, code: errno(err) })
  );
}

/** Resolves a path to a `.mstudio` file or a folder holding exactly one, to the file's path. */
export async function resolveProjectPath(input: string): Promise<string> {
  const abs = resolve(input);
  let info;
  try {
    info = await stat(abs);
  } catch (err) {
    if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') {
      throw StudioError.say('NOT_FOUND', say('errors.noProjectFile', { path: abs }), { path: abs });
    }
    throw ioError('read', abs, err);
  }
  if (!info.isDirectory()) return abs;
  let names: string[];
  try {
    names = (await readdir(abs, { withFileTypes: true }))
      .filter((d) => d.isFile() && d.name.endsWith(PROJECT_EXTENSION))
      .map((d) => d.name);
  } catch (err) {
    throw ioError('listFolder', abs, err);
  }
  if (names.length === 0) {
    throw StudioError.say('NOT_FOUND', say('errors.folderHasNoProject', { path: abs }), { path: abs });
  }
  if (names.length > 1) {
    throw StudioError.say('BAD_REQUEST', say('errors.folderHasSeveral', { path: abs, names: names.sort().join(', ') }), { path: abs });
  }
  return join(abs, names[0]!);
}

/** Loads and validates a project file and keeps its raw text; read-only, no lock. */
export async function readProjectFile(input: string): Promise<LoadedProjectFile> {
  const path = await resolveProjectPath(input);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errno(err) === 'ENOENT') throw StudioError.say('NOT_FOUND', say('errors.noProjectFile', { path }), { path });
    throw ioError('read', path, err);
  }
  const { manifest, migratedFrom } = parseProjectText(text, basename(path));
  const dir = dirname(path);
  await checkEntryDirsStayInside(dir, manifest, basename(path));
  return { view: { path, dir, manifest, migratedFrom }, text };
}

/** Loads and validates a project file; read-only, no lock; throws StudioError. */
export async function loadProjectFile(path: string): Promise<ProjectView> {
  return (await readProjectFile(path)).view;
}

/** Entry folders that exist must not lead outside the project through a symlink. */
async function checkEntryDirsStayInside(dir: string, manifest: ProjectView['manifest'], label: string): Promise<void> {
  let root: string;
  try {
    root = await realpath(dir);
  } catch (err) {
    throw ioError('resolve', dir, err);
  }
  for (const kind of ENTRY_KINDS) {
    for (const [i, entry] of manifest[kind].entries()) {
      let real: string;
      try {
        real = await realpath(join(dir, entry.dir));
      } catch (err) {
        // A missing folder is reported by whatever needs it; it cannot escape.
        if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') continue;
        throw ioError('resolve', join(dir, entry.dir), err);
      }
      const rel = relative(root, real);
      if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
        throw StudioError.say(
          'PROJECT_PATH_ESCAPES',
          say('errors.paths.entryIsLink', { label: say('errors.integrity.projectFile', { file: label }), field: `${kind}.${i}.dir`, dir: entry.dir, target: real }),
          { kind, index: i, dir: entry.dir, target: real },
        );
      }
    }
  }
}

/** Creates `<parentDir>/<name>/` with its project file and subfolders (and `parentDir` with `makeParent`); returns the new project. */
export async function createProjectFiles(parentDir: string, name: string, appVersion: string, opts: { makeParent?: boolean } = {}): Promise<ProjectView> {
  const issue = projectNameIssue(name);
  if (issue) {
    // The English says which name; the UI says the reason in its language under the name field.
    const err = new StudioError('PROJECT_NAME_INVALID', `"${name}" cannot be a project name: ${issue.text}`, { name });
    err.said = issue;
    throw err;
  }
  const parent = resolve(parentDir);
  if (opts.makeParent) await mkdir(parent, { recursive: true }).catch((err: unknown) => {
    // An existing file there is reported below, as for any parent.
    if (errno(err) !== 'EEXIST') throw ioError('create', parent, err);
  });
  try {
    if (!(await stat(parent)).isDirectory()) {
      throw StudioError.say('BAD_REQUEST', say('errors.parentIsFile', { path: parent }), { path: parent });
    }
  } catch (err) {
    if (err instanceof StudioError) throw err;
    if (errno(err) === 'ENOENT') throw StudioError.say('NOT_FOUND', say('errors.parentMissing', { path: parent }), { path: parent });
    throw ioError('read', parent, err);
  }
  const dir = join(parent, name);
  let made = false;
  try {
    await mkdir(dir);
    made = true;
  } catch (err) {
    if (errno(err) !== 'EEXIST') throw ioError('createFolder', dir, err);
    const existing = await readdir(dir).catch((e: unknown) => {
      throw errno(e) === 'ENOTDIR'
        ? StudioError.say('PROJECT_EXISTS', say('errors.fileExists', { path: dir }), { path: dir })
        : ioError('listFolder', dir, e);
    });
    if (existing.length > 0) {
      throw StudioError.say('PROJECT_EXISTS', say('errors.folderNotEmpty', { path: dir }), { path: dir });
    }
  }
  const path = join(dir, `${name}${PROJECT_EXTENSION}`);
  const manifest = createManifest(name, { id: randomUUID(), now: new Date(), appVersion });
  try {
    for (const sub of PROJECT_SUBFOLDERS) await mkdir(join(dir, sub), { recursive: true });
    await writeFileAtomic(path, serializeManifest(manifest));
  } catch (err) {
    // Leave nothing half-made behind in a folder we created.
    if (made) await removeEmptyTree(dir);
    throw ioError('createProjectIn', dir, err);
  }
  return { path, dir, manifest, migratedFrom: null };
}

async function removeEmptyTree(dir: string): Promise<void> {
  for (const sub of PROJECT_SUBFOLDERS) await rmdir(join(dir, sub)).catch(() => undefined);
  await rmdir(dir).catch(() => undefined);
}
