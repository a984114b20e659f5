/**
 * Headless compression (the `compress` command): checks the request before any work, loads the
 * parent checkpoint (every file against its sha256) and its dataset, runs the engine's
 * compression on a Node backend, and saves the result as a compressed checkpoint, exactly as
 * the app does. Cancelling (the signal) leaves nothing behind. The project must be open for `clientId`.
 */
import { requireStructuredPlan } from '../../src-shared/compression/structured-plan';
import { StudioError } from '../../src-shared/errors';
import type { CompressionRecipe, Student } from '../../src-shared/compression/recipe';
import type { DatasetManifest } from '../../src-shared/datasets/schema';
import type { ModelSpec } from '../../src-shared/models/spec';
import { listTemplates, templateFor } from '../../src-shared/models/templates';
import { scaleSpec } from '../../src-shared/models/width';
import { readModelSpec } from '../models/model-service';
import type { CompressionReport } from '../../src-shared/compression/report';
import type { CheckpointMeta } from '../../src-shared/checkpoints/checkpoint-meta';
import type { SplitName } from '../../src-shared/datasets/schema';
import { standardizationOf } from '../../src-engine/data/standardization';
import type { CompressionPhase } from '../../src-engine/compress/compress';
import type { Studio } from '../container';
import { loadCheckpointArtifacts } from '../checkpoints/checkpoint-files';
import { loadDataset, readDatasetManifest } from '../datasets/dataset-files';
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
  const parent = await studio.compression.checkParent(clientId, req.checkpoint);
  const { checkKeepFloat } = await import('../../src-engine/compress/quantize');
  if (recipe.method === 'quantize') checkBadRequest(() => checkKeepFloat(parent.spec, recipe.keepFloat));
  if (recipe.method === 'prune' && recipe.structured) checkBadRequest(() => requireStructuredPlan(parent.spec, recipe.sparsity));
  const manifest = await readDatasetManifest(view.dir, parent.datasetId);
  const student = recipe.method === 'distill' ? await studentSpec(view.dir, view.manifest.models, recipe.student, manifest) : null;
  if (student) {
    const { checkStudent } = await import('../../src-engine/compress/distill');
    checkBadRequest(() => checkStudent(parent.spec, student.spec));
  }
  if (manifest.classNames.length !== parent.spec.numClasses) {
    throw new StudioError('BAD_REQUEST', `${parent.name} has ${parent.spec.numClasses} classes but its dataset ${manifest.name} now has ${manifest.classNames.length}.`);
  }
  const evalSplit: SplitName | null = manifest.splits.test.count > 0 ? 'test' : manifest.splits.validation.count > 0 ? 'validation' : null;
  if (!evalSplit) throw new StudioError('BAD_REQUEST', `${manifest.name} has no test or validation samples to measure the compression on.`);
  const calibrating = recipe.method === 'quantize' && recipe.scheme === 'full-int8';
  if (calibrating && manifest.splits.train.count === 0) {
    throw new StudioError('BAD_REQUEST', `Full-integer quantization calibrates on training samples, and ${manifest.name} has none.`);
  }
  if (recipe.method === 'distill' && manifest.splits.train.count === 0) {
    throw new StudioError('BAD_REQUEST', `Distillation trains the student on ${manifest.name}'s training samples, and it has none.`);
  }
  if (recipe.method === 'prune' && recipe.fineTuneEpochs > 0 && manifest.splits.train.count === 0) {
    throw new StudioError('BAD_REQUEST', `Fine-tuning after pruning trains on ${manifest.name}'s training samples, and it has none (use --fine-tune-epochs 0 to prune without it).`);
  }
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

/** The student's spec: a template fitted to the dataset at a width, or a model of the project. */
async function studentSpec(
  projectDir: string,
  models: { id: string; name: string }[],
  student: Student,
  manifest: DatasetManifest,
): Promise<{ spec: ModelSpec; modelId: string | null }> {
  if ('modelId' in student) {
    if (!models.some((m) => m.id === student.modelId)) throw new StudioError('NOT_FOUND', `The project has no model ${student.modelId} to train as the student.`);
    return { spec: await readModelSpec(projectDir, student.modelId), modelId: student.modelId };
  }
  if (!listTemplates().some((t) => t.name === student.template)) {
    throw new StudioError('NOT_FOUND', `"${student.template}" is neither a model of the project nor a template (${listTemplates().map((t) => t.name).join(', ')}).`);
  }
  const base = templateFor(student.template, manifest.input, manifest.classNames.length);
  return { spec: student.width === 1 ? base : scaleSpec(base, student.width), modelId: null };
}

/** Runs a check of the engine's, turning what it throws into a BAD_REQUEST. */
function checkBadRequest(check: () => void): void {
  try {
    check();
  } catch (err) {
    throw new StudioError('BAD_REQUEST', (err as Error).message);
  }
}
