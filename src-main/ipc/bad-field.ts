import { StudioError } from '../../src-shared/errors';

/** A StudioError for a problem with one request field, as dispatch reports schema failures. */
export function badField(path: string, message: string): StudioError {
  return new StudioError('BAD_REQUEST', `${path} ${message}`, [{ path, message }]);
}
