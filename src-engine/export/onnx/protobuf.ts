/**
 * A small protobuf writer, enough for ONNX's messages: varints (int64 as two's complement),
 * fixed 32-bit floats, and length-delimited strings, bytes and sub-messages. Repeated scalars
 * are written unpacked, as ONNX's proto2 schema declares them (parsers read both forms).
 */

/** A message under construction: fields appended in the order written. */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(b: Uint8Array): void {
    this.parts.push(b);
    this.size += b.byteLength;
  }

  private key(field: number, wire: 0 | 2 | 5): void {
    this.push(varint(BigInt((field << 3) | wire)));
  }

  /** An int32/int64/enum/bool field. */
  int(field: number, value: number | bigint): this {
    this.key(field, 0);
    this.push(varint(BigInt(value)));
    return this;
  }

  /** A float field (fixed32). */
  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  /** A bytes field. */
  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.push(varint(BigInt(value.byteLength)));
    this.push(value);
    return this;
  }

  /** A string field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** A sub-message field. */
  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  /** The message's bytes. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    return out;
  }
}

/** Base-128 varint; negative values as their 64-bit two's complement (10 bytes). */
export function varint(value: bigint): Uint8Array {
  let v = value < 0n ? (1n << 64n) + value : value;
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Uint8Array.from(out);
}
