import { resolve } from 'node:path';
import { LrSchedule, Optimizer } from '../../../src-shared/models/spec';
import { createStudio } from '../../container';
import { formatBatchLine, formatEpochLine, formatTrainSummary } from '../../training/format';
import type { HeadlessTrainRequest } from '../../training/headless';
import { NODE_BACKENDS, type NodeBackend } from '../../training/backends';
import { createWebPlatform } from '../../web-host/platform-adapter';
import { appVersion, resolveDataDir } from '../app-env';
import { EXIT, UsageError, type CliCommand, type CommandContext } from '../command';

/** The client id the CLI opens projects as; it takes the project lock like a window does. */
const CLI_CLIENT = 'cli';

type Values = CommandContext['values'];
const str = (v: Values[string]): string | undefined => (typeof v === 'string' ? v : undefined);

/** A whole number option within [min, max], or undefined when not given. */
export function intOption(values: Values, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const text = str(values[name]);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`--${name} takes a whole number from ${min} to ${max}.`);
  return Number(text);
}

/** The --backend option (default wasm). */
export function backendOption(values: Values): NodeBackend {
  const b = str(values.backend) ?? 'wasm';
  if (!(NODE_BACKENDS as readonly string[]).includes(b)) throw new UsageError(`--backend takes ${NODE_BACKENDS.join(', ')}.`);
  return b as NodeBackend;
}

/** The --schedule option: constant, cosine or step:<every>:<factor> (e.g. step:5:0.5). */
export function scheduleOption(values: Values): LrSchedule | undefined {
  const text = str(values.schedule);
  if (text === undefined) return undefined;
  const step = /^step:(\d+):([0-9.]+)$/.exec(text);
  const parsed = LrSchedule.safeParse(
    text === 'constant' || text === 'cosine' ? { type: text } : step ? { type: 'step', every: Number(step[1]), factor: Number(step[2]) } : null,
  );
  if (!parsed.success) throw new UsageError('--schedule takes constant, cosine or step:<every>:<factor> (every at least 1 epoch, factor above 0 and at most 1).');
  return parsed.data;
}

function request(values: Values): HeadlessTrainRequest {
  const lrText = str(values.lr);
  const lr = lrText === undefined ? undefined : Number(lrText);
  if (lr !== undefined && !(lr > 0 && lr <= 10)) throw new UsageError('--lr takes a number above 0 and at most 10.');
  const opt = str(values.optimizer);
  if (opt !== undefined && !Optimizer.safeParse(opt).success) throw new UsageError(`--optimizer takes ${Optimizer.options.join(', ')}.`);
  if (!values.resume && (!values.dataset || !values.model)) throw new UsageError('train needs --dataset and --model (or --resume <checkpoint>).');
  return {
    dataset: str(values.dataset),
    model: str(values.model),
    resume: str(values.resume),
    epochs: intOption(values, 'epochs', 1, 10_000),
    batchSize: intOption(values, 'batch', 1, 65_536),
    limit: intOption(values, 'limit', 1),
    seed: intOption(values, 'seed', 0, 2 ** 32 - 1),
    learningRate: lr,
    optimizer: opt as Optimizer | undefined,
    schedule: scheduleOption(values),
    warmup: intOption(values, 'warmup', 0, 1_000_000),
    backend: backendOption(values),
  };
}

async function run({ values, positionals, io }: CommandContext): Promise<number> {
  const req = request(values);
  const json = values.json === true;
  // With --json stdout carries only the summary; progress goes to stderr.
  const say = json ? io.stderr : io.stdout;
  const tty = process.stderr.isTTY === true;
  const studio = createStudio({ dataDir: resolveDataDir(undefined, io.env), appVersion: appVersion(), platform: createWebPlatform() });
  await studio.start();
  const abort = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    // The first Ctrl+C stops cleanly with a checkpoint; a second one gives up at once.
    if (++interrupts > 1) process.exit(130);
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  let epochs = 0;
  let batches = 0;
  try {
    await studio.projects.open(resolve(io.cwd, positionals[0]!), CLI_CLIENT);
    // TensorFlow.js loads only for the commands that train, so the others start fast.
    const { trainHeadless } = await import('../../training/headless');
    const summary = await trainHeadless(
      studio,
      CLI_CLIENT,
      req,
      {
        started(info) {
          epochs = info.hyper.epochs;
          batches = info.batchesPerEpoch;
          const { adapter, wasm } = info.backend;
          const how = adapter ? ` (${adapter})` : wasm ? ` (SIMD, ${wasm.threads} thread${wasm.threads === 1 ? '' : 's'})` : '';
          if (wasm?.fallback) say(`WASM threads did not start (${wasm.fallback}); training on 1 thread.\n`);
          say(`Training ${info.spec.name} on ${info.samples} samples, ${epochs} epoch${epochs === 1 ? '' : 's'} of ${batches} batches, backend ${info.backend.backend}${how}: run ${info.runId}\n`);
          const size = info.hyper.batchSize;
          if (info.microBatchSize < size) {
            say(`A batch of ${size} does not fit in ${info.backend.backend} memory: each trains as ${Math.ceil(size / info.microBatchSize)} slices of up to ${info.microBatchSize} samples (same result).\n`);
          }
        },
        batch(record) {
          if (tty) io.stderr(`\r${formatBatchLine(record, batches, epochs)}`.padEnd(80));
        },
        epoch(m, info) {
          if (tty) io.stderr('\r'.padEnd(81) + '\r');
          say(`${formatEpochLine(m, epochs, info.samplesPerSec, info.checkpointId)}\n`);
        },
        stopping() {
          io.stderr('\nStopping after this batch (Ctrl+C again to quit at once)…\n');
        },
      },
      abort.signal,
    );
    if (tty) io.stderr('\r'.padEnd(81) + '\r');
    await studio.projects.close(CLI_CLIENT);
    if (json) {
      const { runId, status, epochsDone, step, checkpointIds, last, best, backend, adapter, wasmThreads, samplesPerSec, datasetId, model } = summary;
      io.stdout(`${JSON.stringify({ runId, status, epochsDone, step, checkpointIds, metrics: last, best, backend, adapter, wasmThreads, samplesPerSec, datasetId, model }, null, 2)}\n`);
    } else {
      io.stdout(formatTrainSummary(summary));
    }
    return EXIT.ok;
  } finally {
    process.off('SIGINT', onSigint);
    await studio.stop();
  }
}

/** `model-studio train`: trains a model on a project's dataset headless. */
export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train a model on a dataset of a project (headless, WASM by default)',
  usage: `model-studio train <project> --dataset <id|name> --model <template|model-id> [options]
       model-studio train <project> --resume <checkpoint-id> [options]

Trains headless and records the run like the app: metrics under runs/, a checkpoint at each
epoch end (and on Ctrl+C, which stops after the current batch). The project is locked meanwhile.
  --dataset <id|name>     the dataset to train on (default with --resume: the checkpoint's)
  --model <name|id>       a template (seed-cnn, text-transformer, vit-tiny, mlp) or a saved model
  --resume <checkpoint>   continue from a checkpoint: weights, optimizer state, epoch and step
  --epochs N              epochs (default: the model's, 10 for seed-cnn)
  --batch B               batch size (default: the model's, 32)
  --limit N               train on at most N samples (and validate on at most N)
  --seed S                seed of the weights, shuffling and augmentation (default 42)
  --lr X                  learning rate (default: the model's)
  --optimizer adam|sgd|rmsprop
  --schedule S            learning-rate schedule: constant, cosine (to 0 over the run) or
                          step:<every>:<factor> (default: the model's; cosine for seed-cnn)
  --warmup N              batches of linear learning-rate warm-up (default: the model's)
  --backend wasm|cpu|webgpu  (default wasm; webgpu needs an adapter)
  --json                  print a JSON summary (run id, checkpoint ids, metrics) on stdout`,
  options: {
    dataset: { type: 'string' },
    model: { type: 'string' },
    resume: { type: 'string' },
    epochs: { type: 'string' },
    batch: { type: 'string' },
    limit: { type: 'string' },
    seed: { type: 'string' },
    lr: { type: 'string' },
    optimizer: { type: 'string' },
    schedule: { type: 'string' },
    warmup: { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: 1,
  run,
};
