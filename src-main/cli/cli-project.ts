/**
 * What the CLI's long commands (compress, export) do around their work: the studio's services
 * started, the project opened for the CLI's client (taking its lock as a window does), Ctrl+C
 * turned into an abort signal, and everything stopped again however the work ends.
 */
import { resolve } from 'node:path';
import { createStudio, type Studio } from '../container';
import type { ProjectView } from '../../src-shared/ipc/contract';
import { createWebPlatform } from '../web-host/platform-adapter';
import { appVersion, resolveDataDir } from './app-env';
import type { CommandContext } from './command';

/** The client id the CLI opens projects as. */
export const CLI_CLIENT = 'cli';

export interface CliProject {
  studio: Studio;
  view: ProjectView;
  /** Aborts on Ctrl+C. */
  signal: AbortSignal;
}

/** Runs `work` with the project at `projectArg` (resolved against the command's folder) open. */
export async function withCliProject<T>(io: CommandContext['io'], projectArg: string, work: (p: CliProject) => Promise<T>): Promise<T> {
  const studio = createStudio({ dataDir: resolveDataDir(undefined, io.env), appVersion: appVersion(), platform: createWebPlatform() });
  await studio.start();
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.on('SIGINT', onSigint);
  try {
    const view = await studio.projects.open(resolve(io.cwd, projectArg), CLI_CLIENT);
    return await work({ studio, view, signal: abort.signal });
  } finally {
    process.off('SIGINT', onSigint);
    await studio.stop();
  }
}
