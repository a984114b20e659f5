/**
 * Transport-independent request handling: validates the channel and payload against the
 * contract, runs the handler, validates what it returns, and wraps everything in a Result.
 */
import type { z } from 'zod';
import { StudioError, type Result } from '../../src-shared/errors';
import { channels, isChannel, type Channel, type ResponseOf } from '../../src-shared/ipc/contract';
import { errorDataOf } from '../services/io-errors';

/** Who is asking: one window (Electron) or one WebSocket connection (web host). */
export interface HandlerContext {
  clientId: string;
}

type ParsedRequest<C extends Channel> = z.output<(typeof channels)[C]['request']>;

/** One handler per channel; the request has already passed its schema. */
export type Handlers = {
  [C in Channel]: (req: ParsedRequest<C>, ctx: HandlerContext) => Promise<ResponseOf<C>> | ResponseOf<C>;
};

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : 'request'} ${i.message}`)
    .join('; ');
}

/** Handles one request from any transport; never throws. */
export async function dispatch(
  handlers: Handlers,
  channel: unknown,
  payload: unknown,
  ctx: HandlerContext,
): Promise<Result<unknown>> {
  if (!isChannel(channel)) {
    return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `Unknown channel: ${String(channel).slice(0, 100)}` } };
  }
  const spec = channels[channel];
  const parsed = spec.request.safeParse(payload ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message: `Invalid request for ${channel}: ${describeIssues(parsed.error)}`,
        details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      },
    };
  }
  try {
    const handler = handlers[channel] as (req: unknown, ctx: HandlerContext) => unknown;
    const value = await handler(parsed.data, ctx);
    const checked = spec.response.safeParse(value);
    if (!checked.success) {
      throw new StudioError('INTERNAL', `The ${channel} handler returned an invalid response: ${describeIssues(checked.error)}`);
    }
    return { ok: true, value: checked.data };
  } catch (err) {
    return { ok: false, error: errorDataOf(err) };
  }
}
