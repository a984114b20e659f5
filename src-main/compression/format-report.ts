/** A compression report as the CLI prints it: before, after and the change, then each layer. */
import type { CompressionReport, ModelFigures } from '../../src-shared/compression/report';

const kb = (b: number) => (b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(2)} MB` : `${(b / 1024).toFixed(1)} KB`);
const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(2)}%`);
const num = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : String(v));
const ratio = (before: number, after: number) => (after > 0 ? `${(before / after).toFixed(2)}x smaller` : '-');
const db = (v: number | null) => (v === null ? 'exact' : `${v.toFixed(1)} dB`);

interface Row {
  label: string;
  before: string;
  after: string;
  change: string;
}

function rows(b: ModelFigures, a: ModelFigures): Row[] {
  const points = (x: number, y: number) => `${((y - x) * 100 >= 0 ? '+' : '')}${((y - x) * 100).toFixed(2)} points`;
  return [
    { label: 'Weights', before: kb(b.sizeBytes), after: kb(a.sizeBytes), change: ratio(b.sizeBytes, a.sizeBytes) },
    { label: 'Weights gzipped', before: kb(b.gzipBytes), after: kb(a.gzipBytes), change: ratio(b.gzipBytes, a.gzipBytes) },
    { label: 'Parameters', before: num(b.params), after: num(a.params), change: `${num(a.nonZeroParams)} non-zero` },
    { label: 'Accuracy', before: pct(b.accuracy), after: pct(a.accuracy), change: points(b.accuracy, a.accuracy) },
    { label: 'Loss', before: b.loss?.toFixed(4) ?? '-', after: a.loss?.toFixed(4) ?? '-', change: '' },
    { label: 'Latency (batch 1)', before: `${b.latencyMs.toFixed(2)} ms`, after: `${a.latencyMs.toFixed(2)} ms`, change: a.latencyMs > 0 ? `${(b.latencyMs / a.latencyMs).toFixed(2)}x speed` : '' },
    { label: 'Throughput (batch 256)', before: `${Math.round(b.throughput)}/s`, after: `${Math.round(a.throughput)}/s`, change: b.throughput > 0 ? `${(a.throughput / b.throughput).toFixed(2)}x` : '' },
    { label: 'FLOPs per sample', before: num(b.flops), after: num(a.flops), change: '' },
  ];
}

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...body.map(line)].join('\n');
}

/** The report as text, with the checkpoint it made. */
export function formatCompressionReport(r: CompressionReport, ids: { checkpointId: string; parentId: string; name: string }): string {
  const summary = r.compare
    ? table(
        ['', 'teacher', 'distilled', 'student alone'],
        rows(r.before, r.after).map((x, i) => [x.label, x.before, x.after, rows(r.before, r.compare!)[i]!.after]),
      )
    : table(['', 'before', 'after', 'change'], rows(r.before, r.after).map((x) => [x.label, x.before, x.after, x.change]));
  const structured = r.layers.some((l) => l.cuts);
  const cuts = (l: CompressionReport['layers'][number]) =>
    (l.cuts ?? []).map((c) => `${c.before}→${c.after} ${c.kind === 'ffUnits' ? 'ff units' : c.kind}`).join(', ') || '-';
  const layers = table(
    ['layer', ...(structured ? ['kept'] : []), 'params', 'sparsity', 'bytes', 'stored', 'weight SQNR', 'output SQNR', 'max diff'],
    r.layers.map((l) => [
      l.layer,
      ...(structured ? [cuts(l)] : []),
      num(l.params),
      l.params ? pct(l.sparsity) : '-',
      l.bytes ? kb(l.bytes) : '-',
      l.params ? l.encoding : '-',
      l.params && l.compared ? db(l.weightSqnrDb) : '-',
      l.outputSqnrDb === null && l.outputMaxDiff === 0 ? 'exact' : l.outputSqnrDb === null ? '-' : db(l.outputSqnrDb),
      l.outputMaxDiff === null ? '-' : l.outputMaxDiff.toPrecision(3),
    ]),
  );
  return (
    `Compressed ${ids.parentId} into ${ids.checkpointId} (${ids.name}) in ${(r.compressMs / 1000).toFixed(1)} s; ` +
    `measured on ${r.evalSamples} ${r.evalSplit} samples, backend ${r.backend}.\n\n${summary}\n\n${layers}\n` +
    `Gzipped size is the honest figure for sparse weights: the raw file keeps its zeros.\n`
  );
}
