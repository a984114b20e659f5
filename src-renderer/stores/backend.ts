/** Which TensorFlow.js backend the ML worker runs on, and on what adapter. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useMl } from '../bridge';
import type { BackendName, BackendReport, BackendRequest } from '../ml/backend-report';

export type BackendStatus = 'idle' | 'starting' | 'ready' | 'failed';

export const useBackendStore = defineStore('backend', () => {
  const ml = useMl();
  const status = ref<BackendStatus>('idle');
  const report = ref<BackendReport | null>(null);
  const error = ref<string | null>(null);

  /** Asks the worker to initialise TensorFlow.js (once), preferring a backend and a WASM thread count if given. */
  async function start(preferred?: BackendName, wasmThreads?: number): Promise<void> {
    if (status.value !== 'idle') return;
    status.value = 'starting';
    try {
      const request: BackendRequest = {};
      if (preferred) request.preferred = preferred;
      if (wasmThreads !== undefined) request.wasmThreads = wasmThreads;
      report.value = await ml.request('init', request);
      status.value = report.value.backend ? 'ready' : 'failed';
      if (!report.value.backend) {
        error.value = report.value.tried.map((t) => `${t.name}: ${t.error ?? 'failed'}`).join('; ');
      }
    } catch (err) {
      status.value = 'failed';
      error.value = err instanceof Error ? err.message : String(err);
    }
  }

  return { status, report, error, start };
});
