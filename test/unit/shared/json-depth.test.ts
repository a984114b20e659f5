import { describe, expect, it } from 'vitest';
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
});
