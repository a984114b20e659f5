import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from './src-main/cross-origin-isolation';

export default defineConfig({
  main: {
    build: {
      rolldownOptions: {
        // The baselines' fits run in their own process from their own entry (baseline-process.ts).
        input: { index: resolve('src-main/electron/main.ts'), 'baseline-child': resolve('src-main/baselines/baseline-child.ts') },
        // Chunks beside index.js, not in chunks/: code that finds package files from its own
        // URL (../../resources/…, ../../package.json) must sit two folders deep, as in src-main.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': bundle everything else, as CommonJS.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve('src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [vue()],
    // `npm run dev` serves the renderer from Vite: isolated like app:// so WASM can use threads.
    server: { headers: { ...CROSS_ORIGIN_ISOLATION_HEADERS } },
    worker: { format: 'es' },
    build: {
      rolldownOptions: { input: { index: resolve('src-renderer/index.html') } },
    },
  },
});
