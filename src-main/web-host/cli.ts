/**
 * `npm run web`: starts the local web host on loopback and prints the address to open.
 * Usage: tsx src-main/web-host/cli.ts [--port N] [--data-dir DIR] [--renderer-dir DIR]
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { appVersion, resolveDataDir } from '../cli/app-env';
import { startWebHost } from './server';

const USAGE = `Usage: npm run web -- [--port N] [--data-dir DIR] [--projects-dir DIR] [--renderer-dir DIR]

Serves the built UI and the studio's services on http://127.0.0.1 (loopback only).
  --port N            port to listen on (default 0: a free port)
  --data-dir DIR      where the recent-projects list is kept
                      (default: $MODEL_STUDIO_DATA_DIR, else ~/.config/model-studio)
  --projects-dir DIR  folder the New Project form suggests (default ~/Model Studio)
  --renderer-dir DIR  the built renderer (default out/renderer)`;

function fail(message: string, code: number): never {
  process.stderr.write(`model-studio web: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'projects-dir': { type: 'string' },
        'renderer-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`, 2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, not "${values.port}".`, 2);

  const rendererDir = resolve(values['renderer-dir'] ?? 'out/renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    fail(`${join(rendererDir, 'index.html')} does not exist. Build the UI first: npx electron-vite build (npm run web does this).`, 1);
  }

  const host = await startWebHost({
    dataDir: resolveDataDir(values['data-dir']),
    rendererDir,
    port,
    appVersion: appVersion(),
    defaultParentDir: values['projects-dir'] ? resolve(values['projects-dir']) : undefined,
    log: (message) => process.stderr.write(`model-studio web: ${message}\n`),
  }).catch((err: unknown) => fail(err instanceof Error ? err.message : String(err), 1));

  process.stdout.write(`Model Studio web host: ${host.url}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Model Studio web host: ${signal} received, saving and closing projects...\n`);
    host.close().then(
      () => process.exit(0),
      (err: unknown) => fail(`stopping failed: ${String(err)}`, 1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
