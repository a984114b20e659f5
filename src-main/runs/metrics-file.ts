/**
 * `runs/<id>/metrics.jsonl`: append-only, one MetricRecord per line. Each append is fsynced, so a
 * crash loses at most the records not yet handed over (the current epoch); a torn last line is
 * cut off before the next append and ignored on read.
 */
import { open, readFile } from 'node:fs/promises';
import { MetricRecord, type EpochMetrics, type RunSummary } from '../../src-shared/runs/metrics';

const NEWLINE = 0x0a;
/** How far back a torn tail is searched for the last complete line. */
const TAIL_CHUNK = 64 * 1024;

/** Cuts an unterminated last line (a write torn by a crash) so the next append starts clean. */
async function cutTornTail(handle: import('node:fs/promises').FileHandle): Promise<void> {
  const { size } = await handle.stat();
  if (size === 0) return;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  if (last[0] === NEWLINE) return;
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - TAIL_CHUNK);
    const chunk = Buffer.alloc(end - start);
    await handle.read(chunk, 0, chunk.length, start);
    const at = chunk.lastIndexOf(NEWLINE);
    if (at >= 0) {
      await handle.truncate(start + at + 1);
      return;
    }
    end = start;
  }
  await handle.truncate(0);
}

/** Appends records as JSON lines and fsyncs the file. */
export async function appendRecords(path: string, records: readonly MetricRecord[]): Promise<void> {
  const handle = await open(path, 'a+', 0o644);
  try {
    await cutTornTail(handle);
    if (records.length) {
      await handle.appendFile(records.map((r) => JSON.stringify(r) + '\n').join(''));
      await handle.sync();
    }
  } finally {
    await handle.close();
  }
}

/** The records of a metrics file; unparsable lines (a torn tail) are skipped and counted. */
export async function readRecords(path: string): Promise<{ records: MetricRecord[]; skipped: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], skipped: 0 };
    throw err;
  }
  const records: MetricRecord[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    const parsed = MetricRecord.safeParse(json);
    if (parsed.success) records.push(parsed.data);
    else skipped++;
  }
  return { records, skipped };
}

function mean(values: (number | null | undefined)[]): number | null {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (typeof v === 'number') {
      sum += v;
      n++;
    }
  }
  return n ? sum / n : null;
}

/**
 * At most `max` points for a chart: the records cut into `max` consecutive buckets, each point
 * the bucket's last record with loss, accuracy and throughput averaged over the bucket.
 */
export function downsample(records: readonly MetricRecord[], max: number): MetricRecord[] {
  if (records.length <= max) return [...records];
  const out: MetricRecord[] = [];
  for (let b = 0; b < max; b++) {
    const from = Math.floor((b * records.length) / max);
    const to = Math.floor(((b + 1) * records.length) / max);
    const bucket = records.slice(from, to);
    const last = bucket[bucket.length - 1]!;
    out.push({
      ...last,
      loss: mean(bucket.map((r) => r.loss)),
      accuracy: mean(bucket.map((r) => r.accuracy)),
      samplesPerSec: mean(bucket.map((r) => r.samplesPerSec)) ?? 0,
    });
  }
  return out;
}

function epochMetrics(r: MetricRecord): EpochMetrics {
  return { epoch: r.epoch, step: r.step, loss: r.loss, accuracy: r.accuracy, valLoss: r.valLoss ?? null, valAccuracy: r.valAccuracy ?? null };
}

/** Whether `a` is a better epoch than `b`: lower validation loss, else lower training loss. */
function better(a: EpochMetrics, b: EpochMetrics): boolean {
  const key = (m: EpochMetrics) => m.valLoss ?? m.loss ?? Infinity;
  return key(a) < key(b);
}

/** The summary after adding epoch records to `summary`. */
export function summarize(summary: RunSummary, records: readonly MetricRecord[]): RunSummary {
  let { best, last, epochsDone } = summary;
  for (const r of records) {
    if (r.kind !== 'epoch') continue;
    const m = epochMetrics(r);
    last = m;
    epochsDone = Math.max(epochsDone, r.epoch + 1);
    if (!best || better(m, best)) best = m;
  }
  return { epochsDone, best, last };
}
