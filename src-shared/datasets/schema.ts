/**
 * Datasets as the studio stores and describes them: the import sources a person can choose, and
 * the manifest (`datasets/<id>/dataset.json`) that sits beside the binary blobs.
 */
import { z } from 'zod';
import { Message, Said } from '../messages/message';

const FsPath = z
  .string()
  .min(1, 'is empty')
  .max(4096, 'is too long')
  .refine((p) => !p.includes('\0'), 'contains a NUL character');

export const SAMPLE_NAMES = ['mnist', 'spam', 'names'] as const;
export const SampleName = z.enum(SAMPLE_NAMES);
export type SampleName = z.infer<typeof SampleName>;

export const DatasetKind = z.enum(['image', 'text', 'tabular']);
export type DatasetKind = z.infer<typeof DatasetKind>;

export const SplitName = z.enum(['train', 'validation', 'test']);
export type SplitName = z.infer<typeof SplitName>;

/** How text is turned into token ids. */
export const TextOptions = z.strictObject({
  tokenizer: z.enum(['word', 'char']).default('word'),
  /** Largest vocabulary kept (word level), including the padding and out-of-vocabulary ids. */
  vocabSize: z.number().int().min(4).max(200_000).default(20_000),
  /** Sequences are padded or truncated to this many tokens. */
  seqLength: z.number().int().min(1).max(4096).default(256),
  lowercase: z.boolean().default(true),
});
export type TextOptions = z.infer<typeof TextOptions>;

/** How images are decoded and resized. */
/** The sides an imported image may be resized to, in pixels. */
export const IMAGE_SIDE = { min: 4, max: 1024 } as const;

export const ImageOptions = z.strictObject({
  width: z.number().int().min(IMAGE_SIDE.min).max(IMAGE_SIDE.max).default(32),
  height: z.number().int().min(IMAGE_SIDE.min).max(IMAGE_SIDE.max).default(32),
  color: z.enum(['grayscale', 'rgb']).default('rgb'),
});
export type ImageOptions = z.infer<typeof ImageOptions>;

/** What to import: one of the importers, or a built-in sample. */
export const ImportSource = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('sample'), sample: SampleName }),
  z.strictObject({
    type: z.literal('idx'),
    images: FsPath,
    labels: FsPath,
    /** The source's own test set, kept as the test split. */
    testImages: FsPath.optional(),
    testLabels: FsPath.optional(),
  }),
  /** A folder (or .zip of one) with one subfolder of images per class. */
  z.strictObject({ type: z.literal('images'), path: FsPath, image: ImageOptions.optional() }),
  /** A CSV of numeric features + label, or of a text column + label. */
  z.strictObject({
    type: z.literal('csv'),
    path: FsPath,
    labelColumn: z.string().min(1).max(200),
    textColumn: z.string().min(1).max(200).optional(),
    delimiter: z.enum([',', ';', '\t', '|']).optional(),
    text: TextOptions.optional(),
  }),
  /** A folder (or .zip of one) with one subfolder of .txt/.eml files per class. */
  z.strictObject({ type: z.literal('text'), path: FsPath, text: TextOptions.optional() }),
]);
export type ImportSource = z.infer<typeof ImportSource>;

/** How samples are divided into train / validation / test. */
export const SplitConfig = z.strictObject({
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(42),
  validationFraction: z.number().min(0).max(0.5).default(0.1),
  /** Ignored when the source brings its own test set (MNIST), which is then kept as the test split. */
  testFraction: z.number().min(0).max(0.5).default(0.1),
});
export type SplitConfig = z.infer<typeof SplitConfig>;

export const DatasetImportRequest = z.strictObject({
  source: ImportSource,
  name: z.string().trim().min(1).max(120).optional(),
  split: SplitConfig.optional(),
});
export type DatasetImportRequest = z.input<typeof DatasetImportRequest>;

/** The shape and encoding of one sample's input. */
export const InputSpec = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('image'),
    height: z.number().int().positive(),
    width: z.number().int().positive(),
    channels: z.union([z.literal(1), z.literal(3)]),
    dtype: z.literal('uint8'),
  }),
  z.object({
    kind: z.literal('text'),
    seqLength: z.number().int().positive(),
    tokenizer: z.enum(['word', 'char']),
    vocabSize: z.number().int().positive(),
    dtype: z.literal('int32'),
  }),
  z.object({
    kind: z.literal('tabular'),
    features: z.array(z.string()),
    dtype: z.literal('float32'),
  }),
]);
export type InputSpec = z.infer<typeof InputSpec>;

export const SplitInfo = z.object({
  count: z.number().int().min(0),
  /** Samples per class, in classNames order. */
  classCounts: z.array(z.number().int().min(0)),
});
export type SplitInfo = z.infer<typeof SplitInfo>;

export const FeatureStats = z.object({
  name: z.string(),
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  std: z.number(),
  missing: z.number().int().min(0),
});
export type FeatureStats = z.infer<typeof FeatureStats>;

export const BlobInfo = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().min(0) });

export const ImportReport = z.object({
  imported: z.number().int().min(0),
  skipped: z.array(z.object({ item: z.string(), reason: Said })),
  /** Only the first skipped items are listed; this counts them all. */
  skippedTotal: z.number().int().min(0),
  warnings: z.array(Said),
  durationMs: z.number().min(0),
});
export type ImportReport = z.infer<typeof ImportReport>;

/** `datasets/<id>/dataset.json`. */
export const DatasetManifest = z.looseObject({
  formatVersion: z.literal(1),
  id: z.string(),
  name: z.string(),
  kind: DatasetKind,
  createdAt: z.iso.datetime(),
  source: z.object({ type: z.string(), description: Said }),
  classNames: z.array(z.string()).min(2),
  input: InputSpec,
  count: z.number().int().min(0),
  splits: z.object({ train: SplitInfo, validation: SplitInfo, test: SplitInfo }),
  split: z.object({
    seed: z.number().int(),
    validationFraction: z.number(),
    testFraction: z.number(),
    /** True when the test split is the source's own test set. */
    testFromSource: z.boolean(),
  }),
  /** Per-feature statistics of the training split (tabular only). */
  featureStats: z.array(FeatureStats).optional(),
  /** Every file in the dataset folder but this manifest, with its checksum. */
  blobs: z.record(z.string(), BlobInfo),
  report: ImportReport,
});
export type DatasetManifest = z.infer<typeof DatasetManifest>;

/** A dataset the project lists whose files cannot be read; it can only be removed. `reason` in English, `said` by key where main said it so. */
export const DamagedDataset = z.object({ id: z.string(), name: z.string(), reason: z.string(), said: Message.optional() });
export type DamagedDataset = z.infer<typeof DamagedDataset>;
