/** What the ML worker says about TensorFlow.js backends: which one runs, on what, and what failed first. */
import { BACKENDS, type Backend } from '../../src-shared/runs/hyper-params';

/** A TensorFlow.js backend the studio knows (src-shared's one list, in the order it prefers them). */
export type BackendName = Backend;

/** Whether a string names a backend the studio knows. */
export function isBackendName(v: unknown): v is BackendName {
  return typeof v === 'string' && (BACKENDS as readonly string[]).includes(v);
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
  /** For WASM: whether its SIMD build runs and on how many threads (more than 1 only when the page is cross-origin isolated). */
  wasm?: WasmInfo;
  tried: BackendAttempt[];
}

/** How TensorFlow.js's WASM backend runs. */
export interface WasmInfo {
  simd: boolean;
  threads: number;
}

/** What the worker may be told at start: a backend to try first, and how many WASM threads to use (default: every core). */
export interface BackendRequest {
  preferred?: BackendName;
  wasmThreads?: number;
}
