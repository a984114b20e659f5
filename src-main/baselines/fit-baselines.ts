/**
 * Fits a baseline job and writes it into a fresh (incoming) folder: each fitted model as
 * `<model>.json`, the feature space as `features.json`, then `baseline.json` listing them with
 * their sha256 and size. The caller writes the folder staged (writeStagedFolder), so a failed or
 * cancelled run leaves nothing under its name.
 */
import { join } from 'node:path';
import { BASELINE_FEATURES_FILE, BASELINE_META_FILE, BASELINE_META_FORMAT_VERSION, BaselineMeta, splitOf } from '../../src-shared/baselines/baseline-meta';
import type { BaselineModelName } from '../../src-shared/baselines/settings';
import { writeDurable } from '../datasets/blob-files';
import { loadDataset, readDatasetManifest, type LoadedDataset } from '../datasets/dataset-files';
import type { BaselineJob } from './baseline-files';
import { runBaselines } from './run-baselines';

/**
 * Fits and scores the models (run-baselines.ts) and writes them into `folder` (a fresh,
 * incoming one): each fitted model, the feature space, then baseline.json. Returns the meta.
 */
export async function fitBaselinesInto(
  folder: string,
  data: LoadedDataset,
  job: BaselineJob,
  opts: { signal?: AbortSignal; onProgress?: (fraction: number, model: BaselineModelName, index: number) => void } = {},
): Promise<BaselineMeta> {
  const run = await runBaselines(data, job.models, { seed: job.seed, search: job.search, ...(job.settings ? { settings: job.settings } : {}), ...opts });
  const files: BaselineMeta['files'] = {};
  const put = async (file: string, text: string) => {
    opts.signal?.throwIfAborted();
    files[file] = await writeDurable(join(folder, file), text);
  };
  await put(BASELINE_FEATURES_FILE, JSON.stringify(run.space));
  const results = [];
  for (const [i, r] of run.results.entries()) {
    const file = `${r.model}.json`;
    await put(file, run.fitted[i]!);
    results.push({ ...r, sizeBytes: files[file]!.bytes, file });
  }
  const meta = BaselineMeta.parse({
    format: 'model-studio/baseline',
    formatVersion: BASELINE_META_FORMAT_VERSION,
    id: job.id,
    name: job.name,
    datasetId: job.datasetId,
    seed: job.seed,
    search: job.search,
    features: { kind: run.space.kind, features: run.space.features },
    testSamples: run.testSamples,
    split: splitOf(data.manifest),
    results,
    generatedBy: `Model Studio ${job.appVersion}`,
    createdAt: new Date().toISOString(),
    files,
  });
  await writeDurable(join(folder, BASELINE_META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}

/** Fits a job in this process (the CLI: its command is the work; Ctrl+C aborts between fits). */
export async function fitInThisProcess(
  req: { projectDir: string; folder: string; job: BaselineJob },
  opts: { signal?: AbortSignal; onProgress?: (fraction: number, model: BaselineModelName, index: number) => void },
): Promise<BaselineMeta> {
  const data = await loadDataset(req.projectDir, await readDatasetManifest(req.projectDir, req.job.datasetId));
  return fitBaselinesInto(req.folder, data, req.job, opts);
}

