/**
 * Exports (`npm run bench -- export`): seed-cnn trained one epoch on 10,000 MNIST digits, then
 * each format and precision through the CLI, verified on 1,000 test digits: the size of the
 * model files, top-1 agreement with the studio and the largest probability difference, how long
 * the export with its verification took, and for ONNX onnxruntime's latency at batch 1 and
 * throughput at batch 256 (int8: calibrated on 256 training digits first).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src-main/cli/main';
import type { BenchRow, BenchSuite } from './report';

const SUITE = 'export';

async function cli(...argv: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (t) => void (out += t), stderr: (t) => void (err += t), env: process.env, cwd: process.cwd() });
  if (code !== 0) throw new Error(`model-studio ${argv.join(' ')} exited with ${code}: ${err}`);
  return out;
}

interface ExportJson {
  sizeBytes: number;
  status: string;
  verification: { agreement: number; maxAbsDiff: number; accuracy: number; latencyMs: number | null; throughput: number | null };
}

export const exportSuite: BenchSuite = {
  name: SUITE,
  async run(log) {
    const dir = await mkdtemp(join(tmpdir(), 'ms-bench-export-'));
    const dataDir = process.env.MODEL_STUDIO_DATA_DIR;
    process.env.MODEL_STUDIO_DATA_DIR = join(dir, 'data');
    const rows: BenchRow[] = [];
    try {
      const project = (await cli('new', dir, '--name', 'Bench')).trim();
      await cli('dataset', 'add', project, '--sample', 'mnist');
      log('export: training seed-cnn for one epoch on 10,000 digits…');
      const checkpoint = JSON.parse(await cli('train', project, '--dataset', 'MNIST', '--model', 'seed-cnn', '--epochs', '1', '--limit', '10000', '--json')).checkpointIds[0] as string;
      for (const [format, precision] of [['tfjs', 'float32'], ['tfjs', 'float16'], ['tfjs', 'uint8'], ['onnx', 'float32'], ['onnx', 'float16'], ['onnx', 'int8'], ['onnx', 'int8-weights']] as const) {
        log(`export: ${format} ${precision}…`);
        const t0 = performance.now();
        const r = JSON.parse(await cli('export', project, '--checkpoint', checkpoint, '--format', format, '--precision', precision, '--verify', '1000', '--json')) as ExportJson;
        const s = (performance.now() - t0) / 1000;
        const v = r.verification;
        const name = `seed-cnn ${format} ${precision}`;
        rows.push({ suite: SUITE, name: `${name} size`, value: r.sizeBytes / 1024, unit: 'KB', note: r.status });
        rows.push({ suite: SUITE, name: `${name} agreement`, value: v.agreement * 100, unit: '%', note: `largest difference ${v.maxAbsDiff.toExponential(1)}, accuracy ${(v.accuracy * 100).toFixed(2)}%, 1,000 test digits` });
        rows.push({ suite: SUITE, name: `${name} export time`, value: s, unit: 's', note: 'with verification' });
        if (v.latencyMs !== null) rows.push({ suite: SUITE, name: `${name} onnxruntime latency`, value: v.latencyMs, unit: 'ms', note: 'per sample, batch 1, median of 20' });
        if (v.throughput !== null) rows.push({ suite: SUITE, name: `${name} onnxruntime throughput`, value: v.throughput, unit: 'samples/s', note: 'batch 256' });
      }
    } finally {
      if (dataDir === undefined) delete process.env.MODEL_STUDIO_DATA_DIR;
      else process.env.MODEL_STUDIO_DATA_DIR = dataDir;
      await rm(dir, { recursive: true, force: true });
    }
    return rows;
  },
};
