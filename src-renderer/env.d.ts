import type { StudioApi } from '../src-shared/ipc/api';

declare global {
  interface Window {
    /** The studio API the Electron preload exposes; absent in a plain browser. */
    studio?: StudioApi;
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

export {};
