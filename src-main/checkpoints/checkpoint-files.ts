/**
 * A checkpoint's files: `checkpoints/<id>/` in TF.js layers format (model.json + weights.bin),
 * the optimizer's weights (optimizer.json + optimizer.bin) and meta.json with the sha256 of every
 * file. A checkpoint is written into `checkpoints/.incoming-<id>/` and renamed into place when
 * complete, so a crash leaves at most an incoming folder; every file is verified when loaded.
 */
import { join } from 'node:path';
import { StudioError } from '../../src-shared/errors';
import { CheckpointMeta, type WeightSpec } from '../../src-shared/checkpoints/checkpoint-meta';
import { sha256, writeDurable } from '../datasets/blob-files';
import { INCOMING_PREFIX, REMOVING_PREFIX, sweepLeftovers, writeStagedFolder } from '../services/staged-folder';
import { readJsonFile } from '../services/json-file';
import { projectPath, readFileNoFollow } from '../services/project-paths';
import { say } from '../../src-shared/messages/message';

export const CHECKPOINTS_DIR = 'checkpoints';
export { INCOMING_PREFIX };
const META_FILE = 'meta.json';
/** The files of a checkpoint; the optimizer's two are optional. */
export const CHECKPOINT_FILES = { model: 'model.json', weights: 'weights.bin', optimizer: 'optimizer.json', optimizerWeights: 'optimizer.bin' } as const;

/** `checkpoints/<id>` relative to the project folder. */
export function checkpointRelDir(id: string): string {
  return `${CHECKPOINTS_DIR}/${id}`;
}

/** Absolute folder of a checkpoint. */
export function checkpointPath(projectDir: string, id: string): string {
  return join(projectDir, CHECKPOINTS_DIR, id);
}

/** `checkpoints/<id>` or a file in it, to read or write, once no folder or file on the way is a link. */
export function checkedCheckpointPath(projectDir: string, id: string, ...file: string[]): Promise<string> {
  return projectPath(projectDir, CHECKPOINTS_DIR, id, ...file);
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

/** Bytes the weights of these specs take, or null when that cannot be known (strings, quantized). */
export function expectedWeightBytes(specs: readonly WeightSpec[]): number | null {
  let total = 0;
  for (const s of specs) {
    const size = DTYPE_BYTES[s.dtype];
    if (size === undefined || s.quantization !== undefined) return null;
    total += s.shape.reduce((a, b) => a * b, 1) * size;
  }
  return total;
}

/** What a checkpoint holds before it is written. */
export interface CheckpointContent {
  /** meta.json without `files`, which writing fills in. */
  meta: Omit<CheckpointMeta, 'files'>;
  modelTopology: Record<string, unknown>;
  trainingConfig?: Record<string, unknown> | undefined;
  weightSpecs: WeightSpec[];
  weightData: Uint8Array;
  optimizer?: { weightSpecs: WeightSpec[]; weightData: Uint8Array } | undefined;
  /** `generatedBy` of model.json. */
  generatedBy: string;
  /** More files of the checkpoint, by name (a compression's report), listed in meta.json like the rest. */
  extraFiles?: Record<string, string | Uint8Array> | undefined;
}

/** Writes a checkpoint through its incoming folder; returns the meta written. */
export async function writeCheckpoint(projectDir: string, c: CheckpointContent): Promise<CheckpointMeta> {
  return writeStagedFolder(join(projectDir, CHECKPOINTS_DIR), c.meta.id, async (incoming) => {
    const files: CheckpointMeta['files'] = {};
    const put = async (file: string, data: Uint8Array | string) => {
      files[file] = await writeDurable(join(incoming, file), data);
    };
    const modelJson = {
      modelTopology: c.modelTopology,
      format: 'layers-model',
      generatedBy: c.generatedBy,
      convertedBy: null,
      weightsManifest: [{ paths: [CHECKPOINT_FILES.weights], weights: c.weightSpecs }],
      ...(c.trainingConfig ? { trainingConfig: c.trainingConfig } : {}),
    };
    await put(CHECKPOINT_FILES.model, JSON.stringify(modelJson));
    await put(CHECKPOINT_FILES.weights, c.weightData);
    if (c.optimizer) {
      await put(CHECKPOINT_FILES.optimizer, JSON.stringify({ weightSpecs: c.optimizer.weightSpecs }));
      await put(CHECKPOINT_FILES.optimizerWeights, c.optimizer.weightData);
    }
    for (const [file, data] of Object.entries(c.extraFiles ?? {})) {
      if (file === META_FILE || Object.values(CHECKPOINT_FILES).includes(file as never) || !/^[a-z][a-z0-9-]*\.json$/.test(file)) {
        throw new Error(`A checkpoint cannot hold an extra file named ${file}`);
      }
      await put(file, data);
    }
    const meta = CheckpointMeta.parse({ ...c.meta, files });
    await writeDurable(join(incoming, META_FILE), JSON.stringify(meta, null, 2));
    return meta;
  });
}

/** Reads and validates `checkpoints/<id>/meta.json`; NOT_FOUND when the checkpoint is not there. */
export async function readCheckpointMeta(projectDir: string, id: string): Promise<CheckpointMeta> {
  return readJsonFile(await checkedCheckpointPath(projectDir, id, META_FILE), CheckpointMeta, say('files.checkpointMeta', { id }));
}

/** Reads one file of a checkpoint and checks it against the sha256 in its meta. */
export async function readCheckpointFile(projectDir: string, meta: CheckpointMeta, file: string): Promise<Buffer<ArrayBuffer>> {
  const expected = meta.files[file];
  if (!expected) throw StudioError.say('IO_ERROR', say('errors.integrity.checkpointUnlisted', { id: meta.id, file }), { file });
  let data: Buffer<ArrayBuffer>;
  try {
    data = await readFileNoFollow(await checkedCheckpointPath(projectDir, meta.id, file));
  } catch (err) {
    if (err instanceof StudioError) throw err;
    throw StudioError.say('IO_ERROR', say('errors.integrity.checkpointUnreadable', { id: meta.id, file, reason: (err as Error).message }), { file });
  }
  if (data.byteLength !== expected.bytes || sha256(data) !== expected.sha256) {
    throw StudioError.say('IO_ERROR', say('errors.integrity.checkpointChecksum', { id: meta.id, file }), { file });
  }
  return data;
}

/** A checkpoint read back, every file verified. */
export interface LoadedCheckpoint {
  meta: CheckpointMeta;
  modelTopology: Record<string, unknown>;
  trainingConfig: Record<string, unknown> | null;
  generatedBy: string;
  weightSpecs: WeightSpec[];
  weightData: Uint8Array<ArrayBuffer>;
  optimizer: { weightSpecs: WeightSpec[]; weightData: Uint8Array<ArrayBuffer> } | null;
}

function parseJson<T>(data: Buffer, id: string, file: string): T {
  try {
    return JSON.parse(data.toString('utf8')) as T;
  } catch {
    throw StudioError.say('IO_ERROR', say('errors.integrity.checkpointNotJson', { id, file }));
  }
}

/** Loads a checkpoint, verifying every file; the optimizer's state only when asked. */
export async function loadCheckpoint(projectDir: string, id: string, withOptimizer = true): Promise<LoadedCheckpoint> {
  const meta = await readCheckpointMeta(projectDir, id);
  const model = parseJson<{ modelTopology: Record<string, unknown>; trainingConfig?: Record<string, unknown>; generatedBy?: string; weightsManifest: { weights: WeightSpec[] }[] }>(
    await readCheckpointFile(projectDir, meta, CHECKPOINT_FILES.model),
    id,
    CHECKPOINT_FILES.model,
  );
  const weightData = await readCheckpointFile(projectDir, meta, CHECKPOINT_FILES.weights);
  let optimizer: LoadedCheckpoint['optimizer'] = null;
  if (withOptimizer && meta.files[CHECKPOINT_FILES.optimizer]) {
    const specs = parseJson<{ weightSpecs: WeightSpec[] }>(
      await readCheckpointFile(projectDir, meta, CHECKPOINT_FILES.optimizer),
      id,
      CHECKPOINT_FILES.optimizer,
    );
    optimizer = { weightSpecs: specs.weightSpecs, weightData: await readCheckpointFile(projectDir, meta, CHECKPOINT_FILES.optimizerWeights) };
  }
  return {
    meta,
    modelTopology: model.modelTopology,
    trainingConfig: model.trainingConfig ?? null,
    generatedBy: model.generatedBy ?? 'Model Studio',
    weightSpecs: model.weightsManifest.flatMap((g) => g.weights),
    weightData,
    optimizer,
  };
}

/** The fields of tf.io.ModelArtifacts a checkpoint fills (typed here so main needs no tfjs). */
export interface CheckpointArtifacts {
  modelTopology: Record<string, unknown>;
  trainingConfig?: Record<string, unknown>;
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
}

/** An ArrayBuffer holding exactly these bytes (Node buffers share a larger pool). */
function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

/**
 * A checkpoint as tf.io.ModelArtifacts, for `tf.loadLayersModel(tf.io.fromMemory(artifacts))`
 * in Node (CLI, tests), plus the optimizer's weights and the meta. Every file is verified.
 */
export async function loadCheckpointArtifacts(
  projectDir: string,
  id: string,
): Promise<{ artifacts: CheckpointArtifacts; optimizer: { weightSpecs: WeightSpec[]; weightData: ArrayBuffer } | null; meta: CheckpointMeta }> {
  const c = await loadCheckpoint(projectDir, id);
  return {
    artifacts: {
      modelTopology: c.modelTopology,
      ...(c.trainingConfig ? { trainingConfig: c.trainingConfig } : {}),
      format: 'layers-model',
      generatedBy: c.generatedBy,
      convertedBy: null,
      weightSpecs: c.weightSpecs,
      weightData: exactBuffer(c.weightData),
    },
    optimizer: c.optimizer ? { weightSpecs: c.optimizer.weightSpecs, weightData: exactBuffer(c.optimizer.weightData) } : null,
    meta: c.meta,
  };
}

/** Removes what a crash left in `checkpoints/`: unfinished writes (except `busy` ones) and deletions. */
export async function cleanupCheckpoints(projectDir: string, busy: ReadonlySet<string> = new Set()): Promise<string[]> {
  return sweepLeftovers(join(projectDir, CHECKPOINTS_DIR), { prefixes: [INCOMING_PREFIX, REMOVING_PREFIX], busy });
}
