/**
 * Builds the aligned arrays a metric chart draws: x = global step; per-batch values, then the
 * epoch records' training and validation values at the step where each epoch ended.
 */
import type { MetricRecordInput } from '../../../src-shared/runs/metrics';

type Rec = Pick<MetricRecordInput, 'step' | 'loss' | 'accuracy' | 'valLoss' | 'valAccuracy'>;

function num(v: number | null | undefined): number | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : v;
}

/** [steps, batch values, epoch training values, epoch validation values] for 'loss' or 'accuracy'. */
export function chartData(batches: readonly Rec[], epochs: readonly Rec[], metric: 'loss' | 'accuracy'): (number | null)[][] {
  const val = metric === 'loss' ? 'valLoss' : 'valAccuracy';
  const rows = new Map<number, [number | null, number | null, number | null]>();
  for (const b of batches) rows.set(b.step, [num(b[metric]), null, null]);
  for (const e of epochs) {
    const row = rows.get(e.step) ?? [null, null, null];
    row[1] = num(e[metric]);
    row[2] = num(e[val]);
    rows.set(e.step, row);
  }
  const steps = [...rows.keys()].sort((a, b) => a - b);
  return [steps, steps.map((s) => rows.get(s)![0]), steps.map((s) => rows.get(s)![1]), steps.map((s) => rows.get(s)![2])];
}
