/** Turns whatever a failed call threw into the {code, message} the error panel shows. */
import { StudioError, toErrorData, type StudioErrorData } from '../../src-shared/errors';
import type { JobSnapshot } from '../../src-shared/ipc/contract';

/** The transportable form of a thrown value; StudioErrors keep their code and message. */
export function errorData(err: unknown): StudioErrorData {
  if (err instanceof StudioError) return err.toData();
  return toErrorData(err);
}

/** A failed job's error as an error to show (with main's message key, where it had one); `fallback` when the job says nothing. */
export function jobError(error: JobSnapshot['error'] | undefined, fallback: string): StudioError {
  const e = error ?? { code: 'INTERNAL', message: fallback };
  return StudioError.fromData({ ...e, code: e.code as StudioError['code'] });
}
