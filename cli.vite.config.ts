/**
 * Builds the CLI (src-main/cli/bin.ts) into out/cli/: Node ESM, packages left as imports (they
 * come from node_modules, as for the app's main process), our own code bundled so it starts
 * without a TypeScript loader. Chunks stay in out/cli/ (two folders deep, like the sources).
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    ssr: resolve('src-main/cli/bin.ts'),
    outDir: 'out/cli',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: false,
    minify: false,
    rolldownOptions: {
      output: { format: 'es', entryFileNames: 'model-studio.mjs', chunkFileNames: '[name]-[hash].mjs' },
    },
  },
});
