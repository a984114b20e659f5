import { resolve } from 'node:path';
import { standardizationOf } from '../../../src-engine/data/standardization';
import { SplitName } from '../../../src-shared/datasets/schema';
import { createStudio } from '../../container';
import { loadDataset, readDatasetManifest } from '../../datasets/dataset-files';
import { requireProject } from '../../services/open-project';
import { RunRecorder } from '../../runs/run-recorder';
import { formatEval } from '../../training/format';
import { createWebPlatform } from '../../web-host/platform-adapter';
import { appVersion, resolveDataDir } from '../app-env';
import { EXIT, UsageError, type CliCommand, type CommandContext } from '../command';
import { backendOption, intOption } from './train';

/** The client id the CLI opens projects as; saving the evaluation needs the project lock. */
const CLI_CLIENT = 'cli';

async function run({ values, positionals, io }: CommandContext): Promise<number> {
  const checkpointId = typeof values.checkpoint === 'string' ? values.checkpoint : undefined;
  if (!checkpointId) throw new UsageError('eval needs --checkpoint <id>.');
  const split = SplitName.safeParse(values.split ?? 'test');
  if (!split.success) throw new UsageError(`--split takes ${SplitName.options.join(', ')}.`);
  const limit = intOption(values, 'limit', 1);
  const backend = backendOption(values);
  const studio = createStudio({ dataDir: resolveDataDir(undefined, io.env), appVersion: appVersion(), platform: createWebPlatform() });
  await studio.start();
  try {
    await studio.projects.open(resolve(io.cwd, positionals[0]!), CLI_CLIENT);
    const view = requireProject(studio.projects, CLI_CLIENT);
    const store = new RunRecorder({ projects: studio.projects, runs: studio.runs, checkpoints: studio.checkpoints }, CLI_CLIENT);
    // TensorFlow.js loads only for the commands that need it, so the others start fast.
    const [{ evaluate }, { loadModelFromArtifacts }, { DiskBatchProvider }, { setupNodeBackend }] =
      await Promise.all([
        import('../../../src-engine/evaluate/evaluate'),
        import('../../../src-engine/model/artifacts'),
        import('../../training/disk-batch-provider'),
        import('../../training/tf-node'),
      ]);
    const { artifacts, meta } = await store.loadCheckpoint(checkpointId);
    const manifest = await readDatasetManifest(view.dir, meta.datasetId);
    const data = await loadDataset(view.dir, manifest);
    const provider = new DiskBatchProvider(data, split.data, { shuffle: false, seed: 0, limit: limit ?? null });
    await setupNodeBackend(backend);
    const model = await loadModelFromArtifacts(artifacts);
    let result;
    try {
      result = await evaluate(model, provider, manifest.classNames, { input: meta.spec.input, standardization: standardizationOf(manifest) });
    } finally {
      model.dispose();
    }
    const saved = await store.saveEval(checkpointId, split.data, result);
    await studio.projects.close(CLI_CLIENT);
    io.stdout(
      values.json
        ? `${JSON.stringify({ checkpointId, split: split.data, samples: provider.count, classNames: manifest.classNames, ...saved }, null, 2)}\n`
        : formatEval(saved, manifest.classNames, { checkpointId, split: split.data, samples: provider.count }),
    );
    return EXIT.ok;
  } finally {
    await studio.stop();
  }
}

/** `model-studio eval`: evaluates a checkpoint on a split and saves the evaluation. */
export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'Evaluate a checkpoint on a split: accuracy, per-class metrics, confusion matrix',
  usage: `model-studio eval <project> --checkpoint <id> [--split test|validation|train] [--limit N] [--backend wasm|cpu|webgpu] [--json]

Evaluates the checkpoint on a split of the dataset it was trained on (default: test), prints
accuracy, loss, latency per sample, precision / recall / F1 per class and the confusion matrix,
and saves the evaluation in the checkpoint (the project is locked meanwhile).
  --limit N   evaluate the first N samples of a seeded subset only
  --json      print the evaluation as JSON`,
  options: {
    checkpoint: { type: 'string' },
    split: { type: 'string' },
    limit: { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: 1,
  run,
};
