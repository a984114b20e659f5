/**
 * k-nearest neighbours as scikit-learn's KNeighborsClassifier with its defaults: Euclidean
 * distance, uniform votes, the lowest class on a tie of votes. A brute-force search over the
 * training rows (squared distances as |a|² + |b|² − 2a·b), which is what scikit-learn uses too on
 * wide rows; four test rows at a time, so each training row is read once for the four. Written
 * here because ml-knn 3.0's k-d tree degenerates on wide rows: 66 ms per MNIST digit (784
 * features) and 232 ms per e-mail (2,000 TF-IDF columns).
 */
export interface KnnModel {
  kind: 'knn';
  k: number;
  classes: number;
  features: number;
  /** The training rows, row-major. */
  rows: number[];
  labels: number[];
}

export function fitKnn(rows: ArrayLike<number>[], labels: ArrayLike<number>, classes: number, k: number): KnnModel {
  const d = rows[0]?.length ?? 0;
  const flat = new Array<number>(rows.length * d);
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) flat[i * d + j] = r[j]!;
  });
  return { kind: 'knn', k: Math.min(k, rows.length), classes, features: d, rows: flat, labels: Array.from(labels) };
}

/** Test rows searched together. */
const BLOCK = 4;

/** The k nearest so far of one test row, kept sorted (an earlier training row wins a tie of distance). */
class Nearest {
  readonly dist: Float64Array;
  readonly index: Int32Array;
  constructor(readonly k: number) {
    this.dist = new Float64Array(k).fill(Infinity);
    this.index = new Int32Array(k).fill(-1);
  }
  offer(dist: number, i: number): void {
    const { dist: bd, index: bi } = this;
    let p = this.k - 1;
    if (dist >= bd[p]!) return;
    while (p > 0 && bd[p - 1]! > dist) {
      bd[p] = bd[p - 1]!;
      bi[p] = bi[p - 1]!;
      p--;
    }
    bd[p] = dist;
    bi[p] = i;
  }
}

/** A predictor for a model (the training rows copied into one typed array once). */
export function knnPredictor(model: KnnModel): (rows: ArrayLike<number>[]) => number[] {
  const { k, classes, features: d } = model;
  const n = model.labels.length;
  const x = Float64Array.from(model.rows);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[i * d + j]! ** 2;
    norms[i] = s;
  }
  const votes = new Int32Array(classes);
  const vote = (near: Nearest) => {
    votes.fill(0);
    for (let p = 0; p < k; p++) if (near.index[p]! >= 0) votes[model.labels[near.index[p]!]!]!++;
    let best = 0;
    for (let c = 1; c < classes; c++) if (votes[c]! > votes[best]!) best = c;
    return best;
  };
  return (rows) => {
    const out: number[] = [];
    // A block of test rows, padded with zeros past the end (their answers are dropped).
    const q = new Float64Array(BLOCK * d);
    for (let start = 0; start < rows.length; start += BLOCK) {
      const m = Math.min(BLOCK, rows.length - start);
      q.fill(0);
      const qn = new Float64Array(BLOCK);
      for (let b = 0; b < m; b++) {
        const r = rows[start + b]!;
        for (let j = 0; j < d; j++) {
          q[b * d + j] = r[j]!;
          qn[b]! += r[j]! ** 2;
        }
      }
      const near = Array.from({ length: m }, () => new Nearest(k));
      for (let i = 0; i < n; i++) {
        const base = i * d;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let j = 0; j < d; j++) {
          const v = x[base + j]!;
          s0 += q[j]! * v;
          s1 += q[d + j]! * v;
          s2 += q[2 * d + j]! * v;
          s3 += q[3 * d + j]! * v;
        }
        const dots = [s0, s1, s2, s3];
        for (let b = 0; b < m; b++) near[b]!.offer(qn[b]! + norms[i]! - 2 * dots[b]!, i);
      }
      for (let b = 0; b < m; b++) out.push(vote(near[b]!));
    }
    return out;
  };
}
