import { isAbsolute, resolve } from 'node:path';

/**
 * Finds a project file path in a command line (first launch or a second launch's argv):
 * the last argument that names a `.mstudio` file, resolved against the launch directory.
 * Flags and the executable/app path are ignored.
 */
export function projectPathFromArgv(argv: readonly string[], cwd: string): string | null {
  for (let i = argv.length - 1; i >= 1; i--) {
    const arg = argv[i];
    if (!arg || arg.startsWith('-')) continue;
    if (!/\.mstudio$/i.test(arg)) continue;
    return isAbsolute(arg) ? arg : resolve(cwd, arg);
  }
  return null;
}
