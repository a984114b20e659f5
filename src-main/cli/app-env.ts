import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where the studio keeps its own state for headless entries (web host, CLI): the `--data-dir`
 * option, else MODEL_STUDIO_DATA_DIR, else `~/.config/model-studio`.
 */
export function resolveDataDir(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = option ?? env.MODEL_STUDIO_DATA_DIR;
  return chosen ? resolve(chosen) : join(homedir(), '.config', 'model-studio');
}

let cachedVersion: string | null = null;

/** The version in package.json; these entries run from source, so there is no build to stamp it. */
export function appVersion(): string {
  if (cachedVersion === null) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    cachedVersion = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  }
  return cachedVersion;
}
