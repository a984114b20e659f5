import { CompressionRecipe, QUANTIZATION_SCHEMES } from '../../../src-shared/compression/recipe';
import { formatCompressionReport } from '../../compression/format-report';
import { CLI_CLIENT, withCliProject } from '../cli-project';
import { EXIT, UsageError, type CliCommand, type CommandContext } from '../command';
import { backendOption, intOption } from './train';

type Values = CommandContext['values'];
const str = (v: Values[string]): string | undefined => (typeof v === 'string' ? v : undefined);

/** A number option within (min, max] or [min, max], or undefined when not given. */
function numberOption(values: Values, name: string, ok: (n: number) => boolean, range: string): number | undefined {
  const text = str(values[name]);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new UsageError(`--${name} takes ${range}.`);
  return n;
}

/** Only the options given, so the recipe's defaults fill the rest. */
const given = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function quantizeRecipe(values: Values, scheme: string): unknown {
  if (!(QUANTIZATION_SCHEMES as readonly string[]).includes(scheme)) throw new UsageError(`--quantize takes ${QUANTIZATION_SCHEMES.join(', ')}.`);
  const percentile = numberOption(values, 'percentile', (n) => n > 50 && n <= 100, 'a number above 50 and at most 100');
  const samples = intOption(values, 'calibration', 1, 100_000);
  if ((samples !== undefined || percentile !== undefined) && scheme !== 'full-int8') {
    throw new UsageError('--calibration and --percentile calibrate activations: they go with --quantize full-int8.');
  }
  return {
    method: 'quantize',
    scheme,
    calibration: given({ samples, ...(percentile !== undefined ? { method: 'percentile', percentile } : {}) }),
    keepFloat: str(values['keep-float'])?.split(',').map((s) => s.trim()).filter(Boolean) ?? [],
    ...given({ seed: intOption(values, 'seed', 0, 2 ** 31 - 1) }),
  };
}

function pruneRecipe(values: Values): unknown {
  const sparsity = numberOption(values, 'prune', (n) => n > 0 && n < 1, 'a sparsity above 0 and below 1 (0.8 zeroes 80% of the prunable weights)');
  const scope = str(values.scope);
  if (scope !== undefined && scope !== 'layer' && scope !== 'global') throw new UsageError('--scope takes layer or global.');
  const schedule = str(values.schedule);
  if (schedule !== undefined && schedule !== 'polynomial' && schedule !== 'constant') throw new UsageError('--schedule takes polynomial or constant.');
  const structured = values.structured === true;
  const criterion = str(values.criterion);
  if (criterion !== undefined && criterion !== 'l1' && criterion !== 'l2') throw new UsageError('--criterion takes l1 or l2.');
  if (criterion !== undefined && !structured) throw new UsageError('--criterion ranks filters, units and heads: it goes with --structured.');
  if (structured) {
    const stray = ['scope', 'schedule', 'initial-sparsity', 'frequency'].find((k) => values[k] !== undefined);
    if (stray) throw new UsageError(`--${stray} is for unstructured pruning; --structured removes the same share of each layer at once, then fine-tunes.`);
  }
  return {
    method: 'prune',
    sparsity,
    ...given({
      structured: structured || undefined,
      criterion,
      scope,
      schedule,
      initialSparsity: numberOption(values, 'initial-sparsity', (n) => n >= 0 && n < 1, 'a number from 0 up to (not including) 1'),
      frequency: intOption(values, 'frequency', 1, 1_000_000),
      fineTuneEpochs: intOption(values, 'fine-tune-epochs', 0, 1000),
      learningRate: numberOption(values, 'lr', (n) => n > 0 && n <= 1, 'a number above 0 and at most 1'),
      batchSize: intOption(values, 'batch', 1, 65_536),
      limit: intOption(values, 'train-limit', 1),
      seed: intOption(values, 'seed', 0, 2 ** 31 - 1),
    }),
  };
}

function distillRecipe(values: Values): unknown {
  const student = str(values.student);
  if (!student) throw new UsageError('--distill needs --student <template|model-id>: a template (seed-cnn, text-transformer, vit-tiny, mlp) or a model of the project (md-…).');
  const width = numberOption(values, 'width', (n) => n > 0 && n <= 4, 'a width factor above 0 and at most 4 (0.5 halves every layer)');
  const isModel = /^md-[a-z0-9]{8}$/.test(student);
  if (isModel && width !== undefined) throw new UsageError('--width scales a template; a model of the project trains as it is.');
  return {
    method: 'distill',
    student: isModel ? { modelId: student } : given({ template: student, width }),
    ...given({
      temperature: numberOption(values, 'temperature', (n) => n > 0 && n <= 100, 'a temperature above 0 and at most 100'),
      alpha: numberOption(values, 'alpha', (n) => n >= 0 && n <= 1, 'a weight from 0 to 1'),
      epochs: intOption(values, 'epochs', 1, 1000),
      learningRate: numberOption(values, 'lr', (n) => n > 0 && n <= 10, 'a number above 0 and at most 10'),
      batchSize: intOption(values, 'batch', 1, 65_536),
      limit: intOption(values, 'train-limit', 1),
      seed: intOption(values, 'seed', 0, 2 ** 31 - 1),
      compare: values.compare === true ? true : undefined,
    }),
  };
}

/** Options that belong to one method only. */
const ONLY: Record<'quantize' | 'prune' | 'distill', string[]> = {
  quantize: ['calibration', 'percentile', 'keep-float'],
  prune: ['structured', 'criterion', 'scope', 'schedule', 'initial-sparsity', 'frequency', 'fine-tune-epochs'],
  distill: ['student', 'width', 'temperature', 'alpha', 'epochs', 'compare'],
};

/** The recipe the options describe; bad usage before anything is opened. */
export function recipeFromOptions(values: Values): CompressionRecipe {
  const scheme = str(values.quantize);
  const chosen = (['quantize', 'prune', 'distill'] as const).filter((m) => values[m] !== undefined);
  if (chosen.length > 1) throw new UsageError('Give one method at a time: e.g. prune or distill first, then quantize the checkpoint it makes.');
  const method = chosen[0];
  if (!method) throw new UsageError('compress needs a method: --quantize int8|uint8|float16|full-int8, --prune <sparsity> or --distill --student <template|model>.');
  for (const [other, names] of Object.entries(ONLY)) {
    const stray = other === method ? [] : names.filter((k) => values[k] !== undefined);
    if (stray.length) throw new UsageError(`--${stray[0]} goes with --${other}.`);
  }
  if (method === 'quantize') for (const k of ['lr', 'batch', 'train-limit']) if (values[k] !== undefined) throw new UsageError(`--${k} goes with --prune or --distill.`);
  const parsed = CompressionRecipe.safeParse(method === 'quantize' ? quantizeRecipe(values, scheme!) : method === 'prune' ? pruneRecipe(values) : distillRecipe(values));
  if (!parsed.success) throw new UsageError(`The options do not make a recipe: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}.`);
  return parsed.data;
}

async function run({ values, positionals, io }: CommandContext): Promise<number> {
  const checkpoint = str(values.checkpoint);
  if (!checkpoint) throw new UsageError('compress needs --checkpoint <id>.');
  const recipe = recipeFromOptions(values);
  const evalLimit = intOption(values, 'limit', 1);
  const backend = backendOption(values);
  const json = values.json === true;
  const tty = process.stderr.isTTY === true;
  return withCliProject(io, positionals[0]!, async ({ studio, signal }) => {
    // TensorFlow.js loads only for the commands that need it, so the others start fast.
    const { compressHeadless } = await import('../../compression/headless-compress');
    const { meta, report } = await compressHeadless(
      studio,
      CLI_CLIENT,
      { checkpoint, recipe, name: str(values.name), backend, evalLimit },
      (phase, done, total) => {
        if (tty) io.stderr(`\r${phase.replace('-', ' ')}: ${done}/${total}`.padEnd(60));
      },
      signal,
    );
    if (tty) io.stderr('\r'.padEnd(61) + '\r');
    await studio.projects.close(CLI_CLIENT);
    const parentId = meta.compression!.parentId;
    if (json) {
      const compare = report.compare ? { compare: report.compare } : {};
      io.stdout(`${JSON.stringify({ checkpointId: meta.id, parentId, name: meta.name, method: recipe.method, recipe, before: report.before, after: report.after, ...compare, layers: report.layers, compressMs: report.compressMs, backend: report.backend }, null, 2)}\n`);
    } else {
      io.stdout(formatCompressionReport(report, { checkpointId: meta.id, parentId, name: meta.name }));
    }
    return EXIT.ok;
  });
}

/** `model-studio compress`: makes a compressed checkpoint from a checkpoint and reports before/after. */
export const compressCommand: CliCommand = {
  name: 'compress',
  summary: 'Compress a checkpoint (quantization, pruning, distillation) into a new checkpoint, with a before/after report',
  usage: `model-studio compress <project> --checkpoint <id> --quantize int8|uint8|float16|full-int8 [options]
       model-studio compress <project> --checkpoint <id> --prune <sparsity> [options]
       model-studio compress <project> --checkpoint <id> --distill --student <template|model-id> [options]

Makes a new checkpoint of kind "compressed" from the checkpoint (which stays as it is), then
measures both on the same test samples in this process: weight bytes raw and gzipped,
parameters, accuracy, loss, latency at batch 1, throughput at batch 256, FLOPs, and per layer
the parameters, sparsity, bytes and the quantization error. The project is locked meanwhile.
  --quantize int8        int8 weights, one scale per output channel (about 4x smaller)
  --quantize uint8       uint8 weights, one scale per tensor (what stock TF.js loads)
  --quantize float16     half-precision weights (2x smaller)
  --quantize full-int8   int8 weights and uint8 activations, ranges calibrated on training samples
  --calibration N        full-int8: calibrate on N training samples (default 256)
  --percentile P         full-int8: ranges that hold P% of the values (e.g. 99.99) instead of min-max
  --keep-float a,b       layers (as the report names them) left in float32
  --prune S              zero the share S (0 < S < 1) of the smallest conv, dense, attention and
                         embedding weights, fine-tune with the zeros held, store exact zeros
  --structured           remove the share S of each conv's filters, dense layer's units and
                         transformer block's heads and feed-forward units (the smallest by norm),
                         rebuild the smaller model and fine-tune it: the file and latency shrink
  --criterion l1|l2      structured: the norm that ranks them (default l1)
  --scope layer|global   each layer at S (default), or one threshold over all prunable weights
  --schedule polynomial|constant   polynomial (default): from --initial-sparsity (default 0)
                         to S over the first 70% of the fine-tuning steps, then S; masks updated
                         every --frequency steps (default 100, at least 10 times over the ramp)
  --fine-tune-epochs N   epochs of fine-tuning on the training split (default 2; 0: prune only)
  --lr X                 fine-tuning learning rate (Adam, cosine to 0; default 0.001); for
                         distillation the student's (default: its template's)
  --batch B              fine-tuning or student batch size (default: the model's)
  --distill              train a student on the checkpoint's (the teacher's) softened outputs
                         and the labels: alpha*T^2*KL(teacher_T || student_T) + (1-alpha)*CE
  --student S            a template (fitted to the dataset) or a model id of the project
  --width F              a template student at F times the width (0.5: half the filters and units)
  --temperature T        softening temperature (default 4)
  --alpha A              weight of the teacher's part (default 0.9)
  --epochs N             epochs of student training (default 5)
  --compare              also train the same student alone (same seed, epochs, data), for the report
  --train-limit N        fine-tune or distill on a seeded subset of N training samples
  --limit N              measure on the first N test samples (default: all)
  --name N               the new checkpoint's name (default: the parent's and the method)
  --seed S               seed of the calibration subset and of fine-tuning (default 42)
  --backend wasm|cpu|webgpu  (default wasm)
  --json                 print {checkpointId, parentId, method, recipe, before, after, compare?, layers} as JSON`,
  options: {
    checkpoint: { type: 'string' },
    quantize: { type: 'string' },
    calibration: { type: 'string' },
    percentile: { type: 'string' },
    'keep-float': { type: 'string' },
    prune: { type: 'string' },
    structured: { type: 'boolean' },
    criterion: { type: 'string' },
    scope: { type: 'string' },
    schedule: { type: 'string' },
    'initial-sparsity': { type: 'string' },
    frequency: { type: 'string' },
    'fine-tune-epochs': { type: 'string' },
    lr: { type: 'string' },
    batch: { type: 'string' },
    'train-limit': { type: 'string' },
    distill: { type: 'boolean' },
    student: { type: 'string' },
    width: { type: 'string' },
    temperature: { type: 'string' },
    alpha: { type: 'string' },
    epochs: { type: 'string' },
    compare: { type: 'boolean' },
    limit: { type: 'string' },
    name: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: 1,
  run,
};
