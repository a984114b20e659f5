/**
 * TensorFlow.js backends for Node (CLI, benchmarks, tests): WASM (default), CPU, or WebGPU
 * through the npm `webgpu` package (Dawn), then the engine's training kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
// Loaded up front: the CPU kernels must be registered before the engine replaces its conv gradient.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { StudioError } from '../../src-shared/errors';
import { registerTrainingKernels } from '../../src-engine/kernels/register-kernels';

import type { NodeBackend } from './backends';
import { nodeWasmThreads, useWasmThreads, wasmThreading } from './wasm-threads';

export { NODE_BACKENDS, type NodeBackend } from './backends';

/** The backend in use and, for WebGPU, the adapter behind it; for WASM, its threads. */
export interface BackendInfo {
  backend: NodeBackend;
  adapter: string | null;
  /** WASM only: the threads its pool runs, and why it runs on one when threads failed to start. */
  wasm?: { threads: number; fallback: string | null };
}

/** Options for setupNodeBackend. */
export interface NodeBackendOptions {
  /** WASM threads (default: nodeWasmThreads(), i.e. MODEL_STUDIO_WASM_THREADS or one per core). */
  threads?: number;
}

let webgpuAdapter: string | null | undefined;

/**
 * Gives Node a navigator.gpu from Dawn (once) and checks that an adapter exists; returns a
 * description of it, or null when there is none.
 */
async function installWebGpu(): Promise<string | null> {
  if (webgpuAdapter !== undefined) return webgpuAdapter;
  // Debian's Mesa needs a surfaceless EGL platform to run headless.
  process.env.EGL_PLATFORM ??= 'surfaceless';
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create(['backend=opengl']);
  // tfjs asks for an adapter without a feature level; Dawn on OpenGL only offers 'compatibility'.
  const compat = (opts?: GPURequestAdapterOptions) => gpu.requestAdapter({ ...opts, featureLevel: 'compatibility' } as GPURequestAdapterOptions);
  const navigatorGpu = { requestAdapter: compat, getPreferredCanvasFormat: () => 'rgba8unorm', wgslLanguageFeatures: gpu.wgslLanguageFeatures };
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: navigatorGpu }, configurable: true, writable: true });
  const adapter = await compat();
  if (!adapter) return (webgpuAdapter = null);
  const info = adapter.info;
  webgpuAdapter = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'WebGPU adapter';
  // Only now: the backend registers itself at import time if navigator.gpu exists.
  await import('@tensorflow/tfjs-backend-webgpu');
  return webgpuAdapter;
}

/** Loads and selects a backend, then registers the training kernels; throws StudioError when unavailable. */
export async function setupNodeBackend(name: NodeBackend, options: NodeBackendOptions = {}): Promise<BackendInfo> {
  let adapter: string | null = null;
  if (name === 'wasm') await useWasmThreads(options.threads ?? nodeWasmThreads());
  else if (name === 'webgpu') {
    adapter = await installWebGpu().catch((err: unknown) => {
      throw new StudioError('UNSUPPORTED', `WebGPU is not available here (${(err as Error).message}); use --backend wasm.`);
    });
    if (adapter === null) throw new StudioError('UNSUPPORTED', 'No WebGPU adapter was found on this machine; use --backend wasm.');
  }
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    throw new StudioError('UNSUPPORTED', `The ${name} backend failed to start: ${(err as Error).message}`);
  }
  if (!ok) throw new StudioError('UNSUPPORTED', `The ${name} backend failed to start${name === 'wasm' ? '' : '; use --backend wasm'}.`);
  await tf.ready();
  registerTrainingKernels();
  return name === 'wasm' ? { backend: name, adapter, wasm: wasmThreading() } : { backend: name, adapter };
}
