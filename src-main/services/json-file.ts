/** Reading a JSON file of a project, validated against its schema. */
import type { z } from 'zod';
import { StudioError } from '../../src-shared/errors';
import { parseJsonBounded } from '../../src-shared/json-depth';
import { readFileNoFollow } from './project-paths';
import { ioFailure } from './io-errors';
import { say, type Message } from '../../src-shared/messages/message';

/**
 * Reads a JSON file of a project and validates it: NOT_FOUND when it is missing, IO_ERROR when it
 * cannot be read, is not JSON or does not match the schema; a link is refused, not followed.
 */
export async function readJsonFile<S extends z.ZodType>(path: string, schema: S, what: Message): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFileNoFollow(path, 'utf8');
  } catch (err) {
    if (err instanceof StudioError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw StudioError.say('NOT_FOUND', say('errors.file.missing', { what }), { path });
    throw ioFailure(err, path) ?? StudioError.say('IO_ERROR', say('errors.file.unreadable', { what, reason: (err as Error).message }), { path });
  }
  let json: unknown;
  try {
    json = parseJsonBounded(text);
  } catch (err) {
    throw StudioError.say('IO_ERROR', say('errors.file.notJson', { what, reason: (err as Error).message }), { path });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw StudioError.say('IO_ERROR', say('errors.file.invalid', { what, reason: issue ? `${issue.path.join('.')} ${issue.message}` : '' }), { path });
  }
  return parsed.data;
}
