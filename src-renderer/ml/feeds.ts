/**
 * The worker's open data feeds by id: the trainer looks a feed up with getFeed(feedId) and
 * iterates `source.epoch(n, {batchSize})`.
 */
import { BatchSource, type FeedPort } from './batch-source';
import type { FeedPlan } from './feed-protocol';
import type { FeedDrainReport, FeedDrainRequest } from './protocol';

const feeds = new Map<string, BatchSource>();

/** Registers a feed arriving on `port`; an older feed with the same id is closed first. */
export function openFeed(plan: FeedPlan, port: FeedPort): BatchSource {
  feeds.get(plan.feedId)?.close();
  const source = new BatchSource(port, plan);
  feeds.set(plan.feedId, source);
  return source;
}

/** The feed with this id; throws when there is none (closed or never opened). */
export function getFeed(feedId: string): BatchSource {
  const source = feeds.get(feedId);
  if (!source) throw new Error(`No data feed "${feedId}" is open`);
  return source;
}

/** Closes a feed; closing an unknown id does nothing. */
export function closeFeed(feedId: string): void {
  feeds.get(feedId)?.close();
  feeds.delete(feedId);
}

/** Reads one epoch of a source and measures it. */
export async function drain(source: BatchSource, req: Omit<FeedDrainRequest, 'feedId'>): Promise<FeedDrainReport> {
  const started = performance.now();
  const report: FeedDrainReport = { batches: 0, samples: 0, bytes: 0, ms: 0, labelCounts: [] };
  for await (const b of source.epoch(req.epoch ?? 0, { batchSize: req.batchSize, augment: req.augment })) {
    report.batches++;
    report.samples += b.size;
    report.bytes += b.x.byteLength + b.y.byteLength;
    for (const label of b.y) report.labelCounts[label] = (report.labelCounts[label] ?? 0) + 1;
  }
  report.ms = performance.now() - started;
  report.labelCounts = Array.from(report.labelCounts, (v) => v ?? 0);
  return report;
}
