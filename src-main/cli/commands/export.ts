import { randomBytes } from 'node:crypto';
import { cp, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ExportFormat, PRECISIONS, type ExportMeta } from '../../../src-shared/exports/export-meta';
import { StudioError } from '../../../src-shared/errors';
import { EXPORT_META_FILE, EXPORTS_DIR } from '../../exports/export-files';
import { appVersion } from '../app-env';
import { CLI_CLIENT, withCliProject } from '../cli-project';
import { EXIT, UsageError, type CliCommand, type CommandContext } from '../command';
import { backendOption, intOption } from './train';

type Values = CommandContext['values'];
const str = (v: Values[string]): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Copies the export's folder to `out` (created; it must not exist or be empty), through a
 * sibling `.partial-` folder renamed into place, so a failure leaves no half copy.
 */
async function copyOut(from: string, out: string): Promise<void> {
  const existing = await readdir(out).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)));
  if (existing && existing.length > 0) throw new StudioError('BAD_REQUEST', `--out ${out} is not empty: give a new folder.`);
  const partial = join(dirname(out), `.partial-${basename(out)}-${randomBytes(4).toString('hex')}`);
  try {
    await cp(from, partial, { recursive: true, errorOnExist: true, force: false });
    if (existing) await rmdir(out);
    await rename(partial, out);
  } catch (err) {
    await rm(partial, { recursive: true, force: true }).catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    throw new StudioError('IO_ERROR', `Could not copy the export to ${out}: ${e.code === 'ENOSPC' ? 'the disk is full' : e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.message}. The export stays in the project.`);
  }
}

function pct(v: number): string {
  return `${(v * 100).toFixed(2)}%`;
}

function summary(e: ExportMeta, dir: string): string {
  const v = e.verification;
  return (
    `Exported ${e.checkpointId} as ${e.format} ${e.precision}: ${e.id} (${e.name}), ${(e.sizeBytes / 1024).toFixed(1)} KB in ${e.modelFiles.join(', ')}\n` +
    `  ${dir}\n` +
    `Verification (${v.runtime}, ${v.samples} ${v.split} samples): ${e.status.toUpperCase()}; top-1 agreement ${pct(v.agreement)} (at least ${pct(v.minAgreement)}), ` +
    `largest difference ${v.maxAbsDiff.toExponential(2)}, accuracy ${pct(v.accuracy)} (studio ${pct(v.studioAccuracy)})\n`
  );
}

async function run({ values, positionals, io }: CommandContext): Promise<number> {
  const checkpoint = str(values.checkpoint);
  if (!checkpoint) throw new UsageError('export needs --checkpoint <id>.');
  const format = str(values.format) ?? 'tfjs';
  if (!ExportFormat.safeParse(format).success) throw new UsageError(`--format takes ${ExportFormat.options.join(', ')}.`);
  const precisions = PRECISIONS[format as ExportFormat];
  const precision = str(values.precision) ?? 'float32';
  if (!(precisions as readonly string[]).includes(precision)) throw new UsageError(`--precision takes ${precisions.join(', ')} for ${format}.`);
  const verify = intOption(values, 'verify', 1, 1_000_000) ?? 1000;
  const triton = values.triton === true;
  if (triton && format !== 'onnx') throw new UsageError('--triton writes a Triton/KServe model repository of the ONNX model: it goes with --format onnx.');
  const backend = backendOption(values);
  const outOption = str(values.out);
  const out = outOption ? resolve(io.cwd, outOption) : null;
  const json = values.json === true;
  return withCliProject(io, positionals[0]!, async ({ studio, view, signal }) => {
    const { exportHeadless } = await import('../../exports/headless-export');
    const meta = await exportHeadless(
      studio,
      CLI_CLIENT,
      { checkpoint, format: format as ExportFormat, precision: precision as ExportMeta['precision'], verify, name: str(values.name), backend, appVersion: appVersion(), triton },
      (stage) => {
        if (process.stderr.isTTY) io.stderr(`${stage}…\n`);
      },
      signal,
    );
    const dir = join(view.dir, EXPORTS_DIR, meta.id);
    await studio.projects.close(CLI_CLIENT);
    if (out) await copyOut(dir, out);
    const files = [...Object.keys(meta.files), EXPORT_META_FILE].sort();
    if (json) {
      io.stdout(`${JSON.stringify({ exportId: meta.id, dir, ...(out ? { out } : {}), files, format: meta.format, precision: meta.precision, status: meta.status, sizeBytes: meta.sizeBytes, verification: meta.verification }, null, 2)}\n`);
    } else {
      io.stdout(summary(meta, out ?? dir));
    }
    // A failed verification is a result, not a crash: the export is kept, marked failed, exit 1.
    return meta.status === 'verified' ? EXIT.ok : EXIT.failure;
  });
}

/** `model-studio export`: writes a checkpoint in a format other runtimes load, and verifies it there. */
export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Export a checkpoint for other runtimes (TF.js, ONNX), verified by that runtime',
  usage: `model-studio export <project> --checkpoint <id> [--format tfjs|onnx] [--precision float32|float16|uint8|int8|int8-weights] [--triton] [options]

Writes the checkpoint's model into the project's exports/<id>/ (staged, every file checksummed
in export.json), with labels.json, preprocessing.json, a model card (README.md) and report.json,
then verifies it: stock TensorFlow.js in its own process (TF.js), or onnxruntime-node (ONNX), loads
it and predicts the verification samples, and its predictions are compared with the studio's own
for the checkpoint.
An export outside the precision's bounds is kept, marked failed (exit 1).
  --format tfjs          TF.js layers model (model.json + weights), loaded by tf.loadLayersModel;
                         models with the studio's own layers ship studio-layers.js beside it
  --format onnx          ONNX (IR 8, opset 13; 17 with layer norms) for every template and
                         edited model (CNNs, MLPs, text transformers, ViTs): model.onnx, input
                         as the studio's (NHWC images, token ids); also times onnxruntime at
                         batch 1 and 256
  --precision P          float32 (default); float16 (2x smaller); TF.js: uint8 (4x smaller,
                         per-tensor affine); ONNX: int8 (full static QDQ: int8 weights, uint8
                         activations with a full-int8 checkpoint's ranges, or calibrated on 256
                         training samples; integer kernels) and int8-weights (smaller, not faster)
  --triton               ONNX: also a Triton Inference Server / KServe model repository in
                         triton/<name>/ (config.pbtxt, labels.txt, 1/model.onnx)
  --verify N             verify on N test samples (default 1000; a seeded subset)
  --name N               the export's name (default: the checkpoint's, the format and precision)
  --out DIR              also copy the folder to DIR (a new or empty folder)
  --backend wasm|cpu|webgpu  where the studio's own predictions run (default wasm)
  --json                 print {exportId, dir, files, format, precision, status, sizeBytes, verification}`,
  options: {
    checkpoint: { type: 'string' },
    format: { type: 'string' },
    precision: { type: 'string' },
    verify: { type: 'string' },
    triton: { type: 'boolean' },
    name: { type: 'string' },
    out: { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: 1,
  run,
};
