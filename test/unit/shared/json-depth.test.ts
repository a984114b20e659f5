import { describe, expect, it } from 'vitest';
import { decodeBinaryFrame } from '../../../src-shared/ipc/binary-frame';
import { jsonTooDeep, parseJsonBounded } from '../../../src-shared/json-depth';

describe('JSON depth', () => {
  it('counts the nesting of arrays and objects, not brackets inside strings', () => {
    expect(jsonTooDeep('{"a":[[1]]}', 3)).toBe(false);
    expect(jsonTooDeep('{"a":[[[1]]]}', 3)).toBe(true);
    expect(jsonTooDeep(JSON.stringify({ s: '[[[[[{{{{', t: 'a \\" [[[[' }), 1)).toBe(false);
  });

  it('parses ordinary JSON and refuses JSON nested past the limit', () => {
    expect(parseJsonBounded('{"layers":[{"units":4}]}')).toEqual({ layers: [{ units: 4 }] });
    expect(() => parseJsonBounded('['.repeat(200) + ']'.repeat(200))).toThrow('it nests arrays or objects deeper than 128 levels');
  });

  it('bounds the header of a binary web-host frame too', () => {
    const header = new TextEncoder().encode(`{"x":${'['.repeat(500)}${']'.repeat(500)},"binaryField":"payload","binary":[]}`);
    const frame = new Uint8Array(4 + header.length);
    new DataView(frame.buffer).setUint32(0, header.length, true);
    frame.set(header, 4);
    expect(() => decodeBinaryFrame(frame)).toThrow('it nests arrays or objects deeper than 128 levels');
  });
});
