/** Converts one image's uint8 HWC pixels (grayscale or RGB) into RGBA for a canvas ImageData. */
export function toRgba(pixels: Uint8Array, h: number, w: number, c: number): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(new ArrayBuffer(h * w * 4));
  for (let i = 0, j = 0; i < h * w; i++, j += 4) {
    if (c === 1) {
      const v = pixels[i]!;
      out[j] = v;
      out[j + 1] = v;
      out[j + 2] = v;
    } else {
      out[j] = pixels[i * c]!;
      out[j + 1] = pixels[i * c + 1]!;
      out[j + 2] = pixels[i * c + 2]!;
    }
    out[j + 3] = 255;
  }
  return out;
}
