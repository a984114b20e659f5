import { z } from 'zod';
import { type Message, say } from '../messages/message';

/** The extension of a project manifest file. */
export const PROJECT_EXTENSION = '.mstudio';

// Characters that no file system we ship on accepts in a file name, plus control characters.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_NAME_CHARS = /[<>:"/\\|?*\u0000-\u001f]/;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/** Why a project name cannot be used as a file name, said by key (for the UI's language), or null when it can. */
export function projectNameIssue(name: string): Message | null {
  if (name.trim().length === 0) return say('errors.name.empty');
  if (name.length > 64) return say('errors.name.tooLong');
  if (name !== name.trim()) return say('errors.name.spaceAtEnd');
  if (name.endsWith('.')) return say('errors.name.dotAtEnd');
  if (name.startsWith('.')) return say('errors.name.dotAtStart');
  const bad = FORBIDDEN_NAME_CHARS.exec(name);
  if (bad) return bad[0].charCodeAt(0) < 32 ? say('errors.name.controlChar') : say('errors.name.badChar', { char: bad[0] });
  if (WINDOWS_RESERVED.test(name)) return say('errors.name.reserved', { name });
  return null;
}

/** Why a project name cannot be used as a file name, in English, or null when it can. */
export function projectNameProblem(name: string): string | null {
  return projectNameIssue(name)?.text ?? null;
}

/** A project name that is also a safe file name on Windows, macOS and Linux. */
export const ProjectName = z.string().superRefine((name, ctx) => {
  const problem = projectNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Why a path stored in a manifest would leave the project folder, said by key, or null when it stays inside. */
export function relativePathIssue(p: string): Message | null {
  if (p.length === 0) return say('errors.paths.dir.empty');
  if (p.includes('\0')) return say('errors.paths.dir.nul');
  if (p.includes('\\')) return say('errors.paths.dir.backslashes');
  if (p.startsWith('/') || /^[a-zA-Z]:/.test(p)) return say('errors.paths.dir.absolute');
  if (p.split('/').some((seg) => seg === '..')) return say('errors.paths.dir.climbsOut');
  return null;
}

/** Why a path stored in a manifest would leave the project folder, in English, or null when it stays inside. */
export function relativePathProblem(p: string): string | null {
  return relativePathIssue(p)?.text ?? null;
}

/** A forward-slash path relative to the project folder that cannot climb out of it. */
export const ProjectRelativePath = z.string();

/** An id as the studio makes them: lower-case letters, digits and dashes. */
export const EntityId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'is not a valid id');
