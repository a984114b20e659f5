/**
 * Picks and proves a TensorFlow.js backend inside the ML worker: each candidate is loaded on
 * demand, made current, and must run a small real matMul before it counts as working.
 */
import * as tf from '@tensorflow/tfjs-core';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BACKENDS, MAX_WASM_THREADS } from '../../src-shared/runs/hyper-params';
import type { BackendAttempt, BackendName, BackendReport, WasmInfo } from './backend-report';

// Loose views of adapter info: Chromium has moved from requestAdapterInfo() to adapter.info.
interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}
type AdapterLike = GPUAdapter & {
  info?: AdapterInfoLike;
  requestAdapterInfo?: () => Promise<AdapterInfoLike>;
};

/** What a backend's probe says about the hardware it runs on. */
interface Probe {
  adapter: string | null;
  wasm?: WasmInfo;
}

/** A loaded backend: a probe for its adapter, and what to undo once it has initialised. */
interface Loaded {
  probe(): Promise<Probe>;
  afterInit?(): void;
}

interface LoadOptions {
  wasmThreads?: number;
}

/** Loads a backend's package (which registers it) and returns a probe for its adapter. */
const loaders: Record<BackendName, (opts: LoadOptions) => Promise<Loaded>> = {
  async webgpu() {
    if (!('gpu' in navigator) || !navigator.gpu) throw new Error('WebGPU is not available');
    await import('@tensorflow/tfjs-backend-webgpu');
    return { probe: async () => ({ adapter: await webgpuAdapter() }) };
  },
  async webgl() {
    await import('@tensorflow/tfjs-backend-webgl');
    return { probe: async () => ({ adapter: webglRenderer() }) };
  },
  async wasm({ wasmThreads }) {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Serve the binaries from our own origin (the CSP allows nothing else).
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
    });
    const probe = async (): Promise<Probe> => ({
      adapter: null,
      wasm: { simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true, threads: wasm.getThreadsCount() },
    });
    // The threaded SIMD build needs SharedArrayBuffer, which only a cross-origin isolated page
    // has (the app:// protocol and the web host send COOP/COEP); the count must be set before init.
    if (!isCrossOriginIsolated()) return { probe };
    const threads = threadsFor(wasmThreads);
    wasm.setThreadsCount(threads);
    if (threads === 1) return { probe };
    // tfjs-backend-wasm caps its pool at hardwareConcurrency / 2 (it assumes two hyper-threads
    // per core), which is one thread on a 2-core machine: report twice the count while it
    // initialises so the cap is the count asked for (its pool holds 8 workers at most).
    return { probe, afterInit: reportLogicalCores(threads * 2) };
  },
  async cpu() {
    await import('@tensorflow/tfjs-backend-cpu');
    return { probe: async () => ({ adapter: null }) };
  },
};

function isCrossOriginIsolated(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}


/**
 * The WASM thread count: the one asked for, else one per logical core on more than 2 cores and
 * 1 on 2 or fewer. Measured on 2 cores (`npm run bench -- training-browser`): XNNPACK wakes its
 * pool for every op, which costs 0.1-0.25 ms even on a 2,048-element ReLU, so seed-cnn at
 * batch 32 ran at 0.40-0.70x of 1 thread (0.63x on 2026-12-01, 1.13x at batch 256), though a
 * large conv alone runs 1.85x faster on 2 threads. (The CLI in Node gains from threads on 2
 * cores, where nothing else shares them: src-main/training/wasm-threads.ts.)
 */
export function threadsFor(requested: number | undefined, cores = navigator.hardwareConcurrency): number {
  if (requested !== undefined && Number.isInteger(requested) && requested >= 1) return Math.min(MAX_WASM_THREADS, requested);
  const n = Math.max(1, cores || 1);
  return n > 2 ? Math.min(MAX_WASM_THREADS, n) : 1;
}

/** Makes navigator.hardwareConcurrency read `n` in this worker until the returned function runs. */
function reportLogicalCores(n: number): () => void {
  Object.defineProperty(navigator, 'hardwareConcurrency', { configurable: true, get: () => n });
  return () => {
    delete (navigator as unknown as { hardwareConcurrency?: number }).hardwareConcurrency;
  };
}

function joinInfo(info: AdapterInfoLike): string | null {
  if (info.description) return info.description;
  const parts = [info.vendor, info.architecture, info.device].filter((s): s is string => !!s);
  return parts.length > 0 ? parts.join(' ') : null;
}

async function webgpuAdapter(): Promise<string | null> {
  const adapter = (await navigator.gpu.requestAdapter()) as AdapterLike | null;
  if (!adapter) return null;
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.());
  return info ? joinInfo(info) : null;
}

function webglRenderer(): string | null {
  try {
    const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } };
    const gl = backend.gpgpu?.gl;
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer: unknown = gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    return typeof renderer === 'string' && renderer ? renderer : null;
  } catch {
    return null;
  }
}

/** Runs a 2x2 matMul and checks the numbers, so a backend that "initialises" but computes garbage fails. */
async function proveBackend(): Promise<void> {
  const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
  const b = tf.tensor2d([5, 6, 7, 8], [2, 2]);
  const c = tf.matMul(a, b);
  try {
    const got = Array.from(await c.data());
    const want = [19, 22, 43, 50];
    if (got.some((v, i) => Math.abs(v - want[i]!) > 1e-3)) {
      throw new Error(`matMul returned [${got.join(', ')}] instead of [${want.join(', ')}]`);
    }
  } finally {
    tf.dispose([a, b, c]);
  }
}

/** The order to try: the preferred backend first, then the rest in the studio's order. */
export function backendOrder(preferred?: BackendName): BackendName[] {
  return preferred ? [preferred, ...BACKENDS.filter((b) => b !== preferred)] : [...BACKENDS];
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Tries backends in order until one loads, initialises and computes correctly. */
export async function selectBackend(preferred?: BackendName, opts: LoadOptions = {}): Promise<BackendReport> {
  const tried: BackendAttempt[] = [];
  for (const name of backendOrder(preferred)) {
    try {
      const loaded = await loaders[name](opts);
      try {
        // setBackend resolves false (rather than throwing) when initialisation fails.
        if (!(await tf.setBackend(name))) throw new Error(`${name} failed to initialise`);
      } finally {
        loaded.afterInit?.();
      }
      await tf.ready();
      await proveBackend();
      tried.push({ name, ok: true });
      return { backend: name, ...(await loaded.probe()), tried };
    } catch (err) {
      tried.push({ name, ok: false, error: message(err) });
    }
  }
  return { backend: null, adapter: null, tried };
}
