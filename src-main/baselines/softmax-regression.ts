/**
 * Multinomial logistic regression, as scikit-learn's LogisticRegression defaults: softmax over
 * the classes, an L2 penalty of ||W||² / (2C) with C = 1 (no penalty on the intercepts), fitted
 * by L-BFGS (10 corrections, a backtracking line search) until the gradient is below 1e-4 or
 * after `maxIterations`. Written here because ml-logistic-regression 2.0 is one-vs-rest plain
 * gradient descent: 66.7% on iris and 72% on digits where scikit-learn gets 93% and 98%.
 */
export interface SoftmaxModel {
  kind: 'softmax-regression';
  classes: number;
  features: number;
  /** Row-major [classes][features + 1]: each class's weights, then its intercept. */
  weights: number[];
}

export interface SoftmaxOptions {
  c?: number;
  maxIterations?: number;
}

/** Loss (mean cross-entropy plus the penalty, scaled by 1/n) and its gradient at w. */
export function lossAndGradient(w: Float64Array, rows: ArrayLike<number>[], labels: number[], k: number, d: number, c: number): { loss: number; grad: Float64Array } {
  const stride = d + 1;
  const grad = new Float64Array(w.length);
  const logits = new Float64Array(k);
  const n = rows.length;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const x = rows[i]!;
    let max = -Infinity;
    for (let a = 0; a < k; a++) {
      let z = w[a * stride + d]!;
      for (let j = 0; j < d; j++) z += w[a * stride + j]! * x[j]!;
      logits[a] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let a = 0; a < k; a++) sum += Math.exp(logits[a]! - max);
    const logSum = max + Math.log(sum);
    loss += logSum - logits[labels[i]!]!;
    for (let a = 0; a < k; a++) {
      const g = Math.exp(logits[a]! - logSum) - (a === labels[i] ? 1 : 0);
      if (g === 0) continue;
      for (let j = 0; j < d; j++) grad[a * stride + j]! += g * x[j]!;
      grad[a * stride + d]! += g;
    }
  }
  let penalty = 0;
  for (let a = 0; a < k; a++) {
    for (let j = 0; j < d; j++) {
      const v = w[a * stride + j]!;
      penalty += v * v;
      grad[a * stride + j]! += v / c;
    }
  }
  loss += penalty / (2 * c);
  for (let i = 0; i < grad.length; i++) grad[i]! /= n;
  return { loss: loss / n, grad };
}

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);

export function fitSoftmax(rows: ArrayLike<number>[], labels: number[], classes: number, opts: SoftmaxOptions = {}): SoftmaxModel {
  const d = rows[0]?.length ?? 0;
  const c = opts.c ?? 1;
  const maxIterations = opts.maxIterations ?? 200;
  const m = 10;
  let w = new Float64Array(classes * (d + 1));
  let { loss, grad } = lossAndGradient(w, rows, labels, classes, d, c);
  const ss: Float64Array[] = [];
  const ys: Float64Array[] = [];
  for (let it = 0; it < maxIterations; it++) {
    if (Math.sqrt(dot(grad, grad)) < 1e-4) break;
    // Two-loop recursion: the direction -H·g from the last m steps.
    const q = Float64Array.from(grad);
    const alphas: number[] = [];
    for (let i = ss.length - 1; i >= 0; i--) {
      const rho = 1 / dot(ys[i]!, ss[i]!);
      const alpha = rho * dot(ss[i]!, q);
      alphas[i] = alpha;
      for (let j = 0; j < q.length; j++) q[j]! -= alpha * ys[i]![j]!;
    }
    const gamma = ss.length ? dot(ss.at(-1)!, ys.at(-1)!) / dot(ys.at(-1)!, ys.at(-1)!) : 1 / Math.max(1, Math.sqrt(dot(grad, grad)));
    for (let j = 0; j < q.length; j++) q[j]! *= gamma;
    for (let i = 0; i < ss.length; i++) {
      const rho = 1 / dot(ys[i]!, ss[i]!);
      const beta = rho * dot(ys[i]!, q);
      for (let j = 0; j < q.length; j++) q[j]! += ss[i]![j]! * (alphas[i]! - beta);
    }
    const slope = -dot(grad, q);
    if (slope >= 0) {
      // Not a descent direction: restart from the gradient.
      ss.length = 0;
      ys.length = 0;
      q.set(grad);
    }
    // Backtracking line search (Armijo) along -q.
    let step = 1;
    let next = new Float64Array(w.length);
    let trial = { loss, grad };
    for (let tries = 0; tries < 30; tries++) {
      for (let j = 0; j < w.length; j++) next[j] = w[j]! - step * q[j]!;
      trial = lossAndGradient(next, rows, labels, classes, d, c);
      if (trial.loss <= loss - 1e-4 * step * dot(grad, q)) break;
      step /= 2;
    }
    const s = next.map((v, j) => v - w[j]!);
    const y = trial.grad.map((v, j) => v - grad[j]!);
    if (dot(s, y) > 1e-12) {
      ss.push(s);
      ys.push(y);
      if (ss.length > m) (ss.shift(), ys.shift());
    }
    const improvement = loss - trial.loss;
    w = next;
    ({ loss, grad } = trial);
    if (improvement >= 0 && improvement < 1e-10) break;
    next = new Float64Array(0);
  }
  return { kind: 'softmax-regression', classes, features: d, weights: Array.from(w) };
}

export function predictSoftmax(model: SoftmaxModel, rows: ArrayLike<number>[]): number[] {
  const { classes: k, features: d, weights: w } = model;
  return rows.map((x) => {
    let best = 0;
    let bestZ = -Infinity;
    for (let a = 0; a < k; a++) {
      let z = w[a * (d + 1) + d]!;
      for (let j = 0; j < d; j++) z += w[a * (d + 1) + j]! * x[j]!;
      if (z > bestZ) (bestZ = z), (best = a);
    }
    return best;
  });
}
