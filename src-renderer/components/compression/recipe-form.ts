/**
 * The compression dialog's form: every option with the recipe's default, and the recipe it
 * makes (checked by the recipe's own schema; its problems as rules the dialog puts in words).
 * Percentages in the form, shares in the recipe.
 */
import { CompressionRecipe, QUANTIZATION_SCHEMES, type QuantizationScheme } from '../../../src-shared/compression/recipe';
import { fieldProblemOf, type FieldProblem } from '../../util/field-problem';

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

/** The label (a key under compression.form) of each recipe field, for the problems below the form. */
const FIELDS: Record<string, string> = {
  scheme: 'scheme',
  samples: 'calibrationSamples',
  percentile: 'percentileValue',
  sparsity: 'sparsity',
  scope: 'scope',
  fineTuneEpochs: 'fineTuneEpochs',
  learningRate: 'learningRate',
  width: 'width',
  template: 'student',
  modelId: 'student',
  temperature: 'temperature',
  alpha: 'alpha',
  epochs: 'epochs',
  seed: 'seed',
};

/** A value the recipe refuses: the field's label (a key under compression.form) and the rule. */
export interface RecipeProblem {
  label: string;
  problem: FieldProblem;
}

/** The recipe the form describes, or the problems that keep it from being one. */
export function recipeFromForm(f: RecipeForm): { recipe: CompressionRecipe; problems: null } | { recipe: null; problems: RecipeProblem[] } {
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
  if (parsed.success) return { recipe: parsed.data, problems: null };
  const problems = parsed.error.issues.map((i): RecipeProblem => {
    const key = [...i.path].reverse().find((p) => typeof p === 'string' && p in FIELDS) as string | undefined;
    if (key === 'sparsity') return { label: f.structured ? 'removeShare' : 'sparsity', problem: { rule: 'percentRange' } };
    return { label: key ? FIELDS[key]! : 'recipe', problem: fieldProblemOf(i) };
  });
  return { recipe: null, problems };
}
