/**
 * The compression dialog's form: every option with the recipe's default, and the recipe it
 * makes (checked by the recipe's own schema, problems in words). Percentages in the form, shares
 * in the recipe.
 */
import { CompressionRecipe, QUANTIZATION_SCHEMES, type QuantizationScheme } from '../../../src-shared/compression/recipe';

export type Method = CompressionRecipe['method'];
export const METHODS: readonly Method[] = ['quantize', 'prune', 'distill'];
export { QUANTIZATION_SCHEMES };

export interface RecipeForm {
  method: Method;
  scheme: QuantizationScheme;
  calibrationSamples: number;
  calibrationMethod: 'minmax' | 'percentile';
  percentile: number;
  keepFloat: string[];
  /** Percent of weights (unstructured) or of filters, units and heads (structured). */
  sparsityPercent: number;
  structured: boolean;
  criterion: 'l1' | 'l2';
  scope: 'layer' | 'global';
  schedule: 'polynomial' | 'constant';
  fineTuneEpochs: number;
  learningRate: number;
  /** A template name, or a model id (md-…). */
  student: string;
  width: number;
  temperature: number;
  alpha: number;
  epochs: number;
  compare: boolean;
  name: string;
  seed: number;
}

/** Unstructured pruning's usual target, and structured pruning's (half the filters). */
export const DEFAULT_SPARSITY = { unstructured: 80, structured: 50 };

export function defaultRecipeForm(student: string): RecipeForm {
  return {
    method: 'quantize',
    scheme: 'int8',
    calibrationSamples: 256,
    calibrationMethod: 'minmax',
    percentile: 99.99,
    keepFloat: [],
    sparsityPercent: DEFAULT_SPARSITY.unstructured,
    structured: false,
    criterion: 'l1',
    scope: 'layer',
    schedule: 'polynomial',
    fineTuneEpochs: 2,
    learningRate: 0.001,
    student,
    width: 0.5,
    temperature: 4,
    alpha: 0.9,
    epochs: 5,
    compare: false,
    name: '',
    seed: 42,
  };
}

/** Words for the form's fields, for the problems below it. */
const FIELDS: Record<string, string> = {
  scheme: 'Scheme',
  samples: 'Calibration samples',
  percentile: 'Percentile',
  sparsity: 'Sparsity',
  scope: 'Scope',
  fineTuneEpochs: 'Fine-tuning epochs',
  learningRate: 'Learning rate',
  width: 'Width',
  template: 'Student',
  modelId: 'Student',
  temperature: 'Temperature',
  alpha: 'Teacher weight (alpha)',
  epochs: 'Epochs',
  seed: 'Seed',
};

const WORDS: Record<string, string> = { '>=': 'at least', '<=': 'at most', '>': 'above', '<': 'below' };

/** zod's "Too small: expected number to be >=1" as "must be at least 1"; other messages as they are. */
function bound(message: string): string {
  const m = /expected (?:number|int) to be (>=|<=|>|<)\s*(\S+)/.exec(message);
  return m ? `must be ${WORDS[m[1]!]} ${m[2]}` : message;
}

/** The recipe the form describes, or the problems that keep it from being one. */
export function recipeFromForm(f: RecipeForm): { recipe: CompressionRecipe; problem: null } | { recipe: null; problem: string } {
  const seed = f.seed;
  const raw =
    f.method === 'quantize'
      ? {
          method: 'quantize',
          scheme: f.scheme,
          calibration: { samples: f.calibrationSamples, method: f.calibrationMethod, percentile: f.percentile },
          keepFloat: f.keepFloat,
          seed,
        }
      : f.method === 'prune'
        ? {
            method: 'prune',
            sparsity: f.sparsityPercent / 100,
            structured: f.structured,
            criterion: f.criterion,
            ...(f.structured ? {} : { scope: f.scope, schedule: f.schedule }),
            fineTuneEpochs: f.fineTuneEpochs,
            learningRate: f.learningRate,
            seed,
          }
        : {
            method: 'distill',
            student: /^md-/.test(f.student) ? { modelId: f.student } : { template: f.student, width: f.width },
            temperature: f.temperature,
            alpha: f.alpha,
            epochs: f.epochs,
            compare: f.compare,
            seed,
          };
  const parsed = CompressionRecipe.safeParse(raw);
  if (parsed.success) return { recipe: parsed.data, problem: null };
  const problem = parsed.error.issues
    .map((i) => {
      const key = [...i.path].reverse().find((p) => typeof p === 'string' && p in FIELDS) as string | undefined;
      if (key === 'sparsity') return 'Sparsity must be above 0% and below 100%';
      return `${key ? FIELDS[key] : 'The recipe'} ${i.code === 'invalid_type' ? 'must be a number' : bound(i.message)}`;
    })
    .join('; ');
  return { recipe: null, problem };
}
