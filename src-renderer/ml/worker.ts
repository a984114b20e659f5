/**
 * The ML worker: owns TensorFlow.js and the GPU so training and evaluation never stall the UI.
 * It answers typed requests (see protocol.ts and training-protocol.ts) and pushes training events.
 */
import { selectBackend } from './backends';
import type { FeedPort } from './batch-source';
import { registerTrainingKernels } from '../../src-engine/kernels/register-kernels';
import { closeFeed, drain, getFeed, openFeed } from './feeds';
import type { BackendName, BackendReport, BackendRequest } from './backend-report';
import type {
  WorkerMethod,
  WorkerMethods,
  WorkerRequest,
  WorkerResponse,
} from './protocol';
import { cancelCompression, compressionBuffers, runCompressionJob } from './worker-compress';
import type { CompressRunResult } from './compression-protocol';
import { cancelEvaluation, explainAttention, explainGradCam, explainTry, runEvaluation } from './worker-explain';
import { controlTraining, isTraining, startTraining, type PostEvent } from './worker-training';

// The web tsconfig uses the DOM lib (the webworker lib conflicts with it), so type the scope narrowly.
const scope = self as unknown as {
  postMessage(msg: WorkerResponse, transfer?: Transferable[]): void;
  addEventListener(type: 'message', fn: (ev: MessageEvent<WorkerRequest>) => void): void;
};

let current: Promise<BackendReport> | null = null;
/** The WASM thread count asked for at init (it holds for a later switch to WASM too). */
let wasmThreads: number | undefined;

// Backend packages register their own kernels when loaded: ours go on top, after every switch.
async function useBackend(preferred?: BackendName): Promise<BackendReport> {
  const report = await selectBackend(preferred, { wasmThreads });
  registerTrainingKernels();
  return report;
}

/** The backend in use, starting the default one if nothing has yet. */
async function ready(): Promise<BackendReport> {
  const report = await (current ??= useBackend());
  if (!report.backend) throw new Error('No TensorFlow.js backend works here.');
  return report;
}

const postEvent: PostEvent = (event, payload, transfer) =>
  scope.postMessage({ kind: 'event', event, payload } as WorkerResponse, transfer ?? []);

type Handlers = {
  [K in WorkerMethod]: (payload: WorkerMethods[K]['request']) => Promise<WorkerMethods[K]['response']>;
};

const handlers: Handlers = {
  // Initialising twice would fight over the global tf engine; later callers share the first result.
  init: (payload) => {
    if (!current) wasmThreads = payload.wasmThreads;
    return (current ??= useBackend(payload.preferred));
  },
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
  'backend:use': async ({ backend }) => {
    const now = current ? await current : null;
    if (now?.backend === backend) return now;
    if (isTraining()) throw new Error('The backend cannot change while a run trains.');
    current = useBackend(backend);
    return current;
  },
  'train:start': async (req) => {
    await ready();
    return startTraining(req, postEvent);
  },
  'train:pause': async ({ runId }) => controlTraining(runId, 'pause'),
  'train:resume': async ({ runId }) => controlTraining(runId, 'resume'),
  'train:stop': async ({ runId }) => controlTraining(runId, 'stop'),
  'eval:run': async (req) => {
    await ready();
    return runEvaluation(req, postEvent);
  },
  'eval:cancel': async ({ evalId }) => cancelEvaluation(evalId),
  'compress:run': async (req) => {
    await ready();
    if (isTraining()) throw new Error('A compression waits until the run that is training ends: both would share the GPU.');
    return runCompressionJob(req, postEvent);
  },
  'compress:cancel': async ({ jobId }) => cancelCompression(jobId),
  'explain:attention': async (req) => {
    await ready();
    return explainAttention(req);
  },
  'explain:gradcam': async (req) => {
    await ready();
    return explainGradCam(req);
  },
  'explain:try': async (req) => {
    await ready();
    return explainTry(req);
  },
};

// Answers that carry big typed arrays move them instead of copying.
function transferOf(value: unknown): Transferable[] {
  if (isCompressResult(value)) return compressionBuffers(value);
  const v = value as { data?: unknown; maps?: { data: Float32Array }[] } | null;
  if (v?.data instanceof Float32Array) return [v.data.buffer as ArrayBuffer];
  if (Array.isArray(v?.maps)) return v.maps.map((m) => m.data.buffer as ArrayBuffer);
  return [];
}

function isCompressResult(value: unknown): value is CompressRunResult {
  const v = value as { model?: { weightData?: unknown } } | null;
  return v?.model?.weightData instanceof ArrayBuffer;
}

function post(msg: WorkerResponse, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

scope.addEventListener('message', (ev) => {
  const req = ev.data;
  if (req?.kind !== 'request' || !Object.hasOwn(handlers, req.type)) return;
  const handler = handlers[req.type] as (p: unknown) => Promise<unknown>;
  handler(req.payload).then(
    (value) => post({ kind: 'response', id: req.id, ok: true, value }, transferOf(value)),
    (err: unknown) =>
      post({
        kind: 'response',
        id: req.id,
        ok: false,
        error: { code: 'ML_ERROR', message: err instanceof Error ? err.message : String(err) },
      }),
  );
});
