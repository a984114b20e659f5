/**
 * Image augmentation at batch time: pure functions on uint8 HWC pixels (one sample or a batch),
 * seeded through createRng so a run with the same seed sees the same augmented batches.
 * Pixels that move in from outside the image are 0 (black), as after a camera shift.
 */
import { createRng, type Rng } from '../../src-shared/random';

/** Height, width and channels of one image. */
export interface ImageShape {
  h: number;
  w: number;
  c: number;
}

/** What to do to each image; all off means no change. */
export interface AugmentOptions {
  /** Largest shift in pixels along each axis (uniform in [-maxShift, maxShift]). */
  maxShift?: number;
  /** Largest rotation in degrees (uniform in [-maxRotation, maxRotation]). */
  maxRotation?: number;
  /** Mirror left-right with probability 1/2. */
  flip?: boolean;
  /** Standard deviation of added gaussian noise, in pixel levels (0..255). */
  noiseStd?: number;
}

/** Whether the options change anything at all (so the trainer can skip the copy). */
export function isAugmenting(o: AugmentOptions | undefined): boolean {
  return !!o && ((o.maxShift ?? 0) > 0 || (o.maxRotation ?? 0) > 0 || !!o.flip || (o.noiseStd ?? 0) > 0);
}

/** Mirrors an image left-right. */
export function flipHorizontal(src: Uint8Array, s: ImageShape, out = new Uint8Array(src.length)): Uint8Array {
  const { h, w, c } = s;
  for (let y = 0; y < h; y++) {
    const row = y * w * c;
    for (let x = 0; x < w; x++) {
      const from = row + (w - 1 - x) * c;
      const to = row + x * c;
      for (let k = 0; k < c; k++) out[to + k] = src[from + k]!;
    }
  }
  return out;
}

/** Moves an image by (dx, dy) pixels (positive = right, down); uncovered pixels become 0. */
export function shift(src: Uint8Array, s: ImageShape, dx: number, dy: number, out = new Uint8Array(src.length)): Uint8Array {
  const { h, w, c } = s;
  for (let y = 0; y < h; y++) {
    const sy = y - dy;
    for (let x = 0; x < w; x++) {
      const sx = x - dx;
      const to = (y * w + x) * c;
      const inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
      const from = (sy * w + sx) * c;
      for (let k = 0; k < c; k++) out[to + k] = inside ? src[from + k]! : 0;
    }
  }
  return out;
}

/** Rotates an image about its centre by `degrees` (counter-clockwise), nearest-neighbour sampling. */
export function rotate(src: Uint8Array, s: ImageShape, degrees: number, out = new Uint8Array(src.length)): Uint8Array {
  const { h, w, c } = s;
  const rad = (degrees * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Inverse mapping: find the source pixel that lands on (x, y).
      const rx = x - cx;
      const ry = y - cy;
      const sx = Math.round(cos * rx - sin * ry + cx);
      const sy = Math.round(sin * rx + cos * ry + cy);
      const to = (y * w + x) * c;
      const inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
      const from = (sy * w + sx) * c;
      for (let k = 0; k < c; k++) out[to + k] = inside ? src[from + k]! : 0;
    }
  }
  return out;
}

/** A standard normal sample (Box-Muller) from a seeded generator. */
export function gaussian(rng: Rng): number {
  const u = 1 - rng(); // (0, 1], so log never sees 0
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Adds gaussian noise of standard deviation `std` levels, clamped to 0..255. */
export function addNoise(src: Uint8Array, std: number, rng: Rng, out = new Uint8Array(src.length)): Uint8Array {
  for (let i = 0; i < src.length; i++) {
    const v = Math.round(src[i]! + std * gaussian(rng));
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}

/** Applies random augmentations to one image with parameters drawn from `rng`. */
export function augmentImage(src: Uint8Array, s: ImageShape, o: AugmentOptions, rng: Rng): Uint8Array {
  let img = src;
  const maxShift = Math.floor(o.maxShift ?? 0);
  if (maxShift > 0) {
    const dx = Math.floor(rng() * (2 * maxShift + 1)) - maxShift;
    const dy = Math.floor(rng() * (2 * maxShift + 1)) - maxShift;
    img = shift(img, s, dx, dy);
  }
  const maxRotation = o.maxRotation ?? 0;
  if (maxRotation > 0) img = rotate(img, s, (rng() * 2 - 1) * maxRotation);
  if (o.flip && rng() < 0.5) img = flipHorizontal(img, s);
  if ((o.noiseStd ?? 0) > 0) img = addNoise(img, o.noiseStd!, rng);
  return img === src ? src.slice() : img;
}

/**
 * Augments a batch of `n` images (back to back in `x`) into a new array; the same seed gives
 * the same result, and `x` is left unchanged.
 */
export function augmentBatch(x: Uint8Array, n: number, s: ImageShape, o: AugmentOptions, seed: number): Uint8Array {
  const size = s.h * s.w * s.c;
  const out = new Uint8Array(n * size);
  const rng = createRng(seed);
  for (let i = 0; i < n; i++) out.set(augmentImage(x.subarray(i * size, (i + 1) * size), s, o, rng), i * size);
  return out;
}
