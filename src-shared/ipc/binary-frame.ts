/**
 * Packs a Result whose value holds Uint8Array fields into one binary frame for the web host's
 * WebSocket (Electron's IPC carries Uint8Array natively). Layout: 4-byte little-endian length of
 * a UTF-8 JSON header, the header, then the byte fields back to back. The header is the message
 * with each byte field replaced by null and listed in `binary` with its offset and length.
 */
import { parseJsonBounded } from '../json-depth';

interface BinaryRef {
  key: string;
  offset: number;
  length: number;
}

/** Whether a value has at least one top-level Uint8Array field, so it needs a binary frame. */
export function hasBinaryFields(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).some((v) => v instanceof Uint8Array)
  );
}

function getPath(obj: Record<string, unknown>, path: string): Record<string, unknown> {
  return path.split('.').reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, obj);
}

function withPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  if (rest.length === 0) return { ...obj, [head]: value };
  return { ...obj, [head]: withPath(obj[head] as Record<string, unknown>, rest.join('.'), value) };
}

/**
 * Encodes `message` where the object at the dotted `field` path (e.g. 'result.value') has
 * Uint8Array fields that go out as raw bytes.
 */
export function encodeBinaryFrame(message: Record<string, unknown>, field: string): Uint8Array {
  const inner = getPath(message, field);
  const plain: Record<string, unknown> = {};
  const refs: BinaryRef[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [key, v] of Object.entries(inner)) {
    if (v instanceof Uint8Array) {
      refs.push({ key, offset, length: v.byteLength });
      parts.push(v);
      offset += v.byteLength;
      plain[key] = null;
    } else {
      plain[key] = v;
    }
  }
  const header = new TextEncoder().encode(JSON.stringify({ ...withPath(message, field, plain), binaryField: field, binary: refs }));
  const out = new Uint8Array(4 + header.byteLength + offset);
  new DataView(out.buffer).setUint32(0, header.byteLength, true);
  out.set(header, 4);
  let at = 4 + header.byteLength;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * Decodes a frame made by encodeBinaryFrame. Byte fields come back as Uint8Array views on
 * 8-byte-aligned copies, so callers can view them as Int32Array or Float32Array directly.
 */
export function decodeBinaryFrame(frame: ArrayBuffer | Uint8Array): Record<string, unknown> {
  const bytes = frame instanceof Uint8Array ? frame : new Uint8Array(frame);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  const header = parseJsonBounded(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as Record<string, unknown> & {
    binaryField: string;
    binary: BinaryRef[];
  };
  const base = 4 + headerLength;
  const inner = getPath(header, header.binaryField);
  for (const ref of header.binary) {
    inner[ref.key] = bytes.slice(base + ref.offset, base + ref.offset + ref.length);
  }
  const { binaryField: _f, binary: _b, ...message } = header;
  return message;
}
