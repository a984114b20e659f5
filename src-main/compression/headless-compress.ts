/**
 * Headless compression (the `compress` command): checks the request before any work, loads the
 * parent checkpoint (every file against its sha256) and its dataset, runs the engine's
 * compression on a Node backend, and saves the result as a compressed checkpoint, exactly as
 * the app does. Cancelling (the signal) leaves nothing behind. The project must be open for `clientId`.
 */
import type { CompressionRecipe } from '../../src-shared/compression/recipe';
import type { CompressionReport } from '../../src-shared/compression/report';
import type { CheckpointMeta } from '../../src-shared/checkpoints/checkpoint-meta';
import { standardizationOf } from '../../src-engine/data/standardization';
import type { CompressionPhase } from '../../src-engine/compress/compress';
import type { Studio } from '../container';
import { loadCheckpointArtifacts } from '../checkpoints/checkpoint-files';
import { loadDataset } from '../datasets/dataset-files';
import { requireProject } from '../services/open-project';
import { DiskBatchProvider } from '../training/disk-batch-provider';
import { setupNodeBackend, type NodeBackend } from '../training/tf-node';

/** What to compress and how. */
export interface HeadlessCompressRequest {
  checkpoint: string;
  recipe: CompressionRecipe;
  name?: string | undefined;
  backend: NodeBackend;
  /** Measure on at most this many test samples (default: all). */
  evalLimit?: number | undefined;
}

/** The saved checkpoint and its report. */
export interface HeadlessCompressResult {
  meta: CheckpointMeta;
  report: CompressionReport;
}

/** Compresses as the request says; `signal` aborting cancels with nothing saved. */
export async function compressHeadless(
  studio: Studio,
  clientId: string,
  req: HeadlessCompressRequest,
  progress?: (phase: CompressionPhase, done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<HeadlessCompressResult> {
  const view = requireProject(studio.projects, clientId);
  const recipe = req.recipe;
  const { parent, manifest, student, evalSplit } = await studio.compression.prepare(clientId, req.checkpoint, recipe);
  const calibrating = recipe.method === 'quantize' && recipe.scheme === 'full-int8';
  const { artifacts } = await loadCheckpointArtifacts(view.dir, parent.id);
  const data = await loadDataset(view.dir, manifest);
  const calibration = calibrating ? new DiskBatchProvider(data, 'train', { shuffle: true, seed: recipe.seed, limit: recipe.calibration.samples }) : null;
  const training = (recipe.method === 'prune' && recipe.fineTuneEpochs > 0) || recipe.method === 'distill';
  const train = training ? new DiskBatchProvider(data, 'train', { shuffle: true, seed: recipe.seed, limit: recipe.limit }) : null;
  const evaluation = new DiskBatchProvider(data, evalSplit, { shuffle: false, seed: 0, limit: req.evalLimit ?? null });
  await setupNodeBackend(req.backend);
  const { runCompression } = await import('../../src-engine/compress/compress');
  const outcome = await runCompression({
    spec: parent.spec,
    artifacts,
    recipe,
    classes: manifest.classNames,
    standardization: standardizationOf(manifest),
    calibration,
    train,
    student: student?.spec ?? null,
    evaluation,
    ...(progress ? { onProgress: progress } : {}),
    cancelled: () => signal?.aborted === true,
  });
  return studio.compression.save(clientId, {
    parentId: parent.id,
    recipe,
    name: req.name,
    spec: outcome.spec,
    ...(student ? { modelId: student.modelId } : {}),
    modelTopology: outcome.artifacts.modelTopology,
    weightSpecs: outcome.artifacts.weightSpecs,
    weightData: new Uint8Array(outcome.artifacts.weightData),
    measured: { ...outcome, evalSplit, compare: outcome.compare ? { figures: outcome.compare.figures, weightData: new Uint8Array(outcome.compare.artifacts.weightData) } : null },
  });
}
