/**
 * What a failed file operation means to a person. Node's errors ("ENOSPC: no space left on
 * device, write") reached the app as "Unexpected error" under the INTERNAL headline, in English;
 * the common causes a user can act on (a full disk, permissions, a read-only disk, a file moved
 * away) become IO_ERROR said by key, naming the path.
 */
import { StudioError, toErrorData, type StudioErrorData } from '../../src-shared/errors';
import { say, type MessageKey } from '../../src-shared/messages/message';

const CAUSES: Record<string, MessageKey> = {
  ENOSPC: 'errors.io.noSpace',
  EDQUOT: 'errors.io.noSpace',
  EACCES: 'errors.io.denied',
  EPERM: 'errors.io.denied',
  EROFS: 'errors.io.readOnly',
  EMFILE: 'errors.io.tooManyOpen',
  ENFILE: 'errors.io.tooManyOpen',
  EBUSY: 'errors.io.busy',
  ENOENT: 'errors.io.missing',
  EIO: 'errors.io.device',
};

/** The error a person reads for a Node file-system error with a known cause and a path, else null. */
export function ioFailure(err: unknown, path?: string): StudioError | null {
  const e = err as NodeJS.ErrnoException | null;
  const key = typeof e?.code === 'string' ? CAUSES[e.code] : undefined;
  const where = path ?? e?.path;
  // A program that would not start (spawn ENOENT names the program) is not a file gone missing.
  if (!key || typeof where !== 'string' || e?.syscall?.startsWith('spawn')) return null;
  return StudioError.say('IO_ERROR', say(key, { path: where }), { path: where, code: e!.code });
}

/** toErrorData, with file-system failures said as what they mean. */
export function errorDataOf(err: unknown): StudioErrorData {
  if (err instanceof StudioError) return err.toData();
  return ioFailure(err)?.toData() ?? toErrorData(err);
}
