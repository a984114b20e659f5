/**
 * One training session, the same in the app's ML worker and in the CLI: runs the Trainer on the
 * dataset's providers and reports to a sink (batch records throttled, epochs, checkpoints with
 * their metrics, status, memory). The terminal status comes last, after every checkpoint, with
 * the error in words a user can act on when training failed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Backend } from '../../src-shared/runs/hyper-params';
import type { MetricRecordInput } from '../../src-shared/runs/metrics';
import { microBatchSize } from '../train/micro-batch';
import { Trainer } from '../train/trainer';
import { describeTrainingError } from '../train/training-errors';
import type { TrainerOptions } from '../train/types';
import { checkpointMetrics, type SessionEnd, type SessionStarted, type TrainingSink } from './training-sink';

/** What a session trains, and where it reports. */
export interface TrainingSessionOptions extends Omit<TrainerOptions, 'callbacks'> {
  sink: TrainingSink;
  /** Send a batch's record at most this long after it (0: at once, after every batch). */
  batchEveryMs?: number;
  /** Sample memory this often while training (and at every epoch end), if the sink takes it. */
  memoryEveryMs?: number;
}

/** How a session ended, and for a failure the error it came from (not sent to the sink). */
export type SessionOutcome = SessionEnd & { cause?: unknown };

function bytesInGpu(info: tf.MemoryInfo): number | null {
  const v = (info as tf.MemoryInfo & { numBytesInGPU?: number }).numBytesInGPU;
  return typeof v === 'number' ? v : null;
}

/** Trains one run once; pause, resume and stop act between batches. */
export class TrainingSession {
  /** What the run looks like, known before the first batch. */
  readonly started: SessionStarted;
  private readonly trainer: Trainer;
  private readonly sink: TrainingSink;
  private pending: MetricRecordInput[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly opts: TrainingSessionOptions) {
    const { sink, batchEveryMs: _b, memoryEveryMs: _m, ...trainerOptions } = opts;
    this.sink = sink;
    const { hyper, spec, train, validation } = opts;
    const backend = tf.getBackend();
    this.started = {
      backend,
      samplesPerEpoch: train.count,
      batchesPerEpoch: Math.ceil(train.count / hyper.batchSize),
      validationSamples: validation?.count ?? 0,
      microBatchSize: Math.min(
        microBatchSize(spec, hyper.batchSize, Backend.safeParse(backend).data ?? hyper.backend),
        opts.maxMicroBatch ?? Number.POSITIVE_INFINITY,
        hyper.batchSize,
      ),
      startEpoch: opts.resume?.nextEpoch ?? 0,
    };
    this.trainer = new Trainer({
      ...trainerOptions,
      callbacks: {
        onBatch: (record) => {
          this.pending.push(record);
          const every = opts.batchEveryMs ?? 0;
          if (every > 0) this.flushTimer ??= setTimeout(() => this.flush(), every);
          else this.flush();
        },
        onEpoch: async (record, metrics) => {
          this.flush();
          await sink.epoch(record, metrics);
          this.memory();
        },
        onCheckpoint: async (artifacts, info) => {
          this.flush();
          await sink.checkpoint(artifacts, {
            epoch: info.epoch,
            step: info.step,
            kind: info.kind,
            metrics: checkpointMetrics(info.metrics),
            earlyStopping: info.earlyStopping,
          });
        },
        onStatus: (status) => {
          // Terminal statuses go out from run(), once it has settled and every checkpoint is out.
          if (status === 'running' || status === 'paused') {
            this.flush();
            void sink.status({ status });
          }
        },
      },
    });
  }

  /**
   * Trains to the end; resolves with the terminal status the sink got (a failure is one, not a
   * rejection), and for a failure the error it came from.
   */
  async run(): Promise<SessionOutcome> {
    const every = this.opts.memoryEveryMs;
    const memoryTimer = this.sink.memory && every ? setInterval(() => this.memory(), every) : null;
    let end: SessionEnd;
    let cause: unknown;
    try {
      const result = await this.trainer.run();
      end = { status: result.status === 'stopped' ? 'stopped' : 'completed', result };
    } catch (err) {
      const { backend } = this.started;
      cause = err;
      end = { status: 'failed', error: describeTrainingError(err, { backend, batchSize: this.opts.hyper.batchSize, microBatchSize: this.trainer.microBatchSize }) };
    } finally {
      if (memoryTimer !== null) clearInterval(memoryTimer);
    }
    this.flush();
    this.memory();
    await this.sink.status(end);
    return cause === undefined ? end : { ...end, cause };
  }

  /** Holds training before the next batch. */
  pause(): void {
    this.trainer.pause();
  }

  resume(): void {
    this.trainer.resume();
  }

  /** Ends the run after the current batch, with a 'stop' checkpoint. */
  stop(): void {
    this.trainer.stop();
  }

  private flush(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pending.length === 0) return;
    const records = this.pending;
    this.pending = [];
    this.sink.batches(records);
  }

  private memory(): void {
    if (!this.sink.memory) return;
    const info = tf.memory();
    this.sink.memory({ numTensors: info.numTensors, numBytes: info.numBytes, numBytesInGPU: bytesInGpu(info) });
  }
}
