/**
 * TensorFlow.js's threaded SIMD WASM build in Node, which tfjs-backend-wasm 4.22 never starts
 * there (it turns thread detection off in Node, tfjs issue 3830). Three things stop it, and each
 * is worked around here rather than by patching the package:
 *  - its pthread workers and the script they load are `blob:` URLs, which `node:worker_threads`
 *    refuses: both scripts are written to a folder of the system's temporary directory (once per
 *    tfjs version) and the Emscripten module is made with those paths;
 *  - tfjs does not expose its module factory: the threaded build's own JS is loaded from the
 *    package and the backend made from it with tfjs's exported BackendWasm, as tfjs's init does;
 *  - its C++ caps the pool at half the logical cores, read while the module starts (one thread on
 *    2 cores): os.cpus() reports twice the cores for that moment.
 * Its workers are unref'd, so that a command ends when its work does.
 * The backend stays registered as 'wasm', so every WASM kernel (tfjs's and the engine's) serves it.
 * When the threaded build fails to start, the stock single-threaded one starts instead, and the
 * reason is kept for the CLI to say. The scripts live in a folder only this user can write
 * (`<tmp>/model-studio-<uid>/`) and are rewritten whenever they differ from the package's.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MAX_WASM_THREADS } from '../../src-shared/runs/hyper-params';

const require = createRequire(import.meta.url);


/** How the WASM backend runs now: its thread count, and why it is not threaded when it failed to be. */
export interface WasmThreading {
  threads: number;
  fallback: string | null;
}

interface NodeWorkerLike {
  ref?(): void;
  unref?(): void;
}
type BackendFactory = () => tf.KernelBackend | Promise<tf.KernelBackend>;
interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): unknown;
  tfjs?: Record<string, unknown>;
  PThread?: { unusedWorkers: NodeWorkerLike[]; runningWorkers: NodeWorkerLike[]; terminateAllThreads?(): void };
}

let stockFactory: BackendFactory | null = null;
/** The thread count our registration of 'wasm' is for; null while tfjs's own is registered. */
let registeredFor: number | null = null;
let current: WasmThreading = { threads: 1, fallback: null };

/**
 * The thread count the CLI asks for: MODEL_STUDIO_WASM_THREADS when it is a whole number from 1,
 * else one per core the process may use (both at most 8).
 */
export function nodeWasmThreads(env: NodeJS.ProcessEnv = process.env, cores = os.availableParallelism()): number {
  const asked = Number(env.MODEL_STUDIO_WASM_THREADS);
  const n = Number.isInteger(asked) && asked >= 1 ? asked : Math.max(1, cores);
  return Math.min(MAX_WASM_THREADS, n);
}

/**
 * A folder only this user can write: `<tmp>/model-studio-<uid>` (mode 0700, owned by us, not a
 * link), so nobody else on the machine can put a script where the CLI loads one.
 */
function privateDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  const dir = join(os.tmpdir(), uid === null ? 'model-studio' : `model-studio-${uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || (uid !== null && (st.uid !== uid || (st.mode & 0o022) !== 0))) {
    throw new Error(`${dir} is not a private folder of this user`);
  }
  return dir;
}

/** Whether `path` holds exactly `text`. */
function holds(path: string, text: string): boolean {
  try {
    return readFileSync(path, 'utf8') === text;
  } catch {
    return false;
  }
}

/** The threaded build's scripts, written where Node's workers can load them; returns their paths. */
function workerScripts(wasmOut: string): { worker: string; main: string } {
  const mainSource = readFileSync(join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js'), 'utf8');
  const { wasmWorkerContents } = require(join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  // The worker's source sits in a template literal whose "\n" escapes became newlines (tfjs
  // escapes them again before making its blob).
  const workerSource = wasmWorkerContents.replace(/\n/g, '\\n');
  const tag = createHash('sha256').update(mainSource).update(workerSource).digest('hex').slice(0, 16);
  const dir = join(privateDir(), `wasm-threads-${tag}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const worker = join(dir, 'worker.cjs');
  const main = join(dir, 'tfjs-backend-wasm-threaded-simd.cjs');
  for (const [path, text] of [[main, mainSource], [worker, workerSource]] as const) {
    if (holds(path, text)) continue;
    // Written beside and renamed, so two processes starting at once never read half a file.
    const part = `${path}.${process.pid}.part`;
    writeFileSync(part, text, { mode: 0o600 });
    renameSync(part, path);
  }
  return { worker, main };
}

/** How long the threaded module may take to start (its 8 workers load the module) before the stock build runs. */
const START_TIMEOUT_MS = 30_000;

/** The threaded backend on `threads` threads, made as tfjs's own init makes it. */
async function threadedBackend(threads: number): Promise<tf.KernelBackend> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const wasmOut = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
  const scripts = workerScripts(wasmOut);
  const factory = require(scripts.main) as (config: object) => Promise<EmscriptenModule>;
  const cpus = os.cpus;
  os.cpus = () => {
    const real = cpus();
    return Array.from({ length: Math.max(real.length, threads) * 2 }, (_, i) => real[i % real.length]!);
  };
  const config: Record<string, unknown> & Partial<EmscriptenModule> = {
    locateFile: (path: string, prefix: string) =>
      path.endsWith('.worker.js') ? scripts.worker : path.endsWith('.wasm') ? join(wasmOut, 'tfjs-backend-wasm-threaded-simd.wasm') : prefix + path,
    mainScriptUrlOrBlob: scripts.main,
  };
  let module: EmscriptenModule;
  let timer: NodeJS.Timeout | undefined;
  // An abort during instantiation, or workers that never load, would otherwise leave the start
  // pending for ever.
  const failed = new Promise<never>((_, reject) => {
    config.onAbort = (what: unknown) => reject(new Error(`the threaded WASM build aborted: ${String(what)}`));
    timer = setTimeout(() => reject(new Error(`the threaded WASM build did not start in ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
  });
  try {
    module = await Promise.race([factory(config), failed]);
  } catch (err) {
    // Emscripten put its workers on the config (its Module) before it failed: end them, or they
    // would keep Node running.
    config.PThread?.terminateAllThreads?.();
    throw err;
  } finally {
    clearTimeout(timer);
    os.cpus = cpus;
  }
  // Emscripten refs a worker while it runs a thread, and XNNPACK's pool threads never end, so
  // Node would never exit after a command. The pool only works while the main thread waits on
  // it, so its workers need not keep Node alive: they are unref'd and never ref'd again.
  for (const worker of [...(module.PThread?.unusedWorkers ?? []), ...(module.PThread?.runningWorkers ?? [])]) {
    worker.unref?.();
    worker.ref = () => {};
  }
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  wasm.setThreadsCount(threads);
  return new wasm.BackendWasm(module as never);
}

/**
 * Makes the next start of the 'wasm' backend use `threads` threads (the threaded build for 2 or
 * more, tfjs's stock single-threaded SIMD build for 1). A backend already started on another count
 * is removed first (its tensors with it), so call this before any model exists.
 */
export function useWasmThreads(threads: number): Promise<void> {
  // One at a time: a second call removing the backend mid-start would cancel the first's start.
  const next = queue.then(() => switchWasmThreads(threads));
  queue = next.catch(() => {});
  return next;
}
let queue: Promise<void> = Promise.resolve();

async function switchWasmThreads(threads: number): Promise<void> {
  await import('@tensorflow/tfjs-backend-wasm');
  stockFactory ??= tf.findBackendFactory('wasm') as BackendFactory;
  const n = Math.min(MAX_WASM_THREADS, Math.max(1, Math.floor(threads)));
  // Ours for this count is registered already (started or starting): removing it would drop its
  // tensors, or cancel a start another caller awaits.
  if (registeredFor === n && tf.findBackendFactory('wasm')) return;
  registeredFor = n;
  // Disposes a started backend, or drops the stock registration; ours replaces it below.
  tf.removeBackend('wasm');
  const stock = stockFactory;
  tf.registerBackend(
    'wasm',
    async () => {
      if (n === 1) {
        current = { threads: 1, fallback: null };
        return stock();
      }
      try {
        const backend = await threadedBackend(n);
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        current = { threads: wasm.getThreadsCount(), fallback: null };
        return backend;
      } catch (err) {
        current = { threads: 1, fallback: (err as Error).message || String(err) };
        return stock();
      }
    },
    2,
  );
}

/** How the WASM backend started (meaningful once it has). */
export function wasmThreading(): WasmThreading {
  return current;
}
