import { StudioError } from '../../../src-shared/errors';
import { entryByIdOrName } from '../../services/open-project';
import { loadDataset, readDatasetManifest } from '../../datasets/dataset-files';
import { BASELINE_MODELS, type BaselineModelName } from '../../baselines/models';
import { withCliProject } from '../cli-project';
import { EXIT, UsageError, type CliCommand, type CommandContext } from '../command';
import { intOption } from './train';

function modelsOption(value: unknown): BaselineModelName[] {
  if (value === undefined) return [...BASELINE_MODELS];
  const names = String(value).split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(BASELINE_MODELS as readonly string[]).includes(n));
  if (unknown.length || names.length === 0) throw new UsageError(`--models takes a comma-separated list of ${BASELINE_MODELS.join(', ')}${unknown.length ? `, not ${unknown.join(', ')}` : ''}.`);
  return [...new Set(names)] as BaselineModelName[];
}

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

async function run({ values, positionals, io }: CommandContext): Promise<number> {
  const key = typeof values.dataset === 'string' ? values.dataset : undefined;
  if (!key) throw new UsageError('baseline needs --dataset <id|name>.');
  const models = modelsOption(values.models);
  const seed = intOption(values, 'seed', 0) ?? 42;
  return withCliProject(io, positionals[0]!, async ({ view, signal }) => {
    const entry = entryByIdOrName(view.manifest.datasets, key);
    if (!entry) throw new StudioError('NOT_FOUND', `${view.manifest.name} has no dataset "${key}".`);
    const data = await loadDataset(view.dir, await readDatasetManifest(view.dir, entry.id));
    // The libraries load only for this command.
    const { runBaselines } = await import('../../baselines/run-baselines');
    const result = await runBaselines(data, models, {
      seed,
      signal,
      onModel: (name, i) => {
        if (!values.json) io.stderr(`[${i + 1}/${models.length}] ${name}…\n`);
      },
    });
    if (values.json) {
      const results = result.results.map(({ model, accuracy, f1, trainSeconds, latencyMs, sizeBytes, trainSamples, subsampledTo }) => ({ model, accuracy, f1, trainSeconds, latencyMs, sizeBytes, trainSamples, subsampledTo }));
      io.stdout(`${JSON.stringify({ dataset: entry.id, testSamples: result.testSamples, features: result.space.features, results }, null, 2)}\n`);
      return EXIT.ok;
    }
    const lines = [`Baselines on ${entry.name}: ${result.space.features} features, scored on ${result.testSamples} test samples`];
    lines.push(`  ${'model'.padEnd(12)}${'accuracy'.padStart(10)}${'F1'.padStart(9)}${'train s'.padStart(10)}${'ms/sample'.padStart(11)}${'size'.padStart(12)}`);
    for (const r of result.results) {
      const note = r.subsampledTo ? `  (trained on ${r.trainSamples} of the training split: its cap)` : '';
      lines.push(`  ${r.model.padEnd(12)}${pct(r.accuracy).padStart(10)}${r.f1.toFixed(3).padStart(9)}${r.trainSeconds.toFixed(2).padStart(10)}${r.latencyMs.toFixed(4).padStart(11)}${`${r.sizeBytes} B`.padStart(12)}${note}`);
    }
    io.stdout(`${lines.join('\n')}\n`);
    return EXIT.ok;
  });
}

export const baselineCommand: CliCommand = {
  name: 'baseline',
  summary: 'Train classical baselines (logistic regression, SVM, tree, forest, kNN, naive Bayes) on a dataset and score them',
  usage: `model-studio baseline <project> --dataset <id|name> [--models ${BASELINE_MODELS.join(',')}] [--seed S] [--json]

Trains each model on the dataset's training split and scores it on its test split: accuracy,
macro F1, training time, latency per sample and the fitted model's size. Tabular features are
standardised as the networks' are; images are flattened pixels; text is TF-IDF over the
training split's 2,000 most frequent tokens. Models whose cost grows fast with the samples
train on a seeded subset: kNN on at most 10,000, the SVMs and the tree on 5,000, the forest
on 2,000, logistic regression on 20,000 (the output says when a cap applied).
  --models LIST  the models to run (default: all)
  --seed S       seed of the subsets and the forest (default 42)
  --json         print {results: [{model, accuracy, f1, trainSeconds, latencyMs, sizeBytes, ...}]}`,
  options: {
    dataset: { type: 'string' },
    models: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: 1,
  run,
};
