import { resolve } from 'node:path';
import { StudioError } from '../../../src-shared/errors';
import { entryByIdOrName } from '../../services/open-project';
import { IMAGE_SIDE, SAMPLE_NAMES, type DatasetImportRequest, type DatasetManifest } from '../../../src-shared/datasets/schema';
import type { JobSnapshot } from '../../../src-shared/ipc/contract';
import { createStudio } from '../../container';
import { readProjectDatasets } from '../../datasets/dataset-files';
import { loadProjectFile } from '../../services/project-files';
import { createWebPlatform } from '../../web-host/platform-adapter';
import { appVersion, resolveDataDir } from '../app-env';
import { EXIT, UsageError, type CliCommand, type CommandContext } from '../command';
import { formatDatasetList, formatDatasetShow } from './dataset-format';

/** The client id the CLI opens projects as; it takes the project lock like a window does. */
const CLI_CLIENT = 'cli';

type Values = CommandContext['values'];

const str = (v: Values[string]): string | undefined => (typeof v === 'string' ? v : undefined);

/** The import source the options describe; exactly one source option is allowed. */
export function sourceFromOptions(values: Values, extra: string[], cwd: string): DatasetImportRequest['source'] {
  const given = ['sample', 'idx', 'images', 'csv', 'text'].filter((k) => values[k] !== undefined);
  if (given.length !== 1) throw new UsageError('dataset add needs exactly one of --sample, --idx, --images, --csv or --text.');
  const at = (p: string) => resolve(cwd, p);
  const sample = str(values.sample);
  if (sample !== undefined) {
    if (!(SAMPLE_NAMES as readonly string[]).includes(sample)) throw new UsageError(`unknown sample "${sample}"; choose ${SAMPLE_NAMES.join(', ')}.`);
    return { type: 'sample', sample: sample as (typeof SAMPLE_NAMES)[number] };
  }
  const idx = str(values.idx);
  if (idx !== undefined) {
    const testIdx = str(values['test-idx']);
    // parseArgs gives each option one value, so the labels files arrive as extra arguments in order.
    if (extra.length !== (testIdx ? 2 : 1)) throw new UsageError(`--idx takes <images> <labels>${testIdx ? ' and --test-idx <images> <labels>' : ''}.`);
    return { type: 'idx', images: at(idx), labels: at(extra[0]!), ...(testIdx ? { testImages: at(testIdx), testLabels: at(extra[1]!) } : {}) };
  }
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}".`);
  const images = str(values.images);
  if (images !== undefined) {
    const size = str(values.size);
    const m = size === undefined ? null : /^(\d+)x(\d+)$/i.exec(size);
    const sides = `--size takes WxH with sides of ${IMAGE_SIDE.min} to ${IMAGE_SIDE.max} pixels, e.g. 28x28`;
    if (size !== undefined && !m) throw new UsageError(`${sides}.`);
    if (m && [m[1], m[2]].some((v) => Number(v) < IMAGE_SIDE.min || Number(v) > IMAGE_SIDE.max)) throw new UsageError(`${sides}, not ${size}.`);
    const image = { ...(m ? { width: Number(m[1]), height: Number(m[2]) } : {}), ...(values.grayscale ? { color: 'grayscale' as const } : {}) };
    return { type: 'images', path: at(images), ...(Object.keys(image).length ? { image } : {}) };
  }
  const csv = str(values.csv);
  if (csv !== undefined) {
    const label = str(values.label);
    if (!label) throw new UsageError('--csv needs --label <column>.');
    const textColumn = str(values['text-column']);
    return { type: 'csv', path: at(csv), labelColumn: label, ...(textColumn ? { textColumn } : {}) };
  }
  return { type: 'text', path: at(str(values.text)!) };
}

async function add({ values, positionals, io }: CommandContext): Promise<number> {
  const [, project, ...extra] = positionals;
  const source = sourceFromOptions(values, extra, io.cwd);
  const seedText = str(values.seed);
  if (seedText !== undefined && !/^\d+$/.test(seedText)) throw new UsageError('--seed takes a whole number.');
  const request: DatasetImportRequest = {
    source,
    ...(str(values.name) ? { name: str(values.name)! } : {}),
    ...(seedText !== undefined ? { split: { seed: Number(seedText) } } : {}),
  };
  const studio = createStudio({ dataDir: resolveDataDir(undefined, io.env), appVersion: appVersion(), platform: createWebPlatform() });
  await studio.start();
  let manifest: DatasetManifest;
  try {
    // Opening takes the project lock, so a project open in the app is refused, never corrupted.
    await studio.projects.open(resolve(io.cwd, project!), CLI_CLIENT);
    const job = studio.datasets.startImport(CLI_CLIENT, request);
    // Progress only for a person watching; scripts and logs get the id alone.
    const tty = process.stderr.isTTY === true;
    const off = studio.events.connect((event, payload) => {
      const snap = payload as JobSnapshot;
      if (!tty || event !== 'job:updated' || snap.id !== job.id) return;
      io.stderr(`\r${snap.title}: ${snap.progress === null ? '' : `${Math.round(snap.progress * 100)}% `}${snap.message}`.padEnd(60));
      if (snap.status !== 'running') io.stderr('\n');
    });
    try {
      manifest = await job.done;
    } finally {
      off();
    }
    await studio.projects.close(CLI_CLIENT);
  } finally {
    await studio.stop();
  }
  io.stdout(values.json ? `${JSON.stringify(manifest, null, 2)}\n` : `${manifest.id}\n`);
  return EXIT.ok;
}

async function manifests(project: string, cwd: string) {
  // Reading needs no lock: like `info`, list and show only read.
  const view = await loadProjectFile(resolve(cwd, project));
  const { datasets, damaged } = await readProjectDatasets(view.dir, view.manifest.datasets);
  return { view, all: datasets, damaged };
}

/** `dataset remove`: deletes a dataset (a damaged one too) with its files, under the project's lock. */
async function remove({ values, positionals, io }: CommandContext): Promise<number> {
  const [, project, key, ...rest] = positionals;
  if (!key || rest.length) throw new UsageError('dataset remove takes <project> <id|name> --yes.');
  const view = await loadProjectFile(resolve(io.cwd, project!));
  const entry = entryByIdOrName(view.manifest.datasets, key);
  if (!entry) throw new StudioError('NOT_FOUND', `${view.manifest.name} has no dataset "${key}".`);
  if (!values.yes) {
    throw new UsageError(`this deletes ${entry.name} (${entry.id}) and its files from ${view.manifest.name}; add --yes to confirm.`);
  }
  const studio = createStudio({ dataDir: resolveDataDir(undefined, io.env), appVersion: appVersion(), platform: createWebPlatform() });
  await studio.start();
  try {
    await studio.projects.open(view.path, CLI_CLIENT);
    await studio.datasets.remove(CLI_CLIENT, entry.id);
    await studio.projects.close(CLI_CLIENT);
  } finally {
    await studio.stop();
  }
  io.stdout(`Removed ${entry.name} (${entry.id}).\n`);
  return EXIT.ok;
}

/** `model-studio dataset add|list|show`: imports datasets into a project and describes them. */
export const datasetCommand: CliCommand = {
  name: 'dataset',
  summary: 'Add a dataset to a project, list them, show one',
  usage: `model-studio dataset add <project> SOURCE [--name N] [--seed S] [--json]
       model-studio dataset list <project> [--json]
       model-studio dataset show <project> <id|name> [--json]
       model-studio dataset remove <project> <id|name> --yes

add imports a dataset into the project (which must not be open elsewhere: the project is
locked while it is written) and prints the new dataset's id. SOURCE is one of:
  --sample mnist|spam|names              a built-in sample
  --idx <images> <labels>                IDX files (raw or .gz), e.g. MNIST
      [--test-idx <images> <labels>]     the source's own test set, kept as the test split
  --images <folder|zip> [--size WxH] [--grayscale]
                                         one subfolder of images per class
  --csv <file> --label <column> [--text-column <column>]
                                         numeric features or a text column, plus a label
  --text <folder|zip>                    one subfolder of .txt/.eml files per class
  --name N    the dataset's name (default: the sample's or the file's name)
  --seed S    seed of the train/validation/test split (default 42)
  --json      print the dataset manifest as JSON instead of the id
list prints the project's datasets, and those whose files cannot be read with why; show prints
one dataset's classes, split counts, shape, source and import report. Both only read the project.
remove deletes a dataset and its files (a damaged one too); --yes confirms it.`,
  options: {
    sample: { type: 'string' },
    idx: { type: 'string' },
    'test-idx': { type: 'string' },
    images: { type: 'string' },
    size: { type: 'string' },
    grayscale: { type: 'boolean' },
    csv: { type: 'string' },
    label: { type: 'string' },
    'text-column': { type: 'string' },
    text: { type: 'string' },
    name: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
    yes: { type: 'boolean' },
  },
  positionals: [2, 4],
  async run(ctx) {
    const { values, positionals, io } = ctx;
    const [sub, project, ...rest] = positionals;
    if (sub === 'add') return add(ctx);
    if (sub === 'remove') return remove(ctx);
    if (sub === 'list') {
      if (rest.length) throw new UsageError('dataset list takes only <project>.');
      const { all, damaged } = await manifests(project!, io.cwd);
      // --json keeps stdout the readable manifests; the damaged ones are said on stderr.
      if (values.json) for (const d of damaged) io.stderr(`model-studio: dataset ${d.id} (${d.name}) is damaged: ${d.reason}\n`);
      io.stdout(values.json ? `${JSON.stringify(all, null, 2)}\n` : formatDatasetList(all, damaged));
      return EXIT.ok;
    }
    if (sub === 'show') {
      if (rest.length !== 1) throw new UsageError('dataset show takes <project> <id|name>.');
      const { view, all, damaged } = await manifests(project!, io.cwd);
      const found = all.find((m) => m.id === rest[0]) ?? all.find((m) => m.name === rest[0]);
      const broken = damaged.find((d) => d.id === rest[0] || d.name === rest[0]);
      if (!found && broken) {
        throw new StudioError('IO_ERROR', `Dataset ${broken.name} (${broken.id}) is damaged: ${broken.reason} Remove it with: model-studio dataset remove <project> ${broken.id} --yes`);
      }
      if (!found) throw new StudioError('NOT_FOUND', `${view.manifest.name} has no dataset "${rest[0]}".`);
      io.stdout(values.json ? `${JSON.stringify(found, null, 2)}\n` : formatDatasetShow(found));
      return EXIT.ok;
    }
    throw new UsageError(`unknown dataset action "${sub}"; use add, list, show or remove.`);
  },
};
