/**
 * CSV importer: numeric features + a label column (tabular), or a text column + a label column
 * (text). The file is streamed, so a large CSV costs the size of its numbers, not of its text.
 * Ragged rows (a different number of fields than the header) are skipped and reported, unless
 * more than 10% of the rows are ragged: then the import fails naming the first bad line.
 */
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { ImportSource } from '../../../src-shared/datasets/schema';
import type { ImportContext, Importer, RawDataset, SkippedItem } from '../raw-dataset';
import { badInput, checkClassNames, compareNames, fmt, throttled, throwIfCancelled } from './common';
import { CsvParser, CsvSyntaxError, detectHeader, MAX_RECORD_CHARS, parseCsv, sniffDelimiter, type Delimiter } from './csv-parse';
import { openSourceFile, readSourceHead } from './source-file';
import { say, type Said } from '../../../src-shared/messages/message';

type CsvSource = Extract<ImportSource, { type: 'csv' }>;

/** Spellings of NaN and infinity that CSV writers use. */
const SPECIAL_NUMBER = /^[+-]?(nan|inf|infinity)$/i;

/** The most columns a CSV may have (features plus label). */
export const MAX_COLUMNS = 10_000;

/** Above this share of ragged rows the file is refused rather than silently thinned. */
export const MAX_RAGGED_SHARE = 0.1;
const SNIFF_BYTES = 64 * 1024;

/** What the first chunk of a CSV says about it. */
export interface CsvLayout {
  delimiter: Delimiter;
  hasHeader: boolean;
  columns: string[];
  /** The first rows after the header (for inspection). */
  preview: string[][];
}

async function readHead(path: string): Promise<string> {
  let head = await readSourceHead(path, SNIFF_BYTES);
  // A header wider than the sniffing window (100,000 columns) is read whole, up to the row limit.
  if (head.length === SNIFF_BYTES && !head.includes(0x0a)) head = await readSourceHead(path, MAX_RECORD_CHARS + 1);
  // Cut at the last newline so a multi-byte character or a record is never split.
  let text = head.toString('utf8');
  if (head.length >= SNIFF_BYTES) text = text.slice(0, Math.max(text.lastIndexOf('\n') + 1, 1));
  return text;
}

/** Sniffs the delimiter (unless given), detects a header and names the columns. */
export async function readCsvLayout(path: string, delimiter?: Delimiter): Promise<CsvLayout> {
  const head = await readHead(path).catch((err: Error) => {
    throw badInput(say('errors.cannotReadFile', { file: basename(path), reason: err.message }));
  });
  const d = delimiter ?? sniffDelimiter(head);
  let rows: string[][];
  try {
    rows = parseCsv(head, d, false).slice(0, 100).map((r) => r.fields);
  } catch (err) {
    throw badInput(say('errors.csvInvalid', { file: basename(path), reason: (err as Error).message }));
  }
  if (rows.length === 0) {
    throw badInput(head.length > 0 ? say('errors.csvNoFirstLine', { file: basename(path), n: String(MAX_RECORD_CHARS / 1024 / 1024) }) : say('errors.csvEmpty', { file: basename(path) }));
  }
  const hasHeader = detectHeader(rows);
  const width = rows[0]!.length;
  if (width > MAX_COLUMNS) throw badInput(say('errors.csvTooManyColumns', { file: basename(path), n: fmt(width), max: fmt(MAX_COLUMNS) }));
  const columns = hasHeader ? rows[0]!.map((c, i) => c.trim() || `col${i + 1}`) : Array.from({ length: width }, (_, i) => `col${i + 1}`);
  // A label or text column is picked by name, and features are reported by name: both must be unique.
  const firstAt = new Map<string, number>();
  columns.forEach((c, i) => {
    const before = firstAt.get(c);
    if (before !== undefined) throw badInput(say('errors.csvDuplicateColumn', { file: basename(path), column: c, first: String(before + 1), second: String(i + 1) }));
    firstAt.set(c, i);
  });
  return { delimiter: d, hasHeader, columns, preview: rows.slice(hasHeader ? 1 : 0, 11) };
}

function columnIndex(columns: string[], name: string, role: 'label' | 'text'): number {
  const i = columns.indexOf(name);
  const j = i >= 0 ? i : columns.findIndex((c) => c.toLowerCase() === name.trim().toLowerCase());
  if (j < 0) throw badInput(say(role === 'label' ? 'errors.csvNoLabelColumn' : 'errors.csvNoTextColumn', { column: name, columns: columns.join(', ') }));
  return j;
}

/** Imports a CSV as a tabular or (with a text column) a text dataset. */
export async function openCsv(source: CsvSource, ctx: ImportContext): Promise<RawDataset> {
  const name = basename(source.path);
  let layout = await readCsvLayout(source.path, source.delimiter);
  // A header the heuristics missed: the person named one of its cells as a column.
  if (!layout.hasHeader && !layout.columns.includes(source.labelColumn)) {
    const firstRow = parseCsv(await readHead(source.path), layout.delimiter, false)[0]?.fields ?? [];
    if (firstRow.includes(source.labelColumn)) layout = { ...layout, hasHeader: true, columns: firstRow };
  }
  const { columns } = layout;
  const labelCol = columnIndex(columns, source.labelColumn, 'label');
  const textCol = source.textColumn === undefined ? -1 : columnIndex(columns, source.textColumn, 'text');
  if (textCol === labelCol) throw badInput(say('errors.csvSameColumns'));
  const featureCols = textCol >= 0 ? [] : columns.map((_, i) => i).filter((i) => i !== labelCol);
  if (textCol < 0 && featureCols.length === 0) throw badInput(say('errors.csvNoFeatures', { file: name }));

  const F = featureCols.length;
  let values = new Float32Array(Math.max(1024, F * 1024));
  const missing = new Array<number>(F).fill(0);
  const nonFinite = new Array<number>(F).fill(0);
  const texts: string[] = [];
  const rawLabels: number[] = [];
  const labelIds = new Map<string, number>();
  const skipped: SkippedItem[] = [];
  let rows = 0;
  let ragged = 0;
  let firstRagged = 0;
  let sawHeader = !layout.hasHeader;

  const onRecord = (fields: string[], line: number): void => {
    if (!sawHeader) {
      sawHeader = true;
      return;
    }
    if (fields.length !== columns.length) {
      ragged++;
      if (!firstRagged) firstRagged = line;
      skipped.push({ item: `line ${line}`, reason: say('skipped.csvFields', { n: fields.length, header: columns.length }) });
      return;
    }
    const label = (fields[labelCol] as string).trim();
    if (label === '') {
      skipped.push({ item: `line ${line}`, reason: say('skipped.csvEmptyLabel') });
      return;
    }
    if (textCol >= 0) texts.push(fields[textCol] as string);
    else {
      if ((rows + 1) * F > values.length) {
        const grown = new Float32Array(values.length * 2);
        grown.set(values);
        values = grown;
      }
      for (let k = 0; k < F; k++) {
        const raw = (fields[featureCols[k] as number] as string).trim();
        let v = NaN;
        if (raw === '') missing[k]!++;
        else {
          // Number() reads "NaN" and "Infinity"; numpy and pandas also write "nan", "inf" and "-inf".
          v = SPECIAL_NUMBER.test(raw) ? (/nan/i.test(raw) ? NaN : raw.startsWith('-') ? -Infinity : Infinity) : Number(raw);
          if (Number.isNaN(v) && !SPECIAL_NUMBER.test(raw)) {
            throw badInput(say('errors.csvNotNumeric', { column: columns[featureCols[k] as number] as string, line: String(line), value: raw.slice(0, 40) }));
          }
          // NaN, Infinity and what float32 cannot hold (1e999, 1e39) are missing values, like an
          // empty cell: the trainer fills them with the column's mean (0 after standardisation).
          if (!Number.isFinite(Math.fround(v))) {
            if (!Number.isNaN(v)) nonFinite[k]!++;
            missing[k]!++;
            v = NaN;
          }
        }
        values[rows * F + k] = v;
      }
    }
    let id = labelIds.get(label);
    if (id === undefined) labelIds.set(label, (id = labelIds.size));
    rawLabels.push(id);
    rows++;
  };

  const parser = new CsvParser(layout.delimiter, onRecord);
  const { fh, size } = await openSourceFile(source.path, name);
  const total = size || 1;
  const report = throttled(ctx.report);
  let read = 0;
  // The stream closes the file when it ends, fails or is destroyed.
  const stream = fh.createReadStream({ encoding: 'utf8', highWaterMark: 1024 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      throwIfCancelled(ctx.signal);
      parser.push(chunk);
      read += Buffer.byteLength(chunk);
      report(Math.min(1, read / total), say('jobs.readRows', { n: rows }));
    }
    parser.end();
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw badInput(say('errors.csvInvalid', { file: name, reason: err.message }));
    throw err;
  } finally {
    stream.destroy();
  }

  if (ragged > 0 && ragged > MAX_RAGGED_SHARE * (rows + ragged)) {
    throw badInput(say('errors.csvTooRagged', { file: name, n: ragged, total: rows + ragged, line: String(firstRagged) }));
  }
  if (rows === 0) throw badInput(say('errors.csvNoRows', { file: name }));

  // Classes sorted numeric-aware ("2" before "10"), labels renumbered to that order.
  const order = [...labelIds.keys()].sort(compareNames);
  const labelColumn = columns[labelCol] as string;
  checkClassNames(order, say('errors.noClassesWhy.csvOneValue', { column: labelColumn }), say('errors.classSource.csvValues', { column: labelColumn }));
  const remap = new Int32Array(labelIds.size);
  order.forEach((label, i) => (remap[labelIds.get(label) as number] = i));
  const labels = Int32Array.from(rawLabels, (id) => remap[id] as number);

  const warnings: Said[] = [];
  if (ragged > 0) warnings.push(say('warnings.raggedRows', { n: ragged }));
  featureCols.forEach((c, k) => {
    if (missing[k]) {
      const column = columns[c] as string;
      const n = missing[k] as number;
      warnings.push(nonFinite[k] ? say('warnings.missingValuesInfinite', { column, n, infinite: nonFinite[k] as number }) : say('warnings.missingValues', { column, n }));
    }
  });
  ctx.report(1, say('jobs.readRows', { n: rows }));
  const base = {
    classNames: order,
    labels,
    skipped,
    warnings,
    description: say('sources.csv', { file: name, n: rows, column: columns[labelCol] as string }),
  };
  if (textCol >= 0) return { ...base, kind: 'text', texts };
  return {
    ...base,
    kind: 'tabular',
    tabular: { featureNames: featureCols.map((c) => columns[c] as string), values: values.slice(0, rows * F) },
  };
}

/** The CSV importer: matches .csv / .tsv / .txt files whose first rows parse into several columns. */
export const csvImporter: Importer<CsvSource> = {
  type: 'csv',
  async match(path) {
    if (!['.csv', '.tsv', '.tab', '.psv'].includes(extname(path).toLowerCase())) return false;
    try {
      return (await stat(path)).isFile() && (await readCsvLayout(path)).columns.length >= 2;
    } catch {
      return false;
    }
  },
  open: openCsv,
};
