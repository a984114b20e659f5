/**
 * The worker's training session: one Trainer at a time, fed by the worker's data feeds, whose
 * callbacks become throttled events for the UI (batches, epochs, checkpoints, status, memory).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Backend } from '../../src-shared/runs/hyper-params';
import type { MetricRecordInput } from '../../src-shared/runs/metrics';
import { microBatchSize } from '../../src-engine/train/micro-batch';
import { describeTrainingError } from '../../src-engine/train/training-errors';
import { Trainer } from '../../src-engine/train/trainer';
import type { CheckpointArtifacts } from '../../src-engine/train/types';
import { getFeed } from './feeds';
import { limitProvider } from '../../src-engine/data/limited-provider';
import type { WorkerEventName, WorkerEvents } from './protocol';
import type { TrainStarted, TrainStartRequest } from './training-protocol';

/** Posts an event to the UI, moving `transfer` rather than copying it. */
export type PostEvent = <E extends WorkerEventName>(event: E, payload: WorkerEvents[E], transfer?: Transferable[]) => void;

/** Batch events at most this often: charts stay live without flooding the UI thread. */
const BATCH_EVENT_MS = 100;
const MEMORY_EVENT_MS = 1000;

interface Session {
  runId: string;
  trainer: Trainer;
}

let session: Session | null = null;

/** Whether a run is training (the backend must not change under it). */
export function isTraining(): boolean {
  return session !== null;
}

function bytesInGpu(info: tf.MemoryInfo): number | null {
  const v = (info as tf.MemoryInfo & { numBytesInGPU?: number }).numBytesInGPU;
  return typeof v === 'number' ? v : null;
}

/** The buffers of a checkpoint, to transfer rather than copy. */
export function artifactBuffers(a: CheckpointArtifacts): ArrayBuffer[] {
  return a.optimizer ? [a.weightData, a.optimizer.weightData] : [a.weightData];
}

/** Starts a run; resolves once it trains, and the run's end arrives as a terminal train:status. */
export function startTraining(req: TrainStartRequest, post: PostEvent): TrainStarted {
  if (session) throw new Error(`Run ${session.runId} is still training; stop it first.`);
  const { runId, hyper } = req;
  const train = limitProvider(getFeed(req.feeds.train), hyper.limit);
  // A quick run (limit) validates on at most as many samples as it trains on.
  const validation = req.feeds.validation ? limitProvider(getFeed(req.feeds.validation), hyper.limit) : null;

  let pending: MetricRecordInput[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    if (pending.length === 0) return;
    post('train:batch', { runId, records: pending });
    pending = [];
  };
  const memory = () => {
    const info = tf.memory();
    post('train:memory', { runId, numTensors: info.numTensors, numBytes: info.numBytes, numBytesInGPU: bytesInGpu(info) });
  };
  const memoryTimer = setInterval(memory, MEMORY_EVENT_MS);

  const trainer = new Trainer({
    spec: req.spec,
    hyper,
    train,
    validation,
    standardization: req.standardization,
    ...(req.resume ? { resume: req.resume } : {}),
    callbacks: {
      onBatch(record) {
        pending.push(record);
        flushTimer ??= setTimeout(flush, BATCH_EVENT_MS);
      },
      onEpoch(record, metrics) {
        flush();
        post('train:epoch', { runId, record, metrics });
        memory();
      },
      async onCheckpoint(artifacts, info) {
        flush();
        post('train:checkpoint', { runId, artifacts, ...info }, artifactBuffers(artifacts));
      },
      onStatus(status) {
        // Terminal statuses are posted below, once run() has settled and every checkpoint is out.
        if (status === 'running' || status === 'paused') {
          flush();
          post('train:status', { runId, status });
        }
      },
    },
  });
  session = { runId, trainer };
  const end = () => {
    clearInterval(memoryTimer);
    flush();
    memory();
    session = null;
  };
  trainer.run().then(
    (result) => {
      end();
      post('train:status', { runId, status: result.status === 'stopped' ? 'stopped' : 'completed', result });
    },
    (err: unknown) => {
      end();
      post('train:status', { runId, status: 'failed', error: describeTrainingError(err, { backend: tf.getBackend(), batchSize: hyper.batchSize, microBatchSize: trainer.microBatchSize }) });
    },
  );
  const batchSize = hyper.batchSize;
  return {
    runId,
    backend: tf.getBackend(),
    samplesPerEpoch: train.count,
    batchesPerEpoch: Math.ceil(train.count / batchSize),
    validationSamples: validation?.count ?? 0,
    microBatchSize: microBatchSize(req.spec, batchSize, Backend.safeParse(tf.getBackend()).data ?? hyper.backend),
  };
}

function current(runId: string): Trainer {
  if (!session || session.runId !== runId) throw new Error(`Run ${runId} is not training.`);
  return session.trainer;
}

/** Pauses, resumes or stops the training run `runId`. */
export function controlTraining(runId: string, action: 'pause' | 'resume' | 'stop'): null {
  const trainer = current(runId);
  if (action === 'pause') trainer.pause();
  else if (action === 'resume') trainer.resume();
  else trainer.stop();
  return null;
}
