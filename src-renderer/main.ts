/** Renderer entry: picks the studio API (Electron preload or web host socket), starts the ML worker, mounts the app. */
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createDefaultClient, studioPlugin } from './bridge';
import { createStudioI18n } from './i18n';
import { installDiagnostics } from './ml/diagnostics';
import { startMlWorker } from './ml/ml-client';
import { isBackendName } from './ml/backend-report';
import './styles/theme.css';

const params = new URLSearchParams(location.search);
// `?backend=wasm` forces a backend first (for diagnosis and tests); the rest still follow as fallbacks.
const requested = params.get('backend');
// `?wasmThreads=1` runs WASM on fewer threads than cores (the bench compares 1 thread with all).
const wasmThreads = Number(params.get('wasmThreads') ?? NaN);
const client = createDefaultClient();
const ml = startMlWorker();
// `?diagnostics` exposes measurements (data feed throughput) to tests and benchmarks.
if (params.has('diagnostics')) installDiagnostics(client, ml);

createApp(App, {
  preferredBackend: isBackendName(requested) ? requested : undefined,
  wasmThreads: Number.isInteger(wasmThreads) && wasmThreads >= 1 ? wasmThreads : undefined,
})
  .use(createPinia())
  .use(createStudioI18n())
  .use(studioPlugin(client, ml))
  .mount('#app');
