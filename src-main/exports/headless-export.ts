/**
 * An export, start to finish, as the CLI (and the app's export job) runs it: the checkpoint
 * loaded (checksums checked), its model written by the format's exporter, then verified before
 * the folder is committed: the export is loaded by an independent runtime in its own process and
 * run on N test samples (a seeded subset; the validation split when there is no test split), its
 * predictions compared with the studio's own for the same checkpoint on the same samples. An
 * export outside the bounds is kept, marked failed with its numbers.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs-core';
import { StudioError } from '../../src-shared/errors';
import { say } from '../../src-shared/messages/message';
import type { ExportFormat, ExportMeta, ExportPrecision } from '../../src-shared/exports/export-meta';
import type { SplitName } from '../../src-shared/datasets/schema';
import type { ModelSpec } from '../../src-shared/models/spec';
import type { ModelArtifacts } from '../../src-engine/compress/quantize';
import type { FeatureStandardization } from '../../src-engine/data/standardization';
import type { OnnxRanges } from '../../src-engine/export/onnx/onnx-exporter';
import type { ProjectService } from '../services/project-service';
import type { ExportService } from './export-service';
import { loadCheckpointArtifacts, readCheckpointMeta } from '../checkpoints/checkpoint-files';
import { loadDataset, readTokenizerFile } from '../datasets/dataset-files';
import { newEntityId } from '../services/entity-ids';
import { requireProject } from '../services/open-project';
import { DiskBatchProvider } from '../training/disk-batch-provider';
import { setupNodeBackend, type NodeBackend } from '../training/tf-node';
import { modelCard, preprocessingOf } from './model-card';
import { BOUNDS, compareOutputs } from './verification';
import { tritonModelName, tritonRepository } from './triton';
import { runOnnxExport, timeOnnxModel } from './verify-onnx';
import { runTfjsExport } from './verify-tfjs';

const STUDIO_LAYERS_JS = new URL('../../resources/tfjs/studio-layers.js', import.meta.url);

/** The services an export reads and writes through (the container's). */
export interface ExportStudio {
  projects: ProjectService;
  exports: ExportService;
}

export interface HeadlessExportRequest {
  /** The new export's id (default: a new one). */
  id?: string;
  checkpoint: string;
  format: ExportFormat;
  precision: ExportPrecision;
  /** Test samples the verification runs (default 1,000; at least 1). */
  verify: number;
  name?: string | undefined;
  /** The backend the studio's own predictions run on. */
  backend: NodeBackend;
  /** ONNX: also a Triton / KServe model repository (triton/<name>/). */
  triton?: boolean;
  appVersion: string;
}

/** Writes and verifies an export; resolves to its metadata (status verified or failed). */
export async function exportHeadless(studio: ExportStudio, clientId: string, req: HeadlessExportRequest, progress?: (stage: 'writing' | 'verifying') => void, signal?: AbortSignal): Promise<ExportMeta> {
  const view = requireProject(studio.projects, clientId);
  if (!Number.isInteger(req.verify) || req.verify < 1) throw new StudioError('BAD_REQUEST', 'An export is verified on at least one test sample.');
  if (req.triton && req.format !== 'onnx') throw new StudioError('BAD_REQUEST', 'A Triton model repository holds an ONNX model: use it with the onnx format.');
  const { exporterFor } = await import('../../src-engine/export/registry');
  let exporter: ReturnType<typeof exporterFor>;
  try {
    exporter = exporterFor(req.format, req.precision);
  } catch (err) {
    throw new StudioError('BAD_REQUEST', (err as Error).message);
  }
  const { checkpoint, manifest } = await studio.exports.source(clientId, req.checkpoint);
  const split: SplitName | null = manifest.splits.test.count > 0 ? 'test' : manifest.splits.validation.count > 0 ? 'validation' : null;
  if (!split) throw StudioError.say('BAD_REQUEST', say('errors.export.noVerifySamples', { dataset: manifest.name }));
  const { artifacts } = await loadCheckpointArtifacts(view.dir, checkpoint.id);
  const generatedBy = `Model Studio ${req.appVersion}`;
  await setupNodeBackend(req.backend);
  const tf = (await import('@tensorflow/tfjs-core')) as typeof tfTypes;
  const { batchTensor } = await import('../../src-engine/data/preprocess');
  const { standardizationOf } = await import('../../src-engine/data/standardization');
  const { loadModelFromArtifacts } = await import('../../src-engine/model/artifacts');
  const data = await loadDataset(view.dir, manifest);
  const norm = standardizationOf(manifest);

  // ONNX int8 of a float checkpoint calibrates its activation ranges first, as full-int8 quantization does.
  const { fakeQuantRanges } = await import('../../src-engine/export/registry');
  let ranges: OnnxRanges | null = null;
  if (req.format === 'onnx' && req.precision === 'int8' && !fakeQuantRanges(artifacts.modelTopology)) {
    if (manifest.splits.train.count === 0) throw StudioError.say('BAD_REQUEST', say('errors.export.noCalibrationSamples', { dataset: manifest.name }));
    ranges = await calibrateRanges(checkpoint.spec, artifacts, new DiskBatchProvider(data, 'train', { shuffle: true, seed: 42, limit: 256 }), norm);
  }
  let made: ReturnType<typeof exporter.export>;
  try {
    made = exporter.export(checkpoint.spec, artifacts, req.precision, generatedBy, ranges);
  } catch (err) {
    throw StudioError.say('BAD_REQUEST', say('errors.export.cannotExport', { name: checkpoint.name, format: req.format, precision: req.precision, reason: (err as Error).message }));
  }

  // The samples, as the model takes them, and the studio's own predictions of them.
  const provider = new DiskBatchProvider(data, split, { shuffle: false, seed: 0, limit: req.verify });
  const net = await loadModelFromArtifacts(artifacts);
  const xs: (Float32Array | Int32Array)[] = [];
  const labels: number[] = [];
  const studioProbs: Float32Array[] = [];
  let sampleShape: number[] = [];
  try {
    for await (const batch of provider.epoch(0, { batchSize: 256 })) {
      const x = batchTensor(checkpoint.spec.input, batch, norm);
      sampleShape = x.shape.slice(1);
      const y = net.predict(x) as tfTypes.Tensor;
      xs.push((await x.data()) as Float32Array | Int32Array);
      studioProbs.push((await y.data()) as Float32Array);
      tf.dispose([x, y]);
      labels.push(...batch.y);
    }
  } finally {
    net.dispose();
  }
  const text = checkpoint.spec.input.kind === 'text';
  const inputs = { x: text ? concat(xs, Int32Array) : concat(xs, Float32Array), shape: [labels.length, ...sampleShape] };
  const custom = made.customLayers.length > 0;
  const tokenizer = text ? await readTokenizerFile(view.dir, manifest) : null;
  const lineage = await lineageOf(view.dir, checkpoint.id);

  const id = req.id ?? newEntityId('ex');
  return studio.exports.create(clientId, id, async (incoming, put) => {
    progress?.('writing');
    for (const [file, content] of Object.entries(made.files)) await put(file, content);
    const modelFiles = Object.keys(made.files);
    if (custom) {
      await put('studio-layers.js', await readFile(STUDIO_LAYERS_JS));
      modelFiles.push('studio-layers.js');
    }
    await put('labels.json', JSON.stringify(manifest.classNames, null, 2));
    await put('preprocessing.json', JSON.stringify({ ...preprocessingOf(checkpoint, manifest), ...(tokenizer ? { vocabulary: 'tokenizer.json' } : {}) }, null, 2));
    if (tokenizer) await put('tokenizer.json', tokenizer);
    if (req.triton) {
      const repo = tritonRepository(tritonModelName(`${checkpoint.spec.name}_${req.precision}`), checkpoint.spec, made.files['model.onnx'] as Uint8Array, manifest.classNames);
      for (const [file, content] of Object.entries(repo)) await put(file, content);
    }
    if (signal?.aborted) throw StudioError.say('CANCELLED', say('errors.export.cancelled'));

    progress?.('verifying');
    const run = req.format === 'onnx' ? await runOnnxExport(join(incoming, 'model.onnx'), inputs) : { ...(await runTfjsExport(incoming, inputs, signal)), latencyMs: null, throughput: null };
    // Its float32 sibling, timed the same way in the same run, so the speed-up is a ratio of like with like
    // (none for a full-int8 checkpoint, whose float32 model is its parent's).
    const { exportOnnx } = await import('../../src-engine/export/onnx/onnx-exporter');
    const sibling = req.format === 'onnx' && req.precision !== 'float32' && !fakeQuantRanges(artifacts.modelTopology) ? await timeOnnxModel(exportOnnx(checkpoint.spec, artifacts, generatedBy, 'float32'), inputs) : null;
    const compared = compareOutputs(concat(studioProbs, Float32Array), run.probs, Int32Array.from(labels), manifest.classNames.length);
    const bounds = BOUNDS[req.precision];
    const passed = compared.agreement >= bounds.minAgreement && compared.maxAbsDiff <= bounds.maxDiff;
    const sizeBytes = modelFiles.reduce((n, f) => n + (typeof made.files[f] === 'string' ? Buffer.byteLength(made.files[f] as string) : (made.files[f] as Uint8Array | undefined)?.byteLength ?? 0), 0) + (custom ? (await readFile(STUDIO_LAYERS_JS)).byteLength : 0);
    const meta: Omit<ExportMeta, 'files'> = {
      formatVersion: 1,
      id,
      name: req.name?.trim() || `${checkpoint.name} · ${req.format} ${req.precision}`,
      checkpointId: checkpoint.id,
      modelId: checkpoint.modelId,
      datasetId: checkpoint.datasetId,
      format: req.format,
      precision: req.precision,
      modelFiles,
      sizeBytes,
      status: passed ? 'verified' : 'failed',
      verification: { runtime: run.runtime, split, ...compared, minAgreement: bounds.minAgreement, maxDiffBound: bounds.maxDiff, passed, ms: run.ms, latencyMs: run.latencyMs, throughput: run.throughput, float32LatencyMs: sibling?.latencyMs ?? null, float32Throughput: sibling?.throughput ?? null },
      generatedBy,
      createdAt: new Date().toISOString(),
    };
    await put('report.json', JSON.stringify({ verification: meta.verification, sizeBytes, modelFiles, precision: req.precision, format: req.format, checkpoint: { id: checkpoint.id, name: checkpoint.name, kind: checkpoint.kind } }, null, 2));
    await put('README.md', modelCard({ ...meta, files: {} }, checkpoint, manifest, lineage));
    return meta;
  });
}

/** Activation ranges of a float model on calibration samples (min-max, the compression's default recipe). */
async function calibrateRanges(spec: ModelSpec, artifacts: ModelArtifacts, calibration: DiskBatchProvider, norm: FeatureStandardization | null): Promise<OnnxRanges | null> {
  const { quantizeModel } = await import('../../src-engine/compress/quantize');
  const { QuantizeRecipe } = await import('../../src-shared/compression/recipe');
  const q = await quantizeModel({ spec, artifacts, recipe: QuantizeRecipe.parse({ method: 'quantize', scheme: 'full-int8' }), calibration, standardization: norm });
  return q.activationRanges;
}

/** Names from the original checkpoint to this one, when it is compressed (parent first). */
async function lineageOf(projectDir: string, id: string): Promise<string[]> {
  const names: string[] = [];
  let at: string | undefined = id;
  for (let i = 0; at && i < 20; i++) {
    const meta: Awaited<ReturnType<typeof readCheckpointMeta>> | null = await readCheckpointMeta(projectDir, at).catch(() => null);
    if (!meta) break;
    names.unshift(meta.compression ? `${meta.name} (${meta.compression.recipe.method})` : meta.name);
    at = meta.compression?.parentId;
  }
  return names.length > 1 ? names : [];
}

function concat<T extends Float32Array | Int32Array>(parts: (Float32Array | Int32Array)[], Kind: new (n: number) => T): T {
  const out = new Kind(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
