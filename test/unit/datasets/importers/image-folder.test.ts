import { textOf } from '../../../../src-shared/messages/message';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { importDataset, importers } from '../../../../src-main/datasets/importers/index';
import { decodeBmp } from '../../../../src-main/datasets/importers/bmp';
import { useTempDirs } from '../../services/temp-dir';
import { put, solidImage, studioError, testContext } from './helpers';

const RED = { r: 200, g: 30, b: 60 };
const BLUE = { r: 20, g: 40, b: 220 };

/** A PNG whose header claims the given size, with one tiny row of data: cheap to make, huge to decode. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // grayscale
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(16))), chunk('IEND', Buffer.alloc(0))]);
}

/** A 24-bit bottom-up BMP of w x h from RGB pixels (top row first). */
function bmp24(w: number, h: number, rgb: number[][]): Buffer {
  const stride = Math.ceil((w * 3) / 4) * 4;
  const buf = Buffer.alloc(54 + stride * h);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(54, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(w, 18);
  buf.writeInt32LE(h, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(24, 28);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b] = rgb[y * w + x]!;
      const o = 54 + (h - 1 - y) * stride + x * 3;
      buf[o] = b!;
      buf[o + 1] = g!;
      buf[o + 2] = r!;
    }
  }
  return buf;
}

/** An 8-bit paletted top-down BMP. */
function bmp8(w: number, h: number, palette: number[][], indices: number[]): Buffer {
  const stride = Math.ceil(w / 4) * 4;
  const off = 54 + palette.length * 4;
  const buf = Buffer.alloc(off + stride * h);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(off, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(w, 18);
  buf.writeInt32LE(-h, 22);
  buf.writeUInt16LE(8, 28);
  buf.writeUInt32LE(palette.length, 46);
  palette.forEach(([r, g, b], i) => buf.set([b!, g!, r!, 0], 54 + i * 4));
  indices.forEach((v, i) => (buf[off + Math.floor(i / w) * stride + (i % w)] = v));
  return buf;
}

describe('image-folder importer', () => {
  const tempDir = useTempDirs();

  it('decodes PNG, JPEG, WebP, GIF and BMP, resized, in RGB and in grayscale', async () => {
    const dir = await tempDir();
    await put(dir, 'red/a.png', await solidImage('png', RED));
    await put(dir, 'red/b.jpg', await solidImage('jpeg', RED));
    await put(dir, 'red/c.webp', await solidImage('webp', RED));
    await put(dir, 'red/d.gif', await solidImage('gif', RED));
    await put(dir, 'red/e.bmp', bmp24(5, 3, Array.from({ length: 15 }, () => [RED.r, RED.g, RED.b])));
    await put(dir, 'blue/a.png', await solidImage('png', BLUE, 100, 20));
    const rgb = await importDataset({ type: 'images', path: dir, image: { width: 8, height: 6, color: 'rgb' } }, testContext());
    expect(rgb.classNames).toEqual(['blue', 'red']);
    expect(Array.from(rgb.labels)).toEqual([0, 1, 1, 1, 1, 1]);
    expect(rgb.images).toMatchObject({ width: 8, height: 6, channels: 3 });
    expect(rgb.images!.pixels.length).toBe(6 * 8 * 6 * 3);
    expect(rgb.skipped).toEqual([]);
    const px = (i: number, k: number) => rgb.images!.pixels[i * 144 + k]!;
    expect([px(0, 0), px(0, 1), px(0, 2)]).toEqual([BLUE.r, BLUE.g, BLUE.b]);
    for (let i = 1; i < 6; i++) {
      // Lossy formats may be off by a few levels; every pixel of a solid image is that colour.
      for (let k = 0; k < 144; k += 3) {
        expect(Math.abs(px(i, k) - RED.r)).toBeLessThanOrEqual(4);
        expect(Math.abs(px(i, k + 1) - RED.g)).toBeLessThanOrEqual(4);
        expect(Math.abs(px(i, k + 2) - RED.b)).toBeLessThanOrEqual(4);
      }
    }
    const gray = await importDataset({ type: 'images', path: dir, image: { width: 4, height: 4, color: 'grayscale' } }, testContext());
    expect(gray.images).toMatchObject({ channels: 1 });
    expect(gray.images!.pixels.length).toBe(6 * 16);
    const redGray = gray.images!.pixels[16]!;
    const blueGray = gray.images!.pixels[0]!;
    // Red (200,30,60) is lighter than this blue (20,40,220) to the eye; both are mid-dark.
    expect(redGray).toBeGreaterThan(blueGray);
    expect(redGray).toBeGreaterThan(40);
    expect(redGray).toBeLessThan(120);
  });

  it('decodes 24-bit bottom-up and 8-bit paletted top-down BMPs exactly', () => {
    const pixels = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [10, 20, 30],
    ];
    expect(Array.from(decodeBmp(bmp24(2, 2, pixels)).data)).toEqual(pixels.flat());
    const pal = bmp8(3, 2, [[0, 0, 0], [255, 255, 255], [9, 8, 7]], [0, 1, 2, 2, 1, 0]);
    const out = decodeBmp(pal);
    expect([out.width, out.height]).toEqual([3, 2]);
    expect(Array.from(out.data)).toEqual([0, 0, 0, 255, 255, 255, 9, 8, 7, 9, 8, 7, 255, 255, 255, 0, 0, 0]);
  });

  it('skips non-image and unreadable files with the reason, without failing', async () => {
    const dir = await tempDir();
    await put(dir, 'a/ok.png', await solidImage('png', RED));
    await put(dir, 'a/notes.txt', 'not an image');
    await put(dir, 'a/broken.png', Buffer.from('this is not a PNG at all'));
    await put(dir, 'b/ok.png', await solidImage('png', BLUE));
    await put(dir, 'b/cut.jpg', (await solidImage('jpeg', BLUE, 300, 300)).subarray(0, 200));
    await put(dir, 'b/.DS_Store', 'junk');
    await put(dir, 'readme.md', 'about');
    const raw = await importDataset({ type: 'images', path: dir }, testContext());
    expect(raw.labels.length).toBe(2);
    const byItem = Object.fromEntries(raw.skipped.map((s) => [s.item, textOf(s.reason)]));
    expect(Object.keys(byItem).sort()).toEqual(['a/broken.png', 'a/notes.txt', 'b/cut.jpg', 'readme.md']);
    expect(byItem['a/notes.txt']).toBe('not an image file (.txt)');
    expect(byItem['a/broken.png']).toMatch(/^unreadable image: /);
    expect(byItem['b/cut.jpg']).toMatch(/^unreadable image: /);
    expect(byItem['readme.md']).toBe('not inside a class folder');
  });

  it('skips a 30,000 x 30,000 image quickly, saying why', async () => {
    const dir = await tempDir();
    await put(dir, 'a/ok.png', await solidImage('png', RED));
    await put(dir, 'a/huge.png', pngClaiming(30_000, 30_000));
    await put(dir, 'b/wide.png', pngClaiming(20_000, 10));
    await put(dir, 'b/ok.png', await solidImage('png', BLUE));
    const started = Date.now();
    const raw = await importDataset({ type: 'images', path: dir }, testContext());
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(raw.labels.length).toBe(2);
    expect(raw.skipped.map((s) => ({ ...s, reason: textOf(s.reason) }))).toEqual([
      { item: 'a/huge.png', reason: 'image is 30000x30000 pixels, larger than the 100-megapixel limit' },
      { item: 'b/wide.png', reason: 'image is 20000x10 pixels, wider or taller than the 10,000-pixel limit' },
    ]);
    // Said by key, so the import report shows them in the UI's language.
    expect(raw.skipped.map((s) => (typeof s.reason === 'string' ? s.reason : s.reason.key))).toEqual(['skipped.tooManyPixels', 'skipped.tooLargeSide']);
  });

  it('refuses a folder without class subfolders, or with only one', async () => {
    const dir = await tempDir();
    await put(dir, 'loose.png', await solidImage('png', RED));
    const none = await studioError(importDataset({ type: 'images', path: dir }, testContext()));
    expect(none.code).toBe('BAD_REQUEST');
    expect(none.message).toBe('No classes: the folder needs one subfolder per class.');
    expect(none.said).toMatchObject({ key: 'errors.noClasses', params: { why: { key: 'errors.noClassesWhy.subfolders' } } });
    await put(dir, 'cats/a.png', await solidImage('png', RED));
    const one = await studioError(importDataset({ type: 'images', path: dir }, testContext()));
    expect(one.message).toBe('Only one class (cats): a classifier needs at least two.');
    // Two folders, but every file of one is unusable: still only one class.
    await put(dir, 'dogs/x.png', Buffer.from('nope'));
    const stillOne = await studioError(importDataset({ type: 'images', path: dir }, testContext()));
    expect(stillOne.message).toBe('Only one class (cats): a classifier needs at least two.');
  });

  it('stops with CANCELLED when the import is cancelled midway', async () => {
    const dir = await tempDir();
    const png = await solidImage('png', RED, 64, 64);
    for (let i = 0; i < 60; i++) await put(dir, `${i % 2 ? 'a' : 'b'}/${i}.png`, png);
    const controller = new AbortController();
    const ctx = testContext(controller.signal);
    const report = ctx.report;
    ctx.report = (p, m) => {
      report(p, m);
      controller.abort();
    };
    const err = await studioError(importDataset({ type: 'images', path: dir }, ctx));
    expect(err.code).toBe('CANCELLED');
  });

  it('matches image folders only', async () => {
    const dir = await tempDir();
    await put(dir, 'a/1.png', await solidImage('png', RED));
    await put(dir, 'b/1.png', await solidImage('png', BLUE));
    await put(dir, 'texts/a/1.txt', 'hello');
    const images = importers.find((i) => i.type === 'images')!;
    expect(await images.match(dir)).toBe(true);
    expect(await images.match(`${dir}/texts`)).toBe(false);
    expect(await images.match(`${dir}/a/1.png`)).toBe(false);
  });
});
