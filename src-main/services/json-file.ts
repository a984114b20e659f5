/** Reading a JSON file of a project, validated against its schema. */
import type { z } from 'zod';
import { StudioError } from '../../src-shared/errors';
import { parseJsonBounded } from '../../src-shared/json-depth';
import { readFileNoFollow } from './project-paths';
import { ioFailure } from './io-errors';

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
    throw ioFailure(err, path) ?? new StudioError('IO_ERROR', `Cannot read ${what}: ${(err as Error).message}`, { path });
  }
  let json: unknown;
  try {
    json = parseJsonBounded(text);
  } catch (err) {
    throw new StudioError('IO_ERROR', `${what} is not valid JSON: ${(err as Error).message}.`, { path });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StudioError('IO_ERROR', `${what} is invalid: ${issue ? `${issue.path.join('.')} ${issue.message}` : ''}`, { path });
  }
  return parsed.data;
}
