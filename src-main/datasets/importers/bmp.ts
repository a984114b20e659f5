/**
 * A small BMP decoder, because sharp (libvips) cannot read BMP: uncompressed 24- and 32-bit
 * (BI_RGB or BI_BITFIELDS) and 1/4/8-bit paletted images, bottom-up or top-down. RLE-compressed
 * BMPs are refused. Alpha is dropped: the output is always RGB.
 */

/** Width and height from a BMP header, or null when the bytes are not a BMP. */
export function bmpSize(buf: Uint8Array): { width: number; height: number } | null {
  if (buf.length < 26 || buf[0] !== 0x42 || buf[1] !== 0x4d) return null;
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerSize = v.getUint32(14, true);
  if (headerSize === 12) return { width: v.getUint16(18, true), height: v.getUint16(20, true) };
  return { width: Math.abs(v.getInt32(18, true)), height: Math.abs(v.getInt32(22, true)) };
}

/** Decodes a BMP into packed RGB bytes (row-major, top row first); throws on what it cannot read. */
export function decodeBmp(buf: Uint8Array): { width: number; height: number; data: Uint8Array } {
  if (buf.length < 54 || buf[0] !== 0x42 || buf[1] !== 0x4d) throw new Error('not a BMP file');
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dataOffset = v.getUint32(10, true);
  const headerSize = v.getUint32(14, true);
  if (headerSize < 40) throw new Error(`BMP header of ${headerSize} bytes is not supported`);
  const width = v.getInt32(18, true);
  const rawHeight = v.getInt32(22, true);
  const bpp = v.getUint16(28, true);
  const compression = v.getUint32(30, true);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0) throw new Error(`BMP has invalid dimensions ${width}x${height}`);
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (dataOffset + stride * height > buf.length) throw new Error('BMP file is truncated');

  let masks: [number, number, number] | null = null;
  if (compression === 3 && (bpp === 16 || bpp === 32)) {
    // BI_BITFIELDS: masks follow a 40-byte header, or sit inside V4/V5 headers at the same place.
    masks = [v.getUint32(54, true), v.getUint32(58, true), v.getUint32(62, true)];
  } else if (compression !== 0) {
    throw new Error(`compressed BMP (method ${compression}) is not supported`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) throw new Error(`BMP with ${bpp} bits per pixel is not supported`);
  if (bpp === 16 && !masks) masks = [0x7c00, 0x03e0, 0x001f];

  let palette: Uint8Array | null = null;
  if (bpp <= 8) {
    const colors = v.getUint32(46, true) || 1 << bpp;
    const start = 14 + headerSize;
    if (start + colors * 4 > buf.length) throw new Error('BMP palette is truncated');
    palette = buf.subarray(start, start + colors * 4);
  }

  const out = new Uint8Array(width * height * 3);
  const channel = (value: number, mask: number): number => {
    if (mask === 0) return 0;
    const shift = 31 - Math.clz32(mask & -mask); // index of the lowest set bit
    const bits = 32 - Math.clz32(mask >>> shift);
    const c = (value & mask) >>> shift;
    return bits >= 8 ? c >>> (bits - 8) : Math.round((c * 255) / ((1 << bits) - 1));
  };
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    let o = y * width * 3;
    for (let x = 0; x < width; x++, o += 3) {
      if (bpp === 24 || (bpp === 32 && !masks)) {
        const p = row + x * (bpp / 8);
        out[o] = buf[p + 2] as number;
        out[o + 1] = buf[p + 1] as number;
        out[o + 2] = buf[p] as number;
      } else if (masks) {
        const value = bpp === 32 ? v.getUint32(row + x * 4, true) : v.getUint16(row + x * 2, true);
        out[o] = channel(value, masks[0]);
        out[o + 1] = channel(value, masks[1]);
        out[o + 2] = channel(value, masks[2]);
      } else if (palette) {
        const bit = x * bpp;
        const byte = buf[row + (bit >> 3)] as number;
        const index = (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        const q = index * 4;
        if (q + 2 >= palette.length) throw new Error('BMP pixel refers past the palette');
        out[o] = palette[q + 2] as number;
        out[o + 1] = palette[q + 1] as number;
        out[o + 2] = palette[q] as number;
      }
    }
  }
  return { width, height, data: out };
}
