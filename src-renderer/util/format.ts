/** Number, byte and duration formats the training views share. */

/** 1234 -> "1,234"; 1.2e6 -> "1.2M"; 3.4e9 -> "3.4G" (for parameters and FLOPs). */
export function compactCount(n: number): string {
  if (n < 10_000) return Math.round(n).toLocaleString('en');
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, unit] of units) if (n >= size) return `${(n / size).toFixed(n / size >= 100 ? 0 : 1)}${unit}`;
  return String(n);
}

/** Bytes as KB/MB/GB (powers of 1024). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) (v /= 1024), i++;
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

/** Seconds as "1h 02m", "3m 05s" or "42s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(r).padStart(2, '0')}s`;
  return `${r}s`;
}

/** A metric (possibly null/NaN) with a fixed number of decimals, or "—". */
export function formatMetric(v: number | null | undefined, digits = 4): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

/** A fraction as a percentage: 0.9876 -> "98.76%". */
export function formatPercent(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`;
}

/** A shape without its batch axis: [13, 13, 32] -> "13×13×32". */
export function formatShape(shape: readonly number[]): string {
  return shape.join('×');
}
