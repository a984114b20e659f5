/**
 * The typed message protocol between the UI and the ML worker. Every request carries an id and
 * gets exactly one response with that id; the worker may also push events (progress, logs).
 * New capabilities add entries to the two maps below (training: training-protocol.ts;
 * compression: compression-protocol.ts).
 */

import type { AugmentOptions } from '../../src-engine/data/augment';
import type { BackendName, BackendReport, BackendRequest } from './backend-report';
import type { FeedPlan } from './feed-protocol';
import type { CompressionEvents, CompressionMethods } from './compression-protocol';
import type { TrainingEvents, TrainingMethods } from './training-protocol';

/** Request types the worker answers: request payload and response value (training ones in training-protocol.ts). */
export interface WorkerMethods extends TrainingMethods, CompressionMethods {
  /** Initialises TensorFlow.js on the best working backend (optionally a preferred one first). */
  init: { request: BackendRequest; response: BackendReport };
  /** Reports the backend chosen by an earlier init, or null if none ran yet. */
  status: { request: Record<string, never>; response: BackendReport | null };
  /**
   * Starts a data feed: `port` (transferred with the request) carries the split's shards from
   * the UI; the worker keeps a BatchSource under `plan.feedId` for the trainer.
   */
  'feed:open': { request: { plan: FeedPlan; port: MessagePort }; response: { feedId: string } };
  /** Ends a feed and closes its port. */
  'feed:close': { request: { feedId: string }; response: null };
  /** Reads one whole epoch of a feed in batches and says how fast it arrived (diagnostics, bench). */
  'feed:drain': { request: FeedDrainRequest; response: FeedDrainReport };
}

export interface FeedDrainRequest {
  feedId: string;
  epoch?: number;
  batchSize: number;
  augment?: AugmentOptions;
}

/** What one drained epoch delivered. */
export interface FeedDrainReport {
  batches: number;
  samples: number;
  /** Input and label bytes of every batch. */
  bytes: number;
  ms: number;
  /** Samples per label value, to check that an epoch covers the split. */
  labelCounts: number[];
}

/** Events the worker pushes without being asked (training ones in training-protocol.ts). */
export interface WorkerEvents extends TrainingEvents, CompressionEvents {
  /** Diagnostic text worth showing in a developer console. */
  log: { level: 'info' | 'warn' | 'error'; message: string };
}

export type WorkerMethod = keyof WorkerMethods;
export type WorkerEventName = keyof WorkerEvents;

/** A message from the UI to the worker. */
export type WorkerRequest = {
  [K in WorkerMethod]: { kind: 'request'; id: number; type: K; payload: WorkerMethods[K]['request'] };
}[WorkerMethod];

/** An error as it crosses from the worker. */
export interface WorkerErrorData {
  code: string;
  message: string;
}

/** A message from the worker to the UI. */
export type WorkerResponse =
  | { kind: 'response'; id: number; ok: true; value: unknown }
  | { kind: 'response'; id: number; ok: false; error: WorkerErrorData }
  | {
      [E in WorkerEventName]: { kind: 'event'; event: E; payload: WorkerEvents[E] };
    }[WorkerEventName];
