/** Reading a JSON file of a project, validated against its schema. */
import type { z } from 'zod';
import { StudioError } from '../../src-shared/errors';
import { readFileNoFollow } from './project-paths';

/**
 * Reads a JSON file of a project and validates it: NOT_FOUND when it is missing, IO_ERROR when it
 * cannot be read, is not JSON or does not match the schema; a link is refused, not followed.
 */
export async function readJsonFile<S extends z.ZodType>(path: string, schema: S, what: string): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFileNoFollow(path, 'utf8');
  } catch (err) {
    if (err instanceof StudioError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StudioError('NOT_FOUND', `${what} is missing.`, { path });
    throw new StudioError('IO_ERROR', `Cannot read ${what}: ${(err as Error).message}`, { path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StudioError('IO_ERROR', `${what} is not valid JSON.`, { path });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StudioError('IO_ERROR', `${what} is invalid: ${issue ? `${issue.path.join('.')} ${issue.message}` : ''}`, { path });
  }
  return parsed.data;
}
