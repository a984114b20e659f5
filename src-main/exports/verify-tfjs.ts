/**
 * Runs a TF.js export in a separate Node process with stock TensorFlow.js
 * (resources/tfjs/verify-export.mjs): the folder as a user's program loads it, none of the
 * studio's kernels or registered layers. Returns its class probabilities for the inputs.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNodeScript } from '../node-script';

const CHILD = fileURLToPath(new URL('../../resources/tfjs/verify-export.mjs', import.meta.url));

/** Model inputs as the export takes them (preprocessed): [n, ...sample] values. */
export interface ExportInputs {
  x: Float32Array | Int32Array;
  shape: number[];
}

export interface RuntimeOutput {
  probs: Float32Array;
  runtime: string;
  ms: number;
}

/** The export's predictions by stock TF.js in its own process; rejects with what the process said. */
export async function runTfjsExport(dir: string, inputs: ExportInputs, signal?: AbortSignal): Promise<RuntimeOutput> {
  const work = await mkdtemp(join(tmpdir(), 'ms-verify-'));
  try {
    await writeFile(join(work, 'inputs.bin'), new Uint8Array(inputs.x.buffer, inputs.x.byteOffset, inputs.x.byteLength));
    const dtype = inputs.x instanceof Int32Array ? 'int32' : 'float32';
    await writeFile(join(work, 'request.json'), JSON.stringify({ inputs: 'inputs.bin', dtype, shape: inputs.shape, outputs: 'outputs.bin' }));
    const r = await runNodeScript(CHILD, [dir, join(work, 'request.json')], signal);
    if (r.code !== 0) throw new Error(`Stock TF.js could not run the export: ${lastLines(r.stderr) || `exit ${r.code}`}`);
    const stdout = r.stdout;
    const info = JSON.parse(stdout.trim().split('\n').pop()!) as { runtime: string; ms: number };
    const bytes = await readFile(join(work, 'outputs.bin'));
    return { probs: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)), ...info };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The error's message lines of a Node stack trace, without the frames. */
function lastLines(text: string): string {
  return text.split('\n').filter((l) => l.trim() && !/^\s+at /.test(l) && !l.startsWith('file://') && !l.startsWith('node:')).slice(-2).join(' ').slice(0, 400);
}
