/**
 * The worker's end of training: one engine TrainingSession at a time, fed by the worker's data
 * feeds, whose sink relays every report to the UI as an event (checkpoint buffers transferred).
 * The UI records them in main (RunForwarder).
 */
import { TrainingSession } from '../../src-engine/session/training-session';
import type { TrainingSink } from '../../src-engine/session/training-sink';
import { limitProvider } from '../../src-engine/data/limited-provider';
import type { CheckpointArtifacts } from '../../src-engine/train/types';
import { getFeed } from './feeds';
import type { WorkerEventName, WorkerEvents } from './protocol';
import type { TrainStarted, TrainStartRequest } from './training-protocol';

/** Posts an event to the UI, moving `transfer` rather than copying it. */
export type PostEvent = <E extends WorkerEventName>(event: E, payload: WorkerEvents[E], transfer?: Transferable[]) => void;

/** Batch events at most this often: charts stay live without flooding the UI thread. */
const BATCH_EVENT_MS = 100;
const MEMORY_EVENT_MS = 1000;

let session: { runId: string; session: TrainingSession } | null = null;

/** Whether a run is training (the backend must not change under it). */
export function isTraining(): boolean {
  return session !== null;
}

/** The buffers of a checkpoint, to transfer rather than copy. */
export function artifactBuffers(a: CheckpointArtifacts): ArrayBuffer[] {
  return a.optimizer ? [a.weightData, a.optimizer.weightData] : [a.weightData];
}

/** A sink that relays each report of run `runId` to the UI. */
function relaySink(runId: string, post: PostEvent): TrainingSink {
  return {
    batches: (records) => post('train:batch', { runId, records }),
    epoch: (record, metrics) => post('train:epoch', { runId, record, metrics }),
    checkpoint: async (artifacts, point) => post('train:checkpoint', { runId, artifacts, ...point }, artifactBuffers(artifacts)),
    status: (update) => post('train:status', { runId, ...update }),
    memory: (m) => post('train:memory', { runId, ...m }),
  };
}

/** Starts a run; resolves once it trains, and the run's end arrives as a terminal train:status. */
export function startTraining(req: TrainStartRequest, post: PostEvent): TrainStarted {
  if (session) throw new Error(`Run ${session.runId} is still training; stop it first.`);
  const { runId, hyper } = req;
  const train = limitProvider(getFeed(req.feeds.train), hyper.limit);
  // A quick run (limit) validates on at most as many samples as it trains on.
  const validation = req.feeds.validation ? limitProvider(getFeed(req.feeds.validation), hyper.limit) : null;
  const s = new TrainingSession({
    spec: req.spec,
    hyper,
    train,
    validation,
    standardization: req.standardization,
    ...(req.resume ? { resume: req.resume } : {}),
    sink: relaySink(runId, post),
    batchEveryMs: BATCH_EVENT_MS,
    memoryEveryMs: MEMORY_EVENT_MS,
  });
  session = { runId, session: s };
  void s.run().finally(() => {
    session = null;
  });
  return { runId, ...s.started };
}

/**
 * Pauses, resumes or stops the training run `runId`. A request that crossed the run's end (Pause
 * clicked as the last batch finished) changes nothing and is no error: the run's terminal status
 * is on its way to the UI.
 */
export function controlTraining(runId: string, action: 'pause' | 'resume' | 'stop'): null {
  if (!session || session.runId !== runId) return null;
  const s = session.session;
  if (action === 'pause') s.pause();
  else if (action === 'resume') s.resume();
  else s.stop();
  return null;
}
