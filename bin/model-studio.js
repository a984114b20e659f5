#!/usr/bin/env node
// The `model-studio` command. It runs the TypeScript sources through tsx's loader, so it works
// right after `npm install` / `npm ci` with no build step. The entry is the one the built
// bundle has (src-main/cli/bin.ts), so both read the command line the same way.
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

await tsImport('../src-main/cli/bin.ts', {
  parentURL: import.meta.url,
  // Our own compiler settings, whatever tsconfig sits in the folder the command is run from.
  tsconfig: fileURLToPath(new URL('../tsconfig.node.json', import.meta.url)),
});
