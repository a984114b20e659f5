/**
 * The classical baselines, with scikit-learn's defaults where the library allows
 * (src-shared/baselines/settings.ts has them): multinomial logistic regression
 * (softmax-regression.ts: L2, L-BFGS), SVM (libsvm-js, libsvm compiled to WebAssembly: RBF with
 * gamma "scale", and linear), CART (cart.ts, Gini), random forest (random-forest.ts: bootstrap,
 * √features per split), k-nearest neighbours (knn.ts, brute force) and Gaussian naive Bayes
 * (gaussian-nb.ts). The five written here replace ml.js packages that got far below
 * scikit-learn in accuracy or time (see each file). Models whose cost grows fast with the
 * samples train on a seeded subset of at most `maxTrain` (the results say so).
 */
import { createRequire } from 'node:module';
import type { SvmClass } from 'libsvm-js/wasm.js';
import { BASELINE_MODELS, BASELINE_TITLES, type BaselineModelName, type ModelSettings } from '../../src-shared/baselines/settings';
import { fitCart, predictCart } from './cart';
import { fitGaussianNb, predictGaussianNb } from './gaussian-nb';
import { fitKnn, knnPredictor } from './knn';
import { fitForest, predictForest } from './random-forest';
import { fitSoftmax, predictSoftmax } from './softmax-regression';

export { BASELINE_MODELS, type BaselineModelName };

/** A fitted model: predicts classes and says what it is as JSON (its stored form). */
export interface Fitted {
  predict(rows: number[][]): number[];
  toJSON(): unknown;
  /** Frees what the model holds outside the JavaScript heap (libsvm's WebAssembly memory). */
  dispose?(): void;
}

export interface FitOptions<M extends BaselineModelName> {
  seed: number;
  classes: number;
  settings: ModelSettings<M>;
}

export interface BaselineModel<M extends BaselineModelName = BaselineModelName> {
  name: M;
  title: string;
  /** Train on at most this many samples (a seeded subset): the fit's time or memory grows fast. */
  maxTrain: number;
  fit(rows: number[][], labels: number[], opts: FitOptions<M>): Promise<Fitted>;
}

/** libsvm's gamma "scale", as scikit-learn's default: 1 / (features · variance of X). */
export function gammaScale(rows: number[][]): number {
  let sum = 0;
  let sq = 0;
  let n = 0;
  for (const r of rows) for (const v of r) (sum += v), (sq += v * v), n++;
  const variance = n ? sq / n - (sum / n) ** 2 : 0;
  const features = rows[0]?.length ?? 1;
  return variance > 0 ? 1 / (features * variance) : 1 / features;
}

let libsvm: Promise<SvmClass> | null = null;

/**
 * libsvm compiled to WebAssembly, loaded once: 3.6x faster to train than its asm.js build on
 * 1,500 rows of 64 features, and the SVMs on the spam e-mails fit in 37 s and 16 s instead of
 * 60 s and 35 s. Its loader first tries a streaming compile from a file path, which Node cannot
 * fetch, and says so on the console before it reads the file instead: that line is held back.
 */
function loadLibsvm(): Promise<SvmClass> {
  return (libsvm ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (!/wasm streaming compile failed|falling back to ArrayBuffer instantiation/.test(String(args[0]))) warn(...args);
    };
    try {
      // Required, not imported: the module's export is a promise, which an import's namespace
      // would mistake for a thenable module.
      return await (createRequire(import.meta.url)('libsvm-js/wasm.js') as Promise<SvmClass>);
    } finally {
      console.warn = warn;
    }
  })());
}

async function svmFitted(kernel: 'RBF' | 'LINEAR', rows: number[][], labels: number[], cost: number, gamma: number): Promise<Fitted> {
  const SVM = await loadLibsvm();
  const model = new SVM({ type: SVM.SVM_TYPES.C_SVC, kernel: SVM.KERNEL_TYPES[kernel], cost, gamma, quiet: true });
  model.train(rows, labels);
  return { predict: (x) => model.predict(x), toJSON: () => ({ libsvm: model.serializeModel() }), dispose: () => model.free() };
}

export const MODELS: { [M in BaselineModelName]: BaselineModel<M> } = {
  lr: {
    name: 'lr',
    title: BASELINE_TITLES['lr'],
    maxTrain: 20_000,
    async fit(rows, labels, { classes, settings }) {
      const model = fitSoftmax(rows, labels, classes, { c: settings.C });
      return { predict: (x) => predictSoftmax(model, x), toJSON: () => model };
    },
  },
  svm: {
    name: 'svm',
    title: BASELINE_TITLES['svm'],
    maxTrain: 5_000,
    async fit(rows, labels, { settings }) {
      return svmFitted('RBF', rows, labels, settings.C, settings.gamma === 'scale' ? gammaScale(rows) : settings.gamma);
    },
  },
  'svm-linear': {
    name: 'svm-linear',
    title: BASELINE_TITLES['svm-linear'],
    maxTrain: 5_000,
    async fit(rows, labels, { settings }) {
      return svmFitted('LINEAR', rows, labels, settings.C, gammaScale(rows));
    },
  },
  tree: {
    name: 'tree',
    title: BASELINE_TITLES['tree'],
    maxTrain: 5_000,
    async fit(rows, labels, { classes, settings }) {
      const model = fitCart(rows, labels, classes, { maxDepth: settings.maxDepth, minSamples: settings.minSamples });
      return { predict: (x) => predictCart(model, x), toJSON: () => model };
    },
  },
  forest: {
    name: 'forest',
    title: BASELINE_TITLES['forest'],
    // 100 trees on 5,000 MNIST digits take about 30 s (10 trees: 2.8 s).
    maxTrain: 5_000,
    async fit(rows, labels, { classes, seed, settings }) {
      const model = fitForest(rows, labels, classes, { trees: settings.trees, maxDepth: settings.maxDepth, seed });
      return { predict: (x) => predictForest(model, x), toJSON: () => model };
    },
  },
  knn: {
    name: 'knn',
    title: BASELINE_TITLES['knn'],
    maxTrain: 10_000,
    async fit(rows, labels, { classes, settings }) {
      const model = fitKnn(rows, labels, classes, settings.k);
      const predict = knnPredictor(model);
      return { predict, toJSON: () => model };
    },
  },
  nb: {
    name: 'nb',
    title: BASELINE_TITLES['nb'],
    maxTrain: 100_000,
    async fit(rows, labels, { classes, settings }) {
      const model = fitGaussianNb(rows, labels, classes, settings.varSmoothing);
      return { predict: (x) => predictGaussianNb(model, x), toJSON: () => model };
    },
  },
};

/** Fits one model with its settings (the map's types cannot follow a name chosen at run time). */
export function fitModel<M extends BaselineModelName>(name: M, rows: number[][], labels: number[], opts: FitOptions<M>): Promise<Fitted> {
  return (MODELS[name] as BaselineModel<M>).fit(rows, labels, opts);
}
