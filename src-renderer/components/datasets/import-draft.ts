/** The Add Dataset form's state and how it becomes an ImportSource (or says what is missing). */
import type { DatasetImportRequest } from '../../../src-shared/datasets/schema';

type ImportSource = DatasetImportRequest['source'];

export type SourceType = 'idx' | 'images' | 'csv' | 'text';

/** Every field of every source type; only the chosen type's fields are used. */
export interface ImportDraft {
  type: SourceType;
  images: string;
  labels: string;
  testImages: string;
  testLabels: string;
  path: string;
  width: number;
  height: number;
  color: 'grayscale' | 'rgb';
  labelColumn: string;
  textColumn: string;
  tokenizer: 'word' | 'char';
  vocabSize: number;
  seqLength: number;
}

/** A fresh form with the schema's defaults. */
export function emptyDraft(): ImportDraft {
  return {
    type: 'idx',
    images: '',
    labels: '',
    testImages: '',
    testLabels: '',
    path: '',
    width: 32,
    height: 32,
    color: 'rgb',
    labelColumn: '',
    textColumn: '',
    tokenizer: 'word',
    vocabSize: 20_000,
    seqLength: 256,
  };
}

/** Message keys (datasets.form.*) for what is missing or wrong. */
export type DraftProblem = 'needImages' | 'needLabels' | 'needTestPair' | 'needPath' | 'needLabelColumn' | 'badSize' | 'badText';

function intIn(v: number, min: number, max: number): boolean {
  return Number.isInteger(v) && v >= min && v <= max;
}

/** The import source the draft describes, or the first problem with it. */
export function buildSource(d: ImportDraft): { source: ImportSource } | { problem: DraftProblem } {
  const text = { tokenizer: d.tokenizer, vocabSize: d.vocabSize, seqLength: d.seqLength };
  const textOk = intIn(d.vocabSize, 4, 200_000) && intIn(d.seqLength, 1, 4096);
  if (d.type === 'idx') {
    if (!d.images.trim()) return { problem: 'needImages' };
    if (!d.labels.trim()) return { problem: 'needLabels' };
    const ti = d.testImages.trim();
    const tl = d.testLabels.trim();
    if (!!ti !== !!tl) return { problem: 'needTestPair' };
    return {
      source: {
        type: 'idx',
        images: d.images.trim(),
        labels: d.labels.trim(),
        ...(ti ? { testImages: ti, testLabels: tl } : {}),
      },
    };
  }
  const path = d.path.trim();
  if (!path) return { problem: 'needPath' };
  if (d.type === 'images') {
    if (!intIn(d.width, 4, 1024) || !intIn(d.height, 4, 1024)) return { problem: 'badSize' };
    return { source: { type: 'images', path, image: { width: d.width, height: d.height, color: d.color } } };
  }
  if (d.type === 'csv') {
    if (!d.labelColumn) return { problem: 'needLabelColumn' };
    if (d.textColumn && !textOk) return { problem: 'badText' };
    return {
      source: {
        type: 'csv',
        path,
        labelColumn: d.labelColumn,
        ...(d.textColumn ? { textColumn: d.textColumn, text } : {}),
      },
    };
  }
  if (!textOk) return { problem: 'badText' };
  return { source: { type: 'text', path, text } };
}
