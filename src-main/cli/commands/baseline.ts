import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StudioError } from '../../../src-shared/errors';
import { BASELINE_MODELS, BaselineSettings, type BaselineModelName, type BaselineSettingsInput } from '../../../src-shared/baselines/settings';
import type { BaselineModelResult } from '../../../src-shared/baselines/baseline-meta';
import { parseJsonBounded } from '../../../src-shared/json-depth';
import { baselineRelDir } from '../../baselines/baseline-files';
import { entryByIdOrName } from '../../services/open-project';
import { CLI_CLIENT, withCliProject } from '../cli-project';
import { EXIT, UsageError, type CliCommand, type CommandContext } from '../command';
import { intOption } from './train';

function modelsOption(value: unknown): BaselineModelName[] {
  if (value === undefined) return [...BASELINE_MODELS];
  const names = String(value).split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(BASELINE_MODELS as readonly string[]).includes(n));
  if (unknown.length || names.length === 0) throw new UsageError(`--models takes a comma-separated list of ${BASELINE_MODELS.join(', ')}${unknown.length ? `, not ${unknown.join(', ')}` : ''}.`);
  return [...new Set(names)] as BaselineModelName[];
}

/** `--settings` is a JSON object, inline or a file's path: {"svm": {"C": 10}, "knn": {"k": 3}}. */
async function settingsOption(value: unknown, cwd: string): Promise<BaselineSettingsInput | undefined> {
  if (typeof value !== 'string') return undefined;
  const text = value.trim().startsWith('{') ? value : await readFile(resolve(cwd, value), 'utf8').catch(() => {
    throw new UsageError(`--settings is neither a JSON object nor a file that can be read: ${value}`);
  });
  let json: unknown;
  try {
    json = parseJsonBounded(text);
  } catch (err) {
    throw new UsageError(`--settings is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = BaselineSettings.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--settings: ${issue.path.join('.') || '(root)'} ${issue.message}.`);
  }
  return json as BaselineSettingsInput;
}

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
const settingsText = (s: Record<string, unknown>) => Object.entries(s).map(([k, v]) => `${k}=${v ?? 'none'}`).join(' ');

function table(name: string, features: number, testSamples: number, results: readonly Omit<BaselineModelResult, 'file'>[], stored: string | null): string {
  const lines = [`Baselines on ${name}: ${features} features, scored on ${testSamples} test samples`];
  lines.push(`  ${'model'.padEnd(12)}${'accuracy'.padStart(10)}${'F1'.padStart(9)}${'train s'.padStart(10)}${'ms/sample'.padStart(11)}${'size'.padStart(12)}  settings`);
  for (const r of results) {
    const note = r.subsampledTo ? `  (trained on ${r.trainSamples} of the training split: its cap)` : '';
    const searched = r.search ? ` (best of ${r.search.length} on validation)` : '';
    lines.push(`  ${r.model.padEnd(12)}${pct(r.accuracy).padStart(10)}${r.f1.toFixed(3).padStart(9)}${r.trainSeconds.toFixed(2).padStart(10)}${r.latencyMs.toFixed(4).padStart(11)}${`${r.sizeBytes} B`.padStart(12)}  ${settingsText(r.settings)}${searched}${note}`);
  }
  if (stored) lines.push(`Stored as ${stored}`);
  return `${lines.join('\n')}\n`;
}

async function run({ values, positionals, io }: CommandContext): Promise<number> {
  const key = typeof values.dataset === 'string' ? values.dataset : undefined;
  if (!key) throw new UsageError('baseline needs --dataset <id|name>.');
  const models = modelsOption(values.models);
  const seed = intOption(values, 'seed', 0) ?? 42;
  const settings = await settingsOption(values.settings, io.cwd);
  const search = values.search === true;
  return withCliProject(io, positionals[0]!, async ({ studio, view, signal }) => {
    const entry = entryByIdOrName(view.manifest.datasets, key);
    if (!entry) throw new StudioError('NOT_FOUND', `${view.manifest.name} has no dataset "${key}".`);
    const prepared = await studio.baselines.prepare(CLI_CLIENT, { datasetId: entry.id, models, settings, search, seed, name: typeof values.name === 'string' ? values.name : undefined });
    const onProgress = (_f: number, name: BaselineModelName, i: number) => {
      if (!values.json) io.stderr(`[${i + 1}/${models.length}] ${name}…\n`);
    };
    // The libraries load only for this command.
    const files = await import('../../baselines/fit-baselines');
    let meta;
    if (values['no-save']) {
      const { runBaselines } = await import('../../baselines/run-baselines');
      const { loadDataset, readDatasetManifest } = await import('../../datasets/dataset-files');
      const data = await loadDataset(view.dir, await readDatasetManifest(view.dir, entry.id));
      const r = await runBaselines(data, models, { seed, search, ...(settings ? { settings } : {}), signal, onProgress });
      meta = { id: null, testSamples: r.testSamples, features: r.space, results: r.results };
    } else {
      meta = await studio.baselines.store(CLI_CLIENT, prepared, { signal, onProgress }, files.fitInThisProcess);
    }
    if (values.json) {
      const results = meta.results.map(({ model, accuracy, f1, trainSeconds, latencyMs, sizeBytes, trainSamples, subsampledTo, settings: s, search: tried }) => ({ model, accuracy, f1, trainSeconds, latencyMs, sizeBytes, trainSamples, subsampledTo, settings: s, search: tried }));
      io.stdout(`${JSON.stringify({ id: meta.id, dataset: entry.id, testSamples: meta.testSamples, features: meta.features.features, results }, null, 2)}\n`);
      return EXIT.ok;
    }
    io.stdout(table(entry.name, meta.features.features, meta.testSamples, meta.results, meta.id && `${baselineRelDir(meta.id)}/ (${meta.id})`));
    return EXIT.ok;
  });
}

export const baselineCommand: CliCommand = {
  name: 'baseline',
  summary: 'Train classical baselines (logistic regression, SVM, tree, forest, kNN, naive Bayes) on a dataset and score them',
  usage: `model-studio baseline <project> --dataset <id|name> [--models ${BASELINE_MODELS.join(',')}] [--settings JSON|FILE] [--search] [--seed S] [--name N] [--no-save] [--json]

Trains each model on the dataset's training split and scores it on its test split: accuracy,
macro F1, training time, latency per sample and the fitted model's size. Tabular features are
standardised as the networks' are; images are flattened pixels; text is TF-IDF over the
training split's 2,000 most frequent tokens. Models whose cost grows fast with the samples
train on a seeded subset: kNN on at most 10,000, the SVMs, the tree and the forest on 5,000,
logistic regression on 20,000 (the output says when a cap applied). The run is
stored in the project as baselines/<id>/ (the fitted models, their metrics and settings).
  --models LIST      the models to run (default: all)
  --settings JSON    hyper-parameters, inline or a file: {"lr":{"C":1},"svm":{"C":1,"gamma":"scale"},
                     "svm-linear":{"C":1},"tree":{"maxDepth":null,"minSamples":1},
                     "forest":{"trees":100,"maxDepth":null},"knn":{"k":5},"nb":{"varSmoothing":1e-9}}
                     (these are the defaults)
  --search           try a small grid per model on the validation split first and score the best
  --seed S           seed of the subsets and the forest (default 42)
  --name N           the stored run's name (default "Baselines · <dataset>")
  --no-save          score only; store nothing
  --json             print {id, results: [{model, accuracy, f1, trainSeconds, latencyMs, sizeBytes, ...}]}`,
  options: {
    dataset: { type: 'string' },
    models: { type: 'string' },
    settings: { type: 'string' },
    search: { type: 'boolean' },
    seed: { type: 'string' },
    name: { type: 'string' },
    'no-save': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  positionals: 1,
  run,
};
