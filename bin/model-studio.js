#!/usr/bin/env node
// The `model-studio` command. It runs the TypeScript sources through tsx's loader, so it works
// right after `npm install` / `npm ci` with no build step.
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const { runCli } = await tsImport('../src-main/cli/main.ts', {
  parentURL: import.meta.url,
  // Our own compiler settings, whatever tsconfig sits in the folder the command is run from.
  tsconfig: fileURLToPath(new URL('../tsconfig.node.json', import.meta.url)),
});
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
});
