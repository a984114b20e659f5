/**
 * Decodes one image file (PNG, JPEG, GIF, WebP with sharp; BMP with our own decoder) and resizes
 * it to the dataset's size and colour, as uint8 HWC.
 *
 * Resizing uses fit 'fill': the whole image is stretched to the target size, never cropped, as
 * Keras' image_dataset_from_directory does by default, so nothing at the edges is lost. Transparent
 * pixels are flattened onto white; an animated GIF contributes its first frame; EXIF rotation is
 * applied.
 */
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import type { ImageOptions } from '../../../src-shared/datasets/schema';
import { bmpSize, decodeBmp } from './bmp';
import { say, type Message } from '../../../src-shared/messages/message';

/** Images with a side above this are refused before decoding. */
export const MAX_IMAGE_SIDE = 10_000;
/** Images with more pixels than this are refused before decoding (sharp's limitInputPixels too). */
export const MAX_IMAGE_PIXELS = 100_000_000;

/** An image that cannot be used; `said` is the reason shown in the import report (and by Try). */
export class ImageSkip extends Error {
  constructor(readonly said: Message) {
    super(said.text);
  }
}

function checkSize(width: number | undefined, height: number | undefined): void {
  if (!width || !height) throw new ImageSkip(say('skipped.noDimensions'));
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ImageSkip(say('skipped.tooManyPixels', { width: String(width), height: String(height) }));
  }
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    throw new ImageSkip(say('skipped.tooLargeSide', { width: String(width), height: String(height) }));
  }
}

function reason(err: unknown): Message {
  const msg = err instanceof Error ? err.message : String(err);
  return say('skipped.unreadableImage', { reason: msg.replace(/\s+/g, ' ').trim() });
}

/** Decodes and resizes one image; throws ImageSkip (with the reason) when it cannot. */
export async function decodeImage(bytes: Uint8Array, opts: ImageOptions): Promise<Uint8Array> {
  const channels = opts.color === 'grayscale' ? 1 : 3;
  let pipeline: Sharp;
  const isBmp = bytes[0] === 0x42 && bytes[1] === 0x4d;
  if (isBmp) {
    const size = bmpSize(bytes);
    checkSize(size?.width, size?.height);
    let decoded: ReturnType<typeof decodeBmp>;
    try {
      decoded = decodeBmp(bytes);
    } catch (err) {
      throw new ImageSkip(reason(err));
    }
    pipeline = sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 3 } });
  } else {
    const input = sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error', pages: 1 });
    let meta: Metadata;
    try {
      // Header only, so no pixel limit here: it would hide the size we want to report.
      meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    } catch (err) {
      throw new ImageSkip(reason(err));
    }
    if (!['png', 'jpeg', 'gif', 'webp'].includes(meta.format ?? '')) {
      throw new ImageSkip(meta.format ? say('skipped.imageFormat', { format: meta.format }) : say('skipped.imageFormatUnknown'));
    }
    // For multi-page images metadata's height is of all pages; pageHeight is one frame.
    checkSize(meta.width, meta.pageHeight ?? meta.height);
    pipeline = input.rotate();
  }
  pipeline = pipeline
    .flatten({ background: { r: 255, g: 255, b: 255 } })
    .resize(opts.width, opts.height, { fit: 'fill', kernel: 'lanczos3' });
  pipeline = channels === 1 ? pipeline.toColourspace('b-w') : pipeline.toColourspace('srgb');
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await pipeline.raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new ImageSkip(reason(err));
  }
  const { data, info } = out;
  if (info.channels === channels) return data;
  // Should not happen after toColourspace, but never hand the store a wrong-sized sample.
  const px = opts.width * opts.height;
  const fixed = new Uint8Array(px * channels);
  for (let i = 0; i < px; i++) {
    for (let c = 0; c < channels; c++) fixed[i * channels + c] = data[i * info.channels + Math.min(c, info.channels - 1)] as number;
  }
  return fixed;
}
