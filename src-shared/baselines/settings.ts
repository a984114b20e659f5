/**
 * The classical baselines' names and hyper-parameters (`baseline.json` `settings`), with
 * scikit-learn's defaults where the libraries allow, and the small grid a search tries on the
 * validation split. Shared by main (which fits) and the UI (which sets them).
 */
import { z } from 'zod';

export const BASELINE_MODELS = ['lr', 'svm', 'svm-linear', 'tree', 'forest', 'knn', 'nb'] as const;
export const BaselineModelName = z.enum(BASELINE_MODELS);
export type BaselineModelName = z.infer<typeof BaselineModelName>;

/** Each model's name for people (English; the UI has its own, translated). */
export const BASELINE_TITLES: Record<BaselineModelName, string> = {
  lr: 'Logistic regression',
  svm: 'SVM (RBF)',
  'svm-linear': 'SVM (linear)',
  tree: 'Decision tree (CART)',
  forest: 'Random forest',
  knn: 'k-nearest neighbours',
  nb: 'Gaussian naive Bayes',
};

const C = z.number().positive().max(1e6);

/** One model's settings; every field has its default. */
export const BaselineSettings = z.strictObject({
  /** Inverse L2 strength, as scikit-learn's LogisticRegression C. */
  lr: z.strictObject({ C: C.default(1) }).default({ C: 1 }),
  /** RBF SVM: C, and gamma ('scale' = 1 / (features · variance), scikit-learn's default). */
  svm: z.strictObject({ C: C.default(1), gamma: z.union([z.literal('scale'), z.number().positive().max(1e6)]).default('scale') }).default({ C: 1, gamma: 'scale' }),
  'svm-linear': z.strictObject({ C: C.default(1) }).default({ C: 1 }),
  /** CART: depth limit (null: none), and a node of at most minSamples samples is a leaf (1: split until pure, as scikit-learn). */
  tree: z.strictObject({ maxDepth: z.number().int().min(1).max(1000).nullable().default(null), minSamples: z.number().int().min(1).max(100_000).default(1) }).default({ maxDepth: null, minSamples: 1 }),
  /** Random forest: trees (scikit-learn's 100), and each tree's depth limit. */
  forest: z.strictObject({ trees: z.number().int().min(1).max(1000).default(100), maxDepth: z.number().int().min(1).max(1000).nullable().default(null) }).default({ trees: 100, maxDepth: null }),
  knn: z.strictObject({ k: z.number().int().min(1).max(1000).default(5) }).default({ k: 5 }),
  /** Each variance widened by this times the largest feature variance (scikit-learn's var_smoothing). */
  nb: z.strictObject({ varSmoothing: z.number().min(0).max(1).default(1e-9) }).default({ varSmoothing: 1e-9 }),
});
export type BaselineSettings = z.output<typeof BaselineSettings>;
export type BaselineSettingsInput = z.input<typeof BaselineSettings>;

/** One model's settings. */
export type ModelSettings<M extends BaselineModelName> = BaselineSettings[M];

export const DEFAULT_BASELINE_SETTINGS: BaselineSettings = BaselineSettings.parse({});

/**
 * What a grid search tries for each model (each combination fitted on train, scored on
 * validation), scikit-learn's default first: a tie on validation keeps the earlier one.
 */
export const BASELINE_GRIDS: { [M in BaselineModelName]: Partial<{ [K in keyof ModelSettings<M>]: ModelSettings<M>[K][] }> } = {
  lr: { C: [1, 0.1, 10] },
  svm: { C: [1, 0.1, 10] },
  'svm-linear': { C: [1, 0.1, 10] },
  tree: { maxDepth: [null, 5, 10, 20] },
  forest: { trees: [100, 50, 200] },
  knn: { k: [5, 1, 3, 7, 11] },
  nb: { varSmoothing: [1e-9, 1e-6, 1e-3, 1e-1] },
};

/** Every combination of a model's grid over its base settings. */
export function gridOf<M extends BaselineModelName>(model: M, base: ModelSettings<M>): ModelSettings<M>[] {
  let combos: Record<string, unknown>[] = [{ ...base }];
  for (const [key, values] of Object.entries(BASELINE_GRIDS[model]) as [string, unknown[]][]) {
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return combos as ModelSettings<M>[];
}

/** A model's settings in a few words, e.g. "C = 1, gamma = scale". */
export function settingsLabel(settings: Record<string, unknown>): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k} = ${v === null ? 'none' : String(v)}`)
    .join(', ');
}
