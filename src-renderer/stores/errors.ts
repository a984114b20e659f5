/** Turns whatever a failed call threw into the {code, message} the error panel shows. */
import { StudioError, toErrorData, type StudioErrorData } from '../../src-shared/errors';

/** The transportable form of a thrown value; StudioErrors keep their code and message. */
export function errorData(err: unknown): StudioErrorData {
  if (err instanceof StudioError) return err.toData();
  return toErrorData(err);
}
