import { textOf } from '../../../../src-shared/messages/message';
import { describe, expect, it } from 'vitest';
import { importDataset, importers } from '../../../../src-main/datasets/importers/index';
import { CsvParser, detectHeader, parseCsv, sniffDelimiter } from '../../../../src-main/datasets/importers/csv-parse';
import { useStudios } from '../../services/studio-fixture';
import { useTempDirs } from '../../services/temp-dir';
import { put, studioError, testContext } from './helpers';

const fields = (text: string, d = ',') => parseCsv(text, d).map((r) => r.fields);

describe('CSV parser', () => {
  it('reads quoted fields with delimiters, doubled quotes and newlines, CRLF and a BOM', () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\n1,,3\r\n';
    expect(fields(text)).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\r\nlines'],
      ['1', '', '3'],
    ]);
    // Lines count physical lines, so a record after a multi-line field has the right number.
    expect(parseCsv(text, ',').map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('gives the same records however the text is cut into chunks', () => {
    const text = 'h1;h2\n"a;\n""b""";2\r\n\nc;3\r"d";4';
    const whole = fields(text, ';');
    expect(whole).toEqual([['h1', 'h2'], ['a;\n"b"', '2'], ['c', '3'], ['d', '4']]);
    for (const size of [1, 2, 3, 5]) {
      const out: string[][] = [];
      const p = new CsvParser(';', (f) => out.push(f));
      for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
      p.end();
      expect(out).toEqual(whole);
    }
  });

  it('sniffs the delimiter and detects a header', () => {
    expect(sniffDelimiter('a;b;c\n1;2,5;3\n4;5;6\n')).toBe(';');
    expect(sniffDelimiter('a\tb\n1\t2\n')).toBe('\t');
    expect(sniffDelimiter('a|b|c\n1|2|3\n')).toBe('|');
    expect(sniffDelimiter('a,b\n1,2\n')).toBe(',');
    expect(detectHeader([['x', 'y'], ['1', '2'], ['3', '4']])).toBe(true);
    expect(detectHeader([['1', '2'], ['3', '4']])).toBe(false);
    expect(detectHeader([['text', 'label'], ['hello there', 'spam'], ['hi', 'ham']])).toBe(true);
    expect(detectHeader([['hello there', 'spam'], ['hi', 'ham'], ['buy now', 'spam']])).toBe(false);
  });
});

describe('CSV importer', () => {
  const tempDir = useTempDirs();
  const startStudio = useStudios();
  const csv = async (text: string, name = 'data.csv') => put(await tempDir(), name, text);

  it('imports numeric features and sorts the label classes numerically', async () => {
    const path = await csv('f1,f2,label\n1,2,10\n3,,2\n5,6,10\n7,8.5,2\n');
    const raw = await importDataset({ type: 'csv', path, labelColumn: 'label' }, testContext());
    expect(raw.kind).toBe('tabular');
    expect(raw.classNames).toEqual(['2', '10']);
    expect(Array.from(raw.labels)).toEqual([1, 0, 1, 0]);
    expect(raw.tabular!.featureNames).toEqual(['f1', 'f2']);
    expect(Array.from(raw.tabular!.values)).toEqual([1, 2, 3, NaN, 5, 6, 7, 8.5]);
    expect(raw.warnings.map(textOf)).toEqual(['Column "f2" has 1 missing values.']);
  });

  it('reads NaN, Infinity, -inf and 1e999 (and 1e39, past float32) as missing values', async () => {
    const root = await tempDir();
    const path = await put(root, 'odd.csv', 'f1,f2,label\n1,NaN,a\n2,Infinity,b\n3,1e999,a\n4,-inf,b\n5,2,a\n6,3,b\n7,1e39,a\n8,4,b\n');
    const raw = await importDataset({ type: 'csv', path, labelColumn: 'label' }, testContext());
    expect(raw.warnings.map(textOf)).toEqual(['Column "f2" has 5 missing values (4 of them infinite or too large for float32, such as Infinity or 1e999, read as missing).']);
    const values = raw.tabular!.values;
    expect([...values.filter((_, i) => i % 2 === 1)].map((v) => (Number.isNaN(v) ? 'missing' : v))).toEqual(['missing', 'missing', 'missing', 'missing', 2, 3, 'missing', 4]);
  });

  it('keeps the float32 maximum as numpy prints it (3.4028235e38) as a value, not a missing one', async () => {
    const path = await put(await tempDir(), 'max.csv', 'f,label\n3.4028235e38,a\n1,b\n-3.4028235e38,a\n2,b\n');
    const raw = await importDataset({ type: 'csv', path, labelColumn: 'label' }, testContext());
    expect(raw.warnings).toEqual([]);
    expect(Number.isFinite(raw.tabular!.values[0]!)).toBe(true);
  });

  it('imports such a CSV into a project as a dataset that lists and reads back, with finite statistics', async () => {
    const root = await tempDir();
    const path = await put(root, 'odd.csv', 'f1,f2,label\n1,NaN,a\n2,Infinity,b\n3,1e999,a\n4,-inf,b\n5,2,a\n6,3,b\n7,1e39,a\n8,4,b\n');
    const { studio } = await startStudio(root);
    await studio.projects.create('P', root, 'ws:1');
    const imported = await studio.datasets.startImport('ws:1', { source: { type: 'csv', path, labelColumn: 'label' } }).done;
    const listed = await studio.datasets.list('ws:1');
    expect(listed.map((d) => d.id)).toEqual([imported.id]);
    for (const f of listed[0]!.featureStats!) for (const v of [f.min, f.max, f.mean, f.std]) expect(Number.isFinite(v)).toBe(true);
  });

  it('reads semicolons, tabs, quotes, a BOM and CRLF the same way', async () => {
    const variants = [
      'a,b,cls\r\n1,2,x\r\n3,4,y\r\n',
      '\uFEFFa;b;cls\n1;2;x\n3;4;y\n',
      'a\tb\tcls\n1\t2\tx\n3\t4\ty\n',
      '"a","b","cls"\n"1","2","x"\n"3","4","y"\n',
      'a|b|cls\n1|2|x\n3|4|y',
    ];
    for (const text of variants) {
      const raw = await importDataset({ type: 'csv', path: await csv(text), labelColumn: 'cls' }, testContext());
      expect(raw.tabular!.featureNames).toEqual(['a', 'b']);
      expect(Array.from(raw.tabular!.values)).toEqual([1, 2, 3, 4]);
      expect(raw.classNames).toEqual(['x', 'y']);
    }
  });

  it('names columns col1..colN when there is no header', async () => {
    const path = await csv('1,2,0\n3,4,1\n5,6,0\n');
    const raw = await importDataset({ type: 'csv', path, labelColumn: 'col3' }, testContext());
    expect(raw.tabular!.featureNames).toEqual(['col1', 'col2']);
    expect(raw.labels.length).toBe(3);
  });

  it('imports a text column and a label column', async () => {
    const path = await csv('id,message,label\n1,"Hello, friend",ham\n2,"WIN ""money""\nnow",spam\n3,see you,ham\n');
    const raw = await importDataset({ type: 'csv', path, labelColumn: 'label', textColumn: 'message' }, testContext());
    expect(raw.kind).toBe('text');
    expect(raw.texts).toEqual(['Hello, friend', 'WIN "money"\nnow', 'see you']);
    expect(raw.classNames).toEqual(['ham', 'spam']);
    expect(Array.from(raw.labels)).toEqual([0, 1, 0]);
  });

  it('skips a few ragged rows and reports their lines', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => `${i},${i % 2}`);
    rows.splice(5, 0, '1,2,3');
    const path = await csv(`x,y\n${rows.join('\n')}\n`);
    const raw = await importDataset({ type: 'csv', path, labelColumn: 'y' }, testContext());
    expect(raw.labels.length).toBe(20);
    expect(raw.skipped.map((s) => ({ ...s, reason: textOf(s.reason) }))).toEqual([{ item: 'line 7', reason: 'has 3 fields, the header has 2' }]);
    expect(raw.warnings.map(textOf)).toContain('1 rows with the wrong number of fields were skipped.');
  });

  it('fails when more than 10% of the rows are ragged, naming the first bad line', async () => {
    const path = await csv('a,b,c\n1,2,0\n1,2\n3,4,1\n5\n6,7,8,9\n1,1,1\n');
    const err = await studioError(importDataset({ type: 'csv', path, labelColumn: 'c' }, testContext()));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toBe(
      'data.csv has 3 rows with the wrong number of fields (of 6), more than 10%; the first is line 3. Is the delimiter right?',
    );
    expect(err.said).toMatchObject({ key: 'errors.csvTooRagged', params: { file: 'data.csv', n: 3, total: 6, line: '3' } });
  });

  it('lists the columns when the label or text column does not exist', async () => {
    const path = await csv('sepal,petal,species\n1,2,a\n3,4,b\n');
    const err = await studioError(importDataset({ type: 'csv', path, labelColumn: 'class' }, testContext()));
    expect(err.message).toBe('There is no label column "class". The columns are: sepal, petal, species.');
    const err2 = await studioError(
      importDataset({ type: 'csv', path, labelColumn: 'species', textColumn: 'body' }, testContext()),
    );
    expect(err2.message).toBe('There is no text column "body". The columns are: sepal, petal, species.');
  });

  it('refuses non-numeric features in tabular mode and a single class', async () => {
    const path = await csv('size,color,label\n1,red,a\n2,blue,b\n');
    const err = await studioError(importDataset({ type: 'csv', path, labelColumn: 'label' }, testContext()));
    expect(err.message).toMatch(/^Column "color" is not numeric \(line 2: "red"\)/);
    expect(err.said).toMatchObject({ key: 'errors.csvNotNumeric', params: { column: 'color', line: '2', value: 'red' } });
    const one = await csv('x,label\n1,a\n2,a\n');
    const err2 = await studioError(importDataset({ type: 'csv', path: one, labelColumn: 'label' }, testContext()));
    expect(err2.message).toBe('Only one class (a): a classifier needs at least two.');
  });

  it('streams a large file in chunks', async () => {
    const lines = ['a,b,c,label'];
    for (let i = 0; i < 60_000; i++) lines.push(`${i},${i * 0.5},"${i % 7}",${i % 3 === 0 ? 'yes' : 'no'}`);
    const path = await csv(lines.join('\r\n'));
    const ctx = testContext();
    const raw = await importDataset({ type: 'csv', path, labelColumn: 'label' }, ctx);
    expect(raw.labels.length).toBe(60_000);
    expect(raw.tabular!.values[59_999 * 3 + 1]).toBe(29_999.5);
    expect(raw.classNames).toEqual(['no', 'yes']);
    expect(ctx.progress.at(-1)).toBe(1);
  });

  it('matches CSV files by extension and shape', async () => {
    const imp = importers.find((i) => i.type === 'csv')!;
    expect(await imp.match(await csv('a,b\n1,2\n'))).toBe(true);
    expect(await imp.match(await csv('a;b\n1;2\n', 'x.tsv'))).toBe(true);
    expect(await imp.match(await csv('a,b\n1,2\n', 'x.json'))).toBe(false);
  });
});
