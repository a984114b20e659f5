/**
 * Stratified, seeded train / validation / test splits: every class is divided in the same
 * proportions, and the same seed always gives the same split.
 */
import { createRng, shuffleInPlace } from '../random';
import type { SplitName } from './schema';

/** What to split and how. */
export interface SplitRequest {
  /** One label per sample, each in [0, numClasses). */
  labels: ArrayLike<number>;
  numClasses: number;
  seed: number;
  validationFraction: number;
  /** Ignored when testStart is given. */
  testFraction: number;
  /** Samples from this index on are the source's own test set and become the test split. */
  testStart?: number;
}

/** Sample indices of each split, ascending. */
export type SplitIndices = Record<SplitName, Uint32Array>;

/** How many of n samples go to test and validation, so small classes still reach every split. */
function portions(n: number, testFraction: number, validationFraction: number): [number, number] {
  let nTest = Math.round(n * testFraction);
  let nVal = Math.round(n * validationFraction);
  // A class with a few samples still deserves one in each split a person asked for.
  if (n >= 3) {
    if (testFraction > 0 && nTest === 0) nTest = 1;
    if (validationFraction > 0 && nVal === 0) nVal = 1;
  }
  // Training keeps at least one sample of every class that has any.
  while (n > 0 && nTest + nVal > n - 1) {
    if (nTest >= nVal && nTest > 0) nTest--;
    else if (nVal > 0) nVal--;
    else break;
  }
  return [nTest, nVal];
}

/** Divides samples into train / validation / test, stratified by class and seeded. */
export function splitDataset(req: SplitRequest): SplitIndices {
  const total = req.labels.length;
  const end = req.testStart ?? total;
  const byClass: number[][] = Array.from({ length: req.numClasses }, () => []);
  for (let i = 0; i < end; i++) {
    const label = req.labels[i]!;
    if (!(label >= 0 && label < req.numClasses)) throw new RangeError(`Sample ${i} has label ${label}, outside [0, ${req.numClasses}).`);
    byClass[label]!.push(i);
  }
  const rng = createRng(req.seed);
  const testFraction = req.testStart === undefined ? req.testFraction : 0;
  const train: number[] = [];
  const validation: number[] = [];
  const test: number[] = [];
  for (const members of byClass) {
    shuffleInPlace(members, rng);
    const [nTest, nVal] = portions(members.length, testFraction, req.validationFraction);
    test.push(...members.slice(0, nTest));
    validation.push(...members.slice(nTest, nTest + nVal));
    train.push(...members.slice(nTest + nVal));
  }
  for (let i = end; i < total; i++) test.push(i);
  const sorted = (a: number[]) => Uint32Array.from(a).sort();
  return { train: sorted(train), validation: sorted(validation), test: sorted(test) };
}

/** Samples per class among `indices`. */
export function classCounts(labels: ArrayLike<number>, indices: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let k = 0; k < indices.length; k++) counts[labels[indices[k]!]!]!++;
  return counts;
}
