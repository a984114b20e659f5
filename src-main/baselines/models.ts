/**
 * The classical baselines, with scikit-learn's defaults where the library allows: multinomial
 * logistic regression (softmax-regression.ts: L2, C = 1, L-BFGS), SVM (libsvm-js, libsvm
 * compiled to JavaScript: RBF with gamma "scale", and linear; C = 1), CART (ml-cart, Gini),
 * random forest (ml-random-forest, 20 trees on half the features each, all of up to 16), k-nearest neighbours (ml-knn,
 * k = 5) and Gaussian naive Bayes (gaussian-nb.ts). The two written here replace ml.js
 * packages that got far below scikit-learn (see each file). Models whose cost grows fast with
 * the samples train on a seeded subset of at most `maxTrain` (the results say so).
 */
import { DecisionTreeClassifier } from 'ml-cart';
import { RandomForestClassifier } from 'ml-random-forest';
import KNN from 'ml-knn';
import SVM from 'libsvm-js/asm.js';
import { fitGaussianNb, predictGaussianNb } from './gaussian-nb';
import { fitSoftmax, predictSoftmax } from './softmax-regression';

export const BASELINE_MODELS = ['lr', 'svm', 'svm-linear', 'tree', 'forest', 'knn', 'nb'] as const;
export type BaselineModelName = (typeof BASELINE_MODELS)[number];

/** A fitted model: predicts classes and says what it is as JSON (its stored form). */
export interface Fitted {
  predict(rows: number[][]): number[];
  toJSON(): unknown;
}

export interface BaselineModel {
  name: BaselineModelName;
  title: string;
  /** Train on at most this many samples (a seeded subset): the fit's time or memory grows fast. */
  maxTrain: number;
  fit(rows: number[][], labels: number[], opts: { seed: number; classes: number }): Promise<Fitted>;
}

/** libsvm's gamma "scale", as scikit-learn's default: 1 / (features · variance of X). */
function gammaScale(rows: number[][]): number {
  let sum = 0;
  let sq = 0;
  let n = 0;
  for (const r of rows) for (const v of r) (sum += v), (sq += v * v), n++;
  const variance = n ? sq / n - (sum / n) ** 2 : 0;
  const features = rows[0]?.length ?? 1;
  return variance > 0 ? 1 / (features * variance) : 1 / features;
}

function svm(kernel: 'RBF' | 'LINEAR'): BaselineModel['fit'] {
  return async (rows, labels) => {
    const model = new SVM({ type: SVM.SVM_TYPES.C_SVC, kernel: SVM.KERNEL_TYPES[kernel], cost: 1, gamma: gammaScale(rows), quiet: true });
    model.train(rows, labels);
    return { predict: (x) => model.predict(x), toJSON: () => ({ libsvm: model.serializeModel() }) };
  };
}

export const MODELS: Record<BaselineModelName, BaselineModel> = {
  lr: {
    name: 'lr',
    title: 'Logistic regression',
    maxTrain: 20_000,
    async fit(rows, labels, { classes }) {
      const model = fitSoftmax(rows, labels, classes);
      return { predict: (x) => predictSoftmax(model, x), toJSON: () => model };
    },
  },
  svm: { name: 'svm', title: 'SVM (RBF)', maxTrain: 5_000, fit: svm('RBF') },
  'svm-linear': { name: 'svm-linear', title: 'SVM (linear)', maxTrain: 5_000, fit: svm('LINEAR') },
  tree: {
    name: 'tree',
    title: 'Decision tree (CART)',
    maxTrain: 5_000,
    async fit(rows, labels) {
      const model = new DecisionTreeClassifier({ gainFunction: 'gini' });
      model.train(rows, labels);
      return { predict: (x) => model.predict(x), toJSON: () => model.toJSON() };
    },
  },
  forest: {
    name: 'forest',
    title: 'Random forest',
    // ml-random-forest's trees are slow (50 trees on sklearn's 1,437 digits took 91 s): fewer,
    // smaller trees on a smaller subset.
    maxTrain: 2_000,
    async fit(rows, labels, { seed }) {
      // Each tree sees half the features (ml-random-forest draws them per tree, not per split,
      // so with few features a tree could not see the ones a class needs together: then all).
      const features = rows[0]?.length ?? 1;
      const model = new RandomForestClassifier({ nEstimators: 20, maxFeatures: features <= 16 ? 1 : 0.5, replacement: true, seed });
      model.train(rows, labels);
      return { predict: (x) => model.predict(x), toJSON: () => model.toJSON() };
    },
  },
  knn: {
    name: 'knn',
    title: 'k-nearest neighbours (k = 5)',
    maxTrain: 10_000,
    async fit(rows, labels) {
      const model = new KNN(rows, labels, { k: Math.min(5, rows.length) });
      return { predict: (x) => model.predict(x), toJSON: () => model.toJSON() };
    },
  },
  nb: {
    name: 'nb',
    title: 'Gaussian naive Bayes',
    maxTrain: 100_000,
    async fit(rows, labels, { classes }) {
      const model = fitGaussianNb(rows, labels, classes);
      return { predict: (x) => predictGaussianNb(model, x), toJSON: () => model };
    },
  },
};
