/**
 * The CLI inside the desktop app: the installed executable run as `model-studio train …`
 * (the deb puts it on PATH) runs the command in Electron's main process, with no window, and
 * exits with the command's code. The package turns Electron's RunAsNode fuse off, so Electron
 * cannot run the CLI bundle as Node; this way it needs no Node on the machine and reads the
 * app's own asar. (On Windows a GUI executable has no console to print to: use a checkout.)
 */
import type { App } from 'electron';
import { isCliInvocation } from '../cli/command-names';

/** The arguments after the executable (packaged) or after the app path (`electron .`). */
export function commandLineArgs(argv: readonly string[], isPackaged: boolean): string[] {
  return argv.slice(isPackaged ? 1 : 2);
}

/** The CLI's arguments when this launch is a CLI command, else null (open the window). */
export function cliArgsOf(argv: readonly string[], isPackaged: boolean): string[] | null {
  const args = commandLineArgs(argv, isPackaged);
  return isCliInvocation(args) ? args : null;
}

interface CliModeDeps {
  app: Pick<App, 'whenReady' | 'exit' | 'getVersion'>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Resolves once what was written has left (a pipe on macOS and Windows is written later). */
  drain: () => Promise<void>;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Runs one CLI command and exits the app with its code. */
export async function runCliMode(args: string[], deps: CliModeDeps): Promise<void> {
  const { app } = deps;
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
    deps.stdout(`${app.getVersion()}\n`);
    await deps.drain();
    app.exit(0);
    return;
  }
  let code = 1;
  try {
    // Helpers (the TF.js export verification) run as utility processes, which need the app ready.
    await app.whenReady();
    const { runCli } = await import('../cli/main');
    code = await runCli(args, { stdout: deps.stdout, stderr: deps.stderr, env: deps.env, cwd: deps.cwd });
  } catch (err) {
    deps.stderr(`model-studio: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  await deps.drain();
  app.exit(code);
}
