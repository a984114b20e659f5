/**
 * Picks and proves a TensorFlow.js backend inside the ML worker: each candidate is loaded on
 * demand, made current, and must run a small real matMul before it counts as working.
 */
import * as tf from '@tensorflow/tfjs-core';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BACKENDS } from '../../src-shared/runs/hyper-params';
import type { BackendAttempt, BackendName, BackendReport } from './backend-report';

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

/** Loads a backend's package (which registers it) and returns a probe for its adapter. */
const loaders: Record<BackendName, () => Promise<() => Promise<string | null>>> = {
  async webgpu() {
    if (!('gpu' in navigator) || !navigator.gpu) throw new Error('WebGPU is not available');
    await import('@tensorflow/tfjs-backend-webgpu');
    return webgpuAdapter;
  },
  async webgl() {
    await import('@tensorflow/tfjs-backend-webgl');
    return async () => webglRenderer();
  },
  async wasm() {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Serve the binaries from our own origin (the CSP allows nothing else).
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
    });
    return async () => null;
  },
  async cpu() {
    await import('@tensorflow/tfjs-backend-cpu');
    return async () => null;
  },
};

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
export async function selectBackend(preferred?: BackendName): Promise<BackendReport> {
  const tried: BackendAttempt[] = [];
  for (const name of backendOrder(preferred)) {
    try {
      const probeAdapter = await loaders[name]();
      // setBackend resolves false (rather than throwing) when initialisation fails.
      if (!(await tf.setBackend(name))) throw new Error(`${name} failed to initialise`);
      await tf.ready();
      await proveBackend();
      tried.push({ name, ok: true });
      return { backend: name, adapter: await probeAdapter(), tried };
    } catch (err) {
      tried.push({ name, ok: false, error: message(err) });
    }
  }
  return { backend: null, adapter: null, tried };
}
