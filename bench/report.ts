/** Benchmark results as rows of a printed table, and the machine they were measured on. */
import { cpus, totalmem } from 'node:os';

/** One measured figure. */
export interface BenchRow {
  suite: string;
  name: string;
  value: number;
  unit: string;
  /** How it was measured (sizes, repetitions). */
  note?: string;
}

/** A group of benchmarks; issues add suites (training, compression, export) to bench/index.ts. */
export interface BenchSuite {
  name: string;
  run(log: (line: string) => void): Promise<BenchRow[]>;
}

/** The machine line printed above the table. */
export function machine(): string {
  const c = cpus();
  return `${c.length} x ${c[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}-${process.arch}`;
}

function fmt(v: number): string {
  if (v >= 100) return Math.round(v).toLocaleString('en-US');
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** The rows as an aligned text table. */
export function formatTable(rows: BenchRow[]): string {
  const cells = [['suite', 'benchmark', 'value', 'unit', 'note'], ...rows.map((r) => [r.suite, r.name, fmt(r.value), r.unit, r.note ?? ''])];
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((r) => r[c]!.length)));
  return cells
    .map((r, i) => {
      const line = r.map((cell, c) => (c === 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
      return i === 0 ? `${line}\n${'-'.repeat(line.length)}` : line;
    })
    .join('\n');
}

/** Milliseconds since `start` (performance.now()). */
export function since(start: number): number {
  return performance.now() - start;
}
