/**
 * A small streaming CSV parser (RFC 4180: quoted fields with embedded delimiters, doubled quotes
 * and newlines; CRLF, LF or CR line ends; a leading BOM), plus delimiter sniffing and header
 * detection on the first rows.
 */

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/**
 * The longest record (one row, quoted newlines included) the parser takes, in characters: a file
 * that is one endless line (8 GB of NULs) is refused at this point instead of being read whole.
 */
export const MAX_RECORD_CHARS = 8 * 1024 * 1024;

/** A complete record: its fields and the line it started on (1-based, physical lines). */
export type RecordSink = (fields: string[], line: number) => void;

/** Thrown for input the parser cannot make sense of (an unterminated quote). */
export class CsvSyntaxError extends Error {}

/** Feeds text in chunks with `push`, then `end`; calls `onRecord` for each record, skipping blank lines. */
export class CsvParser {
  private rest = '';
  private line = 1;
  private first = true;

  constructor(
    private readonly delimiter: string,
    private readonly onRecord: RecordSink,
  ) {}

  push(chunk: string): void {
    if (this.first && chunk.length > 0) {
      this.first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    this.rest = this.rest.length ? this.rest + chunk : chunk;
    this.consume(false);
  }

  end(): void {
    this.consume(true);
    this.rest = '';
  }

  /** Parses the complete records in `rest`, keeping an unfinished one for the next chunk. */
  private consume(final: boolean): void {
    const s = this.rest;
    const n = s.length;
    const d = this.delimiter.charCodeAt(0);
    let start = 0;
    let line = this.line;
    records: while (start < n) {
      const fields: string[] = [];
      let p = start;
      let newlines = 0;
      let quotedAny = false;
      for (;;) {
        let value: string;
        if (s.charCodeAt(p) === QUOTE) {
          quotedAny = true;
          value = '';
          let q = p + 1;
          for (;;) {
            const k = s.indexOf('"', q);
            // A closing quote at the very end may be the first half of a doubled quote.
            if (k < 0 || (k === n - 1 && !final)) {
              if (!final) break records;
              throw new CsvSyntaxError(`line ${line}: a quoted field is never closed`);
            }
            value += s.slice(q, k);
            if (s.charCodeAt(k + 1) === QUOTE) {
              value += '"';
              q = k + 2;
            } else {
              p = k + 1;
              break;
            }
          }
          // Be lenient with text between the closing quote and the delimiter: keep it.
          let e = p;
          while (e < n && s.charCodeAt(e) !== d && s.charCodeAt(e) !== LF && s.charCodeAt(e) !== CR) e++;
          if (e > p) value += s.slice(p, e);
          p = e;
          for (let i = value.indexOf('\n'); i >= 0; i = value.indexOf('\n', i + 1)) newlines++;
        } else {
          let e = p;
          while (e < n) {
            const c = s.charCodeAt(e);
            if (c === d || c === LF || c === CR) break;
            e++;
          }
          value = s.slice(p, e);
          p = e;
        }
        fields.push(value);
        if (p >= n) {
          if (!final) break records;
          break;
        }
        const c = s.charCodeAt(p);
        if (c === d) {
          p++;
          continue;
        }
        if (c === CR) {
          if (p + 1 >= n && !final) break records; // maybe \r\n split across chunks
          p += s.charCodeAt(p + 1) === LF ? 2 : 1;
        } else p++;
        break;
      }
      if (p - start > MAX_RECORD_CHARS) throw tooLong(line);
      if (!(fields.length === 1 && fields[0] === '' && !quotedAny)) this.onRecord(fields, line);
      line += 1 + newlines;
      start = p;
    }
    this.rest = start > 0 ? s.slice(start) : s;
    this.line = line;
    if (this.rest.length > MAX_RECORD_CHARS) throw tooLong(line);
  }
}

function tooLong(line: number): CsvSyntaxError {
  return new CsvSyntaxError(`line ${line} is longer than ${MAX_RECORD_CHARS / 1024 / 1024} Mi characters, the limit for one row`);
}

/** Parses a whole string (tests, samples of a file); `final` false drops an unfinished last record. */
export function parseCsv(text: string, delimiter: string, final = true): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  const p = new CsvParser(delimiter, (fields, line) => out.push({ fields, line }));
  p.push(text);
  if (final) p.end();
  return out;
}

export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/**
 * Picks the delimiter whose rows have the most consistent field count (more than one field),
 * preferring the comma on ties; from the first chunk of a file.
 */
export function sniffDelimiter(sample: string): Delimiter {
  let best: Delimiter = ',';
  let bestScore = -1;
  for (const d of DELIMITERS) {
    let rows: string[][];
    try {
      rows = parseCsv(sample, d, false).slice(0, 50).map((r) => r.fields);
    } catch {
      continue;
    }
    if (rows.length === 0) continue;
    const width = rows[0]!.length;
    if (width < 2) continue;
    const consistent = rows.filter((r) => r.length === width).length / rows.length;
    const score = consistent * 1000 + Math.min(width, 999);
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/** Whether a field reads as a number (an empty field does not count either way). */
export function isNumeric(s: string): boolean {
  const t = s.trim();
  return t !== '' && Number.isFinite(Number(t));
}

/**
 * Whether the first row is a header: some column is numeric in later rows but not in the first,
 * or (all-text files) the first row's values are distinct and none of them recurs in its column.
 */
export function detectHeader(rows: string[][]): boolean {
  const [first, ...rest] = rows;
  if (!first) return false;
  if (rest.length === 0) return first.every((v) => v.trim() !== '' && !isNumeric(v));
  let sawNumericColumn = false;
  for (let c = 0; c < first.length; c++) {
    const values = rest.map((r) => r[c] ?? '').filter((v) => v.trim() !== '');
    const numeric = values.length > 0 && values.every(isNumeric);
    if (numeric) {
      sawNumericColumn = true;
      if (!isNumeric(first[c] as string) && (first[c] as string).trim() !== '') return true;
    }
  }
  if (sawNumericColumn) return false;
  if (first.some((v) => v.trim() === '' || v.length > 64)) return false;
  if (new Set(first).size !== first.length) return false;
  return first.every((v, c) => !rest.some((r) => r[c] === v));
}
