/**
 * The named API the UI talks to (`window.studio`): one method per channel, grouped by domain
 * (`studio.project.open({path})`), plus `addEventListener`. Built from any transport, so the
 * Electron preload and the web host's WebSocket bridge expose exactly the same shape.
 */
import { StudioError, type Result } from '../errors';
import {
  CHANNEL_NAMES,
  type Channel,
  type EventName,
  type EventOf,
  type RequestOf,
  type ResponseOf,
} from './contract';

type DomainOf<C> = C extends `${infer D}:${string}` ? D : never;
type ActionOf<C, D extends string> = C extends `${D}:${infer A}` ? A : never;
type Domain = DomainOf<Channel>;

/** A request method; requests without fields may be called without an argument. */
type Method<C extends Channel> = {} extends RequestOf<C>
  ? (req?: RequestOf<C>) => Promise<Result<ResponseOf<C>>>
  : (req: RequestOf<C>) => Promise<Result<ResponseOf<C>>>;

export type StudioApi = {
  [D in Domain]: { [A in ActionOf<Channel, D>]: Method<`${D}:${A}` & Channel> };
} & {
  /** Subscribes to an event; returns the function that unsubscribes. */
  addEventListener<E extends EventName>(type: E, listener: (payload: EventOf<E>) => void): () => void;
};

/** What a transport must provide: a request/response call and an event subscription. */
export interface StudioTransport {
  invoke(channel: Channel, payload: unknown): Promise<Result<unknown>>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

/** Builds the named API over a transport. */
export function createStudioApi(transport: StudioTransport): StudioApi {
  const api: Record<string, Record<string, unknown>> = {};
  for (const channel of CHANNEL_NAMES) {
    const [domain, action] = channel.split(':') as [string, string];
    api[domain] ??= {};
    api[domain][action] = (req?: unknown) => transport.invoke(channel, req ?? {});
  }
  return Object.assign(api, {
    addEventListener(type: EventName, listener: (payload: unknown) => void) {
      return transport.subscribe(type, listener);
    },
  }) as unknown as StudioApi;
}

/** Resolves to the value of a Result, or rejects with a StudioError carrying its code. */
export async function unwrap<T>(result: Promise<Result<T>>): Promise<T> {
  const r = await result;
  if (r.ok) return r.value;
  throw StudioError.fromData(r.error);
}
