/**
 * The one training session the app's worker and the CLI both run, on the CPU backend with MNIST
 * digits: what its sink receives and in which order (batch records before their epoch, each
 * checkpoint with its four metrics, the terminal status last), the batch-event throttle, a stop
 * part-way, a failure in words with its cause kept, and a resume that starts where its rule says.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { HyperParams } from '../../../src-shared/runs/hyper-params';
import type { CheckpointArtifacts, BatchProvider } from '../../../src-engine/train/types';
import { resumePoint } from '../../../src-engine/session/resume';
import { TrainingSession } from '../../../src-engine/session/training-session';
import type { CheckpointPoint, SessionStatus, TrainingSink } from '../../../src-engine/session/training-sink';
import { ArrayProvider, loadMnistArrays } from '../../../src-main/training/array-provider';
import { setupNodeBackend } from '../../../src-main/training/tf-node';
import { tinyCnn } from './tiny-cnn';
import { textOf } from '../../../src-shared/messages/message';

beforeAll(async () => {
  await setupNodeBackend('cpu');
});

const spec = tinyCnn({ dropout: false });
const digits = loadMnistArrays('train', 96);
const heldOut = loadMnistArrays('test', 32);
const hyperOf = (h: Partial<Parameters<typeof HyperParams.parse>[0]> = {}) =>
  HyperParams.parse({ epochs: 2, batchSize: 32, optimizer: 'adam', learningRate: 0.01, seed: 5, backend: 'cpu', ...h });

type Call =
  | { call: 'batches'; records: { kind: string; epoch: number; step: number }[] }
  | { call: 'epoch'; epoch: number }
  | { call: 'checkpoint'; point: CheckpointPoint; artifacts: CheckpointArtifacts }
  | { call: 'status'; update: SessionStatus }
  | { call: 'memory' };

/** A sink that writes down every call. */
function recordingSink(opts: { memory?: boolean } = {}): TrainingSink & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    batches: (records) => void calls.push({ call: 'batches', records: records.map((r) => ({ kind: r.kind, epoch: r.epoch, step: r.step })) }),
    epoch: (record) => void calls.push({ call: 'epoch', epoch: record.epoch }),
    checkpoint: async (artifacts, point) => void calls.push({ call: 'checkpoint', point, artifacts }),
    status: (update) => void calls.push({ call: 'status', update }),
    ...(opts.memory ? { memory: () => void calls.push({ call: 'memory' }) } : {}),
  };
}

const session = (sink: TrainingSink, extra: Partial<ConstructorParameters<typeof TrainingSession>[0]> = {}) =>
  new TrainingSession({
    spec,
    hyper: hyperOf(),
    train: new ArrayProvider(digits, 5),
    validation: new ArrayProvider(heldOut, null),
    standardization: null,
    sink,
    ...extra,
  });

describe('TrainingSession', () => {
  it('reports each batch before its epoch, checkpoints with their metrics, and the terminal status last', async () => {
    const sink = recordingSink();
    const s = session(sink);
    expect(s.started).toEqual({ backend: 'cpu', samplesPerEpoch: 96, batchesPerEpoch: 3, validationSamples: 32, microBatchSize: 32, startEpoch: 0 });
    const end = await s.run();
    expect(end.status).toBe('completed');
    // batchEveryMs 0 (the CLI): every batch on its own, before its epoch's record and checkpoint.
    expect(sink.calls.map((c) => c.call)).toEqual([
      'batches', 'batches', 'batches', 'epoch', 'checkpoint',
      'batches', 'batches', 'batches', 'epoch', 'checkpoint',
      'status',
    ]);
    const steps = sink.calls.flatMap((c) => (c.call === 'batches' ? c.records.map((r) => r.step) : []));
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
    const points = sink.calls.flatMap((c) => (c.call === 'checkpoint' ? [c.point] : []));
    expect(points.map((p) => [p.kind, p.epoch, p.step])).toEqual([['epoch', 0, 3], ['final', 1, 6]]);
    // The four metrics the run view shows, with validation; the early-stopping state beside them.
    expect(Object.keys(points[1]!.metrics).sort()).toEqual(['accuracy', 'loss', 'valAccuracy', 'valLoss']);
    expect(points[1]!.metrics.valLoss).toBeGreaterThan(0);
    expect(points[1]!.earlyStopping).toMatchObject({ wait: expect.any(Number) });
    const last = sink.calls.at(-1) as Extract<Call, { call: 'status' }>;
    expect(last.update).toMatchObject({ status: 'completed', result: { status: 'completed', epochsDone: 2, step: 6 } });
  });

  it('throttles batch events for the worker without losing a record, and samples memory', async () => {
    const sink = recordingSink({ memory: true });
    await session(sink, { batchEveryMs: 60_000, memoryEveryMs: 60_000 }).run();
    const batchCalls = sink.calls.filter((c) => c.call === 'batches') as Extract<Call, { call: 'batches' }>[];
    // Held until the epoch ends: one event an epoch, all three records in it.
    expect(batchCalls.map((c) => c.records.length)).toEqual([3, 3]);
    // At each epoch end and once at the end.
    expect(sink.calls.filter((c) => c.call === 'memory')).toHaveLength(3);
  });

  it('stops after the current batch with a stop checkpoint of the epoch so far, then says stopped', async () => {
    const sink = recordingSink();
    let s: TrainingSession;
    sink.batches = (records) => {
      sink.calls.push({ call: 'batches', records: records.map((r) => ({ kind: r.kind, epoch: r.epoch, step: r.step })) });
      s.stop();
    };
    s = session(sink);
    const end = await s.run();
    expect(end.status).toBe('stopped');
    const stops = sink.calls.flatMap((c) => (c.call === 'checkpoint' ? [c.point] : []));
    expect(stops).toHaveLength(1);
    expect(stops[0]).toMatchObject({ kind: 'stop', epoch: 0, step: 1, metrics: { valLoss: null, valAccuracy: null } });
    expect(stops[0]!.metrics.loss).toBeGreaterThan(0);
    expect(sink.calls.at(-1)).toMatchObject({ call: 'status', update: { status: 'stopped', result: { status: 'stopped', step: 1 } } });
  });

  it('reports a failure once, as the terminal status with the error in words, and keeps the cause', async () => {
    const sink = recordingSink();
    const broken: BatchProvider = {
      count: 64,
      // eslint-disable-next-line require-yield
      async *epoch() {
        throw new Error('memory access out of bounds');
      },
    };
    const end = await session(sink, { train: broken }).run();
    expect(end.status).toBe('failed');
    const statuses = sink.calls.filter((c) => c.call === 'status') as Extract<Call, { call: 'status' }>[];
    expect(statuses).toHaveLength(1);
    const update = statuses[0]!.update as Extract<SessionStatus, { status: 'failed' }>;
    expect(textOf(update.error)).toMatch(/^Training ran out of memory on cpu \(batches of 32\)\. Try a smaller batch size/);
    expect(update).not.toHaveProperty('cause');
    expect((end as { cause?: Error }).cause?.message).toBe('memory access out of bounds');
  });

  it('resumes from a stop checkpoint in the epoch it was stopped in, at its step', async () => {
    const sink = recordingSink();
    let s: TrainingSession;
    sink.batches = () => s.stop();
    s = session(sink);
    await s.run();
    const stop = sink.calls.find((c) => c.call === 'checkpoint') as Extract<Call, { call: 'checkpoint' }>;
    const again = recordingSink();
    const resumed = session(again, { resume: resumePoint(stop.artifacts, stop.point) });
    expect(resumed.started.startEpoch).toBe(0);
    await resumed.run();
    const steps = again.calls.flatMap((c) => (c.call === 'batches' ? c.records.map((r) => r.step) : []));
    expect(steps[0]).toBe(2);
    expect(again.calls.flatMap((c) => (c.call === 'checkpoint' ? [c.point.kind] : []))).toEqual(['epoch', 'final']);
  });
});
