import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src-shared/random';
import { addNoise, augmentBatch, flipHorizontal, rotate, shift, type ImageShape } from '../../../src-engine/data/augment';

const GRAY: ImageShape = { h: 4, w: 5, c: 1 };
const RGB: ImageShape = { h: 3, w: 4, c: 3 };

function ramp(s: ImageShape, n = 1): Uint8Array {
  return Uint8Array.from({ length: n * s.h * s.w * s.c }, (_, i) => (i * 11 + 3) % 256);
}

function px(img: Uint8Array, s: ImageShape, y: number, x: number): number[] {
  return Array.from(img.subarray((y * s.w + x) * s.c, (y * s.w + x + 1) * s.c));
}

describe('augmentation', () => {
  it('flips an RGB image into its exact mirror, and flipping twice restores it', () => {
    const img = ramp(RGB);
    const flipped = flipHorizontal(img, RGB);
    for (let y = 0; y < RGB.h; y++) {
      for (let x = 0; x < RGB.w; x++) expect(px(flipped, RGB, y, x)).toEqual(px(img, RGB, y, RGB.w - 1 - x));
    }
    expect(flipHorizontal(flipped, RGB)).toEqual(img);
  });

  it('leaves an image unchanged when shifted by 0 or rotated by 0 degrees', () => {
    const img = ramp(GRAY);
    expect(shift(img, GRAY, 0, 0)).toEqual(img);
    expect(rotate(img, GRAY, 0)).toEqual(img);
  });

  it('shifts pixels right and down and fills the uncovered edge with 0', () => {
    const img = ramp(GRAY);
    const out = shift(img, GRAY, 2, 1);
    expect(px(out, GRAY, 1, 2)).toEqual(px(img, GRAY, 0, 0));
    expect(px(out, GRAY, 3, 4)).toEqual(px(img, GRAY, 2, 2));
    expect(Array.from(out.subarray(0, GRAY.w))).toEqual([0, 0, 0, 0, 0]);
    expect(px(out, GRAY, 2, 1)).toEqual([0]);
  });

  it('rotates a square image by 90 degrees as a quarter turn', () => {
    const s: ImageShape = { h: 3, w: 3, c: 1 };
    const img = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(rotate(img, s, 90))).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7]);
  });

  it('keeps noisy values within 0..255 and is deterministic for a seed', () => {
    const img = Uint8Array.from([0, 255, 0, 255, 128, 128, 1, 254]);
    const a = addNoise(img, 80, createRng(5));
    expect(a).toEqual(addNoise(img, 80, createRng(5)));
    expect(a).not.toEqual(img);
    expect(a.every((v) => v >= 0 && v <= 255)).toBe(true);
  });

  it('augments a batch the same way for the same seed, differently for another, leaving the input alone', () => {
    const batch = ramp(RGB, 8);
    const copy = batch.slice();
    const opts = { maxShift: 1, maxRotation: 15, flip: true, noiseStd: 10 };
    const a = augmentBatch(batch, 8, RGB, opts, 1);
    expect(augmentBatch(batch, 8, RGB, opts, 1)).toEqual(a);
    expect(augmentBatch(batch, 8, RGB, opts, 2)).not.toEqual(a);
    expect(batch).toEqual(copy);
    expect(a).toHaveLength(batch.length);
    expect(augmentBatch(batch, 8, RGB, {}, 1)).toEqual(batch);
  });
});
