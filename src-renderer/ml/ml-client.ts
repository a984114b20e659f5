/**
 * The UI side of the ML worker: typed requests that resolve with the worker's answer, and
 * event subscriptions.
 */
import type {
  WorkerEventName,
  WorkerEvents,
  WorkerMethod,
  WorkerMethods,
  WorkerRequest,
  WorkerResponse,
} from './protocol';

/** The studio's handle on its ML engine; components get it injected so tests can fake it. */
export interface MlClient {
  request<K extends WorkerMethod>(
    type: K,
    payload: WorkerMethods[K]['request'],
    /** Objects moved to the worker rather than copied (MessagePorts, ArrayBuffers). */
    transfer?: Transferable[],
  ): Promise<WorkerMethods[K]['response']>;
  on<E extends WorkerEventName>(event: E, fn: (payload: WorkerEvents[E]) => void): () => void;
  dispose(): void;
}

/** The part of a Worker the client needs (a real Worker, or a fake in tests). */
export interface WorkerLike {
  postMessage(msg: WorkerRequest, transfer?: Transferable[]): void;
  addEventListener(type: 'message', fn: (ev: MessageEvent<WorkerResponse>) => void): void;
  addEventListener(type: 'error', fn: (ev: ErrorEvent) => void): void;
  terminate(): void;
}

/** Wraps a worker speaking the protocol in protocol.ts. */
export function createMlClient(worker: WorkerLike): MlClient {
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const listeners = new Map<string, Set<(payload: never) => void>>();

  worker.addEventListener('message', (ev) => {
    const msg = ev.data;
    if (msg.kind === 'response') {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (!p) return;
      if (msg.ok) p.resolve(msg.value);
      else p.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
    } else {
      for (const fn of listeners.get(msg.event) ?? []) (fn as (p: unknown) => void)(msg.payload);
    }
  });
  // A worker that fails to load (bad chunk, CSP) never answers; fail its callers instead.
  worker.addEventListener('error', (ev) => {
    const err = new Error(`The ML worker failed: ${ev.message || 'it could not start'}`);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });

  return {
    request(type, payload, transfer) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        const msg = { kind: 'request', id, type, payload } as WorkerRequest;
        if (transfer?.length) worker.postMessage(msg, transfer);
        else worker.postMessage(msg);
      });
    },
    on(event, fn) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(fn as (payload: never) => void);
      return () => set.delete(fn as (payload: never) => void);
    },
    dispose() {
      worker.terminate();
    },
  };
}

/** Starts the real ML worker as a module worker bundled by Vite. */
export function startMlWorker(): MlClient {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), {
    type: 'module',
    name: 'model-studio-ml',
  });
  return createMlClient(worker as unknown as WorkerLike);
}
