/**
 * The renderer's handle on the studio API: calls that resolve to values or throw StudioError,
 * event subscriptions that end with an AbortSignal, and the state of the link to main.
 */
import { ref, type Ref } from 'vue';
import type { Result } from '../../src-shared/errors';
import { unwrap, type StudioApi } from '../../src-shared/ipc/api';
import type { EventName, EventOf } from '../../src-shared/ipc/contract';

/** `native` inside Electron; the web bridge goes connecting, then open, then maybe closed. */
export type ConnectionState = 'native' | 'connecting' | 'open' | 'closed';

/** Why the web bridge has no connection, for the "cannot reach the host" screen. */
export type ConnectionProblem = 'no-token' | 'unreachable' | 'lost' | null;

export interface StudioClient {
  readonly api: StudioApi;
  readonly connection: Ref<ConnectionState>;
  readonly problem: Ref<ConnectionProblem>;
  /** Resolves to the value of a call or throws its StudioError. */
  call<T>(request: Promise<Result<T>>): Promise<T>;
  /** Subscribes to an event until the signal aborts; also returns the unsubscribe function. */
  on<E extends EventName>(
    event: E,
    listener: (payload: EventOf<E>) => void,
    opts?: { signal?: AbortSignal },
  ): () => void;
}

/** Wraps an API; the connection refs are shared with whoever owns the transport. */
export function createStudioClient(
  api: StudioApi,
  connection: Ref<ConnectionState> = ref('native'),
  problem: Ref<ConnectionProblem> = ref(null),
): StudioClient {
  return {
    api,
    connection,
    problem,
    call: (request) => unwrap(request),
    on(event, listener, opts = {}) {
      if (opts.signal?.aborted) return () => {};
      const off = api.addEventListener(event, listener);
      opts.signal?.addEventListener('abort', off, { once: true });
      return off;
    },
  };
}
