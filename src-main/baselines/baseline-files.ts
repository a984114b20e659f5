/**
 * A baseline run's folder, `baselines/<id>/`: the fitted models (`<model>.json`), the feature
 * space (`features.json`) and `baseline.json` listing them with their sha256 and size (written
 * by fit-baselines.ts); reading it back, checked.
 */
import { createHash } from 'node:crypto';
import { BASELINE_META_FILE, BaselineMeta } from '../../src-shared/baselines/baseline-meta';
import type { BaselineModelName, BaselineSettingsInput } from '../../src-shared/baselines/settings';
import { readJsonFile } from '../services/json-file';
import { projectPath, readFileNoFollow } from '../services/project-paths';
import { say } from '../../src-shared/messages/message';

export const BASELINES_DIR = 'baselines';

/** Where a baseline run's folder is, relative to the project. */
export const baselineRelDir = (id: string) => `${BASELINES_DIR}/${id}`;

/** What a baseline run is asked to do. */
export interface BaselineJob {
  id: string;
  name: string;
  datasetId: string;
  models: BaselineModelName[];
  settings?: BaselineSettingsInput;
  search: boolean;
  seed: number;
  appVersion: string;
}

/** Reads and validates `baselines/<id>/baseline.json`. */
export async function readBaselineMeta(projectDir: string, id: string): Promise<BaselineMeta> {
  return readJsonFile(await projectPath(projectDir, BASELINES_DIR, id, BASELINE_META_FILE), BaselineMeta, say('files.baselineMeta', { id }));
}

/** What is wrong with a baseline's files (missing, another size or checksum), or null when each matches baseline.json. */
export async function baselineFilesProblem(projectDir: string, meta: BaselineMeta): Promise<string | null> {
  for (const [file, want] of Object.entries(meta.files)) {
    let bytes: Buffer;
    try {
      bytes = await readFileNoFollow(await projectPath(projectDir, BASELINES_DIR, meta.id, file));
    } catch (err) {
      return `${file} cannot be read (${(err as Error).message})`;
    }
    if (bytes.length !== want.bytes) return `${file} has ${bytes.length} bytes where baseline.json says ${want.bytes}`;
    if (createHash('sha256').update(bytes).digest('hex') !== want.sha256) return `${file} does not match its checksum in baseline.json`;
  }
  return null;
}
