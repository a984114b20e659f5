/** Projects made with the CLI, as a user would, for the tests that open them in the UI. */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';

/** Runs `model-studio` in `work` (its own data folder); its stdout, or throws with its stderr. */
export function cli(work: string, args: string[]): string {
  const r = spawnSync(process.execPath, [resolve('bin/model-studio.js'), ...args], { cwd: work, env: { ...process.env, MODEL_STUDIO_DATA_DIR: join(work, 'cli-data') }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`model-studio ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Opens the project file at `path` from the start screen's Open. */
export async function openProjectPath(page: Page, path: string): Promise<void> {
  await page.getByTestId('open-project-button').click();
  await page.getByTestId('open-path-input').fill(path);
  await page.getByTestId('open-path-submit').click();
  await page.getByTestId('project-view').waitFor();
}
