/**
 * Exports (`npm run bench -- export`): each template trained briefly on a real dataset, then
 * each format and precision through the CLI, verified on up to 1,000 test samples: the size of
 * the model files, top-1 agreement with the studio and the largest probability difference, how
 * long the export with its verification took, and for ONNX onnxruntime's latency at batch 1 and
 * throughput at batch 256 (int8: calibrated on 256 training samples first).
 *   seed-cnn: one epoch on 10,000 MNIST digits, every variant;
 *   text-transformer: one epoch on the spam sample (real e-mails);
 *   vit-tiny: one epoch on 10,000 MNIST digits;
 *   mlp: scikit-learn's digits (8x8 pixels as 64 feature columns) as a CSV, when Debian's
 *   python3-sklearn is installed (skipped with a line saying so otherwise).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cli, withBenchProject } from './bench-project';
import type { BenchRow, BenchSuite } from './report';

const SUITE = 'export';

interface ExportJson {
  sizeBytes: number;
  status: string;
  verification: { samples: number; agreement: number; maxAbsDiff: number; accuracy: number; latencyMs: number | null; throughput: number | null; float32Throughput: number | null };
}

type Variant = readonly ['tfjs' | 'onnx', string];
const ALL: Variant[] = [['tfjs', 'float32'], ['tfjs', 'float16'], ['tfjs', 'uint8'], ['onnx', 'float32'], ['onnx', 'float16'], ['onnx', 'int8'], ['onnx', 'int8-weights']];
const ONNX_AND_TFJS: Variant[] = [['tfjs', 'float32'], ['onnx', 'float32'], ['onnx', 'float16'], ['onnx', 'int8'], ['onnx', 'int8-weights']];

interface Case {
  model: string;
  /** `dataset add` arguments after the project, or null when the data is not on this machine. */
  dataset: (dir: string) => Promise<string[] | null>;
  train: string[];
  variants: Variant[];
  what: string;
}

/** scikit-learn's digits as a CSV (64 pixel columns and a label), through Debian's python3-sklearn; null without it. */
async function digitsCsv(dir: string): Promise<string[] | null> {
  const file = join(dir, 'digits.csv');
  const script = 'import sys, csv; from sklearn.datasets import load_digits; d = load_digits(); w = csv.writer(open(sys.argv[1], "w", newline="")); w.writerow([f"p{i}" for i in range(64)] + ["digit"]); [w.writerow([int(v) for v in x] + [int(y)]) for x, y in zip(d.data, d.target)]';
  const r = spawnSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return ['--csv', file, '--label', 'digit'];
}

const CASES: Case[] = [
  { model: 'seed-cnn', dataset: async () => ['--sample', 'mnist'], train: ['--epochs', '1', '--limit', '10000'], variants: ALL, what: 'test digits' },
  { model: 'text-transformer', dataset: async () => ['--sample', 'spam'], train: ['--epochs', '1'], variants: ONNX_AND_TFJS, what: 'test e-mails' },
  { model: 'vit-tiny', dataset: async () => ['--sample', 'mnist'], train: ['--epochs', '1', '--limit', '10000'], variants: ONNX_AND_TFJS, what: 'test digits' },
  { model: 'mlp', dataset: digitsCsv, train: ['--epochs', '30'], variants: ONNX_AND_TFJS, what: 'test rows of sklearn digits' },
];

export const exportSuite: BenchSuite = {
  name: SUITE,
  async run(log) {
    const rows: BenchRow[] = [];
    const only = process.env.BENCH_EXPORT_MODELS?.split(',');
    await withBenchProject('export', async (project, dir) => {
      const datasets = new Map<string, string>();
      for (const c of CASES.filter((k) => !only || only.includes(k.model))) {
        const args = await c.dataset(dir);
        if (!args) {
          log(`export: ${c.model} skipped: its dataset is not on this machine (apt-get install python3-sklearn)`);
          continue;
        }
        const key = args.join(' ');
        if (!datasets.has(key)) datasets.set(key, (await cli(['dataset', 'add', project, ...args])).trim());
        log(`export: training ${c.model} (${c.train.join(' ')})…`);
        const t0 = performance.now();
        const trained = JSON.parse(await cli(['train', project, '--dataset', datasets.get(key)!, '--model', c.model, ...c.train, '--json']));
        rows.push({ suite: SUITE, name: `${c.model} training`, value: (performance.now() - t0) / 1000, unit: 's', note: `${c.train.join(' ')}, before the exports` });
        // The last epoch's checkpoint (the mlp trains 30).
        const checkpoint = trained.checkpointIds.at(-1) as string;
        for (const [format, precision] of c.variants) {
          log(`export: ${c.model} ${format} ${precision}…`);
          const t1 = performance.now();
          const r = JSON.parse(await cli(['export', project, '--checkpoint', checkpoint, '--format', format, '--precision', precision, '--verify', '1000', '--json'], true)) as ExportJson;
          const s = (performance.now() - t1) / 1000;
          const v = r.verification;
          const name = `${c.model} ${format} ${precision}`;
          rows.push({ suite: SUITE, name: `${name} size`, value: r.sizeBytes / 1024, unit: 'KB', note: r.status });
          rows.push({ suite: SUITE, name: `${name} agreement`, value: v.agreement * 100, unit: '%', note: `largest difference ${v.maxAbsDiff.toExponential(1)}, accuracy ${(v.accuracy * 100).toFixed(2)}%, ${v.samples.toLocaleString('en')} ${c.what}` });
          rows.push({ suite: SUITE, name: `${name} export time`, value: s, unit: 's', note: 'with verification' });
          if (v.latencyMs !== null) rows.push({ suite: SUITE, name: `${name} onnxruntime latency`, value: v.latencyMs, unit: 'ms', note: 'per sample, batch 1, median of 20' });
          if (v.throughput !== null) rows.push({ suite: SUITE, name: `${name} onnxruntime throughput`, value: v.throughput, unit: 'samples/s', note: 'batch 256' });
          if (v.throughput !== null && v.float32Throughput) rows.push({ suite: SUITE, name: `${name} throughput ratio`, value: v.throughput / v.float32Throughput, unit: 'x float32', note: `its float32 sibling timed in the same export: ${Math.round(v.float32Throughput).toLocaleString('en')}/s` });
        }
      }
    });
    return rows;
  },
};
