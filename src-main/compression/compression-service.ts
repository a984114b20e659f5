/**
 * Compressed checkpoints: the checks made before any work (the parent exists and is whole, its
 * dataset is there, the chain makes sense), and the save of what a compression made as a new
 * checkpoint of kind `compressed` with its recipe, its lineage and its report. The report's sizes
 * are read here off the bytes written (raw and gzipped, level 9), not taken from the engine.
 */
import { gzipSync } from 'node:zlib';
import { StudioError } from '../../src-shared/errors';
import { say } from '../../src-shared/messages/message';
import type { CheckpointMeta, WeightSpec } from '../../src-shared/checkpoints/checkpoint-meta';
import { checkKeepFloat, checkStudent } from '../../src-shared/compression/checks';
import { type CompressionRecipe, CompressionRecipe as RecipeSchema, type Student } from '../../src-shared/compression/recipe';
import { recipeLabel } from '../../src-shared/compression/recipe-label';
import { requireStructuredPlan } from '../../src-shared/compression/structured-plan';
import type { DatasetManifest, SplitName } from '../../src-shared/datasets/schema';
import { listTemplates, templateFor } from '../../src-shared/models/templates';
import { scaleSpec } from '../../src-shared/models/width';
import { readModelSpec } from '../models/model-service';
import { CompressionReport, type LayerFigures, type MeasuredFigures } from '../../src-shared/compression/report';
import type { ModelSpec } from '../../src-shared/models/spec';
import { CHECKPOINT_FILES, readCheckpointFile, readCheckpointMeta } from '../checkpoints/checkpoint-files';
import type { CheckpointService } from '../checkpoints/checkpoint-service';
import { readDatasetManifest } from '../datasets/dataset-files';
import { newEntityId } from '../services/entity-ids';
import { requireEntry, requireProject } from '../services/open-project';
import type { ProjectService } from '../services/project-service';

/** The report's file in a compressed checkpoint's folder. */
export const REPORT_FILE = 'compression.json';

/** What the compression service needs. */
export interface CompressionServiceDeps {
  projects: ProjectService;
  checkpoints: CheckpointService;
  appVersion: string;
}

/** What a compression made, as the engine hands it over. */
export interface CompressedModel {
  parentId: string;
  recipe: CompressionRecipe;
  /** Default: the parent's name and the method. */
  name?: string | undefined;
  spec: ModelSpec;
  /** The project model it is a version of (default: the parent's; a distilled template student has none). */
  modelId?: string | null;
  modelTopology: Record<string, unknown>;
  weightSpecs: WeightSpec[];
  weightData: Uint8Array;
  measured: {
    backend: string;
    evalSplit: 'train' | 'validation' | 'test';
    evalSamples: number;
    before: MeasuredFigures;
    after: MeasuredFigures;
    layers: LayerFigures[];
    compressMs: number;
    /** Distillation with `compare`: the student trained alone, and the weights it would store. */
    compare?: { figures: MeasuredFigures; weightData: Uint8Array } | null;
  };
}

/** What prepare found: the parent, its dataset, the student (distillation) and the split both models are measured on. */
export interface CompressionPlan {
  parent: CheckpointMeta;
  manifest: DatasetManifest;
  student: { spec: ModelSpec; modelId: string | null } | null;
  evalSplit: SplitName;
}

/** The student's spec: a template fitted to the dataset at a width, or a model of the project. */
async function studentSpec(
  projectDir: string,
  models: readonly { id: string }[],
  student: Student,
  manifest: DatasetManifest,
): Promise<{ spec: ModelSpec; modelId: string | null }> {
  if ('modelId' in student) {
    if (!models.some((m) => m.id === student.modelId)) throw StudioError.say('NOT_FOUND', say('errors.compress.noStudentModel', { id: student.modelId }));
    return { spec: await readModelSpec(projectDir, student.modelId), modelId: student.modelId };
  }
  if (!listTemplates().some((t) => t.name === student.template)) {
    throw StudioError.say('NOT_FOUND', say('errors.compress.noStudent', { name: student.template, templates: listTemplates().map((t) => t.name).join(', ') }));
  }
  const base = templateFor(student.template, manifest.input, manifest.classNames.length);
  return { spec: student.width === 1 ? base : scaleSpec(base, student.width), modelId: null };
}

/** Runs a check, turning what it throws into a BAD_REQUEST (a StudioError, said by key, as it is). */
function badRequest(check: () => void): void {
  try {
    check();
  } catch (err) {
    if (err instanceof StudioError) throw err;
    throw new StudioError('BAD_REQUEST', (err as Error).message);
  }
}

const gzipBytes = (data: Uint8Array) => gzipSync(data, { level: 9 }).byteLength;

export class CompressionService {
  constructor(private readonly deps: CompressionServiceDeps) {}

  /**
   * Checks, before any work, that `parentId` can be compressed: it exists, its
   * dataset is there, and the chain makes sense (a quantized model is not quantized again).
   * The checksums are checked when the parent is loaded, which comes next.
   */
  async checkParent(clientId: string, parentId: string): Promise<CheckpointMeta> {
    const view = requireProject(this.deps.projects, clientId);
    requireEntry(view, 'checkpoints', parentId);
    const parent = await readCheckpointMeta(view.dir, parentId);
    if (parent.compression?.recipe.method === 'quantize') {
      throw StudioError.say('BAD_REQUEST', say('errors.compress.alreadyQuantized', { name: parent.name, scheme: recipeLabel(parent.compression.recipe), parent: parent.compression.parentId }));
    }
    if (!view.manifest.datasets.some((d) => d.id === parent.datasetId)) {
      throw StudioError.say('NOT_FOUND', say('errors.compress.datasetGone', { name: parent.name, dataset: parent.datasetId }));
    }
    await readDatasetManifest(view.dir, parent.datasetId);
    return parent;
  }

  /**
   * Every check a compression gets before any work: the parent (checkParent), the recipe against
   * its model (layers to keep in float, something for structured pruning to remove, a student
   * whose classes and input match), and the samples each step needs. Returns what the work needs.
   */
  async prepare(clientId: string, checkpointId: string, recipe: CompressionRecipe): Promise<CompressionPlan> {
    const view = requireProject(this.deps.projects, clientId);
    const parent = await this.checkParent(clientId, checkpointId);
    if (recipe.method === 'quantize') badRequest(() => checkKeepFloat(parent.spec, recipe.keepFloat));
    if (recipe.method === 'prune' && recipe.structured) badRequest(() => requireStructuredPlan(parent.spec, recipe.sparsity));
    const manifest = await readDatasetManifest(view.dir, parent.datasetId);
    const student = recipe.method === 'distill' ? await studentSpec(view.dir, view.manifest.models, recipe.student, manifest) : null;
    if (student) badRequest(() => checkStudent(parent.spec, student.spec));
    if (manifest.classNames.length !== parent.spec.numClasses) {
      throw StudioError.say('BAD_REQUEST', say('errors.compress.classesChanged', { name: parent.name, classes: parent.spec.numClasses, dataset: manifest.name, now: manifest.classNames.length }));
    }
    const evalSplit: SplitName | null = manifest.splits.test.count > 0 ? 'test' : manifest.splits.validation.count > 0 ? 'validation' : null;
    if (!evalSplit) throw StudioError.say('BAD_REQUEST', say('errors.compress.nothingToMeasure', { dataset: manifest.name }));
    const train = manifest.splits.train.count;
    if (recipe.method === 'quantize' && recipe.scheme === 'full-int8' && train === 0) {
      throw StudioError.say('BAD_REQUEST', say('errors.compress.noCalibration', { dataset: manifest.name }));
    }
    if (recipe.method === 'distill' && train === 0) {
      throw StudioError.say('BAD_REQUEST', say('errors.compress.noDistillSamples', { dataset: manifest.name }));
    }
    if (recipe.method === 'prune' && recipe.fineTuneEpochs > 0 && train === 0) {
      throw StudioError.say('BAD_REQUEST', say('errors.compress.noFineTuneSamples', { dataset: manifest.name }));
    }
    return { parent, manifest, student, evalSplit };
  }

  /** Writes the compressed checkpoint and its report; returns both. */
  async save(clientId: string, made: CompressedModel): Promise<{ meta: CheckpointMeta; report: CompressionReport }> {
    const view = requireProject(this.deps.projects, clientId);
    requireEntry(view, 'checkpoints', made.parentId);
    const recipe = RecipeSchema.parse(made.recipe);
    const parent = await readCheckpointMeta(view.dir, made.parentId);
    const parentWeights = await readCheckpointFile(view.dir, parent, CHECKPOINT_FILES.weights);
    const m = made.measured;
    const report = CompressionReport.parse({
      formatVersion: 1,
      method: recipe.method,
      backend: m.backend,
      evalSplit: m.evalSplit,
      evalSamples: m.evalSamples,
      before: { ...m.before, sizeBytes: parentWeights.byteLength, gzipBytes: gzipBytes(parentWeights) },
      after: { ...m.after, sizeBytes: made.weightData.byteLength, gzipBytes: gzipBytes(made.weightData) },
      layers: m.layers,
      ...(m.compare ? { compare: { ...m.compare.figures, sizeBytes: m.compare.weightData.byteLength, gzipBytes: gzipBytes(m.compare.weightData) } } : {}),
      compressMs: m.compressMs,
      createdAt: new Date().toISOString(),
    });
    const id = newEntityId('ck');
    const meta = await this.deps.checkpoints.writeNew(clientId, {
      meta: {
        formatVersion: 1,
        id,
        name: made.name?.trim() || `${parent.name} · ${recipeLabel(recipe)}`,
        runId: parent.runId,
        modelId: made.modelId !== undefined ? made.modelId : parent.modelId,
        datasetId: parent.datasetId,
        epoch: parent.epoch,
        step: parent.step,
        kind: 'compressed',
        // Training metrics belong to training; what this model scores is in its report.
        metrics: { loss: null, accuracy: null, valLoss: null, valAccuracy: null },
        spec: made.spec,
        compression: { parentId: parent.id, recipe },
        createdAt: new Date().toISOString(),
      },
      modelTopology: made.modelTopology,
      weightSpecs: made.weightSpecs,
      weightData: made.weightData,
      generatedBy: `Model Studio ${this.deps.appVersion}`,
      extraFiles: { [REPORT_FILE]: JSON.stringify(report) },
    });
    return { meta, report };
  }

  /** The report of a compressed checkpoint (checked against its sha256), or null for other checkpoints. */
  async report(clientId: string, id: string): Promise<CompressionReport | null> {
    const view = requireProject(this.deps.projects, clientId);
    requireEntry(view, 'checkpoints', id);
    const meta = await readCheckpointMeta(view.dir, id);
    if (!meta.files[REPORT_FILE]) return null;
    const data = await readCheckpointFile(view.dir, meta, REPORT_FILE);
    let json: unknown;
    try {
      json = JSON.parse(data.toString('utf8'));
    } catch {
      throw StudioError.say('IO_ERROR', say('errors.compress.reportNotJson', { name: meta.name }));
    }
    const parsed = CompressionReport.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'the report'}: ${i.message}`);
      throw StudioError.say('IO_ERROR', say('errors.compress.reportDamaged', { name: meta.name, issues: `${issues.join('; ')}${parsed.error.issues.length > 3 ? '; …' : ''}` }));
    }
    return parsed.data;
  }
}
