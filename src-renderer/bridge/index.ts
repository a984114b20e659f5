/**
 * Chooses the studio API for this page (the Electron preload's `window.studio`, else the web
 * host's WebSocket) and hands it to components and stores through Vue's provide/inject, so tests
 * can inject a fake API in the same place.
 */
import { inject, ref, type App, type InjectionKey } from 'vue';
import type { StudioApi } from '../../src-shared/ipc/api';
import type { MlClient } from '../ml/ml-client';
import {
  createStudioClient,
  type ConnectionProblem,
  type ConnectionState,
  type StudioClient,
} from './client';
import { createWebStudioApi, takeToken } from './web-bridge';

export const STUDIO_KEY: InjectionKey<StudioClient> = Symbol('studio');
export const ML_KEY: InjectionKey<MlClient> = Symbol('ml');

/** Builds the client for the environment the page runs in. */
export function createDefaultClient(): StudioClient {
  if (window.studio) return createStudioClient(window.studio);
  const connection = ref<ConnectionState>('connecting');
  const problem = ref<ConnectionProblem>(null);
  const hasToken = takeToken() !== null;
  const api: StudioApi = createWebStudioApi({
    onOpen: () => (connection.value = 'open'),
    onClose: () => {
      problem.value = !hasToken ? 'no-token' : connection.value === 'open' ? 'lost' : 'unreachable';
      connection.value = 'closed';
    },
  });
  return createStudioClient(api, connection, problem);
}

/** A Vue plugin that provides the studio client and the ML engine to the whole app. */
export function studioPlugin(client: StudioClient, ml: MlClient) {
  return {
    install(app: App) {
      app.provide(STUDIO_KEY, client);
      app.provide(ML_KEY, ml);
    },
  };
}

/** The studio client; only valid inside components or stores of an app using studioPlugin. */
export function useStudio(): StudioClient {
  const client = inject(STUDIO_KEY);
  if (!client) throw new Error('The studio client is not installed (studioPlugin).');
  return client;
}

/** The ML engine client; only valid inside an app using studioPlugin. */
export function useMl(): MlClient {
  const ml = inject(ML_KEY);
  if (!ml) throw new Error('The ML engine is not installed (studioPlugin).');
  return ml;
}
