/**
 * The typed message protocol between the UI and the ML worker. Every request carries an id and
 * gets exactly one response with that id; the worker may also push events (progress, logs).
 * New capabilities (training, evaluation, compression) add entries to the two maps below.
 */

/** TensorFlow.js backends in the order the studio prefers them. */
export const BACKEND_ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

/** Whether a string names a backend the studio knows. */
export function isBackendName(v: unknown): v is BackendName {
  return typeof v === 'string' && (BACKEND_ORDER as readonly string[]).includes(v);
}

/** One backend the worker tried while starting. */
export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  error?: string;
}

/** What the worker found: the backend in use, the hardware behind it, and what failed first. */
export interface BackendReport {
  /** Null when every backend failed. */
  backend: BackendName | null;
  /** A human-readable adapter, e.g. the WebGPU adapter description or the WebGL renderer. */
  adapter: string | null;
  tried: BackendAttempt[];
}

/** Request types the worker answers: request payload and response value. */
export interface WorkerMethods {
  /** Initialises TensorFlow.js on the best working backend (optionally a preferred one first). */
  init: { request: { preferred?: BackendName }; response: BackendReport };
  /** Reports the backend chosen by an earlier init, or null if none ran yet. */
  status: { request: Record<string, never>; response: BackendReport | null };
}

/** Events the worker pushes without being asked. */
export interface WorkerEvents {
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
