/**
 * The ML worker: owns TensorFlow.js and the GPU so training and evaluation never stall the UI.
 * It answers typed requests (see protocol.ts); later issues add training and compression here.
 */
import { selectBackend } from './backends';
import type { FeedPort } from './batch-source';
import { closeFeed, drain, getFeed, openFeed } from './feeds';
import type {
  BackendReport,
  WorkerMethod,
  WorkerMethods,
  WorkerRequest,
  WorkerResponse,
} from './protocol';

// The web tsconfig uses the DOM lib (the webworker lib conflicts with it), so type the scope narrowly.
const scope = self as unknown as {
  postMessage(msg: WorkerResponse): void;
  addEventListener(type: 'message', fn: (ev: MessageEvent<WorkerRequest>) => void): void;
};

let current: Promise<BackendReport> | null = null;

type Handlers = {
  [K in WorkerMethod]: (payload: WorkerMethods[K]['request']) => Promise<WorkerMethods[K]['response']>;
};

const handlers: Handlers = {
  // Initialising twice would fight over the global tf engine; later callers share the first result.
  init: (payload) => (current ??= selectBackend(payload.preferred)),
  status: async () => (current ? await current : null),
  'feed:open': async ({ plan, port }) => {
    openFeed(plan, port as unknown as FeedPort);
    return { feedId: plan.feedId };
  },
  'feed:close': async ({ feedId }) => {
    closeFeed(feedId);
    return null;
  },
  'feed:drain': ({ feedId, ...rest }) => drain(getFeed(feedId), rest),
};

function post(msg: WorkerResponse): void {
  scope.postMessage(msg);
}

scope.addEventListener('message', (ev) => {
  const req = ev.data;
  if (req?.kind !== 'request' || !Object.hasOwn(handlers, req.type)) return;
  const handler = handlers[req.type] as (p: unknown) => Promise<unknown>;
  handler(req.payload).then(
    (value) => post({ kind: 'response', id: req.id, ok: true, value }),
    (err: unknown) =>
      post({
        kind: 'response',
        id: req.id,
        ok: false,
        error: { code: 'ML_ERROR', message: err instanceof Error ? err.message : String(err) },
      }),
  );
});
