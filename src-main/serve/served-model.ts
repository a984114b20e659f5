/**
 * One export loaded for serving: its folder read and checked (export.json validated, every model
 * file against its sha256), its labels, preprocessing and tokenizer, and a runner that predicts
 * a batch of inputs: onnxruntime-node for ONNX, TensorFlow.js on WASM (the studio's own layers
 * registered) for TF.js layers models. Everything is read into memory at load, so the folder
 * may change or go while the model is served.
 */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { z } from 'zod';
import type { Tokenizer } from '../../src-shared/datasets/tokenizer';
import { ExportMeta } from '../../src-shared/exports/export-meta';
import { StudioError } from '../../src-shared/errors';
import { parseJsonBounded } from '../../src-shared/json-depth';
import { sha256 } from '../datasets/blob-files';
import { EXPORT_META_FILE } from '../exports/export-files';
import { readJsonFile } from '../services/json-file';
import { projectPath, readFileNoFollow } from '../services/project-paths';
import { say } from '../../src-shared/messages/message';

/** The protocol's tensor datatypes the exports take and give. */
export type Datatype = 'FP32' | 'INT32';

export interface TensorMeta {
  name: string;
  datatype: Datatype;
  /** -1 for the batch. */
  shape: number[];
}

/** What preprocessing.json says, as far as the server needs it. */
export const Preprocessing = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('image'), height: z.number().int().positive(), width: z.number().int().positive(), channels: z.union([z.literal(1), z.literal(3)]) }),
  z.object({ kind: z.literal('text'), seqLength: z.number().int().positive(), vocabulary: z.string().nullable().optional() }),
  z.object({ kind: z.literal('tabular'), features: z.array(z.string()).min(1), mean: z.array(z.number()).nullable(), std: z.array(z.number()).nullable() }),
]);
export type Preprocessing = z.infer<typeof Preprocessing>;

export const TokenizerFile = z.object({ type: z.enum(['word', 'char']), lowercase: z.boolean(), vocab: z.array(z.string()).min(2) });

export interface ServedModel {
  /** The name clients use in URLs. */
  name: string;
  version: string;
  meta: ExportMeta;
  /** `onnxruntime` or `tensorflowjs`, as the protocol's metadata calls a platform. */
  platform: string;
  input: TensorMeta;
  output: TensorMeta;
  labels: string[];
  preprocessing: Preprocessing;
  tokenizer: Tokenizer | null;
  /** Values per sample of the input. */
  sampleSize: number;
  /** Class probabilities [n, classes] of n samples laid out one after another. */
  run(x: Float32Array | Int32Array, n: number): Promise<Float32Array>;
  close(): Promise<void>;
}

export interface LoadOptions {
  /** onnxruntime's intra-op threads. */
  threads: number;
  /** The project the export folder is in: then no link inside it is followed, as everywhere in a project. */
  projectDir?: string;
}


/** Reads one file the export lists (through no link when it is in a project), checked against its sha256 in export.json. */
async function checkedFile(dir: string, meta: ExportMeta, file: string, projectDir: string | undefined): Promise<Buffer> {
  // Only the export's own files (a model.json naming ../../something is not followed).
  if (!Object.hasOwn(meta.files, file)) throw new StudioError('BAD_REQUEST', `The export in ${dir} asks for ${file}, which its export.json does not list.`);
  const read = projectDir ? projectPath(projectDir, relative(projectDir, dir), ...file.split('/')).then((p) => readFileNoFollow(p)) : readFile(join(dir, ...file.split('/')));
  const bytes = await read.catch((err: NodeJS.ErrnoException) => {
    if (err instanceof StudioError) throw err;
    throw new StudioError('NOT_FOUND', `The export in ${dir} has no ${file} (${err.code ?? err.message}).`);
  });
  if (sha256(bytes) !== meta.files[file]!.sha256) throw new StudioError('BAD_REQUEST', `${file} in ${dir} does not match its checksum in export.json: it was changed or damaged. Export the checkpoint again.`);
  return bytes;
}

/** Loads the export in `dir` for serving under `name`. */
export async function loadServedModel(dir: string, name: string, options: LoadOptions): Promise<ServedModel> {
  const metaPath = options.projectDir ? await projectPath(options.projectDir, relative(options.projectDir, dir), EXPORT_META_FILE) : join(dir, EXPORT_META_FILE);
  const meta = await readJsonFile(metaPath, ExportMeta, say('files.exportIn', { dir }));
  const json = async <T>(file: string, schema: z.ZodType<T>) => {
    const bytes = await checkedFile(dir, meta, file, options.projectDir);
    let value: unknown;
    try {
      value = parseJsonBounded(bytes.toString('utf8'));
    } catch (err) {
      throw new StudioError('BAD_REQUEST', `${file} in ${dir} is not JSON: ${(err as Error).message}.`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new StudioError('BAD_REQUEST', `${file} in ${dir} is not what an export holds: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
    return parsed.data;
  };
  const labels = await json('labels.json', z.array(z.string()).min(1));
  const preprocessing = await json('preprocessing.json', Preprocessing);
  const tokenizer = preprocessing.kind === 'text' ? await json('tokenizer.json', TokenizerFile) : null;
  const shape = preprocessing.kind === 'image' ? [preprocessing.height, preprocessing.width, preprocessing.channels] : preprocessing.kind === 'text' ? [preprocessing.seqLength] : [preprocessing.features.length];
  const datatype: Datatype = preprocessing.kind === 'text' ? 'INT32' : 'FP32';
  const sampleSize = shape.reduce((a, b) => a * b, 1);
  const runner = meta.format === 'onnx' ? await onnxRunner(await checkedFile(dir, meta, 'model.onnx', options.projectDir), shape, datatype, options) : await tfjsRunner(dir, meta, shape, datatype, options.projectDir);
  return {
    name,
    version: '1',
    meta,
    platform: meta.format === 'onnx' ? 'onnxruntime' : 'tensorflowjs',
    input: { name: 'input', datatype, shape: [-1, ...shape] },
    output: { name: 'probabilities', datatype: 'FP32', shape: [-1, labels.length] },
    labels,
    preprocessing,
    tokenizer,
    sampleSize,
    ...runner,
  };
}

type Runner = Pick<ServedModel, 'run' | 'close'>;

async function onnxRunner(bytes: Uint8Array, shape: number[], datatype: Datatype, options: LoadOptions): Promise<Runner> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: options.threads, interOpNumThreads: 1 });
  const type = datatype === 'INT32' ? 'int32' : 'float32';
  return {
    async run(x, n) {
      const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor(type, x, [n, ...shape]) });
      return out[session.outputNames[0]!]!.data as Float32Array;
    },
    close: () => session.release(),
  };
}

/** A TF.js layers export in this process: tfjs on WASM, the studio's layers registered, its weights decoded as tf.loadLayersModel does. */
async function tfjsRunner(dir: string, meta: ExportMeta, shape: number[], datatype: Datatype, projectDir: string | undefined): Promise<Runner> {
  const { setupNodeBackend } = await import('../training/tf-node');
  // One thread: this may run in the app's main process (Try), beside the UI, and a request is
  // small; threads pay for training steps, not for single predictions.
  await setupNodeBackend('wasm', { threads: 1 });
  const tf = await import('@tensorflow/tfjs-core');
  const { loadLayersModel } = await import('@tensorflow/tfjs-layers');
  await import('../../src-engine/layers/register-layers');
  const model = parseJsonBounded((await checkedFile(dir, meta, 'model.json', projectDir)).toString('utf8')) as { modelTopology: object; weightsManifest: { paths: string[]; weights: import('@tensorflow/tfjs-core').io.WeightsManifestEntry[] }[] };
  const weightSpecs = model.weightsManifest.flatMap((g) => g.weights);
  const parts = [];
  for (const group of model.weightsManifest) for (const path of group.paths) parts.push(await checkedFile(dir, meta, path, projectDir));
  const weightData = new Uint8Array(Buffer.concat(parts)).buffer;
  const net = await loadLayersModel(tf.io.fromMemory({ modelTopology: model.modelTopology, weightSpecs, weightData }));
  return {
    async run(x, n) {
      const input = tf.tensor(x, [n, ...shape], datatype === 'INT32' ? 'int32' : 'float32');
      const y = net.predict(input) as import('@tensorflow/tfjs-core').Tensor;
      try {
        return (await y.data()) as Float32Array;
      } finally {
        tf.dispose([input, y]);
      }
    },
    close: async () => {
      net.dispose();
    },
  };
}
