/**
 * A dataset's files: the on-disk layout of `datasets/<id>/` inside a project. New datasets are
 * written into `datasets/.incoming-<id>/`, fsynced and renamed into place, so a crash leaves at
 * most an incoming folder; every blob is checked against its sha256 when read back.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, link, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StudioError } from '../../src-shared/errors';
import { parseJsonBounded } from '../../src-shared/json-depth';
import { say } from '../../src-shared/messages/message';
import {
  DatasetManifest,
  type DamagedDataset,
  type ImportSource,
  type InputSpec,
  type SplitConfig,
  type SplitName,
  type TextOptions,
} from '../../src-shared/datasets/schema';
import { splitDataset, type SplitIndices } from '../../src-shared/datasets/split';
import { buildTokenizer, encodeTexts, type Tokenizer } from '../../src-shared/datasets/tokenizer';
import type { RawDataset } from './raw-dataset';
import { projectPath, readFileNoFollow } from '../services/project-paths';
import { INCOMING_PREFIX, REMOVING_PREFIX, removeStagedFolder, sweepLeftovers, writeStagedFolder } from '../services/staged-folder';
import { bytesOf, readVerified, viewAs, writeDurable } from './blob-files';
import { featureStats, splitInfo } from './dataset-stats';

export const DATASETS_DIR = 'datasets';
export { INCOMING_PREFIX };
const REPLACED_PREFIX = '.replaced-';
const MANIFEST_FILE = 'dataset.json';
/** The split files, one per split: uint32 sample indices. */
export const SPLIT_FILES: Record<SplitName, string> = {
  train: 'split-train.u32',
  validation: 'split-validation.u32',
  test: 'split-test.u32',
};
/** Texts kept for snippets are cut to this many characters. */
const SNIPPET_CHARS = 2000;
/** The report lists this many skipped items; skippedTotal counts them all. */
const REPORT_SKIPPED = 200;

/** `datasets/<id>` relative to the project folder, as the project manifest records it. */
export function datasetRelDir(id: string): string {
  return `${DATASETS_DIR}/${id}`;
}

function datasetPath(projectDir: string, id: string): string {
  return join(projectDir, DATASETS_DIR, id);
}

/** `datasets/<id>` (or a file in it) to read, once no folder on the way is a link (project-paths.ts). */
function checkedDatasetPath(projectDir: string, id: string, ...file: string[]): Promise<string> {
  return projectPath(projectDir, DATASETS_DIR, id, ...file);
}

/**
 * dataset.json's text, checked to read back: a manifest its own schema rejects (a NaN that JSON
 * writes as null) would hide the dataset from every later read, so the import fails instead.
 */
function manifestText(manifest: DatasetManifest): string {
  const text = JSON.stringify(manifest, null, 2);
  const back = DatasetManifest.safeParse(JSON.parse(text));
  if (!back.success) {
    const issue = back.error.issues[0];
    throw new StudioError('INTERNAL', `The dataset's manifest would not read back (${issue?.path.join('.')}: ${issue?.message}); nothing was written.`);
  }
  return text;
}

/** A new dataset id: `ds-` and 8 random lowercase base36 characters. */
export function newDatasetId(): string {
  return 'ds-' + [...randomBytes(8)].map((b) => (b % 36).toString(36)).join('');
}

/** Everything needed to write a dataset. */
export interface NewDataset {
  id: string;
  name: string;
  createdAt: string;
  sourceType: ImportSource['type'];
  raw: RawDataset;
  split: SplitConfig;
  /** Text datasets: how to tokenize. */
  text?: TextOptions;
  /** When the import started (Date.now()), for the report's duration. */
  startedAt: number;
}

interface Encoded {
  input: InputSpec;
  x: Uint8Array;
  tokenizer?: Tokenizer;
}

function encodeInputs(ds: NewDataset, splits: SplitIndices): Encoded {
  const { raw } = ds;
  const n = raw.labels.length;
  const bad = (key: 'imagesMismatch' | 'textsMismatch' | 'featuresMismatch') => StudioError.say('BAD_REQUEST', say(`errors.dataset.${key}`, { name: ds.name }));
  if (raw.kind === 'image') {
    const img = raw.images;
    if (!img || img.pixels.byteLength !== n * img.height * img.width * img.channels) throw bad('imagesMismatch');
    return { input: { kind: 'image', height: img.height, width: img.width, channels: img.channels, dtype: 'uint8' }, x: img.pixels };
  }
  if (raw.kind === 'text') {
    if (!raw.texts || raw.texts.length !== n) throw bad('textsMismatch');
    const opts = ds.text ?? { tokenizer: 'word', vocabSize: 20_000, seqLength: 256, lowercase: true };
    const texts = raw.texts;
    const tokenizer = buildTokenizer(Array.from(splits.train, (i) => texts[i]!), opts);
    const ids = encodeTexts(tokenizer, texts, opts.seqLength);
    return {
      input: { kind: 'text', seqLength: opts.seqLength, tokenizer: opts.tokenizer, vocabSize: tokenizer.vocab.length, dtype: 'int32' },
      x: bytesOf(ids),
      tokenizer,
    };
  }
  const tab = raw.tabular;
  if (!tab || tab.values.length !== n * tab.featureNames.length) throw bad('featuresMismatch');
  return { input: { kind: 'tabular', features: tab.featureNames, dtype: 'float32' }, x: bytesOf(tab.values) };
}

/**
 * Splits, encodes and writes a dataset into `datasets/<id>/` (through the incoming folder);
 * removes the incoming folder when anything fails or the signal aborts.
 */
export async function writeDataset(
  projectDir: string,
  ds: NewDataset,
  opts: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<DatasetManifest> {
  const { raw } = ds;
  const progress = opts.onProgress ?? (() => {});
  if (raw.classNames.length < 2) throw StudioError.say('BAD_REQUEST', say('errors.dataset.oneClass', { name: ds.name }));
  const splits = splitDataset({
    labels: raw.labels,
    numClasses: raw.classNames.length,
    seed: ds.split.seed,
    validationFraction: ds.split.validationFraction,
    testFraction: ds.split.testFraction,
    ...(raw.testStart !== undefined ? { testStart: raw.testStart } : {}),
  });
  const encoded = encodeInputs(ds, splits);
  progress(0.2);
  opts.signal?.throwIfAborted();

  const written = await writeStagedFolder(
    join(projectDir, DATASETS_DIR),
    ds.id,
    async (incoming) => {
      const blobs: DatasetManifest['blobs'] = {};
      const put = async (file: string, data: Uint8Array | string) => {
        opts.signal?.throwIfAborted();
        blobs[file] = await writeDurable(join(incoming, file), data);
      };
      await put('x.bin', encoded.x);
      progress(0.7);
      await put('y.bin', bytesOf(raw.labels));
      for (const name of ['train', 'validation', 'test'] as const) await put(SPLIT_FILES[name], bytesOf(splits[name]));
      if (raw.texts) await put('texts.json', JSON.stringify(raw.texts.map((t) => t.slice(0, SNIPPET_CHARS))));
      if (encoded.tokenizer) await put('tokenizer.json', JSON.stringify(encoded.tokenizer));
      progress(0.9);
      const manifest: DatasetManifest = {
        formatVersion: 1,
        id: ds.id,
        name: ds.name,
        kind: raw.kind,
        createdAt: ds.createdAt,
        source: { type: ds.sourceType, description: raw.description },
        classNames: raw.classNames,
        input: encoded.input,
        count: raw.labels.length,
        splits: splitInfo(raw.labels, splits, raw.classNames.length),
        split: {
          seed: ds.split.seed,
          validationFraction: ds.split.validationFraction,
          testFraction: ds.split.testFraction,
          testFromSource: raw.testStart !== undefined,
        },
        ...(raw.tabular ? { featureStats: featureStats(raw.tabular.values, raw.tabular.featureNames, splits.train) } : {}),
        blobs,
        report: {
          imported: raw.labels.length,
          skipped: raw.skipped.slice(0, REPORT_SKIPPED),
          skippedTotal: raw.skipped.length,
          warnings: raw.warnings,
          durationMs: Date.now() - ds.startedAt,
        },
      };
      await writeDurable(join(incoming, MANIFEST_FILE), manifestText(manifest));
      return manifest;
    },
    { signal: opts.signal },
  );
  progress(1);
  return written;
}

/** Reads and validates `datasets/<id>/dataset.json`; NOT_FOUND when the dataset is not there. */
export async function readDatasetManifest(projectDir: string, id: string): Promise<DatasetManifest> {
  let text: string;
  try {
    text = await readFileNoFollow(await checkedDatasetPath(projectDir, id, MANIFEST_FILE), 'utf8');
  } catch (err) {
    if (err instanceof StudioError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      // The project lists the dataset (callers check its entry): say which of its files is gone.
      const folder = await stat(datasetPath(projectDir, id)).then((s) => s.isDirectory(), () => false);
      throw StudioError.say(
        'NOT_FOUND',
        folder
          ? say('errors.dataset.manifestMissing', { id, file: `${DATASETS_DIR}/${id}/${MANIFEST_FILE}` })
          : say('errors.dataset.folderMissing', { id, folder: `${DATASETS_DIR}/${id}` }),
        { id, missing: folder ? MANIFEST_FILE : 'folder' },
      );
    }
    throw StudioError.say('IO_ERROR', say('errors.dataset.unreadable', { id, reason: (err as Error).message }), { id });
  }
  let parsed;
  try {
    parsed = DatasetManifest.safeParse(parseJsonBounded(text));
  } catch (err) {
    throw StudioError.say('IO_ERROR', say('errors.dataset.notJson', { id, reason: (err as Error).message }), { id });
  }
  if (!parsed.success) throw StudioError.say('IO_ERROR', say('errors.dataset.invalid', { id, reason: parsed.error.issues[0]?.message ?? '' }), { id });
  return parsed.data;
}

/**
 * The manifests of a project's datasets, in project order, and those that cannot be read with
 * why: one damaged dataset never hides the others.
 */
export async function readProjectDatasets(
  projectDir: string,
  entries: readonly { id: string; name: string }[],
): Promise<{ datasets: DatasetManifest[]; damaged: DamagedDataset[] }> {
  const datasets: DatasetManifest[] = [];
  const damaged: DamagedDataset[] = [];
  for (const entry of entries) {
    try {
      datasets.push(await readDatasetManifest(projectDir, entry.id));
    } catch (err) {
      const said = err instanceof StudioError ? err.said : undefined;
      damaged.push({ id: entry.id, name: entry.name, reason: (err as Error).message, ...(said ? { said } : {}) });
    }
  }
  return { datasets, damaged };
}

/** A dataset's blobs in memory, each verified against its checksum. */
export interface LoadedDataset {
  manifest: DatasetManifest;
  x: Uint8Array;
  y: Int32Array;
  splits: SplitIndices;
}

/** Reads one split's indices (verified). */
export async function readSplit(projectDir: string, manifest: DatasetManifest, split: SplitName): Promise<Uint32Array> {
  return viewAs(Uint32Array, await readVerified(await checkedDatasetPath(projectDir, manifest.id), manifest, SPLIT_FILES[split]));
}

/** Reads the labels (verified). */
export async function readLabels(projectDir: string, manifest: DatasetManifest): Promise<Int32Array> {
  return viewAs(Int32Array, await readVerified(await checkedDatasetPath(projectDir, manifest.id), manifest, 'y.bin'));
}

/** Reads inputs, labels and splits, verifying every checksum. */
export async function loadDataset(projectDir: string, manifest: DatasetManifest): Promise<LoadedDataset> {
  const dir = await checkedDatasetPath(projectDir, manifest.id);
  const [x, y, train, validation, test] = await Promise.all([
    readVerified(dir, manifest, 'x.bin'),
    readLabels(projectDir, manifest),
    readSplit(projectDir, manifest, 'train'),
    readSplit(projectDir, manifest, 'validation'),
    readSplit(projectDir, manifest, 'test'),
  ]);
  return { manifest, x, y, splits: { train, validation, test } };
}

/** The tokenizer of a text dataset as stored (`tokenizer.json`, verified), or null. */
export async function readTokenizerFile(projectDir: string, manifest: DatasetManifest): Promise<Buffer | null> {
  if (!manifest.blobs['tokenizer.json']) return null;
  return readVerified(await checkedDatasetPath(projectDir, manifest.id), manifest, 'tokenizer.json');
}

/** The texts kept for snippets (text datasets), or null. */
export async function readTexts(projectDir: string, manifest: DatasetManifest): Promise<string[] | null> {
  if (!manifest.blobs['texts.json']) return null;
  const data = await readVerified(await checkedDatasetPath(projectDir, manifest.id), manifest, 'texts.json');
  return JSON.parse(data.toString('utf8')) as string[];
}

/**
 * Splits a stored dataset again with another configuration. The new split files and manifest go
 * into a fresh folder (the other blobs hard-linked), which then replaces the old one.
 */
export async function resplitDataset(projectDir: string, manifest: DatasetManifest, split: SplitConfig): Promise<DatasetManifest> {
  const labels = await readLabels(projectDir, manifest);
  const fromSource = manifest.split.testFromSource;
  const splits = splitDataset({
    labels,
    numClasses: manifest.classNames.length,
    seed: split.seed,
    validationFraction: split.validationFraction,
    testFraction: split.testFraction,
    // The source's test set is the tail of the samples; it stays the test split.
    ...(fromSource ? { testStart: manifest.count - manifest.splits.test.count } : {}),
  });
  const current = datasetPath(projectDir, manifest.id);
  return writeStagedFolder(
    join(projectDir, DATASETS_DIR),
    manifest.id,
    async (incoming) => {
      const blobs = { ...manifest.blobs };
      const splitFiles = new Set(Object.values(SPLIT_FILES));
      for (const file of Object.keys(manifest.blobs)) {
        if (splitFiles.has(file)) continue;
        // Hard links keep a re-split of a large dataset instant; copy where links are not allowed.
        await link(join(current, file), join(incoming, file)).catch(() => copyFile(join(current, file), join(incoming, file)));
      }
      for (const name of ['train', 'validation', 'test'] as const) blobs[SPLIT_FILES[name]] = await writeDurable(join(incoming, SPLIT_FILES[name]), bytesOf(splits[name]));
      const next: DatasetManifest = {
        ...manifest,
        splits: splitInfo(labels, splits, manifest.classNames.length),
        split: { seed: split.seed, validationFraction: split.validationFraction, testFraction: split.testFraction, testFromSource: fromSource },
        blobs,
      };
      if (next.featureStats && manifest.input.kind === 'tabular') {
        const x = viewAs(Float32Array, await readVerified(current, manifest, 'x.bin'));
        next.featureStats = featureStats(x, manifest.input.features, splits.train);
      }
      await writeDurable(join(incoming, MANIFEST_FILE), manifestText(next));
      return next;
    },
    // A crash between the two renames of the swap leaves `.replaced-<id>` alone, which cleanup puts back.
    { incomingSuffix: `-${randomBytes(4).toString('hex')}`, replacedName: `${REPLACED_PREFIX}${manifest.id}` },
  );
}

/** Deletes a dataset's folder (renamed aside first, so a half-deleted folder is never `<id>`). */
export async function removeDatasetFiles(projectDir: string, id: string): Promise<void> {
  await removeStagedFolder(join(projectDir, DATASETS_DIR), id, say('errors.paths.datasetFolder', { id }));
}

/**
 * Tidies `datasets/` after a crash: removes unfinished imports and deletions (except the
 * incoming folders named in `busy`), and puts back a dataset whose re-split was interrupted.
 */
export async function cleanupDatasets(projectDir: string, busy: ReadonlySet<string> = new Set()): Promise<string[]> {
  const root = join(projectDir, DATASETS_DIR);
  return sweepLeftovers(root, {
    prefixes: [INCOMING_PREFIX, REMOVING_PREFIX],
    busy,
    other: async (name) => {
      if (!name.startsWith(REPLACED_PREFIX)) return false;
      const path = join(root, name);
      const id = name.slice(REPLACED_PREFIX.length);
      const restored = await stat(datasetPath(projectDir, id)).then(() => false, () => true);
      if (restored) await rename(path, datasetPath(projectDir, id));
      else await rm(path, { recursive: true, force: true });
      return true;
    },
  });
}
