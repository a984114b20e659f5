/**
 * Opt-in diagnostics (`?diagnostics` in the page address): measures the data feed from main to
 * the ML worker in a real page, for the end-to-end tests and `npm run bench`.
 */
import type { SplitName } from '../../src-shared/datasets/schema';
import type { StudioClient } from '../bridge/client';
import { openDataFeed, studioShardReader } from './data-feed';
import type { FeedPlan } from './feed-protocol';
import type { MlClient } from './ml-client';
import type { FeedDrainReport } from './protocol';

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

export interface StudioDiagnostics {
  feedThroughput(req: FeedThroughputRequest): Promise<FeedThroughputReport>;
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
  };
}
