/** Plain-text output of the `train` and `eval` commands. */
import type { EpochMetrics, MetricRecordInput } from '../../src-shared/runs/metrics';
import type { EvalResult } from '../../src-shared/evaluations/eval-result';

const pct = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : `${(v * 100).toFixed(2)}%`);
const num = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(4));

/** One line per finished epoch. */
export function formatEpochLine(m: EpochMetrics, epochs: number, samplesPerSec: number, checkpointId: string): string {
  return (
    `epoch ${m.epoch + 1}/${epochs}  loss ${num(m.loss)}  acc ${pct(m.accuracy)}  ` +
    `val_loss ${num(m.valLoss)}  val_acc ${pct(m.valAccuracy)}  ${Math.round(samplesPerSec)} samples/s  ${checkpointId}`
  );
}

/** The live line of the batch in progress (TTY only). */
export function formatBatchLine(r: MetricRecordInput, batchesPerEpoch: number, epochs: number): string {
  const loss = typeof r.loss === 'number' ? r.loss.toFixed(4) : '-';
  return `epoch ${r.epoch + 1}/${epochs}  batch ${(r.batch ?? 0) + 1}/${batchesPerEpoch}  loss ${loss}  ${Math.round(r.samplesPerSec)} samples/s`;
}

/** Final metrics of a run. */
export function formatTrainSummary(s: {
  runId: string;
  status: string;
  epochsDone: number;
  last: EpochMetrics | null;
  best: EpochMetrics | null;
  checkpointIds: string[];
  samplesPerSec: number | null;
  backend: string;
}): string {
  const lines = [
    `Run:          ${s.runId} (${s.status}, ${s.epochsDone} epoch${s.epochsDone === 1 ? '' : 's'} on ${s.backend})`,
    `Loss:         ${num(s.last?.loss)} (validation ${num(s.last?.valLoss)})`,
    `Accuracy:     ${pct(s.last?.accuracy)} (validation ${pct(s.last?.valAccuracy)})`,
  ];
  if (s.best && s.best !== s.last) lines.push(`Best epoch:   ${s.best.epoch + 1} (validation loss ${num(s.best.valLoss)}, accuracy ${pct(s.best.valAccuracy)})`);
  if (s.samplesPerSec !== null) lines.push(`Throughput:   ${Math.round(s.samplesPerSec)} samples/s`);
  lines.push(`Checkpoints:  ${s.checkpointIds.join(' ') || '-'}`);
  return `${lines.join('\n')}\n`;
}

function table(rows: string[][], rightFrom = 1): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c >= rightFrom ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n');
}

/** Accuracy, loss, latency, the per-class table and (up to 30 classes) the confusion matrix. */
export function formatEval(r: EvalResult, classNames: string[], info: { checkpointId: string; split: string; samples: number }): string {
  const out = [
    `Checkpoint:   ${info.checkpointId} on ${info.split} (${info.samples} samples)`,
    `Accuracy:     ${pct(r.accuracy)}`,
    `Loss:         ${num(r.loss)}`,
    `Latency:      ${r.latencyMsPerSample.toFixed(2)} ms per sample (${r.backend})`,
    '',
    table([
      ['class', 'precision', 'recall', 'f1', 'support'],
      ...r.perClass.map((m, c) => [classNames[c] ?? String(c), m.precision.toFixed(3), m.recall.toFixed(3), m.f1.toFixed(3), String(m.support)]),
    ]),
    '',
  ];
  if (r.confusion.length <= 30) {
    const labels = r.confusion.map((_, c) => classNames[c] ?? String(c));
    out.push('Confusion matrix (rows: actual, columns: predicted)');
    out.push(table([['', ...labels], ...r.confusion.map((row, c) => [labels[c]!, ...row.map(String)])]));
  } else {
    out.push(`Confusion matrix: ${r.confusion.length} classes, see --json.`);
  }
  return `${out.join('\n')}\n`;
}
