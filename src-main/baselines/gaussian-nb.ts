/**
 * Gaussian naive Bayes, as scikit-learn's GaussianNB: per class a prior, and per feature a mean
 * and a variance, each variance widened by var_smoothing (1e-9 by default) times the largest feature variance (so a
 * constant feature, such as an always-black pixel, does not divide by zero); prediction by the
 * largest joint log-likelihood. Written here because ml-naivebayes 4.0 multiplies the
 * likelihoods out of their logs (every class underflows to 0 on 64 features) and has no
 * smoothing.
 */
export interface GaussianNbModel {
  kind: 'gaussian-nb';
  logPriors: number[];
  means: number[][];
  variances: number[][];
}

export function fitGaussianNb(rows: ArrayLike<number>[], labels: number[], classes: number, varSmoothing = 1e-9): GaussianNbModel {
  const d = rows[0]?.length ?? 0;
  const counts = new Array<number>(classes).fill(0);
  const sums = Array.from({ length: classes }, () => new Float64Array(d));
  const squares = Array.from({ length: classes }, () => new Float64Array(d));
  const all = new Float64Array(d);
  const allSq = new Float64Array(d);
  rows.forEach((r, i) => {
    const c = labels[i]!;
    counts[c]!++;
    for (let j = 0; j < d; j++) {
      const v = r[j]!;
      sums[c]![j]! += v;
      squares[c]![j]! += v * v;
      all[j]! += v;
      allSq[j]! += v * v;
    }
  });
  const n = rows.length;
  let maxVariance = 0;
  for (let j = 0; j < d; j++) maxVariance = Math.max(maxVariance, allSq[j]! / n - (all[j]! / n) ** 2);
  const epsilon = varSmoothing * maxVariance || 1e-12;
  const means = sums.map((s, c) => Array.from(s, (v) => (counts[c] ? v / counts[c]! : 0)));
  const variances = squares.map((s, c) => Array.from(s, (v, j) => (counts[c] ? Math.max(0, v / counts[c]! - means[c]![j]! ** 2) : 0) + epsilon));
  return { kind: 'gaussian-nb', logPriors: counts.map((k) => (k ? Math.log(k / n) : -Infinity)), means, variances };
}

/** The class with the largest joint log-likelihood for each row. */
export function predictGaussianNb(model: GaussianNbModel, rows: ArrayLike<number>[]): number[] {
  return rows.map((r) => {
    let best = -1;
    let bestScore = -Infinity;
    model.logPriors.forEach((prior, c) => {
      if (prior === -Infinity) return;
      let score = prior;
      const mean = model.means[c]!;
      const variance = model.variances[c]!;
      for (let j = 0; j < mean.length; j++) score -= 0.5 * (Math.log(2 * Math.PI * variance[j]!) + (r[j]! - mean[j]!) ** 2 / variance[j]!);
      if (score > bestScore) (bestScore = score), (best = c);
    });
    return best;
  });
}
