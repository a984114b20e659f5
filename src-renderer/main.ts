/** Renderer entry: picks the studio API (Electron preload or web host socket), starts the ML worker, mounts the app. */
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createDefaultClient, studioPlugin } from './bridge';
import { createStudioI18n } from './i18n';
import { startMlWorker } from './ml/ml-client';
import { isBackendName } from './ml/protocol';
import './styles/theme.css';

// `?backend=wasm` forces a backend first (for diagnosis and tests); the rest still follow as fallbacks.
const requested = new URLSearchParams(location.search).get('backend');

createApp(App, { preferredBackend: isBackendName(requested) ? requested : undefined })
  .use(createPinia())
  .use(createStudioI18n())
  .use(studioPlugin(createDefaultClient(), startMlWorker()))
  .mount('#app');
