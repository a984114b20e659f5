/**
 * What the CLI-driven suites share: the `model-studio` command run in-process, and a throwaway
 * project (and data folder) that exists only while a suite runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src-main/cli/main';

/** The command's stdout; `failedOk`: exit 1 with output (an export that failed its verification) is a result too. */
export async function cli(argv: string[], failedOk = false): Promise<string> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (t) => void (out += t), stderr: (t) => void (err += t), env: process.env, cwd: process.cwd() });
  if (code !== 0 && !(failedOk && code === 1 && out.trim())) throw new Error(`model-studio ${argv.join(' ')} exited with ${code}: ${err}`);
  return out;
}

/** Runs `work` with a new project (its file's path) in a temporary folder, removed afterwards with its data folder. */
export async function withBenchProject<T>(prefix: string, work: (project: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `ms-bench-${prefix}-`));
  const dataDir = process.env.MODEL_STUDIO_DATA_DIR;
  process.env.MODEL_STUDIO_DATA_DIR = join(dir, 'data');
  try {
    return await work((await cli(['new', dir, '--name', 'Bench'])).trim(), dir);
  } finally {
    if (dataDir === undefined) delete process.env.MODEL_STUDIO_DATA_DIR;
    else process.env.MODEL_STUDIO_DATA_DIR = dataDir;
    await rm(dir, { recursive: true, force: true });
  }
}
