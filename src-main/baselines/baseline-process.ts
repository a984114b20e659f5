/**
 * Runs a baseline job in its own process (baseline-child.ts) through the process's script
 * runner (a Node child, or Electron's utilityProcess in the app) and hands back its meta,
 * passing its progress on as it comes.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaselineMeta } from '../../src-shared/baselines/baseline-meta';
import type { BaselineModelName } from '../../src-shared/baselines/settings';
import { StudioError, type StudioErrorData } from '../../src-shared/errors';
import { runNodeScript } from '../node-script';
import type { BaselineChildRequest } from './baseline-child';

/**
 * The child's file, beside this module: the bundle's own entry when built (out/main/
 * baseline-child.js, see electron.vite.config.ts), the TypeScript source when running from the
 * sources (tests, the web host).
 */
export function baselineChildPath(): string {
  const candidates = ['./baseline-child.js', './baseline-child.ts'].map((name) => fileURLToPath(new URL(name, import.meta.url)));
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new StudioError('INTERNAL', `The baselines' process script is missing (looked for ${candidates.join(' and ')}).`);
  return found;
}

export async function runBaselineProcess(
  req: BaselineChildRequest,
  opts: { signal: AbortSignal; onProgress?: (fraction: number, model: BaselineModelName, index: number) => void },
): Promise<BaselineMeta> {
  const work = await mkdtemp(join(tmpdir(), 'model-studio-baseline-'));
  try {
    const requestFile = join(work, 'request.json');
    await writeFile(requestFile, JSON.stringify(req));
    let pending = '';
    let meta: unknown = null;
    let error: StudioErrorData | null = null;
    const onLine = (line: string) => {
      if (!line.trim()) return;
      let msg: unknown;
      try {
        msg = JSON.parse(line);
      } catch {
        return; // a stray line from a library; ours are JSON objects
      }
      if (typeof msg !== 'object' || msg === null) return;
      const m = msg as Partial<Record<'progress' | 'model' | 'index' | 'meta' | 'error', unknown>>;
      if (typeof m.progress === 'number' && typeof m.model === 'string' && typeof m.index === 'number') opts.onProgress?.(m.progress, m.model as BaselineModelName, m.index);
      else if ('meta' in m) meta = m.meta;
      else if (typeof m.error === 'object' && m.error !== null) error = m.error as StudioErrorData;
    };
    const result = await runNodeScript(baselineChildPath(), [requestFile], opts.signal, (chunk) => {
      // Only the new text can end a line: the long result line is not scanned again per chunk.
      const end = chunk.lastIndexOf('\n');
      if (end < 0) {
        pending += chunk;
        return;
      }
      const lines = (pending + chunk.slice(0, end)).split('\n');
      pending = chunk.slice(end + 1);
      for (const line of lines) {
        try {
          onLine(line);
        } catch (err) {
          console.error('A baselines progress line could not be read:', err);
        }
      }
    });
    onLine(pending);
    opts.signal.throwIfAborted();
    if (error) throw StudioError.fromData(error);
    if (result.code !== 0 || meta === null) {
      const why = result.stderr.trim().split('\n').at(-1) || `it exited with code ${result.code}`;
      throw new StudioError('INTERNAL', `The baselines' process stopped before it finished: ${why}`);
    }
    return BaselineMeta.parse(meta);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
