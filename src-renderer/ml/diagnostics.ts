/**
 * Opt-in diagnostics (`?diagnostics` in the page address): measures the data feed from main to
 * the ML worker, and training throughput through the worker, in a real page, for the
 * end-to-end tests and `npm run bench`.
 */
import type { SplitName } from '../../src-shared/datasets/schema';
import { HyperParams, type Backend } from '../../src-shared/runs/hyper-params';
import type { MetricRecordInput } from '../../src-shared/runs/metrics';
import { templateFor } from '../../src-shared/models/templates';
import type { StudioClient } from '../bridge/client';
import { openDataFeed, studioShardReader } from './data-feed';
import type { FeedPlan } from './feed-protocol';
import type { MlClient } from './ml-client';
import type { BackendReport } from './backend-report';
import type { FeedDrainReport } from './protocol';
import type { TrainStatusEvent } from './training-protocol';
import { textOf } from '../../src-shared/messages/message';

export interface FeedThroughputRequest {
  datasetId: string;
  split: SplitName;
  batchSize: number;
  epochs?: number;
  memoryBudget?: number;
  shardBytes?: number;
}

export interface FeedThroughputReport {
  plan: FeedPlan;
  epochs: FeedDrainReport[];
  /** Shards and bytes the UI thread posted to the worker. */
  sent: { shards: number; bytes: number };
  /** Bytes delivered per second of wall time over all epochs, including reads from main. */
  mbPerSecond: number;
}

export interface TrainThroughputRequest {
  datasetId: string;
  /** A model template name, e.g. `seed-cnn` or `text-transformer`, built for the dataset. */
  template: string;
  backend: Backend;
  batchSize: number;
  /** Batches timed after the warm-up ones. */
  batches: number;
  /** Untimed batches first (kernel compilation, first uploads); default 1. */
  warmup?: number;
  /** Stop the run after this many milliseconds, timing what finished; default no cap. */
  maxMs?: number;
}

export interface TrainThroughputReport {
  /** The backend the worker actually trained on (it falls back when the wanted one fails). */
  backend: BackendReport;
  /** Samples per second over the timed batches (or over all when even warm-up hit the cap). */
  samplesPerSecond: number;
  /** Batches timed, and whether they followed the warm-up. */
  batches: number;
  warm: boolean;
  /** Whether every batch loss was a finite number (a broken kernel shows as NaN). */
  finite: boolean;
  /** Wall time of the whole run, feed opening included. */
  ms: number;
}

export interface StudioDiagnostics {
  feedThroughput(req: FeedThroughputRequest): Promise<FeedThroughputReport>;
  trainThroughput(req: TrainThroughputRequest): Promise<TrainThroughputReport>;
}

declare global {
  interface Window {
    modelStudioDiagnostics?: StudioDiagnostics;
  }
}

/** Puts the diagnostics on `window.modelStudioDiagnostics`. */
export function installDiagnostics(studio: StudioClient, ml: MlClient): void {
  window.modelStudioDiagnostics = {
    async feedThroughput(req) {
      const manifest = await studio.call(studio.api.dataset.get({ id: req.datasetId }));
      const started = performance.now();
      const feed = await openDataFeed(ml, studioShardReader(studio), manifest, {
        split: req.split,
        ...(req.memoryBudget !== undefined ? { memoryBudget: req.memoryBudget } : {}),
        ...(req.shardBytes !== undefined ? { shardBytes: req.shardBytes } : {}),
      });
      const epochs: FeedDrainReport[] = [];
      try {
        for (let e = 0; e < (req.epochs ?? 1); e++) {
          epochs.push(await ml.request('feed:drain', { feedId: feed.plan.feedId, epoch: e, batchSize: req.batchSize }));
        }
      } finally {
        await feed.close();
      }
      const seconds = (performance.now() - started) / 1000;
      const bytes = epochs.reduce((a, r) => a + r.bytes, 0);
      return { plan: feed.plan, epochs, sent: { ...feed.server.sent }, mbPerSecond: bytes / 1e6 / seconds };
    },
    trainThroughput: (req) => trainThroughput(studio, ml, req),
  };
}

let benchRuns = 0;

/** Trains a template on the dataset through the worker (backend switch, data feed, Trainer) and times its batches. */
async function trainThroughput(studio: StudioClient, ml: MlClient, req: TrainThroughputRequest): Promise<TrainThroughputReport> {
  const warmup = req.warmup ?? 1;
  const started = performance.now();
  const backend = await ml.request('backend:use', { backend: req.backend });
  if (!backend.backend) throw new Error('No TensorFlow.js backend works here.');
  const manifest = await studio.call(studio.api.dataset.get({ id: req.datasetId }));
  const spec = templateFor(req.template, manifest.input, manifest.classNames.length);
  const hyper = HyperParams.parse({
    epochs: 1,
    batchSize: req.batchSize,
    optimizer: 'adam',
    learningRate: 0.001,
    seed: 1,
    backend: backend.backend,
    limit: (warmup + req.batches) * req.batchSize,
  });
  const feed = await openDataFeed(ml, studioShardReader(studio), manifest, { split: 'train', seed: 1, shuffle: true });
  const runId = `diagnostics-${++benchRuns}`;
  const records: MetricRecordInput[] = [];
  const offs: (() => void)[] = [];
  try {
    const ended = new Promise<TrainStatusEvent>((resolve) => {
      offs.push(ml.on('train:batch', (e) => void (e.runId === runId && records.push(...e.records))));
      offs.push(
        ml.on('train:status', (e) => {
          if (e.runId === runId && e.status !== 'running' && e.status !== 'paused') resolve(e);
        }),
      );
    });
    const t0 = Date.now();
    await ml.request('train:start', { runId, spec, hyper, standardization: null, feeds: { train: feed.plan.feedId, validation: null } });
    // Batch events arrive throttled; the cap is checked on each, and on a timer for slow batches.
    let timer: ReturnType<typeof setTimeout> | null = null;
    if (req.maxMs !== undefined) timer = setTimeout(() => void ml.request('train:stop', { runId }).catch(() => undefined), req.maxMs);
    const end = await ended;
    if (timer) clearTimeout(timer);
    if (end.status === 'failed') throw new Error(textOf(end.error));
    // Batch records are flushed before the terminal status, so all of them are here.
    const times = records.filter((r) => r.kind === 'batch').map((r) => r.time);
    const finite = records.every((r) => typeof r.loss === 'number' && Number.isFinite(r.loss));
    if (times.length === 0) throw new Error(`No batch finished within ${req.maxMs ?? 0} ms.`);
    const timed = times.length - warmup;
    const report = { backend, finite, ms: performance.now() - started };
    if (timed > 0) {
      return { ...report, samplesPerSecond: (timed * req.batchSize) / ((times.at(-1)! - (warmup > 0 ? times[warmup - 1]! : t0)) / 1000), batches: timed, warm: true };
    }
    return { ...report, samplesPerSecond: (times.length * req.batchSize) / ((times.at(-1)! - t0) / 1000), batches: times.length, warm: false };
  } finally {
    for (const off of offs) off();
    await feed.close();
  }
}
