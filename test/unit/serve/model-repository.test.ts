/** Which exports `serve` serves under which names: derived names made unique past every name taken, given names never renamed and never twice. */
import { describe, expect, it } from 'vitest';
import { parseExportChoice, uniqueNames } from '../../../src-main/serve/model-repository';

const at = (name: string, given = false) => ({ dir: `/p/exports/${name}`, name, given });

describe('served model names', () => {
  it('numbers repeated derived names past every name taken, and keeps given ones', () => {
    expect(uniqueNames([at('a'), at('a'), at('a_2', true), at('a')]).map((t) => t.name)).toEqual(['a', 'a_3', 'a_2', 'a_4']);
  });

  it('refuses two exports given the same name', () => {
    expect(() => uniqueNames([at('x', true), at('x', true)])).toThrow(/Two exports are named x/);
  });

  it('reads --export <id>[=<name>] and refuses a name a URL would mangle', () => {
    expect(parseExportChoice('ex-abc12345=digits')).toEqual({ id: 'ex-abc12345', name: 'digits' });
    expect(parseExportChoice('ex-abc12345')).toEqual({ id: 'ex-abc12345', name: null });
    expect(() => parseExportChoice('ex-abc12345=my model')).toThrow(/letters, digits/);
  });
});
