import type { Message } from './messages/message';
/** Error codes that cross process boundaries; the UI maps each to a message a person can act on. */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'FORBIDDEN_SENDER',
  'UNKNOWN_CHANNEL',
  'NOT_FOUND',
  'PROJECT_NOT_JSON',
  'PROJECT_INVALID',
  'PROJECT_TOO_NEW',
  'PROJECT_PATH_ESCAPES',
  'PROJECT_LOCKED',
  'PROJECT_EXISTS',
  'PROJECT_NAME_INVALID',
  'NO_PROJECT_OPEN',
  'IO_ERROR',
  'CANCELLED',
  /** The thing is in use (a run that is training) and cannot be changed or removed now. */
  'BUSY',
  /** A training run failed; the message says why in words a user can act on. */
  'TRAINING_FAILED',
  'UNSUPPORTED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The plain-data form of an error as it travels over IPC or a WebSocket. */
export interface StudioErrorData {
  code: ErrorCode;
  message: string;
  details?: unknown;
  /** The message by key (src-shared/messages), for the app to say in the UI's language. */
  said?: Message;
}

/** An error with a stable code; thrown by services and rebuilt on the far side of IPC. */
export class StudioError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  /** Set by StudioError.say: the message by key. */
  said?: Message;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }

  /** An error whose message is a Message: its English text, and its key for the app. */
  static say(code: ErrorCode, said: Message, details?: unknown): StudioError {
    const err = new StudioError(code, said.text, details);
    err.said = said;
    return err;
  }

  toData(): StudioErrorData {
    return {
      code: this.code,
      message: this.message,
      ...(this.details === undefined ? {} : { details: this.details }),
      ...(this.said ? { said: this.said } : {}),
    };
  }

  static fromData(data: StudioErrorData): StudioError {
    const err = new StudioError(data.code, data.message, data.details);
    if (data.said && typeof data.said.key === 'string' && typeof data.said.text === 'string') err.said = data.said;
    return err;
  }
}

/** Turns anything thrown into transportable error data, hiding internals of unexpected errors. */
export function toErrorData(err: unknown): StudioErrorData {
  if (err instanceof StudioError) return err.toData();
  if (err instanceof Error && err.name === 'AbortError') {
    return { code: 'CANCELLED', message: 'The operation was cancelled.' };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: `Unexpected error: ${message}` };
}

/** The envelope every request resolves to, so errors keep their code across contextBridge. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: StudioErrorData };
